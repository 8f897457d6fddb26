"""Reading a mkdocs.yml's YAML: tags kept, the line of every key path, values checked with their problems.

`Loader` is PyYAML's SafeLoader that keeps `!!python/name:` values (markdown extension options
use them) as a PyName and any local tag (!ENV ...) as a Tag, to be refused with its line rather
than failing the parse; `key_lines` gives each key path its line. `Reader` checks one value at a
time (a text, a list, options, a local file) and collects every problem with its line, so that
siteconfig.py reports them all at once.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from netdoc.errors import ConfigProblem

URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")
_PYNAME_TAG = "tag:yaml.org,2002:python/name:"


@dataclass(frozen=True)
class PyName:
    """A `!!python/name:module.attr` value (markdown extension options use them), passed on as written."""

    name: str


@dataclass(frozen=True)
class Tag:
    """A local tag's value (!ENV ...), kept to be refused with its line rather than failing the parse."""

    tag: str


@dataclass(frozen=True)
class LocalFile:
    """A file the configuration names: its path below the config's folder is its path on the site."""

    path: str
    key: str
    line: int | None
    folder: bool = False


@dataclass(frozen=True)
class NavRef:
    """A page the user's nav points at (a note, or a page netdoc generates)."""

    page: str
    key: str
    line: int | None


class Loader(yaml.SafeLoader):
    """SafeLoader, plus `!!python/name:` kept as a PyName and local tags (!ENV ...) kept to be refused."""


def _python_name(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> PyName:
    return PyName(suffix)


def _local_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tag:
    return Tag("!" + suffix)


Loader.add_multi_constructor(_PYNAME_TAG, _python_name)
Loader.add_multi_constructor("!", _local_tag)


def line_of(lines: Mapping[str, int], key: str) -> int | None:
    while key:
        if key in lines:
            return lines[key]
        cut = max(key.rfind("."), key.rfind("["))
        key = key[:cut] if cut > 0 else ""
    return None


def key_lines(node: yaml.Node | None) -> dict[str, int]:
    """key path ("theme.palette", "plugins[1]") -> the line where it starts."""
    out: dict[str, int] = {}

    def walk(n: yaml.Node, path: str) -> None:
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                key = f"{path}.{k.value}" if path else str(k.value)
                out.setdefault(key, k.start_mark.line + 1)
                walk(v, key)
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                key = f"{path}[{i}]"
                out[key] = item.start_mark.line + 1
                walk(item, key)

    if node is not None:
        walk(node, "")
    return out


class Reader:
    """Walks the parsed mapping, collecting every problem with its line."""

    def __init__(self, lines: Mapping[str, int]) -> None:
        self.lines = lines
        self.problems: list[ConfigProblem] = []
        self.files: list[LocalFile] = []
        self.nav_refs: list[NavRef] = []
        self.keys: dict[str, str] = {}

    def problem(self, key: str, message: str) -> None:
        self.problems.append(ConfigProblem(key, message, line_of(self.lines, key)))

    def string(self, value: object, key: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return value
        self.problem(key, f"expected a text, got {shown(value)}")
        return None

    def strings(self, value: object, key: str) -> list[tuple[str, str]]:
        """A list of texts, each with its key path; a single text is a list of one."""
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            self.problem(key, f"expected a list, got {shown(value)}")
            return []
        out = []
        for i, item in enumerate(items):
            text = self.string(item, f"{key}[{i}]")
            if text is not None:
                out.append((text, f"{key}[{i}]"))
        return out

    def local(self, value: object, key: str, *, folder: bool = False) -> str | None:
        """A file (or folder) below the config's folder, published at the same path on the site."""
        text = self.string(value, key)
        if text is None:
            return None
        what = "folder" if folder else "file"
        if URL.match(text):
            self.problem(key, f"{text!r}: must be a local {what} (the site loads nothing from the network)")
            return None
        norm = posixpath.normpath(text.replace("\\", "/"))
        if text.startswith("/") or norm == ".." or norm.startswith("../"):
            self.problem(
                key,
                f"{text!r}: must be a path below the folder of this file (it is published at "
                "the same path on the site)",
            )
            return None
        if not folder and norm.endswith(".md"):
            self.problem(key, f"{text!r}: a .md file would become a page; put pages in the notes folder")
            return None
        self.files.append(LocalFile(norm, key, line_of(self.lines, key), folder))
        return norm

    def options(self, value: object, key: str) -> Mapping[str, Any] | None:
        if value is None or isinstance(value, dict):
            return value
        self.problem(key, f"expected options (a mapping), got {shown(value)}")
        return None

    def named(self, value: object, key: str) -> Iterator[tuple[str, Mapping[str, Any] | None, str]]:
        """mkdocs' list-or-mapping of named entries (plugins, markdown_extensions): (name, options, key)."""
        if isinstance(value, dict):
            for name, opts in value.items():
                self.keys[f"{key}:{name}"] = f"{key}.{name}"
                yield str(name), self.options(opts, f"{key}.{name}"), f"{key}.{name}"
            return
        if not isinstance(value, list):
            self.problem(key, f"expected a list, got {shown(value)}")
            return
        for i, item in enumerate(value):
            item_key = f"{key}[{i}]"
            if isinstance(item, str):
                self.keys[f"{key}:{item}"] = item_key
                yield item, None, item_key
            elif isinstance(item, dict) and len(item) == 1:
                name, opts = next(iter(item.items()))
                self.keys[f"{key}:{name}"] = item_key
                yield str(name), self.options(opts, f"{item_key}.{name}"), f"{item_key}.{name}"
            else:
                self.problem(item_key, f"expected a name or `name: {{options}}`, got {shown(item)}")


def shown(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Tag):
        return f"a {value.tag} tag"
    return f"{type(value).__name__} {value!r}"[:80]


def tags_in(value: object, key: str) -> Iterator[tuple[str, object]]:
    """Every tagged value below `value` (a local tag, or a python name), with its key path."""
    if isinstance(value, (Tag, PyName)):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from tags_in(v, f"{key}.{k}" if key else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from tags_in(v, f"{key}[{i}]")
