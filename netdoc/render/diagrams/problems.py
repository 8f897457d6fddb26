"""The audit's findings on a diagram: by the graph ids each finding names, as a colour and tooltip lines.

The other source of problems, the runtime state of an interface (a slave down, a member OVS
refused, LACP without a partner), is interfaces.py's `NodeFacts.state`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netdoc.audit.finding import Finding, Severity
from netdoc.audit.run import AuditResult
from netdoc.render.diagrams.common import ORANGE, RED, short


@dataclass
class Problems:
    """The audit's findings by the graph ids they name, for one cluster."""

    by_id: dict[str, list[Finding]] = field(default_factory=dict)

    @classmethod
    def of(cls, audit: AuditResult, cluster: str) -> Problems:
        out: dict[str, list[Finding]] = {}
        for f in audit.findings:
            if f.cluster != cluster or f.severity.rank < Severity.LOW.rank:
                continue
            for gid in dict.fromkeys(f.ids):
                out.setdefault(gid, []).append(f)
        return cls(out)

    def colour(self, gid: str) -> str | None:
        """Red: named by a high or critical finding; orange: the first thing a medium one names."""
        worst = None
        for f in self.by_id.get(gid, ()):
            if f.severity.rank >= Severity.HIGH.rank:
                return RED
            if f.severity is Severity.MEDIUM and f.ids and f.ids[0] == gid:
                worst = ORANGE
        return worst

    def notes(self, gid: str, limit: int = 3) -> list[str]:
        """The findings about an element, for its tooltip (most severe first)."""
        found = self.by_id.get(gid, [])
        out = [short(f"{f.severity.value}: {f.code}: {f.message}", 200) for f in found[:limit]]
        if len(found) > limit:
            out.append(f"... and {len(found) - limit} more findings")
        return out
