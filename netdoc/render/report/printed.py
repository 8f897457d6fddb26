"""The report as printed (PDF): the same document, condensed where a large estate would make it a book.

A PDF of every guest NIC and every source file of 6,000 guests is thousands of pages that nobody
reads and that WeasyPrint lays out at about 0.15 s a page. So the printed report keeps everything
an auditor reads page by page and summarises the long lists, each time saying where the whole
list is (the HTML, JSON, XLSX and CSV reports and the site hold everything):

- informational findings, beyond INFO_ROWS of them, become one row per check (count, subjects);
- guest NICs, beyond GUEST_ROWS, become one row per cluster, node, bridge and VLAN (NICs, with
  the firewall off, without a MAC);
  and when that is still longer than TABLE_ROWS, one row per node;
- any other table of nodes' things (interfaces, bridges, VLANs by node, ...) longer than
  TABLE_ROWS becomes one row per cluster and node: how many, by kind;
- the diagrams of the nodes, beyond NODE_FIGURES of them, are left out (the cluster's overview,
  corosync, storage and cabling diagrams stay);
- the appendix, beyond APPENDIX_LINES lines, keeps the files a finding cites and the cluster-wide
  configuration (/etc/pve, guest configurations excepted).

Small estates (the bundled example, the lab scenarios) print whole.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict

from netdoc.model.names import natural_key
from netdoc.render.report.document import Report, Section, SourceFile, Table

INFO_ROWS = 30
GUEST_ROWS = 300
TABLE_ROWS = 400
NODE_FIGURES = 16
APPENDIX_LINES = 3000
_SUBJECTS_SHOWN = 12
_ELSEWHERE = "the HTML, JSON, XLSX and CSV reports and the site list every one"


def _findings(t: Table) -> tuple[Table, ...]:
    sev = t.headers.index("Severity")
    info = [r for r in t.rows if r[sev] == "info"]
    if len(info) <= INFO_ROWS:
        return (t,)
    check, subject = t.headers.index("Check"), t.headers.index("Subject")
    by_check: dict[str, list[str]] = defaultdict(list)
    for r in info:
        by_check[r[check]].append(r[subject])
    rows = []
    for code in sorted(by_check):
        subjects = by_check[code]
        shown = ", ".join(subjects[:_SUBJECTS_SHOWN])
        more = len(subjects) - _SUBJECTS_SHOWN
        rows.append((code, str(len(subjects)), shown + (f" and {more} more" if more > 0 else "")))
    kept = dataclasses.replace(t, rows=tuple(r for r in t.rows if r[sev] != "info"))
    summary = Table(
        "findings_info",
        "Informational findings by check",
        ("Check", "Count", "Subjects"),
        tuple(rows),
        f"{len(info)} informational findings, one row per check here; {_ELSEWHERE}.",
    )
    return kept, summary


def _guest_nics(t: Table) -> Table:
    if len(t.rows) <= GUEST_ROWS:
        return t
    col = {h: i for i, h in enumerate(t.headers)}

    def cell(row: tuple[str, ...], name: str) -> str:
        i = col.get(name)
        return row[i] if i is not None and i < len(row) else ""

    nics: Counter[tuple[str, str, str, str]] = Counter()
    fw_off: Counter[tuple[str, str, str, str]] = Counter()
    no_mac: Counter[tuple[str, str, str, str]] = Counter()
    for r in t.rows:
        key = (cell(r, "Cluster"), cell(r, "Node"), cell(r, "Bridge"), cell(r, "VLAN"))
        nics[key] += 1
        fw_off[key] += cell(r, "Firewall").startswith("off")
        no_mac[key] += not cell(r, "MAC")
    if len(nics) <= TABLE_ROWS:
        rows = tuple(
            (*key, str(nics[key]), str(fw_off[key]), str(no_mac[key]))
            for key in sorted(nics, key=lambda k: (k[0], k[1], k[2], k[3].zfill(5)))
        )
        return Table(
            "guest_nics_summary",
            "Guest NICs by node, bridge and VLAN",
            ("Cluster", "Node", "Bridge", "VLAN", "NICs", "Firewall off", "No MAC"),
            rows,
            f"{len(t.rows)} guest NICs, one row per node, bridge and VLAN here; {_ELSEWHERE}.",
        )
    per_node: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    vlans: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (cluster, node, bridge, vlan), n in nics.items():
        counts = per_node[(cluster, node)]
        key = (cluster, node, bridge, vlan)
        counts[0] += n
        counts[1] += fw_off[key]
        counts[2] += no_mac[key]
        if vlan:
            vlans[(cluster, node)].add(vlan)
    return Table(
        "guest_nics_summary",
        "Guest NICs by node",
        ("Cluster", "Node", "NICs", "VLANs", "Firewall off", "No MAC"),
        tuple(
            (c, n, str(v[0]), str(len(vlans[(c, n)])), str(v[1]), str(v[2]))
            for (c, n), v in sorted(
                per_node.items(), key=lambda kv: (natural_key(kv[0][0]), natural_key(kv[0][1]))
            )
        ),
        f"{len(t.rows)} guest NICs, one row per node here; {_ELSEWHERE}.",
    )


def _per_node(t: Table) -> Table:
    """A long table of nodes' things as one row per cluster and node: how many, by kind."""
    if len(t.rows) <= TABLE_ROWS or not {"Cluster", "Node"} <= set(t.headers):
        return t
    c, n = t.headers.index("Cluster"), t.headers.index("Node")
    kind = next((t.headers.index(h) for h in ("Kind", "Type") if h in t.headers), None)
    counts: Counter[tuple[str, str]] = Counter()
    kinds: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in t.rows:
        key = (row[c], row[n])
        counts[key] += 1
        if kind is not None:
            kinds[key][row[kind] or "-"] += 1
    headers = ("Cluster", "Node", "Count") + (("By kind",) if kind is not None else ())
    rows = tuple(
        (*key, str(counts[key]))
        + ((", ".join(f"{k} {v}" for k, v in sorted(kinds[key].items())),) if kind is not None else ())
        for key in sorted(counts)
    )
    note = f"{len(t.rows)} rows, one per node here; {_ELSEWHERE}."
    return Table(f"{t.key}_by_node", f"{t.title}: by node", headers, rows, note)


