"""The graph's questions on hand-built topologies whose answers are known.

Impact and single points of failure on a routed three-node mesh, on the bundled example's
broadcast-bond mesh, and on an LACP bond to one switch or two; the VLAN matrix, migration
readiness and the path from a guest NIC to the switch ports.
"""

from __future__ import annotations

from pathlib import Path

from netdoc.examples import example_path
from netdoc.topology.failure import node_impacts, single_points_of_failure, switch_impact
from netdoc.topology.migration import migration_readiness
from netdoc.topology.paths import nic_paths
from netdoc.topology.vlans import vlan_matrix
from tests.audit.snapshots import audit, cluster_net, subjects
from tests.topology.nets import lacp_pair, ovs_rstp_mesh, routed_mesh, rstp_mesh, wiki_routed_mesh


def _impact(cluster, node):  # type: ignore[no-untyped-def]
    return {
        i.label: ({s.label for s in i.lost}, {s.label for s in i.degraded})
        for i in node_impacts(cluster, node)
    }


def _spof(cluster, node):  # type: ignore[no-untyped-def]
    return {
        p.service.label: tuple(x.rsplit(":", 1)[-1] for x in p.single_points)
        for p in single_points_of_failure(cluster, node)
    }


# ----------------------------------------------------------------------------- routed mesh


def test_routed_mesh_links_know_their_peers(tmp_path: Path) -> None:
    net = cluster_net(routed_mesh(tmp_path))
    links = {(m.node, m.nic, m.peer, m.peer_nic) for m in net.mesh_links}
    assert links == {
        ("n1", "ens19", "n2", "ens19"),
        ("n1", "ens20", "n3", "ens19"),
        ("n2", "ens19", "n1", "ens19"),
        ("n2", "ens20", "n3", "ens20"),
        ("n3", "ens19", "n1", "ens20"),
        ("n3", "ens20", "n2", "ens20"),
    }
    assert {m.form for m in net.mesh_links} == {"routed"}
    lo = net.host("n1").iface("lo:ospf")  # type: ignore[union-attr]
    assert lo is not None and lo.kind.value == "alias" and lo.parent == "lo"


def test_routed_mesh_impact_cuts_one_peer_per_cable(tmp_path: Path) -> None:
    net = cluster_net(routed_mesh(tmp_path))
    impact = _impact(net, "n1")
    assert impact["NIC ens19"] == ({"mesh link to n2", "corosync link1"}, set())
    assert impact["NIC ens20"] == ({"mesh link to n3"}, set())
    lost, degraded = impact["NIC eno1"]
    assert {"management (192.0.2.11)", "corosync link0", "bridge vmbr0"} <= lost and not degraded
    spof = _spof(net, "n1")
    assert spof["corosync link0"] == ("eno1",) and spof["corosync link1"] == ("ens19",)
    assert spof["corosync (all links)"] == (), "two links on two NICs: no single NIC stops corosync"


def test_wiki_routed_mesh_one_address_on_two_nics(tmp_path: Path) -> None:
    """The peer's address is on both its NICs: the cable ends on the one whose /32 leads back."""
    net = cluster_net(wiki_routed_mesh(tmp_path))
    links = {(m.node, m.nic, m.peer, m.peer_nic) for m in net.mesh_links}
    assert links == {
        ("n1", "ens19", "n2", "ens19"),
        ("n1", "ens20", "n3", "ens19"),
        ("n2", "ens19", "n1", "ens19"),
        ("n2", "ens20", "n3", "ens20"),
        ("n3", "ens19", "n1", "ens20"),
        ("n3", "ens20", "n2", "ens20"),
    }
    assert _impact(net, "n2")["NIC ens20"][0] == {"mesh link to n3"}
    assert audit(wiki_routed_mesh(tmp_path / "again")).findings == (), "the wiki's own setup is no problem"


# ----------------------------------------------------------------------------- broadcast-bond mesh


def test_broadcast_bond_mesh_of_the_example() -> None:
    net = cluster_net(example_path("starwars"))
    peers = {(m.node, m.peer) for m in net.mesh_links}
    assert peers == {
        (a, b)
        for a in ("proxmox1", "proxmox2", "proxmox3")
        for b in ("proxmox1", "proxmox2", "proxmox3")
        if a != b
    }
    assert {m.form for m in net.mesh_links} == {"broadcast-bond"}
    assert all(m.iface == "bond1" and m.nic is None for m in net.mesh_links), (
        "no LLDP: the cabling is unknown"
    )
    impact = _impact(net, "proxmox2")
    lost, degraded = impact["NIC eno3"]
    assert not lost and {"corosync link0", "management (172.16.0.2)"} <= degraded
    assert impact["bond bond1"][0] >= {"corosync link0", "mesh link to proxmox1", "mesh link to proxmox3"}
    # proxmox1's storage leaves by internal on vubr0, whose bond runs on eno2 alone (OVS refused eno1)
    assert _spof(net, "proxmox1")["storage nas-vms (192.0.2.50)"] == ("eno2",)
    assert _spof(net, "proxmox2")["storage nas-vms (192.0.2.50)"] == ()
    # corosync link1 is held by no interface on proxmox2: only link0 remains, so bond1's NICs together
    assert _spof(net, "proxmox2")["corosync (all links)"] == ()


