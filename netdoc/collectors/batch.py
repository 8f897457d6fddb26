"""One SSH round trip for many commands: the script sent to `bash -s` and its output split back (pure).

    marker = new_marker()
    script = batch_script(["ip -j addr", "sudo -n ovs-vsctl show"], marker)
    result = session.run(BATCH_COMMAND, stdin=script.encode(), timeout=...)
    results = split_batch(result, commands, marker)     # one CommandResult per command, or BatchBroken

The script runs each command as its own line, with stdin from /dev/null (the script itself is
bash's stdin: a command reading stdin would eat the lines after it), between two lines holding a
random marker, on stdout and on stderr, the command's exit status printed after it:

    printf '%s\\n' 'netdoc-<hex> 0 begin'; printf '%s\\n' 'netdoc-<hex> 0 begin' >&2
    ip -j addr </dev/null
    printf '\\n%s %s\\n' 'netdoc-<hex> 0 end' "$?"; printf '\\n%s\\n' 'netdoc-<hex> 0 end' >&2

The marker is new for every batch (128 random bits) and travels on stdin, never on a command line
(a process list shows `bash -s` only), so collected output cannot know it in advance. The split is
strict: each marker line exactly where expected, in order, and the marker nowhere else. Anything
else (a forged or unexpected marker, a missing frame, no exit status, a shell that is not there)
breaks the batch as a whole; the caller then runs the commands one by one, as before batching.
The commands themselves are the allow-list's fixed lines (plan.py): their globs are meant for
bash to expand; every word netdoc adds is quoted with shlex.quote.

Size: the batch is read through `batch_sinks` (capped.FrameCap): a command whose output passes
the limit is cut there while it is read, and the channel closed. The commands before it are
whole (their results stand), that one is truncated (`cut_at`: a gap, never stored), and the
ones after it never ran to the end: None, so the caller runs each on its own.
"""

from __future__ import annotations

import re
import secrets
import shlex
from collections.abc import Sequence

from netdoc.collectors.capped import FrameCap
from netdoc.collectors.outcome import Failed
from netdoc.collectors.plan import BATCH_COMMAND
from netdoc.collectors.ssh import CommandResult

__all__ = ["BATCH_COMMAND", "BatchBroken", "batch_script", "batch_sinks", "new_marker", "split_batch"]
_STATUS = re.compile(rb"(\d{1,3})\n")


class BatchBroken(Failed):
    """The batch's output is not the framing it must be: run the commands one by one instead."""


def new_marker() -> str:
    return f"netdoc-{secrets.token_hex(16)}"


def batch_script(commands: Sequence[str], marker: str) -> str:
    """The script for `bash -s`: each command framed by marker lines, its exit status after it."""
    if not re.fullmatch(r"[A-Za-z0-9-]{16,}", marker):
        raise ValueError("a marker is letters, digits and dashes, at least 16 of them")
    lines = [f"# netdoc: {len(commands)} commands, each framed by marker lines; its exit status after it"]
    for i, command in enumerate(commands):
        if "\n" in command or not command.strip():
            raise ValueError(f"a batched command is one non-empty line: {command!r}")
        begin, end = shlex.quote(f"{marker} {i} begin"), shlex.quote(f"{marker} {i} end")
        lines += [
            f"printf '%s\\n' {begin}; printf '%s\\n' {begin} >&2",
            f"{command} </dev/null",
            f"printf '\\n%s %s\\n' {end} \"$?\"; printf '\\n%s\\n' {end} >&2",
        ]
    return "\n".join(lines) + "\n"


def batch_sinks(marker: str, limit: int) -> tuple[FrameCap, FrameCap]:
    """How a batch's stdout and stderr are read: each command's output up to `limit`, all of it
    up to twice that (the commands after are then run alone, each with its own limit)."""
    return FrameCap(marker, limit, 2 * limit), FrameCap(marker, limit, 2 * limit)


def _frames(
    data: bytes, marker: bytes, count: int, stream: str, *, whole: bool = True
) -> list[tuple[bytes, int | None]]:
    """Each command's bytes on one stream (and its exit status on stdout), strictly as framed.

    `whole=False` (a batch cut short): the first `count` frames, with whatever follows them.
    """
    found = data.count(marker)
    if found != 2 * count if whole else found < 2 * count:
        raise BatchBroken(
            f"the batch's {stream} holds its marker {found} times, not {2 * count} "
            "(output that looks like a frame, or a batch that did not run whole)"
        )
    out: list[tuple[bytes, int | None]] = []
    pos = 0
    for i in range(count):
        begin = marker + f" {i} begin\n".encode()
        if not data.startswith(begin, pos):
            raise BatchBroken(f"the batch's {stream} does not begin command {i} where expected")
        pos += len(begin)
        end = b"\n" + marker + f" {i} end".encode()
        stop = data.find(end, pos)
        if stop < 0:
            raise BatchBroken(f"the batch's {stream} does not end command {i}")
        body, pos = data[pos:stop], stop + len(end)
        status: int | None = None
        if stream == "stdout":
            match = _STATUS.match(data, pos + 1) if data[pos : pos + 1] == b" " else None
            if match is None:
                raise BatchBroken(f"the batch gives no exit status for command {i}")
            status, pos = int(match.group(1)), match.end()
        elif data[pos : pos + 1] == b"\n":
            pos += 1
        else:
            raise BatchBroken(f"the batch's {stream} ends command {i} badly")
        out.append((body, status))
    if whole and pos != len(data):
        raise BatchBroken(f"the batch's {stream} has {len(data) - pos} bytes after its last command")
    return out


def _split_cut(
    result: CommandResult, commands: Sequence[str], marker: str, sinks: tuple[FrameCap, FrameCap]
) -> list[CommandResult | None]:
    """A batch read up to a command whose output passed the limit (or all of them, twice it)."""
    key = marker.encode()
    full = [s for s in sinks if s.full and s.cut_frame is not None]
    cut = min(s.cut_frame for s in full if s.cut_frame is not None)
    over = any(s.over_limit and s.cut_frame == cut for s in full)
    outs = _frames(result.stdout, key, cut, "stdout", whole=False)
    # stderr may lag behind stdout: a command before the cut without its whole stderr runs again
    done_err = min(cut, result.stderr.count(key) // 2)
    errs = _frames(result.stderr, key, done_err, "stderr", whole=False)
    share = result.seconds / max(1, len(commands))
    found: list[CommandResult | None] = [
        CommandResult(commands[i], outs[i][1], outs[i][0], errs[i][0], share) for i in range(done_err)
    ]
    found += [None] * (cut - done_err)
    if over:
        begin = key + f" {cut} begin\n".encode()
        at = result.stdout.find(begin)
        if at < 0 or key + f" {cut} end".encode() in result.stdout:
            raise BatchBroken(f"the batch's output was cut outside command {cut}")
        start = at + len(begin)
        body = bytes(memoryview(result.stdout)[start : start + (result.cut_at or 0)])  # one copy
        err_at = result.stderr.find(begin)
        err = result.stderr[err_at + len(begin) :] if err_at >= 0 else b""
        err = err.split(b"\n" + key, 1)[0]
        found.append(CommandResult(commands[cut], None, body, err, share, result.cut_at))
    return found + [None] * (len(commands) - len(found))


def split_batch(
    result: CommandResult,
    commands: Sequence[str],
    marker: str,
    sinks: tuple[FrameCap, FrameCap] | None = None,
) -> list[CommandResult | None]:
    """One result per command (its own exit status, stdout and stderr); BatchBroken when not framed.

    A batch cut at the limit (`result.cut_at`, read through `sinks`): the commands before the
    cut, the one cut (truncated), None for the rest (run them alone).
    """
    if result.cut_at is not None and sinks is not None and any(s.full for s in sinks):
        return _split_cut(result, commands, marker, sinks)
    if result.exit_status is None:
        raise BatchBroken(f"the batch was cut short ({len(result.stdout)} bytes, no exit status)")
    if result.exit_status != 0:
        first = next((ln for ln in result.stderr_text.splitlines() if ln.strip()), "")
        raise BatchBroken(f"`{BATCH_COMMAND}` exited with status {result.exit_status}: {first[:200]}")
    key = marker.encode()
    outs = _frames(result.stdout, key, len(commands), "stdout")
    errs = _frames(result.stderr, key, len(commands), "stderr")
    share = result.seconds / max(1, len(commands))
    return [
        CommandResult(command, status, out, err, share)
        for command, (out, status), (err, _) in zip(commands, outs, errs, strict=True)
    ]
