"""The raw files of a snapshot as pages, every line numbered and anchored, and the links into them.

A fact's evidence (model.base.SourceRef) names a path and a line. For most files the line is a
line of the file (anchor `L<n>`). For JSON lists (the API's replies, `ip -j`, `bridge -j`) and
lldpctl's json0 interface list the parsers count entries instead (docs/parsers): the n-th entry
gets the anchor `item-<n>` on the line where it starts. A JSON file on one line (what `ip -j`
prints) is shown laid out, one entry per line, so that it can be read; every other file is shown
as it is. Collected text is shown escaped and never altered: secrets were redacted at collection.
"""

from __future__ import annotations

import bisect
import html
import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from netdoc.model.base import SourceRef
from netdoc.model.net import Evidence
from netdoc.render import links
from netdoc.render.markdown import code, esc, table
from netdoc.render.pages.common import front_matter, link

# A single-line JSON text longer than this is laid out over several lines to be readable.
_LAYOUT_OVER = 160
# A JSON value shorter than this stays on one line when laid out.
_COMPACT_UNDER = 100
# Short names of the commands' files in links ("ovs interface:1", not "ovs-vsctl-list-interface.json:1").
_SHORT = {
    "ovs-vsctl-show": "ovs show",
    "ovs-vsctl-list-": "ovs ",
    "ip-j-d-link": "ip link",
    "ip-j-addr": "ip addr",
    "bridge-j-vlan-show": "bridge vlan",
    "lldpctl-f-json0": "lldpctl",
    "iptables-save-t-nat": "iptables nat",
}
_LLDP_INTERFACES = re.compile(r'"interface"\s*:\s*\[')


@dataclass(frozen=True)
class Shown:
    """A file as its page shows it: its lines, where each JSON entry starts, whether it was laid out."""

    lines: tuple[str, ...]
    items: Mapping[int, int] = field(default_factory=dict)  # entry number (1-based) -> line (1-based)
    laid_out: bool = False


def _layout(value: Any, depth: int = 0) -> str:
    """JSON over several lines: the top level one member per line, a list under it one entry per line."""
    compact = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    breaks = isinstance(value, list | dict) and value and len(compact) > _COMPACT_UNDER
    if not breaks or not (depth == 0 or (depth == 1 and isinstance(value, list))):
        return compact
    pad, end = " " * (depth + 1), " " * depth
    if isinstance(value, list):
        inner = [pad + _layout(v, depth + 1) for v in value]
        return "[\n" + ",\n".join(inner) + "\n" + end + "]"
    inner = [
        pad + json.dumps(str(k), ensure_ascii=False) + ": " + _layout(v, depth + 1) for k, v in value.items()
    ]
    return "{\n" + ",\n".join(inner) + "\n" + end + "}"


def _array_entries(text: str, start: int) -> list[int]:
    """Offsets of the entries of the JSON array whose `[` is at `start`."""
    decoder = json.JSONDecoder()
    found: list[int] = []
    i, n = start + 1, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n or text[i] == "]":
            return found
        found.append(i)
        try:
            _, i = decoder.raw_decode(text, i)
        except ValueError:
            return found
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n or text[i] != ",":
            return found
        i += 1


def _entry_offsets(text: str, data: Any) -> list[int]:
    """Where each entry the parsers count starts: a top-level list's, or lldp json0's interfaces."""
    if isinstance(data, list):
        return _array_entries(text, text.index("["))
    if isinstance(data, dict) and isinstance(data.get("lldp"), list):
        return [o for m in _LLDP_INTERFACES.finditer(text) for o in _array_entries(text, m.end() - 1)]
    return []