# ----------------------------------------------------------------------------- RSTP mesh


def test_rstp_mesh_links_know_their_peers_and_cables(tmp_path: Path) -> None:
    net = cluster_net(rstp_mesh(tmp_path))
    links = {(m.node, m.nic, m.peer, m.peer_nic) for m in net.mesh_links}
    assert links == {
        ("n1", "ens19", "n2", "ens20"),
        ("n1", "ens20", "n3", "ens19"),
        ("n2", "ens19", "n3", "ens20"),
        ("n2", "ens20", "n1", "ens19"),
        ("n3", "ens19", "n1", "ens20"),
        ("n3", "ens20", "n2", "ens19"),
    }
    assert {(m.form, m.iface) for m in net.mesh_links} == {("rstp", "vmbr1")}


def test_rstp_mesh_survives_one_cable(tmp_path: Path) -> None:
    """A ring with STP on: one cable lost is that direct link, the bridge goes round the other way."""
    path = rstp_mesh(tmp_path)
    net = cluster_net(path)
    impact = _impact(net, "n1")
    assert impact["NIC ens19"] == ({"mesh link to n2"}, {"bridge vmbr1", "corosync link1"})
    assert impact["NIC ens20"] == ({"mesh link to n3"}, {"bridge vmbr1", "corosync link1"})
    spof = _spof(net, "n1")
    assert spof["corosync link1"] == () and spof["corosync link0"] == ("eno1",)
    assert audit(path).findings == (), "STP on: no loop risk, MTUs agree"


def test_a_ring_with_stp_off_is_a_loop_and_no_mesh(tmp_path: Path) -> None:
    path = rstp_mesh(tmp_path)
    for node in ("n1", "n2", "n3"):
        conf = path / "nodes" / node / "etc/network/interfaces"
        conf.write_text(conf.read_text().replace("bridge-stp on", "bridge-stp off"))
    assert cluster_net(path).mesh_links == ()
    assert subjects(audit(path), "bridge-stp-loop-risk") == ["n1/vmbr1", "n2/vmbr1", "n3/vmbr1"]


def test_ovs_rstp_mesh_from_its_configuration(tmp_path: Path) -> None:
    """RSTP on an OVS bridge is set by an `up ovs-vsctl ... rstp_enable=true` line: a mesh, whose
    cables are unknown without LLDP; without that line, no mesh."""
    net = cluster_net(ovs_rstp_mesh(tmp_path / "on"))
    assert {(m.form, m.node, m.iface, m.nic, m.peer) for m in net.mesh_links if m.node == "n1"} == {
        ("rstp", "n1", "vmbr1", None, "n2"),
        ("rstp", "n1", "vmbr1", None, "n3"),
    }
    assert cluster_net(ovs_rstp_mesh(tmp_path / "off", rstp=False)).mesh_links == ()


# ----------------------------------------------------------------------------- LACP to switches


def test_bond_to_two_switches_has_no_single_point(tmp_path: Path) -> None:
    net = cluster_net(lacp_pair(tmp_path))
    spof = _spof(net, "a")
    assert spof["bridge vmbr0"] == () and spof["management (192.0.2.1)"] == ()
    impact = _impact(net, "a")
    assert impact["switch sw1"][0] == set()
    assert "bridge vmbr0" in impact["switch sw1"][1] and "VM 101 web net0" in impact["NIC eno1"][1]


def test_bond_to_one_switch_makes_the_switch_a_single_point(tmp_path: Path) -> None:
    net = cluster_net(lacp_pair(tmp_path, switches=("sw1", "sw1")))
    assert _spof(net, "a")["bridge vmbr0"] == ("sw1",)
    (on_a, on_b) = switch_impact(net, "sw1")
    assert {"bridge vmbr0", "VM 101 web net0", "VM 102 mail net0"} <= {s.label for s in on_a.lost}
    assert on_b.node == "b" and "bridge vmbr0" in {s.label for s in on_b.lost}


def test_a_down_slave_is_no_redundancy(tmp_path: Path) -> None:
    net = cluster_net(lacp_pair(tmp_path, eno2_down=True))
    assert _spof(net, "a")["bridge vmbr0"] == ("eno1", "sw1")
    assert "bridge vmbr0" in _impact(net, "a")["NIC eno1"][0]


def test_routed_nat_bridge_depends_on_the_default_route(tmp_path: Path) -> None:
    net = cluster_net(lacp_pair(tmp_path))
    # vmbr1 has no port: its guests reach out through NAT over the default route (vmbr0.10 -> bond0)
    assert _spof(net, "a")["bridge vmbr1"] == ()
    net = cluster_net(lacp_pair(tmp_path / "one", switches=("sw1", "sw1")))
    assert _spof(net, "a")["bridge vmbr1"] == ("sw1",)


