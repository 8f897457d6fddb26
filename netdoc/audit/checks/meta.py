"""The audit's findings about itself: a check that failed, a waiver that expired (made by audit/run.py)."""

from __future__ import annotations

from collections.abc import Iterator

from netdoc.audit.context import AuditContext
from netdoc.audit.finding import Check, Hit, Severity


def _none(ctx: AuditContext) -> Iterator[Hit]:
    """Raised by the runner itself, not by looking at a cluster."""
    return iter(())


CHECK_FAILED = Check(
    "audit-check-failed",
    Severity.LOW,
    "audit",
    "A check could not run",
    "A bug in netdoc stopped one check; its findings are missing from this audit, the others are complete.",
    "Report the message (netdoc --debug check ... shows the traceback); the other findings stand.",
    _none,
)
WAIVER_EXPIRED = Check(
    "waiver-expired",
    Severity.LOW,
    "audit",
    "A waiver has expired",
    "A waiver records an accepted risk until a date; past it, the risk is to be looked at again.",
    "Fix what the waiver covered, or renew the waiver with a new reason and date.",
    _none,
)

CHECKS = (CHECK_FAILED, WAIVER_EXPIRED)
