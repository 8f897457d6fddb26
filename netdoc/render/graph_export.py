"""The topology graph as files: node-link JSON and GraphML, sorted so the same snapshot gives the same bytes.

JSON: {"format": "netdoc-graph/1", "directed": true, "multigraph": true, "nodes": [{"id", ...}],
"edges": [{"source", "target", "key", ...}]} with nodes sorted by id and edges by (source, target,
key). GraphML: networkx's writer over a copy of the graph built in the same order.
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from netdoc.render.xmlsafe import xml_safe
from netdoc.topology.graph import Topology

FORMAT = "netdoc-graph/1"


def _sorted_graph(topo: Topology) -> Any:
    g = topo.graph
    out = nx.MultiDiGraph()
    for node in sorted(g.nodes):
        out.add_node(node, **dict(sorted(g.nodes[node].items())))
    for u, v, k, data in sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        out.add_edge(u, v, key=k, **dict(sorted(data.items())))
    return out


def graph_json(topo: Topology) -> str:
    """Node-link JSON with stable ids, sorted; ends with a newline."""
    g = topo.graph
    nodes = [{"id": n, **dict(sorted(g.nodes[n].items()))} for n in sorted(g.nodes)]
    edges = [
        {"source": u, "target": v, "key": k, **dict(sorted((a, b) for a, b in d.items() if a != "kind"))}
        for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    ]
    clusters = [c.name for c in topo.estate.clusters]
    doc = {
        "format": FORMAT,
        "directed": True,
        "multigraph": True,
        "clusters": clusters,
        "nodes": nodes,
        "edges": edges,
    }
    return json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def graph_graphml(topo: Topology) -> str:
    """GraphML (attributes typed by networkx: string, int, boolean, double)."""
    return xml_safe("\n".join(nx.generate_graphml(_sorted_graph(topo), prettyprint=True)) + "\n")
