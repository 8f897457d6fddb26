"""The assembled estate as one networkx MultiDiGraph, the one source renderers and the audit read.

Node and edge kinds are the constants of topology/ids.py (documented in docs/graph.md). Graph
attributes are plain scalars (text, numbers, booleans; lists joined by ", "), so that the graph
exports as JSON and GraphML as it is; the model objects behind each id are in `Topology.objects`.
Edges go from the lower element to the one that depends on it (NIC -> bond -> bridge -> VLAN
interface), the direction in which a failure spreads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from netdoc.model.addressing import parse_iface, parse_network
from netdoc.model.nat import NatRule
from netdoc.model.net import HostNet, Iface
from netdoc.model.netcluster import ClusterNet, Estate
from netdoc.topology import ids

Attrs = dict[str, Any]


def _veth_peer(iface: Iface) -> str | None:
    """The other end of a veth pair: `veth-peer-name` as configured, else `ip link`'s peer."""
    if iface.config is not None and iface.config.peer:
        return iface.config.peer
    link = iface.link
    if link is not None and link.kind == "veth" and link.link:
        return link.link
    return None


def _clean(attrs: Mapping[str, Any]) -> Attrs:
    """GraphML knows no None and no lists: drop the first, join the second."""
    out: Attrs = {}
    for key, value in attrs.items():
        if value is None or (isinstance(value, list | tuple) and not value):
            continue
        out[key] = ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else value
    return out


@dataclass
class Topology:
    """The graph, the estate it was built from, and the model object behind each graph id."""

    graph: Any  # networkx.MultiDiGraph (networkx ships no type information)
    estate: Estate
    objects: dict[str, object] = field(default_factory=dict)

    def add_node(self, node_id: str, kind: str, obj: object | None = None, /, **attrs: Any) -> str:
        if node_id not in self.graph:
            self.graph.add_node(node_id, **_clean({"kind": kind, **attrs}))
        else:
            # an edge may have named the node first (a guest NIC's VNet before the VNets are added)
            self.graph.nodes[node_id].setdefault("kind", kind)
            self.graph.nodes[node_id].update(_clean(attrs))
        if obj is not None:
            self.objects.setdefault(node_id, obj)
        return node_id

    def add_edge(self, source: str, target: str, kind: str, /, **attrs: Any) -> None:
        if self.graph.has_edge(source, target, key=kind):
            self.graph.edges[source, target, kind].update(_clean(attrs))
        else:
            self.graph.add_edge(source, target, key=kind, **_clean({"kind": kind, **attrs}))

    def nodes_of(self, kind: str) -> list[str]:
        return [n for n, data in self.graph.nodes(data=True) if data.get("kind") == kind]

    def edges_of(self, kind: str) -> list[tuple[str, str, Attrs]]:
        return [(u, v, d) for u, v, k, d in self.graph.edges(keys=True, data=True) if k == kind]


