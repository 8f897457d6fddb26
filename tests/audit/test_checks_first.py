"""Each check fires on a snapshot that has the fault and stays quiet on one that does not.

The faulty cases come from the bundled example (which has these faults on purpose); the clean
cases are the example with that one fault repaired.
"""

from __future__ import annotations

from pathlib import Path

from netdoc.examples import example_path
from tests.audit.snapshots import audit, codes, edit_example, example_with, subjects

P1 = "nodes/proxmox1/etc/network/interfaces"
PVE = "nodes/proxmox1/etc/pve"


def test_nic_claimed_twice_and_its_ovs_error(tmp_path: Path) -> None:
    faulty = audit(example_path("starwars"))
    assert subjects(faulty, "nic-claimed-twice") == ["proxmox1/eno1"]
    assert subjects(faulty, "ovs-interface-error") == [], "the double claim explains the OVS error"
    # vswtch0 on a NIC of its own: no double claim; the OVS error (still in the capture) now stands alone
    fixed = audit(
        example_with(tmp_path, {P1: edit_example(P1, "bridge_ports eno1", "bridge_ports enp7s0f0")})
    )
    assert subjects(fixed, "nic-claimed-twice") == []
    assert subjects(fixed, "ovs-interface-error") == ["proxmox1/eno1"]


def test_ovs_error_quiet_without_error(tmp_path: Path) -> None:
    show = "nodes/proxmox1/commands/ovs-vsctl-show.txt"
    clean = edit_example(
        show,
        '                error: "could not add network device eno1 to ofproto (Device or resource busy)"\n',
        "",
    )
    result = audit(example_with(tmp_path, {show: clean}))
    assert subjects(result, "ovs-interface-error") == []


def test_gateway_outside_subnet(tmp_path: Path) -> None:
    assert subjects(audit(example_path("starwars")), "gateway-outside-subnet") == ["proxmox1/vswtch0"]
    fixed = edit_example(P1, "gateway 192.168.1.254", "gateway 192.168.131.254")
    assert subjects(audit(example_with(tmp_path, {P1: fixed})), "gateway-outside-subnet") == []


def test_multiple_default_gateways(tmp_path: Path) -> None:
    result = audit(example_path("starwars"))
    (finding,) = [f for f in result.findings if f.code == "multiple-default-gateways"]
    assert "10.0.0.254 on internal" in finding.message and "192.168.1.254 on vswtch0" in finding.message
    assert len(finding.evidence) == 2
    fixed = edit_example(P1, "\tgateway 192.168.1.254\n", "")
    assert subjects(audit(example_with(tmp_path, {P1: fixed})), "multiple-default-gateways") == []


def test_corosync_address_unheld(tmp_path: Path) -> None:
    result = audit(example_path("starwars"))
    assert subjects(result, "corosync-address-unheld") == ["link1/proxmox2", "link1/proxmox3"]
    assert all(
        "adds no redundancy" in f.message for f in result.findings if f.code == "corosync-address-unheld"
    )
    # a corosync.conf with link0 only: every ring address is held
    conf = f"{PVE}/corosync.conf"
    text = edit_example(conf, "    ring1_addr: 192.168.131.2\n", "")
    text = text.replace("    ring1_addr: 192.168.131.3\n", "").replace("    ring1_addr: 192.168.131.1\n", "")
    assert subjects(audit(example_with(tmp_path, {conf: text})), "corosync-address-unheld") == []


def test_corosync_address_by_name_through_hosts(tmp_path: Path) -> None:
    """A ring address written as a host name resolves through the node's /etc/hosts."""
    conf = f"{PVE}/corosync.conf"
    text = edit_example(conf, "ring0_addr: 172.16.0.2", "ring0_addr: proxmox2")
    result = audit(example_with(tmp_path, {conf: text}))
    assert "link0/proxmox2" not in subjects(result, "corosync-address-unheld")
    hosts2 = "nodes/proxmox2/etc/hosts"
    hosts = edit_example(hosts2, "172.16.0.2 proxmox2", "172.16.9.2 proxmox2")
    result = audit(example_with(tmp_path, {conf: text, hosts2: hosts}, name="renamed"))
    (finding,) = [f for f in result.findings if f.subject == "link0/proxmox2"]
    assert "proxmox2 resolves to 172.16.9.2" in finding.message


def test_nic_unused(tmp_path: Path) -> None:
    assert "proxmox1/enp7s0f0" in subjects(audit(example_path("starwars")), "nic-unused")
    used = edit_example(
        P1, "iface enp7s0f0 inet manual\n", "iface enp7s0f0 inet static\n\taddress 198.51.100.5/24\n"
    )
    assert "proxmox1/enp7s0f0" not in subjects(audit(example_with(tmp_path, {P1: used})), "nic-unused")


def test_guest_firewall_off(tmp_path: Path) -> None:
    conf = f"{PVE}/nodes/proxmox3/qemu-server/300.conf"
    assert "300/net0" in subjects(audit(example_path("starwars")), "guest-firewall-off")
    on = edit_example(conf, "firewall=0", "firewall=1")
    assert "300/net0" not in subjects(audit(example_with(tmp_path, {conf: on})), "guest-firewall-off")


def test_storage_without_dedicated_network(tmp_path: Path) -> None:
    assert subjects(audit(example_path("starwars")), "storage-no-dedicated-network") == ["storage/nas-vms"]
    cfg = f"{PVE}/storage.cfg"
    near = edit_example(cfg, "server 192.0.2.50", "server 10.0.0.50")
    assert subjects(audit(example_with(tmp_path, {cfg: near})), "storage-no-dedicated-network") == []


def test_a_failing_check_is_a_finding_and_the_others_still_run() -> None:
    """A check that raises (a netdoc bug) costs its own findings only, and says so."""
    from netdoc.audit.checks import ALL_CHECKS
    from netdoc.audit.finding import Check, Severity
    from netdoc.audit.run import run_audit
    from tests.audit.snapshots import topology

    def broken(ctx: object) -> list[object]:
        raise KeyError("vmbr9")

    bad = Check("test-broken", Severity.HIGH, "audit", "broken", "why", "fix", broken)  # type: ignore[arg-type]
    result = run_audit(topology(example_path("starwars")), checks=(bad, *ALL_CHECKS))
    (failed,) = codes(result, "audit-check-failed")
    assert failed.subject == "test-broken" and failed.severity is Severity.LOW
    assert "KeyError('vmbr9')" in failed.message and "Please report this bug" in failed.message
    assert len(result.findings) == 17, "the 16 findings of the example are all still there"
