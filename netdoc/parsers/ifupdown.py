"""Parser of /etc/network/interfaces (ifupdown, ifupdown2, Proxmox) and the files it sources.

`parse_interfaces(files, path)` reads the entry file and follows `source`/`source-directory`
through the keys of `files` (absolute node paths -> text), then merges every stanza of an
interface into one `Interface` (netdoc.parsers.ifupdown_merge). Pure: no I/O; imports only
netdoc.errors, netdoc.model and that sibling. The dialect decisions: docs/parsers/interfaces.md.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from netdoc.errors import ParseError
from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.interfaces import (
    Comment,
    CommentPlacement,
    Directive,
    Include,
    InterfacesConfig,
    Option,
)
from netdoc.parsers.ifupdown_merge import RawStanza, bad_name, merge_stanzas

# Words that end a stanza. ifupdown2 knows only iface/auto/allow-*/source/vlan; the others are
# classic ifupdown's (interfaces(5)); treating them as keywords keeps their lines out of the
# preceding stanza, which is what ifupdown does with them.
_DIRECTIVE_KEYWORDS = {"auto", "mapping", "no-auto-down", "no-scripts", "rename", "vlan"}
_SOURCE_DIR_RE = re.compile(r"^source-dir(?:e(?:c(?:t(?:o(?:ry?)?)?)?)?)?$")  # ifupdown's strlmatch
_SOURCE_DIR_NAME_RE = re.compile(r"^[a-zA-Z0-9_-]+$")  # names source-directory reads (interfaces(5))
_GLOB_CHARS = re.compile(r"[*?\[]")
_RANGE_RE = re.compile(r"^([\w.]+)\[(\d{1,6})-(\d{1,6})\]([\w.]*)$")  # ifupdown2 name ranges swp[1-4]
_MAX_RANGE = 4096
_MAX_DEPTH = 32
_FAMILIES = {"inet", "inet6", "ipx", "can"}  # the address families classic ifupdown knows
_METHODS = {
    "static",
    "manual",
    "dhcp",
    "dhcp6",
    "loopback",
    "auto",
    "ppp",
    "tunnel",
    "bootp",
    "6to4",
    "v4tunnel",
    "wvdial",
    "ipv4ll",
}


@dataclass
class _Line:
    """One logical line: continuation lines joined, stripped, with its first physical line number."""

    no: int
    text: str


def logical_lines(text: str) -> list[_Line]:
    """Split text into logical lines.

    A line whose last character is a backslash continues on the next one (interfaces(5)); the
    pieces are stripped and joined with one space, as ifupdown2 does. A comment line never
    continues (ifupdown reads comments before it looks for the backslash).
    """
    phys = text.split("\n")
    out: list[_Line] = []
    i = 0
    while i < len(phys):
        start = i
        line = phys[i].rstrip("\r")
        i += 1
        if line.lstrip().startswith("#") or not line.endswith("\\"):
            out.append(_Line(start + 1, line.strip()))
            continue
        parts = [line[:-1]]
        while i < len(phys):
            nxt = phys[i].rstrip("\r")
            i += 1
            if nxt.endswith("\\"):
                parts.append(nxt[:-1])
                continue
            parts.append(nxt)
            break
        out.append(_Line(start + 1, " ".join(p.strip() for p in parts if p.strip())))
    return out


def expand_range(name: str) -> list[str] | None:
    """ifupdown2's interface name ranges: `swp[1-3]` -> swp1 swp2 swp3 (inclusive); None if none."""
    if "[" not in name:
        return None
    m = _RANGE_RE.match(name)
    if not m:
        return None
    lo, hi = int(m.group(2)), int(m.group(3))
    if hi < lo or hi - lo >= _MAX_RANGE:
        return None
    return [f"{m.group(1)}{n}{m.group(4)}" for n in range(lo, hi + 1)]


def _is_source_dir(word: str) -> bool:
    return bool(_SOURCE_DIR_RE.match(word))


# ------------------------------------------------------------------------------------------ paths


def _norm(path: str) -> str:
    return posixpath.normpath(path) if path else path


def _component_match(pattern: str, name: str) -> bool:
    # A shell glob never matches a leading dot unless the pattern spells it.
    if name.startswith(".") and not pattern.startswith("."):
        return False
    return fnmatch.fnmatchcase(name, pattern)


