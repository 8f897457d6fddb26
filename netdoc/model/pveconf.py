"""Generic lines of Proxmox's own configuration files, shared by the typed models built on them.

`ConfigOption` is one `key value` (section config) or `key: value` line, verbatim, with its evidence;
`Section` and `SectionConfigFile` are the generic SectionConfig form (storage.cfg, sdn/*.cfg) that the
typed layers (storage, sdn) read from.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef

REDACTED = "[redacted]"


@dataclass(frozen=True)
class ConfigOption:
    """One option as written: key, value (None for a bare flag such as `sparse`), where it was read.

    `redacted` is True when the value looked like a secret and was replaced by "[redacted]".
    """

    key: str
    value: str | None
    source: SourceRef | None = None
    redacted: bool = False


@dataclass(frozen=True)
class Comment:
    """A comment line (`# ...`), text without the leading `#`."""

    text: str
    source: SourceRef | None = None


@dataclass(frozen=True)
class Section:
    """One SectionConfig section: the `type: id` header and its indented options, in file order."""

    type: str
    id: str
    options: tuple[ConfigOption, ...] = ()
    source: SourceRef | None = None

    def get(self, key: str) -> ConfigOption | None:
        """The first option named `key` (Proxmox keeps the first of duplicates)."""
        for opt in self.options:
            if opt.key == key:
                return opt
        return None

    def values(self, key: str) -> tuple[str | None, ...]:
        """Every value of `key` (array properties such as `dhcp-range` repeat)."""
        return tuple(o.value for o in self.options if o.key == key)


@dataclass(frozen=True)
class SectionConfigFile:
    """A whole SectionConfig file as the generic reader sees it."""

    path: str
    sections: tuple[Section, ...] = ()
    comments: tuple[Comment, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()
