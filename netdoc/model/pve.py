"""What the Proxmox VE API says about a cluster and its nodes, one small model per endpoint family.

Evidence: every item keeps `SourceRef(path="api:<API path>", line=<1-based index of the item in
the reply's array>)`; single-object replies use line 1. Configuration mirrors the files (corosync.conf,
datacenter.cfg, /etc/hosts) by name so the assembly step can compare the two sources; runtime facts
(online, quorate, uptime, active) live in their own fields and records, never merged into configuration.
`properties` tuples keep every key verbatim as (key, text), so nothing the API said is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.interfaces import InterfacesConfig

Props = tuple[tuple[str, str], ...]

# ------------------------------------------------------------------------------- /nodes/{node}/network


@dataclass(frozen=True)
class ApiInterfaceState:
    """What /nodes/{node}/network reports about an interface beyond its configuration.

    `active`, `exists` and `altnames` are runtime facts read from the kernel at the time of the call;
    `api_type` (Proxmox's own type, finer than InterfaceKind: "vnet", "fabric", "dummy") and
    `priority` (the order in the file; lo is 1) are reported by the API alongside.
    """

    name: str
    api_type: str | None
    priority: int | None = None
    active: bool = False  # Proxmox leaves the key out when false
    exists: bool = False  # a physical NIC present in /sys/class/net
    altnames: tuple[str, ...] = ()  # kernel altnames (PVE 9 pinning: nic0 -> enp2s1, enx...)
    source: SourceRef | None = None


@dataclass(frozen=True)
class ApiNetwork:
    """A node's network as the API reports it: configuration (the shared Interface model) and state."""

    node: str | None
    config: InterfacesConfig  # configured interfaces, in file order (by priority)
    states: tuple[ApiInterfaceState, ...] = ()  # same order as config.interfaces
    changes: str | None = None  # the top-level `changes` diff of pending edits (interfaces.new), verbatim

    @property
    def warnings(self) -> tuple[ParseWarning, ...]:
        return self.config.warnings


# ------------------------------------------------------------------------------- /cluster/status


@dataclass(frozen=True)
class ClusterStatusCluster:
    """The `type: cluster` entry: runtime quorum state and the corosync config version."""

    name: str
    nodes: int | None = None  # nodes in the configuration, offline ones included
    config_version: int | None = None  # `version`: corosync.conf config_version
    quorate: bool | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class ClusterStatusNode:
    """One `type: node` entry (runtime: online, local)."""

    name: str
    nodeid: int | None = None  # 0 on a standalone node
    ip: str | None = None  # the address the node name resolves to
    online: bool = False
    local: bool = False  # the node that answered
    level: str | None = None  # subscription level ("" when none)
    properties: Props = ()  # keys not modelled above, verbatim
    source: SourceRef | None = None


@dataclass(frozen=True)
class ClusterStatus:
    path: str
    cluster: ClusterStatusCluster | None = None  # None on a standalone node (no corosync)
    nodes: tuple[ClusterStatusNode, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()

    @property
    def standalone(self) -> bool:
        return self.cluster is None


# ------------------------------------------------------------------------------- /cluster/config/*


@dataclass(frozen=True)
class CorosyncLinkAddress:
    """`ring<N>_addr` of a corosync node: the address (IP or host name) used on knet link N."""

    link: int
    address: str


@dataclass(frozen=True)
class ApiCorosyncNode:
    """One node of the corosync nodelist (corosync.conf `nodelist { node { ... } }`)."""

    name: str
    nodeid: int | None = None
    quorum_votes: int | None = None
    links: tuple[CorosyncLinkAddress, ...] = ()  # ring0_addr.. ring7_addr, by link number
    properties: Props = ()  # every key of the entry, verbatim (as in corosync.conf)
    source: SourceRef | None = None


@dataclass(frozen=True)
class ApiCorosyncNodes:
    path: str
    nodes: tuple[ApiCorosyncNode, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True)
class ApiTotemInterface:
    """One `totem { interface { ... } }` block: knet link (linknumber) or old ring (ringnumber)."""

    linknumber: int | None = None
    ringnumber: int | None = None
    knet_link_priority: int | None = None  # higher is preferred
    bindnetaddr: str | None = None
    properties: Props = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class ApiTotem:
    """The corosync `totem` section as /cluster/config/totem returns it (all values are text there)."""

    path: str
    cluster_name: str | None = None
    config_version: int | None = None
    version: int | None = None
    ip_version: str | None = None
    link_mode: str | None = None
    secauth: str | None = None
    transport: str | None = None
    interfaces: tuple[ApiTotemInterface, ...] = ()  # by link (or ring) number
    properties: Props = ()  # every key except `interface`, verbatim
    warnings: tuple[ParseWarning, ...] = ()


# ------------------------------------------------------------------------------- /cluster/resources


@dataclass(frozen=True)
class ClusterResource:
    """One entry of /cluster/resources (runtime inventory: guests, nodes, storages, pools, SDN).

    `ident` is the resource's name within its type, from the item or its `id`: the vmid for
    qemu/lxc, the node name, the storage id, the pool id, the SDN zone or network name.
    """

    id: str
    type: str | None
    ident: str | None = None
    node: str | None = None
    name: str | None = None
    status: str | None = None
    vmid: int | None = None
    storage: str | None = None
    pool: str | None = None
    sdn: str | None = None
    network: str | None = None
    network_type: str | None = None  # zone | fabric (type network)
    zone_type: str | None = None
    protocol: str | None = None
    plugintype: str | None = None
    content: tuple[str, ...] = ()
    shared: bool | None = None
    template: bool = False
    tags: tuple[str, ...] = ()
    hastate: str | None = None
    lock: str | None = None
    level: str | None = None
    maxcpu: float | None = None
    cpu_fraction: float | None = None  # Proxmox `cpu`: utilisation, 1.0 = all of maxcpu busy
    mem_bytes: int | None = None
    maxmem_bytes: int | None = None
    disk_bytes: int | None = None
    maxdisk_bytes: int | None = None
    uptime_s: int | None = None
    properties: Props = ()  # keys not modelled above (netin, diskread, cgroup-mode, ...), verbatim
    source: SourceRef | None = None


@dataclass(frozen=True)
class ClusterResources:
    path: str
    resources: tuple[ClusterResource, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()


# ------------------------------------------------------------------------------- /nodes


@dataclass(frozen=True)
class NodeIndexEntry:
    """One entry of GET /nodes (runtime: status, load, uptime)."""

    node: str
    status: str | None = None  # online | offline | unknown
    level: str | None = None
    ssl_fingerprint: str | None = None
    maxcpu: int | None = None
    cpu_fraction: float | None = None
    mem_bytes: int | None = None
    maxmem_bytes: int | None = None
    disk_bytes: int | None = None
    maxdisk_bytes: int | None = None
    uptime_s: int | None = None
    properties: Props = ()  # keys not modelled above (id, type, cgroup-mode, ...), verbatim
    source: SourceRef | None = None


@dataclass(frozen=True)
class NodeIndex:
    path: str
    nodes: tuple[NodeIndexEntry, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()


# ------------------------------------------------------------------------------- /cluster/options


@dataclass(frozen=True)
class DatacenterOptions:
    """datacenter.cfg as /cluster/options returns it (property strings come back as objects)."""

    path: str
    migration_type: str | None = None  # secure | insecure
    migration_network: str | None = None  # CIDR of the migration network
    mac_prefix: str | None = None
    console: str | None = None
    keyboard: str | None = None
    language: str | None = None
    description: str | None = None
    properties: Props = ()  # every key; objects rendered as property strings "k=v,k=v" (keys sorted)
    warnings: tuple[ParseWarning, ...] = ()


# ------------------------------------------------------------------------------- /nodes/{node}/dns|hosts


@dataclass(frozen=True)
class NodeDns:
    """/etc/resolv.conf as /nodes/{node}/dns returns it."""

    path: str
    node: str | None = None
    search: str | None = None
    servers: tuple[str, ...] = ()  # dns1, dns2, dns3 in order, empty ones left out
    properties: Props = ()  # every key, verbatim
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True)
class HostsEntry:
    """One /etc/hosts line: an address and its names; `source.line` is the line inside the text."""

    address: str
    names: tuple[str, ...]
    source: SourceRef | None = None


@dataclass(frozen=True)
class NodeHosts:
    """/nodes/{node}/hosts: the raw /etc/hosts text and the entries parsed from it."""

    path: str
    node: str | None = None
    digest: str | None = None
    text: str = ""
    entries: tuple[HostsEntry, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()


# ------------------------------------------------------------------------------- /version


@dataclass(frozen=True)
class PveVersion:
    """/version (the answering node) or /nodes/{node}/version."""

    path: str
    node: str | None = None
    version: str | None = None  # full pve-manager version ("9.1.1")
    release: str | None = None  # "x.y"
    repoid: str | None = None
    console: str | None = None
    properties: Props = ()
    warnings: tuple[ParseWarning, ...] = ()
