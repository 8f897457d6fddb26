"""The topology site's pages as Markdown, in memory: {relative path: text}, with its navigation.

Deterministic: the same input always gives the same pages (the only time shown is each cluster's
collection time). The layout and the anchors are render/links.py's; the pages are written by the
modules of render/pages/. The navigation stays small whatever the estate's size (it is rendered
into every page): each cluster's nodes, VLANs and source files are reached through their section
index pages, never listed in the sidebar.
"""

from __future__ import annotations

import html

from netdoc.model.netcluster import Estate
from netdoc.render import links
from netdoc.render.changes_page import CHANGES, changes_page, node_changes_section
from netdoc.render.kinds import KIND_LABELS
from netdoc.render.pages.cluster import cluster_page, nodes_index_page
from netdoc.render.pages.context import ClusterCtx, Ctx, cluster_ctx, vlan_ids
from netdoc.render.pages.findings import findings_page
from netdoc.render.pages.glossary import glossary_page
from netdoc.render.pages.guests import guests_page
from netdoc.render.pages.home import gaps_page, home_page, note_title
from netdoc.render.pages.node import node_page
from netdoc.render.pages.sources import source_page, sources_index_page
from netdoc.render.pages.vlans import vlan_page, vlans_index_page
from netdoc.render.siteinput import SiteInput

__all__ = ["KIND_LABELS", "gap_lines", "site_nav", "site_pages", "site_title"]


def _planned(cc: ClusterCtx, vids: list[int]) -> set[str]:
    """Every page one cluster will have (known before any is written: links check against it)."""
    name = cc.name
    pages = {
        links.cluster_page(name),
        links.findings_page(name),
        links.gaps_page(name),
        links.nodes_index(name),
        links.vlans_page(name),
        links.sources_index(name),
    }
    pages |= {links.node_page(name, h.name) for h in cc.net.hosts}
    pages |= {links.vlan_page(name, v) for v in vids}
    pages |= set(cc.src.pages.values())
    return pages


def gap_lines(estate: Estate) -> list[str]:
    """What could not be collected, one line each ("<cluster>: <node>: <artifact>: <status> ...")."""
    gaps = []
    for cluster in estate.clusters:
        src = cluster.sources
        gaps += [
            f"{cluster.name}: {g.node or 'cluster'}: {g.artifact}: {g.status} {g.message}".rstrip()
            for g in src.gaps
        ]
        gaps += [
            f"{cluster.name}: {n.name}: {g.artifact}: {g.status} {g.message}".rstrip()
            for n in src.nodes
            for g in n.gaps
        ]
    return gaps


def site_title(site: SiteInput) -> str:
    """The site's name, HTML-escaped: Material writes it into every page as it is."""
    names = [c.name for c in site.topology.estate.clusters]
    return html.escape("netdoc: " + (names[0] if len(names) == 1 else f"{len(names)} clusters"))


def site_pages(site: SiteInput) -> dict[str, str]:
    """Every page of the site, keyed by its path below the docs folder (render/links.py's layout)."""
    ctx = Ctx(site, set())
    clusters = [cluster_ctx(ctx, net) for net in site.topology.estate.clusters]
    vids = {cc.name: vlan_ids(site, cc.net, cc.matrix) for cc in clusters}
    ctx.pages.update({links.HOME, links.GLOSSARY, links.GUESTS, CHANGES})
    ctx.pages.update(links.note_page(p) for p in site.notes)
    for cc in clusters:
        ctx.pages.update(_planned(cc, vids[cc.name]))
    pages = {
        links.HOME: home_page(site),
        links.GLOSSARY: glossary_page(),
        links.GUESTS: guests_page(clusters),
        CHANGES: changes_page(site),
    }
    for path, text in site.notes.items():
        pages[links.note_page(path)] = text  # the admin's own page, exactly as written
    for cc in clusters:
        name = cc.name
        nodes = {h.name for h in cc.net.hosts}
        pages[links.cluster_page(name)] = cluster_page(cc)
        pages[links.findings_page(name)] = findings_page(cc)
        pages[links.gaps_page(name)] = gaps_page(cc.net.sources)
        pages[links.nodes_index(name)] = nodes_index_page(cc)
        for host in cc.net.hosts:
            changed = node_changes_section(site, name, host.name)
            page = node_page(cc, host)
            pages[links.node_page(name, host.name)] = (
                page.rstrip() + "\n\n" + "\n".join(changed) if changed else page
            )
        pages[links.vlans_page(name)] = vlans_index_page(cc, vids[name])
        for vid in vids[name]:
            pages[links.vlan_page(name, vid)] = vlan_page(cc, vid)
        pages[links.sources_index(name)] = sources_index_page(cc.src, nodes)
        for page, artifacts in cc.src.on_page.items():  # a folder of per-guest files shares one page
            pages[page] = source_page(cc.src, artifacts[0], nodes)
        for diagram in site.diagrams:
            if diagram.cluster == name:
                pages[links.diagram_file(name, diagram.name, "dot")] = diagram.dot
                if diagram.svg:
                    pages[links.diagram_file(name, diagram.name, "svg")] = diagram.svg
    return pages


def site_nav(site: SiteInput) -> list[object]:
    """The explicit nav: a fixed handful of entries per cluster, whatever its size.

    Titles are HTML-escaped: Material writes nav titles into every page as they are.
    """
    nav: list[object] = [{"Home": links.HOME}, {"Changes": CHANGES}, {"Guests": links.GUESTS}]
    for net in site.topology.estate.clusters:
        name = net.name
        nav.append(
            {
                html.escape(name): [
                    links.cluster_page(name),
                    {"Findings": links.findings_page(name)},
                    {"Nodes": links.nodes_index(name)},
                    {"VLANs": links.vlans_page(name)},
                    {"Source files": links.sources_index(name)},
                    {"Not collected": links.gaps_page(name)},
                ]
            }
        )
    nav.append({"Glossary": links.GLOSSARY})
    if site.notes:
        nav.append(
            {
                "Notes": [
                    {html.escape(note_title(p, t)): links.note_page(p)} for p, t in sorted(site.notes.items())
                ]
            }
        )
    return nav
