"""Mesh networks between nodes, in the three forms admins build: broadcast bond, RSTP bridge, routed.

A mesh joins the nodes with direct cables instead of a switch (the cluster network of small
clusters). Recognised from the configuration, with LLDP (a neighbour whose system name is another
node) or the peer's addresses telling which node each cable reaches. Pure; see docs/model.md.
"""

from __future__ import annotations

import re

from netdoc.model.addressing import IP, parse_iface, parse_ip, parse_network
from netdoc.model.cluster import Cluster
from netdoc.model.interfaces import InterfaceKind
from netdoc.model.names import natural_key
from netdoc.model.net import HostNet, Iface
from netdoc.model.netcluster import MeshLink

_POINT_TO_POINT = {4: (30, 31, 32), 6: (126, 127, 128)}
_OVS_STP = re.compile(r"\br?stp_enable=(?:true|\"true\")")


def _short(name: str | None) -> str:
    return (name or "").split(".", 1)[0]


def _lldp_peer(iface: Iface, nodes: set[str]) -> str | None:
    for nb in iface.lldp:
        if _short(nb.chassis_name) in nodes:
            return _short(nb.chassis_name)
    return None


def _macs(host: HostNet) -> dict[str, str]:
    """MAC (lower case) -> interface name, from every runtime source of the node."""
    found: dict[str, str] = {}
    for iface in host.ifaces:
        for mac in (
            iface.link.address if iface.link else None,
            iface.link.permaddr if iface.link else None,
            iface.ovs_interface.mac_in_use if iface.ovs_interface else None,
        ):
            if mac:
                found.setdefault(mac.lower(), iface.name)
    for bond in host.sources.bonds:
        for slave in bond.slaves:
            if slave.permanent_hw_addr:
                found[slave.permanent_hw_addr.lower()] = slave.name
    return found


def _lldp_peer_iface(iface: Iface, peer: HostNet | None) -> str | None:
    if peer is None:
        return None
    macs = _macs(peer)
    for nb in iface.lldp:
        if nb.port_id and nb.port_id.lower() in macs:
            return macs[nb.port_id.lower()]
        if nb.port_id and peer.iface(nb.port_id) is not None:
            return nb.port_id
    return None


def _subnet_peers(host: HostNet, iface: Iface, hosts: dict[str, HostNet]) -> dict[str, tuple[str, str]]:
    """Other nodes with an address on one of this interface's subnets: node -> (their iface, address)."""
    found: dict[str, tuple[str, str]] = {}
    nets = [
        p.network for c in iface.all_addresses if (p := parse_iface(c)) is not None and not p.ip.is_link_local
    ]
    for name, other in sorted(hosts.items()):
        if name == host.name:
            continue
        for candidate in other.ifaces:
            for cidr in candidate.all_addresses:
                parsed = parse_iface(cidr)
                if parsed is not None and any(parsed.ip in n for n in nets if n.prefixlen < n.max_prefixlen):
                    found.setdefault(name, (candidate.name, str(parsed.ip)))
    return found


def _members(host: HostNet, iface: Iface) -> list[Iface]:
    names = iface.lower_runtime if iface.lower_runtime is not None else iface.lower
    return [m for n in names if (m := host.iface(n)) is not None and m.is_physical]


def _switched(members: list[Iface], nodes: set[str]) -> bool:
    """A member announced by a switch (an LLDP neighbour that is no node) makes it no mesh."""
    return any(nb for m in members for nb in m.lldp if _short(nb.chassis_name) not in nodes)


def _shared_links(
    form: str, host: HostNet, iface: Iface, hosts: dict[str, HostNet], nodes: set[str]
) -> list[MeshLink]:
    """Broadcast bond or RSTP bridge: one link per peer node on the mesh subnet, with its NIC if known."""
    members = _members(host, iface)
    if len(members) < 2 or _switched(members, nodes):
        return []
    peers = _subnet_peers(host, iface, hosts)
    if not peers:
        return []
    by_peer = {p: m for m in members if (p := _lldp_peer(m, nodes)) is not None}
    address = next((c for c in iface.all_addresses), None)
    links = []
    for peer, (peer_iface, peer_address) in sorted(peers.items()):
        nic = by_peer.get(peer)
        links.append(
            MeshLink(
                form,
                host.name,
                iface.name,
                nic.name if nic else None,
                peer,
                peer_iface,
                _lldp_peer_iface(nic, hosts.get(peer)) if nic else None,
                address.split("/")[0] if address else None,
                peer_address,
                _network(address),
            )
        )
    return links


