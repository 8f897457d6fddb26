"""The generic reader of Proxmox's SectionConfig files (storage.cfg, sdn/*.cfg, and their kin).

A section is a `type: id` header at column 0 followed by indented `key value` lines (a bare `key`
is a flag); a blank line ends it; `#` lines are skipped anywhere. Where a file strays from what
Proxmox writes, the reader keeps going and says, with the line, how Proxmox itself would read it.
Secret-looking values are redacted here, so no typed layer can leak one.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.pveconf import REDACTED, Comment, ConfigOption, Section, SectionConfigFile
from netdoc.parsers.pvetext import redact, split_lines

_HEADER = re.compile(r"(\S+):\s*(\S+)\s*")
_OPTION = re.compile(r"\s+(\S+)(?:\s+(.*\S))?\s*")


@dataclass
class _Open:
    type: str
    id: str
    line: int
    options: list[ConfigOption] = field(default_factory=list)


def read_section_config(text: str, path: str, *, array_keys: Collection[str] = ()) -> SectionConfigFile:
    """Read SectionConfig text into sections of verbatim options; never raises.

    `array_keys` names the properties that may repeat (`dhcp-range`, fabric `interfaces`); any other
    repeated key is reported, since Proxmox keeps only its first value.
    """
    warnings: list[ParseWarning] = []
    comments: list[Comment] = []
    sections: list[Section] = []
    seen_ids: dict[str, int] = {}
    current: _Open | None = None

    def warn(line: int, message: str, text: str = "") -> None:
        warnings.append(ParseWarning(path, line, message, text))

    def close() -> None:
        nonlocal current
        if current is not None:
            sections.append(
                Section(current.type, current.id, tuple(current.options), SourceRef(path, current.line))
            )
        current = None

    for lineno, line in enumerate(split_lines(text), start=1):
        if re.match(r"\s*#", line):
            comments.append(Comment(line.strip()[1:].strip(), SourceRef(path, lineno)))
            continue
        if not line.strip():
            close()
            continue
        header = _HEADER.fullmatch(line)
        if header and not line[0].isspace():
            if current is not None:
                warn(
                    lineno,
                    f"section header without a blank line before it: Proxmox ignores this line and "
                    f"reads the options below into '{current.id}'",
                    line,
                )
                close()
            sec_type, sec_id = header.group(1), header.group(2)
            if sec_id in seen_ids:
                warn(
                    lineno,
                    f"section id '{sec_id}' already defined at line {seen_ids[sec_id]}: "
                    "Proxmox keeps this later one",
                )
            seen_ids.setdefault(sec_id, lineno)
            current = _Open(sec_type, sec_id, lineno)
            continue
        option = _OPTION.fullmatch(line)
        if option and current is not None:
            key, value = option.group(1), option.group(2)
            if key not in array_keys and any(o.key == key for o in current.options):
                warn(lineno, f"duplicate key '{key}' in '{current.id}': Proxmox keeps the first value")
            shown, redacted = redact(key, value)
            if redacted:
                warn(lineno, f"secret-looking value of '{key}' redacted", f"{key} {REDACTED}")
            current.options.append(ConfigOption(key, shown, SourceRef(path, lineno), redacted))
            continue
        if option:
            warn(
                lineno,
                "indented line outside any section (a blank line ends a section); ignored",
                _safe(line),
            )
        elif current is not None:
            warn(
                lineno,
                f"line in section '{current.id}' is not indented 'key value'; Proxmox ignores it",
                _safe(line),
            )
        else:
            warn(lineno, "not a 'type: id' section header; ignored", _safe(line))
    close()
    return SectionConfigFile(path, tuple(sections), tuple(comments), tuple(warnings))


def _safe(line: str) -> str:
    """A line fit to show in a warning: redacted when it looks like `secret-key value`."""
    parts = line.split(None, 1)
    if parts:
        shown, redacted = redact(parts[0].rstrip(":"), parts[1] if len(parts) > 1 else "")
        if redacted:
            return f"{parts[0]} {shown}"
    return line
