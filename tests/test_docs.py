"""The docs keep up with the code: every parse kind is in docs/parsers.md and has its own page."""

from __future__ import annotations

import re
from pathlib import Path

from netdoc.parsers.kinds import KINDS

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_kind_is_indexed() -> None:
    index = (DOCS / "parsers.md").read_text(encoding="utf-8")
    missing = [k for k in KINDS if f"`{k}`" not in index]
    assert not missing, f"kinds missing from docs/parsers.md: {missing}"


def test_every_linked_parser_page_exists() -> None:
    index = (DOCS / "parsers.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\((parsers/[^)]+\.md)\)", index)
    assert links
    assert [p for p in links if not (DOCS / p).is_file()] == []
