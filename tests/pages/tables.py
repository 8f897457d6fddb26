"""Reading the generated Markdown back: a table row by the id in its first cell, its cells, a section."""

from __future__ import annotations

import re

_PIPE = re.compile(r"(?<!\\)\|")


def cells(line: str) -> list[str]:
    """The cells of a Markdown table row (an escaped pipe stays in its cell)."""
    return [c.strip() for c in _PIPE.split(line.strip())[1:-1]]


def row(page: str, anchor: str) -> list[str]:
    """The cells of the row whose first cell carries `id="anchor"`."""
    found = [line for line in page.splitlines() if line.startswith(f'| <span id="{anchor}"></span>')]
    assert len(found) == 1, f"{len(found)} rows with id {anchor!r}"
    return cells(found[0])


def rows_with(page: str, *words: str) -> list[list[str]]:
    """Every table row holding all these words."""
    return [
        cells(line) for line in page.splitlines() if line.startswith("| ") and all(w in line for w in words)
    ]


def section(page: str, anchor: str) -> str:
    """The text of the section whose heading has the id `anchor`, up to the next heading of its level."""
    match = re.search(rf"^(#+) .*\{{#{re.escape(anchor)}\}}$", page, re.MULTILINE)
    assert match is not None, f"no section {anchor!r}"
    level = len(match.group(1))
    rest = page[match.end() :]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest
