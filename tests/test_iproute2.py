"""iproute2 JSON parsers: golden folders (tests/fixtures/iproute2/<case>/) and edge cases.

A case folder holds command outputs named as in a snapshot (ip-j-d-link.json, ip-j-addr.json,
bridge-j-vlan-show.json, with an optional `.<variant>` before `.json`); expected.json maps each
file to its kind and parsed model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netdoc.errors import ParseError
from netdoc.model.base import to_jsonable
from netdoc.parsers.iproute2 import mac_padded, parse_bridge_vlan, parse_ip_addr, parse_ip_link
from netdoc.parsers.kinds import get_kind
from tests.golden import case_params, check_golden

KIND_BY_PREFIX = {"ip-j-d-link": "ip-link", "ip-j-addr": "ip-addr", "bridge-j-vlan-show": "bridge-vlan"}


def kind_of(name: str) -> str | None:
    return next((kind for prefix, kind in KIND_BY_PREFIX.items() if name.startswith(prefix + ".")), None)


@pytest.mark.parametrize("case", case_params("iproute2"))
def test_golden(case: Path, update_golden: bool) -> None:
    files = sorted(p for p in case.iterdir() if p.name != "expected.json")
    assert files
    actual = {}
    for file in files:
        kind = kind_of(file.name)
        assert kind, f"{file.name}: cannot tell the kind from the name"
        model = get_kind(kind).parser()({file.name: file.read_text(encoding="utf-8")}, file.name)
        actual[file.name] = {"kind": kind, "model": to_jsonable(model)}
    check_golden(case / "expected.json", actual, update_golden)


FIX = Path(__file__).parent / "fixtures" / "iproute2"


def load(parse, case: str, name: str):  # type: ignore[no-untyped-def]
    return parse({name: (FIX / case / name).read_text(encoding="utf-8")}, name)


def test_bond_and_slaves_from_documented_keys() -> None:
    links = load(parse_ip_link, "bond_lacp_and_slaves", "ip-j-d-link.json")
    bond = links.get("bond0")
    assert bond.kind == "bond" and bond.slave_kind == "bridge" and bond.master == "vmbr0"
    assert (bond.bond.mode, bond.bond.miimon_ms, bond.bond.xmit_hash_policy) == ("802.3ad", 100, "layer3+4")
    assert (bond.bond.ad_aggregator, bond.bond.ad_partner_mac, bond.bond.arp_validate) == (
        1,
        "00:1c:73:aa:bb:cc",
        None,
    )
    assert bond.bridge_port.state == "forwarding"
    eno1, eno2 = links.get("eno1").bond_slave, links.get("eno2").bond_slave
    assert (eno1.state, eno1.mii_status, eno1.ad_aggregator_id) == ("ACTIVE", "UP", 1)
    # eno2 sits in another aggregator than the bond's active one: not carrying traffic
    assert (eno2.ad_aggregator_id, eno2.churn_actor_state, eno2.link_failure_count) == (2, "churned", 3)
    assert eno2.ad_actor_oper_port_state_str == ("active", "aggregating", "defaulted")
    assert links.get("eno2").permaddr == "3c:ec:ef:10:00:02"
    backup = links.get("bond1").bond
    assert (backup.mode, backup.active_slave, backup.primary, backup.updelay_ms) == (
        "active-backup",
        "eno3",
        "eno3",
        200,
    )
    assert links.get("bond2").bond.arp_ip_targets == ("192.0.2.1", "192.0.2.2")


def test_bool_and_int_flags_read_alike() -> None:
    links = load(parse_ip_link, "bond_lacp_and_slaves", "ip-j-d-link.json")
    as_ints = links.get("eno5").bridge_port  # an older iproute2 printing 0/1
    as_bools = links.get("bond0").bridge_port
    assert (as_ints.hairpin, as_ints.learning, as_ints.flood) == (False, True, True)
    assert (as_bools.hairpin, as_bools.learning, as_bools.flood) == (False, True, True)
    assert (
        links.get("vmbr0").bridge.vlan_filtering is True and links.get("vmbr1").bridge.vlan_filtering is False
    )


def test_bridge_id_mac_is_zero_padded() -> None:
    assert mac_padded("0:a0:85:0:3:0") == "00:a0:85:00:03:00"
    assert mac_padded("not a mac") is None
    links = load(parse_ip_link, "bond_lacp_and_slaves", "ip-j-d-link.json")
    bridge = links.get("vmbr1").bridge
    assert (bridge.bridge_id, bridge.bridge_mac, bridge.root_mac) == (
        "8000.3c:ec:ef:10:0:5",
        "3c:ec:ef:10:00:05",
        "00:1c:73:aa:bb:cc",
    )
    assert (bridge.stp_state, bridge.forward_delay_cs, bridge.root_port) == (1, 1500, 1)


def test_link_in_this_namespace_or_link_index_in_another() -> None:
    links = load(parse_ip_link, "lab_bridge_vxlan_veth", "ip-j-d-link.json")
    veth = links.get("veth100i0")
    assert (veth.kind, veth.link, veth.link_index, veth.link_netnsid) == ("veth", "eth0p", None, None)
    peer_elsewhere = links.get("eno1")
    assert (peer_elsewhere.link, peer_elsewhere.link_index, peer_elsewhere.link_netnsid) == (None, 5, 1)
    assert links.get("eno2").altnames == ("enp1s0f1",) and links.get("eno2").ifalias == "uplink sw-core-2"
    vx = links.get("vxlan100").vxlan
    assert (vx.id, vx.local, vx.remote, vx.port, vx.dev) == (100, "192.0.2.11", "192.0.2.21", 4789, "vmbr0")


def test_vlan_that_is_also_a_bridge_port() -> None:
    links = load(parse_ip_link, "infix_vlan_bridge_tunnels", "ip-j-d-link.json")
    e230 = links.get("e2.30")
    assert (e230.kind, e230.slave_kind, e230.link, e230.master) == ("vlan", "bridge", "e2", "br-X")
    assert (e230.vlan.id, e230.vlan.protocol, e230.vlan.flags) == (30, "802.1Q", ("REORDER_HDR",))
    assert links.get("vxlan-v6").vxlan.remote == "2001:db8::200"
    assert links.get("gre-v4").link is None  # "link": null


def test_ovs_devices_keep_their_kinds() -> None:
    links = load(parse_ip_link, "ovs_kernel_devices", "ip-j-d-link.json")
    assert links.get("vmbr1").kind == "openvswitch"
    assert (links.get("eno5").slave_kind, links.get("eno5").master) == ("openvswitch", "ovs-system")
    assert links.get("tap100i0").kind == "tun" and ("type", "tap") in links.get("tap100i0").info_data
    assert links.get("vxlan_sys_4789").vxlan.external is True


def test_addresses_flags_and_lifetimes() -> None:
    addrs = load(parse_ip_addr, "addr_dhcp_slaac_netns", "ip-j-addr.json")
    eth0 = next(i for i in addrs.interfaces if i.ifname == "eth0")
    v4 = eth0.addresses[0]
    assert (v4.cidr, v4.dynamic, v4.valid_life_time_s, v4.metric) == ("192.0.2.18/24", True, 2339, 100)
    lo = addrs.interfaces[0].addresses[0]
    assert lo.valid_life_time_s is None and lo.scope == "host"  # 4294967295 = forever
    temporary = eth0.addresses[2]
    assert (temporary.temporary, temporary.deprecated, temporary.preferred_life_time_s) == (True, True, 0)
    bonded = load(parse_ip_addr, "bond_lacp_and_slaves", "ip-j-addr.json")
    vlan = next(i for i in bonded.interfaces if i.ifname == "vmbr0.30")
    assert [(a.cidr, a.secondary, a.label) for a in vlan.addresses[:2]] == [
        ("198.51.100.30/24", False, "vmbr0.30"),
        ("198.51.100.31/24", True, "vmbr0.30:1"),
    ]
    ptp = next(i for i in bonded.interfaces if i.ifname == "bond2").addresses
    assert [(a.local, a.peer) for a in ptp] == [("203.0.113.7", "203.0.113.8")]  # the `{}` stub is dropped


def test_bridge_vlan_shapes_give_the_same_ports() -> None:
    shapes = {
        name: load(parse_bridge_vlan, "bridge_vlan_shapes", f"bridge-j-vlan-show.{name}.json")
        for name in ("v4.19", "v4.18", "v4.15")
    }
    assert {n: m.shape for n, m in shapes.items()} == {
        "v4.19": "list",
        "v4.18": "by-ifname",
        "v4.15": "by-ifname",
    }

    def view(model):  # type: ignore[no-untyped-def]
        return [
            (p.ifname, p.pvid, [(v.vid, v.vid_end, v.pvid, v.untagged) for v in p.vlans]) for p in model.ports
        ]

    assert view(shapes["v4.19"]) == view(shapes["v4.18"]) == view(shapes["v4.15"])
    bond0 = shapes["v4.19"].ports[0]
    assert [(v.vid, v.vid_end) for v in bond0.vlans] == [(1, None), (2, 4094)] and bond0.pvid == 1


def test_empty_outputs() -> None:
    assert parse_bridge_vlan({"b": "[]"}, "b").ports == ()
    assert parse_ip_link({"l": "[]\n"}, "l").links == ()


@pytest.mark.parametrize("text", ["", "not json", '{"ifname": "x"}', "7"])
def test_not_iproute2_json(text: str) -> None:
    with pytest.raises(ParseError):
        parse_ip_link({"l": text}, "l")


def test_odd_entries_become_warnings() -> None:
    text = json.dumps(
        [{"ifname": "a", "mtu": "big", "linkinfo": "x"}, 5, {"mtu": 1}, {"ifname": "b", "addr_info": {}}]
    )
    links = parse_ip_link({"l": text}, "l")
    assert [link.ifname for link in links.links] == ["a", "b"]
    assert len(links.warnings) == 4
    addrs = parse_ip_addr({"a": text}, "a")
    assert any("addr_info" in w.message for w in addrs.warnings)