def shown(text: str) -> Shown:
    """How a file's page shows it (see the module docstring)."""
    body = text
    data: Any = None
    stripped = text.strip()
    if stripped[:1] in ("[", "{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
    laid_out = False
    if data is not None and "\n" not in stripped and len(stripped) > _LAYOUT_OVER:
        body, laid_out = _layout(data), True
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline ending the last line opens no line of its own
    items: dict[int, int] = {}
    if data is not None:
        starts = [0] + [m.end() for m in re.finditer("\n", body)]
        for number, offset in enumerate(_entry_offsets(body, data), start=1):
            items[number] = bisect.bisect_right(starts, offset)
    return Shown(tuple(lines), items, laid_out)


class SourceLinks:
    """The source pages of one cluster, and a link from any evidence to its file and line."""

    def __init__(self, cluster: str, pve_files_node: str | None, texts: Mapping[str, str]) -> None:
        self.cluster = cluster
        self.pve_files_node = pve_files_node
        self.texts = texts
        self.pages: dict[str, str] = {}  # artifact -> page (two artifacts slugged alike: the first)
        self.on_page: dict[str, list[str]] = {}  # page -> its artifacts (several: a folder's page)
        owner: dict[str, str] = {}  # page -> the file or folder it shows
        anchors: set[tuple[str, str]] = set()
        for artifact in sorted(texts):
            page = links.source_page(cluster, artifact)
            group = links.source_group(artifact)
            key = group[0] if group is not None else artifact
            spot = (page, links.source_file_anchor(artifact))
            if page == links.sources_index(cluster) or owner.setdefault(page, key) != key or spot in anchors:
                continue
            anchors.add(spot)
            self.pages[artifact] = page
            self.on_page.setdefault(page, []).append(artifact)
        self._shown: dict[str, Shown] = {}

    def shown(self, artifact: str) -> Shown:
        if artifact not in self._shown:
            self._shown[artifact] = shown(self.texts[artifact])
        return self._shown[artifact]

    def artifact(self, node: str | None, ref: SourceRef) -> str | None:
        found = Evidence(node, ref).artifact(self.pve_files_node)
        return found if found in self.pages else None

    def target(self, node: str | None, ref: SourceRef | None) -> tuple[str, str] | None:
        """(page, anchor) of a line; anchor "" when the line is not in the file (its page's top)."""
        if ref is None:
            return None
        artifact = self.artifact(node, ref)
        if artifact is None:
            return None
        view = self.shown(artifact)
        top = links.source_file_anchor(artifact)  # the file's section, or "" (the page's top)
        if view.items:
            found = ref.line in view.items
            return self.pages[artifact], links.source_item_anchor(artifact, ref.line) if found else top
        fits = 1 <= ref.line <= len(view.lines)
        return self.pages[artifact], links.source_line_anchor(artifact, ref.line) if fits else top

    def label(self, node: str | None, ref: SourceRef) -> str:
        artifact = self.artifact(node, ref)
        name = posixpath.basename(ref.path.split("#", 1)[0].rstrip("/")) or ref.path
        name = name.removesuffix(".txt").removesuffix(".json")
        name = next(
            (short + name[len(long) :] for long, short in _SHORT.items() if name.startswith(long)), name
        )
        if ref.path.startswith("api"):
            name = f"API {name}"
        itemised = artifact is not None and bool(self.shown(artifact).items)
        return f"{name} #{ref.line}" if itemised else f"{name}:{ref.line}"

    def link(self, from_page: str, node: str | None, ref: SourceRef | None, text: str | None = None) -> str:
        """A link to the line (as inline code), or the reference as text when the file is not here."""
        if ref is None:
            return ""
        shown_text = _src_code(text if text is not None else self.label(node, ref))
        target = self.target(node, ref)
        if target is None:
            return code(str(ref)) if text is None else shown_text
        return link(from_page, target[0], shown_text, target[1])

    def links(self, from_page: str, node: str | None, *refs: SourceRef | None) -> str:
        """Links to several lines, each once, in order (a row read from several sources)."""
        seen: list[SourceRef] = []
        for ref in refs:
            if ref is not None and ref not in seen:
                seen.append(ref)
        return "<br>".join(self.link(from_page, node, r) for r in seen)

    def evidence(self, from_page: str, ev: Evidence) -> str:
        """One piece of evidence: the line (or JSON entry, "ip link #2") linked, and what it shows."""
        artifact = self.artifact(ev.node, ev.ref)
        if artifact is not None and self.shown(artifact).items:
            label = (f"{ev.node}: " if ev.node else "") + self.label(ev.node, ev.ref)
        else:
            label = _evidence_label(ev)
        where = self.link(from_page, ev.node, ev.ref, label)
        return where + (f" ({esc(ev.note)})" if ev.note else "")


def _evidence_label(ev: Evidence) -> str:
    return str(Evidence(ev.node, ev.ref))  # without the note: it follows the link as text


def _src_code(text: str) -> str:
    """A file and line as inline code, kept on one line (site_css.py: `code.netdoc-src`)."""
    return (
        '<code class="netdoc-src">'
        + html.escape(text.replace("\n", " "), quote=False).replace("|", "&#124;")
        + "</code>"
    )


# ------------------------------------------------------------------------------------------ pages


def _owner(artifact: str) -> str | None:
    """The node a file is about: nodes/<node>/..., api/nodes/<node>/... (None: cluster-wide)."""
    parts = artifact.split("/")
    if len(parts) > 2 and parts[0] == "nodes":
        return parts[1]
    if len(parts) > 3 and parts[:2] == ["api", "nodes"]:
        return parts[2]
    return None


def source_page(src: SourceLinks, artifact: str, node_names: set[str]) -> str:
    """The page of the folder a snapshot file is in: every file of the folder, one section each,
    every line numbered, each with its anchor (links.source_group); a file at the top of the
    snapshot (manifest.json) has a page of its own."""
    page = src.pages[artifact]
    group = links.source_group(artifact)
    if group is None:
        return _file_page(src, artifact, node_names)
    folder = group[0]
    files = src.on_page[page]
    parts = folder.split("/")
    owner = parts[parts.index("nodes", 1) + 1] if "nodes" in parts[1:-1] else _owner(artifact)
    where = []
    if owner is not None and owner in node_names:
        where.append("node " + link(page, links.node_page(src.cluster, owner), esc(owner)))
    where.append(link(page, links.sources_index(src.cluster), "every source file"))
    where.append(f"{len(files)} file(s)")
    head = [f"# {code(folder + '/')}\n", " · ".join(where) + "\n"]
    head.append(
        "Every file of the folder, each in its section, every line numbered and anchored: "
        + ", ".join(
            f'<a href="#{links.source_file_anchor(a)}">{html.escape(group_file(a))}</a>' for a in files
        )
        + "\n"
    )
    body = []
    for a in files:
        view = src.shown(a)
        fid = links.source_file_anchor(a)
        laid_out = "; JSON on a single line, shown laid out, one entry per line" if view.laid_out else ""
        note = f"{len(view.lines)} line(s){laid_out}"
        body.append(
            f'<h2 id="{fid}"><code>{html.escape(a, quote=False)}</code></h2>\n<p>{note}</p>\n'
            + _lines_html(view, a)
        )
    return front_matter(folder, wide=True, search_exclude=True) + "\n".join(head) + "\n" + "\n".join(body)


def group_file(artifact: str) -> str:
    """A per-guest file's name within its folder ("100.conf", "200/config.json")."""
    group = links.source_group(artifact)
    return group[1] if group is not None else artifact


def _lines_html(view: Shown, artifact: str) -> str:
    """The file's lines, one element each, numbered by a CSS counter (site_css.py): few tags,
    numbers that are not copied with the text, wrapped lines indented under their text. The block
    is set aside from what mkdocs parses and put back into the page (render/output.py)."""
    if not view.lines:
        return "<p>The file is empty.</p>\n"
    item_at: dict[int, list[int]] = {}
    for number, line in view.items.items():
        item_at.setdefault(line, []).append(number)
    # links.source_line_anchor / source_item_anchor, with the file's part worked out once
    line_id = links.source_line_anchor(artifact, 0)[:-1]  # "file-<name>-L" or "L"
    item_id = links.source_item_anchor(artifact, 0)[:-1]
    escape = html.escape
    rows = []
    for number, text in enumerate(view.lines, start=1):
        items = "".join(f'<span id="{item_id}{i}"></span>' for i in item_at.get(number, ()))
        rows.append(f'<span id="{line_id}{number}">{items}{escape(text, quote=False)}</span>')
    return '<div class="netdoc-source" markdown="0">\n' + "\n".join(rows) + "\n</div>\n"


def _file_page(src: SourceLinks, artifact: str, node_names: set[str]) -> str:
    page = src.pages[artifact]
    view = src.shown(artifact)
    owner = _owner(artifact)
    head = [f"# {code(artifact)}\n"]
    where = []
    if owner is not None and owner in node_names:
        where.append("node " + link(page, links.node_page(src.cluster, owner), esc(owner)))
    where.append(link(page, links.sources_index(src.cluster), "every source file"))
    where.append(f"{len(view.lines)} line(s)")
    head.append(" · ".join(where) + "\n")
    if view.laid_out:
        head.append(
            "The file is JSON on a single line; it is shown laid out here, one entry per line, "
            "and each entry the evidence counts has its anchor.\n"
        )
    if not view.lines:
        head.append("The file is empty.\n")
        return front_matter(artifact, wide=True, search_exclude=True) + "\n".join(head)
    body = _lines_html(view, artifact)
    return front_matter(artifact, wide=True, search_exclude=True) + "\n".join(head) + "\n" + body


def sources_index_page(src: SourceLinks, node_names: set[str]) -> str:
    """Every file of the snapshot, grouped by node (cluster-wide ones first)."""
    page = links.sources_index(src.cluster)
    lines = [
        f"# Source files: {esc(src.cluster)}\n",
        "Every file of the snapshot, as collected (secrets were redacted at collection). "
        "Each table row of the site links to the line it was read from.\n",
    ]
    groups: dict[str, list[str]] = {}
    for artifact in src.pages:
        owner = _owner(artifact)
        groups.setdefault(owner or "", []).append(artifact)
    for owner in sorted(groups):
        title = f"Node {esc(owner)}" if owner else "Cluster-wide (API replies, manifest)"
        if owner and owner in node_names:
            title = "Node " + link(page, links.node_page(src.cluster, owner), esc(owner))
        lines.append(f"## {title}\n")
        rows = []
        done: set[str] = set()
        for artifact in groups[owner]:
            target = src.pages[artifact]
            group = links.source_group(artifact)
            if group is None:
                view = src.shown(artifact)
                shown_as = code(artifact)
                count, size = len(view.lines), len(src.texts[artifact].encode("utf-8"))
            elif target in done:
                continue
            else:  # a folder of per-guest files: one row, one page
                done.add(target)
                files = src.on_page[target]
                shown_as = f"{code(group[0] + '/')} ({len(files)} file{'s' if len(files) != 1 else ''})"
                count = sum(len(src.shown(a).lines) for a in files)
                size = sum(len(src.texts[a].encode("utf-8")) for a in files)
            rows.append([link(page, target, shown_as), str(count), str(size)])
        lines.append(table(["File", "Lines", "Bytes"], rows))
    skipped = sorted(set(src.texts) - set(src.pages))
    if skipped:
        lines.append("Not shown (their names make the same page name as a file above): ")
        lines.append(", ".join(code(a) for a in skipped) + "\n")
    return front_matter(f"Source files: {src.cluster}", search_exclude=True) + "\n".join(lines)
