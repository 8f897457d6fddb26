"""The lab definition's schema: the YAML that describes simulated clusters, validated with pydantic.

A definition names what an admin configured (NICs, bonds, bridges, OVS, guests, corosync, storage,
SDN, LLDP neighbours) plus a little runtime state (a bond slave down, LACP not negotiated); the
generators derive every file, command output and API reply from it. Unknown keys are refused, and
every problem is reported at once with its key path and YAML line (netdoc.errors.ConfigError).
Cross-references (bond slaves, bridge ports, guest bridges, corosync addresses) are checked in
netdoc/lab/checks.py.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

IFNAME = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,14}$"
HOSTNAME = r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
MAC = r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$"
SDN_ID = r"^[a-z][a-z0-9]{0,7}$"

IfName = Annotated[str, Field(pattern=IFNAME)]
Vid = Annotated[int, Field(ge=1, le=4094)]


def _cidr(value: str) -> str:
    try:
        ipaddress.ip_interface(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an address with a prefix length (e.g. 192.0.2.10/24)") from None
    if "/" not in value:
        raise ValueError(f"{value!r} has no prefix length (write it as CIDR, e.g. {value}/24)")
    return value


def _ip(value: str) -> str:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address") from None
    return value


class Strict(BaseModel):
    """Every model refuses unknown keys and is immutable once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ------------------------------------------------------------------------------------------ interfaces


class Configured(Strict):
    """What every configured interface may carry: addresses, hooks and comments."""

    name: str
    address: str | None = None  # CIDR
    gateway: str | None = None
    mtu: int | None = Field(default=None, ge=576, le=65520)
    autostart: bool = True
    comments: str | None = None
    post_up: tuple[str, ...] = ()  # raw `post-up` commands, kept verbatim
    post_down: tuple[str, ...] = ()

    @field_validator("address")
    @classmethod
    def _check_address(cls, v: str | None) -> str | None:
        return _cidr(v) if v is not None else v

    @field_validator("gateway")
    @classmethod
    def _check_gateway(cls, v: str | None) -> str | None:
        return _ip(v) if v is not None else v


class LldpNeighbor(Strict):
    """The device LLDP sees behind a NIC: a switch of `switches`, or a node of the same cluster."""

    switch: str
    port: str  # switch port (ifname subtype), or the neighbour node's NIC name
    port_descr: str | None = None
    vlans: tuple[Vid, ...] = ()
    pvid: Vid | None = None


class Nic(Configured):
    name: IfName
    mac: Annotated[str, Field(pattern=MAC)] | None = None  # default: derived from the seed
    speed: int = Field(default=1000, ge=10)  # Mb/s
    link: Literal["up", "down"] = "up"  # carrier
    autostart: bool | None = None  # type: ignore[assignment]  # default: when addressed or enslaved
    altnames: tuple[str, ...] = ()
    lldp: LldpNeighbor | None = None


class BondRuntime(Strict):
    """Runtime state of a bond that the configuration cannot say."""

    down_slaves: tuple[IfName, ...] = ()
    lacp: Literal["negotiated", "not_negotiated"] = "negotiated"
    active_slave: IfName | None = None  # active-backup: default the first slave that is up


class Bond(Configured):
    name: Annotated[str, Field(pattern=r"^bond\d+$")]
    mode: Literal[
        "balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb"
    ]
    slaves: tuple[IfName, ...] = Field(min_length=1)
    miimon: int = Field(default=100, ge=0)
    xmit_hash_policy: Literal["layer2", "layer2+3", "layer3+4"] | None = None
    lacp_rate: Literal["slow", "fast"] = "slow"
    primary: IfName | None = None
    runtime: BondRuntime = BondRuntime()


class Masquerade(Strict):
    source: str  # CIDR behind the NAT
    out: IfName  # egress interface

    @field_validator("source")
    @classmethod
    def _check_source(cls, v: str) -> str:
        return _cidr(v)


class PortForward(Strict):
    in_: IfName = Field(alias="in")
    proto: Literal["tcp", "udp"] = "tcp"
    dport: int = Field(ge=1, le=65535)
    to: str  # ip:port

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("to")
    @classmethod
    def _check_to(cls, v: str) -> str:
        host, _, port = v.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"{v!r} is not ip:port")
        _ip(host)
        return v


class Nat(Strict):
    """A routed/NAT bridge's post-up hooks, written the way the PVE admin guide shows them."""

    ip_forward: bool = True
    masquerade: tuple[Masquerade, ...] = ()
    forward: tuple[PortForward, ...] = ()


