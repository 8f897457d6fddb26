"""Lookups the consistency, corosync, addressing and hygiene checks share: which NICs carry what.

`path_of` is model.net.lower_path with the bonds and tunnels on the way (an OVS internal port
leaves the node through the uplinks of its OVS bridge that carry its VLAN). The rest (bond modes
as one label, bridge VLAN lists, VRF membership, comments) is read here once so that the checks
agree with each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from netdoc.model.interfaces import InterfaceKind
from netdoc.model.net import HostNet, Iface, lower_path
from netdoc.model.netcluster import Attachment, ClusterNet, VnetView

# What Proxmox's activate_bridge_vlan accepts as the port of a VLAN-unaware bridge that it builds
# vmbrXvY on (the physical NIC or bond, optionally a VLAN of it).
_VLAN_BRIDGE_PORT = re.compile(r"^(?:(?:eth|bond)\d+|en[^.]+|nic\d+)(?:\.\d+)?$")
_DEFAULT_VIDS = "2-4094"  # Proxmox's bridge-vids when a VLAN-aware bridge names none


def is_nic(iface: Iface) -> bool:
    """A physical NIC (model.net.Iface.is_physical: kind physical, or a NIC configured as OVSPort)."""
    return iface.is_physical


@dataclass(frozen=True)
class Path:
    """What lies under an interface: the physical NICs, and every interface passed on the way."""

    nics: tuple[str, ...]
    via: tuple[str, ...]  # the interface itself and those walked through (bonds, bridges, VLANs), sorted

    def bonds(self, host: HostNet) -> tuple[str, ...]:
        return tuple(n for n in self.via if (i := host.iface(n)) is not None and i.is_bond)

    def tunnels(self, host: HostNet) -> tuple[str, ...]:
        return tuple(
            n for n in self.via if (i := host.iface(n)) is not None and i.kind is InterfaceKind.VXLAN
        )


def path_of(host: HostNet, iface: Iface, *, runtime: bool = True) -> Path:
    """The physical NICs that carry an interface's traffic (model.net.lower_path), with what it passes."""
    found = lower_path(host, iface, runtime=runtime)
    return Path(found.nics, found.via)


def bond_mode(iface: Iface) -> str | None:
    """The configured mode of a bond as one label ("802.3ad", "balance-tcp lacp=active"), else runtime.

    A Linux bond without bond-mode runs balance-rr (the kernel default); an OVS bond without
    bond_mode runs active-backup (Open vSwitch's default).
    """
    cfg = iface.config
    if iface.kind is InterfaceKind.OVS_BOND:
        mode = cfg.bond_mode if cfg is not None else None
        lacp = cfg.ovs_lacp if cfg is not None else None
        if cfg is not None and cfg.ovs_options:
            opts = dict(o.split("=", 1) for o in cfg.ovs_options.split() if "=" in o)
            mode = mode or opts.get("bond_mode")
            lacp = lacp or opts.get("lacp")
        if cfg is None and iface.ovs_port is not None:
            mode, lacp = iface.ovs_port.bond_mode, iface.ovs_port.lacp
        if cfg is None and mode is None:
            return None
        label = mode or "active-backup"
        return f"{label} lacp={lacp}" if lacp and lacp != "off" else label
    if iface.kind is InterfaceKind.BOND:
        if cfg is not None:
            return cfg.bond_mode or "balance-rr"
        if iface.bond is not None and iface.bond.mode:
            return iface.bond.mode
        if iface.link is not None and iface.link.bond is not None:
            return iface.link.bond.mode
    return None


def aggregates(mode: str | None) -> bool:
    """Does the mode need the switch side to bundle the ports (LACP, static EtherChannel)?"""
    if mode is None:
        return False
    return mode in ("802.3ad", "balance-rr", "balance-xor", "balance-tcp") or "lacp=" in mode


def vids(iface: Iface) -> list[tuple[int, int]]:
    """The VLAN ranges a VLAN-aware Linux bridge carries (bridge-vids; Proxmox's 2-4094 by default)."""
    words = iface.config.bridge_vids if iface.config is not None else ()
    out = []
    for word in " ".join(words or (_DEFAULT_VIDS,)).replace(",", " ").split():
        first, _, last = word.partition("-")
        if first.isdigit() and (not last or last.isdigit()):
            out.append((int(first), int(last or first)))
    return out


