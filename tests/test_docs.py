"""The docs keep up with the code: every parse kind is in docs/parsers.md and has its own page."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from netdoc.model.interfaces import Interface, InterfaceKind
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


def test_every_interface_field_and_kind_is_documented() -> None:
    page = (DOCS / "parsers" / "interfaces.md").read_text(encoding="utf-8")
    missing = [
        f.name for f in fields(Interface) if f"| `{f.name}`" not in page and f"/ `{f.name}`" not in page
    ]
    assert not missing, f"Interface fields missing from docs/parsers/interfaces.md: {missing}"
    kinds = [k.value for k in InterfaceKind if f"`{k.value}`" not in page]
    assert not kinds, f"interface kinds missing from docs/parsers/interfaces.md: {kinds}"
