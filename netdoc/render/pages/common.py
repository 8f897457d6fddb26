"""What every page module shares: front matter, links (pages, graph elements, glossary terms), cells.

Every text that comes from a node goes through `esc` or `code` (render/markdown.py) before it is
put in a Markdown page, or through `html.escape` in raw HTML: a comment, a bridge or a guest name
crafted as markup must show as text. Links between pages are Markdown links to `.md` paths
(mkdocs checks them and rewrites them to `.html`), made from render/links.py only.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from typing import TypeVar

from netdoc.model.interfaces import InterfaceKind
from netdoc.model.net import Iface
from netdoc.render import links
from netdoc.render.kinds import KIND_LABELS
from netdoc.render.markdown import code, esc
from netdoc.render.siteinput import Diagram, SiteInput

# The glossary entry each interface kind is explained in (pages/glossary.py defines them).
KIND_TERMS: dict[InterfaceKind, str] = {
    InterfaceKind.PHYSICAL: "nic-names",
    InterfaceKind.BOND: "bonding",
    InterfaceKind.BRIDGE: "linux-bridge",
    InterfaceKind.VLAN: "vlan-interface",
    InterfaceKind.OVS_BRIDGE: "ovs-bridge",
    InterfaceKind.OVS_BOND: "ovs-port-bond",
    InterfaceKind.OVS_PORT: "ovs-port-system",
    InterfaceKind.OVS_INTPORT: "ovs-port-internal",
    InterfaceKind.VXLAN: "vxlan",
    InterfaceKind.VETH: "veth",
}
# An address longer than this may break anywhere in a table cell (site_css.py `code.netdoc-addr`).
LONG_ADDRESS = 20
NONE = "—"
# A matrix with a column per node holds this many node columns per table, so that 16 nodes make two
# readable tables rather than one wider than the screen.
MATRIX_NODES = 8
T = TypeVar("T")  # a cell with nothing to say (not "unknown": that is "?")


def chunks(items: Sequence[T], size: int = MATRIX_NODES) -> list[Sequence[T]]:
    """A matrix's columns in groups that fit a laptop screen (one table per group)."""
    return [items[i : i + size] for i in range(0, len(items), size)] or [items]


def chunk_title(chunk: Sequence[object], total: int, start: int) -> str:
    """What a matrix table after the first covers ("Nodes 9-16 of 16")."""
    return f"Nodes {start + 1}-{start + len(chunk)} of {total}:\n" if len(chunk) < total else ""


def front_matter(
    title: str, *, wide: bool = False, search_exclude: bool = False, boost: float | None = None
) -> str:
    """The YAML block Material reads: the page's title, `hide: toc` for wide tables, search settings.

    The title is given because mkdocs would take it from the h1, unescaped, and Material writes it
    into `<title>` as it is: a node or cluster name `</title><script>...` would run. Given here,
    HTML-escaped (JSON is valid YAML), it is shown as text.
    """
    lines = [f"title: {json.dumps(html.escape(title), ensure_ascii=False)}"]
    if wide:
        lines += ["hide:", "  - toc"]
    if search_exclude:
        lines += ["search:", "  exclude: true"]
    elif boost is not None:
        lines += ["search:", f"  boost: {boost:g}"]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def link(from_page: str, to_page: str, text: str, fragment: str = "") -> str:
    """A Markdown link; `text` must already be escaped."""
    return f"[{text}]({links.md_link(from_page, to_page, fragment)})"


def term(from_page: str, anchor: str, text: str) -> str:
    """A link to a glossary entry; `text` must already be escaped."""
    return link(from_page, links.GLOSSARY, text, anchor)


def row_id(anchor: str) -> str:
    """An empty element carrying a row's id, put in the row's first cell (a Markdown row has no id)."""
    return f'<span id="{html.escape(anchor)}"></span>'


def heading(level: int, text: str, anchor: str) -> str:
    """A heading with a fixed id (attr_list), so links and diagrams land on it whatever its text."""
    return f"{'#' * level} {text} {{#{anchor}}}\n"


def addr(text: object) -> str:
    """An address as inline code; a long IPv6 one may break anywhere (it is one long word).

    An IPv4 address stays whole: a column that may break anywhere gets the least width of all
    when the table is tight, and "10.0.20.11/2" + "4" is unreadable.
    """
    value = str(text).replace("\n", " ")
    shown = html.escape(value, quote=False).replace("|", "&#124;")
    if ":" in value and len(value) > LONG_ADDRESS:
        return f'<code class="netdoc-addr">{shown}</code>'
    return f"<code>{shown}</code>"


def yes_no(value: bool | None, yes: str = "yes", no: str = "no") -> str:
    return "?" if value is None else (yes if value else no)


def codes(items: Iterable[object], sep: str = " ") -> str:
    return sep.join(code(i) for i in items)


def names(items: Iterable[object], sep: str = ", ") -> str:
    return sep.join(esc(i) for i in items)


def kind_cell(from_page: str, iface: Iface) -> str:
    label = esc(KIND_LABELS.get(iface.kind, iface.kind.value))
    anchor = KIND_TERMS.get(iface.kind)
    return term(from_page, anchor, label) if anchor else label


def state_cell(iface: Iface) -> str:
    """What the interface does now: absent, down, up, or "?" when no runtime source says."""
    if iface.present is False:
        return "**absent**"
    if iface.up is None:
        return "?" if iface.present is None else "present"
    return "up" if iface.up else "**down**"


_SVG_ID = re.compile(r' id="([^"]*)"')


def diagram_block(
    site: SiteInput, cluster: str, name: str, from_page: str, *, own_ids: bool = True
) -> list[str]:
    """A diagram inline (SVG as graphviz drew it, links relative to its page), and its files.

    The SVG's element ids are the graph ids. A page that shows several diagrams draws the same
    elements in each: its later diagrams pass `own_ids=False`, and their ids get the diagram's name
    in front (`corosync-node:c:pve1`), so no id is twice on a page; the SVG files keep theirs."""
    diagram = site.diagram(cluster, name)
    if diagram is None:
        return []
    out = []
    if diagram.svg:
        svg = diagram.svg.strip()
        if not own_ids:
            prefix = links.slug(name)
            svg = _SVG_ID.sub(lambda m: f' id="{prefix}-{m.group(1)}"', svg)
        out.append(f'<div class="netdoc-diagram" markdown="0">\n{svg}\n</div>\n')
    out.append(diagram_files(diagram, from_page))
    return out


def diagram_files(diagram: Diagram, from_page: str) -> str:
    files = []
    if diagram.svg:
        files.append(link(from_page, links.diagram_file(diagram.cluster, diagram.name, "svg"), "SVG"))
    files.append(link(from_page, links.diagram_file(diagram.cluster, diagram.name, "dot"), "DOT"))
    return f"{esc(diagram.title)}: " + " · ".join(files) + "\n"
