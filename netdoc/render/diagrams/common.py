"""What every diagram shares: colours, element nodes with id/URL/tooltip, interface labels, problems, legends.

An *element* is a graph element (topology/ids.py) drawn as one node or cluster: its graphviz `id`
is the graph id (graphviz writes it as the SVG element's id), its `URL` the page render/links.py
gives it, relative to the page that shows the diagram, its tooltip what it is. Problems come from
two places: the runtime state of the model (a slave down, a member OVS refused, LACP without a
partner) and the audit's findings (`Problems`, by the graph ids each finding names).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from netdoc.audit.checks.bondstate import BondState, bond_states
from netdoc.audit.finding import Finding, Severity
from netdoc.audit.netfacts import vlan_aware
from netdoc.audit.run import AuditResult
from netdoc.model.interfaces import InterfaceKind
from netdoc.model.net import HostNet, Iface, lower_path
from netdoc.model.netcluster import Attachment, ClusterNet
from netdoc.render import links
from netdoc.render.diagrams.dot import Dot, html_label
from netdoc.topology import ids
from netdoc.topology.graph import Topology

_MEMBERSHIP = (ids.MEMBER_OF, ids.PORT_OF, ids.UPLINK_OF)
# Problems after which a member carries nothing (its line to the bond or bridge is red and dashed).
_DEAD = frozenset({"down", "absent", "slave down", "OVS refused it"})

# Guests of one bridge and VLAN on one node shown one by one up to this many; beyond, one counted node.
GUEST_GROUP_MAX = 12
# A node with more guest NICs than this shows one box per bridge and VLAN (count, first names,
# a link to the VLAN's diagram), in up to three columns: forty VLAN groups one guest at a time
# would make a node diagram several screens high.
NODE_GUESTS_MAX = 36
# Edge labels (addresses, interfaces) on cluster-wide diagrams up to this many nodes; beyond, tooltips.
LABEL_NODES_MAX = 6

RED = "#c0392b"
ORANGE = "#d35400"
GREY = "#8c8c8c"
INK = "#1f2d3d"
GREEN = "#2a7a2a"
PURPLE = "#7d3c98"
BLUE = "#2e5c8a"

FILL = {
    "node": "#dde7f7",
    "nic": "#e8f1fb",
    "bond": "#fdf0dc",
    "bridge": "#e3f4e1",
    "ovs_bridge": "#daf0ef",
    "vlan": "#efe6f7",
    "other": "#f2f2f2",
    "guest": "#ffffff",
    "guests": "#f7f7f7",
    "switch": "#eeeeee",
    "storage": "#fcf5c7",
    "corosync": "#fbe6ef",
    "legend": "#ffffff",
}

GRAPH_DEFAULTS: dict[str, object | None] = {
    "rankdir": "LR",
    "nodesep": "0.18",
    "ranksep": "0.4",
    "compound": "true",
    "newrank": "true",
    "pad": "0.2",
    "bgcolor": "white",
}


@functools.lru_cache(maxsize=65536)
def element_href(page: str, gid: str) -> str:
    """links.element_href, remembered: a big cluster asks for the same links thousands of times."""
    return links.element_href(page, gid)


def new_dot(name: str, **graph: object | None) -> Dot:
    """A left-to-right diagram: long chains read across, many elements stack down (the page scrolls)."""
    dot = Dot(name, graph_attrs={**GRAPH_DEFAULTS, **graph})
    dot.defaults(
        "node",
        shape="box",
        style="rounded,filled",
        color=INK,
        fontcolor=INK,
        penwidth="1",
        margin="0.1,0.04",
        height="0.3",
    )
    dot.defaults("edge", dir="none", color="#4d5b6a", arrowsize="0.6", fontcolor="#33414f")
    return dot


def edge_id(kind: str, a: str, b: str) -> str:
    """A stable id for an edge of a diagram (graph edges have none of their own)."""
    return f"{kind}:{a}->{b}"


# ----------------------------------------------------------------------------- problems


@dataclass
class Problems:
    """The audit's findings by the graph ids they name, for one cluster."""

    by_id: dict[str, list[Finding]] = field(default_factory=dict)

    @classmethod
    def of(cls, audit: AuditResult, cluster: str) -> Problems:
        out: dict[str, list[Finding]] = {}
        for f in audit.findings:
            if f.cluster != cluster or f.severity.rank < Severity.LOW.rank:
                continue
            for gid in dict.fromkeys(f.ids):
                out.setdefault(gid, []).append(f)
        return cls(out)

    def colour(self, gid: str) -> str | None:
        """Red: named by a high or critical finding; orange: the first thing a medium one names."""
        worst = None
        for f in self.by_id.get(gid, ()):
            if f.severity.rank >= Severity.HIGH.rank:
                return RED
            if f.severity is Severity.MEDIUM and f.ids and f.ids[0] == gid:
                worst = ORANGE
        return worst

    def notes(self, gid: str, limit: int = 3) -> list[str]:
        """The findings about an element, for its tooltip (most severe first)."""
        found = self.by_id.get(gid, [])
        out = [short(f"{f.severity.value}: {f.code}: {f.message}", 200) for f in found[:limit]]
        if len(found) > limit:
            out.append(f"... and {len(found) - limit} more findings")
        return out


