"""Cross-reference checks of a lab definition: names that must exist, ids that must be unique.

Pydantic checks each value; these check how values refer to each other (a bond slave is a NIC of
its node, a guest's bridge exists on its node, a corosync address names a node, ...). A NIC may be
claimed twice (the starwars talk puts eno1 in an OVS bond and in a Linux bridge on proxmox1): Proxmox
would refuse to write that, but a hand-edited file can hold it, and netdoc must see it; at runtime
the Linux bridge or bond holds the NIC and Open vSwitch shows an error on its Interface row.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Iterable

from netdoc.lab.schema import Cluster, Definition, Node

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]


def node_interface_names(node: Node) -> set[str]:
    """Every interface name a node's configuration defines (NICs, bonds, bridges, VLANs, OVS)."""
    names = {n.name for n in node.nics}
    names |= {b.name for b in node.bonds}
    names |= {b.name for b in node.bridges}
    names |= {v.name for v in node.vlans}
    for ob in node.ovs_bridges:
        names.add(ob.name)
        names |= {b.name for b in ob.bonds}
        names |= {p.name for p in ob.intports}
    return names


def bridge_names(node: Node) -> set[str]:
    return {b.name for b in node.bridges} | {b.name for b in node.ovs_bridges}


def zone_nodes(cluster: Cluster, zone_nodes_: tuple[str, ...]) -> list[str]:
    return list(zone_nodes_) if zone_nodes_ else [n.name for n in cluster.nodes]


def _dupes(values: Iterable[object]) -> list[object]:
    return [v for v, c in Counter(values).items() if c > 1]


def _vlan_parent(name: str) -> str | None:
    m = re.match(r"^(.+)\.(\d+)$", name)
    return m.group(1) if m else None


def _check_node(cluster: Cluster, node: Node, base: Loc) -> list[Problem]:
    out: list[Problem] = []
    nics = {n.name for n in node.nics}
    defined = [n.name for n in node.nics] + [b.name for b in node.bonds] + [b.name for b in node.bridges]
    defined += [v.name for v in node.vlans]
    for ob in node.ovs_bridges:
        defined += [ob.name] + [b.name for b in ob.bonds] + [p.name for p in ob.intports]
    for name in _dupes(defined):
        out.append((base, f"interface {name!r} is defined twice"))
    names = node_interface_names(node)
    bonds = {b.name for b in node.bonds}
    vlans = {v.name for v in node.vlans}

    def known_port(port: str) -> bool:
        if port in nics or port in bonds or port in vlans:
            return True
        parent = _vlan_parent(port)  # Proxmox creates `eno1.5` for a bridge port on the fly
        return parent is not None and parent in names

    for i, bond in enumerate(node.bonds):
        loc = (*base, "bonds", i)
        for slave in bond.slaves:
            if slave not in nics:
                out.append(((*loc, "slaves"), f"slave {slave!r} is not a NIC of node {node.name}"))
        if bond.primary and bond.primary not in bond.slaves:
            out.append(((*loc, "primary"), f"primary {bond.primary!r} is not one of the slaves"))
        for slave in bond.runtime.down_slaves:
            if slave not in bond.slaves:
                out.append(((*loc, "runtime", "down_slaves"), f"{slave!r} is not one of the slaves"))
        if bond.runtime.active_slave and bond.runtime.active_slave not in bond.slaves:
            out.append(((*loc, "runtime", "active_slave"), "not one of the slaves"))
        if bond.xmit_hash_policy and bond.mode not in ("balance-xor", "802.3ad"):
            out.append(
                ((*loc, "xmit_hash_policy"), f"only used with balance-xor and 802.3ad, not {bond.mode}")
            )
    for i, br in enumerate(node.bridges):
        loc = (*base, "bridges", i)
        for port in br.ports:
            if not known_port(port):
                out.append(((*loc, "ports"), f"port {port!r} is not an interface of node {node.name}"))
        if br.vids and not br.vlan_aware:
            out.append(((*loc, "vids"), "vids needs vlan_aware: true"))
        if br.nat:
            for j, m in enumerate(br.nat.masquerade):
                if m.out not in names:
                    out.append(((*loc, "nat", "masquerade", j, "out"), f"{m.out!r} is not an interface"))
            for j, f in enumerate(br.nat.forward):
                if f.in_ not in names:
                    out.append(((*loc, "nat", "forward", j, "in"), f"{f.in_!r} is not an interface"))
    for i, vlan in enumerate(node.vlans):
        loc = (*base, "vlans", i)
        parent = vlan.raw_device or _vlan_parent(vlan.name)
        if parent is None:
            out.append((loc, f"{vlan.name!r} is not named <device>.<vid>: give raw_device and id"))
        elif parent not in names:
            out.append((loc, f"VLAN parent {parent!r} is not an interface of node {node.name}"))
        if vlan.raw_device and vlan.id is None and _vlan_parent(vlan.name) is None:
            out.append(((*loc, "id"), "a VLAN with raw_device needs an id"))
    for i, ob in enumerate(node.ovs_bridges):
        loc = (*base, "ovs_bridges", i)
        members = {b.name for b in ob.bonds} | {p.name for p in ob.intports} | {p.name for p in ob.ports}
        for j, obond in enumerate(ob.bonds):
            for slave in obond.slaves:
                if slave not in nics:
                    out.append(((*loc, "bonds", j, "slaves"), f"slave {slave!r} is not a NIC of {node.name}"))
            for slave in obond.runtime.down_slaves:
                if slave not in obond.slaves:
                    out.append(((*loc, "bonds", j, "runtime", "down_slaves"), f"{slave!r} is not a slave"))
        for j, oport in enumerate(ob.ports):
            if oport.name not in nics:
                out.append(((*loc, "ports", j, "name"), f"{oport.name!r} is not a NIC of node {node.name}"))
        for j, mirror in enumerate(ob.mirrors):
            for p in (mirror.output_port, *mirror.select_ports):
                if p not in members:
                    out.append(((*loc, "mirrors", j), f"{p!r} is not a port of {ob.name}"))
        if ob.sflow and ob.sflow.agent not in names:
            out.append(((*loc, "sflow", "agent"), f"{ob.sflow.agent!r} is not an interface"))
    switches = {s.name for s in cluster.switches} | {n.name for n in cluster.nodes}
    for i, nic in enumerate(node.nics):
        if nic.lldp and nic.lldp.switch not in switches:
            out.append(((*base, "nics", i, "lldp", "switch"), f"{nic.lldp.switch!r} is not a switch or node"))
    return out


