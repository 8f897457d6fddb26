"""What `netdoc doctor` found: one Check per thing checked, the fixes grouped, the exit code.

Shared by the API and TLS checks (doctor.py) and the SSH checks (doctor_ssh.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from netdoc.collectors.outcome import Missing, TimedOut, Unreachable

FORMAT = "netdoc-doctor/1"
STATUSES = ("ok", "warning", "missing", "problem", "unreachable", "config")


@dataclass(frozen=True)
class Check:
    """One thing doctor checked: where, what, how it went, what it would cost, and the fix."""

    cluster: str
    node: str  # "" for the cluster as a whole
    area: str  # tls | api | privileges | host key | ssh | files | commands
    subject: str  # the request, command, read or file
    status: str  # one of STATUSES
    detail: str
    artifacts: tuple[str, ...] = ()  # snapshot paths that would be missing or incomplete
    fix_title: str = ""  # what to do, where (checks with the same title share one fix)
    fix: str = ""  # the exact line (command, sudoers line, inventory key)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["artifacts"] = list(self.artifacts)
        return out


@dataclass(frozen=True)
class Fix:
    title: str
    lines: tuple[str, ...]
    where: tuple[str, ...]  # cluster or cluster/node
    artifacts: tuple[str, ...]


@dataclass
class DoctorReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        found = {c.status for c in self.checks}
        for status, code in (("config", 2), ("unreachable", 3), ("problem", 1)):
            if status in found:
                return code
        return 0

    def fixes(self) -> list[Fix]:
        """The fixes of every check that is not ok, one per title, in the order found."""
        groups: dict[str, tuple[dict[str, None], dict[str, None], dict[str, None]]] = {}
        for c in self.checks:
            if c.status in ("ok", "missing") or not (c.fix or c.fix_title):
                continue
            lines, where, artifacts = groups.setdefault(c.fix_title or c.fix, ({}, {}, {}))
            if c.fix:
                lines[c.fix] = None
            where["/".join(p for p in (c.cluster, c.node) if p)] = None
            artifacts.update(dict.fromkeys(c.artifacts))
        return [Fix(t, tuple(lines), tuple(where), tuple(arts)) for t, (lines, where, arts) in groups.items()]

    def to_json(self) -> dict[str, Any]:
        counts = {s: sum(c.status == s for c in self.checks) for s in STATUSES}
        return {
            "format": FORMAT,
            "exit_code": self.exit_code,
            "counts": counts,
            "checks": [c.to_json() for c in self.checks],
            "fixes": [
                asdict(f) | {k: list(getattr(f, k)) for k in ("lines", "where", "artifacts")}
                for f in self.fixes()
            ],
        }


Add = Callable[..., None]


def status_of(exc: BaseException) -> str:
    if isinstance(exc, Unreachable | TimedOut):
        return "unreachable"
    if isinstance(exc, Missing):
        return "missing"
    return "problem"


@dataclass(frozen=True)
class NodeTarget:
    """A node as doctor checks it: where its SSH is, whether the API lists it and says it is online."""

    name: str
    address: str | None
    port: int
    online: bool | None
    in_api: bool
