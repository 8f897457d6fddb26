"""SDN VNets resolved to zone, underlay bridge, VLAN or VXLAN id, subnets and gateways (the sdn lab),
and the guest NICs that name a VNet attached through it."""

from __future__ import annotations

from pathlib import Path

from tests.audit.fixtures import lab_snapshot
from tests.audit.snapshots import cluster_net


def test_vnets_of_every_zone_type(tmp_path: Path) -> None:
    (snap,) = lab_snapshot("sdn", tmp_path)
    vnets = {
        v.id: (v.zone, v.zone_type, v.bridge, v.vlan, v.inner_vlan, v.vni, v.subnets)
        for v in cluster_net(snap).vnets
    }
    assert vnets == {
        "vnet110": ("vlanz", "vlan", "vmbr0", 110, None, None, (("10.110.0.0/24", "10.110.0.1"),)),
        "vnet111": ("vlanz", "vlan", "vmbr0", 111, None, None, ()),
        "vnet100": ("legacy", "vlan", "vmbr1", 100, None, None, ()),
        "qnet1": ("qinqz", "qinq", "vmbr1", 200, 10, None, ()),
        "vxnet1": ("vxz", "vxlan", None, None, None, 100000, ()),
        "evnet1": ("evpnz", "evpn", None, None, None, 20000, (("10.200.0.0/24", "10.200.0.1"),)),
        "natnet": ("simplez", "simple", None, None, None, None, (("10.99.0.0/24", "10.99.0.1"),)),
    }
    by_id = {v.id: v for v in cluster_net(snap).vnets}
    assert by_id["vxnet1"].peers == ("198.51.100.31", "198.51.100.32", "198.51.100.33")
    assert by_id["vxnet1"].mtu == 1450
    assert by_id["natnet"].nodes == ("sdn1", "sdn2"), "a zone limited to some nodes"
    assert by_id["vnet110"].source is not None and by_id["vnet110"].source.path == "/etc/pve/sdn/vnets.cfg"


def test_guest_nics_on_vnets_leave_in_the_vnets_vlan(tmp_path: Path) -> None:
    (snap,) = lab_snapshot("sdn", tmp_path)
    on_vnets = {
        (a.vmid, a.nic.key): (a.vnet, a.vlan, a.host_port_present)
        for a in cluster_net(snap).attachments
        if a.vnet
    }
    assert on_vnets[101, "net0"] == ("vnet110", 110, True)
    assert on_vnets[102, "net0"] == ("vnet100", 100, True)
    assert on_vnets[103, "net0"] == ("qnet1", 200, True), "qinq: the service VLAN on the underlay"
    assert on_vnets[104, "net0"] == ("vxnet1", None, True), "vxlan: no VLAN on the wire"
