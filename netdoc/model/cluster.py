"""The cluster as read: every parsed source of every node, and the gaps (what could not be read).

This is the *sources* layer: one field per source, exactly as its parser returned it, configured
and runtime side by side and never merged. model/assemble.py turns it into the assembled view
(interfaces with both states, guests on their bridges, corosync and storage on their links).
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning
from netdoc.model.bonding import BondStatus
from netdoc.model.ceph import CephConf
from netdoc.model.corosync import CorosyncConfig
from netdoc.model.datacenter import Datacenter
from netdoc.model.guest import Guest
from netdoc.model.ha import HaConfig
from netdoc.model.hosts import HostsFile
from netdoc.model.interfaces import InterfacesConfig
from netdoc.model.iproute2 import BridgeVlans, IpAddrs, IpLinks
from netdoc.model.lldp import LldpNeighbors
from netdoc.model.nat import NatConfig, SysctlConfig
from netdoc.model.ovs import OvsTopology
from netdoc.model.pve import ApiInterfaceState, ClusterResources, ClusterStatus
from netdoc.model.sdn import SdnConfig
from netdoc.model.storage import StorageConfig


@dataclass(frozen=True)
class Gap:
    """Something netdoc wanted and did not get; shown on the site, never silently dropped."""

    node: str | None
    artifact: str  # a snapshot path ("nodes/pve1/etc/network/interfaces") or a topic
    status: str  # missing | denied | timeout | error | unparsed | altered (read, characters replaced)
    message: str = ""


@dataclass(frozen=True)
class Node:
    """One Proxmox node: every source read for it, each as its parser returned it."""

    name: str
    interfaces: InterfacesConfig | None = None  # configured: the file, else the API's view of it
    pending_interfaces: InterfacesConfig | None = None  # /etc/network/interfaces.new, not applied yet
    api_states: tuple[ApiInterfaceState, ...] = ()  # runtime: /nodes/{node}/network active/exists
    api_changes: str | None = None  # /nodes/{node}/network's `changes`: the diff of interfaces.new
    bonds: tuple[BondStatus, ...] = ()  # runtime: /proc/net/bonding/*
    ovs: OvsTopology | None = None  # runtime: ovs-vsctl (JSON lists preferred, else show)
    ip_links: IpLinks | None = None  # runtime: ip -j -d link
    ip_addrs: IpAddrs | None = None  # runtime: ip -j addr
    bridge_vlans: BridgeVlans | None = None  # runtime: bridge -j vlan show
    lldp: LldpNeighbors | None = None  # runtime: lldpctl -f json0
    hosts: HostsFile | None = None  # /etc/hosts (file, else the API's copy)
    nat_hooks: NatConfig | None = None  # configured: NAT, sysctl and routes in interfaces hooks
    nat_runtime: NatConfig | None = None  # runtime: iptables-save -t nat
    sysctls: tuple[SysctlConfig, ...] = ()  # configured: /etc/sysctl.conf, /etc/sysctl.d/*.conf
    guests: tuple[Guest, ...] = ()  # guests whose config lives under /etc/pve/nodes/<this node>
    online: bool | None = None
    address: str | None = None  # what /cluster/status reports (the node name's address)
    gaps: tuple[Gap, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True)
class Cluster:
    """A cluster (or a standalone node) as one snapshot shows it."""

    name: str
    nodes: tuple[Node, ...] = ()
    collected_at: str | None = None  # from the manifest; the only time in generated output
    netdoc_version: str | None = None
    accounts: tuple[tuple[str, str], ...] = ()  # from the manifest: ("api", "netdoc@pve!audit"), ("ssh", ...)
    gaps: tuple[Gap, ...] = ()
    has_manifest: bool = False
    corosync: CorosyncConfig | None = None  # corosync.conf, else the API's nodelist and totem
    storage: StorageConfig | None = None  # storage.cfg, else GET /storage
    sdn: SdnConfig | None = None  # configured SDN: /etc/pve/sdn/*.cfg merged, else the API
    sdn_running: SdnConfig | None = None  # /etc/pve/sdn/.running-config (what was applied)
    datacenter: Datacenter | None = None  # datacenter.cfg, else GET /cluster/options
    ceph: CephConf | None = None  # /etc/pve/ceph.conf
    ha: HaConfig | None = None  # /etc/pve/ha/{groups,resources,rules}.cfg
    status: ClusterStatus | None = None  # runtime: GET /cluster/status
    resources: ClusterResources | None = None  # runtime: GET /cluster/resources
    pve_files_node: str | None = None  # the node /etc/pve was read from (evidence paths)
    warnings: tuple[ParseWarning, ...] = ()  # warnings of the cluster-wide sources

    def node(self, name: str) -> Node | None:
        for n in self.nodes:
            if n.name == name:
                return n
        return None
