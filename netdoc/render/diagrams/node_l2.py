"""A node's layer 2, left to right: switch ports -> NICs -> bonds -> bridges -> VLAN interfaces -> guests.

Membership comes from the graph's edges (member_of, port_of, uplink_of with their `configured` and
`runtime` flags), so the diagram shows what the audit and the failure model reason about: a member
the configuration lists but that carries nothing at run time is a red dashed line. An OVS internal
port hangs on the right of its bridge (it is an upper of the bridge for traffic, though the graph
records it as a port). Guests group by bridge and VLAN; a group larger than GUEST_GROUP_MAX becomes
one counted node linking to the guest index. NAT (nat_via) and port forwards (port_forward) are
arrows between the interfaces (and guests) they join.
"""

from __future__ import annotations

from collections.abc import Sequence

from netdoc.model.interfaces import InterfaceKind
from netdoc.model.net import HostNet, Iface
from netdoc.model.netcluster import Attachment, ClusterNet
from netdoc.render import links
from netdoc.render.diagrams import common as c
from netdoc.render.diagrams.dot import Dot
from netdoc.render.diagrams.guests import (
    NODE_GUESTS_MAX,
    Group,
    group_key,
    guest_gid,
    guest_group,
    guest_summary,
)
from netdoc.render.diagrams.interfaces import (
    NodeFacts,
    membership_edges,
    nic_column,
    nics_of,
    proxmox_vlan_bridges,
)
from netdoc.render.diagrams.overview import vid_ranges
from netdoc.render.diagrams.problems import Problems
from netdoc.render.siteinput import Diagram
from netdoc.topology import ids
from netdoc.topology.graph import Topology


def node_name(node: str) -> str:
    return f"node-{links.slug(node)}"


def _shown(facts: NodeFacts, iface: Iface) -> bool:
    """Every interface but a bare loopback (lo with an alias or a routed /32 on it stays)."""
    if iface.kind is InterfaceKind.LOOPBACK:
        return any(i.parent == iface.name for i in facts.host.ifaces) or any(
            not a.startswith(("127.", "::1")) for a in iface.all_addresses
        )
    return True


def _switch_ports(dot: Dot, page: str, cluster: ClusterNet, host: HostNet, gids: set[str]) -> bool:
    """LLDP neighbours on the left of their NICs: switch ports, and mesh peers' NICs."""
    found = False
    for switch in cluster.switches:
        for link in switch.links:
            nic = ids.iface_id(cluster.name, link.node, link.nic)
            if link.node != host.name or nic not in gids:
                continue
            pid = ids.switchport_id(switch.name, link.port)
            nb = link.neighbor
            vlans = ", ".join(str(v.vid) for v in nb.vlans if v.vid is not None)
            dot.node(
                pid,
                id=pid,
                label=f"{c.short(switch.name, 24)}\n{c.short(link.port, 24)}",
                URL=c.element_href(page, pid),
                tooltip=c.tooltip(
                    f"switch {switch.name}, port {link.port}",
                    f"port description: {nb.port_descr}" if nb.port_descr else None,
                    f"PVID {nb.pvid}" if nb.pvid is not None else None,
                    f"VLANs {vlans}" if vlans else None,
                ),
                shape="component",
                style="filled",
                fillcolor=c.FILL["switch"],
            )
            dot.edge(
                pid,
                nic,
                id=c.edge_id(ids.LLDP_NEIGHBOR, nic, pid),
                URL=c.element_href(page, pid),
                tooltip=f"{link.nic} is cabled to {switch.name} {link.port} (LLDP)",
                color=c.BLUE,
            )
            found = True
    for mesh in cluster.mesh_links:
        if mesh.node != host.name or mesh.peer is None or not (mesh.nic and mesh.peer_nic):
            continue
        nic = ids.iface_id(cluster.name, host.name, mesh.nic)
        peer = ids.iface_id(cluster.name, mesh.peer, mesh.peer_nic)
        if nic not in gids:
            continue
        dot.node(
            peer,
            id=peer,
            label=f"{c.short(mesh.peer, 24)}\n{mesh.peer_nic}",
            URL=c.element_href(page, peer),
            tooltip=f"mesh peer {mesh.peer} ({mesh.form}), its NIC {mesh.peer_nic}",
            fillcolor=c.FILL["node"],
            shape="box",
        )
        dot.edge(
            peer,
            nic,
            id=c.edge_id(ids.MESH_LINK, nic, peer),
            URL=c.element_href(page, peer),
            tooltip=f"mesh cable {host.name} {mesh.nic} - {mesh.peer} {mesh.peer_nic} ({mesh.form})",
            color=c.PURPLE,
            penwidth="2",
        )
        found = True
    return found