def tooltip(*lines: str | None) -> str:
    return "\n".join(line for line in lines if line)


def short(text: str, width: int = 44) -> str:
    """One line of a label: cut with an ellipsis (the tooltip keeps the whole text)."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# ----------------------------------------------------------------------------- interfaces


KIND_NAMES = {
    InterfaceKind.PHYSICAL: "NIC",
    InterfaceKind.BOND: "Linux bond",
    InterfaceKind.BRIDGE: "Linux bridge",
    InterfaceKind.VLAN: "VLAN",
    InterfaceKind.ALIAS: "alias",
    InterfaceKind.OVS_BRIDGE: "OVS bridge",
    InterfaceKind.OVS_BOND: "OVS bond",
    InterfaceKind.OVS_PORT: "OVS port",
    InterfaceKind.OVS_INTPORT: "OVS IntPort",
    InterfaceKind.VXLAN: "VXLAN",
    InterfaceKind.VRF: "VRF",
    InterfaceKind.VETH: "veth",
    InterfaceKind.DUMMY: "dummy",
    InterfaceKind.MACVLAN: "macvlan",
    InterfaceKind.LOOPBACK: "loopback",
    InterfaceKind.UNKNOWN: "interface",
}


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
    return "NIC" if iface.is_physical else KIND_NAMES.get(iface.kind, iface.kind.value)


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


# ----------------------------------------------------------------------------- guests


def guest_gid(cluster: str, att: Attachment) -> str:
    return f"nic:{cluster}:{att.vmid}:{att.nic.key}"


def guest_label(att: Attachment) -> str:
    kind = "VM" if att.guest.type == "qemu" else "CT"
    first = f"{kind} {att.vmid}" + (f" {short(att.guest.name, 28)}" if att.guest.name else "")
    extra = [att.nic.key]
    if att.nic.ip and att.nic.ip not in ("dhcp", "manual"):
        extra.append(att.nic.ip)
    if att.nic.trunks:
        extra.append(
            "trunks "
            + ",".join(f"{r.first}-{r.last}" if r.last != r.first else str(r.first) for r in att.nic.trunks)
        )
    return f"{first}\n{' · '.join(extra)}"


def guest_node(dot: Dot, page: str, cluster: str, att: Attachment, problems: Problems) -> str:
    gid = guest_gid(cluster, att)
    off = att.host_port_present is False or att.nic.link_down or att.guest.template
    why = (
        "template"
        if att.guest.template
        else "link down (link_down=1)"
        if att.nic.link_down
        else "not running (no host port)"
        if att.host_port_present is False
        else None
    )
    nic = att.nic
    colour = problems.colour(gid)
    dot.node(
        gid,
        id=gid,
        label=guest_label(att),
        URL=element_href(page, gid),
        tooltip=tooltip(
            att.label + (f" on {att.node}" if att.node else ""),
            f"MAC {nic.mac}" if nic.mac else None,
            f"bridge {att.bridge}" + (f", VLAN {att.vlan}" if att.vlan is not None else ""),
            f"IP {nic.ip}" if nic.ip else None,
            "firewall on" if nic.firewall else "firewall off",
            f"rate {nic.rate_mb_s} MB/s" if nic.rate_mb_s else None,
            why,
            *problems.notes(gid),
        ),
        fillcolor=FILL["guest"],
        color=colour or (GREY if off else None),
        fontcolor=GREY if off else None,
        style="rounded,filled,dashed" if off else None,
    )
    return gid


def _names(atts: Sequence[Attachment], limit: int) -> str:
    shown = ", ".join(f"{a.vmid} {a.guest.name or ''} {a.nic.key}".replace("  ", " ") for a in atts[:limit])
    return shown + (f" and {len(atts) - limit} more" if len(atts) > limit else "")


def collapsed_guests(dot: Dot, page: str, name: str, atts: Sequence[Attachment], where: str) -> str:
    """One node standing for many guest NICs, linking to the guest index."""
    shown, more = _names(atts, 15), ""
    dot.node(
        name,
        id=name,
        label=f"{len(atts)} guest NICs\n{where}\n(see the guest index)",
        URL=links.href(page, links.GUESTS),
        tooltip=tooltip(f"{len(atts)} guest NICs on {where}", shown + more),
        shape="box3d",
        fillcolor=FILL["guests"],
        style="filled",
    )
    return name


@dataclass(frozen=True)
class Group:
    """The guest NICs of one bridge and VLAN (-1: untagged or trunk) on one node."""

    cluster: str
    node: str
    bridge_gid: str  # the node drawn for the bridge (or a "missing bridge" placeholder)
    bridge: str
    vid: int
    atts: Sequence[Attachment]


def guest_group(dot: Dot, page: str, group: Group, problems: Problems) -> tuple[dict[str, str], bool]:
    """The guest NICs of one bridge and VLAN on one node, and the line from the bridge to them.

    Up to GUEST_GROUP_MAX a dashed frame with one node each (a column); beyond, one counted node
    linking to the guest index. Returns guest NIC id -> the node drawn for it, and whether collapsed.
    """
    cluster, node, bridge_gid, bridge, vid = (
        group.cluster,
        group.node,
        group.bridge_gid,
        group.bridge,
        group.vid,
    )
    atts = sorted(group.atts, key=lambda a: (a.vmid or 0, a.nic.key))
    key = f"guests:{cluster}:{node}:{bridge}:{vid}"
    where = f"{bridge or 'no bridge'} · {vlan_words(vid)}"
    if len(atts) > GUEST_GROUP_MAX:
        name = collapsed_guests(dot, page, key, atts, where)
        dot.edge(
            bridge_gid,
            name,
            id=edge_id(ids.ATTACHED_TO, key, bridge_gid),
            URL=links.href(page, links.GUESTS),
            tooltip=f"{len(atts)} guest NICs on {where}",
        )
        return {guest_gid(cluster, a): name for a in atts}, True
    vlan_gid = ids.vlan_id(cluster, vid) if vid >= 0 else bridge_gid
    dot.open_cluster(
        key,
        id=key,
        label=where,
        URL=element_href(page, vlan_gid),
        tooltip=f"{len(atts)} guest NIC(s) on {where}",
        style="rounded,dashed",
        color=GREY,
        fontcolor=INK,
        fontsize="10",
    )
    names = [guest_node(dot, page, cluster, a, problems) for a in atts]
    dot.same_rank(names)
    dot.close_cluster()
    dot.edge(
        bridge_gid,
        names[0],
        id=edge_id(ids.ATTACHED_TO, key, bridge_gid),
        lhead=f"cluster_{key}",
        URL=element_href(page, vlan_gid),
        tooltip=f"{len(atts)} guest NIC(s) on {where}",
    )
    return {n: n for n in names}, False


def guest_summary(dot: Dot, page: str, group: Group, problems: Problems, *, minlen: int = 1) -> str:
    """One box for a bridge and VLAN on a node with many guests: the count and the first names.

    It links to the VLAN's page (its diagram draws each guest NIC of every node), or to the guest
    index for untagged guests; the tooltip lists them all.
    """
    atts = sorted(group.atts, key=lambda a: (a.vmid or 0, a.nic.key))
    key = f"guests:{group.cluster}:{group.node}:{group.bridge}:{group.vid}"
    where = f"{group.bridge or 'no bridge'} · {vlan_words(group.vid)}"
    off = sum(1 for a in atts if a.host_port_present is False or a.nic.link_down or a.guest.template)
    names = ", ".join(a.guest.name or str(a.vmid) for a in atts[:3]) + (" …" if len(atts) > 3 else "")
    count = f"{len(atts)} guest NIC{'s' if len(atts) != 1 else ''}" + (f", {off} stopped" if off else "")
    target = element_href(page, ids.vlan_id(group.cluster, group.vid)) if group.vid >= 0 else None
    colour = next((c for a in atts if (c := problems.colour(guest_gid(group.cluster, a)))), None)
    dot.node(
        key,
        id=key,
        label=f"{where}\n{count}\n{short(names, 34)}",
        URL=target or links.href(page, links.GUESTS),
        tooltip=tooltip(f"{count} on {where}:", *(f"{a.label}" for a in atts[:40]), _more(atts, 40)),
        shape="box3d",
        style="filled",
        fillcolor=FILL["guests"],
        color=colour,
    )
    dot.edge(
        group.bridge_gid,
        key,
        id=edge_id(ids.ATTACHED_TO, key, group.bridge_gid),
        URL=target or links.href(page, links.GUESTS),
        tooltip=f"{count} on {where}",
        minlen=str(minlen) if minlen > 1 else None,
    )
    return key


def _more(atts: Sequence[Attachment], limit: int) -> str | None:
    return f"... and {len(atts) - limit} more" if len(atts) > limit else None


def group_key(att: Attachment) -> tuple[str, int]:
    """Guests group by bridge and VLAN (-1: untagged or trunk)."""
    return (att.port_bridge or att.bridge or "", att.vlan if att.vlan is not None else -1)


def vlan_words(vid: int) -> str:
    return "untagged / trunk" if vid < 0 else f"VLAN {vid}"


# ----------------------------------------------------------------------------- legend

Row = tuple[str, str, str]  # (swatch kind, colour, text): see dot.html_label

LEGEND_NODE: Row = ("fill", FILL["node"], "Proxmox node")
LEGEND_NIC: Row = ("fill", FILL["nic"], "physical NIC (speed, MTU)")
LEGEND_BOND: Row = ("fill", FILL["bond"], "bond (mode, LACP, hash policy)")
LEGEND_BRIDGE: Row = ("fill", FILL["bridge"], "Linux bridge")
LEGEND_OVS: Row = ("fill", FILL["ovs_bridge"], "Open vSwitch bridge")
LEGEND_VLAN: Row = ("fill", FILL["vlan"], "VLAN interface, OVS IntPort, alias")
LEGEND_OTHER: Row = ("fill", FILL["other"], "VXLAN, veth, VRF, dummy, ...")
LEGEND_GUEST: Row = ("fill", FILL["guest"], "guest NIC (VM/CT id, name, netN, IP)")
LEGEND_GUESTS: Row = ("fill", FILL["guests"], "guest NICs counted: click for the list")
LEGEND_SWITCH: Row = ("fill", FILL["switch"], "switch port (LLDP)")
LEGEND_STORAGE: Row = ("fill", FILL["storage"], "network storage")
LEGEND_COROSYNC: Row = ("fill", FILL["corosync"], "corosync link (higher priority wins)")
LEGEND_RED: Row = ("border", RED, "broken now: down, refused, no LACP partner")
LEGEND_ORANGE: Row = ("border", ORANGE, "subject of a medium finding")
LEGEND_GREY: Row = ("border", GREY, "down but unused; guest stopped")
LEGEND_RED_LINE: Row = ("dashed", RED, "configured, not working at run time")
LEGEND_MESH: Row = ("line", PURPLE, "mesh link (direct cable)")
LEGEND_LLDP: Row = ("line", BLUE, "cable seen over LLDP")
LEGEND_NAT: Row = ("dashed", PURPLE, "NAT out, port forward in")


def legend(dot: Dot, rows: Iterable[Row]) -> None:
    """The legend as the diagram's own label (bottom left): it takes no place in the layout.

    Written last: a cluster inherits the graph attributes set before it, and must not inherit this.
    """
    label = html_label(list(dict.fromkeys(rows)), title="Legend · hover for details, click to open")
    dot.lines.append(f'  graph [label={label}, labelloc="b", labeljust="l"];')


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