class _Builder:
    def __init__(self, topo: Topology, cluster: ClusterNet) -> None:
        self.t = topo
        self.c = cluster
        self.name = cluster.name

    def iface(self, node: str, name: str) -> str:
        return ids.iface_id(self.name, node, name)

    def vlan(self, vid: int) -> str:
        return self.t.add_node(
            ids.vlan_id(self.name, vid), ids.VLAN, cluster=self.name, vid=vid, label=f"VLAN {vid}"
        )

    def subnet(self, cidr: str) -> str:
        return self.t.add_node(
            ids.subnet_id(self.name, cidr), ids.SUBNET, cluster=self.name, cidr=cidr, label=cidr
        )

    def build(self) -> None:
        c = self.c
        src = c.sources
        self.t.add_node(
            ids.cluster_id(self.name),
            ids.CLUSTER,
            c,
            name=self.name,
            label=self.name,
            collected_at=src.collected_at,
            nodes=len(c.hosts),
        )
        mgmt = {m.node: m for m in c.management}
        for host in c.hosts:
            m = mgmt.get(host.name)
            nid = self.t.add_node(
                ids.node_id(self.name, host.name),
                ids.NODE,
                host,
                cluster=self.name,
                name=host.name,
                label=host.name,
                online=host.sources.online,
                address=m.address if m else None,
                management_iface=m.iface if m else None,
                guests=len(host.sources.guests),
            )
            self.t.add_edge(nid, ids.cluster_id(self.name), ids.IN_CLUSTER)
            self.host(host)
        self.guests()
        self.vnets()
        self.corosync()
        self.mesh()
        self.switches()
        self.storage()
        self.ceph()
        for host in c.hosts:
            self.nat(host)

    # -- interfaces

    def host(self, host: HostNet) -> None:
        nid = ids.node_id(self.name, host.name)
        for iface in host.ifaces:
            self.t.add_node(
                self.iface(host.name, iface.name),
                ids.IFACE,
                iface,
                cluster=self.name,
                node=host.name,
                name=iface.name,
                label=iface.name,
                iface_kind=iface.kind.value,
                configured=iface.configured,
                pending=iface.pending is not None,
                mtu=iface.mtu,
                mtu_runtime=iface.mtu_runtime,
                present=iface.present,
                up=iface.up,
                addresses=iface.all_addresses,
                bond_mode=_bond_mode(iface),
                vlan_id=iface.vlan_id,
            )
        for iface in host.ifaces:
            me = self.iface(host.name, iface.name)
            self.t.add_edge(me, nid, ids.ON_NODE)
            uppers = list(iface.uppers)
            if iface.upper_runtime and iface.upper_runtime not in uppers:
                uppers.append(iface.upper_runtime)
            for upper in uppers:
                target = host.iface(upper)
                if target is None:
                    continue
                kind = ids.MEMBER_OF if target.is_bond else ids.PORT_OF
                runtime = _runtime_member(host, iface, target)
                self.t.add_edge(
                    me, self.iface(host.name, upper), kind, configured=upper in iface.uppers, runtime=runtime
                )
            if iface.parent and host.iface(iface.parent) is not None:
                self.t.add_edge(self.iface(host.name, iface.parent), me, ids.UPLINK_OF)
            peer = _veth_peer(iface)
            other = host.iface(peer) if peer else None
            if peer and other is not None and (iface.name < peer or _veth_peer(other) != iface.name):
                self.t.add_edge(me, self.iface(host.name, peer), ids.VETH_PEER)  # once per pair
            for cidr in iface.all_addresses:
                parsed = parse_iface(cidr)
                if parsed is None or parsed.ip.is_link_local or parsed.ip.is_loopback:
                    continue
                self.t.add_edge(
                    me,
                    self.subnet(str(parsed.network)),
                    ids.ADDRESSED_IN,
                    address=str(parsed.ip),
                    configured=cidr in iface.addresses,
                    runtime=None if iface.addresses_runtime is None else cidr in iface.addresses_runtime,
                )
            if iface.vlan_id is not None:
                self.t.add_edge(me, self.vlan(iface.vlan_id), ids.TAGGED)
                parent = host.iface(iface.parent)
                if parent is not None and parent.is_bridge:
                    self.t.add_edge(self.iface(host.name, parent.name), self.vlan(iface.vlan_id), ids.CARRIES)
            tag = iface.config.ovs_tag if iface.config else None
            if tag is None and iface.ovs_port is not None:
                tag = iface.ovs_port.tag
            if tag is not None:
                self.t.add_edge(me, self.vlan(tag), ids.TAGGED)
                bridge = iface.upper or iface.upper_runtime
                if bridge and host.iface(bridge) is not None:
                    self.t.add_edge(self.iface(host.name, bridge), self.vlan(tag), ids.CARRIES)

    # -- guests

    def guests(self) -> None:
        for att in self.c.attachments:
            guest = att.guest
            gid = ids.guest_id(self.name, guest.vmid)
            self.t.add_node(
                gid,
                ids.GUEST,
                guest,
                cluster=self.name,
                node=att.node,
                vmid=guest.vmid,
                guest_type=guest.type,
                name=guest.name,
                label=f"{'VM' if guest.type == 'qemu' else 'CT'} {guest.vmid} {guest.name or ''}".strip(),
                template=guest.template,
            )
            if att.node:
                self.t.add_edge(gid, ids.node_id(self.name, att.node), ids.ON_NODE)
            nic = att.nic
            nid = self.t.add_node(
                ids.nic_id(self.name, guest.vmid, nic.key),
                ids.NIC,
                att,
                cluster=self.name,
                node=att.node,
                vmid=guest.vmid,
                key=nic.key,
                label=f"{guest.vmid}/{nic.key}",
                mac=nic.mac,
                model=nic.model,
                bridge=nic.bridge,
                bridge_kind=att.bridge_kind,
                vlan=att.vlan,
                trunks=[f"{r.first}-{r.last}" if r.last != r.first else str(r.first) for r in nic.trunks],
                firewall=nic.firewall,
                rate_mb_s=nic.rate_mb_s,
                mtu=nic.mtu,
                ip=nic.ip,
                link_down=nic.link_down,
                host_port=att.host_port,
                host_port_present=att.host_port_present,
            )
            self.t.add_edge(nid, gid, ids.NIC_OF)
            if att.node and att.port_bridge:
                host = self.c.host(att.node)
                if host is not None and host.iface(att.port_bridge) is not None:
                    self.t.add_edge(nid, self.iface(att.node, att.port_bridge), ids.ATTACHED_TO)
                    if att.vlan is not None:
                        self.t.add_edge(
                            self.iface(att.node, att.port_bridge), self.vlan(att.vlan), ids.CARRIES
                        )
            if att.vlan is not None:
                self.t.add_edge(nid, self.vlan(att.vlan), ids.TAGGED)
            if att.vnet:
                self.t.add_edge(nid, ids.vnet_id(self.name, att.vnet), ids.IN_VNET)
            if nic.ip and "/" in nic.ip:
                parsed = parse_iface(nic.ip)
                if parsed is not None:
                    self.t.add_edge(
                        nid, self.subnet(str(parsed.network)), ids.ADDRESSED_IN, address=str(parsed.ip)
                    )

    # -- SDN

    def vnets(self) -> None:
        sdn = self.c.sources.sdn or self.c.sources.sdn_running
        for zone in sdn.zones if sdn else ():
            zid = self.t.add_node(
                ids.zone_id(self.name, zone.id),
                ids.ZONE,
                zone,
                cluster=self.name,
                name=zone.id,
                label=f"zone {zone.id}",
                zone_type=zone.type,
                bridge=zone.bridge,
                mtu=zone.mtu,
            )
            if zone.bridge:
                for host in self.c.hosts:
                    if (zone.nodes and host.name not in zone.nodes) or host.iface(zone.bridge) is None:
                        continue
                    self.t.add_edge(zid, self.iface(host.name, zone.bridge), ids.UNDERLAY)
        for vnet in self.c.vnets:
            vid = self.t.add_node(
                ids.vnet_id(self.name, vnet.id),
                ids.VNET,
                vnet,
                cluster=self.name,
                name=vnet.id,
                label=f"VNet {vnet.id}",
                zone=vnet.zone,
                zone_type=vnet.zone_type,
                vlan=vnet.vlan,
                vni=vnet.vni,
            )
            if vnet.zone:
                self.t.add_edge(vid, ids.zone_id(self.name, vnet.zone), ids.IN_ZONE)
            if vnet.vlan is not None:
                self.t.add_edge(vid, self.vlan(vnet.vlan), ids.TAGGED)
            for cidr, gateway in vnet.subnets:
                if parse_network(cidr) is not None:
                    self.t.add_edge(self.subnet(cidr), vid, ids.SUBNET_OF, gateway=gateway)

    # -- corosync, mesh, LLDP, storage, Ceph

    def corosync(self) -> None:
        for link in self.c.corosync_links:
            lid = self.t.add_node(
                ids.corosync_id(self.name, link.number),
                ids.COROSYNC,
                link,
                cluster=self.name,
                number=link.number,
                priority=link.priority,
                label=f"corosync link{link.number}",
            )
            for ring in link.addresses:
                host = self.c.host(ring.node)
                attrs = {
                    "node": ring.node,
                    "address": ring.address,
                    "ip": ring.ip,
                    "resolved_by": ring.resolved_by,
                }
                if ring.iface is not None:
                    self.t.add_edge(self.iface(ring.node, ring.iface), lid, ids.COROSYNC_LINK, **attrs)
                elif host is not None:
                    self.t.add_edge(
                        ids.node_id(self.name, ring.node), lid, ids.COROSYNC_LINK, held=False, **attrs
                    )

    def mesh(self) -> None:
        for link in self.c.mesh_links:
            source = self.iface(link.node, link.nic or link.iface)
            if link.peer is None:
                continue
            peer_end = link.peer_nic or link.peer_iface
            target = self.iface(link.peer, peer_end) if peer_end else ids.node_id(self.name, link.peer)
            self.t.add_edge(
                source,
                target,
                ids.MESH_LINK,
                form=link.form,
                network=link.network,
                address=link.address,
                peer_address=link.peer_address,
            )

    def switches(self) -> None:
        for switch in self.c.switches:
            sid = self.t.add_node(
                ids.switch_id(switch.name),
                ids.SWITCH,
                switch,
                name=switch.name,
                label=switch.name,
                chassis_id=switch.chassis_id,
                descr=switch.descr,
                mgmt=switch.mgmt_addresses,
            )
            for link in switch.links:
                pid = self.t.add_node(
                    ids.switchport_id(switch.name, link.port),
                    ids.SWITCHPORT,
                    link,
                    switch=switch.name,
                    port=link.port,
                    label=link.port,
                )
                self.t.add_edge(pid, sid, ids.PORT_ON)
                nb = link.neighbor
                self.t.add_edge(
                    self.iface(link.node, link.nic),
                    pid,
                    ids.LLDP_NEIGHBOR,
                    pvid=nb.pvid,
                    vlans=[v.vid for v in nb.vlans if v.vid is not None],
                    port_descr=nb.port_descr,
                )

    def storage(self) -> None:
        for path in self.c.storage_paths:
            sid = self.t.add_node(
                ids.storage_id(self.name, path.storage),
                ids.STORAGE,
                path,
                cluster=self.name,
                name=path.storage,
                label=path.storage,
                storage_type=path.type,
            )
            endpoints = self.t.graph.nodes[sid].get("endpoints", "")
            if path.host not in endpoints.split(", "):
                self.t.graph.nodes[sid]["endpoints"] = ", ".join(e for e in (endpoints, path.host) if e)
            attrs = {"node": path.node, "endpoint": path.host, "ip": path.ip}
            if path.egress is not None:
                self.t.add_edge(
                    self.iface(path.node, path.egress.iface),
                    sid,
                    ids.REACHES_STORAGE,
                    via=path.egress.via,
                    gateway=path.egress.gateway,
                    **attrs,
                )
            else:
                self.t.add_edge(
                    ids.node_id(self.name, path.node), sid, ids.REACHES_STORAGE, resolved=False, **attrs
                )

    def nat(self, host: HostNet) -> None:
        """Masquerading and port forwards, configured (hooks) and loaded (iptables-save) side by side."""
        configured = {_rule_key(r): r for r in host.nat_rules}
        runtime = {_rule_key(r): r for r in host.nat_rules_runtime or ()}
        guests = {
            a.nic.ip.split("/", 1)[0]: ids.nic_id(self.name, a.vmid, a.nic.key)
            for a in self.c.attachments
            if a.node == host.name and a.nic.ip and "/" in a.nic.ip
        }
        for key in sorted(set(configured) | set(runtime), key=lambda k: tuple(x or "" for x in k)):
            rule = configured.get(key) or runtime[key]
            flags = {
                "configured": key in configured,
                "runtime": None if host.nat_rules_runtime is None else key in runtime,
                "rule": rule.text,
            }
            if rule.kind in ("masquerade", "snat") and rule.src and rule.out_interface:
                inside = self._holding_subnet(host, rule.src)
                if inside is not None and host.iface(rule.out_interface) is not None:
                    self.t.add_edge(
                        self.iface(host.name, inside),
                        self.iface(host.name, rule.out_interface),
                        ids.NAT_VIA,
                        source=rule.src,
                        nat=rule.kind,
                        **flags,
                    )
            elif rule.kind == "dnat" and rule.to_address:
                arriving = rule.in_interface if rule.in_interface and host.iface(rule.in_interface) else None
                target = guests.get(rule.to_address.split("-", 1)[0])
                if target is None:
                    inside = self._holding_subnet(host, rule.to_address)
                    target = self.iface(host.name, inside) if inside else None
                if arriving is not None and target is not None:
                    self.t.add_edge(
                        self.iface(host.name, arriving),
                        target,
                        ids.PORT_FORWARD,
                        protocol=rule.protocol,
                        dport=rule.dport,
                        to=f"{rule.to_address}:{rule.to_port}" if rule.to_port else rule.to_address,
                        **flags,
                    )

    @staticmethod
    def _holding_subnet(host: HostNet, cidr: str) -> str | None:
        """The interface whose own subnet holds this network or address (a NAT rule's inside)."""
        net = parse_network(cidr)
        if net is None:
            return None
        for iface in host.ifaces:
            for address in iface.all_addresses:
                parsed = parse_iface(address)
                if parsed is not None and parsed.version == net.version and net.subnet_of(parsed.network):  # type: ignore[arg-type]
                    return iface.name
        return None

    def ceph(self) -> None:
        for net in self.c.ceph_networks:
            if net.iface is not None:
                self.t.add_edge(
                    self.iface(net.node, net.iface), self.subnet(net.cidr), ids.CEPH_NETWORK, role=net.role
                )


def _rule_key(rule: NatRule) -> tuple[str | None, ...]:
    return (
        rule.kind,
        rule.src,
        rule.out_interface,
        rule.in_interface,
        rule.protocol,
        rule.dport,
        rule.to_address,
    )


def _runtime_member(host: HostNet, iface: Iface, upper: Iface) -> bool | None:
    """Is `iface` a member of `upper` at run time? None when no runtime source says."""
    if upper.lower_runtime is not None:
        return iface.name in upper.lower_runtime
    if iface.upper_runtime is not None or host.has_runtime:
        return iface.upper_runtime == upper.name
    return None


def _bond_mode(iface: Iface) -> str | None:
    if iface.config is not None and iface.config.bond_mode:
        return iface.config.bond_mode
    if iface.bond is not None:
        return iface.bond.mode
    if iface.ovs_port is not None:
        return iface.ovs_port.bond_mode
    return None


def build_topology(estate: Estate) -> Topology:
    """The graph of every cluster of the estate."""
    topo = Topology(nx.MultiDiGraph(), estate)
    for cluster in estate.clusters:
        _Builder(topo, cluster).build()
    return topo
