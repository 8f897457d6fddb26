"""The bond checks: each fires on a bond with the fault and stays quiet on one without.

Most cases turn the bundled example's bond1 on proxmox1 (eno3, eno4; broadcast) into an LACP bond
and give it a /proc/net/bonding file written in tests/audit/fixtures.py; OVS cases use the
example's OVS bond0 (eno1, eno2) or the lab's ovs scenario, whose OVS database lists say what
`ovs-vsctl show` does not (link state, lacp_current, bond_mode).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netdoc.audit.run import AuditResult
from netdoc.examples import example_path
from tests.audit.fixtures import SWITCH_A, SWITCH_B, ZERO, Slave, bonding, ip_link, lab_audit, lab_snapshot
from tests.audit.snapshots import audit, codes, edit_example, example_with, subjects

P1 = "nodes/proxmox1/etc/network/interfaces"
P2 = "nodes/proxmox2/etc/network/interfaces"
BOND1 = "nodes/proxmox1/proc/net/bonding/bond1"
BOND1_P2 = "nodes/proxmox2/proc/net/bonding/bond1"
LACP_P1 = edit_example(P1, "bond_mode broadcast", "bond_mode 802.3ad")
LACP_P2 = edit_example(P2, "bond_mode broadcast", "bond_mode 802.3ad")
BOND_CODES = (
    "bond-slave-down",
    "bond-link-failures",
    "lacp-no-partner",
    "lacp-aggregator-split",
    "lacp-churned",
    "bond-single-slave",
    "bond-mode-mismatch",
    "bond-speed-mismatch",
    "lacp-rate-differs",
    "ovs-balance-tcp-without-lacp",
)
HEALTHY = (Slave("eno3"), Slave("eno4"))


def lacp(
    tmp: Path, *slaves: Slave, name: str = "snap", active: int | None = 1, partner: str = SWITCH_A
) -> AuditResult:
    """The example with proxmox1's bond1 in 802.3ad and this bonding file."""
    text = bonding(slaves, active=active, partner=partner)
    return audit(example_with(tmp, {P1: LACP_P1, BOND1: text}, name=name))


def bond_findings(result: AuditResult) -> list[tuple[str, str]]:
    return sorted((f.code, f.subject) for f in result.findings if f.code in BOND_CODES)


def message(result: AuditResult, code: str) -> str:
    (finding,) = codes(result, code)
    return finding.message


def test_the_example_has_no_bond_finding() -> None:
    assert bond_findings(audit(example_path("starwars"))) == []


def test_a_healthy_lacp_bond_has_no_finding(tmp_path: Path) -> None:
    assert bond_findings(lacp(tmp_path, *HEALTHY)) == []


# ----------------------------------------------------------------------------------------- slaves


def test_bond_slave_down(tmp_path: Path) -> None:
    result = lacp(tmp_path, Slave("eno3"), Slave("eno4", mii="down", speed=None, failures=2, aggregator=2))
    assert subjects(result, "bond-slave-down") == ["proxmox1/bond1/eno4"]
    text = message(result, "bond-slave-down")
    assert "eno4 of bond bond1 is down" in text and "2 link failures" in text and "eno3 only" in text
    # the down slave's own aggregator and its failures are explained by its being down
    assert bond_findings(result) == [("bond-slave-down", "proxmox1/bond1/eno4")]
    (finding,) = codes(result, "bond-slave-down")
    assert any("bonding/bond1" in str(e) for e in finding.evidence), finding.evidence


def test_bond_slave_down_from_ip_link_alone(tmp_path: Path) -> None:
    """Without a bonding file, ip link's info_slave_data says which slave is down."""
    links = ip_link(
        {"ifname": "bond1", "linkinfo": {"info_kind": "bond", "info_data": {"mode": "broadcast"}}},
        *(
            {
                "ifname": n,
                "master": "bond1",
                "up": n == "eno3",
                "linkinfo": {
                    "info_slave_kind": "bond",
                    "info_slave_data": {"state": "ACTIVE", "mii_status": "UP" if n == "eno3" else "DOWN"},
                },
            }
            for n in ("eno3", "eno4")
        ),
    )
    files = {BOND1: None, "nodes/proxmox1/commands/ip-j-d-link.json": links}
    result = audit(example_with(tmp_path, files))
    assert subjects(result, "bond-slave-down") == ["proxmox1/bond1/eno4"]


def test_bond_link_failures(tmp_path: Path) -> None:
    result = lacp(tmp_path, Slave("eno3", failures=3), Slave("eno4"))
    assert subjects(result, "bond-link-failures") == ["proxmox1/bond1/eno3"]
    assert "3 link failures" in message(result, "bond-link-failures")
    assert subjects(lacp(tmp_path, *HEALTHY, name="clean"), "bond-link-failures") == []


