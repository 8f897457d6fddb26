"""The topology site's pages as Markdown, in memory: {relative path: text}.

Deterministic: the same Cluster always gives the same pages (the only time shown is the
collection time from the manifest). Layout: index.md (cluster and nodes), nodes/index.md,
nodes/<node>.md (interfaces table, pending changes, warnings, gaps), gaps.md.
"""

from __future__ import annotations

from netdoc.audit.finding import Severity
from netdoc.model.cluster import Cluster, Gap, Node
from netdoc.model.interfaces import Interface, InterfaceKind, InterfacesConfig
from netdoc.render import links
from netdoc.render.markdown import code, esc, slug, table
from netdoc.render.site_sections import bonds_section, corosync_section, guests_section, ovs_section
from netdoc.render.siteinput import Diagram, SiteInput

KIND_LABELS: dict[InterfaceKind, str] = {
    InterfaceKind.PHYSICAL: "NIC",
    InterfaceKind.BOND: "Linux bond",
    InterfaceKind.BRIDGE: "Linux bridge",
    InterfaceKind.VLAN: "VLAN",
    InterfaceKind.ALIAS: "alias",
    InterfaceKind.OVS_BRIDGE: "OVS bridge",
    InterfaceKind.OVS_BOND: "OVS bond",
    InterfaceKind.OVS_PORT: "OVS port",
    InterfaceKind.OVS_INTPORT: "OVS IntPort",
    InterfaceKind.VXLAN: "VXLAN",
    InterfaceKind.VRF: "VRF",
    InterfaceKind.VETH: "veth",
    InterfaceKind.DUMMY: "dummy",
    InterfaceKind.MACVLAN: "macvlan",
    InterfaceKind.LOOPBACK: "loopback",
    InterfaceKind.UNKNOWN: "unknown",
}


def node_page(name: str) -> str:
    return f"nodes/{slug(name)}.md"


def _gap_rows(gaps: tuple[Gap, ...] | list[Gap]) -> list[list[str]]:
    return [[esc(g.node or "cluster"), code(g.artifact), esc(g.status), esc(g.message)] for g in gaps]


def is_absent_tool(gap: Gap) -> bool:
    """A command that is simply not on the node (no OVS, no lldpd): a fact, not a collection failure."""
    return gap.status == "missing" and "/commands/" in gap.artifact


def real_gaps(gaps: tuple[Gap, ...] | list[Gap]) -> list[Gap]:
    return [g for g in gaps if not is_absent_tool(g)]


def _absent_tools_note(gaps: tuple[Gap, ...] | list[Gap]) -> list[str]:
    absent = sorted({g.artifact.rsplit("/", 1)[-1] for g in gaps if is_absent_tool(g)})
    if not absent:
        return []
    return ["Not available on this node (tool not installed): " + ", ".join(code(a) for a in absent) + "\n"]


def _iface_row(iface: Interface) -> list[str]:
    members = " ".join(iface.members)
    if iface.master and not members:
        members = f"in {iface.master}"
    addrs = "<br>".join(code(a.cidr) for a in iface.addresses)
    gw = " ".join(g for g in (iface.gateway, iface.gateway6) if g)
    comment = " ".join(c.text for c in iface.comments)
    mode = f" ({iface.bond_mode})" if iface.bond_mode else ""
    return [
        f"**{esc(iface.name)}**",
        esc(KIND_LABELS.get(iface.kind, iface.kind.value) + mode),
        esc(members),
        addrs,
        esc(gw),
        esc(iface.mtu or ""),
        esc(iface.vlan_label),
        esc(comment),
        code(iface.source) if iface.source else "",
    ]


IFACE_HEADERS = ["Name", "Type", "Members", "Addresses", "Gateway", "MTU", "VLAN", "Comment", "Source"]


def _interfaces_section(cfg: InterfacesConfig) -> list[str]:
    out = [table(IFACE_HEADERS, (_iface_row(i) for i in cfg.interfaces))]
    if len(cfg.files) > 1:
        out.append("Files read: " + ", ".join(code(f) for f in cfg.files) + "\n")
    return out


