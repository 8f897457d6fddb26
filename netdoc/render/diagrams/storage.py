"""The storage paths: on each node, the interface (and NICs) traffic to each storage endpoint leaves by.

Left to right: per node a frame with the NICs -> bonds -> bridges -> the interface the kernel
picks for the endpoint (model.addressing.egress), then the storages. A line is solid when the
endpoint is on a connected subnet, dashed through a hook route, dotted through the default gateway
(storage traffic then shares the uplink of everything else); an endpoint no route reaches is a red
dashed line from a placeholder.
"""

from __future__ import annotations

from netdoc.model.netcluster import ClusterNet, StoragePath
from netdoc.render import links
from netdoc.render.diagrams import common as c
from netdoc.render.diagrams.interfaces import NodeFacts, kind_legend, nic_column, nics_of, node_box
from netdoc.render.diagrams.problems import Problems
from netdoc.render.siteinput import Diagram
from netdoc.topology import ids
from netdoc.topology.graph import Topology

NAME = "storage"
_STYLE = {"local": "solid", "connected": "solid", "route": "dashed", "default": "dotted"}


def _words(path: StoragePath) -> str:
    eg = path.egress
    if eg is None:
        return f"{path.host}: not reached ({path.reason or 'no route'})"
    how = {"local": "held by the node", "connected": "on a connected subnet", "route": "by a route"}.get(
        eg.via, "by the default route"
    )
    gw = f" via {eg.gateway}" if eg.gateway else ""
    return f"{path.host} ({path.ip or '?'}) from {eg.iface}, {how}{gw}"


def storage_diagram(topology: Topology, cluster: ClusterNet, problems: Problems) -> Diagram | None:
    if not cluster.storage_paths:
        return None
    page = links.cluster_page(cluster.name)
    dot = c.new_dot(f"storage {cluster.name}", id=f"diagram:{cluster.name}:{NAME}", ranksep="0.6")
    edges: dict[tuple[str, str], list[StoragePath]] = {}
    unreached = False
    column: list[tuple[str, list[str]]] = []
    drawn: set[str] = set()
    for host in cluster.hosts:
        paths = [p for p in cluster.storage_paths if p.node == host.name]
        if not paths:
            continue
        facts = NodeFacts(cluster, host)
        gids = node_box(
            dot, topology, page, facts, [p.egress.iface for p in paths if p.egress], problems=problems
        )
        column.append((host.name, nics_of(facts, gids)))
        drawn |= gids
        for path in paths:
            sid = ids.storage_id(cluster.name, path.storage)
            if path.egress is not None:
                edges.setdefault((facts.gid(path.egress.iface), sid), []).append(path)
                continue
            unreached = True
            hole = f"unreached:{cluster.name}:{host.name}:{path.storage}"
            if hole not in dot.names:
                dot.node(
                    hole,
                    id=hole,
                    label=f"no route to\n{c.short(path.host, 28)}",
                    URL=c.element_href(page, ids.node_id(cluster.name, host.name)),
                    tooltip=f"{host.name}: {_words(path)}",
                    color=c.RED,
                    fontcolor=c.RED,
                    style="rounded,dashed",
                    penwidth="2",
                )
            edges.setdefault((hole, sid), []).append(path)
        dot.close_cluster()
    for storage in sorted({p.storage for p in cluster.storage_paths}):
        sid = ids.storage_id(cluster.name, storage)
        paths = [p for p in cluster.storage_paths if p.storage == storage]
        hosts = sorted({p.host for p in paths})
        colour = problems.colour(sid)
        dot.node(
            sid,
            id=sid,
            label=f"{storage} ({paths[0].type})\n{c.short(', '.join(hosts), 30)}",
            URL=c.element_href(page, sid),
            tooltip=c.tooltip(
                f"storage {storage} ({paths[0].type}) at {', '.join(hosts)}", *problems.notes(sid)
            ),
            shape="cylinder",
            style="filled",
            fillcolor=c.FILL["storage"],
            color=colour,
            penwidth="2" if colour else None,
        )
    nic_column(dot, column)
    # every storage in one column on the right, whatever the length of the chain before it
    dot.same_rank(ids.storage_id(cluster.name, s) for s in sorted({p.storage for p in cluster.storage_paths}))
    vias: set[str] = set()
    for (a, sid), paths in edges.items():
        eg = paths[0].egress
        via = eg.via if eg is not None else "none"
        vias.add(via)
        few = len(cluster.hosts) <= c.LABEL_NODES_MAX  # beyond, the gateway is in the tooltip only
        gateway = f"via {eg.gateway}" if few and eg is not None and eg.gateway else None
        dot.edge(
            a,
            sid,
            id=c.edge_id(ids.REACHES_STORAGE, a, sid),
            label=gateway,
            URL=c.element_href(page, sid),
            tooltip=c.tooltip(f"{paths[0].node} to storage {paths[0].storage}:", *(_words(p) for p in paths)),
            color=c.ORANGE if eg is not None else c.RED,
            style=_STYLE.get(via, "dashed"),
            penwidth="1.4" if eg is not None else "2",
        )
    rows = [
        c.LEGEND_STORAGE,
        *kind_legend(topology, drawn),
        ("line", c.ORANGE, "endpoint on a connected subnet"),
    ]
    if "route" in vias:
        rows.append(("dashed", c.ORANGE, "through a route"))
    if "default" in vias:
        rows.append(("dotted", c.ORANGE, "through the default gateway"))
    if unreached:
        rows.append(("dashed", c.RED, "endpoint not reached"))
    rows += [c.LEGEND_RED, c.LEGEND_ORANGE]
    c.legend(dot, rows)
    return Diagram(cluster.name, NAME, f"Storage paths of {cluster.name}", page, dot.text())