def _network(cidr: str | None) -> str | None:
    parsed = parse_iface(cidr) if cidr else None
    return str(parsed.network) if parsed is not None else None


def _stp_on(iface: Iface) -> bool:
    cfg = iface.config
    if iface.ovs_bridge is not None and iface.ovs_bridge.rstp_enable:
        return True
    if iface.link is not None and iface.link.bridge is not None and iface.link.bridge.stp_state:
        return True
    if cfg is None:
        return False
    if iface.kind is InterfaceKind.OVS_BRIDGE:
        # the wiki's RSTP mesh: `up ovs-vsctl set Bridge ${IFACE} rstp_enable=true` (or ovs_extra)
        return any(_OVS_STP.search(o.value) for o in cfg.options)
    return any(o.name in ("bridge-stp",) and o.value.lower() in ("on", "yes", "1") for o in cfg.options)


def _leads_to(host: HostNet, iface: Iface, ip: IP) -> bool:
    """Does this interface of `host` reach `ip` by a hook's /32 (or /128) route or as its peer?"""
    if any(parse_ip(p) == ip for p in iface.peers):
        return True
    for route in host.routes:
        if route.origin != "hook" or route.dev != iface.name:
            continue
        net = parse_network(route.destination)
        if net is not None and net.prefixlen == net.max_prefixlen and net.network_address == ip:
            return True
    return False


def _routed_links(host: HostNet, hosts: dict[str, HostNet], nodes: set[str]) -> list[MeshLink]:
    """Dedicated NICs with a point-to-point address (or /32 routes) towards one other node each."""
    links = []
    for iface in host.ifaces:
        if not iface.is_physical or iface.upper or iface.upper_runtime:
            continue
        for cidr in iface.all_addresses:
            parsed = parse_iface(cidr)
            if parsed is None or parsed.ip.is_link_local:
                continue
            targets: list[str] = list(iface.peers)
            if parsed.network.prefixlen in _POINT_TO_POINT[parsed.version][:2]:
                targets += [str(ip) for ip in parsed.network if ip != parsed.ip]
            for route in host.routes:
                net = parse_network(route.destination)
                if (
                    route.origin == "hook"
                    and route.dev == iface.name
                    and net is not None
                    and net.prefixlen == net.max_prefixlen
                ):
                    targets.append(str(net.network_address))
            for target in dict.fromkeys(targets):
                ip = parse_ip(target)
                for name, other in sorted(hosts.items()):
                    if name == host.name or ip is None:
                        continue
                    held = [
                        i
                        for i in other.ifaces
                        if any((p := parse_iface(c)) is not None and p.ip == ip for c in i.all_addresses)
                    ]
                    # the same address on several NICs (the wiki's routed mesh): the cable ends on
                    # the one whose own /32 route, or point-to-point peer, leads back here
                    held = [i for i in held if _leads_to(other, i, parsed.ip)] or held
                    if held:
                        links.append(
                            MeshLink(
                                "routed",
                                host.name,
                                iface.name,
                                iface.name,
                                name,
                                held[0].name,
                                held[0].name if held[0].is_physical else None,
                                str(parsed.ip),
                                target,
                                str(parsed.network),
                            )
                        )
    seen: set[tuple[str, str | None]] = set()
    unique = []
    for link in links:
        if (link.iface, link.peer) not in seen:
            seen.add((link.iface, link.peer))
            unique.append(link)
    return unique


def find_mesh_links(cluster: Cluster, hosts: dict[str, HostNet]) -> tuple[MeshLink, ...]:
    """Every mesh link of every node, sorted (node, interface, peer)."""
    nodes = {n.name for n in cluster.nodes}
    links: list[MeshLink] = []
    for name in sorted(hosts):
        host = hosts[name]
        for iface in host.ifaces:
            mode = (iface.bond.mode if iface.bond else None) or (
                iface.config.bond_mode if iface.config else None
            )
            if iface.kind is InterfaceKind.BOND and mode == "broadcast":
                links += _shared_links("broadcast-bond", host, iface, hosts, nodes)
            elif iface.is_bridge and _stp_on(iface):
                links += _shared_links("rstp", host, iface, hosts, nodes)
        links += _routed_links(host, hosts, nodes)
    return tuple(
        sorted(
            links,
            key=lambda lk: (
                natural_key(lk.node),
                natural_key(lk.iface),
                natural_key(lk.peer or ""),
                natural_key(lk.nic or ""),
            ),
        )
    )
