"""The cluster as documented: nodes, what was read for each, and the gaps (what could not be read).

Grows with the sources: for now a node carries its configured interfaces (and pending edits).
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning
from netdoc.model.interfaces import InterfacesConfig


@dataclass(frozen=True)
class Gap:
    """Something netdoc wanted and did not get; shown on the site, never silently dropped."""

    node: str | None
    artifact: str  # a snapshot path ("nodes/pve1/etc/network/interfaces") or a topic
    status: str  # missing | denied | timeout | error | unparsed
    message: str = ""


@dataclass(frozen=True)
class Node:
    """One Proxmox node."""

    name: str
    interfaces: InterfacesConfig | None = None
    pending_interfaces: InterfacesConfig | None = None  # /etc/network/interfaces.new, not applied yet
    online: bool | None = None
    address: str | None = None
    gaps: tuple[Gap, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True)
class Cluster:
    """A cluster (or a standalone node) as one snapshot shows it."""

    name: str
    nodes: tuple[Node, ...] = ()
    collected_at: str | None = None  # from the manifest; the only time in generated output
    netdoc_version: str | None = None
    gaps: tuple[Gap, ...] = ()
    has_manifest: bool = False

    def node(self, name: str) -> Node | None:
        for n in self.nodes:
            if n.name == name:
                return n
        return None
