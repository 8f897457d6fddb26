"""Parse /etc/pve/corosync.conf (brace sections of `key: value`) into CorosyncConfig.

Tolerant like corosync and Proxmox: section names may sit on the line before their `{`, several
braces may share a line, unknown sections are kept whole. Unbalanced braces and lines that are no
`key: value` become warnings with their line numbers; the rest of the file is still read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.corosync import (
    CorosyncConfig,
    CorosyncInterface,
    CorosyncKey,
    CorosyncLink,
    CorosyncNode,
    CorosyncSection,
    Quorum,
    Totem,
)
from netdoc.model.pveconf import Comment
from netdoc.parsers.jsonvalues import entry_text
from netdoc.parsers.pvetext import parse_bool, parse_int, split_lines

SOURCE = "corosync"
MAX_LINK = 7  # kronosnet links 0..7 (ring0_addr..ring7_addr)
_RING = re.compile(r"ring(\d+)_addr")
_TOKEN = re.compile(r"[{}]|[^{}]+")
_KEY_NAME = re.compile(r"[A-Za-z0-9_.\-]+")
# Sections deeper than this are skipped with a warning (corosync.conf nests 3 deep; the model,
# its JSON and the pages are built recursively, and 10,000 nested braces must not overflow them).
MAX_DEPTH = 32


@dataclass
class _Builder:
    """A section while it is being read (mutable); frozen into CorosyncSection at the end."""

    name: str
    line: int | None
    keys: list[CorosyncKey] = field(default_factory=list)
    children: list[_Builder] = field(default_factory=list)

    def freeze(self, path: str) -> CorosyncSection:
        return CorosyncSection(
            name=self.name,
            keys=tuple(self.keys),
            sections=tuple(c.freeze(path) for c in self.children),
            source=SourceRef(path, self.line) if self.line is not None else None,
        )


class _Reader:
    """One pass over the tokens of the file, building the section tree and collecting warnings."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.warnings: list[ParseWarning] = []
        self.comments: list[Comment] = []

    def warn(self, line: int | None, message: str, text: str = "") -> None:
        self.warnings.append(ParseWarning(self.path, line, message, text))

    def tokens(self, text: str) -> list[tuple[str, str, int]]:
        """(kind, text, line) with kind "{", "}" or "text"; comments are split off here."""
        out: list[tuple[str, str, int]] = []
        for lineno, raw in enumerate(split_lines(text), start=1):
            stripped = raw.strip()
            if not stripped:
                continue
            if stripped.startswith("#"):
                self.comments.append(Comment(stripped[1:].strip(), SourceRef(self.path, lineno)))
                continue
            m = re.search(r"\s#", stripped)
            if m:
                comment = stripped[m.start() :].strip()
                stripped = stripped[: m.start()].rstrip()
                self.comments.append(Comment(comment[1:].strip(), SourceRef(self.path, lineno)))
                self.warn(
                    lineno,
                    "comment after content: Proxmox drops it, corosync may read it as part of the value",
                    raw,
                )
            for tok in _TOKEN.finditer(stripped):
                piece = tok.group(0).strip()
                if piece in ("{", "}"):
                    out.append((piece, piece, lineno))
                elif piece:
                    out.append(("text", piece, lineno))
        return out

    def tree(self, text: str) -> _Builder:
        root = _Builder("", None)
        stack: list[_Builder] = [root]
        toks = self.tokens(text)
        i = 0
        skipped = 0  # depth inside a section skipped for being nested too deep
        while i < len(toks):
            kind, piece, lineno = toks[i]
            nxt = toks[i + 1][0] if i + 1 < len(toks) else None
            opens = kind == "{" or (kind == "text" and nxt == "{")
            if skipped or (opens and len(stack) > MAX_DEPTH):
                if not skipped:
                    self.warn(lineno, f"sections nested deeper than {MAX_DEPTH} levels; skipped", piece)
                skipped += 1 if opens else -1 if kind == "}" else 0
                i += 2 if kind == "text" and nxt == "{" else 1
                continue
            if kind == "text" and nxt == "{":
                name = piece
                if ":" in name or not _KEY_NAME.fullmatch(name):
                    self.warn(lineno, f"odd section name {name!r}", name)
                section = _Builder(name, lineno)
                stack[-1].children.append(section)
                stack.append(section)
                i += 2
                continue
            if kind == "{":
                self.warn(lineno, "'{' without a section name before it", piece)
                section = _Builder("", lineno)
                stack[-1].children.append(section)
                stack.append(section)
            elif kind == "}":
                if len(stack) == 1:
                    self.warn(lineno, "unbalanced '}': no section is open here", piece)
                else:
                    stack.pop()
            else:
                self.key_value(stack[-1], piece, lineno)
            i += 1
        for open_section in stack[1:]:
            self.warn(
                open_section.line,
                f"section '{open_section.name}' is never closed (missing '}}')",
                open_section.name,
            )
        return root

    def key_value(self, section: _Builder, piece: str, lineno: int) -> None:
        name, colon, value = piece.partition(":")
        name, value = name.strip(), value.strip()
        if not colon or not _KEY_NAME.fullmatch(name):
            self.warn(lineno, "not a 'key: value' line, a section or a brace; ignored", piece)
            return
        if not value:
            self.warn(lineno, f"key '{name}' has no value", piece)
        if any(k.name == name for k in section.keys):
            self.warn(
                lineno, f"duplicate key '{name}' in '{section.name or 'top level'}': the last one counts"
            )
        section.keys.append(CorosyncKey(name, value, SourceRef(self.path, lineno)))


