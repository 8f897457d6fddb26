"""corosync: a single link, two links over one NIC or bond, a link sharing storage or guest NICs, nodes
that differ from the API's members."""

from __future__ import annotations

from pathlib import Path

from netdoc.examples import example_path
from tests.audit.fixtures import lab_audit
from tests.audit.snapshots import audit, codes, edit_example, example_with, subjects

CONF = "nodes/proxmox1/etc/pve/corosync.conf"
P2 = "nodes/proxmox2/etc/network/interfaces"
OVS_SHOW = "nodes/proxmox1/commands/ovs-vsctl-show.txt"


def test_single_link() -> None:
    """The sdn lab's corosync has link0 only; the example has two (link1's unheld addresses are
    corosync-address-unheld's finding, not this one's)."""
    (finding,) = codes(lab_audit("sdn"), "corosync-single-link")
    assert finding.subject == "link0"
    assert "one link only (link0 (sdn1 vmbr0.30, sdn2 vmbr0.30, sdn3 vmbr0.30))" in finding.message
    assert finding.evidence
    assert subjects(audit(example_path("starwars")), "corosync-single-link") == []
    assert subjects(lab_audit("lacp-vlans"), "corosync-single-link") == []


def test_links_share_a_bond(tmp_path: Path) -> None:
    """proxmox2 given link1's address on a VLAN of bond1, the bond link0 runs on: no redundancy."""
    vlan = "\nauto bond1.131\niface bond1.131 inet static\n\taddress 192.168.131.2/24\n"
    snap = example_with(
        tmp_path, {P2: edit_example(P2, "\tbond_mode broadcast\n", "\tbond_mode broadcast\n" + vlan)}
    )
    result = audit(snap)
    assert "link1/proxmox2" not in subjects(result, "corosync-address-unheld")
    (finding,) = codes(result, "corosync-links-share-nic")
    assert finding.subject == "link0+link1/proxmox2"
    assert "link0 (bond1) and link1 (bond1.131) both run over bond1 (NICs eno3, eno4)" in finding.message
    assert len(finding.evidence) == 2


def test_links_share_an_ovs_bond() -> None:
    """The ovs lab's two links sit on internal ports of vmbr0 (VLANs 20 and 10): both leave by bond0."""
    result = lab_audit("ovs")
    assert subjects(result, "corosync-links-share-nic") == ["link0+link1/ovs1", "link0+link1/ovs2"]
    finding = codes(result, "corosync-links-share-nic")[0]
    assert "link0 (cluster) and link1 (mgmt) both run over bond0 (NICs enp1s0f0, enp1s0f1)" in finding.message
    # eno1 (access port of VLAN 999) and eno2 (trunk of 100, 200, 300) do not carry VLANs 10 and 20
    assert "eno1" not in finding.message and "eno2" not in finding.message


def test_links_apart_are_quiet() -> None:
    assert subjects(audit(example_path("starwars")), "corosync-links-share-nic") == []
    assert subjects(lab_audit("lacp-vlans"), "corosync-links-share-nic") == []  # vmbr0.20 (bond0) and eno3


def test_link_shares_storage_and_guest_nics() -> None:
    """lacp-vlans: link0 on vmbr0.20 shares bond0 with the NFS, iSCSI and PBS storage and vmbr0's guests."""
    result = lab_audit("lacp-vlans")
    assert subjects(result, "corosync-shares-traffic") == ["link0/pve1", "link0/pve2", "link0/pve3"]
    finding = next(f for f in codes(result, "corosync-shares-traffic") if f.subject == "link0/pve1")
    for fact in ("vmbr0.20, over eno1, eno2", "storage nas-nfs (via vmbr0.20)", "storage san", "storage pbs"):
        assert fact in finding.message
    assert "guests on vmbr0 (4 guest NICs here, 16 in the cluster)" in finding.message
    assert "pve1 also has link1" in finding.message
    assert any("storage.cfg" in str(e.ref) for e in finding.evidence)


def test_runtime_membership_decides_guest_traffic(tmp_path: Path) -> None:
    """The example's link1 on proxmox1 runs over eno1, which OVS refused for bond0: no guest traffic
    there. Without the OVS error, eno1 carries vubr0's guests too."""
    assert subjects(audit(example_path("starwars")), "corosync-shares-traffic") == []
    error = (
        '                error: "could not add network device eno1 to ofproto (Device or resource busy)"\n'
    )
    result = audit(example_with(tmp_path, {OVS_SHOW: edit_example(OVS_SHOW, error, "")}))
    (finding,) = codes(result, "corosync-shares-traffic")
    assert finding.subject == "link1/proxmox1"
    assert "link1 (vswtch0, over eno1)" in finding.message and "guests on vubr0" in finding.message


def test_corosync_node_not_a_member(tmp_path: Path) -> None:
    """A stale proxmox4 in corosync.conf's nodelist: not a cluster member, not in the snapshot."""
    stale = (
        "  node {\n    name: proxmox4\n    nodeid: 4\n    quorum_votes: 1\n    ring0_addr: 172.16.0.4\n  }\n"
    )
    text = edit_example(CONF, "nodelist {\n", "nodelist {\n" + stale)
    result = audit(example_with(tmp_path, {CONF: text}))
    (finding,) = codes(result, "corosync-nodes-differ")
    assert finding.subject == "corosync/proxmox4"
    assert "in corosync.conf but not among the API's cluster members" in finding.message
    assert finding.evidence and finding.ids


def test_member_missing_from_corosync(tmp_path: Path) -> None:
    """proxmox3 removed from the nodelist while /cluster/status still lists it."""
    text = example_file_without_node(3)
    result = audit(example_with(tmp_path, {CONF: text}))
    (finding,) = codes(result, "corosync-nodes-differ")
    assert finding.subject == "corosync/proxmox3"
    assert "an API cluster member (/cluster/status) missing from corosync.conf's nodelist" in finding.message


def test_corosync_nodes_agree() -> None:
    for result in (audit(example_path("starwars")), *(lab_audit(s) for s in ("lacp-vlans", "ovs", "sdn"))):
        assert subjects(result, "corosync-nodes-differ") == []


def example_file_without_node(nodeid: int) -> str:
    block = (
        f"  node {{\n    name: proxmox{nodeid}\n    nodeid: {nodeid}\n    quorum_votes: 1\n"
        f"    ring0_addr: 172.16.0.{nodeid}\n    ring1_addr: 192.168.131.{nodeid}\n  }}\n"
    )
    return edit_example(CONF, block, "")
