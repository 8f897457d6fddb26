"""The report as Markdown (for a wiki or a merge request), JSON (netdoc-report/1) and JUnit XML.

JSON's schema is docs/report.schema.json (tests validate every output against it). JUnit: one
test case per check and subject, so a CI dashboard shows the audit: a finding is a failure (an
informational one is a skipped case), a waived finding is skipped with its reason, a check with
no finding on a cluster is one passing case.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from netdoc.audit.finding import Finding, Severity
from netdoc.render.markdown import code as inline_code
from netdoc.render.markdown import esc, table
from netdoc.render.report.document import Report, Section, Table
from netdoc.render.xmlsafe import xml_safe

FORMAT = "netdoc-report/1"


# ------------------------------------------------------------------------------------------ Markdown


def _md_table(t: Table) -> list[str]:
    out = [f"### {esc(t.title)}\n"]
    if t.rows:
        out.append(table([esc(h) for h in t.headers], ([esc(c) for c in row] for row in t.rows)))
    if t.note:
        out.append(f"_{esc(t.note)}_\n")
    return out


def _md_section(s: Section, level: int = 2) -> list[str]:
    out = [f"{'#' * level} {esc(s.title)}\n"]
    out += [f"{esc(p)}\n" for p in s.paragraphs]
    for t in s.tables:
        out += _md_table(t)
    if s.figures:
        out.append(f"_{len(s.figures)} diagram(s): see the HTML or PDF report, or the site._\n")
    for sub in s.subsections:
        out += _md_section(sub, level + 1)
    return out


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in the text: no line of it can close the block
    (a file holding a line of four backticks must not turn the rest of it into Markdown)."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def report_markdown(report: Report) -> str:
    lines = [f"# {esc(report.title)}\n"]
    when = "; ".join(f"{c} collected at {t or 'unknown time'}" for c, t in report.generated_from)
    lines.append(f"{esc(when)}. Made by netdoc {esc(report.netdoc_version)}.\n")
    for s in report.sections:
        lines += _md_section(s)
    if report.appendix:
        lines.append("## Appendix: source configuration\n")
        for f in report.appendix:
            fence = _fence(f.text)
            lines.append(
                f"### {esc(f.cluster)}: {inline_code(f.path)}\n\n{fence}text\n{f.text.rstrip()}\n{fence}\n"
            )
    return "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------------------------------------------ JSON


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity.value,
        "cluster": f.cluster,
        "node": f.node,
        "subject": f.subject,
        "title": f.title,
        "message": f.message,
        "evidence": [
            {"node": e.node, "path": e.ref.path, "line": e.ref.line, "note": e.note} for e in f.evidence
        ],
        "ids": list(f.ids),
    }


def _json_section(s: Section) -> dict[str, Any]:
    return {
        "key": s.key,
        "title": s.title,
        "paragraphs": list(s.paragraphs),
        "tables": [
            {
                "key": t.key,
                "title": t.title,
                "headers": list(t.headers),
                "rows": [list(r) for r in t.rows],
                "note": t.note,
            }
            for t in s.tables
        ],
        "figures": [{"title": f.title} for f in s.figures],
        "sections": [_json_section(sub) for sub in s.subsections],
    }


def report_json(report: Report) -> str:
    doc = {
        "format": FORMAT,
        "title": report.title,
        "netdoc_version": report.netdoc_version,
        "clusters": [{"name": c, "collected_at": t} for c, t in report.generated_from],
        "checks": [{"code": c, "severity": s, "title": t} for c, s, t in report.checks],
        "findings": [_finding(f) for f in report.findings],
        "sections": [_json_section(s) for s in report.sections],
        "appendix": [{"cluster": f.cluster, "path": f.path, "text": f.text} for f in report.appendix],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------------------------------ JUnit


def _case(classname: str, name: str, body: str = "") -> str:
    return f"    <testcase classname={quoteattr(classname)} name={quoteattr(name)}>{body}</testcase>"


def _suite(
    cluster: str, checks: Sequence[tuple[str, str, str]], report: Report, waived: Sequence[str]
) -> list[str]:
    found = [f for f in report.findings if f.cluster == cluster]
    cases = []
    failures = skipped = 0
    for code, _severity, title in checks:
        mine = [f for f in found if f.code == code]
        classname = f"netdoc.{cluster}.{code}"
        if not mine:
            cases.append(_case(classname, f"{code}: {title}"))
        for f in mine:
            text = escape(f.message + "".join(f"\n{e}" for e in f.evidence))
            if f.severity is Severity.INFO:
                skipped += 1
                body = f"<skipped message={quoteattr('informational: ' + f.message)}/>"
            else:
                failures += 1
                kind, message = quoteattr(f.severity.value), quoteattr(f.message)
                body = f"<failure type={kind} message={message}>{text}</failure>"
            cases.append(_case(classname, f"{code} {f.subject}", body))
    for line in waived:
        skipped += 1
        cases.append(line)
    head = (
        f'  <testsuite name={quoteattr("netdoc audit: " + cluster)} tests="{len(cases)}" '
        f'failures="{failures}" errors="0" skipped="{skipped}">'
    )
    return [head, *cases, "  </testsuite>"]


def report_junit(report: Report, waived: Sequence[tuple[str, str, str, str]] = ()) -> str:
    """`waived`: (cluster, code, subject, reason) of each waived finding (skipped cases)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites name="netdoc">']
    for cluster in report.clusters:
        skips = [
            _case(
                f"netdoc.{c}.{code}",
                f"{code} {subject}",
                f"<skipped message={quoteattr('waived: ' + reason)}/>",
            )
            for c, code, subject, reason in waived
            if c == cluster
        ]
        lines += _suite(cluster, report.checks, report, skips)
    lines.append("</testsuites>")
    return xml_safe("\n".join(lines) + "\n")
