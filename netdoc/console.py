"""What `netdoc collect` and `netdoc demo` show on the terminal (used by cli.py only).

A progress bar per node (rich) on a terminal; plain lines when stderr is not a terminal (cron,
CI), one per node when it is done. At the end, a table per cluster: each node ok, partial,
failed or offline, its artifacts ok/total, its time, and the first problem.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from netdoc.textsafety import inert_text

if TYPE_CHECKING:
    from netdoc.collectors.collect import ClusterResult

_STYLE = {"ok": "green", "partial": "yellow", "failed": "red", "offline": "magenta"}


class ConsoleProgress:
    """Implements collectors.recorder.Progress for the terminal; thread-safe."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.tty = console.is_terminal
        self.lock = threading.Lock()
        self.counts: dict[tuple[str, str], list[int]] = {}  # (cluster, row) -> [done, planned, failed]
        self.tasks: dict[tuple[str, str], TaskID] = {}
        self.bars: Progress | None = None
        if self.tty:
            self.bars = Progress(
                TextColumn("{task.description:<28}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[failed]}"),
                TimeElapsedColumn(),
                console=console,
                transient=False,
            )

    def __enter__(self) -> ConsoleProgress:
        if self.bars is not None:
            self.bars.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.bars is not None:
            self.bars.stop()

    def planned(self, cluster: str, row: str, count: int) -> None:
        with self.lock:
            c = self.counts.setdefault((cluster, row), [0, 0, 0])
            c[1] += count
            if self.bars is not None:
                task = self.tasks.get((cluster, row))
                if task is None:
                    name = f"{cluster} {row}".replace("[", "\\[")
                    self.tasks[(cluster, row)] = self.bars.add_task(name, total=c[1], failed="")
                else:
                    self.bars.update(task, total=c[1])

    def settled(self, cluster: str, row: str, status: str) -> None:
        with self.lock:
            c = self.counts.setdefault((cluster, row), [0, 0, 0])
            c[0] += 1
            if status not in ("ok", "missing"):
                c[2] += 1
            done, planned, failed = c
            if self.bars is not None:
                note = f"[red]{failed} failed[/]" if failed else ""
                self.bars.update(self.tasks[(cluster, row)], completed=done, failed=note)
            elif done == planned:
                tail = f", {failed} failed" if failed else ""
                self.console.print(
                    f"{cluster} {row}: {done}/{planned} reads done{tail}", highlight=False, markup=False
                )


def _shown(remote: str) -> str:
    """A problem as the remote side worded it (an SSH server's stderr), without escape sequences."""
    return inert_text(remote)[0]


def results_table(result: ClusterResult, tty: bool) -> Table:
    table = Table(
        title=Text(f"cluster {result.cluster}: {result.snapshot}"),
        box=box.SIMPLE if tty else box.ASCII,
        title_justify="left",
    )
    for column in ("node", "state", "artifacts ok/total", "time", "first problem"):
        table.add_column(column, overflow="fold")
    for row in result.rows:
        state = Text(row.state, style=_STYLE.get(row.state, "") if tty else "")
        problem = Text(_shown(row.problem[:200]))
        table.add_row(Text(row.name), state, f"{row.ok}/{row.total}", f"{row.seconds:.1f} s", problem)
    return table