def _check_guests(cluster: Cluster, base: Loc) -> list[Problem]:
    out: list[Problem] = []
    nodes = {n.name: n for n in cluster.nodes}
    for vmid in _dupes(g.vmid for g in cluster.guests):
        out.append(((*base, "guests"), f"vmid {vmid} is used twice"))
    vnets: dict[str, set[str]] = {}
    if cluster.sdn:
        zones = {z.id: z for z in cluster.sdn.zones}
        for v in cluster.sdn.vnets:
            zone = zones.get(v.zone)
            vnets[v.id] = set(zone_nodes(cluster, zone.nodes)) if zone else set()
    for i, guest in enumerate(cluster.guests):
        loc = (*base, "guests", i)
        node = nodes.get(guest.node)
        if node is None:
            out.append(((*loc, "node"), f"{guest.node!r} is not a node of cluster {cluster.name}"))
            continue
        bridges = bridge_names(node)
        indexes = [n.index if n.index is not None else j for j, n in enumerate(guest.nics)]
        for idx in _dupes(indexes):
            out.append(((*loc, "nics"), f"net{idx} is defined twice"))
        for j, nic in enumerate(guest.nics):
            if nic.bridge in vnets:
                if guest.node not in vnets[nic.bridge]:
                    out.append(((*loc, "nics", j, "bridge"), f"vnet {nic.bridge!r} is not on {guest.node}"))
            elif nic.bridge not in bridges:
                out.append(
                    ((*loc, "nics", j, "bridge"), f"{nic.bridge!r} is not a bridge or vnet of {guest.node}")
                )
    return out


