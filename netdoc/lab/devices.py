"""A node's runtime network as data: kernel devices, OVS ports, guest plugs, and the cluster's shared facts.

netdoc/lab/resolve.py fills these records once per node (NodeRuntime); every runtime generator
(ip -j link/addr, bridge vlan, /proc/net/bonding, ovs-vsctl, lldpctl, the SDN stanzas) reads them.
They live here, apart from the resolver, so that a generator the resolver calls (generate_sdn)
can use them without importing the resolver back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netdoc.lab import ids
from netdoc.lab.schema import Bridge, Cluster, Guest, GuestNic, Node, OvsBridge

PVE_MAC_PREFIX = "BC:24:11"


@dataclass
class Dev:
    """One kernel network device as `ip -d link` would show it."""

    name: str
    kind: str  # loopback ether bond bridge vlan veth tun openvswitch vxlan vrf
    mac: str
    mtu: int = 1500
    ifindex: int = 0
    master: str | None = None
    slave_kind: str | None = None  # bridge | bond | openvswitch
    admin_up: bool = True
    carrier: bool = True
    link: str | None = None  # VLAN parent, or veth peer in the same namespace
    peer_in_container: bool = False
    vlan_id: int | None = None
    vlan_protocol: str = "802.1Q"
    addrs: list[str] = field(default_factory=list)  # CIDR
    speed: int | None = None
    perm_mac: str | None = None
    altnames: tuple[str, ...] = ()
    vlan_filtering: bool = False
    bridge_vlans: list[tuple[int, bool, bool]] = field(default_factory=list)  # (vid, pvid, untagged)
    info: dict[str, Any] = field(default_factory=dict)  # extra info_data (vxlan id, vrf table...)
    pci: str | None = None
    ovs_port_of: str | None = None  # an OVS internal port that is also a Linux bridge port (SDN ln_*)
    ovs_tag: int | None = None

    @property
    def up(self) -> bool:
        return self.admin_up and self.carrier


@dataclass
class OvsPortRt:
    """A port of an OVS bridge at runtime (bridge internal port, bond, NIC, intport, guest)."""

    name: str
    interfaces: list[str]
    iface_type: str = ""  # "" (system) | internal
    tag: int | None = None
    trunks: tuple[int, ...] = ()
    bond_mode: str | None = None
    lacp: str | None = None
    lacp_time: str | None = None
    lacp_negotiated: bool = True
    guest: tuple[int, int] | None = None  # (vmid, net index)
    errors: dict[str, str] = field(default_factory=dict)  # interface -> Interface.error


@dataclass
class OvsBridgeRt:
    name: str
    ports: list[OvsPortRt]
    definition: OvsBridge | None = None


@dataclass
class GuestPlug:
    """Where a running guest NIC lands on the host."""

    vmid: int
    index: int
    host_dev: str  # tap100i0 / veth100i0
    bridge: str  # the bridge the host side finally joins (vmbr0, vmbr0v10, vubr0, a vnet)
    nic: GuestNic
    mac: str


@dataclass
class NodeRuntime:
    node: Node
    devs: dict[str, Dev]  # insertion order = ifindex order
    ovs: list[OvsBridgeRt]
    plugs: list[GuestPlug]
    nic_macs: dict[str, str]

    def dev(self, name: str) -> Dev | None:
        return self.devs.get(name)


class ClusterCtx:
    """Shared, derived facts of one cluster: MACs of every node's NICs and of the guests."""

    def __init__(self, seed: int, cluster: Cluster) -> None:
        self.seed = seed
        self.cluster = cluster
        self.nodes = {n.name: n for n in cluster.nodes}
        self.nic_macs = {
            n.name: {
                nic.name: (nic.mac or ids.nic_mac(seed, cluster.name, n.name, index=i)).lower()
                for i, nic in enumerate(n.nics)
            }
            for n in cluster.nodes
        }
        self.mac_prefix = cluster.datacenter.mac_prefix or PVE_MAC_PREFIX

    def guest_mac(self, guest: Guest, index: int, nic: GuestNic) -> str:
        return (
            nic.mac or ids.guest_mac(self.seed, self.mac_prefix, self.cluster.name, guest.vmid, index)
        ).upper()


def nic_index(nic: GuestNic, position: int) -> int:
    return nic.index if nic.index is not None else position


def bridge_uplink(br: Bridge, node: Node) -> str | None:
    """The bridge port Proxmox uses for vmbrXvY VLAN bridges: its first NIC or bond."""
    nics = {n.name for n in node.nics} | {b.name for b in node.bonds}
    return next((p for p in br.ports if p in nics), None)
