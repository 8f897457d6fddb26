"""What the site is built from: the graph, the audit, the raw source files, the diagrams, the notes.

pipeline.site.build_site gathers a SiteInput (reading the snapshots, running the audit, rendering the
diagrams with graphviz) and render/site.py turns it into pages; renderers never read a snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from netdoc.audit.run import AuditResult
from netdoc.changes.change import Change
from netdoc.topology.graph import Topology


@dataclass(frozen=True)
class Diagram:
    """One diagram: graphviz source built from the graph, and where the site shows it.

    `name` is stable and path-safe ("cluster", "node-proxmox1", "vlan-10", "corosync", "storage",
    "cabling"); links inside the SVG are relative to `page`, the page that shows it inline.
    """

    cluster: str
    name: str
    title: str
    page: str
    dot: str
    svg: str = ""  # filled by the render step (render/graphviz_run.py)


@dataclass(frozen=True)
class RunChanges:
    """What changed in one cluster from one collection run to the next (the site's Changes page)."""

    cluster: str
    before: str | None  # collection time of the earlier run
    after: str | None
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class SiteInput:
    topology: Topology
    audit: AuditResult
    sources: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # cluster -> artifact -> text
    diagrams: Sequence[Diagram] = ()
    notes: Mapping[str, str] = field(default_factory=dict)  # path below notes/ -> Markdown, the admin's
    changes: Sequence[RunChanges] = ()  # the last runs' changes, newest first (from the histories)

    def diagram(self, cluster: str, name: str) -> Diagram | None:
        return next((d for d in self.diagrams if d.cluster == cluster and d.name == name), None)
