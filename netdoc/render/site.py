"""The topology site's pages as Markdown, in memory: {relative path: text}.

Deterministic: the same Cluster always gives the same pages (the only time shown is the
collection time from the manifest). Layout: index.md (cluster and nodes), nodes/index.md,
nodes/<node>.md (interfaces table, pending changes, warnings, gaps), gaps.md.
"""

from __future__ import annotations

from netdoc.model.cluster import Cluster, Gap, Node
from netdoc.model.interfaces import Interface, InterfaceKind, InterfacesConfig
from netdoc.render.markdown import code, esc, slug, table
from netdoc.render.site_sections import bonds_section, corosync_section, guests_section, ovs_section

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


def site_pages(cluster: Cluster) -> dict[str, str]:
    """Every page of the site, keyed by its path below the docs folder."""
    pages = {
        "index.md": index_page(cluster),
        "nodes/index.md": nodes_index_page(cluster),
        "gaps.md": gaps_page(cluster),
    }
    for node in cluster.nodes:
        pages[node_page(node.name)] = node_detail_page(node)
    return pages


def site_nav(cluster: Cluster) -> list[object]:
    """The explicit nav (kept small: the nav is rendered into every page)."""
    return [
        {"Home": "index.md"},
        {"Nodes": ["nodes/index.md", *({n.name: node_page(n.name)} for n in cluster.nodes)]},
        {"Missing": "gaps.md"},
    ]
