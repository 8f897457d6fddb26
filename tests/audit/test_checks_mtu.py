"""The MTU checks: an MTU larger than the path below it, the same network with different MTUs.

The bundled example configures no MTU and has no runtime capture, so every MTU there is derived
(1500); cases add `mtu` lines, or an `ip -j -d link` capture for runtime values.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netdoc.audit.run import AuditResult
from netdoc.examples import example_path
from tests.audit.fixtures import ip_link, lab_audit
from tests.audit.snapshots import audit, codes, edit_example, example_file, example_with, subjects

P1 = "nodes/proxmox1/etc/network/interfaces"
P2 = "nodes/proxmox2/etc/network/interfaces"
VM300 = "nodes/proxmox1/etc/pve/nodes/proxmox3/qemu-server/300.conf"
LINKS = "nodes/proxmox1/commands/ip-j-d-link.json"
MTU_CODES = ("mtu-exceeds-lower", "mtu-differs-across-nodes")


def message(result: AuditResult, code: str, subject: str) -> str:
    (finding,) = [f for f in codes(result, code) if f.subject == subject]
    return finding.message


def with_mtu(text: str, stanza: str, mtu: int) -> str:
    """Add `mtu N` as the first option of the stanza `iface <stanza> inet ...`."""
    for method in ("manual", "static"):
        head = f"iface {stanza} inet {method}\n"
        if head in text:
            return text.replace(head, f"{head}\tmtu {mtu}\n", 1)
    raise AssertionError(f"no stanza {stanza}")


def test_the_example_has_no_mtu_finding() -> None:
    result = audit(example_path("starwars"))
    assert [f for f in result.findings if f.code in MTU_CODES] == []


# ----------------------------------------------------------------------------------------- exceeds lower


def test_bridge_larger_than_its_port(tmp_path: Path) -> None:
    text = with_mtu(example_file(P1), "vswtch0", 9000)
    result = audit(example_with(tmp_path, {P1: text}))
    assert subjects(result, "mtu-exceeds-lower") == ["proxmox1/vswtch0"]
    text_ = message(result, "mtu-exceeds-lower", "proxmox1/vswtch0")
    assert "MTU 9000 (configured) but its port eno1 has 1500 (the default)" in text_
    (finding,) = codes(result, "mtu-exceeds-lower")
    assert any("interfaces" in str(e) and "mtu of vswtch0" in str(e) for e in finding.evidence)
    fixed = with_mtu(text, "eno1", 9000)
    assert subjects(audit(example_with(tmp_path, {P1: fixed}, name="fixed")), "mtu-exceeds-lower") == []


def test_vlan_larger_than_its_raw_device(tmp_path: Path) -> None:
    text = edit_example(P1, "iface enp7s0f1 inet manual\n", "iface enp7s0f1 inet manual\n\tmtu 1500\n")
    text += "\nauto enp7s0f1.50\niface enp7s0f1.50 inet static\n\taddress 198.51.100.9/24\n\tmtu 9000\n"
    result = audit(example_with(tmp_path, {P1: text}))
    assert subjects(result, "mtu-exceeds-lower") == ["proxmox1/enp7s0f1.50"]
    assert "raw device enp7s0f1 has 1500 (configured)" in message(
        result, "mtu-exceeds-lower", "proxmox1/enp7s0f1.50"
    )


def test_bond_larger_than_a_configured_slave(tmp_path: Path) -> None:
    bond = with_mtu(example_file(P1), "bond1", 9000)
    result = audit(example_with(tmp_path, {P1: with_mtu(bond, "eno3", 1500)}))
    assert subjects(result, "mtu-exceeds-lower") == ["proxmox1/bond1"]
    assert "slave eno3 has 1500 (configured)" in message(result, "mtu-exceeds-lower", "proxmox1/bond1")
    # unconfigured slaves take the bond's MTU: the kernel sets it on every slave
    assert subjects(audit(example_with(tmp_path, {P1: bond}, name="inherit")), "mtu-exceeds-lower") == []


def test_runtime_mtu_where_nothing_is_configured(tmp_path: Path) -> None:
    links = ip_link(
        {"ifname": "eno1", "master": "vswtch0", "mtu": 1500},
        {
            "ifname": "vswtch0",
            "mtu": 9000,
            "linkinfo": {"info_kind": "bridge", "info_data": {"stp_state": 0}},
        },
    )
    result = audit(example_with(tmp_path, {LINKS: links}))
    assert "proxmox1/vswtch0" in subjects(result, "mtu-exceeds-lower")
    text = message(result, "mtu-exceeds-lower", "proxmox1/vswtch0")
    assert "MTU 9000 (at run time) but its port eno1 has 1500 (at run time)" in text


def test_ovs_intport_larger_than_its_bridge(tmp_path: Path) -> None:
    text = with_mtu(example_file(P1), "internal", 9000)
    result = audit(example_with(tmp_path, {P1: text}))
    assert subjects(result, "mtu-exceeds-lower") == ["proxmox1/internal"]
    assert "bridge vubr0 has 1500" in message(result, "mtu-exceeds-lower", "proxmox1/internal")


def test_guest_nic_larger_than_its_bridge(tmp_path: Path) -> None:
    jumbo = edit_example(VM300, "rate=25,tag=10", "rate=25,tag=10,mtu=9000")
    result = audit(example_with(tmp_path, {VM300: jumbo}))
    assert subjects(result, "mtu-exceeds-lower") == ["300/net0"]
    assert "MTU 9000 is larger than its bridge vubr0's 1500" in message(
        result, "mtu-exceeds-lower", "300/net0"
    )
    same = edit_example(VM300, "rate=25,tag=10", "rate=25,tag=10,mtu=1")  # 1: "the bridge's MTU"
    assert subjects(audit(example_with(tmp_path, {VM300: same}, name="same")), "mtu-exceeds-lower") == []


# ----------------------------------------------------------------------------------------- across nodes


def test_bridge_mtu_differs_across_nodes(tmp_path: Path) -> None:
    p1 = with_mtu(example_file(P1), "vubr0", 9000)
    result = audit(example_with(tmp_path, {P1: p1}))
    assert subjects(result, "mtu-differs-across-nodes") == ["vubr0"]
    text = message(result, "mtu-differs-across-nodes", "vubr0")
    assert "9000 on proxmox1, 1500 on proxmox2 (as the port of vubr0 bond0, as its member eno1" in text
    p2 = with_mtu(example_file(P2), "vubr0", 9000)
    p3_path = "nodes/proxmox3/etc/network/interfaces"
    p3 = with_mtu(example_file(p3_path), "vubr0", 9000)
    same = audit(example_with(tmp_path, {P1: p1, P2: p2, p3_path: p3}, name="same"))
    assert subjects(same, "mtu-differs-across-nodes") == []


def test_storage_mtu_differs_across_nodes(tmp_path: Path) -> None:
    p2 = with_mtu(example_file(P2), "internal", 9000)
    result = audit(example_with(tmp_path, {P2: p2}))
    assert subjects(result, "mtu-differs-across-nodes") == ["storage/nas-vms"]
    text = message(result, "mtu-differs-across-nodes", "storage/nas-vms")
    assert "9000 on proxmox2 (internal)" in text and "1500 on proxmox3 (internal)" in text


# ----------------------------------------------------------------------------------------- lab scenarios

LAB_MTU_FINDINGS = {
    "starwars": [],
    # vmbr0 is configured 9000 (the storage IntPort too) but its bond members, the IDS access port and
    # the trunk stay at 1500 at run time: the scenario sets no MTU on the OVS bond (ovs_mtu)
    "ovs": [("mtu-exceeds-lower", "ovs1/vmbr0"), ("mtu-exceeds-lower", "ovs2/vmbr0")],
    # bond0 is 9000 and its slaves 1500 in the lab's ip link: the kernel would have set them to the bond's
    "lacp-vlans": [],
    "sdn": [],
}


@pytest.mark.parametrize("scenario", sorted(LAB_MTU_FINDINGS))
def test_lab_scenarios_mtu(scenario: str) -> None:
    result = lab_audit(scenario)
    assert (
        sorted((f.code, f.subject) for f in result.findings if f.code in MTU_CODES)
        == LAB_MTU_FINDINGS[scenario]
    )


# ------------------------------------------------------------------------------------------ VXLAN


def _vxlan(tmp_path: Path, vxlan: str = "", bridge: str = "") -> list[str]:
    from tests.audit.snapshots import snapshot_of
    from tests.topology.nets import HEADER

    text = HEADER + (
        "auto eno1\niface eno1 inet manual\n\n"
        "auto vmbr0\niface vmbr0 inet static\n\taddress 192.0.2.11/24\n\tbridge-ports eno1\n\n"
        f"auto vxlan2\niface vxlan2 inet manual\n\tvxlan-id 2\n\tvxlan-physdev eno1\n{vxlan}\n"
        f"auto vmbr2\niface vmbr2 inet manual\n\tbridge-ports vxlan2\n\tbridge-stp off\n{bridge}"
    )
    result = audit(snapshot_of(tmp_path, {"nodes/pve1/etc/network/interfaces": text}, "vx"))
    return [f.message for f in codes(result, "mtu-exceeds-lower")]


def test_vxlan_needs_room_for_its_encapsulation(tmp_path: Path) -> None:
    (message,) = _vxlan(tmp_path / "a", vxlan="\tmtu 1500\n")
    assert message == (
        "pve1: vxlan2 has MTU 1500 (configured) but its underlay device eno1 has 1500 (the default)"
        " and VXLAN adds 50 bytes: frames larger than 1450 bytes are dropped on the way down"
    )
    assert _vxlan(tmp_path / "b", vxlan="\tmtu 1450\n") == []
    assert _vxlan(tmp_path / "c") == [], "no MTU anywhere: the kernel gives the VXLAN 1450, the bridge too"


def test_vxlan_over_ipv6_adds_70_bytes(tmp_path: Path) -> None:
    (message,) = _vxlan(tmp_path, vxlan="\tvxlan-local-tunnelip 2001:db8::11\n\tmtu 1450\n")
    assert "VXLAN adds 70 bytes: frames larger than 1430 bytes" in message


def test_a_bridge_over_an_unconfigured_vxlan(tmp_path: Path) -> None:
    (message,) = _vxlan(tmp_path, bridge="\tmtu 1500\n")
    assert message == (
        "pve1: vmbr2 has MTU 1500 (configured) but its port vxlan2 has 1450 (as its underlay eno1 less"
        " 50 for VXLAN): frames larger than 1450 bytes are dropped on the way down"
    )
