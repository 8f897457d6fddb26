"""Interfaces as diagram nodes: runtime facts and problems, labels, styles, membership lines, node frames.

`NodeFacts` holds what one node's diagrams show of its interfaces (bond states, speeds, roles,
what is wrong at run time); `node_box` draws a node's frame with interfaces and the chains under
them down to the NICs; `proxmox_vlan_bridges` finds the bridges Proxmox makes at run time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from netdoc.audit.checks.bondstate import BondState, bond_states
from netdoc.audit.netfacts import vlan_aware
from netdoc.model.interfaces import InterfaceKind
from netdoc.model.net import HostNet, Iface, lower_path
from netdoc.model.netcluster import ClusterNet
from netdoc.render.diagrams.common import (
    FILL,
    GREY,
    LEGEND_BOND,
    LEGEND_BRIDGE,
    LEGEND_NIC,
    LEGEND_OVS,
    LEGEND_VLAN,
    ORANGE,
    RED,
    Row,
    edge_id,
    element_href,
    short,
    tooltip,
)
from netdoc.render.diagrams.dot import Dot
from netdoc.render.diagrams.problems import Problems
from netdoc.render.kinds import DIAGRAM_KIND_NAMES
from netdoc.topology import ids
from netdoc.topology.graph import Topology

_MEMBERSHIP = (ids.MEMBER_OF, ids.PORT_OF, ids.UPLINK_OF)
# Problems after which a member carries nothing (its line to the bond or bridge is red and dashed).
_DEAD = frozenset({"down", "absent", "slave down", "OVS refused it"})


def _hash_policy(iface: Iface) -> str | None:
    """A Linux bond's transmit hash policy: the kernel's, else the configured one."""
    if iface.bond is not None and iface.bond.transmit_hash_policy:
        return iface.bond.transmit_hash_policy
    if iface.config is not None:
        return next((o.value for o in iface.config.options if o.name == "bond-xmit-hash-policy"), None)
    return None


def fill_of(iface: Iface) -> str:
    if iface.is_physical:
        return FILL["nic"]
    if iface.is_bond:
        return FILL["bond"]
    if iface.kind is InterfaceKind.BRIDGE:
        return FILL["bridge"]
    if iface.kind is InterfaceKind.OVS_BRIDGE:
        return FILL["ovs_bridge"]
    if iface.kind in (InterfaceKind.VLAN, InterfaceKind.OVS_INTPORT, InterfaceKind.ALIAS):
        return FILL["vlan"]
    return FILL["other"]


def kind_name(iface: Iface) -> str:
    return "NIC" if iface.is_physical else DIAGRAM_KIND_NAMES.get(iface.kind, iface.kind.value)


def speed_text(mbps: int | None) -> str | None:
    if not mbps:
        return None
    return f"{mbps // 1000}G" if mbps >= 1000 and mbps % 1000 == 0 else f"{mbps}M"


def mtu_text(iface: Iface) -> str | None:
    if iface.mtu is not None and iface.mtu_runtime is not None and iface.mtu != iface.mtu_runtime:
        return f"MTU {iface.mtu} (runs {iface.mtu_runtime})"
    mtu = iface.mtu if iface.mtu is not None else iface.mtu_runtime
    return f"MTU {mtu}" if mtu is not None else None


@dataclass(frozen=True)
class IfaceState:
    """What is wrong with an interface at run time (empty: nothing known to be wrong)."""

    problems: tuple[tuple[str, str], ...] = ()  # red: (a few words for the label, the whole story)
    idle: str | None = None  # grey: down or absent, but nothing relies on it


def _is_global(cidr: str) -> bool:
    """Addresses worth a label line: not link-local (fe80::, 169.254.) nor loopback."""
    return not cidr.lower().startswith(("fe80:", "169.254.", "127.", "::1/"))


class NodeFacts:
    """The runtime facts of one node the diagrams show: bond states, speeds, roles, states."""

    def __init__(self, cluster: ClusterNet, host: HostNet) -> None:
        self.cluster = cluster
        self.host = host
        self.bonds: dict[str, BondState] = {b.name: b for b in bond_states(host)}
        self.speeds: dict[str, int] = {}
        for bond in self.bonds.values():
            for slave in bond.slaves:
                if slave.speed_mbps:
                    self.speeds[slave.name] = slave.speed_mbps
        for iface in host.ifaces:
            ovs = iface.ovs_interface
            if ovs is not None and ovs.link_speed_bps and iface.name not in self.speeds:
                self.speeds[iface.name] = ovs.link_speed_bps // 1_000_000
        self.roles: dict[str, list[str]] = {}
        for m in cluster.management:
            if m.node == host.name and m.iface:
                self.roles.setdefault(m.iface, []).append("mgmt")
        for link in cluster.corosync_links:
            for ring in link.addresses:
                if ring.node == host.name and ring.iface:
                    self.roles.setdefault(ring.iface, []).append(f"corosync link{link.number}")
        self._states: dict[str, IfaceState] = {}

    def gid(self, name: str) -> str:
        return f"iface:{self.cluster.name}:{self.host.name}:{name}"

    def used(self, iface: Iface) -> bool:
        """Something relies on it: a member of a bond or bridge, an address, an interface on top."""
        if iface.uppers or iface.upper_runtime or iface.all_addresses or iface.lower:
            return True
        return any(i.parent == iface.name for i in self.host.ifaces)

    def state(self, iface: Iface) -> IfaceState:
        if iface.name not in self._states:
            self._states[iface.name] = self._state(iface)
        return self._states[iface.name]

    def _state(self, iface: Iface) -> IfaceState:
        problems: list[tuple[str, str]] = []
        ovs = iface.ovs_interface
        if ovs is not None and ovs.error:
            problems.append(("OVS refused it", f"Open vSwitch error: {ovs.error}"))
        elif ovs is not None and ovs.ofport == -1:
            problems.append(("OVS refused it", "Open vSwitch could not add it (ofport -1)"))
        bond = self.bonds.get(iface.name)
        if bond is not None and bond.no_partner:
            problems.append(("no LACP partner", "LACP not negotiated: no partner answers on any slave"))
        upper = self.bonds.get(iface.upper_runtime or iface.upper or "")
        slave = upper.slave(iface.name) if upper is not None else None
        if upper is not None and slave is not None and slave.up is False:
            problems.append(("slave down", f"slave of {upper.name}, down (MII {slave.mii})"))
        elif upper is not None and slave is not None and upper.lacp and slave.partner is False:
            problems.append(("no LACP partner", f"no LACP partner heard on this slave of {upper.name}"))
        down = iface.present is False or iface.up is False
        if down and not problems:
            what = "absent" if iface.present is False else "down"
            if not self.used(iface):
                return IfaceState(idle=f"{what}, unused")
            problems.append((what, f"{what} at run time"))
        return IfaceState(tuple(problems))

    def kind_words(self, iface: Iface) -> list[str]:
        """The second and third label lines: what it is, its mode."""
        if iface.kind is InterfaceKind.VLAN and iface.vlan_id is not None:
            return [f"VLAN {iface.vlan_id}"]
        if iface.kind is InterfaceKind.OVS_INTPORT:
            tag = iface.ovs_tag
            return [f"OVS IntPort{f', tag {tag}' if tag is not None else ''}"]
        if iface.kind is InterfaceKind.BRIDGE:
            return ["bridge" + (", VLAN-aware" if vlan_aware(iface) else "")]  # Linux: its colour says
        bond = self.bonds.get(iface.name)
        if bond is not None:
            mode = bond.mode or bond.mode_runtime or ""
            first = f"{'OVS bond' if bond.ovs else 'bond'} {mode}".strip()
            extra: list[str] = []
            if bond.ovs and bond.lacp:
                extra.append(f"LACP {bond.ovs_lacp}" + (f", {bond.lacp_rate}" if bond.lacp_rate else ""))
            elif bond.lacp:
                extra.append(f"LACP {bond.lacp_rate}" if bond.lacp_rate else "LACP")
            policy = _hash_policy(iface)
            if policy:
                extra.append(policy)
            return [first] + ([" · ".join(extra)] if extra else [])
        words = kind_name(iface)
        if iface.is_physical and iface.ovs_tag is not None:
            words += f", tag {iface.ovs_tag}"
        return [words]

    def label(self, iface: Iface, *, detail: bool = True) -> str:
        """Short lines: name, kind and mode, speed and MTU, addresses, roles, bridge comment, problem."""
        lines = [iface.name, *self.kind_words(iface)]
        if detail:
            size = " · ".join(t for t in (speed_text(self.speeds.get(iface.name)), mtu_text(iface)) if t)
            if size and iface.is_physical:
                lines[-1] += f" · {size}"  # "NIC · 10G · MTU 9000": one line, the NIC column stays low
            elif size:
                lines.append(size)
            addrs = [a for a in iface.all_addresses if _is_global(a)]
            lines += addrs[:2]
            if len(addrs) > 2:
                lines[-1] += f" +{len(addrs) - 2}"
            roles = self.roles.get(iface.name)
            if roles:
                lines.append(", ".join(roles))
            if iface.is_bridge and iface.config is not None and iface.config.comments:
                lines.append(short(" ".join(cm.text for cm in iface.config.comments), 30))
            if iface.kind is InterfaceKind.OVS_BRIDGE:
                lines += self.ovs_extras(iface)
        state = self.state(iface)
        if state.problems:
            lines.append("⚠ " + ", ".join(dict.fromkeys(p[0] for p in state.problems)))
        return "\n".join(lines)

    def ovs_extras(self, iface: Iface) -> list[str]:
        """sFlow, NetFlow and mirrors of an OVS bridge, one line each."""
        ovs = self.host.sources.ovs
        if ovs is None:
            return []
        out = [f"sFlow → {', '.join(s.targets)}" for s in ovs.sflows if s.bridge == iface.name]
        out += [f"NetFlow → {', '.join(n.targets)}" for n in ovs.netflows if n.bridge == iface.name]
        for m in ovs.mirrors:
            if m.bridge == iface.name:
                to = m.output_port.name if m.output_port else f"VLAN {m.output_vlan}"
                out.append(f"mirror {m.name or ''} → {to}")
        return [short(line, 34) for line in out]

    def tip(self, iface: Iface, problems: Problems) -> str:
        comments = " ".join(c.text for c in iface.config.comments) if iface.config is not None else ""
        lines = [
            f"{self.host.name}: {iface.name} ({kind_name(iface)})",
            mtu_text(iface),
            ("addresses: " + ", ".join(iface.all_addresses)) if iface.all_addresses else None,
            ("members: " + ", ".join(iface.lower)) if iface.lower else None,
            f"comment: {comments}" if comments else None,
        ]
        state = self.state(iface)
        lines += [p[1] for p in state.problems]
        lines.append(state.idle)
        lines += problems.notes(self.gid(iface.name))
        return tooltip(*lines)

    def style(self, iface: Iface, problems: Problems) -> dict[str, object | None]:
        """Fill, border and font for an interface node: red with a problem, grey when idle."""
        state = self.state(iface)
        colour = RED if state.problems else problems.colour(self.gid(iface.name))
        out: dict[str, object | None] = {"fillcolor": fill_of(iface)}
        if colour:
            out.update(color=colour, penwidth="2.2", fontcolor=colour if colour == RED else None)
        elif state.idle:
            out.update(color=GREY, fontcolor=GREY, style="rounded,filled,dashed", fillcolor="#fafafa")
        return out

    def add_iface(self, dot: Dot, page: str, iface: Iface, problems: Problems, *, detail: bool = True) -> str:
        gid = self.gid(iface.name)
        dot.node(
            gid,
            id=gid,
            label=self.label(iface, detail=detail),
            URL=element_href(page, gid),
            tooltip=self.tip(iface, problems),
            **self.style(iface, problems),
        )
        return gid


def membership_edges(dot: Dot, topology: Topology, page: str, facts: NodeFacts, gids: set[str]) -> None:
    """Bond, bridge and VLAN membership between the drawn interfaces, from the graph's edges.

    A member the configuration lists but that carries nothing at run time (or is down) is a red
    dashed line; one only the runtime shows is orange and dashed. An OVS internal port is drawn on
    the right of its bridge: traffic reaches it through the bridge, though the graph records it as
    a port.
    """
    g = topology.graph
    host = facts.host
    for gid in sorted(gids):
        for _, target, kind, data in sorted(
            g.out_edges(gid, keys=True, data=True), key=lambda e: (e[1], e[2])
        ):
            if kind not in _MEMBERSHIP or target not in gids:
                continue
            a, b = gid, target
            lower = host.iface(g.nodes[gid].get("name"))
            if kind == ids.PORT_OF and lower is not None and lower.kind is InterfaceKind.OVS_INTPORT:
                a, b = target, gid  # drawn on the right of its bridge
            configured, runtime = data.get("configured"), data.get("runtime")
            what = {ids.MEMBER_OF: "slave of", ids.PORT_OF: "port of", ids.UPLINK_OF: "carries"}[kind]
            lname = g.nodes[gid].get("name")
            uname = g.nodes[target].get("name")
            words = f"{lname} is {what} {uname}" if kind != ids.UPLINK_OF else f"{lname} carries {uname}"
            attrs: dict[str, object | None] = {}
            dead = [p for p in (facts.state(lower).problems if lower is not None else ()) if p[0] in _DEAD]
            if runtime is False and configured is not False:
                attrs = {"color": RED, "style": "dashed", "penwidth": "2"}
                words += " in the configuration, but not at run time"
            elif dead and kind != ids.UPLINK_OF:
                attrs = {"color": RED, "style": "dashed", "penwidth": "2"}
                words += f", but {dead[0][1]}"
            elif configured is False and kind != ids.UPLINK_OF:
                attrs = {"color": ORANGE, "style": "dashed"}
                words += " at run time only (not in the configuration)"
            dot.edge(
                a,
                b,
                id=edge_id(kind, gid, target),
                URL=element_href(page, target if kind != ids.UPLINK_OF else gid),
                tooltip=words,
                **attrs,
            )


# ----------------------------------------------------------------------------- node boxes


def carrier_set(host: HostNet, names: Iterable[str]) -> set[str]:
    """Interfaces and everything under them down to the physical NICs (runtime membership first)."""
    out: set[str] = set()
    for name in names:
        iface = host.iface(name)
        if iface is None:
            continue
        found = lower_path(host, iface)
        out.update((name, *found.via, *found.nics))
    return out


def node_box(
    dot: Dot,
    topology: Topology,
    page: str,
    facts: NodeFacts,
    names: Iterable[str],
    *,
    problems: Problems,
    subtitle: str = "",
    expand: bool = True,
) -> set[str]:
    """A frame for one node holding these interfaces and the chains under them; returns their ids.

    With `expand`, each interface is followed down to its NICs (model.net.lower_path); without,
    exactly these are drawn. Call `close_cluster` after adding what else belongs in the frame.
    """
    host = facts.host
    nid = ids.node_id(facts.cluster.name, host.name)
    dot.open_cluster(
        nid,
        id=nid,
        label=host.name + (f" · {subtitle}" if subtitle else ""),
        URL=element_href(page, nid),
        tooltip=f"node {host.name}",
        style="rounded,filled",
        fillcolor="#f6f8fb",
        color="#9fb0c4",
        fontsize="11",
    )
    gids: set[str] = set()
    for name in sorted(carrier_set(host, names) if expand else set(names)):
        iface = host.iface(name)
        if iface is not None:
            gids.add(facts.add_iface(dot, page, iface, problems))
    membership_edges(dot, topology, page, facts, gids)
    return gids


def nics_of(facts: NodeFacts, gids: set[str]) -> list[str]:
    """The drawn physical NICs of a node, by name."""
    host = facts.host
    out = []
    for iface in host.ifaces:
        if iface.is_physical and facts.gid(iface.name) in gids:
            out.append(facts.gid(iface.name))
    return out


def nic_column(dot: Dot, host_nics: Iterable[tuple[str, Iterable[str]]]) -> None:
    """Every physical NIC in one column on the left (newrank lets a rank cross the node frames).

    The frames' order top to bottom is graphviz's (its crossing heuristics, deterministic); lines
    between frames do not pin it, so none are drawn for that.
    """
    names = [n for _, nics in host_nics for n in nics]
    if names:
        dot.same_rank(names)


# ----------------------------------------------------------------------------- Proxmox's VLAN bridges

_VLAN_BRIDGE = re.compile(r"^(?P<base>.+)v(?P<vid>\d+)$")


def proxmox_vlan_bridges(host: HostNet) -> dict[str, list[tuple[int, Iface, list[Iface]]]]:
    """The bridges Proxmox makes at run time for tagged guests on a VLAN-unaware bridge.

    A guest with tag 100 on vmbr0 (not VLAN-aware) runs on vmbr0v100, over bond0.100 (the VLAN of
    vmbr0's port): both exist only at run time, one pair per VLAN in use. Returns, per configured
    bridge, (VLAN, the vmbrXvY bridge, its unconfigured VLAN ports), by VLAN.
    """
    out: dict[str, list[tuple[int, Iface, list[Iface]]]] = {}
    for iface in host.ifaces:
        m = _VLAN_BRIDGE.match(iface.name)
        base = host.iface(m.group("base")) if m else None
        if (
            m is None
            or base is None
            or not iface.is_bridge
            or iface.config is not None
            or base.config is None
        ):
            continue
        members = iface.lower_runtime if iface.lower_runtime is not None else iface.lower
        ports = [p for n in members if (p := host.iface(n)) is not None and p.config is None and p.parent]
        out.setdefault(base.name, []).append((int(m.group("vid")), iface, ports))
    for items in out.values():
        items.sort(key=lambda item: item[0])
    return out


def kind_legend(topology: Topology, gids: Iterable[str]) -> list[Row]:
    """The legend rows for the kinds of interface among these graph ids (NIC, bond, bridges, VLANs)."""
    kinds = {topology.graph.nodes[g].get("iface_kind") for g in gids if g in topology.graph}
    rows = [LEGEND_NIC]
    if kinds & {"bond", "ovs_bond"}:
        rows.append(LEGEND_BOND)
    if "bridge" in kinds:
        rows.append(LEGEND_BRIDGE)
    if "ovs_bridge" in kinds:
        rows.append(LEGEND_OVS)
    if kinds & {"vlan", "ovs_intport", "alias"}:
        rows.append(LEGEND_VLAN)
    return rows