def _path_match(pattern: str, path: str) -> bool:
    pparts = pattern.split("/")
    parts = path.split("/")
    if len(pparts) != len(parts):
        return False
    return all(
        (pp == p) if not _GLOB_CHARS.search(pp) else _component_match(pp, p)
        for pp, p in zip(pparts, parts, strict=True)
    )


def _resolve_against(current: str, pattern: str) -> str:
    """A relative include is relative to the directory of the file that names it (interfaces(5))."""
    if pattern.startswith("/"):
        return _norm(pattern)
    base = posixpath.dirname(current)
    return _norm(posixpath.join(base, pattern)) if base else _norm(pattern)


# ------------------------------------------------------------------------------------------ reader


@dataclass
class _Reader:
    files: Mapping[str, str]
    keys: dict[str, str] = field(default_factory=dict)  # normalised path -> key in files
    read: list[str] = field(default_factory=list)
    stanzas: list[RawStanza] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    auto: dict[str, SourceRef] = field(default_factory=dict)
    allow: dict[str, list[str]] = field(default_factory=dict)
    auto_all: bool = False

    def __post_init__(self) -> None:
        for key in self.files:
            self.keys.setdefault(_norm(key), key)

    def warn(self, path: str, line: int | None, message: str, text: str = "") -> None:
        self.warnings.append(ParseWarning(path, line, message, text[:200]))

    # -- includes

    def _glob(self, pattern: str) -> list[str]:
        if not _GLOB_CHARS.search(pattern):
            return [self.keys[pattern]] if pattern in self.keys else []
        return sorted(self.keys[k] for k in self.keys if _path_match(pattern, k))

    def source(self, path: str, ln: _Line, args: list[str], depth: int) -> None:
        if not args:
            self.warn(path, ln.no, "source line names no file", ln.text)
            return
        for word in args:  # ifupdown expands every word (wordexp); ifupdown2 reads only the first
            pattern = _resolve_against(path, word)
            found = self._glob(pattern)
            self.includes.append(Include("source", word, tuple(found), SourceRef(path, ln.no)))
            if not found and not _GLOB_CHARS.search(pattern):
                self.warn(path, ln.no, f"sourced file {pattern} is not available (not collected or absent)")
            for f in found:
                self.read_file(f, depth + 1, SourceRef(path, ln.no))

    def source_directory(self, path: str, ln: _Line, args: list[str], depth: int) -> None:
        if not args:
            self.warn(path, ln.no, "source-directory line names no directory", ln.text)
            return
        pattern = _resolve_against(path, args[0]).rstrip("/") or "/"
        chosen: list[tuple[str, str, str]] = []
        for norm, key in self.keys.items():
            parent, name = posixpath.split(norm)
            if not _path_match(pattern, parent):
                continue
            if _SOURCE_DIR_NAME_RE.match(name):
                chosen.append((parent, name, key))
            else:
                self.warn(
                    path,
                    ln.no,
                    f"{norm} is not read by source-directory: only names made of letters, digits, "
                    "'_' and '-' are",
                )
        chosen.sort()
        found = [key for _p, _n, key in chosen]
        self.includes.append(Include("source-directory", args[0], tuple(found), SourceRef(path, ln.no)))
        for f in found:
            self.read_file(f, depth + 1, SourceRef(path, ln.no))

    # -- one file

    def read_file(self, key: str, depth: int, by: SourceRef | None) -> None:
        if key in self.read:
            if by is not None:
                self.warn(by.path, by.line, f"{key} is included a second time; ifupdown reads it once")
            return
        if depth > _MAX_DEPTH:
            if by is not None:
                self.warn(by.path, by.line, f"includes nested deeper than {_MAX_DEPTH} levels; {key} skipped")
            return
        self.read.append(key)
        _FileParser(self, key, depth).run(self.files[key])


