"""The bundled example reports exactly its deliberate faults (docs/example-starwars.md), no more."""

from __future__ import annotations

from netdoc.audit.finding import Severity
from netdoc.examples import example_path
from tests.audit.snapshots import audit

# (code, subject): the faults kept in the example on purpose, as the talk shows them.
EXPECTED_PROBLEMS = [
    ("corosync-address-unheld", "link1/proxmox2"),
    ("corosync-address-unheld", "link1/proxmox3"),
    ("nic-claimed-twice", "proxmox1/eno1"),
    ("gateway-outside-subnet", "proxmox1/vswtch0"),
    ("multiple-default-gateways", "proxmox1/default-inet"),
    ("nic-unused", "proxmox1/enp7s0f0"),
    ("nic-unused", "proxmox1/enp7s0f1"),
    ("nic-unused", "proxmox2/enp7s0f0"),
    ("nic-unused", "proxmox2/enp7s0f1"),
    ("nic-unused", "proxmox3/enp7s0f0"),
    ("nic-unused", "proxmox3/enp7s0f1"),
]
# Informational facts, not problems: every guest NIC has the firewall off (the three containers have
# no firewall option, the VM says firewall=0), and the NFS server is reached over the default route.
EXPECTED_INFO = [
    ("guest-firewall-off", "100/net0"),
    ("guest-firewall-off", "110/net0"),
    ("guest-firewall-off", "200/net0"),
    ("guest-firewall-off", "300/net0"),
    ("storage-no-dedicated-network", "storage/nas-vms"),
]


def test_example_reports_exactly_its_faults() -> None:
    result = audit(example_path("starwars"))
    problems = [(f.code, f.subject) for f in result.findings if f.severity is not Severity.INFO]
    info = [(f.code, f.subject) for f in result.findings if f.severity is Severity.INFO]
    assert problems == EXPECTED_PROBLEMS
    assert info == EXPECTED_INFO


def test_example_findings_carry_evidence() -> None:
    result = audit(example_path("starwars"))
    for f in result.findings:
        assert f.evidence, f"{f.code} {f.subject} has no evidence"
        assert f.ids, f"{f.code} {f.subject} names no graph element"
    (claimed,) = [f for f in result.findings if f.code == "nic-claimed-twice"]
    where = {str(e.ref) for e in claimed.evidence}
    assert "/etc/network/interfaces:16" in where  # iface eno1
    assert any("ovs-vsctl-show.txt" in w for w in where), where  # the OVS error line
