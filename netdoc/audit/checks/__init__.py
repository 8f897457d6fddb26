"""Every audit check, one module per topic; ALL_CHECKS is the one list the runner and docs read.

Adding a check: write it in its topic's module, add it to that module's CHECKS, and give it a
firing and a passing case in tests/audit/.
"""

from __future__ import annotations

from netdoc.audit.checks import (
    addressing,
    bonds,
    bridges,
    consistency,
    corosync,
    hygiene,
    meta,
    mtu,
    nat,
    switches,
)
from netdoc.audit.finding import Check

ALL_CHECKS: tuple[Check, ...] = (
    *bonds.CHECKS,
    *bridges.CHECKS,
    *mtu.CHECKS,
    *consistency.CHECKS,
    *corosync.CHECKS,
    *addressing.CHECKS,
    *hygiene.CHECKS,
    *nat.CHECKS,
    *switches.CHECKS,
)
META_CHECKS: tuple[Check, ...] = meta.CHECKS


def check_codes() -> set[str]:
    return {c.code for c in (*ALL_CHECKS, *META_CHECKS)}
