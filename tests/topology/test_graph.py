"""The graph of known snapshots: membership configured vs runtime, corosync, mesh, NAT, LLDP, storage."""

from __future__ import annotations

from pathlib import Path

from netdoc.examples import example_path
from tests.audit.snapshots import topology
from tests.topology.nets import lacp_pair


def _edge(topo, u: str, v: str, kind: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    assert topo.graph.has_edge(u, v, key=kind), f"no {kind} edge {u} -> {v}"
    return dict(topo.graph.edges[u, v, kind])


def test_example_membership_keeps_configured_and_runtime_apart() -> None:
    topo = topology(example_path("starwars"))
    p1 = "iface:starwars:proxmox1:"
    refused = _edge(topo, p1 + "eno1", p1 + "bond0", "member_of")
    assert refused == {"kind": "member_of", "configured": True, "runtime": False}
    assert _edge(topo, p1 + "eno2", p1 + "bond0", "member_of")["runtime"] is True
    assert _edge(topo, p1 + "eno1", p1 + "vswtch0", "port_of")["configured"] is True
    assert _edge(topo, p1 + "bond0", p1 + "vubr0", "port_of")["runtime"] is True


def test_example_corosync_storage_and_mesh_edges() -> None:
    topo = topology(example_path("starwars"))
    link0 = _edge(topo, "iface:starwars:proxmox3:bond1", "corosync:starwars:link0", "corosync_link")
    assert link0["ip"] == "172.16.0.3" and topo.graph.nodes["corosync:starwars:link0"]["priority"] == 20
    unheld = _edge(topo, "node:starwars:proxmox3", "corosync:starwars:link1", "corosync_link")
    assert unheld["held"] is False
    nfs = _edge(topo, "iface:starwars:proxmox2:internal", "storage:starwars:nas-vms", "reaches_storage")
    assert nfs["via"] == "default" and nfs["gateway"] == "10.0.0.254"
    mesh = _edge(topo, "iface:starwars:proxmox1:bond1", "iface:starwars:proxmox2:bond1", "mesh_link")
    assert mesh["form"] == "broadcast-bond" and mesh["network"] == "172.16.0.0/24"
    assert _edge(topo, "nic:starwars:300:net0", "iface:starwars:proxmox3:vubr0", "attached_to")
    assert _edge(topo, "nic:starwars:300:net0", "vlan:starwars:10", "tagged")
    assert _edge(topo, "iface:starwars:proxmox3:vubr0", "vlan:starwars:10", "carries")


def test_nat_lldp_and_vlan_interfaces(tmp_path: Path) -> None:
    topo = topology(lacp_pair(tmp_path))
    nat = _edge(topo, "iface:lacp-pair:a:vmbr1", "iface:lacp-pair:a:vmbr0.10", "nat_via")
    assert nat["nat"] == "masquerade" and nat["configured"] is True and "runtime" not in nat
    port = _edge(topo, "iface:lacp-pair:a:eno1", "switchport:sw1:Ethernet1/1", "lldp_neighbor")
    assert port["kind"] == "lldp_neighbor"
    assert _edge(topo, "switchport:sw1:Ethernet1/1", "switch:sw1", "port_on")
    assert _edge(topo, "iface:lacp-pair:b:eno1", "switchport:sw1:Ethernet1/2", "lldp_neighbor"), (
        "one switch, two clusters' worth of ports"
    )
    assert _edge(topo, "iface:lacp-pair:a:vmbr0", "iface:lacp-pair:a:vmbr0.10", "uplink_of")
    assert _edge(topo, "iface:lacp-pair:a:vmbr0.10", "vlan:lacp-pair:10", "tagged")
    assert (
        _edge(topo, "iface:lacp-pair:a:vmbr0.10", "subnet:lacp-pair:192.0.2.0/24", "addressed_in")["address"]
        == "192.0.2.1"
    )


def test_switches_are_shared_between_clusters(tmp_path: Path) -> None:
    topo = topology(
        lacp_pair(tmp_path, name="east"), lacp_pair(tmp_path, switches=("sw1", "sw3"), name="west")
    )
    ports = {
        u for u, v, k in topo.graph.in_edges("switchport:sw1:Ethernet1/1", keys=True) if k == "lldp_neighbor"
    }
    assert ports == {"iface:east:a:eno1", "iface:west:a:eno1"}, (
        "a switch is one graph node, whichever cluster sees it"
    )
    assert "switch:sw3" in topo.graph and "switch:sw2" in topo.graph


def test_veth_pairs_once_per_pair(tmp_path: Path) -> None:
    """The sdn lab's VLAN and QinQ zones join their bridges with ln_/pr_ veth pairs (each end names
    the other); a pair named from one end only is an edge too."""
    from tests.audit.fixtures import lab_snapshot
    from tests.audit.snapshots import snapshot_of
    from tests.topology.nets import HEADER

    (snap,) = lab_snapshot("sdn", tmp_path / "lab")
    pairs = {(u.rsplit(":", 1)[1], v.rsplit(":", 1)[1]) for u, v, _ in topology(snap).edges_of("veth_peer")}
    assert pairs == {("ln_qinqz", "pr_qinqz"), ("ln_vnet100", "pr_vnet100")}
    assert len(topology(snap).edges_of("veth_peer")) == 6, "one edge per pair on each of 3 nodes"
    text = HEADER + (
        "auto zz_a\niface zz_a\n\tlink-type veth\n\tveth-peer-name aa_b\n\n"
        "auto aa_b\niface aa_b\n\tlink-type veth\n"
    )
    one_sided = snapshot_of(tmp_path, {"nodes/n1/etc/network/interfaces": text}, "veth")
    (edge,) = topology(one_sided).edges_of("veth_peer")
    assert edge[:2] == ("iface:veth:n1:zz_a", "iface:veth:n1:aa_b")
