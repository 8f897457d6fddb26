"""Hypothesis helpers for the Proxmox-file parsers: text made of the syntax's own fragments.

Plain random text rarely reaches deep parser states; lines glued from a format's keywords,
braces and separators do, while still being arbitrary.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from netdoc.errors import ParseError
from netdoc.model.base import to_jsonable

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def lines_of(fragments: Sequence[str]) -> st.SearchStrategy[str]:
    """Text whose lines mix the given fragments, indentation and arbitrary short text."""
    piece = st.one_of(st.sampled_from(list(fragments)), st.text(max_size=12))
    line = st.lists(piece, max_size=5).map(" ".join)
    indent = st.sampled_from(["", " ", "\t", "    "])
    return st.lists(st.tuples(indent, line).map("".join), max_size=25).map("\n".join)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


def json_text(keys: Sequence[str]) -> st.SearchStrategy[str]:
    """JSON documents: arbitrary values, objects keyed by the format's own keys too."""
    key = st.one_of(st.sampled_from(list(keys)), st.text(max_size=8))
    obj = st.recursive(
        JSON_VALUES,
        lambda children: st.dictionaries(key, children, max_size=6),
        max_leaves=25,
    )
    return obj.map(json.dumps)


def parses_or_parse_error(parse: Callable[..., Any], *args: Any) -> Any:
    """Run a parser: a result (which must serialise to JSON) or ParseError, never anything else."""
    try:
        result = parse(*args)
    except ParseError as exc:
        assert exc.one_line()
        return None
    json.dumps(to_jsonable(result))
    return result
