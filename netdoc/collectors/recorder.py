"""Every planned unit of work gets exactly one outcome, written into the snapshot (thread-safe).

A unit is one API request or one SSH command; settling it writes its artifacts (or failure
entries) through the SnapshotWriter and tells the progress display. The files are written outside
the recorder's lock (a unit is claimed first, so it is still settled once): the 1,000 guest
configurations of one read must not hold up every other thread's outcome. When the run's deadline
passes, `close()` settles whatever is still pending as `timeout`, waits for the writes already
under way, and drops anything a late worker thread still tries to write, so the snapshot can be
committed on time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from netdoc.errors import SnapshotError
from netdoc.snapshot import STATUSES, SnapshotWriter

CLUSTER_ROW = "(cluster)"

log = logging.getLogger(__name__)


class Progress(Protocol):
    """What the command line shows while a cluster is collected (netdoc/cli.py implements it)."""

    def planned(self, cluster: str, row: str, count: int) -> None: ...

    def settled(self, cluster: str, row: str, status: str) -> None: ...


class NoProgress:
    def planned(self, cluster: str, row: str, count: int) -> None:
        pass

    def settled(self, cluster: str, row: str, status: str) -> None:
        pass


@dataclass(eq=False)
class Unit:
    """One request or command. `row` is where progress shows it (a node, or the cluster)."""

    row: str
    source: str  # api | ssh
    request: str
    failure_paths: tuple[tuple[str, str | None], ...]  # (snapshot path, manifest node) on failure
    done: bool = False
    status: str = ""
    claimed: bool = False  # being settled (its files written) by one thread


@dataclass(frozen=True)
class FileWrite:
    node: str
    path: str  # absolute path on the node
    content: bytes


@dataclass(frozen=True)
class FailureEntry:
    path: str  # snapshot path
    node: str | None
    status: str
    message: str


@dataclass
class RowStats:
    ok: int = 0
    total: int = 0
    worst: set[str] = field(default_factory=set)
    finished: float | None = None  # monotonic time of the row's last outcome
    offline: bool = False


class Recorder:
    def __init__(self, writer: SnapshotWriter, cluster: str, progress: Progress | None = None) -> None:
        self.writer = writer
        self.cluster = cluster
        self.progress = progress or NoProgress()
        self.cond = threading.Condition()
        self.units: list[Unit] = []
        self.rows: dict[str, RowStats] = {}
        self.closed = False
        self.writing = 0  # settles writing files outside the lock right now
        self.skipped_writes: list[str] = []

    # ----------------------------------------------------------------------------------- planning

    def plan(self, units: Sequence[Unit]) -> list[Unit]:
        with self.cond:
            if self.closed:
                return []
            for u in units:
                self.units.append(u)
                self.rows.setdefault(u.row, RowStats())
            by_row: dict[str, int] = {}
            for u in units:
                by_row[u.row] = by_row.get(u.row, 0) + 1
        for row, n in by_row.items():
            self.progress.planned(self.cluster, row, n)
        return list(units)

    def mark_offline(self, row: str) -> None:
        with self.cond:
            self.rows.setdefault(row, RowStats()).offline = True

    # ----------------------------------------------------------------------------------- settling

    def settle(
        self,
        unit: Unit,
        *,
        api: tuple[str, Any, str | None] | None = None,
        files: Iterable[FileWrite] = (),
        command: tuple[str, str, bytes] | None = None,
        failures: Iterable[FailureEntry] = (),
        status: str = "ok",
    ) -> bool:
        """Write a unit's artifacts; False when the unit was already settled or the run is closed."""
        with self.cond:
            if unit.done or unit.claimed or self.closed:
                return False
            unit.claimed = True
            self.writing += 1
        written = 0
        try:
            written = self._write(api, files, command, unit.request)
        except Exception as exc:  # a unit whose artifacts could not be stored is an error, not lost
            log.exception("storing %s failed", unit.request)
            message = f"not stored: {type(exc).__name__}: {exc}"
            failures = [FailureEntry(path, node, "error", message) for path, node in unit.failure_paths]
            status = "error"
        with self.cond:
            self.writing -= 1
            stats = self.rows.setdefault(unit.row, RowStats())
            stats.ok += written
            stats.total += written
            for fe in failures:
                self._fail(unit, fe, stats)
            unit.done = True
            unit.status = status
            stats.finished = time.monotonic()
            self.cond.notify_all()
        self.progress.settled(self.cluster, unit.row, status)
        return True

    def _write(
        self,
        api: tuple[str, Any, str | None] | None,
        files: Iterable[FileWrite],
        command: tuple[str, str, bytes] | None,
        request: str,
    ) -> int:
        """The artifacts into the snapshot (not under the lock); how many were written."""
        written = 0
        if api is not None:
            path, data, node = api
            self.writer.add_api(path, data, node=node)
            written += 1
        for f in files:
            try:
                self.writer.add_node_file(f.node, f.path, f.content, request=f.path)
            except SnapshotError as exc:
                with self.cond:
                    self.skipped_writes.append(f"{f.node}:{f.path}: {exc}")
                continue
            written += 1
        if command is not None:
            node, name, content = command
            self.writer.add_command(node, name, content, request=request)
            written += 1
        return written

    def fail(self, unit: Unit, status: str, message: str) -> bool:
        """Settle a unit as failed: one manifest entry per path it would have written."""
        entries = [FailureEntry(path, node, status, message) for path, node in unit.failure_paths]
        return self.settle(unit, failures=entries, status=status)

    def _fail(self, unit: Unit, fe: FailureEntry, stats: RowStats) -> None:
        assert fe.status in STATUSES and fe.status != "ok"
        self.writer.add_failure(
            fe.path,
            node=fe.node,
            source=unit.source,
            request=unit.request,
            status=fe.status,
            error=fe.message,
        )
        stats.total += 1
        stats.worst.add(fe.status)

    # ----------------------------------------------------------------------------------- waiting

    def wait_for(
        self, predicate: Callable[[], bool], until: float, cancelled: Callable[[], bool] = lambda: False
    ) -> bool:
        """Wait (monotonic `until`) for a condition over the units; True when it holds."""
        with self.cond:
            while not predicate():
                left = until - time.monotonic()
                if left <= 0 or self.closed or cancelled():
                    return predicate()
                self.cond.wait(min(left, 0.5))
            return True

    def pending(self) -> list[Unit]:
        with self.cond:
            return [u for u in self.units if not u.done]

    def close(self, status: str, message: str, *, wait_s: float = 10.0) -> int:
        """Settle every pending unit as `status` and refuse any later write; returns how many.

        Writes already under way are waited for (at most `wait_s`: they are local file writes),
        so that nothing lands in the snapshot's folder after it is committed.
        """
        with self.cond:  # reentrant: fail() takes it again
            count = sum(self.fail(u, status, message) for u in self.units if not u.done and not u.claimed)
            self.closed = True
            self.cond.notify_all()
            end = time.monotonic() + wait_s
            while self.writing and time.monotonic() < end:
                self.cond.wait(0.05)
        return count