def _section(s: Section) -> Section:
    tables: list[Table] = []
    for t in s.tables:
        if t.key == "findings" and "Severity" in t.headers:
            tables += _findings(t)
        elif t.key == "guest_nics":
            tables.append(_guest_nics(t))
        else:
            tables.append(_per_node(t))
    figures, paragraphs = s.figures, s.paragraphs
    nodes = [f for f in figures if f.node]
    if len(nodes) > NODE_FIGURES:
        figures = tuple(f for f in figures if not f.node)
        paragraphs = (
            *paragraphs,
            f"The {len(nodes)} node diagrams are left out of the printed report; the HTML report "
            "and the site's node pages show each one.",
        )
    return dataclasses.replace(
        s,
        paragraphs=paragraphs,
        tables=tuple(tables),
        figures=figures,
        subsections=tuple(_section(x) for x in s.subsections),
    )


def _cited(report: Report) -> set[str]:
    """Snapshot paths named by the evidence of every finding that is not informational."""
    paths: set[str] = set()
    for t in report.tables():
        if t.key != "findings" or "Severity" not in t.headers:
            continue
        sev = t.headers.index("Severity")
        ev = next((i for i, h in enumerate(t.headers) if h.startswith("Evidence")), None)
        if ev is None:
            continue
        for row in t.rows:
            if row[sev] == "info":
                continue
            for part in row[ev].split("; "):
                paths.add(part.split(" (", 1)[0].rsplit(":", 1)[0])
    return paths


def _cluster_wide(f: SourceFile) -> bool:
    parts = f.path.split("/")
    if "pve" not in parts[2:4]:
        return False
    return not any(p in ("qemu-server", "lxc") for p in parts)


def _appendix(report: Report) -> tuple[tuple[SourceFile, ...], str]:
    lines = sum(f.text.count("\n") + 1 for f in report.appendix)
    if lines <= APPENDIX_LINES:
        return report.appendix, ""
    cited = _cited(report)
    kept = tuple(f for f in report.appendix if f.path in cited or _cluster_wide(f))
    note = (
        f"{len(kept)} of the {len(report.appendix)} source files: those a finding cites and the "
        "cluster-wide configuration (/etc/pve, guest configurations excepted); the HTML report "
        "and the site's source pages hold every file."
    )
    return kept, note


def for_print(report: Report) -> Report:
    """The report condensed for paper (module docstring); unchanged when the estate is small."""
    appendix, note = _appendix(report)
    return dataclasses.replace(
        report,
        sections=tuple(_section(s) for s in report.sections),
        appendix=appendix,
        appendix_note=note or report.appendix_note,
    )
