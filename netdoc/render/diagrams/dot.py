"""Writing graphviz DOT safely: quoted ids and attributes, escaped labels, safe links, stable order.

Every string from a cluster (names, comments) goes through `quote`, so a name crafted as DOT or
HTML (`"]; x [label=<...>`) stays text in the source and in the SVG graphviz makes of it. Four
graphviz behaviours (2.43) need more than quoting, and the writer handles them for every attribute:

- `tooltip` and the other tooltip attributes expand `\\N`, `\\G`, `\\E` (the node's, the
  graph's name) after the DOT parser has read `\\\\` as `\\`: their backslashes are doubled once
  more, so a comment holding `\\N` shows `\\N`, not the node's name.
- `URL` (and `href`) are written into the SVG's `xlink:href` without any XML escaping: a quote in
  a URL would end the attribute. Links are made by render/links.py from slugs, and the writer
  percent-encodes anything outside a small safe set all the same (a `:` too, so no URL of a
  diagram can carry a scheme such as `javascript:`).
- Entities: graphviz decodes `&...;` in every string (labels as text, ids and tooltips as it
  writes them into the SVG): `quote` writes `&` as `&amp;`, so `&lt;` or `&xxe;` in a name stays
  those characters (the JSON layout keeps `&amp;` in ids and tooltips: drawio.py decodes it).
- HTML-like labels (`label=<...>`) are parsed as markup: only the legend uses one, built from
  netdoc's own words (`html_label`), never from a cluster's.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote as _percent

# Attributes graphviz expands escapes (\N, \G, ...) in, beyond labels.
_ESC_ATTRS = frozenset({"tooltip", "labeltooltip", "edgetooltip", "headtooltip", "tailtooltip"})
_URL_ATTRS = frozenset({"URL", "href", "labelURL", "edgeURL", "headURL", "tailURL"})
# What a relative link of the site may hold as it is; everything else is percent-encoded.
_URL_SAFE = "/#._~-"
# Characters XML 1.0 does not allow (graphviz copies labels into the SVG as they are), and DEL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def quote(text: object) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as graphviz's \\n;
    `&` as `&amp;` (graphviz reads entities in strings: `&lt;` would show as `<`, and an unknown
    `&xxe;` reached the SVG as it was, an undefined entity); control characters (a NUL ends
    graphviz's parse, the others make the SVG invalid XML) shown as U+FFFD."""
    s = _CONTROL.sub("\ufffd", str(text)).replace("&", "&amp;")
    s = s.replace("\\", "\\\\").replace('"', '\\"')
    s = s.replace("\r", "").replace("\n", "\\n")
    return f'"{s}"'


def safe_url(url: str) -> str:
    """A link as graphviz may write it into the SVG unescaped: percent-encoded outside [A-Za-z0-9/#._~-]."""
    return _percent(url, safe=_URL_SAFE)


def value(key: str, text: object) -> str:
    """One attribute's value as DOT text, with the escaping its attribute needs (see the module doc)."""
    if key in _URL_ATTRS:
        return quote(safe_url(str(text)))
    if key in _ESC_ATTRS:
        return quote(str(text).replace("\\", "\\\\"))
    return quote(text)


def attrs(values: Mapping[str, object | None]) -> str:
    """`[a="1", b="x"]` with the None values left out, keys in the given order."""
    items = [f"{k}={value(k, v)}" for k, v in values.items() if v is not None]
    return f" [{', '.join(items)}]" if items else ""


def _swatch(kind: str, colour: str) -> str:
    c = html.escape(colour)
    if kind == "fill":
        return f'<TD WIDTH="22" BGCOLOR="{c}"> </TD>'
    if kind == "border":
        return f'<TD WIDTH="22" BORDER="2" COLOR="{c}"> </TD>'
    line = {"line": "━━━", "dashed": "╍╍╍", "dotted": "┅┅┅"}.get(kind, "━━━")
    return f'<TD WIDTH="22" BORDER="0"><FONT COLOR="{c}">{line}</FONT></TD>'


def html_label(rows: Sequence[tuple[str, str, str]], *, title: str, columns: int = 2) -> str:
    """An HTML-like table label (the legend): (swatch kind, colour, text) entries, `columns` per row.

    Swatch kinds: "fill" (a box of that colour), "border" (an outline), "line", "dashed", "dotted".
    The texts are netdoc's own, escaped all the same.
    """
    cells = [f'<TR><TD COLSPAN="{2 * columns}" ALIGN="LEFT" BORDER="0"><B>{html.escape(title)}</B></TD></TR>']
    for start in range(0, len(rows), columns):
        row = ""
        for kind, colour, text in rows[start : start + columns]:
            row += _swatch(kind, colour) + f'<TD ALIGN="LEFT" BORDER="0">{html.escape(text)}</TD>'
        cells.append(f"<TR>{row}</TR>")
    return (
        '<<TABLE BORDER="1" COLOR="#b0b8c0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="2">'
        + "".join(cells)
        + "</TABLE>>"
    )


class Dot:
    """A small DOT document builder; lines come out in the order they were added.

    Nodes, edges and clusters take their attributes as keyword arguments (None: left out); pass
    `id` (the graph id: graphviz writes it as the SVG element's id), `URL` and `tooltip` for every
    element, so that a click on it opens its page.
    """

    def __init__(
        self,
        name: str,
        *,
        directed: bool = True,
        graph_attrs: Mapping[str, object | None] | None = None,
        **graph: object | None,
    ) -> None:
        self.kind = "digraph" if directed else "graph"
        self.arrow = "->" if directed else "--"
        self.lines = [f"{self.kind} {quote(name)} {{"]
        defaults: dict[str, object | None] = {
            "fontname": "Helvetica",
            "fontsize": "11",
            **(graph_attrs or {}),
            **graph,
        }
        self.lines.append(f"  graph{attrs(defaults)};")
        self.lines.append('  node [fontname="Helvetica", fontsize="10"];')
        self.lines.append('  edge [fontname="Helvetica", fontsize="9"];')
        self.depth = 1
        self.names: set[str] = set()

    def _line(self, text: str) -> None:
        self.lines.append("  " * self.depth + text)

    def defaults(self, what: str, **values: object | None) -> None:
        """`node [...]` or `edge [...]` defaults from here on (in the current cluster)."""
        self._line(f"{what}{attrs(values)};")

    def node(self, name: str, **values: object | None) -> None:
        self.names.add(name)
        self._line(quote(name) + attrs(values) + ";")

    def html_node(self, name: str, label: str, **values: object | None) -> None:
        """A node with an HTML-like label made by `html_label` (never from a cluster's text)."""
        self.names.add(name)
        rest = "".join(f", {k}={value(k, v)}" for k, v in values.items() if v is not None)
        self._line(f"{quote(name)} [label={label}{rest}];")

    def edge(self, a: str, b: str, **values: object | None) -> None:
        self._line(f"{quote(a)} {self.arrow} {quote(b)}" + attrs(values) + ";")

    def open_cluster(self, name: str, **values: object | None) -> None:
        self._line(f"subgraph {quote('cluster_' + name)} {{")
        self.depth += 1
        for key, val in values.items():
            if val is not None:
                self._line(f"{key}={value(key, val)};")

    def close_cluster(self) -> None:
        self.depth -= 1
        self._line("}")

    def same_rank(self, names: Iterable[str]) -> None:
        """Keep these nodes side by side (one column in a left-to-right diagram)."""
        self._line("{rank=same; " + " ".join(quote(n) + ";" for n in names) + "}")

    def text(self) -> str:
        return "\n".join([*self.lines, "}"]) + "\n"