def _guest_groups(
    dot: Dot, page: str, cluster: ClusterNet, host: HostNet, *, problems: Problems, gids: set[str]
) -> tuple[dict[str, str], bool]:
    """Guests by bridge and VLAN; returns guest NIC id -> the node drawn for it, and whether any collapsed.

    Up to NODE_GUESTS_MAX guest NICs on the node, each group is a frame of guests (counted beyond
    GUEST_GROUP_MAX); beyond, each group is one summary box, spread over up to three columns.
    """
    groups: dict[tuple[str, int], list[Attachment]] = {}
    for att in cluster.attachments:
        if att.node == host.name:
            groups.setdefault(group_key(att), []).append(att)
    compact = sum(len(v) for v in groups.values()) > NODE_GUESTS_MAX
    drawn: dict[str, str] = {}
    collapsed = compact
    per_bridge: dict[str, int] = {}
    for (bridge, vid), atts in sorted(groups.items()):
        bid = ids.iface_id(cluster.name, host.name, bridge)
        if bid not in gids:
            bid = _missing_bridge(dot, page, cluster, host, bridge=bridge, atts=atts)
        group = Group(cluster.name, host.name, bid, bridge, vid, atts)
        if compact:
            n = per_bridge.get(bridge, 0)
            per_bridge[bridge] = n + 1
            many = sum(1 for b, _ in groups if b == bridge)
            columns = 1 if many <= 8 else 2 if many <= 20 else 3
            box = guest_summary(dot, page, group, problems, minlen=1 + n % columns)
            drawn.update({guest_gid(cluster.name, a): box for a in atts})
            continue
        shown, folded = guest_group(dot, page, group, problems)
        drawn.update(shown)
        collapsed = collapsed or folded
    return drawn, collapsed


def _missing_bridge(
    dot: Dot, page: str, cluster: ClusterNet, host: HostNet, *, bridge: str, atts: Sequence[Attachment]
) -> str:
    """A guest names a bridge the node does not have (or none: QEMU's user-mode NAT)."""
    name = f"missing:{cluster.name}:{host.name}:{bridge}"
    text = f"bridge {bridge} missing on {host.name}" if bridge else "no bridge (QEMU user NAT)"
    dot.node(
        name,
        id=name,
        label=c.short(text, 40),
        URL=c.element_href(page, ids.node_id(cluster.name, host.name)),
        tooltip=c.tooltip(text, ", ".join(a.label for a in atts[:10])),
        color=c.RED if bridge else c.GREY,
        fontcolor=c.RED if bridge else c.GREY,
        style="rounded,dashed",
    )
    return name


def _nat(dot: Dot, topology: Topology, page: str, gids: set[str], drawn: dict[str, str]) -> bool:
    """Masquerading (inside bridge -> way out) and port forwards (way in -> guest) as arrows."""
    found = False
    g = topology.graph
    for kind in (ids.NAT_VIA, ids.PORT_FORWARD):
        out = [
            (a, b, d)
            for a in sorted(gids)
            for _, b, k, d in g.out_edges(a, keys=True, data=True)
            if k == kind
        ]
        for a, b, data in sorted(out, key=lambda e: (e[0], e[1])):
            target = drawn.get(b, b if b in gids else None)
            if target is None:
                continue
            loaded = data.get("runtime")
            state = "" if loaded is None else (" (loaded)" if loaded else " (NOT loaded at run time)")
            if kind == ids.NAT_VIA:
                # drawn from the way out to the inside (ranks: the NAT bridge right of its uplink),
                # the arrow pointing out, the way masqueraded traffic leaves
                label = f"NAT {data.get('source', '')}"
                dot.edge(
                    target,
                    a,
                    constraint="false",  # the NAT bridge stands with the other bridges
                    id=c.edge_id(kind, a, b),
                    dir="back",
                    arrowtail="normal",
                    label=label,
                    color=c.PURPLE,
                    fontcolor=c.PURPLE,
                    style="dashed",
                    URL=c.element_href(page, a),
                    tooltip=f"{data.get('rule', '')}{state}",
                )
            else:
                proto = data.get("protocol") or ""
                label = f"{proto} {data.get('dport') or ''} → {data.get('to', '')}".strip()
                dot.edge(
                    a,
                    target,
                    constraint="false",  # the guests stay beside their bridge
                    id=c.edge_id(kind, a, b),
                    dir="forward",
                    label=label,
                    color=c.PURPLE,
                    fontcolor=c.PURPLE,
                    style="dashed",
                    URL=c.element_href(page, b),
                    tooltip=f"port forward: {data.get('rule', '')}{state}",
                )
            found = True
    return found


def _bridge_column(dot: Dot, facts: NodeFacts, gids: set[str]) -> None:
    """Bridges straight on NICs or bonds, and bridges with no port (routed, NAT, internal), in one column.

    A routed NAT bridge has no uplink: left alone, graphviz puts it after the interface its
    traffic leaves by (two columns more) or before the NICs; beside the other bridges the
    diagram stays narrow and the NAT arrow short.
    """
    host = facts.host
    first = []
    for iface in host.ifaces:
        if not iface.is_bridge or facts.gid(iface.name) not in gids:
            continue
        members = [host.iface(m) for m in (*iface.lower, *(iface.lower_runtime or ()))]
        if all(
            m is None or m.is_physical or m.is_bond or m.kind is InterfaceKind.OVS_INTPORT for m in members
        ):
            first.append(facts.gid(iface.name))
    if len(first) > 1:
        dot.same_rank(first)


