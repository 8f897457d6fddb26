"""Round trips: generated text parsed by netdoc's own parsers gives back the definition.

Parsers present on main when this was written: ifupdown (interfaces + interfaces.d/sdn), bonding
(/proc/net/bonding), ovs (`ovs-vsctl show` and the JSON listings). Each generated text must parse
without a warning and give back what the definition says.
"""

from __future__ import annotations

import pytest

from netdoc.lab.checks import zone_nodes
from netdoc.model.interfaces import InterfaceKind
from netdoc.parsers.ifupdown import parse_interfaces
from tests.lab.scenario_worlds import SCENARIOS, definition, nodes


def node_params() -> list[object]:
    return [pytest.param(s, n.name, id=f"{s}-{n.name}") for s in SCENARIOS for _, n in nodes(s)]


@pytest.mark.parametrize(("scenario", "name"), node_params())
def test_interfaces_round_trip_through_the_ifupdown_parser(scenario: str, name: str) -> None:
    (lab_cluster, lab_node) = next((c, n) for c, n in nodes(scenario) if n.name == name)
    cluster = next(c for c in definition(scenario).clusters if c.name == lab_cluster.name)
    node = next(n for n in cluster.nodes if n.name == name)
    files = {p: b.decode() for p, b in lab_node.files.items() if p.startswith("/etc/network/")}
    cfg = parse_interfaces(files, "/etc/network/interfaces")
    assert not cfg.warnings, [str(w) for w in cfg.warnings]
    assert set(cfg.files) == set(files)
    got = {i.name: i for i in cfg.interfaces}

    def addr(item: object) -> list[str]:
        a = getattr(item, "address", None)
        return [a] if a else []

    for nic in node.nics:
        i = got[nic.name]
        ovs_port = any(p.name == nic.name for ob in node.ovs_bridges for p in ob.ports)
        assert i.kind == (InterfaceKind.OVS_PORT if ovs_port else InterfaceKind.PHYSICAL)
        assert [a.cidr for a in i.addresses] == addr(nic)
    for bond in node.bonds:
        i = got[bond.name]
        assert (i.kind, i.bond_mode, set(i.members)) == (InterfaceKind.BOND, bond.mode, set(bond.slaves))
        assert [a.cidr for a in i.addresses] == addr(bond) and i.gateway == bond.gateway and i.mtu == bond.mtu
    for br in node.bridges:
        i = got[br.name]
        assert (i.kind, set(i.members), i.bridge_vlan_aware) == (
            InterfaceKind.BRIDGE,
            set(br.ports),
            br.vlan_aware,
        )
        assert [a.cidr for a in i.addresses] == addr(br) and i.gateway == br.gateway
        if br.vlan_aware:
            assert " ".join(i.bridge_vids) == (br.vids or "2-4094")
        if br.nat:
            assert any("MASQUERADE" in h.value for h in i.hooks)
    for vlan in node.vlans:
        i = got[vlan.name]
        parent, _, vid = vlan.name.rpartition(".")
        assert (i.kind, i.vlan_id, i.vlan_raw_device) == (
            InterfaceKind.VLAN,
            vlan.id or int(vid),
            vlan.raw_device or parent,
        )
        assert [a.cidr for a in i.addresses] == addr(vlan)
    for ob in node.ovs_bridges:
        i = got[ob.name]
        members = [b.name for b in ob.bonds] + [p.name for p in ob.ports] + [p.name for p in ob.intports]
        assert (i.kind, list(i.members)) == (InterfaceKind.OVS_BRIDGE, members)
        for b in ob.bonds:
            j = got[b.name]
            assert (j.kind, j.ovs_bridge, set(j.members), j.bond_mode) == (
                InterfaceKind.OVS_BOND,
                ob.name,
                set(b.slaves),
                b.bond_mode,
            )
            assert j.ovs_lacp == b.lacp
        for p in ob.intports:
            j = got[p.name]
            assert (j.kind, j.ovs_bridge, j.ovs_tag) == (InterfaceKind.OVS_INTPORT, ob.name, p.tag)
            assert [a.cidr for a in j.addresses] == addr(p) and j.gateway == p.gateway
        for p in ob.ports:
            assert (got[p.name].ovs_tag, got[p.name].ovs_trunks) == (p.tag, p.trunks)
    if cluster.sdn:
        zones = {z.id: z for z in cluster.sdn.zones}
        for v in cluster.sdn.vnets:
            if name in zone_nodes(cluster, zones[v.zone].nodes):
                assert got[v.id].kind == InterfaceKind.BRIDGE, v.id
            else:
                assert v.id not in got


