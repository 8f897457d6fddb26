"""The MTU an interface really has, and what carries it: helpers for the MTU checks, no checks.

`effective_mtu` takes the configured value first, the runtime one where nothing is configured, and
otherwise what Linux and Open vSwitch do by themselves: a Linux bond slave has its bond's MTU (the
kernel sets every slave to it, whatever the slave's own line says or the capture shows), a VLAN
device starts with its raw device's, a Linux bridge without MTU takes the smallest of its ports', an
OVS bridge or internal port the smallest of the bridge's other ports', an OVS bond its members'
smallest; a VXLAN device with a `vxlan-physdev` its underlay's less the encapsulation (50 bytes
over IPv4, 70 over IPv6: what the kernel sets); an Ethernet device nothing tells about has 1500.
Each value says how it is known.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.audit.checks.bridgeports import ports
from netdoc.audit.context import ev, option_ref
from netdoc.model.interfaces import InterfaceKind
from netdoc.model.net import Evidence, HostNet, Iface

DEFAULT_MTU = 1500
UNDERLAY = "underlay device"  # a VXLAN's vxlan-physdev: it carries the frames encapsulated
_TUNNEL_OPTIONS = ("vxlan-local-tunnelip", "vxlan-remoteip", "vxlan-svcnodeip", "vxlan-mcastgrp")
KNOWN = frozenset({"configured", "at run time"})  # stated by a source, not derived


@dataclass(frozen=True)
class Mtu:
    value: int
    how: str  # "configured" | "at run time" | "the default" | "as <what it follows>"
    evidence: tuple[Evidence, ...] = ()

    @property
    def known(self) -> bool:
        return self.how in KNOWN

    def __str__(self) -> str:
        return f"{self.value} ({self.how})"


def vxlan_overhead(iface: Iface) -> int:
    """Bytes VXLAN adds to a frame: outer Ethernet, IP, UDP and VXLAN headers (IPv6 underlay: 70)."""
    options = iface.config.options if iface.config else ()
    ipv6 = any(o.name in _TUNNEL_OPTIONS and ":" in o.value for o in options)
    return 70 if ipv6 else 50


def _bond_of(host: HostNet, iface: Iface, kind: InterfaceKind) -> Iface | None:
    for name in (*iface.uppers, iface.upper_runtime):
        upper = host.iface(name)
        if upper is not None and upper.kind is kind:
            return upper
    return None


def _ovs_bridge_of(host: HostNet, iface: Iface) -> Iface | None:
    for name in (*iface.uppers, iface.upper_runtime):
        upper = host.iface(name)
        if upper is not None and upper.kind is InterfaceKind.OVS_BRIDGE:
            return upper
    return None


def _smallest(host: HostNet, found: list[Iface], label: str, seen: frozenset[str]) -> Mtu | None:
    """The smallest MTU among `found`, said as "as <label> <name> (<how that one is known>)"."""
    mtus = [(i.name, m) for i in found if (m := effective_mtu(host, i, seen)) is not None]
    if not mtus:
        return None
    name, low = min(mtus, key=lambda nm: nm[1].value)
    return Mtu(low.value, f"as {label} {name}, {low.how}", low.evidence)


def _ovs_uplinks(host: HostNet, bridge: Iface) -> list[Iface]:
    return [
        p for p in ports(host, bridge) if p.kind is not InterfaceKind.OVS_INTPORT and p.name != bridge.name
    ]


def effective_mtu(host: HostNet, iface: Iface, _seen: frozenset[str] = frozenset()) -> Mtu | None:
    """The MTU the interface has (see the module's docstring); None where it cannot be told."""
    if iface.name in _seen:
        return None
    seen = _seen | {iface.name}
    if iface.mtu is not None:
        ref = option_ref(iface, "mtu", "ovs-mtu") or (iface.config.source if iface.config else None)
        return Mtu(iface.mtu, "configured", ev(iface.node, ref, f"mtu of {iface.name}"))
    bond = _bond_of(host, iface, InterfaceKind.BOND)
    if bond is not None:  # the kernel applies the bond's MTU to each slave (bond_enslave, bond_change_mtu)
        found = effective_mtu(host, bond, seen)
        return Mtu(found.value, f"as its bond {bond.name}", found.evidence) if found else None
    if iface.mtu_runtime is not None:
        source = iface.link.source if iface.link is not None else None
        if source is None and iface.ovs_interface is not None:
            source = iface.ovs_interface.source
        return Mtu(
            iface.mtu_runtime, "at run time", ev(iface.node, source, f"mtu of {iface.name} at run time")
        )
    return _derived(host, iface, seen)


def _derived(host: HostNet, iface: Iface, seen: frozenset[str]) -> Mtu | None:
    kind = iface.kind
    if kind is InterfaceKind.VLAN and iface.parent:
        parent = host.iface(iface.parent)
        found = effective_mtu(host, parent, seen) if parent is not None else None
        return (
            Mtu(found.value, f"as its raw device {parent.name}", found.evidence) if found and parent else None
        )
    if kind is InterfaceKind.VXLAN and iface.parent:
        under = host.iface(iface.parent)
        found = effective_mtu(host, under, seen) if under is not None else None
        if found is None or under is None:
            return None
        extra = vxlan_overhead(iface)
        return Mtu(
            found.value - extra, f"as its underlay {under.name} less {extra} for VXLAN", found.evidence
        )
    if kind is InterfaceKind.OVS_BOND:
        members = [m for n in iface.lower_runtime or iface.lower if (m := host.iface(n)) is not None]
        return _smallest(host, members, "its member", seen)
    if kind is InterfaceKind.BRIDGE:
        return _smallest(host, list(ports(host, iface)), "its port", seen) or Mtu(DEFAULT_MTU, "the default")
    if kind in (InterfaceKind.OVS_BRIDGE, InterfaceKind.OVS_INTPORT):
        bridge = iface if kind is InterfaceKind.OVS_BRIDGE else _ovs_bridge_of(host, iface)
        if bridge is None:
            return Mtu(DEFAULT_MTU, "the default")
        found = _smallest(host, _ovs_uplinks(host, bridge), f"the port of {bridge.name}", seen)
        return found or Mtu(DEFAULT_MTU, "the default")
    ovs_bond = _bond_of(host, iface, InterfaceKind.OVS_BOND)
    if ovs_bond is not None and ovs_bond.mtu is not None:  # ifupdown sets the bond's ovs_mtu on its members
        return Mtu(
            ovs_bond.mtu,
            f"as its OVS bond {ovs_bond.name}",
            ev(iface.node, option_ref(ovs_bond, "mtu", "ovs-mtu")),
        )
    if kind in (InterfaceKind.PHYSICAL, InterfaceKind.BOND, InterfaceKind.OVS_PORT):
        return Mtu(DEFAULT_MTU, "the default")
    return None


def carriers(host: HostNet, iface: Iface) -> tuple[tuple[Iface, str], ...]:
    """What an interface's frames go through, each with its relation (port, slave, raw device...)."""
    kind = iface.kind
    if kind is InterfaceKind.BRIDGE:
        return tuple((p, "port") for p in ports(host, iface))
    if kind is InterfaceKind.OVS_BRIDGE:
        return tuple((p, "port") for p in _ovs_uplinks(host, iface))
    if kind in (InterfaceKind.BOND, InterfaceKind.OVS_BOND):
        relation = "member" if kind is InterfaceKind.OVS_BOND else "slave"
        names = iface.lower or iface.lower_runtime or ()
        return tuple((s, relation) for n in names if (s := host.iface(n)) is not None)
    if kind is InterfaceKind.VLAN and iface.parent:
        parent = host.iface(iface.parent)
        return ((parent, "raw device"),) if parent is not None else ()
    if kind is InterfaceKind.VXLAN and iface.parent:
        under = host.iface(iface.parent)
        return ((under, UNDERLAY),) if under is not None else ()
    if kind is InterfaceKind.OVS_INTPORT:
        bridge = _ovs_bridge_of(host, iface)
        return ((bridge, "bridge"),) if bridge is not None else ()
    return ()
