"""Run every check over every cluster of an estate, then apply the waivers: the audit's one entry point.

A check that raises is a bug in netdoc, not a reason to lose the rest of the audit: it becomes an
`audit-check-failed` finding and the other checks still run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from netdoc.audit.checks import ALL_CHECKS
from netdoc.audit.context import AuditContext
from netdoc.audit.finding import Check, Finding, Severity, finding
from netdoc.audit.waivers import Waiver
from netdoc.model.base import SourceRef
from netdoc.model.net import Evidence
from netdoc.topology.graph import Topology

log = logging.getLogger(__name__)

CHECK_FAILED = "audit-check-failed"
WAIVER_EXPIRED = "waiver-expired"


@dataclass(frozen=True)
class Waived:
    finding: Finding
    waiver: Waiver


@dataclass(frozen=True)
class AuditResult:
    findings: tuple[Finding, ...]  # active, most severe first
    waived: tuple[Waived, ...] = ()
    checks: tuple[Check, ...] = ()

    def at_or_above(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity.rank >= severity.rank)

    def counts(self) -> dict[Severity, int]:
        return {s: sum(1 for f in self.findings if f.severity is s) for s in Severity}


def _run_check(check: Check, ctx: AuditContext) -> list[Finding]:
    try:
        return [finding(check, ctx.name, hit) for hit in check.run(ctx)]
    except Exception as exc:  # a netdoc bug: keep the other checks' findings
        log.exception("check %s failed on cluster %s", check.code, ctx.name)
        return [
            Finding(
                CHECK_FAILED,
                Severity.LOW,
                ctx.name,
                check.code,
                f"the check {check.code} failed ({exc!r}); its findings are missing. Please report this bug.",
                "A check could not run",
            )
        ]


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in findings:
        key = (f.code, f.cluster, f.subject)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def run_audit(
    topology: Topology,
    *,
    waivers: Sequence[Waiver] = (),
    today: dt.date | None = None,
    checks: Sequence[Check] = ALL_CHECKS,
) -> AuditResult:
    """Every check on every cluster; waivers applied as of `today` (default: today, UTC)."""
    today = today or dt.datetime.now(dt.UTC).date()
    raw: list[Finding] = []
    for cluster in topology.estate.clusters:
        ctx = AuditContext(cluster, topology)
        for check in checks:
            raw += _run_check(check, ctx)
    active: list[Finding] = []
    waived: list[Waived] = []
    valid = [w for w in waivers if not w.expired(today)]
    for f in _dedupe(raw):
        waiver = next((w for w in valid if w.matches(f.code, f.key)), None)
        if waiver is None:
            active.append(f)
        else:
            waived.append(Waived(f, waiver))
    for w in waivers:
        if w.expired(today):
            active.append(
                Finding(
                    WAIVER_EXPIRED,
                    Severity.LOW,
                    w.subject.split("/", 1)[0],
                    f"{w.code} {w.subject}",
                    f"the waiver of {w.code} for {w.subject} expired on {w.expires.isoformat()} "
                    f"(reason given: {w.reason}); the findings it covered are active again",
                    "A waiver has expired",
                    (Evidence(None, SourceRef(w.path, w.line or 1), "the waiver"),),
                )
            )
    active.sort(key=Finding.sort_key)
    waived.sort(key=lambda w: w.finding.sort_key())
    return AuditResult(tuple(active), tuple(waived), tuple(checks))