def _int_key(reader: _Reader, section: CorosyncSection, name: str) -> int | None:
    for key in reversed(section.keys):
        if key.name == name:
            number = parse_int(key.value)
            if number is None and key.value:  # an empty value was reported when read
                line = key.source.line if key.source else None
                reader.warn(line, f"'{name}' should be a whole number, got {key.value!r}", key.value)
            return number
    return None


def _node(reader: _Reader, section: CorosyncSection) -> CorosyncNode:
    links: dict[int, CorosyncLink] = {}
    for key in section.keys:
        m = _RING.fullmatch(key.name)
        if not m:
            continue
        number = int(m.group(1))
        line = key.source.line if key.source else None
        if number > MAX_LINK:
            reader.warn(line, f"'{key.name}': corosync supports links 0 to {MAX_LINK} only", key.value)
        links[number] = CorosyncLink(number, key.value, key.source)
    node = CorosyncNode(
        name=section.value("name"),
        nodeid=_int_key(reader, section, "nodeid"),
        quorum_votes=_int_key(reader, section, "quorum_votes"),
        links=tuple(links[n] for n in sorted(links)),
        keys=section.keys,
        source=section.source,
    )
    line = section.source.line if section.source else None
    if node.nodeid is None:
        reader.warn(line, f"node '{node.label}' has no nodeid")
    if not node.links:
        reader.warn(line, f"node '{node.label}' has no ringN_addr (no link address)")
    for sub in section.sections:
        sub_line = sub.source.line if sub.source else None
        reader.warn(sub_line, f"unexpected section '{sub.name}' inside a node; kept only verbatim")
    return node


def _nodes(reader: _Reader, nodelists: list[CorosyncSection]) -> tuple[CorosyncNode, ...]:
    nodes: list[CorosyncNode] = []
    for nodelist in nodelists:
        for key in nodelist.keys:
            line = key.source.line if key.source else None
            reader.warn(line, f"key '{key.name}' directly in nodelist (expected inside node {{ }})")
        for sub in nodelist.sections:
            if sub.name == "node":
                nodes.append(_node(reader, sub))
            else:
                line = sub.source.line if sub.source else None
                reader.warn(line, f"unexpected section '{sub.name}' in nodelist; ignored")
    _check_unique(reader, nodes)
    return tuple(nodes)


def _check_unique(reader: _Reader, nodes: list[CorosyncNode]) -> None:
    """Duplicate node ids, names or link addresses break a cluster: say so where they appear."""
    seen_id: dict[int, str] = {}
    seen_name: set[str] = set()
    seen_addr: dict[tuple[int, str], str] = {}
    for node in nodes:
        line = node.source.line if node.source else None
        if node.nodeid is not None:
            if node.nodeid in seen_id:
                reader.warn(
                    line, f"nodeid {node.nodeid} of '{node.label}' is also used by '{seen_id[node.nodeid]}'"
                )
            seen_id.setdefault(node.nodeid, node.label)
        if node.name:
            if node.name in seen_name:
                reader.warn(line, f"node name '{node.name}' appears twice")
            seen_name.add(node.name)
        for link in node.links:
            other = seen_addr.get((link.number, link.address))
            if other is not None:
                reader.warn(line, f"link {link.number} address {link.address} is also used by node '{other}'")
            seen_addr.setdefault((link.number, link.address), node.label)


