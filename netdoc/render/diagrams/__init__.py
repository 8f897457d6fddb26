"""Diagrams as graphviz source, built from the graph: one module per view, `all_diagrams` for the site.

Every diagram is deterministic text (same graph, same bytes); graphviz renders it
(render/graphviz_run.py). Links inside a diagram point at the pages of render/links.py, relative to
the page that shows it (`Diagram.page`). Views, by name: the cluster overview ("cluster"), the
corosync network ("corosync"), the storage paths ("storage"), the LLDP cabling ("cabling"), each
node's layer 2 ("node-<node>") and each VLAN in use ("vlan-<vid>"); a view with nothing to show
is left out (no LLDP: no cabling diagram), so `SiteInput.diagram(cluster, name)` is None for it.
"""

from __future__ import annotations

from netdoc.audit.run import AuditResult
from netdoc.render.diagrams.cabling import cabling_diagram
from netdoc.render.diagrams.corosync import corosync_diagram
from netdoc.render.diagrams.node_l2 import node_diagram
from netdoc.render.diagrams.overview import cluster_overview
from netdoc.render.diagrams.problems import Problems
from netdoc.render.diagrams.storage import storage_diagram
from netdoc.render.diagrams.vlan import vlan_diagrams
from netdoc.render.siteinput import Diagram
from netdoc.topology.graph import Topology

VIEWS = ("cluster", "corosync", "storage", "cabling", "node", "vlan")


def all_diagrams(topology: Topology, audit: AuditResult) -> list[Diagram]:
    """Every diagram of every cluster: by cluster, then in VIEWS order, nodes by name, VLANs by id."""
    out: list[Diagram] = []
    for cluster in topology.estate.clusters:
        problems = Problems.of(audit, cluster.name)
        out.append(cluster_overview(topology, cluster, problems))
        for made in (
            corosync_diagram(topology, cluster, problems),
            storage_diagram(topology, cluster, problems),
            cabling_diagram(topology, cluster, problems),
        ):
            if made is not None:
                out.append(made)
        out += [node_diagram(topology, cluster, host, problems) for host in cluster.hosts]
        out += vlan_diagrams(topology, cluster, problems)
    return out


def find_diagram(diagrams: list[Diagram], name: str) -> list[Diagram]:
    """The diagrams a `--diagram` option names: NAME in every cluster, or CLUSTER/NAME."""
    cluster, _, view = name.rpartition("/")
    return [d for d in diagrams if d.name == view and (not cluster or d.cluster == cluster)]
