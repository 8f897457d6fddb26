"""Proxmox SDN objects: zones, VNets, subnets, controllers, and the IPAM/DNS/fabric entries.

One model for the configured files (/etc/pve/sdn/*.cfg, kind `sdn-cfg`) and for the applied state
(/etc/pve/sdn/.running-config, kind `sdn-running`); `origin` says which. A guest NIC whose `bridge`
names a VNet is attached to that VNet.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.pveconf import Comment, ConfigOption

ZONE_TYPES = frozenset({"evpn", "faucet", "qinq", "simple", "vlan", "vxlan"})
CONTROLLER_TYPES = frozenset({"bgp", "evpn", "faucet", "isis"})
IPAM_TYPES = frozenset({"netbox", "phpipam", "pve"})
DNS_TYPES = frozenset({"powerdns"})


@dataclass(frozen=True)
class SdnZone:
    """A zone: how its VNets reach the wire (VLAN on a bridge, QinQ, VXLAN peers, EVPN, simple)."""

    id: str
    type: str
    bridge: str | None = None  # vlan, qinq
    tag: int | None = None  # qinq service VLAN
    vlan_protocol: str | None = None  # qinq: 802.1q | 802.1ad
    peers: tuple[str, ...] = ()  # vxlan
    controller: str | None = None  # evpn
    vrf_vxlan: int | None = None  # evpn
    exitnodes: tuple[str, ...] = ()  # evpn
    mac: str | None = None
    mtu: int | None = None
    ipam: str | None = None
    dns: str | None = None
    dhcp: str | None = None
    fabric: str | None = None
    nodes: tuple[str, ...] = ()  # empty: every node
    options: tuple[ConfigOption, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class SdnVnet:
    """A VNet: the bridge guests attach to (`bridge=<vnet>` in their NIC)."""

    id: str
    zone: str | None = None
    tag: int | None = None  # VLAN id (vlan/qinq zones) or VXLAN VNI (vxlan/evpn zones)
    alias: str | None = None
    vlanaware: bool = False
    isolate_ports: bool = False
    options: tuple[ConfigOption, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class SdnDhcpRange:
    """One `dhcp-range start-address=...,end-address=...` of a subnet."""

    start: str | None
    end: str | None


@dataclass(frozen=True)
class SdnSubnet:
    """A subnet of a VNet; its id is `<zone>-<network>-<prefix length>`."""

    id: str
    cidr: str | None = None  # from the id ("192.0.2.0/24")
    zone: str | None = None  # from the id
    vnet: str | None = None
    gateway: str | None = None
    snat: bool = False  # source NAT of the subnet towards the outside (simple/evpn zones)
    dhcp_ranges: tuple[SdnDhcpRange, ...] = ()
    dhcp_dns_server: str | None = None
    dnszoneprefix: str | None = None
    options: tuple[ConfigOption, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class SdnController:
    """A routing controller (evpn, bgp, isis, faucet)."""

    id: str
    type: str
    asn: int | None = None
    peers: tuple[str, ...] = ()
    node: str | None = None
    loopback: str | None = None
    options: tuple[ConfigOption, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class SdnObject:
    """Any other SDN entry (IPAM, DNS, fabric and fabric node), kept as written (secrets redacted)."""

    id: str
    type: str
    options: tuple[ConfigOption, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class SdnConfig:
    """SDN objects from one file, or from the running config (all of them at once)."""

    path: str
    origin: str  # "zones" | "vnets" | "subnets" | "controllers" | "ipams" | "dns" | "fabrics" | "running"
    version: int | None = None  # the running config's version counter
    zones: tuple[SdnZone, ...] = ()
    vnets: tuple[SdnVnet, ...] = ()
    subnets: tuple[SdnSubnet, ...] = ()
    controllers: tuple[SdnController, ...] = ()
    ipams: tuple[SdnObject, ...] = ()
    dns: tuple[SdnObject, ...] = ()
    fabrics: tuple[SdnObject, ...] = ()
    others: tuple[SdnObject, ...] = ()  # sections of a type this file should not hold
    comments: tuple[Comment, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()

    def vnet(self, vnet_id: str) -> SdnVnet | None:
        for vnet in self.vnets:
            if vnet.id == vnet_id:
                return vnet
        return None
