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
from tests.lab.scenario_worlds import world as world_of


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
        sflows = [f for f in db.sflows if f.bridge == ob.name]
        if ob.sflow:
            (sflow,) = sflows
            assert (sflow.agent, sflow.targets, sflow.sampling, sflow.polling_s, sflow.header_bytes) == (
                ob.sflow.agent,
                ob.sflow.targets,
                ob.sflow.sampling,
                ob.sflow.polling,
                ob.sflow.header,
            )
        else:
            assert not sflows
        mirrors = {m.name: m for m in db.mirrors if m.bridge == ob.name}
        assert set(mirrors) == {m.name for m in ob.mirrors}
        for m in ob.mirrors:
            got = mirrors[m.name]
            assert got.select_all == m.select_all and got.output_port is not None
            assert got.output_port.name == m.output_port
    assert db.ovs_version == cluster.ovs_version and db.uuid == show.uuid


# ------------------------------------------------------------------------------ /etc/pve and /etc


def _cluster_params() -> list[object]:
    return [pytest.param(s, id=s) for s in SCENARIOS]


@pytest.mark.parametrize("scenario", _cluster_params())
def test_cluster_files_round_trip_through_their_parsers(scenario: str) -> None:
    from netdoc.parsers.corosync import parse_corosync
    from netdoc.parsers.datacenter import parse_datacenter
    from netdoc.parsers.hosts import parse_hosts
    from netdoc.parsers.storage import parse_storage

    for cluster in definition(scenario).clusters:
        lab_cluster = next(c for c in world_of(scenario).clusters if c.name == cluster.name)
        files = {p: b.decode() for p, b in lab_cluster.nodes[0].files.items()}
        if cluster.corosync is not None:
            conf = parse_corosync(files, "/etc/pve/corosync.conf")
            assert not conf.warnings
            assert conf.totem is not None and conf.totem.cluster_name == cluster.name
            assert conf.totem.config_version == cluster.corosync.config_version
            prios = {i.number: i.knet_link_priority for i in conf.totem.interfaces}
            assert prios == {link.number: link.priority for link in cluster.corosync.links}
            got = {(n.name, link.number): link.address for n in conf.nodes for link in n.links}
            assert got == {
                (n, link.number): a for link in cluster.corosync.links for n, a in link.addresses.items()
            }
        storage = parse_storage(files, "/etc/pve/storage.cfg")
        assert not storage.warnings and not storage.implicit_local
        parsed = {s.id: s for s in storage.storages}
        for st in cluster.storage:
            p = parsed[st.id]
            assert (p.type, p.content, p.nodes, p.disabled) == (st.type, st.content, st.nodes, st.disable)
            for key in ("server", "export", "share", "portal", "target", "pool", "datastore", "path"):
                if hasattr(st, key):
                    assert getattr(p, key) == getattr(st, key), key
            if st.type in ("rbd", "cephfs"):
                assert p.monhost == st.monhost
        dc = parse_datacenter(files, "/etc/pve/datacenter.cfg")
        assert not dc.warnings and dc.migration_network == cluster.datacenter.migration_network
        hosts = parse_hosts(files, "/etc/hosts")
        assert not hosts.warnings
        named = {name for e in hosts.entries for name in e.names}
        assert {n.name for n in cluster.nodes} <= named


@pytest.mark.parametrize("scenario", _cluster_params())
def test_guest_configs_round_trip_through_the_guest_parser(scenario: str) -> None:
    from netdoc.lab.devices import ClusterCtx, nic_index
    from netdoc.parsers.guest_config import parse_lxc_config, parse_qemu_config

    for cluster in definition(scenario).clusters:
        ctx = ClusterCtx(definition(scenario).seed, cluster)
        lab_cluster = next(c for c in world_of(scenario).clusters if c.name == cluster.name)
        files = {p: b.decode() for p, b in lab_cluster.nodes[0].files.items()}
        for g in cluster.guests:
            folder = "qemu-server" if g.type == "qemu" else "lxc"
            path = f"/etc/pve/nodes/{g.node}/{folder}/{g.vmid}.conf"
            parsed = (parse_qemu_config if g.type == "qemu" else parse_lxc_config)(files, path)
            assert not parsed.warnings
            assert (parsed.vmid, parsed.node, parsed.name, parsed.tags) == (g.vmid, g.node, g.name, g.tags)
            nics = {n.index: n for n in parsed.nics}
            for pos, nic in enumerate(g.nics):
                p = nics[nic_index(nic, pos)]
                trunks = tuple(v for r in p.trunks for v in range(r.first, r.last + 1))
                assert (p.bridge, p.vlan_tag, trunks, p.rate_mb_s) == (
                    nic.bridge,
                    nic.tag,
                    nic.trunks,
                    nic.rate,
                )
                assert bool(p.firewall) == nic.firewall
                assert p.mac == ctx.guest_mac(g, nic_index(nic, pos), nic)
                if g.type == "lxc":
                    assert p.ip == nic.ip and p.gw == nic.gw


