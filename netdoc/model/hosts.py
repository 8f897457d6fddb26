"""/etc/hosts of a node: which address each name resolves to locally (Proxmox resolves its own
node name this way; corosync `ringN_addr` host names too)."""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.pveconf import Comment


@dataclass(frozen=True)
class HostsEntry:
    """One line: an address and its names (canonical name first, then aliases)."""

    address: str
    family: str  # "inet" | "inet6" | "unknown" (not an IP address; kept, with a warning)
    names: tuple[str, ...] = ()
    comment: str | None = None  # a trailing `# ...`
    source: SourceRef | None = None


@dataclass(frozen=True)
class HostsFile:
    """The parse of one hosts file."""

    path: str
    entries: tuple[HostsEntry, ...] = ()
    comments: tuple[Comment, ...] = ()  # whole-line comments
    warnings: tuple[ParseWarning, ...] = ()

    def addresses_of(self, name: str) -> tuple[str, ...]:
        """Every address a name is given, in file order (the first is what resolvers answer)."""
        return tuple(e.address for e in self.entries if name in e.names)
