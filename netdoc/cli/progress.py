"""What `netdoc build` and `netdoc run` show while a site is built, on standard error.

On a terminal: one line, rewritten in place ("netdoc build: diagrams 12/65"), cleared at the end.
Otherwise (a log, a pipe, cron): one plain line per step, counts as a total ("diagrams: 65"), never
a line per diagram or per page. Standard output is left to the command's own results.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import IO


class StepProgress:
    """A build's progress callback (pipeline.inputs.BuildProgress): (step, done, total)."""

    def __init__(
        self,
        stream: IO[str] | None = None,
        *,
        prefix: str = "netdoc build",
        tty: bool | None = None,
        quiet: bool = False,
        interval_s: float = 0.1,
    ) -> None:
        self.stream = stream or sys.stderr
        self.prefix = prefix
        self.tty = self.stream.isatty() if tty is None else tty
        self.quiet = quiet
        self.interval_s = interval_s
        self._step = ""
        self._shown = 0.0
        self._open = False  # a line is on the terminal, to be cleared

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.quiet:
            return
        if self.tty:
            now = time.monotonic()
            if step == self._step and 0 < done < total and now - self._shown < self.interval_s:
                return  # at most ten updates a second, but always the first and the last
            self._step, self._shown = step, now
            text = f"{self.prefix}: {step}" + (f" {done}/{total}" if total else "")
            width = shutil.get_terminal_size((80, 24)).columns - 1
            self.stream.write("\r\x1b[2K" + text[:width])
            self.stream.flush()
            self._open = True
            return
        if step != self._step:
            self._step = step
            self.stream.write(f"{self.prefix}: {step}" + (f": {total}" if total else "") + "\n")
            self.stream.flush()

    def clear(self) -> None:
        """Take the updating line away (before other output, and at the end)."""
        if self._open:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._open = False

    def __enter__(self) -> StepProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.clear()
