"""A bridge's ports and what they let through: helpers for the bridge and MTU checks, no checks.

A bridge's ports are its configured members (bridge-ports, ovs_ports) or, for a bridge no file
configures, the runtime ones. Its uplinks are the ports that lead to a physical NIC (directly,
through a bond or a VLAN device); guest ports and the firewall plumbing of a guest NIC
(fwbr/fwpr/fwln) are consumers, never uplinks. VLAN lists are sets of ids (None: every VLAN).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from netdoc.audit.context import ev, option_ref, physical_lower
from netdoc.model.interfaces import InterfaceKind
from netdoc.model.iproute2 import BridgeVlanPort
from netdoc.model.net import Evidence, HostNet, Iface

Vids = frozenset[int] | None  # None: every VLAN
ALL_VIDS = frozenset(range(1, 4095))
# ifupdown2's bridge-vids of a VLAN-aware bridge when none are written (Proxmox writes the same)
DEFAULT_VIDS = frozenset(range(2, 4095))
# A guest NIC's host side and the firewall bridge between it and the bridge (Proxmox names them
# fwbr<vmid>i<n>, fwpr<vmid>p<n>, fwln<vmid>i<n>; the model only knows some of them as guest ports).
GUEST_PLUMBING = re.compile(r"^(?:tap|veth|fwbr|fwpr|fwln)\d+[iop]\d+$")
_ON = frozenset({"on", "yes", "1", "true"})


def ports(host: HostNet, bridge: Iface) -> tuple[Iface, ...]:
    """The bridge's non-guest ports: configured members, else the runtime ones."""
    names = bridge.lower if bridge.config is not None else (bridge.lower_runtime or ())
    found = (host.iface(n) for n in names if not GUEST_PLUMBING.match(n))
    return tuple(p for p in found if p is not None)


def uplinks(host: HostNet, bridge: Iface) -> tuple[Iface, ...]:
    """The ports that lead to a physical NIC: the bridge's ways off the node."""
    # an internal port is the node's own address on the bridge: it leads off the node only
    # through the bridge's other ports, so it is no uplink itself
    return tuple(p for p in ports(host, bridge) if p.kind is not InterfaceKind.OVS_INTPORT and nics(host, p))


def nics(host: HostNet, port: Iface) -> tuple[str, ...]:
    """The physical NICs a port stands on (itself, a bond's slaves, a VLAN's raw device...)."""
    return physical_lower(host, port)


def stp_on(bridge: Iface) -> tuple[bool, str]:
    """Does the Linux bridge run STP, and which source says so (runtime first: it is what runs now)."""
    if (
        bridge.link is not None
        and bridge.link.bridge is not None
        and bridge.link.bridge.stp_state is not None
    ):
        return bridge.link.bridge.stp_state != 0, "ip link stp_state"
    if bridge.config is not None:
        written = next((o.value for o in bridge.config.options if o.name == "bridge-stp"), None)
        if written is not None:
            return written.strip().lower() in _ON, f"bridge-stp {written}"
        return False, "no bridge-stp line (off by default)"
    return False, "no source"


def vlan_aware(bridge: Iface) -> bool:
    if bridge.config is not None:
        return bridge.config.bridge_vlan_aware
    return bool(bridge.link and bridge.link.bridge and bridge.link.bridge.vlan_filtering)


def parse_vids(words: Iterable[str]) -> frozenset[int]:
    """bridge-vids words ("10", "100-110", "2-4094") as a set; what is not an id or range is ignored."""
    out: set[int] = set()
    for word in words:
        for part in word.replace(",", " ").split():
            lo, dash, hi = part.partition("-")
            if lo.isdigit() and (not dash or hi.isdigit()):
                out.update(range(int(lo), int(hi if dash else lo) + 1))
    return frozenset(v for v in out if 1 <= v <= 4094)


def _runtime_vids(vlans: BridgeVlanPort) -> frozenset[int]:
    out: set[int] = set()
    for v in vlans.vlans:
        out.update(range(v.vid, (v.vid_end or v.vid) + 1))
    return frozenset(out)


def linux_port_vids(bridge: Iface, port: Iface) -> tuple[frozenset[int], str, tuple[Evidence, ...]]:
    """The VLANs a port of a VLAN-aware Linux bridge carries, how that is known, and the line."""
    if port.bridge_vlans is not None:
        return (
            _runtime_vids(port.bridge_vlans),
            "bridge vlan show",
            ev(port.node, port.bridge_vlans.source, f"VLANs of {port.name}"),
        )
    for owner in (port, bridge):  # ifupdown2: a port's own bridge-vids, else the bridge's
        if owner.config is not None and owner.config.bridge_vids:
            ref = option_ref(owner, "bridge-vids") or owner.config.source
            written = " ".join(owner.config.bridge_vids)
            return (
                parse_vids(owner.config.bridge_vids),
                f"bridge-vids {written}",
                ev(owner.node, ref, f"bridge-vids of {owner.name}"),
            )
    ref = bridge.config.source if bridge.config is not None else None
    return DEFAULT_VIDS, "no bridge-vids (2-4094 by default)", ev(bridge.node, ref, bridge.name)


def ovs_port_vids(port: Iface) -> tuple[Vids, str, tuple[Evidence, ...]]:
    """The VLANs an OVS port carries: its tag (access), its trunks, or every VLAN."""
    runtime = port.ovs_port
    cfg = port.config
    tag = runtime.tag if runtime is not None else (cfg.ovs_tag if cfg is not None else None)
    trunks = runtime.trunks if runtime is not None else (cfg.ovs_trunks if cfg is not None else ())
    source = runtime.source if runtime is not None and (tag is not None or trunks) else None
    evidence = ev(port.node, source or option_ref(port, "ovs-options"), f"OVS port {port.name}")
    if tag is not None:
        return frozenset({tag}), f"access port, tag {tag}", evidence
    if trunks:
        return frozenset(trunks), f"trunks {format_vids(frozenset(trunks))}", evidence
    return None, "every VLAN", ()


def format_vids(vids: Iterable[int]) -> str:
    """10 20 21 22 30 -> "10, 20-22, 30"."""
    ordered = sorted(set(vids))
    runs: list[tuple[int, int]] = []
    for v in ordered:
        if runs and v == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)


def is_linux_bridge(iface: Iface) -> bool:
    return iface.kind is InterfaceKind.BRIDGE