class Bridge(Configured):
    name: IfName
    ports: tuple[IfName, ...] = ()
    vlan_aware: bool = False
    vids: str | None = None  # bridge-vids, e.g. "2-4094" or "10 20 100-110"
    stp: bool = False
    fd: int = Field(default=0, ge=0, le=30)
    nat: Nat | None = None

    @field_validator("vids")
    @classmethod
    def _check_vids(cls, v: str | None) -> str | None:
        if v is not None:
            parse_vids(v)
        return v


class Vlan(Configured):
    """A VLAN interface: `eno1.10`, `bond0.20`, `vmbr0.30`, or named with raw_device + id."""

    name: IfName
    raw_device: IfName | None = None
    id: Vid | None = None
    protocol: Literal["802.1q", "802.1ad"] | None = None


class OvsBond(Strict):
    name: Annotated[str, Field(pattern=r"^bond\d+$")]
    slaves: tuple[IfName, ...] = Field(min_length=2)
    bond_mode: Literal["active-backup", "balance-slb", "balance-tcp"] = "active-backup"
    lacp: Literal["active", "passive", "off"] | None = None
    lacp_time: Literal["fast", "slow"] | None = None
    tag: Vid | None = None
    trunks: tuple[Vid, ...] = ()
    runtime: BondRuntime = BondRuntime()
    autostart: bool = True


class OvsIntPort(Configured):
    name: IfName
    tag: Vid | None = None


class OvsPort(Strict):
    """A physical NIC plugged straight into an OVS bridge (access with `tag`, trunk with `trunks`)."""

    name: IfName
    tag: Vid | None = None
    trunks: tuple[Vid, ...] = ()
    autostart: bool = True


class OvsSflow(Strict):
    agent: IfName
    targets: tuple[str, ...] = Field(min_length=1)  # "ip:port"
    sampling: int = 64
    polling: int = 10
    header: int = 128


class OvsMirror(Strict):
    name: str
    output_port: IfName
    select_all: bool = True
    select_ports: tuple[IfName, ...] = ()  # mirrored both ways when select_all is false


class OvsBridge(Configured):
    name: IfName
    bonds: tuple[OvsBond, ...] = ()
    intports: tuple[OvsIntPort, ...] = ()
    ports: tuple[OvsPort, ...] = ()
    sflow: OvsSflow | None = None
    mirrors: tuple[OvsMirror, ...] = ()
    fail_mode: Literal["secure", "standalone"] | None = None


class Node(Strict):
    name: Annotated[str, Field(pattern=HOSTNAME)]
    address: str  # its own loopback address, e.g. 127.0.1.1: the lab serves this node there
    online: bool = True
    nodeid: int | None = Field(default=None, ge=1)
    hosts_address: str | None = None  # its line in /etc/hosts; default its corosync link-0 address
    nics: tuple[Nic, ...] = ()
    bonds: tuple[Bond, ...] = ()
    bridges: tuple[Bridge, ...] = ()
    vlans: tuple[Vlan, ...] = ()
    ovs_bridges: tuple[OvsBridge, ...] = ()
    cpus: int = Field(default=16, ge=1)
    memory_gb: int = Field(default=128, ge=1)

    @field_validator("address")
    @classmethod
    def _check_loopback(cls, v: str) -> str:
        ip = ipaddress.ip_address(_ip(v))
        if not ip.is_loopback or ip.version != 4:
            raise ValueError(
                f"{v!r} is not an IPv4 loopback address (127.0.0.0/8): the lab runs on one machine"
            )
        return v

    @field_validator("hosts_address")
    @classmethod
    def _check_hosts_address(cls, v: str | None) -> str | None:
        return _ip(v) if v is not None else v


# ------------------------------------------------------------------------------------------ guests


