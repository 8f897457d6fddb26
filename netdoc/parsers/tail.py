"""GNU `tail -n +1 -- FILES...` output and errors, split back into files (pure).

split_tail_output gives {path: text} back (the collectors and the bulk guest-config parser use it).
Errors go to stderr, one line per file: `tail: cannot open 'X' for reading: No such file or directory`,
`tail: error reading 'X': Is a directory`, ... (C locale; a UTF-8 locale quotes with ‘ ’ instead,
accepted too).
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^==> (.*) <==$", re.MULTILINE)
_ERROR = re.compile(
    r"^tail: (?:cannot open|error reading|cannot fstat|cannot determine location of) "
    r"['‘\"](?P<path>.*)['’\"](?: for reading)?: (?P<reason>.+)$",
    re.MULTILINE,
)


def tail_errors(stderr: str) -> dict[str, str]:
    """{path or unmatched glob: reason} from tail's stderr (`No such file or directory`, ...)."""
    return {m.group("path"): m.group("reason").strip() for m in _ERROR.finditer(stderr)}


def split_tail_output(text: str) -> dict[str, str]:
    """GNU `tail -n +1 -- FILES...` output -> {path: file text}, each file exactly as it was.

    tail prints "==> PATH <==" before each file and one newline before every header but the first,
    so dropping that newline gives the file back (with or without its final newline). Text before
    the first header (tail given ONE file prints no header at all) is returned under "".
    """
    matches = list(_HEADER.finditer(text))
    out: dict[str, str] = {}
    first = matches[0].start() if matches else len(text)
    if text[:first].strip():
        out[""] = text[:first]
    for i, m in enumerate(matches):
        start = min(m.end() + 1, len(text))
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[start:end]
        if i + 1 < len(matches) and body.endswith("\n"):
            body = body[:-1]
        out[m.group(1)] = body
    return out