def _check_sdn(cluster: Cluster, base: Loc) -> list[Problem]:
    out: list[Problem] = []
    if cluster.sdn is None:
        return out
    sdn = cluster.sdn
    zones = {z.id: z for z in sdn.zones}
    controllers = {c.id for c in sdn.controllers}
    nodes = {n.name: n for n in cluster.nodes}
    for zid in _dupes(z.id for z in sdn.zones):
        out.append(((*base, "zones"), f"zone {zid!r} is defined twice"))
    for i, z in enumerate(sdn.zones):
        loc = (*base, "zones", i)
        for n in z.nodes:
            if n not in nodes:
                out.append(((*loc, "nodes"), f"{n!r} is not a node"))
        if z.type in ("vlan", "qinq"):
            if not z.bridge:
                out.append((loc, f"a {z.type} zone needs a bridge"))
            else:
                for n in zone_nodes(cluster, z.nodes):
                    if n in nodes and z.bridge not in bridge_names(nodes[n]):
                        out.append(((*loc, "bridge"), f"bridge {z.bridge!r} does not exist on node {n}"))
        if z.type == "qinq" and z.tag is None:
            out.append((loc, "a qinq zone needs a service tag"))
        if z.type == "vxlan" and not z.peers:
            out.append((loc, "a vxlan zone needs peers"))
        if z.type == "evpn":
            if not z.controller or z.controller not in controllers:
                out.append(((*loc, "controller"), "an evpn zone needs a defined controller"))
            if z.vrf_vxlan is None:
                out.append((loc, "an evpn zone needs vrf_vxlan"))
    vnet_ids = {v.id for v in sdn.vnets}
    for vid in _dupes(v.id for v in sdn.vnets):
        out.append(((*base, "vnets"), f"vnet {vid!r} is defined twice"))
    for i, v in enumerate(sdn.vnets):
        loc = (*base, "vnets", i)
        zone = zones.get(v.zone)
        if zone is None:
            out.append(((*loc, "zone"), f"{v.zone!r} is not a zone"))
            continue
        if zone.type != "simple" and v.tag is None:
            out.append(((*loc, "tag"), f"a vnet of a {zone.type} zone needs a tag"))
        if zone.type in ("vlan", "qinq") and v.tag is not None and v.tag > 4094:
            out.append(((*loc, "tag"), "a VLAN tag is at most 4094"))
        for n in zone_nodes(cluster, zone.nodes):
            if n in nodes and v.id in node_interface_names(nodes[n]):
                out.append(((*loc, "id"), f"vnet {v.id!r} clashes with an interface of node {n}"))
    for i, s in enumerate(sdn.subnets):
        if s.vnet not in vnet_ids:
            out.append(((*base, "subnets", i, "vnet"), f"{s.vnet!r} is not a vnet"))
        if s.gateway and ipaddress.ip_address(s.gateway) not in ipaddress.ip_network(s.cidr):
            out.append(((*base, "subnets", i, "gateway"), f"{s.gateway} is outside {s.cidr}"))
    return out


def _check_cluster(cluster: Cluster, base: Loc) -> list[Problem]:
    out: list[Problem] = []
    node_names = [n.name for n in cluster.nodes]
    for name in _dupes(node_names):
        out.append(((*base, "nodes"), f"node {name!r} is defined twice"))
    for nodeid in _dupes(n.nodeid for n in cluster.nodes if n.nodeid is not None):
        out.append(((*base, "nodes"), f"nodeid {nodeid} is used twice"))
    for i, node in enumerate(cluster.nodes):
        out += _check_node(cluster, node, (*base, "nodes", i))
    out += _check_guests(cluster, base)
    if cluster.corosync:
        for num in _dupes(link.number for link in cluster.corosync.links):
            out.append(((*base, "corosync", "links"), f"link {num} is defined twice"))
        for i, link in enumerate(cluster.corosync.links):
            loc = (*base, "corosync", "links", i, "addresses")
            for name in link.addresses:
                if name not in node_names:
                    out.append(((*loc, name), f"{name!r} is not a node of cluster {cluster.name}"))
            for name in node_names:
                if name not in link.addresses:
                    out.append((loc, f"node {name} has no address on link {link.number}"))
    for sid in _dupes(s.id for s in cluster.storage):
        out.append(((*base, "storage"), f"storage {sid!r} is defined twice"))
    for i, st in enumerate(cluster.storage):
        for n in st.nodes:
            if n not in node_names:
                out.append(((*base, "storage", i, "nodes"), f"{n!r} is not a node"))
    out += _check_sdn(cluster, (*base, "sdn"))
    return out


def check_definition(definition: Definition) -> list[Problem]:
    """Every cross-reference problem of a definition, as (key path, message)."""
    out: list[Problem] = []
    for name in _dupes(c.name for c in definition.clusters):
        out.append((("clusters",), f"cluster {name!r} is defined twice"))
    addresses = [n.address for c in definition.clusters for n in c.nodes]
    for addr in _dupes(addresses):
        out.append((("clusters",), f"loopback address {addr} is given to two nodes"))
    for i, cluster in enumerate(definition.clusters):
        out += _check_cluster(cluster, ("clusters", i))
    return out
