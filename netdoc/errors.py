"""The one exception tree of netdoc; importable by every module, imports nothing of netdoc.

    NetdocError
    ├── ConfigError      every problem of an inventory, each with its key path and line, at once
    ├── CollectError     (node, source)
    │   ├── ConnectError
    │   │   └── AuthError
    │   ├── CollectTimeout
    │   └── CommandError
    ├── SnapshotError    a snapshot folder that cannot be read or written
    ├── ParseError       (source, path, line number, the line)
    └── RenderError

Per-node and per-artifact failures are data in the manifest, not exceptions that stop a run;
these exceptions cross a function boundary only when the caller cannot go on.
"""

from __future__ import annotations

from dataclasses import dataclass


class NetdocError(Exception):
    """Base of every error netdoc raises on purpose; the CLI prints it as one line."""

    exit_code = 1

    def one_line(self) -> str:
        return str(self)


@dataclass(frozen=True)
class ConfigProblem:
    """One problem in a configuration file: where (key path, line) and why."""

    key_path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        key = f"{self.key_path}: " if self.key_path else ""
        return f"{where}{key}{self.message}"


class ConfigError(NetdocError):
    """An inventory (or other configuration) is invalid; carries every problem found."""

    exit_code = 2

    def __init__(self, path: str, problems: list[ConfigProblem] | tuple[ConfigProblem, ...]) -> None:
        self.path = path
        self.problems = tuple(problems)
        super().__init__(self.one_line())

    def one_line(self) -> str:
        if len(self.problems) == 1:
            return f"{self.path}: {self.problems[0]}"
        return f"{self.path}: {len(self.problems)} problems"

    def lines(self) -> list[str]:
        """Every problem as its own `file: line N: key: reason` line."""
        return [f"{self.path}: {p}" for p in self.problems]


class UsageError(NetdocError):
    """The command line asks for something impossible (unknown kind, missing file)."""

    exit_code = 2


class CollectError(NetdocError):
    """Collection from one node over one source failed."""

    def __init__(self, message: str, *, node: str | None = None, source: str | None = None) -> None:
        self.node = node
        self.source = source
        self.message = message
        super().__init__(self.one_line())

    def one_line(self) -> str:
        parts = [p for p in (self.node, self.source) if p]
        prefix = f"{' '.join(parts)}: " if parts else ""
        return f"{prefix}{self.message}"


class ConnectError(CollectError):
    """The host could not be reached, or the TLS/SSH handshake failed."""


class AuthError(ConnectError):
    """The host answered but refused the credentials, or presented an unexpected key."""


class CollectTimeout(CollectError):
    """A request or the whole run went past its deadline."""


class CommandError(CollectError):
    """A remote command ran and failed (missing, non-zero exit, denied)."""


class SnapshotError(NetdocError):
    """A snapshot folder is unreadable, or cannot be written and swapped in."""

    exit_code = 2


class ParseError(NetdocError):
    """A source could not be parsed at all; the only exception a parser may raise."""

    exit_code = 2

    def __init__(
        self, reason: str, *, source: str = "", path: str = "", line: int | None = None, text: str = ""
    ) -> None:
        self.reason = reason
        self.source = source
        self.path = path
        self.line = line
        self.text = text
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = self.path or self.source or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        shown = f" ({self.text.strip()[:80]!r})" if self.text.strip() else ""
        return f"{where}: {self.reason}{shown}"


class RenderError(NetdocError):
    """A page, diagram or report could not be produced or published."""