def _node_summary(node: Node) -> list[str]:
    cfg = node.interfaces

    def count(*kinds: InterfaceKind) -> str:
        return str(sum(1 for i in cfg.interfaces if i.kind in kinds)) if cfg is not None else "?"

    addrs = (
        " ".join(
            code(a.cidr) for i in cfg.interfaces for a in i.addresses if i.kind != InterfaceKind.LOOPBACK
        )
        if cfg is not None
        else ""
    )
    gaps = real_gaps(node.gaps)
    status = "complete" if not gaps else f"{len(gaps)} gap(s)"
    return [
        f"[{esc(node.name)}]({node_page(node.name)})",
        count(InterfaceKind.PHYSICAL),
        count(InterfaceKind.BOND, InterfaceKind.OVS_BOND),
        count(InterfaceKind.BRIDGE, InterfaceKind.OVS_BRIDGE),
        str(len(node.guests)),
        addrs,
        esc(status),
    ]


def index_page(cluster: Cluster) -> str:
    lines = [f"# Cluster {esc(cluster.name)}\n"]
    if cluster.collected_at:
        lines.append(
            f"Collected at {esc(cluster.collected_at)} by netdoc {esc(cluster.netdoc_version or '')}.\n"
        )
    else:
        lines.append("Collection time unknown (the snapshot has no manifest).\n")
    lines.append(f"## Nodes ({len(cluster.nodes)})\n")
    lines.append(
        table(
            ["Node", "NICs", "Bonds", "Bridges", "Guests", "Addresses", "Collection"],
            map(_node_summary, cluster.nodes),
        )
    )
    lines += corosync_section(cluster)
    all_gaps = real_gaps(list(cluster.gaps) + [g for n in cluster.nodes for g in n.gaps])
    if all_gaps:
        lines.append(
            f'!!! warning "Incomplete: {len(all_gaps)} gap(s)"\n    Some sources could not be read; '
            "see [what is missing](gaps.md).\n"
        )
    return "\n".join(lines)


# Wide tables need the width the table of contents would take.
WIDE = "---\nhide:\n  - toc\n---\n"


def node_detail_page(node: Node) -> str:
    lines = [f"{WIDE}# Node {esc(node.name)}\n"]
    gaps = real_gaps(node.gaps)
    if gaps:
        lines.append(
            f'!!! warning "{len(gaps)} source(s) missing for this node"\n'
            "    What follows is what could be read; the gaps are listed at the end of this page.\n"
        )
    lines.append("## Interfaces\n")
    if node.interfaces is not None:
        lines += _interfaces_section(node.interfaces)
    else:
        lines.append("No network configuration could be read for this node.\n")
    lines += bonds_section(node.bonds)
    lines += ovs_section(node.ovs)
    lines += guests_section(node.guests)
    if node.pending_interfaces is not None:
        lines.append("## Pending changes (interfaces.new, not applied)\n")
        lines += _interfaces_section(node.pending_interfaces)
    if node.warnings:
        lines.append("## Parse warnings\n")
        lines.append(
            table(
                ["Where", "Warning"],
                ([code(f"{w.path}:{w.line}" if w.line else w.path), esc(w.message)] for w in node.warnings),
            )
        )
    if gaps:
        lines.append("## Missing sources\n")
        lines.append(table(["Node", "Artifact", "Status", "Message"], _gap_rows(gaps)))
    lines += _absent_tools_note(node.gaps)
    return "\n".join(lines)


def nodes_index_page(cluster: Cluster) -> str:
    lines = ["# Nodes\n"]
    lines += [f"- [{esc(n.name)}]({slug(n.name)}.md)" for n in cluster.nodes]
    return "\n".join(lines) + "\n"


def gaps_page(cluster: Cluster) -> str:
    every = list(cluster.gaps) + [g for n in cluster.nodes for g in n.gaps]
    all_gaps = real_gaps(every)
    lines = ["# What is missing\n"]
    if not all_gaps:
        lines.append("Nothing: every source netdoc looks for was read.\n")
    else:
        lines.append(
            "These sources could not be read or parsed. The rest of the site is built from what was read.\n"
        )
        lines.append(table(["Node", "Artifact", "Status", "Message"], _gap_rows(all_gaps)))
    absent = [g for g in every if is_absent_tool(g)]
    if absent:
        lines.append("## Tools not installed on some nodes\n")
        lines.append("Not failures: these commands do not exist on the node (for example no Open vSwitch).\n")
        lines.append(table(["Node", "Artifact", "Status", "Message"], _gap_rows(absent)))
    return "\n".join(lines)


