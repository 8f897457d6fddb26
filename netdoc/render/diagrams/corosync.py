"""The corosync network: on each node, the interface holding each ring address and the NICs under it.

Left to right: per node a frame with the NICs -> bonds -> bridges -> the interface holding the
ring address, then the links (with their priority, higher is preferred). Two links over one NIC or
bond show as two lines out of one chain; a ring address no interface holds is a red dashed line
from a placeholder, so the missing redundancy is where the eye lands.
"""

from __future__ import annotations

from netdoc.model.netcluster import ClusterNet
from netdoc.render import links
from netdoc.render.diagrams import common as c
from netdoc.render.diagrams.interfaces import NodeFacts, kind_legend, nic_column, nics_of, node_box
from netdoc.render.diagrams.problems import Problems
from netdoc.render.siteinput import Diagram
from netdoc.topology import ids
from netdoc.topology.graph import Topology

NAME = "corosync"


def corosync_diagram(topology: Topology, cluster: ClusterNet, problems: Problems) -> Diagram | None:
    if not cluster.corosync_links:
        return None
    page = links.cluster_page(cluster.name)
    dot = c.new_dot(f"corosync {cluster.name}", id=f"diagram:{cluster.name}:{NAME}", ranksep="0.5")
    unheld = False
    edges: list[tuple[str, str, dict[str, object | None]]] = []
    column: list[tuple[str, list[str]]] = []
    drawn: set[str] = set()
    for host in cluster.hosts:
        rings = [(lk, r) for lk in cluster.corosync_links for r in lk.addresses if r.node == host.name]
        if not rings:
            continue
        facts = NodeFacts(cluster, host)
        gids = node_box(dot, topology, page, facts, [r.iface for _, r in rings if r.iface], problems=problems)
        column.append((host.name, nics_of(facts, gids)))
        drawn |= gids
        for link, ring in rings:
            cid = ids.corosync_id(cluster.name, link.number)
            address = ring.ip or ring.address
            if ring.iface is not None:
                how = ring.resolved_by if ring.resolved_by and ring.resolved_by != "literal" else None
                tip = f"{host.name}: link{link.number} ring address {ring.address} on {ring.iface}"
                edges.append(
                    (
                        facts.gid(ring.iface),
                        cid,
                        {
                            "id": c.edge_id(ids.COROSYNC_LINK, facts.gid(ring.iface), cid),
                            "URL": c.element_href(page, cid),
                            "tooltip": tip + (f" (resolved by {how})" if how else ""),
                            "color": c.GREEN,
                            "penwidth": "1.4",
                        },
                    )
                )
                continue
            unheld = True
            hole = f"unheld:{cluster.name}:{host.name}:link{link.number}"
            dot.node(
                hole,
                id=hole,
                label=f"no interface holds\n{address}",
                URL=c.element_href(page, ids.node_id(cluster.name, host.name)),
                tooltip=f"{host.name}: the link{link.number} ring address {ring.address} is held by no "
                "interface: the link does not come up on this node",
                color=c.RED,
                fontcolor=c.RED,
                style="rounded,dashed",
                penwidth="2",
            )
            edges.append(
                (
                    hole,
                    cid,
                    {
                        "id": c.edge_id(ids.COROSYNC_LINK, hole, cid),
                        "URL": c.element_href(page, cid),
                        "tooltip": f"{host.name}: link{link.number} does not come up here",
                        "color": c.RED,
                        "style": "dashed",
                        "penwidth": "2",
                    },
                )
            )
        dot.close_cluster()
    for link in cluster.corosync_links:
        cid = ids.corosync_id(cluster.name, link.number)
        prio = f"priority {link.priority}" if link.priority is not None else "no priority set"
        colour = problems.colour(cid)
        dot.node(
            cid,
            id=cid,
            label=f"corosync link{link.number}\n{prio}",
            URL=c.element_href(page, cid),
            tooltip=c.tooltip(f"corosync (kronosnet) link{link.number}, {prio}", *problems.notes(cid)),
            shape="ellipse",
            style="filled",
            fillcolor=c.FILL["corosync"],
            color=colour or c.GREEN,
            penwidth="2" if colour else None,
        )
    nic_column(dot, column)
    # every link in one column on the right, whatever the length of the chain under it
    dot.same_rank(ids.corosync_id(cluster.name, lk.number) for lk in cluster.corosync_links)
    for a, b, values in edges:
        dot.edge(a, b, **values)
    rows = [c.LEGEND_COROSYNC, *kind_legend(topology, drawn)]
    if unheld:
        rows.append(("dashed", c.RED, "ring address held by no interface"))
    rows += [c.LEGEND_RED, c.LEGEND_ORANGE]
    c.legend(dot, rows)
    return Diagram(cluster.name, NAME, f"Corosync network of {cluster.name}", page, dot.text())
