"""The report as one self-contained HTML file: inline CSS and SVG, a table of contents, printable.

The same HTML is what the PDF is made of (WeasyPrint: page numbers in the footer and in the table
of contents through CSS paged media). Every text from a cluster is escaped; the SVGs are
graphviz's, whose text graphviz escapes itself.
"""

from __future__ import annotations

import base64
import html

from netdoc.render.report.document import Report, Section, Table

CSS = """
@page { size: A4 landscape; margin: 14mm 12mm 16mm 12mm;
  @bottom-left { content: TITLE; font-size: 8pt; color: #666; }
  @bottom-right { content: "page " counter(page) " of " counter(pages); font-size: 8pt; color: #666; } }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 9pt; color: #222; margin: 1.5em; }
h1 { font-size: 18pt; margin-bottom: .2em; }
h2 { font-size: 14pt; border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 1.6em;
  page-break-before: always; }
h2.first { page-break-before: auto; }
h3 { font-size: 11pt; margin-top: 1.2em; page-break-after: avoid; }
p.meta { color: #555; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; table-layout: auto; }
th, td { border: 1px solid #ccc; padding: 2px 4px; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
td.short { white-space: nowrap; overflow-wrap: normal; }
th.short { overflow-wrap: normal; }
th.words, td.words { overflow-wrap: break-word; }
table.fixed { table-layout: fixed; }
th { background: #eef1f8; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
td.sev-critical, td.sev-high { color: #b00020; font-weight: bold; }
td.sev-medium { color: #a35a00; font-weight: bold; }
td.sev-low { color: #00607a; }
td.sev-info { color: #666; }
nav#toc ol { list-style: none; padding-left: 0; }
nav#toc ol ol { padding-left: 1.5em; }
nav#toc a { text-decoration: none; color: #222; }
nav#toc a::after { content: leader('.') target-counter(attr(href), page); }
figure { margin: 1em 0; page-break-inside: avoid; }
figure img { max-width: 100%; max-height: 135mm; width: auto; height: auto; object-fit: contain; }
figcaption { font-weight: bold; margin-bottom: .3em; }
pre { font-size: 7.5pt; white-space: pre-wrap; overflow-wrap: anywhere; background: #fafafa;
  border: 1px solid #eee; padding: 4px; }
span.ln { color: #999; display: inline-block; width: 3.5em; }
p.note { font-style: italic; color: #555; }
@media print { body { margin: 0; } }
"""


# Columns of short values: kept on one line (breaking "high" or "pve1" in pieces helps nobody).
SHORT = frozenset(
    {"Severity", "Check", "Cluster", "Node", "Type", "VLAN", "MTU", "MTU (runtime)", "NIC", "VMID", "Link"}
    | {
        "Priority",
        "State",
        "Online",
        "Nodes",
        "Gaps",
        "NICs",
        "Bonds",
        "Bridges",
        "Guests",
        "Kind",
        "Firewall",
    }
)


# Columns of names: broken between words only, so that "proxmox2" never becomes "prox / mox / 2"
# (break-word, unlike anywhere, leaves a word's width as the column's minimum).
WORDS = frozenset(
    {"Subject", "Interface", "Bridge", "Bond", "Name", "Guest", "Slave", "Zone", "VNet", "Source", "Storage"}
    | {"Address", "Addresses", "Addresses (configured)", "Addresses (runtime)"}
)


def _css_string(text: str) -> str:
    """A CSS string literal of any text: every character but letters, digits and blanks as a
    CSS escape, so no quote, brace or `</style>` from a cluster's name can end it. (A literal
    footer title rather than `string-set` from the h1: WeasyPrint lays the pages out a third
    faster without a running string.)"""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _widths(t: Table) -> list[float]:
    """Column widths in percent from what the columns hold (a fixed layout: WeasyPrint lays out a
    fixed table twice as fast as an auto one, which measures every cell first).

    In characters of the body font: a short column (kept on one line) needs its longest value, a
    column of names its longest word, any other column can break anywhere; what is left of the
    page's width goes to the columns whose values are longer than their minimum.
    """
    available = (273 - 3 * len(t.headers)) / 1.9  # A4 landscape less margins and cell padding
    least, want, hard = [], [], []
    for i, h in enumerate(t.headers):
        values = [r[i] for r in t.rows if i < len(r)]
        lengths = sorted(len(v) for v in values) or [0]
        p90 = lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]
        header_word = max([len(w) for w in h.split()] or [1]) * 1.1  # bold
        if h in SHORT:  # one line: its longest value must fit (DejaVu Sans runs wide)
            low = max(header_word, lengths[-1] * 1.25, 3.0)
        elif h in WORDS:
            low = max(header_word, float(max((len(w) for v in values for w in v.split()), default=1)))
        else:
            low = max(header_word, 4.0)
        hard.append(h in SHORT or (h in WORDS and low <= 16))
        least.append(low + 1)
        want.append(max(low + 1, min(50.0, float(p90)) + 1))
    if sum(want) <= available:
        widths = want
    elif sum(least) <= available:
        spare = available - sum(least)
        flexible = sum(w - lo for w, lo in zip(want, least, strict=True)) or 1.0
        widths = [lo + (w - lo) * spare / flexible for w, lo in zip(want, least, strict=True)]
    else:  # not even the minimums fit: the short columns keep theirs, the others share the rest
        fixed = sum(lo for lo, h in zip(least, hard, strict=True) if h)
        soft = sum(lo for lo, h in zip(least, hard, strict=True) if not h) or 1.0
        scale = max(0.3, (available - fixed) / soft)
        widths = [lo if h else lo * scale for lo, h in zip(least, hard, strict=True)]
    total = sum(widths)
    return [100 * w / total for w in widths]