class GuestNic(Strict):
    index: int | None = Field(default=None, ge=0, le=31)  # netN; default its position in the list
    bridge: IfName  # a Linux bridge, an OVS bridge or an SDN vnet
    model: Literal["virtio", "e1000", "e1000e", "vmxnet3", "rtl8139"] = "virtio"  # qemu only
    name: str | None = None  # lxc only; default eth<index>
    mac: Annotated[str, Field(pattern=MAC)] | None = None
    tag: Vid | None = None
    trunks: tuple[Vid, ...] = ()
    firewall: bool = True  # the GUI's default
    rate: float | None = Field(default=None, gt=0)  # MB/s
    mtu: int | None = Field(default=None, ge=1, le=65520)
    ip: str | None = None  # lxc net ip= / qemu ipconfig: CIDR, dhcp or manual
    gw: str | None = None
    link_down: bool = False
    queues: int | None = Field(default=None, ge=1, le=64)

    @field_validator("ip")
    @classmethod
    def _check_ip(cls, v: str | None) -> str | None:
        if v is None or v in ("dhcp", "manual"):
            return v
        return _cidr(v)

    @field_validator("gw")
    @classmethod
    def _check_gw(cls, v: str | None) -> str | None:
        return _ip(v) if v is not None else v


class Guest(Strict):
    vmid: int = Field(ge=100, le=999999999)
    type: Literal["qemu", "lxc"]
    name: Annotated[str, Field(pattern=HOSTNAME)]
    node: str
    status: Literal["running", "stopped"] = "running"
    cores: int = Field(default=2, ge=1)
    memory_mb: int = Field(default=2048, ge=16)
    disk_gb: int = Field(default=32, ge=1)
    storage: str = "local-lvm"
    ostype: str | None = None  # default l26 (qemu) or debian (lxc)
    onboot: bool = False
    template: bool = False
    tags: tuple[Annotated[str, Field(pattern=r"^[a-z0-9_][a-z0-9_+.-]*$")], ...] = ()
    description: str | None = None
    nics: tuple[GuestNic, ...] = ()


# ------------------------------------------------------------------------------------------ cluster


class CorosyncLink(Strict):
    number: int = Field(ge=0, le=7)
    priority: int | None = Field(default=None, ge=0, le=255)
    addresses: dict[str, str]  # node name -> ring address

    @field_validator("addresses")
    @classmethod
    def _check_addresses(cls, v: dict[str, str]) -> dict[str, str]:
        for ip in v.values():
            _ip(ip)
        return v


class Corosync(Strict):
    config_version: int = Field(default=3, ge=1)
    links: tuple[CorosyncLink, ...] = Field(min_length=1)


class StorageBase(Strict):
    id: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")]
    content: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()  # empty: every node
    disable: bool = False


class DirStorage(StorageBase):
    type: Literal["dir"]
    path: str
    shared: bool = False


class NfsStorage(StorageBase):
    type: Literal["nfs"]
    server: str
    export: str
    options: str | None = None


class CifsStorage(StorageBase):
    type: Literal["cifs"]
    server: str
    share: str
    username: str | None = None
    smbversion: str | None = None


class IscsiStorage(StorageBase):
    type: Literal["iscsi"]
    portal: str
    target: str


class RbdStorage(StorageBase):
    type: Literal["rbd"]
    pool: str
    monhost: tuple[str, ...] = ()  # empty: hyper-converged Ceph
    username: str | None = None
    krbd: bool = False


class CephfsStorage(StorageBase):
    type: Literal["cephfs"]
    monhost: tuple[str, ...] = ()
    fs_name: str | None = None
    username: str | None = None


class PbsStorage(StorageBase):
    type: Literal["pbs"]
    server: str
    datastore: str
    username: str = "backup@pbs"
    fingerprint: str | None = None


class LvmStorage(StorageBase):
    type: Literal["lvm"]
    vgname: str
    shared: bool = False
    base: str | None = None  # an iSCSI LUN under it, e.g. "san:0.0.0.scsi-..."


class LvmThinStorage(StorageBase):
    type: Literal["lvmthin"]
    vgname: str
    thinpool: str


class ZfsPoolStorage(StorageBase):
    type: Literal["zfspool"]
    pool: str
    sparse: bool = False


Storage = Annotated[
    DirStorage
    | NfsStorage
    | CifsStorage
    | IscsiStorage
    | RbdStorage
    | CephfsStorage
    | PbsStorage
    | LvmStorage
    | LvmThinStorage
    | ZfsPoolStorage,
    Field(discriminator="type"),
]


