"""Cluster consistency: bridges, VNets and VLANs missing on some nodes; awareness and bond modes differing."""

from __future__ import annotations

from pathlib import Path

from netdoc.examples import example_path
from tests.audit.fixtures import lab_audit
from tests.audit.labedit import lab_with, on_every_node
from tests.audit.snapshots import audit, codes, edit_example, example_with, subjects

VM300 = "nodes/proxmox1/etc/pve/nodes/proxmox3/qemu-server/300.conf"
PVE2 = "nodes/pve2/etc/network/interfaces"
PVE3 = "nodes/pve3/etc/network/interfaces"


def test_quiet_on_the_example_and_the_labs() -> None:
    """vubr0 is on every node of the example (vswtch0, on proxmox1 only, has no guests); the labs agree."""
    mine = ("bridge-missing-on-node", "bridge-vlan-awareness-differs", "bond-mode-differs-across-nodes")
    for result in (audit(example_path("starwars")), *(lab_audit(s) for s in ("lacp-vlans", "ovs", "sdn"))):
        assert [f for f in result.findings if f.code in mine] == []


def test_bridge_missing_on_other_nodes(tmp_path: Path) -> None:
    """VM 300 on proxmox3 moved to vswtch0, which only proxmox1 has."""
    moved = edit_example(VM300, "bridge=vubr0", "bridge=vswtch0")
    result = audit(example_with(tmp_path, {VM300: moved}))
    (finding,) = codes(result, "bridge-missing-on-node")
    assert finding.subject == "vswtch0"
    assert "VM 300 mirror net0 (proxmox3)" in finding.message
    assert "missing on proxmox2, proxmox3" in finding.message
    assert "cannot even start on its own node" in finding.message  # proxmox3 is its own node
    assert any("300.conf" in str(e.ref) for e in finding.evidence)


def test_vnet_counts_on_its_zones_nodes_only(tmp_path: Path) -> None:
    """natnet's zone is restricted to sdn1 and sdn2: quiet. Widened to sdn3, where SDN was not applied: fires."""
    assert subjects(lab_audit("sdn"), "bridge-missing-on-node") == []
    zones = "etc/pve/sdn/zones.cfg"
    widened = on_every_node(["sdn1", "sdn2", "sdn3"], zones, ("nodes sdn1,sdn2", "nodes sdn1,sdn2,sdn3"))
    result = audit(lab_with(tmp_path, "sdn", widened))
    (finding,) = codes(result, "bridge-missing-on-node")
    assert finding.subject == "natnet"
    assert "VNet natnet (zone simplez, on sdn1, sdn2, sdn3 only)" in finding.message
    assert "CT 106 natted net0 (sdn1)" in finding.message and "missing on sdn3" in finding.message


def test_vlan_excluded_by_bridge_vids_on_another_node(tmp_path: Path) -> None:
    """pve3's vmbr0 drops VLAN 30 from bridge-vids: web1 (pve1) and web2 (pve2) cannot move there."""
    snap = lab_with(tmp_path, "lacp-vlans", {PVE3: ("bridge-vids 10 20 30 40", "bridge-vids 10 20 40")})
    result = audit(snap)
    (finding,) = codes(result, "bridge-missing-on-node")
    assert finding.subject == "vmbr0/vlan30"
    assert "VM 101 web1 net0 (pve1)" in finding.message and "VM 102 web2 net0 (pve2)" in finding.message
    assert "on pve3, its bridge-vids (10 20 40 50 100-110) exclude VLAN 30" in finding.message
    assert any(e.node == "pve3" for e in finding.evidence)


def test_vlan_awareness_differs(tmp_path: Path) -> None:
    """pve3's vmbr0 is not VLAN-aware: reported; its tags still work (Proxmox's vmbr0vN on bond0)."""
    snap = lab_with(tmp_path, "lacp-vlans", {PVE3: ("\tbridge-vlan-aware yes\n", "")})
    result = audit(snap)
    (finding,) = codes(result, "bridge-vlan-awareness-differs")
    assert finding.subject == "vmbr0"
    assert "VLAN-aware on pve1, pve2 and not on pve3" in finding.message
    assert subjects(result, "bridge-missing-on-node") == [], "a VLAN-unaware bridge with a bond carries tags"


def test_vlan_unaware_bridge_without_port_cannot_carry_a_tag(tmp_path: Path) -> None:
    """vmbr1 (bridge-ports none, not VLAN-aware): a tagged guest on it cannot move to a node whose vmbr1
    has no physical port for Proxmox's vmbr1vN."""
    conf = "nodes/pve1/etc/pve/nodes/pve1/qemu-server/107.conf"
    snap = lab_with(tmp_path, "lacp-vlans", {conf: ("bridge=vmbr1", "bridge=vmbr1,tag=5")})
    (finding,) = codes(audit(snap), "bridge-missing-on-node")
    assert finding.subject == "vmbr1/vlan5"
    assert "on pve2, it is not VLAN-aware and has no physical port to build vmbr1v5 on" in finding.message


def test_bond_mode_differs_by_name(tmp_path: Path) -> None:
    snap = lab_with(tmp_path, "lacp-vlans", {PVE2: ("bond-mode 802.3ad", "bond-mode active-backup")})
    (finding,) = codes(audit(snap), "bond-mode-differs-across-nodes")
    assert finding.subject == "bond0"
    assert "pve1 bond0: 802.3ad; pve2 bond0: active-backup; pve3 bond0: 802.3ad" in finding.message


def test_bond_mode_differs_under_one_bridge(tmp_path: Path) -> None:
    """pve3's bridge vmbr0 sits on bond1 (active-backup) where the others have bond0 (802.3ad)."""
    renamed = {PVE3: ("iface bond0 inet manual", "iface bond1 inet manual")}
    text = lab_with(tmp_path, "lacp-vlans", renamed, name="tmp").joinpath(PVE3).read_text(encoding="utf-8")
    text = text.replace("auto bond0", "auto bond1").replace("bridge-ports bond0", "bridge-ports bond1")
    text = text.replace("bond-mode 802.3ad", "bond-mode active-backup")
    result = audit(lab_with(tmp_path, "lacp-vlans", {PVE3: text}))
    (finding,) = codes(result, "bond-mode-differs-across-nodes")
    assert finding.subject == "vmbr0"
    assert "the bond under vmbr0" in finding.message and "pve3 bond1: active-backup" in finding.message
