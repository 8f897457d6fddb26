"""The physical cabling LLDP tells: each node's NICs -> the switch ports they are plugged into.

Left to right: a frame per node with its cabled NICs (speed, what they belong to), a frame per
switch with its ports. Mesh cables (a node's NIC to another node's NIC, when lldpd on the nodes
names the peer) join two node frames. A port whose LLDP VLAN list is known says it in its tooltip.
No LLDP at all: no diagram (the site shows none rather than an empty picture).
"""

from __future__ import annotations

from netdoc.model.netcluster import ClusterNet
from netdoc.render import links
from netdoc.render.diagrams import common as c
from netdoc.render.diagrams.interfaces import NodeFacts, speed_text
from netdoc.render.diagrams.problems import Problems
from netdoc.render.siteinput import Diagram
from netdoc.topology import ids
from netdoc.topology.graph import Topology

NAME = "cabling"


def cabling_diagram(topology: Topology, cluster: ClusterNet, problems: Problems) -> Diagram | None:
    mesh = [m for m in cluster.mesh_links if m.peer is not None and m.nic and m.peer_nic]
    if not any(sw.links for sw in cluster.switches) and not mesh:
        return None
    page = links.cluster_page(cluster.name)
    dot = c.new_dot(f"cabling {cluster.name}", id=f"diagram:{cluster.name}:{NAME}", ranksep="1.0")
    cabled: dict[str, set[str]] = {}
    for sw in cluster.switches:
        for lk in sw.links:
            cabled.setdefault(lk.node, set()).add(lk.nic)
    for m in mesh:
        cabled.setdefault(m.node, set()).add(m.nic or "")
    for host in cluster.hosts:
        if not cabled.get(host.name):
            continue
        # every NIC of a cabled node: one without a neighbour (down, unplugged, no LLDP) shows too
        nics = sorted(set(cabled[host.name]) | {i.name for i in host.ifaces if i.is_physical})
        facts = NodeFacts(cluster, host)
        nid = ids.node_id(cluster.name, host.name)
        dot.open_cluster(
            nid,
            id=nid,
            label=host.name,
            URL=c.element_href(page, nid),
            tooltip=f"node {host.name}",
            style="rounded,filled",
            fillcolor="#f6f8fb",
            color="#9fb0c4",
            fontsize="11",
        )
        for name in nics:
            iface = host.iface(name)
            if iface is None:
                continue
            gid = facts.gid(name)
            upper = iface.upper or iface.upper_runtime
            alone = name not in cabled[host.name]
            style = facts.style(iface, problems)
            if alone and "color" not in style:
                style.update(color=c.GREY, fontcolor=c.GREY, style="rounded,filled,dashed")
            lines = (
                name,
                speed_text(facts.speeds.get(name)),
                f"in {upper}" if upper else None,
                "no LLDP neighbour" if alone else None,
            )
            dot.node(
                gid,
                id=gid,
                label="\n".join(x for x in lines if x),
                URL=c.element_href(page, gid),
                tooltip=facts.tip(iface, problems),
                **style,
            )
        dot.close_cluster()
    for sw in cluster.switches:
        if not sw.links:
            continue
        sid = ids.switch_id(sw.name)
        dot.open_cluster(
            sid,
            id=sid,
            label=c.short(sw.name, 30),
            URL=c.element_href(page, sid),
            tooltip=c.tooltip(f"switch {sw.name}", sw.descr, ", ".join(sw.mgmt_addresses) or None),
            style="rounded,filled",
            fillcolor="#f4f4f4",
            color="#9a9a9a",
            fontsize="11",
        )
        for port in sorted({lk.port for lk in sw.links}):
            pid = ids.switchport_id(sw.name, port)
            here = [lk for lk in sw.links if lk.port == port]
            nb = here[0].neighbor
            vlans = ", ".join(str(v.vid) for v in nb.vlans if v.vid is not None)
            dot.node(
                pid,
                id=pid,
                label=c.short(port, 28),
                URL=c.element_href(page, pid),
                tooltip=c.tooltip(
                    f"{sw.name} port {port}",
                    f"description: {nb.port_descr}" if nb.port_descr else None,
                    f"PVID {nb.pvid}" if nb.pvid is not None else None,
                    f"VLANs {vlans}" if vlans else "VLANs: LLDP does not say",
                ),
                shape="box",
                style="filled",
                fillcolor=c.FILL["switch"],
            )
        dot.close_cluster()
    for sw in cluster.switches:
        for lk in sw.links:
            gid = ids.iface_id(cluster.name, lk.node, lk.nic)
            pid = ids.switchport_id(sw.name, lk.port)
            dot.edge(
                gid,
                pid,
                id=c.edge_id(ids.LLDP_NEIGHBOR, gid, pid),
                URL=c.element_href(page, pid),
                tooltip=f"{lk.node} {lk.nic} is cabled to {sw.name} {lk.port} (LLDP)",
                color=c.BLUE,
                penwidth="1.4",
            )
    seen: set[frozenset[str]] = set()
    for m in mesh:
        a = ids.iface_id(cluster.name, m.node, m.nic or "")
        b = ids.iface_id(cluster.name, m.peer or "", m.peer_nic or "")
        if frozenset((a, b)) in seen:
            continue
        seen.add(frozenset((a, b)))
        dot.edge(
            a,
            b,
            id=c.edge_id(ids.MESH_LINK, a, b),
            URL=c.element_href(page, b),
            color=c.PURPLE,
            penwidth="2",
            constraint="false",
            tooltip=f"mesh cable {m.node} {m.nic} - {m.peer} {m.peer_nic} ({m.form})",
        )
    rows = [c.LEGEND_NIC, c.LEGEND_SWITCH, c.LEGEND_LLDP, ("border", c.GREY, "no LLDP neighbour, or unused")]
    if mesh:
        rows.append(c.LEGEND_MESH)
    rows.append(c.LEGEND_RED)
    c.legend(dot, rows)
    return Diagram(cluster.name, NAME, f"Cabling of {cluster.name} (LLDP)", page, dot.text())