def vlan_aware(iface: Iface) -> bool | None:
    """Configured VLAN awareness of a Linux bridge, else the kernel's vlan_filtering, else unknown."""
    if iface.config is not None:
        return iface.config.bridge_vlan_aware
    if iface.link is not None and iface.link.bridge is not None:
        return iface.link.bridge.vlan_filtering
    return None


def carries_vlan(host: HostNet, bridge: Iface, vlan: int) -> str | None:
    """Why this bridge cannot carry a guest's VLAN tag (None: it can).

    An OVS bridge tags the guest port itself. A VLAN-aware Linux bridge needs the VLAN in its
    bridge-vids. A VLAN-unaware one carries it through the vmbrXvY bridge Proxmox builds on
    the VLAN of its physical port (NIC or bond), so it needs such a port.
    """
    if bridge.kind is InterfaceKind.OVS_BRIDGE:
        return None
    aware = vlan_aware(bridge)
    if aware:
        if any(first <= vlan <= last for first, last in vids(bridge)):
            return None
        listed = " ".join(bridge.config.bridge_vids) if bridge.config and bridge.config.bridge_vids else ""
        return f"its bridge-vids ({listed or _DEFAULT_VIDS}) exclude VLAN {vlan}"
    if aware is None:
        return None  # nothing says: no finding on a guess
    ports = [p for p in bridge.lower if _VLAN_BRIDGE_PORT.match(p)]
    if ports:
        return None
    return f"it is not VLAN-aware and has no physical port to build {bridge.name}v{vlan} on"


def vrf_of(host: HostNet, iface: Iface) -> str | None:
    """The VRF an interface is enslaved to (its `vrf` option, or a VRF upper), None: the default VRF."""
    if iface.config is not None and iface.config.vrf:
        return iface.config.vrf
    for up in (*iface.uppers, iface.upper_runtime):
        upper = host.iface(up)
        if upper is not None and upper.kind is InterfaceKind.VRF:
            return upper.name
    return None


def lineage(host: HostNet, iface: Iface) -> set[str]:
    """The interface and what it is built on or enslaved to: parents (VLAN raw device, alias base),
    bridges and bonds above it. Two interfaces of one lineage are one stack, not two holders."""
    out: set[str] = set()
    todo = [iface.name]
    while todo:
        name = todo.pop()
        if name in out:
            continue
        out.add(name)
        node = host.iface(name)
        if node is None:
            continue
        todo += [n for n in (node.parent, *node.uppers, node.upper_runtime) if n]
    return out


def related(host: HostNet, a: Iface, b: Iface) -> bool:
    return b.name in lineage(host, a) or a.name in lineage(host, b)


def comment_text(*ifaces: Iface | None) -> str:
    """Every comment of these interfaces (the interfaces file's, or the API's), lower case."""
    texts = []
    for iface in ifaces:
        if iface is not None and iface.config is not None:
            texts += [c.text for c in iface.config.comments]
    return " ".join(texts).lower()


def known_network(host: HostNet) -> bool:
    """Does the snapshot say anything about this node's interfaces (configuration or runtime)?"""
    return host.sources.interfaces is not None or host.has_runtime or bool(host.sources.api_states)


def guest_bridges(cluster: ClusterNet) -> dict[str, list[Attachment]]:
    """Bridge or VNet name -> the guest NICs naming it, across the cluster (guests move)."""
    out: dict[str, list[Attachment]] = {}
    for att in cluster.attachments:
        if att.bridge is not None:
            out.setdefault(att.bridge, []).append(att)
    return out


def vnet_nodes(cluster: ClusterNet, vnet: VnetView) -> list[str]:
    """The nodes a VNet exists on: its zone's nodes, or every node."""
    names = [h.name for h in cluster.hosts]
    return [n for n in names if not vnet.nodes or n in vnet.nodes]


def guest_labels(atts: Iterable[Attachment], limit: int = 6) -> str:
    """The guest NICs as "VM 101 web1 net0 (pve1), ..., and 3 more"."""
    items = [f"{a.label} ({a.node})" for a in atts]
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
