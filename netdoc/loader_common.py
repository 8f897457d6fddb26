"""What every snapshot loader shares: run one parser so that a failure becomes a gap, not an abort.

Used by loader.py (cluster-wide sources) and loader_node.py (one node's sources).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TypeVar

from netdoc.errors import NetdocError
from netdoc.model.base import ParseWarning
from netdoc.model.cluster import Gap

log = logging.getLogger("netdoc.loader")

T = TypeVar("T")


def warnings_of(model: object) -> tuple[ParseWarning, ...]:
    """Every parse result carries its warnings in a `warnings` field (the parsers' convention)."""
    found = getattr(model, "warnings", ())
    return tuple(w for w in found if isinstance(w, ParseWarning))


def run_parser(
    parser: Callable[[Mapping[str, str], str], T],
    files: Mapping[str, str],
    path: str,
    *,
    artifact: str,
    node: str | None,
    gaps: list[Gap],
) -> T | None:
    """Run one parser; a parse failure or a parser bug becomes a gap, not an abort."""
    try:
        return parser(files, path)
    except NetdocError as exc:
        gaps.append(Gap(node, artifact, "unparsed", exc.one_line()))
    except Exception as exc:  # a parser bug must not cost the other sources their pages
        log.exception("parser failed on %s", artifact)
        gaps.append(Gap(node, artifact, "error", f"internal error in netdoc: {exc!r}"))
    return None


def parse_one(
    parser: Callable[[Mapping[str, str], str], T],
    text: str | None,
    path: str,
    *,
    artifact: str,
    node: str | None,
    gaps: list[Gap],
) -> T | None:
    """run_parser over a single text (None when the snapshot does not hold it)."""
    if text is None:
        return None
    return run_parser(parser, {path: text}, path, artifact=artifact, node=node, gaps=gaps)
