"""One VLAN across the cluster: on every node, the switch ports, NICs, bonds and bridges that carry it,
the node's own interfaces in it, and its guests.

Read from topology/vlans.vlan_matrix (which bridges and interfaces carry the VLAN on each node) and
the guest attachments. The uplinks drawn are the ones the VLAN leaves the node by: every uplink of
a Linux bridge, the OVS ports whose tag or trunks let it through. A switch port whose LLDP VLAN
list is known and lacks the VLAN is an orange dashed line: the frames may be dropped there (a
switch may announce only some of its VLANs, so it is a lead to check, not a finding).
"""

from __future__ import annotations

from netdoc.model.interfaces import InterfaceKind
from netdoc.model.net import HostNet, lower_path
from netdoc.model.netcluster import Attachment, ClusterNet
from netdoc.render import links
from netdoc.render.diagrams import common as c
from netdoc.render.diagrams.dot import Dot
from netdoc.render.diagrams.guests import Group, guest_group
from netdoc.render.diagrams.interfaces import NodeFacts, kind_legend, nic_column, nics_of, node_box
from netdoc.render.diagrams.problems import Problems
from netdoc.render.siteinput import Diagram
from netdoc.topology import ids
from netdoc.topology.graph import Topology
from netdoc.topology.vlans import VlanRow, vlan_matrix


def vlan_name(vid: int) -> str:
    return f"vlan-{int(vid)}"


def _carriers(host: HostNet, vid: int, bridges: tuple[str, ...], ifaces: tuple[str, ...]) -> set[str]:
    """The bridges, the interfaces in the VLAN, and what lies under them for this VLAN."""
    out = set(bridges) | set(ifaces)
    for name in (*bridges, *ifaces):
        iface = host.iface(name)
        if iface is None:
            continue
        if iface.kind is InterfaceKind.OVS_BRIDGE:
            members = iface.lower_runtime if iface.lower_runtime is not None else iface.lower
            for member in members:
                port = host.iface(member)
                if port is None or port.kind is InterfaceKind.OVS_INTPORT or not port.ovs_carries(vid):
                    continue
                found = lower_path(host, port)
                out.update((member, *found.via, *found.nics))
            continue
        found = lower_path(host, iface)
        out.update((*found.via, *found.nics))
    return out


def _ports(dot: Dot, page: str, cluster: ClusterNet, host: HostNet, *, vid: int, gids: set[str]) -> bool:
    """The switch ports (LLDP) of the drawn NICs; red dashed when LLDP says the port lacks the VLAN."""
    dropped = False
    for sw in cluster.switches:
        for lk in sw.links:
            gid = ids.iface_id(cluster.name, lk.node, lk.nic)
            if lk.node != host.name or gid not in gids:
                continue
            pid = ids.switchport_id(sw.name, lk.port)
            listed = [v.vid for v in lk.neighbor.vlans if v.vid is not None]
            known = bool(listed) or lk.neighbor.pvid is not None
            carries = vid in listed or lk.neighbor.pvid == vid
            words = (
                f"LLDP: {sw.name} {lk.port} carries VLAN {vid}"
                if carries
                else f"LLDP: {sw.name} {lk.port} does not list VLAN {vid} "
                f"(VLANs {', '.join(map(str, listed)) or 'none'}, PVID {lk.neighbor.pvid}; a switch may "
                "announce only some of its VLANs: check its configuration)"
                if known
                else f"LLDP does not say which VLANs {sw.name} {lk.port} carries"
            )
            dot.node(
                pid,
                id=pid,
                label=f"{c.short(sw.name, 22)}\n{c.short(lk.port, 22)}",
                URL=c.element_href(page, pid),
                tooltip=words,
                shape="component",
                style="filled",
                fillcolor=c.FILL["switch"],
            )
            bad = known and not carries
            dropped = dropped or bad
            # orange, not red: LLDP VLAN lists are often partial (PDU size): a lead, not a fact
            dot.edge(
                pid,
                gid,
                id=c.edge_id(ids.LLDP_NEIGHBOR, gid, pid),
                URL=c.element_href(page, pid),
                tooltip=words,
                color=c.ORANGE if bad else c.BLUE,
                style="dashed" if bad else None,
                penwidth="2" if bad else None,
            )
    return dropped


