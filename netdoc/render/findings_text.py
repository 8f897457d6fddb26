"""The audit on a terminal and as JSON: what `netdoc check` prints.

Table: most severe first, each finding with its evidence (file and line) under it; a rich table on
a terminal, plain lines otherwise (cron mails, CI logs). JSON: `netdoc-findings/1`, stable order.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from netdoc.audit.finding import Finding, Severity
from netdoc.audit.run import AuditResult
from netdoc.topology.graph import Topology

FORMAT = "netdoc-findings/1"
_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def _pve_nodes(topology: Topology) -> dict[str, str | None]:
    return {c.name: c.sources.pve_files_node for c in topology.estate.clusters}


def _finding_json(f: Finding, pve: dict[str, str | None]) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity.value,
        "cluster": f.cluster,
        "node": f.node,
        "subject": f.subject,
        "title": f.title,
        "message": f.message,
        "evidence": [
            {
                "node": e.node,
                "path": e.ref.path,
                "line": e.ref.line,
                "note": e.note,
                "artifact": e.artifact(pve.get(f.cluster)),
            }
            for e in f.evidence
        ],
        "ids": list(f.ids),
    }


def findings_json(topology: Topology, result: AuditResult) -> str:
    pve = _pve_nodes(topology)
    doc = {
        "format": FORMAT,
        "clusters": [
            {"name": c.name, "collected_at": c.sources.collected_at, "nodes": [h.name for h in c.hosts]}
            for c in topology.estate.clusters
        ],
        "counts": {s.value: n for s, n in result.counts().items()},
        "findings": [_finding_json(f, pve) for f in result.findings],
        "waived": [
            {
                **_finding_json(w.finding, pve),
                "waiver": {
                    "reason": w.waiver.reason,
                    "expires": w.waiver.expires.isoformat(),
                    "file": w.waiver.path,
                    "line": w.waiver.line,
                },
            }
            for w in result.waived
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _summary(result: AuditResult) -> str:
    counts = result.counts()
    parts = [f"{n} {s.value}" for s, n in sorted(counts.items(), key=lambda kv: -kv[0].rank) if n]
    total = len(result.findings)
    text = f"{total} finding{'s' if total != 1 else ''}" + (f": {', '.join(parts)}" if parts else "")
    if result.waived:
        text += f"; {len(result.waived)} waived"
    return text


def findings_table(console: Console, topology: Topology, result: AuditResult) -> None:
    several = len(topology.estate.clusters) > 1
    clusters = ", ".join(c.name for c in topology.estate.clusters)
    if not console.is_terminal:
        for f in result.findings:
            subject = f"{f.cluster}/{f.subject}" if several else f.subject
            console.print(f"{f.severity.value.upper():8} {f.code}  {subject}: {f.message}", markup=False)
            for e in f.evidence:
                console.print(f"         evidence: {e}", markup=False)
        for w in result.waived:
            console.print(
                f"WAIVED   {w.finding.code}  {w.finding.key}: until {w.waiver.expires} ({w.waiver.reason})",
                markup=False,
            )
        console.print(f"{clusters}: {_summary(result)}", markup=False)
        return
    table = Table(title=f"netdoc check: {clusters}", show_lines=True, expand=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Check", no_wrap=True)
    table.add_column("Subject", no_wrap=True)
    table.add_column("Finding and evidence", ratio=1)
    for f in result.findings:
        body = Text(f.message)
        for e in f.evidence:
            body.append(f"\n{e}", style="dim")
        subject = f"{f.cluster}/{f.subject}" if several else f.subject
        table.add_row(Text(f.severity.value, style=_STYLE[f.severity]), f.code, subject, body)
    console.print(table)
    for w in result.waived:
        console.print(
            Text(
                f"waived: {w.finding.code} {w.finding.key} until {w.waiver.expires} ({w.waiver.reason})",
                style="dim",
            )
        )
    console.print(_summary(result))