def _table(t: Table, anchor: str, fixed: bool = False) -> list[str]:
    out = [f'<h3 id="{_e(anchor)}">{_e(t.title)}</h3>']
    if t.note and not t.rows:
        return [*out, f'<p class="note">{_e(t.note)}</p>']
    kind = ["short" if h in SHORT else "words" if h in WORDS else "" for h in t.headers]
    head = "".join(
        f"<th{f' class={k}' if k else ''}>{_e(h)}</th>" for h, k in zip(t.headers, kind, strict=True)
    )
    if fixed:
        cols = "".join(f'<col style="width: {w:.1f}%">' for w in _widths(t))
        out.append(f'<table class="fixed"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>')
    else:
        out.append(f"<table><thead><tr>{head}</tr></thead><tbody>")
    sev = t.headers.index("Severity") if "Severity" in t.headers else -1
    for row in t.rows:
        cells = []
        for i, cell in enumerate(row):
            classes = [c for c in (kind[i] if i < len(kind) else "", f"sev-{cell}" if i == sev else "") if c]
            cls = f' class="{_e(" ".join(classes))}"' if classes else ""
            cells.append(f"<td{cls}>{_e(cell)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if t.note:
        out.append(f'<p class="note">{_e(t.note)}</p>')
    return out


def _section(s: Section, first: bool, fixed: bool = False) -> list[str]:
    cls = ' class="first"' if first else ""
    out = [f'<section id="{_e(s.key)}"><h2{cls}>{_e(s.title)}</h2>']
    out += [f"<p>{_e(p)}</p>" for p in s.paragraphs]
    for t in s.tables:
        out += _table(t, f"{s.key}-{t.key}", fixed)
    for i, fig in enumerate(s.figures):
        # an image, not inline SVG: each diagram keeps its own element ids (they repeat across diagrams)
        data = base64.b64encode(fig.svg.encode("utf-8")).decode("ascii")
        img = f'<img alt="{_e(fig.title)}" src="data:image/svg+xml;base64,{data}">'
        out.append(f'<figure id="{_e(s.key)}-{i}"><figcaption>{_e(fig.title)}</figcaption>{img}</figure>')
    for sub in s.subsections:
        out += _section(sub, False, fixed)
    out.append("</section>")
    return out


def _toc(report: Report) -> list[str]:
    items = []
    for s in report.sections:
        subs = [
            f'<li><a href="#{_e(s.key)}-{_e(t.key)}">{_e(t.title)}</a></li>'
            for t in s.tables
            if t.title != s.title
        ]
        inner = f"<ol>{''.join(subs)}</ol>" if subs else ""
        items.append(f'<li><a href="#{_e(s.key)}">{_e(s.title)}</a>{inner}</li>')
    if report.appendix:
        items.append('<li><a href="#appendix">Appendix: source configuration</a></li>')
    return ['<nav id="toc"><h2 class="first">Contents</h2><ol>', *items, "</ol></nav>"]


def _appendix(report: Report) -> list[str]:
    if not report.appendix:
        return []
    out = ['<section id="appendix"><h2>Appendix: source configuration</h2>']
    out.append(
        "<p>The configuration files read from each node, as stored in the snapshot (secrets redacted).</p>"
    )
    if report.appendix_note:
        out.append(f'<p class="note">{_e(report.appendix_note)}</p>')
    for i, f in enumerate(report.appendix):
        lines = f.text.splitlines()
        body = "\n".join(f'<span class="ln">{n}</span>{_e(line)}' for n, line in enumerate(lines, start=1))
        out.append(f'<h3 id="src-{i}">{_e(f.cluster)}: {_e(f.path)}</h3><pre>{body}</pre>')
    out.append("</section>")
    return out


def report_html(report: Report, *, fixed_layout: bool = False) -> str:
    """The report as one HTML file; `fixed_layout`: column widths set from the contents (for the PDF)."""
    when = "; ".join(f"{c} collected at {t or 'unknown time'}" for c, t in report.generated_from)
    stamp = max((t for _, t in report.generated_from if t), default="1970-01-01T00:00:00Z")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(report.title)}</title>",
        '<meta name="generator" content="netdoc">',
        f'<meta name="dcterms.created" content="{_e(stamp)}">',
        f'<meta name="dcterms.modified" content="{_e(stamp)}">',
        f"<style>{CSS.replace('TITLE', _css_string(report.title))}</style></head><body>",
        f"<header><h1>{_e(report.title)}</h1>",
        f'<p class="meta">{_e(when)}. Made by netdoc {_e(report.netdoc_version)} '
        "from the snapshots alone.</p>",
        "</header>",
        *_toc(report),
    ]
    for s in report.sections:
        parts += _section(s, False, fixed_layout)
    parts += _appendix(report)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