def vlan_diagram(topology: Topology, cluster: ClusterNet, row: VlanRow, problems: Problems) -> Diagram | None:
    vid = row.vid
    page = links.vlan_page(cluster.name, vid)
    dot = c.new_dot(f"VLAN {vid} of {cluster.name}", id=f"diagram:{cluster.name}:{vlan_name(vid)}")
    guests: dict[str, list[Attachment]] = {}
    for att in cluster.attachments:
        if att.vlan == vid and att.node is not None:
            guests.setdefault(att.node, []).append(att)
    collapsed = dropped = lldp = False
    absent: list[str] = []
    column: list[tuple[str, list[str]]] = []
    drawn: set[str] = set()
    for host in cluster.hosts:
        cell = row.cell(host.name)
        if cell is None or cell.empty:
            absent.append(host.name)
            continue
        facts = NodeFacts(cluster, host)
        names = _carriers(host, vid, cell.bridges, cell.ifaces)
        gids = node_box(
            dot,
            topology,
            page,
            facts,
            names,
            problems=problems,
            expand=False,
            subtitle=f"{len(cell.guests)} guest NIC(s)" if cell.guests else "",
        )
        column.append((host.name, nics_of(facts, gids)))
        drawn |= gids
        by_bridge: dict[str, list[Attachment]] = {}
        for att in guests.get(host.name, []):
            by_bridge.setdefault(att.port_bridge or att.bridge or "", []).append(att)
        for bridge, atts in sorted(by_bridge.items()):
            bid = facts.gid(bridge)
            if bid not in gids:
                continue  # the attachment names no bridge of the node: the node page shows it
            group = Group(cluster.name, host.name, bid, bridge, vid, atts)
            _, folded = guest_group(dot, page, group, problems)
            collapsed = collapsed or folded
        found = _ports(dot, page, cluster, host, vid=vid, gids=gids)  # in the frame: one node's cables
        dot.close_cluster()
        dropped = dropped or found
        lldp = lldp or any(lk.node == host.name for sw in cluster.switches for lk in sw.links)
    if len(absent) == len(cluster.hosts):
        return None
    nic_column(dot, column)
    for node in absent:
        nid = ids.node_id(cluster.name, node)
        dot.node(
            nid,
            id=nid,
            label=f"{node}\nVLAN {vid} not on this node",
            URL=c.element_href(page, nid),
            tooltip=f"{node}: no bridge, interface or guest uses VLAN {vid}",
            shape="box3d",
            style="dashed",
            color=c.GREY,
            fontcolor=c.GREY,
        )
    rows = [*kind_legend(topology, drawn), c.LEGEND_GUEST]
    if collapsed:
        rows.append(c.LEGEND_GUESTS)
    if lldp:
        rows += [c.LEGEND_SWITCH, c.LEGEND_LLDP]
    if dropped:
        rows.append(("dashed", c.ORANGE, f"LLDP does not list VLAN {vid} on the port"))
    rows += [c.LEGEND_RED, c.LEGEND_ORANGE, c.LEGEND_GREY]
    c.legend(dot, rows)
    title = f"VLAN {vid} of {cluster.name}" + (f" (VNet {', '.join(row.vnets)})" if row.vnets else "")
    return Diagram(cluster.name, vlan_name(vid), title, page, dot.text())


def vlan_diagrams(topology: Topology, cluster: ClusterNet, problems: Problems) -> list[Diagram]:
    """One diagram per VLAN in use, by VLAN id."""
    out = [vlan_diagram(topology, cluster, row, problems) for row in vlan_matrix(cluster)]
    return [d for d in out if d is not None]
