"""What the Proxmox VE API says about a cluster and its nodes, one small model per endpoint family.

Evidence: every item keeps `SourceRef(path="api:<API path>", line=<1-based index of the item in
the reply's array>)`; single-object replies use line 1. Where a file says the same thing, the API
reply is parsed into the file's own model ("one model, two sources": Interface, CorosyncNode, Totem,
Datacenter, HostsFile, StorageConfig, SdnConfig) and the API-only facts sit beside it in a small
record here. Runtime facts (online, quorate, uptime, active) live in their own fields and records,
never merged into configuration. `properties` keep every other key verbatim as (key, text).
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.corosync import CorosyncNode, Totem
from netdoc.model.hosts import HostsFile
from netdoc.model.interfaces import InterfacesConfig
from netdoc.model.sdn import SdnConfig
from netdoc.model.storage import StorageConfig

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
class ApiCorosyncNodes:
    """/cluster/config/nodes: the corosync nodelist in corosync.conf's own model (all values text there)."""

    path: str
    nodes: tuple[CorosyncNode, ...] = ()  # by name
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True)
class ApiTotem:
    """/cluster/config/totem: corosync.conf's totem section in its own model."""

    path: str
    totem: Totem | None = None
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
class ApiHosts:
    """/nodes/{node}/hosts: the node's /etc/hosts, parsed into the file's own model.

    Entries point into the embedded text: SourceRef("api:/nodes/<node>/hosts#data", <line>).
    """

    path: str
    node: str | None
    digest: str | None
    hosts: HostsFile

    @property
    def warnings(self) -> tuple[ParseWarning, ...]:
        return self.hosts.warnings


# ------------------------------------------------------------------------------- /storage, /cluster/sdn/*


@dataclass(frozen=True)
class ApiStorage:
    """/storage: storage.cfg in its own model; `digest` is the config digest every item carries."""

    path: str
    config: StorageConfig
    digest: str | None = None

    @property
    def warnings(self) -> tuple[ParseWarning, ...]:
        return self.config.warnings


@dataclass(frozen=True)
class ApiSectionState:
    """What the API says about one SDN object beyond its section: digest, and with `?pending=1`
    the `state` (new | changed | deleted) and the `pending` values not applied yet."""

    id: str
    state: str | None = None
    pending: Props = ()
    digest: str | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class ApiSdn:
    """/cluster/sdn/{zones,vnets,controllers} or /cluster/sdn/vnets/{vnet}/subnets, in the SDN model
    (`config.origin` is "api"); `states` has one entry per object, in the same order."""

    path: str
    config: SdnConfig
    states: tuple[ApiSectionState, ...] = ()
    vnet: str | None = None  # the VNet of a /cluster/sdn/vnets/{vnet}/subnets path

    @property
    def warnings(self) -> tuple[ParseWarning, ...]:
        return self.config.warnings


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
