"""High availability: /etc/pve/ha/groups.cfg, resources.cfg and (Proxmox VE 9) rules.cfg.

Groups (PVE <= 8) and node-affinity rules (PVE 9, which replace them) say on which nodes an HA
resource may run; migration readiness honours them. Every option is kept verbatim as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.pveconf import ConfigOption


@dataclass(frozen=True)
class HaNodePriority:
    node: str
    priority: int | None = None  # higher is preferred; None when not given


@dataclass(frozen=True)
class HaGroup:
    """`group: <id>`: the nodes a resource of the group may run on."""

    id: str
    nodes: tuple[HaNodePriority, ...] = ()
    restricted: bool = False  # only these nodes (else: others when none of these is up)
    nofailback: bool = False
    options: tuple[ConfigOption, ...] = ()
    source: SourceRef | None = None

    @property
    def node_names(self) -> tuple[str, ...]:
        return tuple(n.node for n in self.nodes)


@dataclass(frozen=True)
class HaResource:
    """`vm: <vmid>` or `ct: <vmid>` of resources.cfg."""

    sid: str  # "vm:100"
    type: str  # vm | ct
    vmid: int | None
    group: str | None = None
    state: str | None = None  # started | stopped | enabled | disabled | ignored
    options: tuple[ConfigOption, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class HaRule:
    """A rule of rules.cfg: `node-affinity` (nodes a resource may run on) or `resource-affinity`."""

    id: str
    type: str  # node-affinity | resource-affinity
    resources: tuple[str, ...] = ()  # "vm:100", "ct:101"
    nodes: tuple[HaNodePriority, ...] = ()  # node-affinity
    strict: bool = False  # node-affinity: only these nodes
    affinity: str | None = None  # resource-affinity: positive | negative
    disabled: bool = False
    options: tuple[ConfigOption, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class HaConfig:
    """The parse of one HA file (`groups`, `resources` or `rules` in `origin`), or all three merged."""

    path: str
    origin: str
    groups: tuple[HaGroup, ...] = ()
    resources: tuple[HaResource, ...] = ()
    rules: tuple[HaRule, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()

    def resource(self, vmid: int | None) -> HaResource | None:
        return next((r for r in self.resources if r.vmid == vmid and vmid is not None), None)

    def group(self, name: str | None) -> HaGroup | None:
        return next((g for g in self.groups if g.id == name), None)
