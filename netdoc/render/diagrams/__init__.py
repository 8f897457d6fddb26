"""Diagrams as graphviz source, built from the graph: one module per view, `all_diagrams` for the site.

Every diagram is deterministic text (same graph, same bytes); graphviz renders it
(render/graphviz_run.py). Links inside a diagram point at the pages of render/links.py.
"""

from __future__ import annotations

from netdoc.audit.run import AuditResult
from netdoc.render.diagrams.overview import cluster_overview
from netdoc.render.siteinput import Diagram
from netdoc.topology.graph import Topology


def all_diagrams(topology: Topology, audit: AuditResult) -> list[Diagram]:
    """Every diagram of every cluster, in a stable order."""
    out: list[Diagram] = []
    for cluster in topology.estate.clusters:
        out.append(cluster_overview(topology, cluster))
    return out
