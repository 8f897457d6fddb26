"""Small helpers to write safe Markdown: escaping untrusted text and building tables.

Everything shown on the site comes from files on the nodes, so it is escaped: a comment line in
/etc/network/interfaces must not be able to inject HTML or break a table.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

_MD_SPECIAL = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "|": "\\|",
        "#": "\\#",
        "~": "\\~",
        "<": "&lt;",
        ">": "&gt;",
        "&": "&amp;",
    }
)


def esc(text: object) -> str:
    """Escape text for a Markdown paragraph or table cell (one line)."""
    s = str(text).replace("\r", " ").replace("\n", " ")
    return s.translate(_MD_SPECIAL)


def code(text: object) -> str:
    """Inline code that survives backticks and pipes inside the text (as HTML, escaped)."""
    s = str(text).replace("\r", " ").replace("\n", " ")
    return "<code>" + html.escape(s, quote=False).replace("|", "&#124;") + "</code>"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; cells must already be escaped."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def slug(name: str) -> str:
    """A file-name-safe slug for page paths (node names are already DNS-safe)."""
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name).strip(".") or "unnamed"
