"""Proxmox SDN and storage definitions as the API returns them (/cluster/sdn/*, /storage).

They mirror the section-config files (/etc/pve/sdn/{zones,vnets,subnets,controllers}.cfg and
/etc/pve/storage.cfg: `type: id` then `key value` lines) by name: `type`, the id field, typed fields
for the network-relevant keys, and `properties` holding every key of the section verbatim as
(key, text) so the assembly step can compare API and file key by key. Booleans read as 1/0 appear as
"1"/"0" in `properties`. With `?pending=1`, `state` (new|changed|deleted) and `pending` (the values
not yet applied) come back too; they are kept apart from the applied values.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef

Props = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SdnZone:
    """A zone (zones.cfg `<type>: <zone>`): simple, vlan, qinq, vxlan, evpn, faucet."""

    zone: str
    type: str | None
    bridge: str | None = None  # vlan/qinq zones
    tag: int | None = None  # qinq service VLAN
    vlan_protocol: str | None = None
    peers: tuple[str, ...] = ()  # vxlan zone peer addresses
    fabric: str | None = None
    mtu: int | None = None
    controller: str | None = None
    vrf_vxlan: int | None = None
    vxlan_port: int | None = None
    exitnodes: tuple[str, ...] = ()
    mac: str | None = None
    ipam: str | None = None
    dhcp: str | None = None
    dns: str | None = None
    reversedns: str | None = None
    dnszone: str | None = None
    nodes: tuple[str, ...] = ()  # empty: every node
    state: str | None = None  # new | changed | deleted (only with ?pending=1)
    pending: Props = ()  # values not yet applied, verbatim
    digest: str | None = None
    properties: Props = ()  # every key of the section except type/zone/digest/state/pending
    source: SourceRef | None = None


@dataclass(frozen=True)
class SdnVnet:
    """A VNet (vnets.cfg `vnet: <name>`); guests name it in `bridge=`."""

    vnet: str
    zone: str | None = None
    type: str | None = None  # always "vnet"
    tag: int | None = None  # VLAN tag (vlan/qinq zones) or VNI (vxlan/evpn zones)
    alias: str | None = None
    vlanaware: bool = False
    isolate_ports: bool = False
    state: str | None = None
    pending: Props = ()
    digest: str | None = None
    properties: Props = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class DhcpRange:
    start: str
    end: str


@dataclass(frozen=True)
class SdnSubnet:
    """A subnet (subnets.cfg `subnet: <zone>-<network>-<prefixlen>`)."""

    subnet: str  # the section id, e.g. "zone1-192.0.2.0-24"
    cidr: str | None = None  # "192.0.2.0/24" (from the item, or derived from the id)
    network: str | None = None
    mask: int | None = None  # prefix length
    zone: str | None = None
    vnet: str | None = None
    type: str | None = None  # always "subnet"
    gateway: str | None = None
    snat: bool = False
    dhcp_ranges: tuple[DhcpRange, ...] = ()
    dhcp_dns_server: str | None = None
    dnszoneprefix: str | None = None
    state: str | None = None
    pending: Props = ()
    digest: str | None = None
    properties: Props = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class SdnController:
    """A controller (controllers.cfg): bgp, evpn, isis, faucet."""

    controller: str
    type: str | None = None
    asn: int | None = None
    peers: tuple[str, ...] = ()
    ebgp: bool = False
    ebgp_multihop: int | None = None
    loopback: str | None = None
    node: str | None = None
    isis_domain: str | None = None
    isis_ifaces: tuple[str, ...] = ()
    isis_net: str | None = None
    fabric: str | None = None
    state: str | None = None
    pending: Props = ()
    digest: str | None = None
    properties: Props = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class SdnZones:
    path: str
    zones: tuple[SdnZone, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True)
class SdnVnets:
    path: str
    vnets: tuple[SdnVnet, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True)
class SdnSubnets:
    path: str
    vnet: str | None = None  # from /cluster/sdn/vnets/{vnet}/subnets
    subnets: tuple[SdnSubnet, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True)
class SdnControllers:
    path: str
    controllers: tuple[SdnController, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()


# ------------------------------------------------------------------------------- /storage


@dataclass(frozen=True)
class StorageEntry:
    """One storage definition (storage.cfg `<type>: <id>`); the API returns the whole section."""

    storage: str
    type: str | None
    content: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()  # empty: every node
    shared: bool = False
    disabled: bool = False  # `disable`
    path: str | None = None
    server: str | None = None  # nfs, cifs, pbs
    export: str | None = None  # nfs
    share: str | None = None  # cifs
    portal: str | None = None  # iscsi, iscsidirect, zfs over iscsi
    target: str | None = None  # iSCSI IQN
    iscsiprovider: str | None = None
    monhost: tuple[str, ...] = ()  # rbd/cephfs with external Ceph
    pool: str | None = None
    datastore: str | None = None  # pbs
    fingerprint: str | None = None  # pbs
    vgname: str | None = None
    thinpool: str | None = None
    digest: str | None = None
    properties: Props = ()  # every key except storage/type/digest, verbatim
    source: SourceRef | None = None


@dataclass(frozen=True)
class StorageConfig:
    path: str
    storages: tuple[StorageEntry, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()