def test_bond_speed_mismatch(tmp_path: Path) -> None:
    result = lacp(tmp_path, Slave("eno3"), Slave("eno4", speed=1000))
    assert subjects(result, "bond-speed-mismatch") == ["proxmox1/bond1"]
    text = message(result, "bond-speed-mismatch")
    assert "eno3 10000 Mb/s, eno4 1000 Mb/s" in text and "cannot all be in one aggregator" in text
    # a down slave's speed is unknown, not different
    down = lacp(tmp_path, Slave("eno3"), Slave("eno4", mii="down", speed=None), name="down")
    assert subjects(down, "bond-speed-mismatch") == []


# ----------------------------------------------------------------------------------------- LACP


def test_lacp_no_partner(tmp_path: Path) -> None:
    result = lacp(
        tmp_path, Slave("eno3", partner=ZERO), Slave("eno4", partner=ZERO, aggregator=2), partner=ZERO
    )
    assert subjects(result, "lacp-no-partner") == ["proxmox1/bond1"]
    assert "00:00:00:00:00:00" in message(result, "lacp-no-partner")
    assert "sends on eno3 only" in message(result, "lacp-no-partner")
    # no partner at all explains the split aggregators: one finding, not two
    assert bond_findings(result) == [("lacp-no-partner", "proxmox1/bond1")]


def test_lacp_no_active_aggregator(tmp_path: Path) -> None:
    result = lacp(tmp_path, Slave("eno3", aggregator=None), Slave("eno4", aggregator=None), active=None)
    assert subjects(result, "lacp-no-partner") == ["proxmox1/bond1"]
    assert "no active aggregator" in message(result, "lacp-no-partner")


def test_lacp_no_partner_on_one_slave(tmp_path: Path) -> None:
    result = lacp(tmp_path, Slave("eno3"), Slave("eno4", partner=ZERO, aggregator=2, partner_churn="churned"))
    assert subjects(result, "lacp-no-partner") == ["proxmox1/bond1/eno4"]
    # its separate aggregator and its churn are what "no partner" means: not reported again
    assert subjects(result, "lacp-aggregator-split") == []
    assert subjects(result, "lacp-churned") == []


def test_lacp_no_partner_from_ip_link(tmp_path: Path) -> None:
    """An unprivileged bonding file has no aggregator lines: ip link's ad_info still tells."""
    text = bonding((Slave("eno3", partner=None), Slave("eno4", partner=None)))
    text = text[: text.index("System priority")] + text[text.index("\nSlave Interface") :]
    ad_info = {"aggregator": 1, "num_ports": 1, "actor_key": 15, "partner_key": 1, "partner_mac": ZERO}
    links = ip_link(
        {
            "ifname": "bond1",
            "linkinfo": {"info_kind": "bond", "info_data": {"mode": "802.3ad", "ad_info": ad_info}},
        },
        {"ifname": "eno3", "master": "bond1"},
        {"ifname": "eno4", "master": "bond1"},
    )
    files = {P1: LACP_P1, BOND1: text, "nodes/proxmox1/commands/ip-j-d-link.json": links}
    result = audit(example_with(tmp_path, files))
    assert subjects(result, "lacp-no-partner") == ["proxmox1/bond1"]
    (finding,) = codes(result, "lacp-no-partner")
    assert any("ip-j-d-link" in str(e) for e in finding.evidence)


def test_lacp_aggregator_split(tmp_path: Path) -> None:
    result = lacp(tmp_path, Slave("eno3"), Slave("eno4", aggregator=2, partner=SWITCH_B))
    assert subjects(result, "lacp-aggregator-split") == ["proxmox1/bond1"]
    text = message(result, "lacp-aggregator-split")
    assert "eno3 in 1 (active), eno4 in 2" in text and "two switches without MLAG" in text
    assert subjects(lacp(tmp_path, *HEALTHY, name="clean"), "lacp-aggregator-split") == []


def test_lacp_churned(tmp_path: Path) -> None:
    result = lacp(tmp_path, Slave("eno3"), Slave("eno4", actor_churn="churned"))
    assert subjects(result, "lacp-churned") == ["proxmox1/bond1/eno4"]
    assert "actor churn" in message(result, "lacp-churned")
    assert subjects(lacp(tmp_path, *HEALTHY, name="clean"), "lacp-churned") == []


def test_lacp_rate_differs(tmp_path: Path) -> None:
    fast = bonding(HEALTHY, rate="fast")
    slow = bonding(HEALTHY, rate="slow")
    files = {P1: LACP_P1, P2: LACP_P2, BOND1: fast, BOND1_P2: slow}
    result = audit(example_with(tmp_path, files))
    assert subjects(result, "lacp-rate-differs") == ["bond1"]
    assert "fast on proxmox1, slow on proxmox2" in message(result, "lacp-rate-differs")
    same = audit(example_with(tmp_path, {**files, BOND1_P2: fast}, name="same"))
    assert subjects(same, "lacp-rate-differs") == []


