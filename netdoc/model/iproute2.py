"""Runtime network state as iproute2 reports it: `ip -j -d link`, `ip -j addr`, `bridge -j vlan show`.

Runtime only; never merged with the configured Interface model (the difference is a finding).
Evidence: SourceRef(path, line=<1-based position of the entry in the top-level array>) because
the output is a single JSON line. Units are in field names: iproute2 prints bridge timers in
centiseconds (`forward_delay_cs` 1500 = 15 s), bond timers in milliseconds. `info_data` and
`info_slave_data` keep every key of the kernel's link info verbatim as (key, JSON text).
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef

Props = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class IpBond:
    """`linkinfo.info_data` of a bond (info_kind "bond")."""

    mode: str | None = None  # "802.3ad", "active-backup", ...
    miimon_ms: int | None = None
    updelay_ms: int | None = None
    downdelay_ms: int | None = None
    peer_notify_delay_ms: int | None = None
    use_carrier: bool | None = None
    arp_interval_ms: int | None = None
    arp_ip_targets: tuple[str, ...] = ()
    arp_validate: str | None = None  # null in JSON when "none"
    arp_all_targets: str | None = None
    primary: str | None = None
    primary_reselect: str | None = None
    active_slave: str | None = None
    fail_over_mac: str | None = None
    xmit_hash_policy: str | None = None
    min_links: int | None = None
    ad_lacp_rate: str | None = None  # slow | fast
    ad_lacp_active: str | None = None
    ad_select: str | None = None
    ad_actor_sys_prio: int | None = None
    ad_user_port_key: int | None = None
    ad_actor_system: str | None = None
    ad_aggregator: int | None = None  # ad_info.aggregator: the active aggregator id
    ad_num_ports: int | None = None
    ad_actor_key: int | None = None
    ad_partner_key: int | None = None
    ad_partner_mac: str | None = None  # 00:00:00:00:00:00 when no LACP partner answered


@dataclass(frozen=True)
class IpBondSlave:
    """`linkinfo.info_slave_data` of a bond member (info_slave_kind "bond")."""

    state: str | None = None  # ACTIVE | BACKUP
    mii_status: str | None = None  # UP | GOING_DOWN | DOWN | GOING_BACK
    link_failure_count: int | None = None
    perm_hwaddr: str | None = None
    queue_id: int | None = None
    prio: int | None = None
    ad_aggregator_id: int | None = None  # differs from the bond's ad_aggregator: not aggregated
    ad_actor_oper_port_state: int | None = None  # LACP state bits
    ad_actor_oper_port_state_str: tuple[str, ...] = ()
    ad_partner_oper_port_state: int | None = None
    ad_partner_oper_port_state_str: tuple[str, ...] = ()
    churn_actor_state: str | None = None
    churn_partner_state: str | None = None


@dataclass(frozen=True)
class IpBridge:
    """`linkinfo.info_data` of a Linux bridge (info_kind "bridge")."""

    stp_state: int | None = None  # 0 off, 1 kernel STP, 2 user STP
    vlan_filtering: bool | None = None
    vlan_protocol: str | None = None
    vlan_default_pvid: int | None = None
    priority: int | None = None
    bridge_id: str | None = None  # verbatim, e.g. "8000.0:a0:85:0:3:0" (MAC not zero-padded)
    bridge_mac: str | None = None  # the MAC of bridge_id, zero-padded ("00:a0:85:00:03:00")
    root_id: str | None = None
    root_mac: str | None = None
    root_port: int | None = None
    root_path_cost: int | None = None
    forward_delay_cs: int | None = None
    hello_time_cs: int | None = None
    max_age_cs: int | None = None
    ageing_time_cs: int | None = None
    mcast_snooping: bool | None = None


@dataclass(frozen=True)
class IpBridgePort:
    """`linkinfo.info_slave_data` of a bridge port (info_slave_kind "bridge")."""

    state: str | None = None  # forwarding | blocking | listening | learning | disabled
    priority: int | None = None
    cost: int | None = None
    port_id: str | None = None  # "id", e.g. "0x8001"
    port_no: str | None = None  # "no", e.g. "0x1"
    designated_port: int | None = None
    designated_cost: int | None = None
    bridge_id: str | None = None
    root_id: str | None = None
    hairpin: bool | None = None
    guard: bool | None = None
    root_block: bool | None = None
    fastleave: bool | None = None
    learning: bool | None = None
    flood: bool | None = None
    mcast_flood: bool | None = None
    bcast_flood: bool | None = None
    proxy_arp: bool | None = None
    neigh_suppress: bool | None = None
    vlan_tunnel: bool | None = None
    isolated: bool | None = None


@dataclass(frozen=True)
class IpVlan:
    """`linkinfo.info_data` of an 802.1Q/802.1ad VLAN device."""

    protocol: str | None = None  # 802.1Q | 802.1ad
    id: int | None = None
    flags: tuple[str, ...] = ()  # REORDER_HDR, GVRP, ...


@dataclass(frozen=True)
class IpVxlan:
    """`linkinfo.info_data` of a VXLAN device."""

    id: int | None = None  # the VNI
    local: str | None = None  # local or local6
    remote: str | None = None  # remote or remote6 (unicast peer)
    group: str | None = None  # group or group6 (multicast)
    port: int | None = None  # UDP destination port
    dev: str | None = None  # the underlay device ("link" inside info_data)
    ttl: int | None = None
    learning: bool | None = None
    external: bool | None = None  # collect metadata (EVPN with a single VXLAN device)


@dataclass(frozen=True)
class IpLink:
    """One entry of `ip -j -d link`: a network device as the kernel sees it now."""

    ifname: str
    ifindex: int | None = None
    flags: tuple[str, ...] = ()  # BROADCAST, MULTICAST, UP, LOWER_UP, ...
    admin_up: bool = False  # "UP" in flags
    lower_up: bool = False  # "LOWER_UP" in flags (carrier)
    mtu: int | None = None
    operstate: str | None = None  # UP | DOWN | UNKNOWN | LOWERLAYERDOWN | ...
    link_type: str | None = None  # ether, loopback, none, ...
    address: str | None = None
    broadcast: str | None = None
    permaddr: str | None = None
    master: str | None = None  # the bridge or bond this device is a port of
    link: str | None = None  # parent (vlan) or peer (veth) in the same namespace
    link_index: int | None = None  # parent/peer ifindex when it is in another namespace
    link_netnsid: int | None = None
    altnames: tuple[str, ...] = ()
    ifalias: str | None = None
    parentbus: str | None = None
    parentdev: str | None = None
    promiscuity: int | None = None
    min_mtu: int | None = None
    max_mtu: int | None = None
    kind: str | None = None  # linkinfo.info_kind: bridge, bond, vlan, vxlan, veth, tun, openvswitch, ...
    slave_kind: str | None = None  # linkinfo.info_slave_kind: bridge, bond, openvswitch, ...
    bond: IpBond | None = None
    bond_slave: IpBondSlave | None = None
    bridge: IpBridge | None = None
    bridge_port: IpBridgePort | None = None
    vlan: IpVlan | None = None
    vxlan: IpVxlan | None = None
    info_data: Props = ()  # every key of linkinfo.info_data, verbatim (JSON text)
    info_slave_data: Props = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class IpLinks:
    path: str
    links: tuple[IpLink, ...] = ()  # in output order (by ifindex)
    warnings: tuple[ParseWarning, ...] = ()

    def get(self, ifname: str) -> IpLink | None:
        for link in self.links:
            if link.ifname == ifname:
                return link
        return None


@dataclass(frozen=True)
class IpAddress:
    """One entry of `addr_info`; lifetimes are None when infinite (4294967295, "forever")."""

    family: str  # inet | inet6
    local: str
    prefixlen: int | None = None
    cidr: str | None = None  # "local/prefixlen"
    peer: str | None = None  # "address" on point-to-point links
    broadcast: str | None = None
    scope: str | None = None  # global | link | host | ...
    label: str | None = None
    dynamic: bool = False  # from DHCP or SLAAC
    secondary: bool = False
    tentative: bool = False
    deprecated: bool = False
    dadfailed: bool = False
    noprefixroute: bool = False
    mngtmpaddr: bool = False
    temporary: bool = False
    metric: int | None = None
    protocol: str | None = None
    valid_life_time_s: int | None = None
    preferred_life_time_s: int | None = None


@dataclass(frozen=True)
class IpAddrInterface:
    """One entry of `ip -j addr`: a device and its addresses."""

    ifname: str
    ifindex: int | None = None
    flags: tuple[str, ...] = ()
    mtu: int | None = None
    operstate: str | None = None
    link_type: str | None = None
    address: str | None = None  # link-layer address
    master: str | None = None
    addresses: tuple[IpAddress, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class IpAddrs:
    path: str
    interfaces: tuple[IpAddrInterface, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True)
class BridgeVlan:
    """One VLAN (or range vid..vid_end) on a bridge port."""

    vid: int
    vid_end: int | None = None  # "vlanEnd" of a compressed range, inclusive
    pvid: bool = False  # ingress untagged frames go to this VLAN
    untagged: bool = False  # "Egress Untagged"
    flags: tuple[str, ...] = ()  # verbatim


@dataclass(frozen=True)
class BridgeVlanPort:
    ifname: str
    vlans: tuple[BridgeVlan, ...] = ()
    source: SourceRef | None = None

    @property
    def pvid(self) -> int | None:
        for vlan in self.vlans:
            if vlan.pvid:
                return vlan.vid
        return None


@dataclass(frozen=True)
class BridgeVlans:
    """`bridge -j vlan show`; `shape` is "list" (iproute2 >= 4.19) or "by-ifname" (4.9 .. 4.18)."""

    path: str
    shape: str = "list"
    ports: tuple[BridgeVlanPort, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()
