"""GNU `tail -n +1 -- FILES...` output and errors, split back into files (pure).

The output is split by guest_config.split_tail_output (re-exported here). Errors go to stderr,
one line per file: `tail: cannot open 'X' for reading: No such file or directory`,
`tail: error reading 'X': Is a directory`, ... (C locale; a UTF-8 locale quotes with ‘ ’ instead,
accepted too).
"""

from __future__ import annotations

import re

from netdoc.parsers.guest_config import split_tail_output

__all__ = ["split_tail_output", "tail_errors"]

_ERROR = re.compile(
    r"^tail: (?:cannot open|error reading|cannot fstat|cannot determine location of) "
    r"['‘\"](?P<path>.*)['’\"](?: for reading)?: (?P<reason>.+)$",
    re.MULTILINE,
)


def tail_errors(stderr: str) -> dict[str, str]:
    """{path or unmatched glob: reason} from tail's stderr (`No such file or directory`, ...)."""
    return {m.group("path"): m.group("reason").strip() for m in _ERROR.finditer(stderr)}