class Zone(Strict):
    id: Annotated[str, Field(pattern=SDN_ID)]
    type: Literal["simple", "vlan", "qinq", "vxlan", "evpn"]
    bridge: IfName | None = None  # vlan, qinq
    tag: Vid | None = None  # qinq service VLAN
    vlan_protocol: Literal["802.1q", "802.1ad"] | None = None  # qinq
    peers: tuple[str, ...] = ()  # vxlan: every node's tunnel address
    controller: str | None = None  # evpn
    vrf_vxlan: int | None = Field(default=None, ge=1, le=16777215)  # evpn
    mac: Annotated[str, Field(pattern=MAC)] | None = None  # evpn anycast gateway MAC
    exitnodes: tuple[str, ...] = ()
    mtu: int | None = Field(default=None, ge=576, le=65520)
    nodes: tuple[str, ...] = ()  # empty: every node
    ipam: str | None = "pve"


class Vnet(Strict):
    id: Annotated[str, Field(pattern=SDN_ID)]
    zone: str
    tag: int | None = Field(default=None, ge=1, le=16777215)  # VLAN id or VNI
    alias: str | None = None
    vlanaware: bool = False


class DhcpRange(Strict):
    start: str
    end: str


class Subnet(Strict):
    vnet: str
    cidr: str
    gateway: str | None = None
    snat: bool = False
    dhcp_ranges: tuple[DhcpRange, ...] = ()

    @field_validator("cidr")
    @classmethod
    def _check_cidr(cls, v: str) -> str:
        try:
            net = ipaddress.ip_network(v, strict=True)
        except ValueError as exc:
            raise ValueError(f"{v!r} is not a network in CIDR form: {exc}") from None
        return str(net)


class Controller(Strict):
    id: Annotated[str, Field(pattern=SDN_ID)]
    type: Literal["evpn", "bgp"]
    asn: int = Field(ge=1, le=4294967295)
    peers: tuple[str, ...] = ()


class Sdn(Strict):
    zones: tuple[Zone, ...] = ()
    vnets: tuple[Vnet, ...] = ()
    subnets: tuple[Subnet, ...] = ()
    controllers: tuple[Controller, ...] = ()


class Switch(Strict):
    """A physical switch seen over LLDP and used as LACP partner."""

    name: str
    mac: Annotated[str, Field(pattern=MAC)] | None = None  # chassis id; default derived
    mgmt_ip: str | None = None
    descr: str = "Switch"
    capabilities: tuple[Literal["Bridge", "Router"], ...] = ("Bridge",)


class Dns(Strict):
    search: str = "lab.example"
    servers: tuple[str, ...] = ("192.0.2.53",)


class Datacenter(Strict):
    keyboard: str | None = None
    migration_network: str | None = None  # CIDR; migration: type=secure,network=...
    mac_prefix: str | None = None
    console: Literal["applet", "vv", "html5", "xtermjs"] | None = None


class Cluster(Strict):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{1,15}$")]
    pve_version: Annotated[str, Field(pattern=r"^\d+\.\d+[.-]\d+$")] = "8.2.4"  # PVE 7 wrote "7.2-4"
    repoid: Annotated[str, Field(pattern=r"^[0-9a-f]{8,40}$")] | None = None  # default: derived
    kernel: str = "6.8.12-1-pve"
    ovs_version: str = "3.1.0"
    dns: Dns = Dns()
    datacenter: Datacenter = Datacenter()
    nodes: tuple[Node, ...] = Field(min_length=1)
    corosync: Corosync | None = None  # None: a standalone node, no corosync.conf
    switches: tuple[Switch, ...] = ()
    storage: tuple[Storage, ...] = ()
    guests: tuple[Guest, ...] = ()
    sdn: Sdn | None = None
    faults: tuple[dict[str, Any], ...] = ()  # passed through untouched to LabCluster.faults


class Definition(Strict):
    """The whole lab: one or more clusters; `seed` drives every derived MAC and UUID."""

    seed: int = 0
    clusters: tuple[Cluster, ...] = Field(min_length=1)


# ------------------------------------------------------------------------------------------ helpers


_VIDS = re.compile(r"^\d+(-\d+)?$")


def parse_vids(text: str) -> tuple[int, ...]:
    """`"2-4094"`, `"10 20 100-110"` (bridge-vids; commas and semicolons too) -> sorted VLAN ids."""
    out: set[int] = set()
    for part in re.split(r"[\s,;]+", text.strip()):
        if not part:
            continue
        if not _VIDS.match(part):
            raise ValueError(f"{part!r} is not a VLAN id or range")
        lo, _, hi = part.partition("-")
        a, b = int(lo), int(hi or lo)
        if not 1 <= a <= b <= 4094:
            raise ValueError(f"{part!r} is outside 1-4094")
        out.update(range(a, b + 1))
    return tuple(sorted(out))