@pytest.mark.parametrize(("scenario", "name"), node_params())
def test_bonding_files_round_trip_through_the_bonding_parser(scenario: str, name: str) -> None:
    from netdoc.parsers.bonding import parse_bonding

    (lab_cluster, lab_node) = next((c, n) for c, n in nodes(scenario) if n.name == name)
    cluster = next(c for c in definition(scenario).clusters if c.name == lab_cluster.name)
    node = next(n for n in cluster.nodes if n.name == name)
    for bond in node.bonds:
        path = f"/proc/net/bonding/{bond.name}"
        status = parse_bonding({path: lab_node.files[path].decode()}, path)
        assert not status.warnings and not status.extra
        assert (status.name, status.mode, status.miimon_ms) == (bond.name, bond.mode, bond.miimon)
        assert status.driver_version == cluster.kernel
        up = [s for s in bond.slaves if s not in bond.runtime.down_slaves]
        assert [s.name for s in status.slaves] == list(bond.slaves)
        assert [s.name for s in status.slaves if s.mii_status == "up"] == up
        assert status.mii_status == ("up" if up else "down")
        if bond.mode == "802.3ad":
            assert status.lacp is not None and status.lacp.lacp_rate == bond.lacp_rate
            assert status.transmit_hash_policy == (bond.xmit_hash_policy or "layer2")
            agg = status.lacp.active_aggregator
            assert agg is not None
            negotiated = bond.runtime.lacp == "negotiated"
            assert (agg.partner_mac != "00:00:00:00:00:00") == negotiated
            assert agg.number_of_ports == (len(up) if negotiated else 1)
            ids = [s.aggregator_id for s in status.slaves]
            assert len(set(ids)) == (1 if negotiated and len(up) == len(bond.slaves) else len(ids))


def _ovs_params() -> list[object]:
    return [
        pytest.param(s, n.name, id=f"{s}-{n.name}")
        for s in SCENARIOS
        for _, n in nodes(s)
        if "ovs-vsctl show" in n.commands
    ]


@pytest.mark.parametrize(("scenario", "name"), _ovs_params())
def test_ovs_outputs_round_trip_through_the_ovs_parsers(scenario: str, name: str) -> None:
    from netdoc.parsers.ovs import parse_ovs_json, parse_ovs_show
    from netdoc.snapshot import COMMANDS

    (lab_cluster, lab_node) = next((c, n) for c, n in nodes(scenario) if n.name == name)
    cluster = next(c for c in definition(scenario).clusters if c.name == lab_cluster.name)
    node = next(n for n in cluster.nodes if n.name == name)
    show = parse_ovs_show({"show": lab_node.commands["ovs-vsctl show"].decode()}, "show")
    listings = {
        f"/n/commands/{k}": lab_node.commands[v].decode()
        for k, v in COMMANDS.items()
        if v.startswith("ovs-vsctl --format=json")
    }
    db = parse_ovs_json(listings, "/n/commands/ovs-vsctl-list-bridge.json").topology
    assert not show.warnings and not db.warnings
    assert show.ovs_version == cluster.ovs_version

    def summary(topology: object) -> dict[str, object]:
        return {
            (b.name, p.name): (
                p.tag,
                p.trunks,
                p.bond,
                tuple((i.name, i.type, i.error) for i in p.interfaces),
            )
            for b in topology.bridges  # type: ignore[attr-defined]
            for p in b.ports
        }

    assert summary(show) == summary(db)
    for ob in node.ovs_bridges:
        bridge = db.bridge(ob.name)
        assert bridge is not None
        for b in ob.bonds:
            port = bridge.port(b.name)
            assert port is not None and port.bond_mode == b.bond_mode and port.lacp == b.lacp
            assert sorted(i.name for i in port.interfaces) == sorted(b.slaves)
            if b.lacp_time:
                assert port.other_config.get("lacp-time") == b.lacp_time
        for p in ob.intports:
            port = bridge.port(p.name)
            assert port is not None and port.tag == p.tag and port.interfaces[0].type == "internal"
        for p in ob.ports:
            port = bridge.port(p.name)
            assert port is not None and (port.tag, port.trunks) == (p.tag, p.trunks)