class _FileParser:
    """The statement loop over one file's logical lines (stanzas, directives, comments)."""

    def __init__(self, reader: _Reader, path: str, depth: int) -> None:
        self.r = reader
        self.path = path
        self.depth = depth
        self.stanzas: list[RawStanza] = []  # the current iface line's stanzas (several for a range)
        self.directive: tuple[str, str, list[Option], SourceRef] | None = None
        self.open_px = False  # Proxmox's idea of "still in the stanza": no blank line since iface
        self.pending: list[Comment] = []
        self.in_template_block = False

    def ref(self, ln: _Line) -> SourceRef:
        return SourceRef(self.path, ln.no)

    def warn(self, ln: _Line, message: str) -> None:
        self.r.warn(self.path, ln.no, message, ln.text)

    def close(self) -> None:
        self.r.stanzas.extend(self.stanzas)
        self.stanzas = []
        if self.directive is not None:
            kw, value, opts, src = self.directive
            self.r.directives.append(Directive(kw, value, tuple(opts), src))
            self.directive = None
        self.open_px = False

    def run(self, text: str) -> None:
        opened: _Line | None = None
        for ln in logical_lines(text):
            if not self.in_template_block:
                opened = ln
            try:
                self.line(ln)
            except (ValueError, IndexError, KeyError, OverflowError) as exc:  # never lose the file
                self.warn(ln, f"line not understood ({type(exc).__name__}: {exc})")
        if self.in_template_block and opened is not None:
            self.warn(opened, "template block (mako) never closed with %>: the rest of the file was skipped")
        self.close()

    # -- dispatch

    def line(self, ln: _Line) -> None:
        text = ln.text
        if self.in_template_block:
            if "%>" in text:
                self.in_template_block = False
            return
        if not text:
            self.pending = []
            self.open_px = False
            return
        if text.startswith("#"):
            self.comment(ln)
            return
        if self.template(ln):
            return
        words = text.split()
        first = words[0]
        if first == "iface":
            self.iface(ln, words)
        elif first == "source" or _is_source_dir(first):
            self.pending = []
            self.close()
            if first == "source":
                self.r.source(self.path, ln, words[1:], self.depth)
            else:
                self.r.source_directory(self.path, ln, words[1:], self.depth)
        elif first == "auto" or (first.startswith("allow-") and len(first) > 6):
            self.close()
            self.auto_allow(ln, first, words[1:])
        elif first in _DIRECTIVE_KEYWORDS:
            self.pending = []
            self.close()
            self.other_directive(ln, first, text)
        else:
            self.option(ln, first, text)

    def template(self, ln: _Line) -> bool:
        """Mako template lines (ifupdown2): skipped, never rendered (that would run the file's code)."""
        text = ln.text
        if text.startswith("%") or text.startswith("</%"):
            self.warn(ln, "template line (mako) skipped: netdoc reads the file as written, unrendered")
            return True
        if text.startswith("<%"):
            rest = text[2:]
            block = rest[:1] in ("", " ", "\t", "!") and "%>" not in rest
            self.in_template_block = block
            self.warn(ln, "template block (mako) skipped: netdoc reads the file as written, unrendered")
            return True
        return False

    def comment(self, ln: _Line) -> None:
        body = ln.text[1:].strip()
        if self.stanzas and self.open_px:
            for st in self.stanzas:
                st.comments.append(Comment(body, self.ref(ln), CommentPlacement.INSIDE))
        else:
            self.pending.append(Comment(body, self.ref(ln), CommentPlacement.INSIDE))

    # -- statements

    def iface(self, ln: _Line, words: list[str]) -> None:
        self.close()
        before = [Comment(c.text, c.source, CommentPlacement.BEFORE) for c in self.pending]
        self.pending = []
        if len(words) < 2:
            self.warn(ln, "iface line without an interface name; its options are ignored")
            return
        name = words[1]
        rest = words[2:]
        inherits = None
        if "inherits" in rest:
            at = rest.index("inherits")
            after = rest[at + 1 :]
            inherits = after[0] if after else None
            if inherits is None:
                self.warn(ln, "inherits names no interface")
            else:
                self.warn(ln, f"inherits {inherits}: netdoc does not copy the template's options into {name}")
            rest = rest[:at] + after[1:]
        family = rest[0] if rest else None
        method = rest[1] if len(rest) > 1 else None
        if family is not None and family not in _FAMILIES:
            self.warn(ln, f"unknown address family {family!r}")
        if method is not None and method not in _METHODS:
            self.warn(ln, f"unknown method {method!r}")
        if family is not None and method is None and inherits is None:
            self.warn(ln, f"family {family} without a method: ifupdown rejects it, ifupdown2 assumes static")
        if len(rest) > 2:
            self.warn(ln, f"extra words on the iface line ignored: {' '.join(rest[2:])}")
        self._check_name(ln, name)
        names = expand_range(name) or [name]
        for n in names:
            st = RawStanza(n, family, method, inherits, self.ref(ln))
            st.comments.extend(before)
            self.stanzas.append(st)
        self.open_px = True

    def _check_name(self, ln: _Line, name: str) -> None:
        if "$" in name:
            self.warn(ln, f"interface name {name!r} holds a template variable; kept as written")
        elif "[" in name and expand_range(name) is None:
            self.warn(ln, f"interface name {name!r} looks like a range but is not one ifupdown2 expands")
        elif "[" not in name and (bad := bad_name(name)):
            self.warn(ln, f"interface name {name!r} {bad}")

    def auto_allow(self, ln: _Line, first: str, names: list[str]) -> None:
        if not names:
            self.warn(ln, f"{first} line names no interface")
        cls = "auto" if first in ("auto", "allow-auto") else first[6:]
        self.r.directives.append(Directive(first, " ".join(names), (), self.ref(ln)))
        for word in names:
            if cls == "auto" and word == "all":
                self.r.auto_all = True
                continue
            if any(c in word for c in "/=*"):
                self.warn(ln, f"{first} pattern {word!r} (ifupdown mapping) is not resolved by netdoc")
                continue
            for n in expand_range(word) or [word]:
                if cls == "auto":
                    self.r.auto.setdefault(n, self.ref(ln))
                else:
                    classes = self.r.allow.setdefault(n, [])
                    if cls not in classes:
                        classes.append(cls)

    def other_directive(self, ln: _Line, first: str, text: str) -> None:
        value = text[len(first) :].strip()
        src = self.ref(ln)
        if first in ("mapping", "vlan"):
            self.directive = (first, value, [], src)
            what = "ifupdown mapping" if first == "mapping" else "ifupdown2 bridge-vlan"
            self.warn(ln, f"{what} stanza kept as a directive; netdoc does not apply it")
        else:
            self.r.directives.append(Directive(first, value, (), src))
            if first == "rename":
                self.warn(ln, "rename is recorded but not applied: interfaces keep the names the file gives")

    def option(self, ln: _Line, first: str, text: str) -> None:
        value = text[len(first) :].strip()
        if self.directive is not None:
            self.directive[2].append(Option(first.replace("_", "-"), value, first, None, self.ref(ln)))
            return
        if not self.stanzas:
            self.pending = []
            self.warn(ln, "option line outside any iface stanza ignored")
            return
        if not value:
            self.warn(ln, f"option {first} without a value ignored (ifupdown refuses it, ifupdown2 skips it)")
            return
        for st in self.stanzas:
            st.comments.extend(self.pending)
            st.options.append(Option(first.replace("_", "-"), value, first, st.family, self.ref(ln)))
        self.pending = []