def _findings_page(site: SiteInput, cluster: str) -> str:
    findings = [f for f in site.audit.findings if f.cluster == cluster]
    lines = [f"{WIDE}# Findings: {esc(cluster)}\n"]
    if not findings:
        lines.append("No finding: every check passed.\n")
    for severity in Severity.__members__.values():
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        lines.append(f"## {severity.value.capitalize()} ({len(group)})\n")
        lines.append(
            table(
                ["Check", "Subject", "Finding", "Evidence"],
                (
                    [
                        code(f.code),
                        esc(f.subject),
                        esc(f.message),
                        "<br>".join(code(str(e)) for e in f.evidence),
                    ]
                    for f in group
                ),
            )
        )
    return "\n".join(lines)


def _diagram_block(diagram: Diagram | None) -> list[str]:
    if diagram is None or not diagram.svg:
        return []
    return [f'<div class="netdoc-diagram" markdown="0">\n{diagram.svg.strip()}\n</div>\n']


def _home_page(site: SiteInput) -> str:
    lines = ["# Clusters\n"]
    rows = []
    for c in site.topology.estate.clusters:
        counts = dict.fromkeys(Severity, 0)
        for f in site.audit.findings:
            if f.cluster == c.name:
                counts[f.severity] += 1
        shown = ", ".join(
            f"{n} {s.value}" for s, n in sorted(counts.items(), key=lambda kv: -kv[0].rank) if n
        )
        gaps = real_gaps(list(c.sources.gaps) + [g for n in c.sources.nodes for g in n.gaps])
        rows.append(
            [
                f"[{esc(c.name)}]({links.md_link(links.HOME, links.cluster_page(c.name))})",
                str(len(c.hosts)),
                str(sum(len(h.sources.guests) for h in c.hosts)),
                f"[{esc(shown or 'none')}]({links.md_link(links.HOME, links.findings_page(c.name))})",
                esc(c.sources.collected_at or "unknown"),
                f"[{len(gaps)}]({links.md_link(links.HOME, links.gaps_page(c.name))})" if gaps else "none",
            ]
        )
    lines.append(table(["Cluster", "Nodes", "Guests", "Findings", "Collected at", "Not collected"], rows))
    return "\n".join(lines)


def site_title(site: SiteInput) -> str:
    names = [c.name for c in site.topology.estate.clusters]
    return "netdoc: " + (names[0] if len(names) == 1 else f"{len(names)} clusters")


def site_pages(site: SiteInput) -> dict[str, str]:
    """Every page of the site, keyed by its path below the docs folder (render/links.py's layout)."""
    pages = {links.HOME: _home_page(site)}
    for net in site.topology.estate.clusters:
        cluster = net.sources
        base = links.slug(net.name)
        overview = site.diagram(net.name, "cluster")
        index = index_page(cluster).split("\n", 1)
        pages[links.cluster_page(net.name)] = "\n".join(
            [
                index[0],
                "",
                *_diagram_block(overview),
                "[Findings](findings.md)\n",
                index[1] if len(index) > 1 else "",
            ]
        )
        pages[f"{base}/nodes/index.md"] = nodes_index_page(cluster)
        pages[links.gaps_page(net.name)] = gaps_page(cluster)
        pages[links.findings_page(net.name)] = _findings_page(site, net.name)
        for node in cluster.nodes:
            pages[links.node_page(net.name, node.name)] = node_detail_page(node)
        for diagram in site.diagrams:
            if diagram.cluster == net.name:
                pages[links.diagram_file(net.name, diagram.name, "dot")] = diagram.dot
                if diagram.svg:
                    pages[links.diagram_file(net.name, diagram.name, "svg")] = diagram.svg
    return pages


def site_nav(site: SiteInput) -> list[object]:
    """The explicit nav (kept small: the nav is rendered into every page)."""
    nav: list[object] = [{"Home": links.HOME}]
    for net in site.topology.estate.clusters:
        base = links.slug(net.name)
        nav.append(
            {
                net.name: [
                    links.cluster_page(net.name),
                    {"Findings": links.findings_page(net.name)},
                    {
                        "Nodes": [
                            f"{base}/nodes/index.md",
                            *({n.name: links.node_page(net.name, n.name)} for n in net.hosts),
                        ]
                    },
                    {"Missing": links.gaps_page(net.name)},
                ]
            }
        )
    return nav