def test_lacp_rate_is_not_compared_on_other_modes() -> None:
    """ip link prints ad_lacp_rate for every bond; only 802.3ad bonds use it (lab starwars: broadcast)."""
    assert subjects(lab_audit("starwars"), "lacp-rate-differs") == []


# ----------------------------------------------------------------------------------------- configuration


def test_bond_single_slave(tmp_path: Path) -> None:
    one = edit_example(P1, "slaves eno3 eno4", "slaves eno3")
    ovs_one = one.replace("ovs_bonds eno1 eno2", "ovs_bonds eno2")
    result = audit(example_with(tmp_path, {P1: ovs_one}))
    assert subjects(result, "bond-single-slave") == ["proxmox1/bond0", "proxmox1/bond1"]
    texts = sorted(f.message for f in codes(result, "bond-single-slave"))
    assert "OVS bond bond0 is configured with one member (eno2)" in texts[0]
    assert "bond bond1 is configured with one slave (eno3)" in texts[1]


def test_bond_single_slave_counts_bond_master_lines(tmp_path: Path) -> None:
    """`bond-slaves none` with `bond-master bond1` on each slave is two slaves."""
    text = edit_example(P1, "slaves eno3 eno4", "bond-slaves none")
    text = text.replace("iface eno3 inet manual\n", "iface eno3 inet manual\n\tbond-master bond1\n")
    text = text.replace("iface eno4 inet manual\n", "iface eno4 inet manual\n\tbond-master bond1\n")
    assert subjects(audit(example_with(tmp_path, {P1: text})), "bond-single-slave") == []


def test_bond_mode_mismatch(tmp_path: Path) -> None:
    # the file says broadcast (the example's), the kernel runs 802.3ad
    result = audit(example_with(tmp_path, {BOND1: bonding(HEALTHY)}))
    assert subjects(result, "bond-mode-mismatch") == ["proxmox1/bond1"]
    text = message(result, "bond-mode-mismatch")
    assert "configured with broadcast but runs 802.3ad" in text
    (finding,) = codes(result, "bond-mode-mismatch")
    assert any("interfaces" in str(e) and "configured mode" in str(e) for e in finding.evidence)


def test_bond_mode_mismatch_with_the_default_mode(tmp_path: Path) -> None:
    text = edit_example(P1, "\tbond_mode broadcast\n", "")
    result = audit(example_with(tmp_path, {P1: text}))
    assert "no mode (the default balance-rr) but runs broadcast" in message(result, "bond-mode-mismatch")


def test_ovs_bond_mode_mismatch(tmp_path: Path) -> None:
    """The OVS database's bond_mode against ovs_options (show alone cannot tell: lab ovs has the lists)."""
    (root,) = lab_snapshot("ovs", tmp_path)
    interfaces = root / "nodes/ovs1/etc/network/interfaces"
    text = interfaces.read_text()
    assert "bond_mode=active-backup" in text
    interfaces.write_text(text.replace("bond_mode=active-backup", "bond_mode=balance-slb"))
    result = audit(root)
    assert subjects(result, "bond-mode-mismatch") == ["ovs1/bond1"]
    assert "balance-slb but runs active-backup" in message(result, "bond-mode-mismatch")


def test_ovs_balance_tcp_without_lacp(tmp_path: Path) -> None:
    text = edit_example(P1, "bond_mode=balance-tcp lacp=active", "bond_mode=balance-tcp")
    result = audit(example_with(tmp_path, {P1: text}))
    assert subjects(result, "ovs-balance-tcp-without-lacp") == ["proxmox1/bond0"]
    assert "lacp=off" in message(result, "ovs-balance-tcp-without-lacp")
    assert subjects(audit(example_path("starwars")), "ovs-balance-tcp-without-lacp") == []


# ----------------------------------------------------------------------------------------- lab scenarios

LAB_BOND_FINDINGS = {
    "starwars": [],
    # pve2: eno2 down (one slave of bond0 lost); pve3: the switch side of the port-channel is missing
    "lacp-vlans": [("bond-slave-down", "pve2/bond0/eno2"), ("lacp-no-partner", "pve3/bond0")],
    # ovs2: LACP not negotiated and enp1s0f1 down
    "ovs": [("bond-slave-down", "ovs2/bond0/enp1s0f1"), ("lacp-no-partner", "ovs2/bond0")],
    "sdn": [],
}


@pytest.mark.parametrize("scenario", sorted(LAB_BOND_FINDINGS))
def test_lab_scenarios_report_their_bond_faults(scenario: str) -> None:
    result = lab_audit(scenario)
    assert bond_findings(result) == LAB_BOND_FINDINGS[scenario]
    for f in result.findings:
        if f.code in BOND_CODES:
            assert f.evidence and f.ids, f