def _interface(reader: _Reader, section: CorosyncSection) -> CorosyncInterface:
    linknumber = _int_key(reader, section, "linknumber")
    ringnumber = _int_key(reader, section, "ringnumber")
    number = linknumber if linknumber is not None else ringnumber
    if number is not None and number > MAX_LINK:
        line = section.source.line if section.source else None
        reader.warn(line, f"interface for link {number}: corosync supports links 0 to {MAX_LINK} only")
    return CorosyncInterface(
        number=number,
        linknumber=linknumber,
        ringnumber=ringnumber,
        bindnetaddr=section.value("bindnetaddr"),
        knet_link_priority=_int_key(reader, section, "knet_link_priority"),
        keys=section.keys,
        source=section.source,
    )


def _totem(reader: _Reader, section: CorosyncSection) -> Totem:
    interfaces = [_interface(reader, s) for s in section.sections if s.name == "interface"]
    numbers = [i.number for i in interfaces if i.number is not None]
    for number in sorted({n for n in numbers if numbers.count(n) > 1}):
        reader.warn(
            section.source.line if section.source else None, f"two interface blocks for link {number}"
        )
    interfaces.sort(key=lambda i: (i.number is None, i.number or 0))
    return Totem(
        cluster_name=section.value("cluster_name"),
        config_version=_int_key(reader, section, "config_version"),
        version=_int_key(reader, section, "version"),
        ip_version=section.value("ip_version"),
        link_mode=section.value("link_mode"),
        secauth=section.value("secauth"),
        transport=section.value("transport"),
        token_ms=_int_key(reader, section, "token"),
        token_coefficient_ms=_int_key(reader, section, "token_coefficient"),
        interfaces=tuple(interfaces),
        keys=section.keys,
        sections=tuple(s for s in section.sections if s.name != "interface"),
        source=section.source,
    )


def _quorum(reader: _Reader, section: CorosyncSection) -> Quorum:
    device = next((s for s in section.sections if s.name == "device"), None)
    net = next((s for s in device.sections if s.name == "net"), None) if device else None
    two_node = section.value("two_node")
    return Quorum(
        provider=section.value("provider"),
        expected_votes=_int_key(reader, section, "expected_votes"),
        two_node=parse_bool(two_node) if two_node is not None else None,
        qdevice_model=device.value("model") if device else None,
        qdevice_host=net.value("host") if net else None,
        keys=section.keys,
        sections=section.sections,
        source=section.source,
    )


def parse_corosync_text(text: str, path: str) -> CorosyncConfig:
    """Parse corosync.conf text; never raises for bad content (warnings say what was skipped,
    sections nested deeper than MAX_DEPTH included)."""
    reader = _Reader(path)
    root = reader.tree(text).freeze(path)
    for key in root.keys:
        line = key.source.line if key.source else None
        reader.warn(line, f"key '{key.name}' outside any section")
    by_name: dict[str, list[CorosyncSection]] = {}
    for sub in root.sections:
        by_name.setdefault(sub.name, []).append(sub)
    others = [s for s in root.sections if s.name not in ("nodelist", "totem", "quorum", "logging")]
    singles: dict[str, CorosyncSection] = {}
    for name in ("totem", "quorum", "logging"):
        found = by_name.get(name, [])
        if found:
            singles[name] = found[0]
        for extra in found[1:]:
            line = extra.source.line if extra.source else None
            reader.warn(
                line, f"second '{name}' section: only the first is read into fields, this one is kept"
            )
            others.append(extra)
    if "totem" not in singles and root.sections:
        reader.warn(None, "no totem section")
    nodes = _nodes(reader, by_name.get("nodelist", []))
    return CorosyncConfig(
        path=path,
        nodes=nodes,
        totem=_totem(reader, singles["totem"]) if "totem" in singles else None,
        quorum=_quorum(reader, singles["quorum"]) if "quorum" in singles else None,
        logging=singles.get("logging"),
        sections=tuple(sorted(others, key=lambda s: s.source.line if s.source else 0)),
        keys=root.keys,
        comments=tuple(reader.comments),
        warnings=tuple(sorted(reader.warnings, key=lambda w: w.line or 0)),
    )


def parse_corosync(files: Mapping[str, str], path: str) -> CorosyncConfig:
    """Kind `corosync`: /etc/pve/corosync.conf (or /etc/corosync/corosync.conf)."""
    return parse_corosync_text(entry_text(files, path, SOURCE), path)
