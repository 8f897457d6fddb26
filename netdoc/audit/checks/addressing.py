"""Checks on addresses: duplicates, gateways, default routes, overlapping subnets, /etc/hosts, MACs."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import combinations

from netdoc.audit.context import AuditContext, address_ref, ev, iface_evidence, option_ref
from netdoc.audit.finding import Check, Hit, Severity
from netdoc.audit.netfacts import known_network, path_of, related, vrf_of
from netdoc.model.addressing import IP, holders, parse_iface, parse_ip
from netdoc.model.assemble_node import gateway_on_link
from netdoc.model.base import SourceRef
from netdoc.model.interfaces import InterfaceKind
from netdoc.model.net import Evidence, HostNet, Iface
from netdoc.model.netcluster import Attachment
from netdoc.topology.ids import nic_id, node_id, storage_id, subnet_id


def _gateway_outside(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        for iface in host.ifaces:
            cfg = iface.config
            if cfg is None:
                continue
            for gateway, family in ((cfg.gateway, "inet"), (cfg.gateway6, "inet6")):
                if gateway and not gateway_on_link(iface, gateway):
                    gw = parse_ip(gateway)
                    nets = ", ".join(
                        str(p.network)
                        for c in iface.addresses
                        if (p := parse_iface(c)) and (gw is None or p.version == gw.version)
                    )
                    yield Hit(
                        f"{host.name}/{iface.name}",
                        f"{host.name}: {iface.name} has gateway {gateway}, outside its subnet"
                        f" {nets or '(no address)'}: the kernel refuses this route, so it never works",
                        ev(host.name, option_ref(iface, "gateway", family=family), f"gateway {gateway}")
                        + iface_evidence(iface, "its addresses"),
                        host.name,
                        ctx.iface_ids(host.name, iface.name),
                    )


def _default_gateways(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        for family in ("inet", "inet6"):
            defaults = [
                r
                for r in host.routes
                if r.destination == "default" and r.family == family and r.main_unicast and r.gateway
            ]
            if len(defaults) < 2:
                continue
            shown = ", ".join(f"{r.gateway} on {r.dev}" for r in defaults)
            yield Hit(
                f"{host.name}/default-{family}",
                f"{host.name} declares {len(defaults)} default gateways ({shown}): only one {family}"
                " default route can be installed; which one wins depends on the order interfaces come up",
                tuple(e for r in defaults for e in ev(host.name, r.source, f"gateway {r.gateway}")),
                host.name,
                ctx.iface_ids(host.name, *[r.dev for r in defaults if r.dev]),
            )


GATEWAY_OUTSIDE_SUBNET = Check(
    "gateway-outside-subnet",
    Severity.MEDIUM,
    "addressing",
    "A gateway is outside its interface's subnet",
    "A gateway must be reachable on the link; one outside every subnet of its interface is refused by "
    "the kernel (ifupdown2 reports 'Nexthop has invalid gateway'), so the route silently does not exist. "
    "An IPv6 link-local gateway (fe80::/10) is on every link and never fires.",
    "Correct the gateway (or the address's prefix length), or remove the gateway line.",
    _gateway_outside,
)
MULTIPLE_DEFAULT_GATEWAYS = Check(
    "multiple-default-gateways",
    Severity.MEDIUM,
    "addressing",
    "A node has more than one default gateway",
    "Proxmox allows one gateway per address family; with several, the route that exists depends on "
    "interface order, and traffic may leave by an unexpected path after a reboot.",
    "Keep one `gateway` line per family; reach other networks with explicit routes.",
    _default_gateways,
)


# ------------------------------------------------------------------------------------ duplicate IPs


def _worth(ip: IP) -> bool:
    """Addresses that identify one holder: not loopback, link-local, multicast or unspecified."""
    return not (ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified)


@dataclass(frozen=True)
class _Holder:
    """Something answering ARP/ND for an address: a node interface, a guest NIC, an SDN gateway."""

    label: str
    scope: tuple[str, ...]  # the L2/L3 domain it answers in ("shared", vrf) or ("local", node, bridge, vrf)
    node: str | None = None
    iface: str | None = None  # for a node interface: its name (to tell an interface from its own VLAN)
    evidence: tuple[Evidence, ...] = ()
    ids: tuple[str, ...] = ()


def _domain(host: HostNet, iface: Iface, vrf: str | None) -> tuple[str, ...]:
    """Where an address on this interface can clash: the cluster's networks, or one host-only bridge.

    A bridge with no physical NIC and no VXLAN under it (a routed or NAT bridge, `bridge-ports none`)
    is private to its node: the same gateway on every node's NAT bridge is the usual routed setup.
    """
    path = path_of(host, iface)
    bridges = [n for n in (iface.name, *path.via) if (b := host.iface(n)) is not None and b.is_bridge]
    if bridges and not path.nics and not path.tunnels(host):
        return ("local", host.name, bridges[0], vrf or "")
    return ("shared", vrf or "")


def _iface_holders(ctx: AuditContext) -> dict[IP, list[_Holder]]:
    found: dict[IP, list[_Holder]] = {}
    gateways = {(v.id, gw) for v in ctx.cluster.vnets for _, gw in v.subnets if gw}
    for host in ctx.hosts:
        for iface in host.ifaces:
            if iface.kind is InterfaceKind.LOOPBACK:
                continue
            for cidr in iface.all_addresses:
                parsed = parse_iface(cidr)
                if parsed is None or not _worth(parsed.ip):
                    continue
                if (iface.name, str(parsed.ip)) in gateways:
                    # An SDN anycast gateway: the same address on the VNet's bridge of every node, by design.
                    scope = _domain(host, iface, vrf_of(host, iface))
                    holder = _Holder(f"the SDN gateway of VNet {iface.name} (every node)", scope)
                    if holder not in found.get(parsed.ip, []):
                        found.setdefault(parsed.ip, []).append(holder)
                    continue
                configured = cidr in iface.addresses
                running = cidr in (iface.addresses_runtime or ())
                note = (
                    ""
                    if configured == running or iface.addresses_runtime is None
                    else (
                        " (configured, not at run time)" if configured else " (at run time, not configured)"
                    )
                )
                holder = _Holder(
                    f"{host.name} {iface.name}{note}",
                    _domain(host, iface, vrf_of(host, iface)),
                    host.name,
                    iface.name,
                    ev(host.name, address_ref(iface, cidr), cidr),
                    ctx.iface_ids(host.name, iface.name),
                )
                found.setdefault(parsed.ip, []).append(holder)
    return found


def _guest_holder(ctx: AuditContext, att: Attachment) -> _Holder:
    host = ctx.cluster.host(att.node)
    bridge = host.iface(att.port_bridge) if host is not None else None
    scope = (
        _domain(host, bridge, vrf_of(host, bridge))
        if host is not None and bridge is not None
        else ("shared", "")
    )
    return _Holder(
        f"{att.label} ({att.node})",
        scope,
        att.node,
        None,
        ev(att.node, att.nic.ipconfig_source or att.nic.source, f"{att.nic.key} address"),
        (nic_id(ctx.name, att.vmid, att.nic.key),),
    )


def _collapse(holders_: list[_Holder]) -> list[_Holder]:
    """One holder per node: a node's interfaces holding one address are one machine answering for it.

    That covers an interface and its own alias, VLAN or bridge, and Proxmox's routed full mesh,
    which puts the node's one mesh address on each of its mesh NICs.
    """
    kept: list[_Holder] = []
    for h in holders_:
        twin = next((k for k in kept if h.iface and k.iface and k.node == h.node), None)
        if twin is None:
            kept.append(h)
            continue
        label = f"{twin.label} and {h.label.split(' ', 1)[1]}"
        kept[kept.index(twin)] = replace(
            twin, label=label, evidence=twin.evidence + h.evidence, ids=twin.ids + h.ids
        )
    return kept


def _duplicate_ip(ctx: AuditContext) -> Iterator[Hit]:
    found = _iface_holders(ctx)
    for att in ctx.cluster.attachments:
        for text in (att.nic.ip, att.nic.ip6):
            parsed = parse_iface(text) if text and "/" in text else None
            if parsed is not None and _worth(parsed.ip):
                found.setdefault(parsed.ip, []).append(_guest_holder(ctx, att))
    servers: dict[IP, list[str]] = {}
    for path in ctx.cluster.storage_paths:
        ip = parse_ip(path.ip)
        if ip is not None and path.storage not in servers.get(ip, []):
            servers.setdefault(ip, []).append(path.storage)
    for ip in sorted(found, key=lambda i: (i.version, i)):
        by_scope: dict[tuple[str, ...], list[_Holder]] = {}
        for h in found[ip]:
            by_scope.setdefault(h.scope, []).append(h)
        for scope, group in sorted(by_scope.items()):
            kept = _collapse(group)
            if len(kept) < 2:
                continue
            where = "" if scope[0] == "shared" else f" on {scope[1]}'s host-only bridge {scope[2]}"
            storages = servers.get(ip, [])
            used = (
                f"; storage {', '.join(storages)} uses it as its server, so the node mounts whichever answers"
                if storages
                else ""
            )
            yield Hit(
                f"ip/{ip}" if scope[0] == "shared" else f"ip/{ip}@{scope[1]}/{scope[2]}",
                f"{ip} is held by {len(kept)} holders{where}: {', '.join(h.label for h in kept)}: ARP (or "
                "neighbour discovery) answers from either, so traffic to it reaches one of them at random"
                f"{used}",
                tuple(e for h in kept for e in h.evidence),
                None,
                tuple(dict.fromkeys(i for h in kept for i in h.ids))
                + tuple(storage_id(ctx.name, s) for s in storages),
            )


# ------------------------------------------------------------------------------------ overlapping subnets

_BRIDGE_LIKE = frozenset({InterfaceKind.BRIDGE, InterfaceKind.OVS_BRIDGE, InterfaceKind.OVS_INTPORT})


def _bridge_like(host: HostNet, iface: Iface) -> bool:
    """A bridge, an OVS internal port, or a VLAN of a bridge: an L3 interface of a bridged network."""
    if iface.kind in _BRIDGE_LIKE:
        return True
    parent = host.iface(iface.parent)
    return iface.kind is InterfaceKind.VLAN and parent is not None and parent.is_bridge


def _networks(iface: Iface) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    out = []
    for cidr in iface.all_addresses:
        parsed = parse_iface(cidr)
        if parsed is None or not _worth(parsed.ip):
            continue
        if parsed.network.prefixlen == parsed.max_prefixlen:
            continue  # a host address (/32, /128: routed mesh, loopback-style): no subnet to overlap
        if parsed.network not in out:
            out.append(parsed.network)
    return out


def _net_ref(iface: Iface, net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> SourceRef | None:
    """The line of the address that puts the interface on this network."""
    cidr = next((c for c in iface.addresses if (p := parse_iface(c)) is not None and p.network == net), "")
    return address_ref(iface, cidr)  # no such address: address_ref falls back to the stanza's line


def _overlapping(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        nets = {i.name: _networks(i) for i in host.ifaces if i.kind is not InterfaceKind.LOOPBACK}
        for a, b in combinations(sorted(n for n, v in nets.items() if v), 2):
            ia, ib = host.iface(a), host.iface(b)
            assert ia is not None and ib is not None
            if related(host, ia, ib) or vrf_of(host, ia) != vrf_of(host, ib):
                continue  # a VLAN and its parent, an alias and its base, or separate routing tables
            clashes = []
            for na in nets[a]:
                for nb in nets[b]:
                    if na.version != nb.version or not na.overlaps(nb):
                        continue
                    if na == nb and not (_bridge_like(host, ia) and _bridge_like(host, ib)):
                        continue  # one subnet on two NICs: multipath (iSCSI) setups do this on purpose
                    clashes.append((na, nb))
            if not clashes:
                continue
            shown = ", ".join(
                f"{na} on both" if na == nb else f"{na} on {a} and {nb} on {b}" for na, nb in clashes
            )
            yield Hit(
                f"{host.name}/{a}+{b}",
                f"{host.name}: {a} and {b} have overlapping subnets ({shown}): the kernel sends traffic for "
                "the overlap out of the interface with the longest prefix (or the first route), so part of "
                "one network is unreachable or answers come back on the wrong interface",
                ev(host.name, _net_ref(ia, clashes[0][0]), a) + ev(host.name, _net_ref(ib, clashes[0][1]), b),
                host.name,
                ctx.iface_ids(host.name, a, b)
                + tuple(dict.fromkeys(subnet_id(ctx.name, str(n)) for c in clashes for n in c)),
            )


# ------------------------------------------------------------------------------------ /etc/hosts


def _hosts_mismatch(ctx: AuditContext) -> Iterator[Hit]:
    hosts = {h.name: h for h in ctx.hosts}
    for host in ctx.hosts:
        hosts_file = host.sources.hosts
        if hosts_file is None:
            continue
        for name in sorted(hosts):
            target = hosts[name]
            if not known_network(target):
                continue  # nothing says which addresses that node holds
            firsts: dict[int, tuple[IP, Evidence | None]] = {}
            for entry in hosts_file.entries:
                ip = parse_ip(entry.address)
                if ip is None or ip.version in firsts:
                    continue
                if any(n == name or n.split(".", 1)[0] == name for n in entry.names):
                    refs = ev(host.name, entry.source, f"{entry.address} {' '.join(entry.names)}")
                    firsts[ip.version] = (ip, refs[0] if refs else None)
            for ip, evidence in firsts.values():
                if holders(target, ip):
                    continue
                own = name == host.name
                why = (
                    "a loopback address: Proxmox needs the node name to resolve to an address of an "
                    "interface (pve-cluster will not start, and the node announces an unreachable address)"
                    if ip.is_loopback
                    else "Proxmox resolves node names this way (pve-cluster needs its own name on a local "
                    "address; migrations and the GUI's node links use the others)"
                )
                whose = "its own name" if own else f"{name}"
                yield Hit(
                    f"{host.name}/hosts/{name}",
                    f"{host.name}: /etc/hosts maps {whose} to {ip}, which no interface of {name} holds; "
                    f"{why}",
                    (evidence,) if evidence is not None else (),
                    host.name,
                    (node_id(ctx.name, host.name),) + ((node_id(ctx.name, name),) if not own else ()),
                )


# ------------------------------------------------------------------------------------ MACs


def _duplicate_mac(ctx: AuditContext) -> Iterator[Hit]:
    by_mac: dict[str, list[Attachment]] = {}
    for att in ctx.cluster.attachments:
        if att.nic.mac:
            by_mac.setdefault(att.nic.mac.strip().upper(), []).append(att)
    for mac, atts in sorted(by_mac.items()):
        if len(atts) < 2:
            continue
        yield Hit(
            f"mac/{mac}",
            f"{len(atts)} guest NICs have the MAC {mac}: {', '.join(f'{a.label} ({a.node})' for a in atts)};"
            " on one network the switches and bridges send each one's frames to the other, and a migration "
            "brings them together even when they are apart today",
            tuple(e for a in atts for e in ev(a.node, a.nic.source, a.nic.key)),
            None,
            tuple(nic_id(ctx.name, a.vmid, a.nic.key) for a in atts),
        )


DUPLICATE_IP = Check(
    "duplicate-ip",
    Severity.HIGH,
    "addressing",
    "The same IP address is held twice",
    "Two holders of one address (node interfaces, configured or at run time; guests with a static address) "
    "answer ARP for it in turn, so connections break at random. Not counted: an address on an interface and "
    "its own alias, VLAN or bridge; interfaces in different VRFs; an SDN VNet's gateway on every node's VNet "
    "bridge (the anycast gateway of simple and EVPN zones); the same address on host-only bridges of "
    "different nodes (NAT bridges without a physical port). A storage server with that address is named.",
    "Give each holder its own address (and fix the IPAM or the guest's static configuration).",
    _duplicate_ip,
)
OVERLAPPING_SUBNETS = Check(
    "overlapping-subnets",
    Severity.MEDIUM,
    "addressing",
    "Two interfaces of a node have overlapping subnets",
    "Overlapping but different subnets on two interfaces (or one subnet on two bridges) give the kernel two "
    "routes for the same addresses: the longest prefix wins, so part of a network is reached through the "
    "wrong interface. Not counted: a VLAN and its parent, an alias and its base, interfaces in different "
    "VRFs, host addresses (/32, /128), and one subnet on two NICs (multipath storage does that on purpose).",
    "Give each network its own subnet, or move the interfaces into separate VRFs.",
    _overlapping,
)
HOSTS_MISMATCH = Check(
    "hosts-mismatch",
    Severity.MEDIUM,
    "addressing",
    "/etc/hosts maps a node name to an address that node does not hold",
    "Proxmox requires the node's own name to resolve (through /etc/hosts) to an address of one of its "
    "interfaces: pve-cluster uses it as the node's address and refuses a loopback one. Other nodes' names "
    "in it are what this node uses to reach them. Checked only when the named node's interfaces are known "
    "(configuration or runtime); the first address of each family is what the resolver answers.",
    "Correct the line in /etc/hosts (the address of the node's management interface), on every node.",
    _hosts_mismatch,
)
DUPLICATE_MAC = Check(
    "duplicate-mac",
    Severity.HIGH,
    "addressing",
    "Two guest NICs have the same MAC address",
    "A MAC address must be unique on a network: with two, bridges and switches learn it on one port at a "
    "time and each guest loses traffic to the other. Copied configs and restored backups are the usual "
    "cause; compared without case across the cluster, as guests move between nodes.",
    "Give one of the NICs a new MAC (remove the MAC from netN and Proxmox generates one).",
    _duplicate_mac,
)

CHECKS = (
    GATEWAY_OUTSIDE_SUBNET,
    MULTIPLE_DEFAULT_GATEWAYS,
    DUPLICATE_IP,
    OVERLAPPING_SUBNETS,
    HOSTS_MISMATCH,
    DUPLICATE_MAC,
)
