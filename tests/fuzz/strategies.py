"""Hypothesis strategies for fuzzing the parsers: arbitrary text, real inputs mutated, JSON reshaped.

Mutations of the kind's real inputs (tests/fuzz/harness.seeds) reach the deep paths that random
text never does: a line cut, deleted, doubled or swapped, a token replaced by an odd value
(huge or negative numbers, empty, separators, quotes, braces, NUL, a tail header), the input cut
short. For JSON kinds, a random subtree of a real reply is replaced by another JSON value, and
nesting is pushed deep.
"""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.harness import seeds

ODD = [
    "", " ", "\t", "\n", "\r\n", "\x00", "\ufeff", "#", ";", "=", ":", ",", "/", "\\", "'", '"', "{", "}", "[", "]",
    "(", ")", "<", ">", "-", "--", "0", "-1", "1e999", "NaN", "4294967296", "99999999999999999999", "0x1f",
    "1.5", "auto", "iface", "source", "source-directory", "==> /etc/pve/x.conf <==", "net0: ", "bridge=",
    "tag=", "ovs_options", "bond-slaves", "address", "::", "2001:db8::1/129", "256.1.1.1/33", "a" * 500,
    "null", "true", "{}", "[]", '{"a":', "é", "\u202e", "ring0_addr:", "Slave Interface:", "Port ",
]  # fmt: skip
TOKEN = re.compile(r"[A-Za-z0-9_.:/-]+")

odd_text = st.one_of(st.sampled_from(ODD), st.text(max_size=20))


@st.composite
def mutated(draw: st.DrawFn, kind: str) -> str:
    """A real input of `kind` with 1 to 6 random edits."""
    text = draw(st.sampled_from(seeds(kind)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(
            st.sampled_from(["cut", "delete", "insert", "line-dup", "line-swap", "token", "line-del", "nest"])
        )
        lines = text.split("\n")
        if op == "cut":
            text = text[: draw(st.integers(0, len(text)))]
        elif op == "delete" and text:
            a = draw(st.integers(0, len(text) - 1))
            text = text[:a] + text[a + draw(st.integers(1, 40)) :]
        elif op == "insert":
            a = draw(st.integers(0, len(text)))
            text = text[:a] + draw(odd_text) + text[a:]
        elif op == "line-dup" and lines:
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "\n".join(lines)
        elif op == "line-swap" and len(lines) > 1:
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif op == "line-del" and lines:
            del lines[draw(st.integers(0, len(lines) - 1))]
            text = "\n".join(lines)
        elif op == "nest":  # deep nesting: braces, brackets, indentation (resource limits, issue 11)
            a = draw(st.integers(0, len(text)))
            unit = draw(st.sampled_from(["x {\n", "{", "[", '{"a":', "(", "  "]))
            text = text[:a] + unit * draw(st.integers(100, 3000)) + text[a:]
        elif op == "token":
            found = list(TOKEN.finditer(text))
            if found:
                m = found[draw(st.integers(0, len(found) - 1))]
                text = text[: m.start()] + draw(odd_text) + text[m.end() :]
    return text


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=12),
        st.sampled_from(ODD),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*here, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*here, i))
    return out


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


@st.composite
def reshaped_json(draw: st.DrawFn, kind: str) -> str:
    """A real JSON input of `kind` with one to three subtrees replaced (or the raw text, if not JSON)."""
    text = draw(st.sampled_from(seeds(kind)))
    try:
        doc = json.loads(text)
    except ValueError:
        return text
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = paths[draw(st.integers(0, len(paths) - 1))]
        doc = _replace(doc, path, draw(json_values))
    return json.dumps(doc)


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def is_json_kind(kind: str) -> bool:
    return any(s.lstrip()[:1] in ("{", "[") for s in seeds(kind))


def inputs(kind: str) -> st.SearchStrategy[str]:
    """Everything the fuzzers feed one kind."""
    parts: list[st.SearchStrategy[str]] = [st.text(max_size=300), mutated(kind)]
    if is_json_kind(kind):
        parts += [reshaped_json(kind), json_values.map(json.dumps)]
    return st.one_of(*parts)
