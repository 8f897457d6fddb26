"""The cluster as documented: nodes, what was read for each, and the gaps (what could not be read).

Configured state (interfaces) and runtime state (bonds, Open vSwitch) are kept side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning
from netdoc.model.bonding import BondStatus
from netdoc.model.corosync import CorosyncConfig
from netdoc.model.guest import Guest
from netdoc.model.interfaces import InterfacesConfig
from netdoc.model.ovs import OvsTopology


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
    bonds: tuple[BondStatus, ...] = ()  # runtime: /proc/net/bonding/*
    ovs: OvsTopology | None = None  # runtime: ovs-vsctl (JSON lists preferred, else show)
    guests: tuple[Guest, ...] = ()  # guests whose config lives under /etc/pve/nodes/<this node>
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
    corosync: CorosyncConfig | None = None

    def node(self, name: str) -> Node | None:
        for n in self.nodes:
            if n.name == name:
                return n
        return None