def parse_interfaces(files: Mapping[str, str], path: str) -> InterfacesConfig:
    """Parse the interfaces file `path` (a key of `files`) and everything it sources.

    A partly broken file gives what could be read plus warnings; only a missing entry raises.
    """
    if path not in files:
        raise ParseError("the interfaces file is not among the files given", source="interfaces", path=path)
    reader = _Reader(files)
    reader.read_file(path, 0, None)
    interfaces, more = merge_stanzas(reader.stanzas, reader.auto, reader.allow, reader.auto_all)
    # An auto/allow line for a name without any stanza does nothing in ifupdown(2): say so.
    defined = {i.name for i in interfaces}
    for name, ref in reader.auto.items():
        if name not in defined:
            reader.warn(ref.path, ref.line, f"auto names {name}, but no iface stanza defines it")
    return InterfacesConfig(
        entry=path,
        files=tuple(reader.read),
        interfaces=interfaces,
        includes=tuple(reader.includes),
        directives=tuple(reader.directives),
        warnings=_in_reading_order(tuple(reader.warnings) + more, reader.read),
    )


def _in_reading_order(warnings: tuple[ParseWarning, ...], files: list[str]) -> tuple[ParseWarning, ...]:
    order = {f: i for i, f in enumerate(files)}
    return tuple(sorted(warnings, key=lambda w: (order.get(w.path, len(order)), w.line or 0)))
