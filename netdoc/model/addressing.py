"""Addresses on a node: who holds an IP, which interface reaches it, what a name resolves to.

Pure lookups over an assembled HostNet (model/net.py), shared by the assembly of corosync links,
storage paths and mesh links. Longest prefix wins, as in the kernel; a gateway that is on no
subnet of its interface is not a route (the kernel refuses it).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from netdoc.model.hosts import HostsFile
from netdoc.model.interfaces import InterfaceKind
from netdoc.model.net import HostNet, Iface
from netdoc.model.netcluster import Egress

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_ip(text: str | None) -> IP | None:
    if not text:
        return None
    try:
        return ipaddress.ip_address(text.strip().strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def parse_iface(cidr: str) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface | None:
    try:
        return ipaddress.ip_interface(cidr)
    except ValueError:
        return None


def parse_network(cidr: str | None) -> Network | None:
    if not cidr:
        return None
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None


def _usable(iface: Iface) -> bool:
    """Addresses on a loopback only serve the node itself (and routed-mesh /32s, matched as held)."""
    return iface.kind is not InterfaceKind.LOOPBACK


def holders(host: HostNet, ip: IP) -> tuple[str, ...]:
    """The interfaces of a node holding this address (configured or at run time)."""
    found = []
    for iface in host.ifaces:
        for cidr in iface.all_addresses:
            parsed = parse_iface(cidr)
            if parsed is not None and parsed.ip == ip:
                found.append(iface.name)
                break
    return tuple(found)


def connected(host: HostNet, ip: IP) -> tuple[Iface, Network] | None:
    """The interface whose subnet holds the address (the longest prefix), or whose peer it is."""
    best: tuple[int, Iface, Network] | None = None
    for iface in host.ifaces:
        if not _usable(iface):
            continue
        for peer in iface.peers:
            if parse_ip(peer) == ip:
                net = ipaddress.ip_network(f"{ip}/{ip.max_prefixlen}")
                return iface, net
        for cidr in iface.all_addresses:
            parsed = parse_iface(cidr)
            if parsed is None or parsed.version != ip.version or parsed.ip.is_link_local:
                continue
            net = parsed.network
            if ip in net and (best is None or net.prefixlen > best[0]):
                best = (net.prefixlen, iface, net)
    return (best[1], best[2]) if best else None


def egress(host: HostNet, ip: IP) -> Egress | None:
    """Which local interface traffic to `ip` leaves by: held, connected, a hook route, the default."""
    held = holders(host, ip)
    if held:
        return Egress(held[0], "local", None, f"{ip}/{ip.max_prefixlen}")
    direct = connected(host, ip)
    routed: tuple[int, Egress] | None = None
    for route in host.routes:
        if not route.usable or not route.main_unicast or route.destination == "default":
            continue
        net = parse_network(route.destination)
        if net is None or net.version != ip.version or ip not in net:
            continue
        dev = route.dev
        if dev is None and route.gateway:
            via = connected(host, parse_ip(route.gateway) or ip)
            dev = via[0].name if via else None
        if dev is not None and (routed is None or net.prefixlen > routed[0]):
            routed = (net.prefixlen, Egress(dev, "route", route.gateway, str(net)))
    if direct is not None and (routed is None or direct[1].prefixlen >= routed[0]):
        return Egress(direct[0].name, "connected", None, str(direct[1]))
    if routed is not None:
        return routed[1]
    family = "inet6" if ip.version == 6 else "inet"
    for route in host.routes:
        if (
            route.destination == "default"
            and route.usable
            and route.main_unicast
            and route.family == family
            and route.dev
        ):
            return Egress(route.dev, "default", route.gateway, "default")
    return None


def resolve(name: str, hosts_files: Iterable[tuple[str, HostsFile | None]]) -> tuple[str | None, str | None]:
    """(IP, how) for an address or host name: itself when literal, else the first node's hosts naming it.

    `how` is "literal" or "hosts:<node>"; (None, None) when no hosts file knows the name.
    """
    if parse_ip(name) is not None:
        return str(parse_ip(name)), "literal"
    for node, hosts in hosts_files:
        if hosts is None:
            continue
        found = hosts.addresses_of(name) or hosts.addresses_of(name.split(".", 1)[0])
        for address in found:
            ip = parse_ip(address)
            if ip is not None and not ip.is_loopback:
                return str(ip), f"hosts:{node}"
    return None, None
