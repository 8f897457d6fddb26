"""What text read from a cluster may hold before netdoc shows it: no control character, no lone surrogate.

An escape sequence in a guest's name would reach the terminal of whoever reads `netdoc check`, a
cron mail or the Markdown report, and XML refuses control characters; a lone UTF-16 surrogate (a
`\\ud800` in an API reply) has no UTF-8 form, so every output holding it failed to be written. Both
are replaced by U+FFFD as the snapshot is read (raw in any text and, in JSON, as `\\uXXXX` escapes
too) and in what the collector prints from a remote error. Tab, newline and carriage return are text.
"""

from __future__ import annotations

import re

_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# an escaped backslash (JSON `\\u0007` is a backslash, then text), a surrogate pair, any \uXXXX
_JSON_ESCAPE = re.compile(
    r"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u([0-9a-fA-F]{4})"
)


def _json_escape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code is None:
        return match.group(0)  # an escaped backslash, or a surrogate pair (one character)
    n = int(code, 16)
    if (n < 0x20 and n not in (0x09, 0x0A, 0x0D)) or 0x7F <= n <= 0x9F or 0xD800 <= n <= 0xDFFF:
        return "\\ufffd"
    return match.group(0)


def inert_text(text: str, *, json_text: bool = False) -> tuple[str, bool]:
    """The text with control characters and lone surrogates as U+FFFD; True when one was replaced."""
    out = _RAW_CONTROL.sub("\ufffd", text)
    if json_text and "\\u" in out:
        out = _JSON_ESCAPE.sub(_json_escape, out)
    return out, out != text
