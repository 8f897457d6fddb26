"""Output kept up to a limit while it is read, so that a huge or endless output never fills memory (pure).

    sink = Capped(limit)                       # one command: the first `limit` bytes of a stream
    sink = FrameCap(marker, limit, total)      # a batch (batch.py): each command's own output cut
    sink.feed(chunk); ...; sink.full            # True: stop reading, the rest is cut (channel closed)

A reader (ssh.SshSession.run) feeds every chunk it receives and stops as soon as a sink is full:
it closes the channel instead of reading on, so a 1 GB output costs `limit` bytes of memory and
the time to receive them, not the whole gigabyte. `FrameCap` knows the batch's framing (a marker
line before and after each command's output): it cuts one command's output at `limit` (that
command is truncated, the ones before it are whole) and the whole stream at `total`.
"""

from __future__ import annotations

from typing import Protocol

# The words of a frame line around a command's output (" 12 begin\n", "\n" before the end marker).
_FRAME_SLACK = 32


class Sink(Protocol):
    """Where a reader puts a stream's bytes; `full` once it holds all it may."""

    @property
    def full(self) -> bool: ...

    def feed(self, data: bytes) -> None: ...

    def value(self) -> bytes:
        """What was kept (called once, at the end: it may move the bytes out)."""
        ...


class Capped:
    """The first `limit` bytes of a stream; `full` once more than that came."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.buf = bytearray()
        self.full = False

    def feed(self, data: bytes) -> None:
        room = self.limit - len(self.buf)
        if len(data) > room:
            self.buf += data[: max(0, room)]
            self.full = True
        else:
            self.buf += data

    def value(self) -> bytes:
        """What was kept, moved out (the sink is empty after: one copy of a big output, not two)."""
        data, self.buf = bytes(self.buf), bytearray()
        return data


class FrameCap:
    """A batch's stream, each segment between two markers kept up to `limit` (plus its frame words).

    `cut_frame`: the command whose output was being read when the sink filled; `over_limit`: True
    when that command's own output passed `limit` (it is truncated), False when the stream as a
    whole passed `total` (that command is run again on its own).
    """

    def __init__(self, marker: str, limit: int, total: int) -> None:
        self.key = marker.encode()
        self.limit = limit
        self.total = total
        self.buf = bytearray()
        self.pending = b""  # not scanned yet: may hold the first bytes of a marker
        self.seen = 0  # markers seen so far
        self.segment = 0  # bytes kept of the segment after the last marker
        self.full = False
        self.cut_frame: int | None = None
        self.over_limit = False

    def feed(self, data: bytes) -> None:
        if self.full:
            return
        data = self.pending + data if self.pending else data
        self.pending = b""
        start = 0
        while True:
            at = data.find(self.key, start)
            if at < 0:
                break
            if not self._add(data[start:at]):
                return
            self.buf += self.key
            self.seen += 1
            self.segment = 0
            start = at + len(self.key)
        hold = max(start, len(data) - (len(self.key) - 1))
        if self._add(data[start:hold]):
            self.pending = data[hold:]

    def _add(self, chunk: bytes) -> bool:
        """Keep a chunk of one segment; False when the sink is full now."""
        if not chunk:
            return True
        room = self.limit + _FRAME_SLACK - self.segment
        if len(chunk) > room or len(self.buf) + len(chunk) > self.total:
            self.over_limit = len(chunk) > room
            take = room if self.over_limit else max(0, self.total - len(self.buf))
            self.buf += chunk[: min(take, room)]
            self.full = True
            self.cut_frame = max(0, (self.seen - 1) // 2)
            return False
        self.buf += chunk
        self.segment += len(chunk)
        return True

    def value(self) -> bytes:
        """What was kept, moved out (as Capped.value)."""
        if not self.full:
            self.buf += self.pending
            self.pending = b""
        data, self.buf = bytes(self.buf), bytearray()
        return data
