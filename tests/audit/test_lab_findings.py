"""Golden findings of every lab scenario: the faults each scenario's definition describes, and no noise.

tests/fixtures/audit-lab/<scenario>.json lists (severity, code, subject) for every finding;
`pytest --update-golden tests/audit/test_lab_findings.py` rewrites them for review.
"""

from __future__ import annotations

import pytest

from tests.audit.fixtures import lab_audit
from tests.golden import FIXTURES, check_golden
from tests.lab.scenario_worlds import SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_lab_scenario_findings(scenario: str, update_golden: bool) -> None:
    result = lab_audit(scenario)
    found = [{"severity": f.severity.value, "code": f.code, "subject": f.subject} for f in result.findings]
    check_golden(FIXTURES / "audit-lab" / f"{scenario}.json", found, update_golden)


def test_lab_scenarios_show_their_described_faults() -> None:
    """What each scenario's header comment promises (netdoc/lab/scenarios/*.yml) is found."""
    lacp = {(f.code, f.subject) for f in lab_audit("lacp-vlans").findings}
    assert ("bond-slave-down", "pve2/bond0/eno2") in lacp  # "on pve2 eno2 is down"
    assert ("lacp-no-partner", "pve3/bond0") in lacp  # "on pve3 LACP is not negotiated"
    assert ("nat-forwarding", "pve1/nat") in lacp  # "vmbr1 is a routed NAT bridge ... port forwards"
    ovs = {(f.code, f.subject) for f in lab_audit("ovs").findings}
    assert ("lacp-no-partner", "ovs2/bond0") in ovs and ("bond-slave-down", "ovs2/bond0/enp1s0f1") in ovs
    starwars = {(f.code, f.subject) for f in lab_audit("starwars").findings}
    assert ("nic-claimed-twice", "proxmox1/eno1") in starwars
