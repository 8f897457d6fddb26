"""Findings and checks: what the audit says, how bad it is, and the lines that prove it.

A `Check` is a small pure function over one assembled cluster (and its graph) with a stable code,
a severity, a title, a rationale and a remediation; what it yields (`Hit`) becomes a `Finding`.
docs/checks.md is generated from this metadata (tests/test_checks_doc.py fails when it is stale).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from netdoc.model.names import natural_key
from netdoc.model.net import Evidence

if TYPE_CHECKING:
    from netdoc.audit.context import AuditContext


class Severity(Enum):
    """How urgent a finding is; ordered (INFO < LOW < MEDIUM < HIGH < CRITICAL)."""

    INFO = "info"  # a fact worth knowing, documented as such (NAT, firewall off): not a problem
    LOW = "low"  # hygiene: unused, inconsistent, or a risk with no impact today
    MEDIUM = "medium"  # lost redundancy or a misconfiguration that will bite on the next change
    HIGH = "high"  # something is broken now, or a single failure takes a service down
    CRITICAL = "critical"  # the cluster is at risk now (quorum, storage, every path)

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r}; one of {names}") from None


_RANKS = {s: i for i, s in enumerate(Severity)}


@dataclass(frozen=True)
class Hit:
    """What a check found about one subject: the facts in one sentence, and their evidence.

    `subject` names the thing (stable across runs, for waivers and history): "proxmox1/eno1",
    "link1", "storage nas-vms", "VM 300 net0", "vmbr0" for a cluster-wide bridge.
    """

    subject: str
    message: str
    evidence: tuple[Evidence, ...] = ()
    node: str | None = None
    ids: tuple[str, ...] = ()  # graph ids of what it is about (links from pages and diagrams)


@dataclass(frozen=True)
class Check:
    """One audit rule; `run` is pure and yields a Hit per subject that breaks it."""

    code: str
    severity: Severity
    topic: str  # bonds | bridges | mtu | cluster | corosync | addressing | hygiene | audit
    title: str
    rationale: str
    remediation: str
    run: Callable[[AuditContext], Iterable[Hit]]


@dataclass(frozen=True)
class Finding:
    """A Hit with its check's code, severity and cluster: one line of the audit."""

    code: str
    severity: Severity
    cluster: str
    subject: str
    message: str
    title: str
    evidence: tuple[Evidence, ...] = ()
    node: str | None = None
    ids: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """`<cluster>/<subject>`: what a waiver names."""
        return f"{self.cluster}/{self.subject}"

    def sort_key(self) -> tuple[object, ...]:
        """Most severe first, then cluster, check and subject (numbers in names as numbers)."""
        return (
            -self.severity.rank,
            natural_key(self.cluster),
            self.code,
            natural_key(self.subject),
            self.message,
        )


def finding(check: Check, cluster: str, hit: Hit) -> Finding:
    return Finding(
        code=check.code,
        severity=check.severity,
        cluster=cluster,
        subject=hit.subject,
        message=hit.message,
        title=check.title,
        evidence=hit.evidence,
        node=hit.node,
        ids=hit.ids,
    )
