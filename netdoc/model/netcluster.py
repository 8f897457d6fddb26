"""The assembled view of a cluster: guests on their bridges, corosync and storage on their links.

Built by model/assemble.py from the sources (model/cluster.py) and each node's HostNet
(model/net.py). Every record says on which node and interface a fact lands, and keeps its
evidence; what could not be resolved is kept too, with the reason (`Unresolved`).
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import SourceRef
from netdoc.model.cluster import Cluster
from netdoc.model.guest import Guest, GuestNic
from netdoc.model.lldp import LldpNeighbor
from netdoc.model.net import HostNet


@dataclass(frozen=True)
class Egress:
    """How a node reaches an address: the local interface, and whether directly or through a gateway.

    `via` is "local" (the node holds the address), "connected" (on a subnet of the interface, or
    its point-to-point peer), "route" (a hook's `ip route add`), "default" (the default gateway).
    """

    iface: str
    via: str
    gateway: str | None = None
    network: str | None = None  # the subnet or route that matched


@dataclass(frozen=True)
class Attachment:
    """One guest NIC plugged into its node: the bridge (or VNet) it names and what that is there."""

    cluster: str
    guest: Guest
    nic: GuestNic
    node: str | None
    bridge: str | None  # as written in netN
    bridge_kind: str  # "linux" | "ovs" | "vnet" | "missing" | "none" (no bridge: QEMU user NAT)
    port_bridge: str | None = None  # the node's bridge the NIC lands on (a VNet's own bridge too)
    vnet: str | None = None  # the SDN VNet the NIC names
    vlan: int | None = None  # the VLAN its frames leave the node in (tag, else the VNet's in a VLAN zone)
    host_port: str | None = None  # tap<vmid>i<n> / veth<vmid>i<n>
    host_port_present: bool | None = None  # seen at run time (None: no runtime source, or stopped)
    runtime_tag: int | None = None  # the OVS port's tag at run time

    @property
    def vmid(self) -> int | None:
        return self.guest.vmid

    @property
    def label(self) -> str:
        kind = "VM" if self.guest.type == "qemu" else "CT"
        name = f" {self.guest.name}" if self.guest.name else ""
        return f"{kind} {self.guest.vmid}{name} {self.nic.key}"


@dataclass(frozen=True)
class RingAddress:
    """One node's address on one corosync link, and the interface of that node that holds it."""

    link: int
    node: str  # the corosync node's name (its label)
    address: str  # as written (an IP, or a host name)
    ip: str | None  # the IP it resolves to (itself, or through /etc/hosts)
    resolved_by: str | None  # "literal" | "hosts:<node>" | None (not resolved)
    iface: str | None  # the interface of that node holding the IP (None: no interface holds it)
    source: SourceRef | None = None


@dataclass(frozen=True)
class CorosyncLinkView:
    """A kronosnet link: its number, priority (higher is preferred) and each node's address."""

    number: int
    priority: int | None
    addresses: tuple[RingAddress, ...] = ()
    source: SourceRef | None = None  # the totem `interface` block, when there is one


@dataclass(frozen=True)
class StoragePath:
    """How one node reaches one endpoint (server, portal, monitor) of a network storage."""

    storage: str
    type: str
    node: str
    host: str  # as written
    ip: str | None  # resolved (None: a name no /etc/hosts knows)
    egress: Egress | None  # None: no interface or route reaches it
    reason: str = ""  # why it is unresolved
    source: SourceRef | None = None


@dataclass(frozen=True)
class CephNetwork:
    """A Ceph public or cluster network on a node: the interface with an address in it."""

    role: str  # "public" | "cluster"
    cidr: str
    node: str
    iface: str | None
    source: SourceRef | None = None


@dataclass(frozen=True)
class VnetView:
    """An SDN VNet resolved: its zone, the underlay bridge, VLAN or VXLAN id, subnets and gateways."""

    id: str
    zone: str | None
    zone_type: str | None  # simple | vlan | qinq | vxlan | evpn | ...
    bridge: str | None = None  # the underlay bridge (vlan, qinq zones)
    vlan: int | None = None  # the VLAN on the underlay bridge: the VNet's tag (vlan), the service VLAN (qinq)
    inner_vlan: int | None = None  # qinq: the customer VLAN inside the service VLAN
    vni: int | None = None  # VXLAN id (vxlan, evpn zones)
    peers: tuple[str, ...] = ()  # vxlan zone peers
    subnets: tuple[tuple[str, str | None], ...] = ()  # (cidr, gateway)
    mtu: int | None = None
    nodes: tuple[str, ...] = ()  # the zone's nodes (empty: every node)
    vlanaware: bool = False
    source: SourceRef | None = None


@dataclass(frozen=True)
class MeshLink:
    """A cable (or point-to-point link) of a mesh between nodes, seen from one node.

    `form`: "broadcast-bond" (a broadcast bond whose slaves are cabled straight to the other nodes),
    "rstp" (a bridge with STP over several direct cables), "routed" (a point-to-point subnet per pair,
    often with OSPF/FRR over /32 loopbacks). `peer` is None when the snapshot does not tell which
    node a NIC reaches (a broadcast bond without LLDP): the mesh is known, its cabling is not.
    """

    form: str
    node: str
    iface: str  # the bond, bridge or NIC carrying the mesh
    nic: str | None  # the physical NIC of this cable
    peer: str | None  # the node at the other end
    peer_iface: str | None = None  # the peer's interface on the mesh (its bond, bridge or NIC)
    peer_nic: str | None = None  # the peer's NIC at the other end of this cable (LLDP)
    address: str | None = None
    peer_address: str | None = None
    network: str | None = None  # the mesh subnet (broadcast bond, rstp) or the pair's link subnet


@dataclass(frozen=True)
class SwitchPortLink:
    """A node NIC cabled to a switch port, as LLDP tells."""

    switch: str
    port: str  # the switch port (port id, else its description)
    node: str
    nic: str
    neighbor: LldpNeighbor


@dataclass(frozen=True)
class Switch:
    """A switch (or any LLDP neighbour that is not a node of the cluster) and its ports towards nodes."""

    name: str  # system name, else chassis id
    chassis_id: str | None = None
    descr: str | None = None
    mgmt_addresses: tuple[str, ...] = ()
    links: tuple[SwitchPortLink, ...] = ()


@dataclass(frozen=True)
class Management:
    """The address a node is known by (/cluster/status, else its own /etc/hosts) and where it lives."""

    node: str
    address: str | None
    resolved_by: str | None  # "cluster-status" | "hosts"
    iface: str | None


@dataclass(frozen=True)
class ClusterNet:
    """A cluster, assembled from every source."""

    name: str
    sources: Cluster
    hosts: tuple[HostNet, ...] = ()  # one per node, by name
    attachments: tuple[Attachment, ...] = ()
    corosync_links: tuple[CorosyncLinkView, ...] = ()
    storage_paths: tuple[StoragePath, ...] = ()
    ceph_networks: tuple[CephNetwork, ...] = ()
    vnets: tuple[VnetView, ...] = ()
    mesh_links: tuple[MeshLink, ...] = ()
    switches: tuple[Switch, ...] = ()
    management: tuple[Management, ...] = ()

    def host(self, name: str | None) -> HostNet | None:
        return next((h for h in self.hosts if h.name == name), None)

    def vnet(self, name: str | None) -> VnetView | None:
        return next((v for v in self.vnets if v.id == name), None)


@dataclass(frozen=True)
class Estate:
    """Every cluster netdoc was given (one snapshot, or a folder of snapshots), by name."""

    clusters: tuple[ClusterNet, ...] = ()

    def cluster(self, name: str) -> ClusterNet | None:
        return next((c for c in self.clusters if c.name == name), None)
