"""Read Proxmox's `key: value` files (datacenter.cfg, guest configs) into verbatim options.

Shared by datacenter.py and guest_config.py: one line per option, `#` comment lines, secrets
redacted on the way in. Lines that are not `key: value` are reported with their numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.pveconf import Comment, ConfigOption
from netdoc.parsers.pvetext import redact

# `lxc.*` raw keys may use `=` (pve-container accepts both); Proxmox keys are lower-case words.
_LXC_RAW = re.compile(r"(lxc\.[A-Za-z0-9_.\-]+)\s*[:=]\s*(.*?)\s*")
_KEY_VALUE = re.compile(r"([A-Za-z][A-Za-z0-9_\-]*)\s*:\s*(.*?)\s*")


@dataclass
class KeyValueBlock:
    """The options and comments of one block of lines (a guest config section, a whole file)."""

    options: list[ConfigOption] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)


def read_key_values(lines: Iterable[tuple[int, str]], path: str) -> KeyValueBlock:
    """Read numbered lines; duplicates are kept and reported (Proxmox keeps the last one)."""
    block = KeyValueBlock()
    seen: dict[str, int] = {}
    for lineno, line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            block.comments.append(Comment(stripped[1:], SourceRef(path, lineno)))
            continue
        m = _LXC_RAW.fullmatch(stripped) or _KEY_VALUE.fullmatch(stripped)
        if not m:
            block.warnings.append(
                ParseWarning(path, lineno, "not a 'key: value' line; ignored", _shown(stripped))
            )
            continue
        key, value = m.group(1), m.group(2)
        if key in seen:
            block.warnings.append(
                ParseWarning(
                    path, lineno, f"duplicate key '{key}' (first at line {seen[key]}): the last one counts"
                )
            )
        seen.setdefault(key, lineno)
        shown, redacted = redact(key, value)
        block.options.append(ConfigOption(key, shown, SourceRef(path, lineno), redacted))
    return block


def last_value(options: Iterable[ConfigOption], key: str) -> ConfigOption | None:
    """The option that counts for `key` (the last of duplicates)."""
    found = None
    for opt in options:
        if opt.key == key:
            found = opt
    return found


def _shown(line: str) -> str:
    key, _, value = line.partition(":")
    shown, redacted = redact(key.strip(), value)
    return f"{key}: {shown}" if redacted else line
