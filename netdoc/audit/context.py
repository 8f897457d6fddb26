"""What a check reads: one assembled cluster, the estate's graph, and shared lookups over both.

Lookups that several checks need (which NICs carry a bridge, the effective bond mode) live here
once, so the checks stay small and agree with each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netdoc.model.base import SourceRef
from netdoc.model.net import Evidence, HostNet, Iface, lower_path
from netdoc.model.netcluster import ClusterNet
from netdoc.topology.graph import Topology
from netdoc.topology.ids import iface_id, node_id


@dataclass
class AuditContext:
    cluster: ClusterNet
    topology: Topology
    cache: dict[str, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.cluster.name

    @property
    def hosts(self) -> tuple[HostNet, ...]:
        return self.cluster.hosts

    def iface_ids(self, node: str, *names: str) -> tuple[str, ...]:
        return tuple(iface_id(self.name, node, n) for n in names)

    def node_ids(self, *nodes: str) -> tuple[str, ...]:
        return tuple(node_id(self.name, n) for n in nodes)


def ev(node: str | None, ref: SourceRef | None, note: str = "") -> tuple[Evidence, ...]:
    """Evidence from one optional line (empty when the source gave no line)."""
    return (Evidence(node, ref, note),) if ref is not None else ()


def iface_evidence(iface: Iface, note: str = "") -> tuple[Evidence, ...]:
    """The configuration line of an interface, else its first runtime line."""
    return ev(iface.node, iface.source, note)


def option_ref(iface: Iface, *names: str, family: str | None = None) -> SourceRef | None:
    """The line of the first configured option among `names` (canonical dashed names); with
    `family`, in a stanza of that family (`gateway` of `iface vmbr0 inet6` is not the inet one)."""
    if iface.config is None:
        return None
    for opt in iface.config.options:
        if opt.name in names and (family is None or opt.family in (family, None)):
            return opt.source
    return None


def address_ref(iface: Iface, cidr: str) -> SourceRef | None:
    """The line that configures this address (of an inet or an inet6 stanza), else the stanza's."""
    if iface.config is not None:
        for address in iface.config.addresses:
            if address.cidr == cidr and address.source is not None:
                return address.source
    return option_ref(iface, "address") or iface.source


def physical_lower(host: HostNet, iface: Iface, *, runtime: bool = True) -> tuple[str, ...]:
    """The physical NICs under an interface (through bonds, VLANs, bridges, OVS internal ports), sorted.

    With `runtime`, runtime membership is used where a runtime source states it (an OVS
    interface with an error carries nothing), configured membership elsewhere.
    """
    return lower_path(host, iface, runtime=runtime).nics
