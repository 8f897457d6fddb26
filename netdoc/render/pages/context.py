"""What a page module is given: the site input, every page the site will have, and per cluster its
model and source links. Knowing every page first means no link ever points at a page that is not
written (a finding about a node no snapshot holds shows its name, unlinked).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netdoc.model.netcluster import ClusterNet
from netdoc.render import links
from netdoc.render.pages.common import link
from netdoc.render.pages.sources import SourceLinks
from netdoc.render.siteinput import SiteInput
from netdoc.topology import ids
from netdoc.topology.vlans import VlanRow, vlan_matrix


@dataclass(frozen=True)
class Ctx:
    """The site being written."""

    site: SiteInput
    pages: set[str]

    def element(self, from_page: str, graph_id: str, text: str) -> str:
        """A link to the page (and row) of a graph element; its text alone when it has no page."""
        page, fragment = links.element_page(graph_id)
        if page not in self.pages:
            return text
        return link(from_page, page, text, fragment)

    def page(self, from_page: str, to_page: str, text: str, fragment: str = "") -> str:
        """A link to a page of the site, or the text alone when there is no such page."""
        return link(from_page, to_page, text, fragment) if to_page in self.pages else text


@dataclass
class ClusterCtx:
    """One cluster of the site: its assembled model, its source files, its VLANs."""

    ctx: Ctx
    net: ClusterNet
    src: SourceLinks
    matrix: tuple[VlanRow, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.net.name

    @property
    def site(self) -> SiteInput:
        return self.ctx.site

    def vlan(self, from_page: str, vid: int | None, text: str | None = None) -> str:
        """A VLAN id linked to its page."""
        if vid is None:
            return ""
        return self.ctx.page(from_page, links.vlan_page(self.name, vid), text or str(vid))

    def iface(self, from_page: str, node: str, name: str, text: str) -> str:
        return self.ctx.element(from_page, ids.iface_id(self.name, node, name), text)


def vlan_ids(site: SiteInput, net: ClusterNet, matrix: tuple[VlanRow, ...]) -> list[int]:
    """Every VLAN of a cluster that gets a page: the matrix's, and every VLAN the graph knows."""
    vids = {row.vid for row in matrix}
    for node_id in site.topology.nodes_of(ids.VLAN):
        data = site.topology.graph.nodes[node_id]
        if data.get("cluster") == net.name and isinstance(data.get("vid"), int):
            vids.add(data["vid"])
    return sorted(vids)


def cluster_ctx(ctx: Ctx, net: ClusterNet) -> ClusterCtx:
    texts = ctx.site.sources.get(net.name, {})
    src = SourceLinks(net.name, net.sources.pve_files_node, texts)
    return ClusterCtx(ctx, net, src, vlan_matrix(net))