# ----------------------------------------------------------------------------- VLANs, migration, paths


def test_vlan_matrix(tmp_path: Path) -> None:
    rows = {r.vid: r for r in vlan_matrix(cluster_net(lacp_pair(tmp_path)))}
    assert sorted(rows) == [10, 30]
    ten_a, ten_b = rows[10].cell("a"), rows[10].cell("b")
    assert ten_a is not None and ten_a.bridges == ("vmbr0",) and ten_a.ifaces == ("vmbr0.10",)
    assert ten_a.guests == ("VM 103 dns net0",)
    assert ten_b is not None and ten_b.ifaces == ("vmbr0.10",) and ten_b.guests == ()
    assert rows[30].cell("a").guests == ("VM 101 web net0",)  # type: ignore[union-attr]
    assert rows[30].cell("b").empty  # type: ignore[union-attr]


def test_migration_readiness_names_every_reason(tmp_path: Path) -> None:
    by_vmid = {m.vmid: m for m in migration_readiness(cluster_net(lacp_pair(tmp_path)))}
    (web,) = by_vmid[101].targets
    assert web.node == "b" and not web.ready
    assert "net0: VLAN 30 is not in vmbr0's bridge-vids on b" in web.reasons
    assert "net0: vmbr0 has MTU 1500 on b, 9000 on a" in web.reasons
    (mail,) = by_vmid[102].targets
    assert mail.reasons == ("net0: no bridge vmbr1 on b",)
    (dns,) = by_vmid[103].targets
    assert dns.reasons == ("net0: vmbr0 has MTU 1500 on b, 9000 on a",)


def test_migration_ready_on_the_example() -> None:
    for guest in migration_readiness(cluster_net(example_path("starwars"))):
        assert all(t.ready for t in guest.targets), guest


def test_path_from_guest_nic_to_switch_ports(tmp_path: Path) -> None:
    chains = nic_paths(cluster_net(lacp_pair(tmp_path)), 101, "net0")
    shown = [" -> ".join(h.label for h in chain) for chain in chains]
    assert shown == [
        "VM 101 web net0 -> vmbr0 (bridge) -> bond0 (bond) -> eno1 (physical) -> sw1 Ethernet1/1",
        "VM 101 web net0 -> vmbr0 (bridge) -> bond0 (bond) -> eno2 (physical) -> sw2 Ethernet2/1",
    ]
    assert chains[0][-1].id == "switchport:sw1:Ethernet1/1"


def test_migration_honours_ha_groups_and_rules(tmp_path: Path) -> None:
    from tests.audit.snapshots import example_with

    pve = "nodes/proxmox1/etc/pve"
    snap = example_with(
        tmp_path,
        {
            f"{pve}/ha/groups.cfg": "group: edge\n\tnodes proxmox1:2,proxmox3\n\trestricted 1\n\n"
            "group: loose\n\tnodes proxmox1\n",
            f"{pve}/ha/resources.cfg": "ct: 100\n\tgroup edge\n\tstate started\n\nvm: 300\n\tgroup loose\n",
            f"{pve}/ha/rules.cfg": "node-affinity: pin-www\n\tnodes proxmox2\n\tresources ct:110\n\tstrict 1\n",
        },
    )
    by_vmid = {m.vmid: m for m in migration_readiness(cluster_net(snap))}
    radius = {t.node: t for t in by_vmid[100].targets}
    assert radius["proxmox3"].ready and not radius["proxmox2"].ready
    assert radius["proxmox2"].reasons[0].startswith("HA does not allow proxmox2 (HA group edge (restricted")
    www = {t.node: t for t in by_vmid[110].targets}
    assert not www["proxmox1"].ready and not www["proxmox3"].ready, "strict rule: proxmox2 only"
    mirror = by_vmid[300]
    assert all(t.ready for t in mirror.targets), "an unrestricted group is a preference"
    assert mirror.ha == "HA group loose (preferred: proxmox1)"


def test_ovs_internal_ports_leave_by_the_ports_carrying_their_vlan(tmp_path: Path) -> None:
    """The ovs lab: mgmt (tag 10) leaves vmbr0 by the LACP bond only: eno1 is an access port of VLAN
    999 (the IDS mirror), eno2 a trunk of 100, 200, 300. VM 101 (VLAN 100) has both bond0 and eno2."""
    from tests.audit.fixtures import lab_snapshot

    (snap,) = lab_snapshot("ovs", tmp_path)
    net = cluster_net(snap)
    spof = _spof(net, "ovs1")
    assert spof["corosync link1"] == ("leaf1",), "both bond members on leaf1; eno1 and eno2 carry no VLAN 10"
    impact = _impact(net, "ovs1")
    assert impact["NIC eno1"] == (set(), set())
    assert impact["NIC eno2"] == (set(), {"VM 101 app1 net0", "CT 104 radius net0"})
    assert "corosync link1" in impact["bond bond0"][0]