@pytest.mark.parametrize("scenario", _cluster_params())
def test_sdn_files_round_trip_through_the_sdn_parser(scenario: str) -> None:
    from netdoc.parsers.sdn import parse_sdn_cfg, parse_sdn_running

    for cluster in definition(scenario).clusters:
        if cluster.sdn is None:
            continue
        lab_cluster = next(c for c in world_of(scenario).clusters if c.name == cluster.name)
        files = {p: b.decode() for p, b in lab_cluster.nodes[0].files.items()}
        zones = parse_sdn_cfg(files, "/etc/pve/sdn/zones.cfg")
        vnets = parse_sdn_cfg(files, "/etc/pve/sdn/vnets.cfg")
        subnets = parse_sdn_cfg(files, "/etc/pve/sdn/subnets.cfg")
        controllers = parse_sdn_cfg(files, "/etc/pve/sdn/controllers.cfg")
        running = parse_sdn_running(files, "/etc/pve/sdn/.running-config")
        for parsed in (zones, vnets, subnets, controllers, running):
            assert not parsed.warnings and not parsed.others
        want_zones = {
            z.id: (z.type, z.bridge, z.tag, z.peers, z.controller, z.vrf_vxlan, z.mtu, z.nodes)
            for z in cluster.sdn.zones
        }
        for parsed in (zones, running):
            assert {
                z.id: (z.type, z.bridge, z.tag, z.peers, z.controller, z.vrf_vxlan, z.mtu, z.nodes)
                for z in parsed.zones
            } == want_zones
        want_vnets = {v.id: (v.zone, v.tag, v.alias, v.vlanaware) for v in cluster.sdn.vnets}
        for parsed in (vnets, running):
            assert {v.id: (v.zone, v.tag, v.alias, v.vlanaware) for v in parsed.vnets} == want_vnets
        want_subnets = {
            (s.vnet, s.cidr, s.gateway, s.snat, tuple((r.start, r.end) for r in s.dhcp_ranges))
            for s in cluster.sdn.subnets
        }
        for parsed in (subnets, running):
            assert {
                (s.vnet, s.cidr, s.gateway, s.snat, tuple((r.start, r.end) for r in s.dhcp_ranges))
                for s in parsed.subnets
            } == want_subnets
        assert {(c.id, c.type, c.asn, c.peers) for c in controllers.controllers} == {
            (c.id, c.type, c.asn, c.peers) for c in cluster.sdn.controllers
        }


@pytest.mark.parametrize(("scenario", "name"), node_params())
def test_nat_table_round_trips_and_matches_the_hooks(scenario: str, name: str) -> None:
    from netdoc.parsers.nat import parse_iptables_save

    (_, lab_node) = next((c, n) for c, n in nodes(scenario) if n.name == name)
    node = next(n for c in definition(scenario).clusters for n in c.nodes if n.name == name)
    text = lab_node.commands["iptables-save -t nat"].decode()
    nat = parse_iptables_save({"/nat": text}, "/nat")
    assert not nat.warnings
    rules = {
        (r.kind, r.src, r.out_interface, r.in_interface, r.dport, r.to_address, r.to_port) for r in nat.rules
    }
    want = set()
    for br in node.bridges:
        for m in br.nat.masquerade if br.nat else ():
            want.add(("masquerade", m.source, m.out, None, None, None, None))
        for f in br.nat.forward if br.nat else ():
            address, port = f.to.rsplit(":", 1)
            want.add(("dnat", None, None, f.in_, str(f.dport), address, port))
    assert {r for r in rules if r[0] != "snat"} == want
