"""A cluster's findings page: grouped by severity, each with its evidence linked to the source line;
waived findings apart, with the waiver's reason and expiry.
"""

from __future__ import annotations

from netdoc.audit.finding import Finding
from netdoc.audit.run import Waived
from netdoc.render import links
from netdoc.render.markdown import code, esc, table
from netdoc.render.pages.common import NONE, front_matter, heading, link
from netdoc.render.pages.context import ClusterCtx
from netdoc.render.pages.home import SEVERITIES


def _subject(cc: ClusterCtx, page: str, finding: Finding) -> str:
    """The subject, linked to the first element it is about (a row of a node page, a VLAN, ...)."""
    text = esc(finding.subject)
    return cc.ctx.element(page, finding.ids[0], text) if finding.ids else text


def _evidence(cc: ClusterCtx, page: str, finding: Finding) -> str:
    return "<br>".join(cc.src.evidence(page, ev) for ev in finding.evidence) or NONE


def _row(cc: ClusterCtx, page: str, finding: Finding) -> list[str]:
    return [
        code(finding.code) + "<br>" + esc(finding.title),
        _subject(cc, page, finding),
        esc(finding.message),
        _evidence(cc, page, finding),
    ]


def _waived_row(cc: ClusterCtx, page: str, waived: Waived) -> list[str]:
    w = waived.waiver
    return [
        code(waived.finding.code),
        _subject(cc, page, waived.finding),
        esc(waived.finding.message),
        esc(w.reason),
        esc(w.expires.isoformat()),
        code(w.where) if w.where else NONE,
        _evidence(cc, page, waived.finding),
    ]


def findings_page(cc: ClusterCtx) -> str:
    site, net = cc.site, cc.net
    page = links.findings_page(net.name)
    findings = [f for f in site.audit.findings if f.cluster == net.name]
    waived = [w for w in site.audit.waived if w.finding.cluster == net.name]
    lines = [f"# Findings: {esc(net.name)}\n"]
    summary = [f"{sum(1 for f in findings if f.severity is s)} {s.value}" for s in SEVERITIES]
    lines.append(
        ", ".join(summary)
        + f"; {len(waived)} waived. Each finding links the lines that show it; "
        + link(page, links.cluster_page(net.name), "back to the cluster")
        + ".\n"
    )
    if not findings:
        lines.append("No finding: every check passed.\n")
    for severity in SEVERITIES:
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        lines.append(heading(2, f"{severity.value.capitalize()} ({len(group)})", severity.value))
        lines.append(table(["Check", "Subject", "Finding", "Evidence"], (_row(cc, page, f) for f in group)))
    if waived:
        lines.append(heading(2, f"Waived ({len(waived)})", "waived"))
        lines.append(
            "Accepted by an admin (the waiver file given with `--waivers`): not counted above until the "
            "waiver expires.\n"
        )
        lines.append(
            table(
                ["Check", "Subject", "Finding", "Reason", "Expires", "Waiver", "Evidence"],
                (_waived_row(cc, page, w) for w in waived),
            )
        )
    return front_matter(f"Findings: {net.name}", wide=True) + "\n".join(lines)
