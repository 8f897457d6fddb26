"""The home page (every cluster: counts, findings by severity, collection time, what is missing, the
switches LLDP sees) and the pages around it: the admin's notes and each cluster's gaps page.
"""

from __future__ import annotations

import re

from netdoc.audit.finding import Severity
from netdoc.model.cluster import Cluster, Gap
from netdoc.model.netcluster import ClusterNet, Switch
from netdoc.render import links
from netdoc.render.markdown import code, esc, table
from netdoc.render.pages.common import NONE, codes, front_matter, heading, link, row_id
from netdoc.render.siteinput import SiteInput

SEVERITIES = sorted(Severity, key=lambda s: -s.rank)  # critical first
# Gaps shown on the home page per cluster; the rest are on its gaps page.
HOME_GAPS = 5


def is_absent_tool(gap: Gap) -> bool:
    """A command that is simply not on the node (no OVS, no lldpd): a fact, not a collection failure."""
    return gap.status == "missing" and "/commands/" in gap.artifact


def all_gaps(cluster: Cluster) -> list[Gap]:
    return list(cluster.gaps) + [g for n in cluster.nodes for g in n.gaps]


def real_gaps(gaps: list[Gap] | tuple[Gap, ...]) -> list[Gap]:
    return [g for g in gaps if not is_absent_tool(g)]


def gap_rows(gaps: list[Gap] | tuple[Gap, ...]) -> list[list[str]]:
    return [[esc(g.node or "cluster"), code(g.artifact), esc(g.status), esc(g.message)] for g in gaps]


def _counts(site: SiteInput, cluster: str) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for f in site.audit.findings:
        if f.cluster == cluster:
            counts[f.severity] += 1
    return counts


def _cluster_row(site: SiteInput, net: ClusterNet) -> list[str]:
    page = links.HOME
    counts = _counts(site, net.name)
    findings = links.findings_page(net.name)
    cells = [link(page, findings, str(counts[s]), s.value) if counts[s] else "0" for s in SEVERITIES]
    waived = sum(1 for w in site.audit.waived if w.finding.cluster == net.name)
    gaps = real_gaps(all_gaps(net.sources))
    collected = net.sources.collected_at or "unknown (no manifest)"
    return [
        link(page, links.cluster_page(net.name), f"**{esc(net.name)}**"),
        link(page, links.nodes_index(net.name), str(len(net.hosts))),
        str(sum(len(h.sources.guests) for h in net.hosts)),
        str(sum(1 for h in net.hosts for i in h.ifaces if i.is_physical)),
        *cells,
        link(page, findings, str(waived), "waived") if waived else "0",
        esc(collected),
        link(page, links.gaps_page(net.name), f"{len(gaps)} source(s)") if gaps else "nothing",
    ]


def _switches(site: SiteInput) -> list[str]:
    by_name: dict[str, list[tuple[ClusterNet, Switch]]] = {}
    for net in site.topology.estate.clusters:
        for switch in net.switches:
            by_name.setdefault(switch.name, []).append((net, switch))
    if not by_name:
        return []
    rows = []
    for name in sorted(by_name):
        seen = by_name[name]
        first = seen[0][1]
        cabled = []
        for net, switch in seen:
            for lk in switch.links:
                node = link(links.HOME, links.node_page(net.name, lk.node), esc(f"{net.name}/{lk.node}"), "")
                nic = link(
                    links.HOME, links.node_page(net.name, lk.node), code(lk.nic), links.iface_anchor(lk.nic)
                )
                cabled.append(f"{node} {nic} → {code(lk.port)}")
        rows.append(
            [
                row_id(links.switch_anchor(name)) + f"**{esc(name)}**",
                code(first.chassis_id) if first.chassis_id else NONE,
                esc(first.descr or ""),
                codes(first.mgmt_addresses) or NONE,
                "<br>".join(cabled),
            ]
        )
    return [
        heading(2, "Switches", "switches"),
        "Every LLDP neighbour that is not a node: the switch, and the node NICs cabled to each port.\n",
        table(["Switch", "Chassis", "Description", "Management", "Cabled to"], rows),
    ]


def home_page(site: SiteInput) -> str:
    page = links.HOME
    lines = [
        "# Clusters\n",
        "The network of every cluster, as the last collection saw it. "
        + link(page, links.GUESTS, "Every guest NIC")
        + " (search finds a guest by name, MAC or address) · "
        + link(page, links.GLOSSARY, "Glossary")
        + "\n",
    ]
    headers = ["Cluster", "Nodes", "Guests", "NICs", *(s.value.capitalize() for s in SEVERITIES)]
    headers += ["Waived", "Collected at", "Not collected"]
    rows = [_cluster_row(site, net) for net in site.topology.estate.clusters]
    lines.append(table(headers, rows))
    for net in site.topology.estate.clusters:
        gaps = real_gaps(all_gaps(net.sources))
        if not gaps:
            continue
        lines.append(f"**{esc(net.name)}: not collected**\n")
        shown = [
            f"- {esc(g.node or 'cluster')}: {code(g.artifact)} ({esc(g.status)})" for g in gaps[:HOME_GAPS]
        ]
        if len(gaps) > HOME_GAPS:
            more = len(gaps) - HOME_GAPS
            shown.append("- " + link(page, links.gaps_page(net.name), f"{more} more"))
        lines.append("\n".join(shown) + "\n")
    lines += _switches(site)
    if site.notes:
        lines.append(heading(2, "Notes", "notes"))
        lines.append(
            "\n".join(
                f"- {link(page, links.note_page(p), esc(note_title(p, t)))}"
                for p, t in sorted(site.notes.items())
            )
            + "\n"
        )
    return front_matter("Clusters") + "\n".join(lines)


_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def note_title(path: str, text: str) -> str:
    """A note's first level-1 heading, else its file name."""
    found = _TITLE.search(text)
    if found:
        return found.group(1)
    return path.rsplit("/", 1)[-1].removesuffix(".md") or path


def gaps_page(cluster: Cluster) -> str:
    every = all_gaps(cluster)
    gaps = real_gaps(every)
    lines = [f"# What is missing: {esc(cluster.name)}\n"]
    if not gaps:
        lines.append("Nothing: every source netdoc looks for was read.\n")
    else:
        lines.append(
            "These sources could not be read or parsed (or, `altered`, were read with some characters"
            " replaced). The rest of the site is built from what was read.\n"
        )
        lines.append(table(["Node", "Artifact", "Status", "Message"], gap_rows(gaps)))
    absent = [g for g in every if is_absent_tool(g)]
    if absent:
        lines.append("## Tools not installed on some nodes\n")
        lines.append("Not failures: these commands do not exist on the node (for example no Open vSwitch).\n")
        lines.append(table(["Node", "Artifact", "Status", "Message"], gap_rows(absent)))
    return front_matter(f"What is missing: {cluster.name}", wide=True) + "\n".join(lines)