def _vlan_bridges(
    dot: Dot,
    page: str,
    facts: NodeFacts,
    folded: dict[str, list[tuple[int, Iface, list[Iface]]]],
    gids: set[str],
) -> None:
    """Proxmox's run-time VLAN bridges (vmbr0v100 over bond0.100, one pair per VLAN) as one box per bridge."""
    for base, items in sorted(folded.items()):
        box = f"vlanbridges:{facts.cluster.name}:{facts.host.name}:{base}"
        vids = [v for v, _, _ in items]
        dot.node(
            box,
            id=box,
            label=f"{base}v…: {len(items)} VLAN bridge{'s' if len(items) != 1 else ''}\n"
            f"made by Proxmox at run time\n{c.short('VLANs ' + vid_ranges(vids), 34)}",
            URL=c.element_href(page, facts.gid(base)),
            tooltip=c.tooltip(
                f"{base} is not VLAN-aware: Proxmox runs a bridge per guest VLAN",
                *(
                    f"{b.name} over {', '.join(p.name for p in ports) or 'no port'}"
                    for _, b, ports in items[:40]
                ),
            ),
            fillcolor=c.FILL["bridge"],
            style="rounded,filled,dashed",
        )
        parents = sorted({p.parent for _, _, ports in items for p in ports if p.parent})
        for parent in parents:
            gid = facts.gid(parent)
            if gid in gids:
                dot.edge(
                    gid,
                    box,
                    id=c.edge_id(ids.UPLINK_OF, gid, box),
                    URL=c.element_href(page, gid),
                    tooltip=f"{parent} carries the VLAN ports of {base}'s VLAN bridges",
                    style="dashed",
                )


def _veth_pairs(dot: Dot, page: str, facts: NodeFacts, gids: set[str]) -> bool:
    """The two ends of a veth pair (SDN's ln_/pr_ plumbing), joined by a dotted line."""
    found = False
    for iface in facts.host.ifaces:
        peer = iface.config.peer if iface.config is not None else None
        a, b = facts.gid(iface.name), facts.gid(peer or "")
        other = facts.host.iface(peer)
        mutual = other is not None and other.config is not None and other.config.peer == iface.name
        if peer is None or a not in gids or b not in gids or (mutual and peer < iface.name):
            continue  # drawn once: from the end whose name sorts first when both name each other
        dot.edge(
            a,
            b,
            id=c.edge_id("veth_pair", a, b),
            URL=c.element_href(page, b),
            style="dotted",
            color=c.GREY,
            constraint="false",
            tooltip=f"veth pair {iface.name} - {peer}",
        )
        found = True
    return found


def node_diagram(topology: Topology, cluster: ClusterNet, host: HostNet, problems: Problems) -> Diagram:
    page = links.node_page(cluster.name, host.name)
    facts = NodeFacts(cluster, host)
    dot = c.new_dot(f"node {host.name}", id=f"diagram:{cluster.name}:{node_name(host.name)}")
    gids: set[str] = set()
    kinds: set[str] = set()
    folded = proxmox_vlan_bridges(host)
    plumbing = {i.name for items in folded.values() for _, b, ports in items for i in (b, *ports)}
    for iface in host.ifaces:
        if not _shown(facts, iface) or iface.name in plumbing:
            continue
        gids.add(facts.add_iface(dot, page, iface, problems))
        kinds.add("nic" if iface.is_physical else iface.kind.value)
    membership_edges(dot, topology, page, facts, gids)
    _bridge_column(dot, facts, gids)
    nic_column(dot, [(host.name, nics_of(facts, gids))])
    _vlan_bridges(dot, page, facts, folded, gids)
    lldp = _switch_ports(dot, page, cluster, host, gids)
    drawn, collapsed = _guest_groups(dot, page, cluster, host, problems=problems, gids=gids)
    nat = _nat(dot, topology, page, gids, drawn)
    veth = _veth_pairs(dot, page, facts, gids)
    rows = [c.LEGEND_NIC]
    if kinds & {"bond", "ovs_bond"}:
        rows.append(c.LEGEND_BOND)
    if "bridge" in kinds:
        rows.append(c.LEGEND_BRIDGE)
    if "ovs_bridge" in kinds:
        rows.append(c.LEGEND_OVS)
    rows += [c.LEGEND_VLAN, c.LEGEND_GUEST]
    if kinds & {"vxlan", "veth", "vrf", "dummy", "macvlan", "unknown", "ovs_port"}:
        rows.append(c.LEGEND_OTHER)
    if collapsed:
        rows.append(c.LEGEND_GUESTS)
    if lldp:
        rows += [c.LEGEND_SWITCH, c.LEGEND_LLDP]
    if nat:
        rows.append(c.LEGEND_NAT)
    if veth:
        rows.append(("dotted", c.GREY, "veth pair"))
    rows += [c.LEGEND_RED, c.LEGEND_RED_LINE, c.LEGEND_ORANGE, c.LEGEND_GREY]
    c.legend(dot, rows)
    return Diagram(cluster.name, node_name(host.name), f"Node {host.name}: layer 2", page, dot.text())
