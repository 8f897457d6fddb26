"""The audit report as one format-free document: sections of paragraphs, tables and diagrams.

Every output format (html, pdf, md, json, csv, xlsx, junit) renders this one document, so they
say the same thing. Cells are plain text (each writer escapes them for its format); a table has a
stable `key` (the csv file name, the xlsx sheet, the json member).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netdoc.audit.finding import Finding


@dataclass(frozen=True)
class Table:
    key: str  # "nodes", "interfaces", "guest_nics", "findings", ...
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Figure:
    title: str
    svg: str  # inline SVG (graphviz output without the XML prolog)
    node: bool = False  # a node's own diagram (the printed report of a large estate leaves them out)


@dataclass(frozen=True)
class Section:
    key: str  # the anchor and json member: "scope", "summary", "inventory", "findings", ...
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[Figure, ...] = ()
    subsections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class SourceFile:
    cluster: str
    path: str  # path in the snapshot
    text: str


@dataclass(frozen=True)
class Report:
    """The report: its title, when (the clusters' collection times), the sections, the appendix."""

    title: str
    clusters: tuple[str, ...]
    generated_from: tuple[tuple[str, str | None], ...]  # (cluster, collected_at)
    netdoc_version: str
    sections: tuple[Section, ...] = ()
    findings: tuple[Finding, ...] = ()  # for the formats that list them one by one (junit, json)
    checks: tuple[tuple[str, str, str], ...] = ()  # (code, severity, title) of every check run
    appendix: tuple[SourceFile, ...] = field(default=())
    waived: tuple[tuple[str, str, str, str], ...] = ()  # (cluster, code, subject, reason), for junit
    appendix_note: str = ""  # what the appendix leaves out (the printed report, render/report/printed.py)

    def tables(self) -> list[Table]:
        """Every table of the report, depth first, in order."""
        out: list[Table] = []

        def walk(sections: tuple[Section, ...]) -> None:
            for s in sections:
                out.extend(s.tables)
                walk(s.subsections)

        walk(self.sections)
        return out
