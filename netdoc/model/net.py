"""The assembled view of one node: every interface with its configured and runtime facts side by side.

Built by model/assemble_node.py from the node's sources (model/cluster.py). Nothing is merged into
one value: `Iface.config` is what the interfaces file (or the API) declares, `Iface.link`,
`Iface.bond`, `Iface.ovs_*` are what the kernel and Open vSwitch report, and the relations derived
from each are kept apart (`lower` and `lower_runtime`). Every record points back to the parsed
objects it came from, so to their files and lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from netdoc.model.base import SourceRef
from netdoc.model.bonding import BondStatus
from netdoc.model.cluster import Node
from netdoc.model.interfaces import Interface, InterfaceKind
from netdoc.model.iproute2 import BridgeVlanPort, IpAddrInterface, IpLink
from netdoc.model.lldp import LldpNeighbor
from netdoc.model.nat import Forwarding, NatRule
from netdoc.model.ovs import OvsBridge, OvsInterface, OvsPort
from netdoc.model.pve import ApiInterfaceState

# Proxmox's own test for a NIC name (pve-common's PHYSICAL_NIC_RE), used when no runtime source
# says whether a device is a physical one.
NIC_NAME = re.compile(r"^(?:eth\d+|en[^:.]+|ib[^:.]+|(?:nic|if)\d+)$")
# Kinds that forward frames between their ports.
BRIDGE_KINDS = frozenset({InterfaceKind.BRIDGE, InterfaceKind.OVS_BRIDGE})
BOND_KINDS = frozenset({InterfaceKind.BOND, InterfaceKind.OVS_BOND})


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the node whose snapshot folder holds it (None: cluster-wide) and the line.

    `ref.path` is the path as the parser saw it: a path on the node (/etc/network/interfaces), an
    API path ("api:/nodes/pve1/network") or a snapshot path for command output
    ("nodes/pve1/commands/ovs-vsctl-show.txt"). `note` says what the line shows, in a few words.
    """

    node: str | None
    ref: SourceRef
    note: str = ""

    def __str__(self) -> str:
        # a node's own file says whose it is; /etc/pve, API paths and snapshot paths say it already
        path = self.ref.path
        own = self.node and path.startswith("/") and not path.startswith("/etc/pve/")
        where = f"{self.node}:{self.ref}" if own else str(self.ref)
        return f"{where} ({self.note})" if self.note else where

    def artifact(self, pve_files_node: str | None = None) -> str | None:
        """The file of the snapshot that holds the line (None when it is not a snapshot file).

        Cluster-wide /etc/pve files were read from one node (`pve_files_node`, Cluster.pve_files_node).
        """
        path = self.ref.path
        if path.startswith(("nodes/", "api/")):
            return path
        if path.startswith("api:"):
            return "api/" + path[4:].split("#", 1)[0].strip("/") + ".json"
        if path.startswith("/"):
            node = (pve_files_node or self.node) if path.startswith("/etc/pve/") else self.node
            return f"nodes/{node}{path}" if node else None
        return None


@dataclass(frozen=True)
class Iface:
    """One network interface of a node, with every source about it side by side.

    Configured relations come from the interfaces file (or the API), runtime ones from
    /proc/net/bonding, ip -j link and Open vSwitch; None means "no runtime source says", which is
    not the same as "none". An OVS interface with an error (or no OpenFlow port) is not a runtime
    member of its bond or bridge: it carries no traffic.
    """

    node: str
    name: str
    kind: InterfaceKind  # the configured kind; the runtime one when nothing configures it
    config: Interface | None = None  # /etc/network/interfaces (or the API's view of it)
    pending: Interface | None = None  # /etc/network/interfaces.new: what the next apply changes
    api: ApiInterfaceState | None = None  # /nodes/{node}/network: active, exists
    link: IpLink | None = None  # ip -j -d link
    addr: IpAddrInterface | None = None  # ip -j addr
    bond: BondStatus | None = None  # /proc/net/bonding/<name>
    ovs_bridge: OvsBridge | None = None  # an OVS bridge of that name
    ovs_port: OvsPort | None = None  # the OVS port of that name (a bond: its interfaces)
    ovs_interface: OvsInterface | None = None  # the OVS interface of that name
    bridge_vlans: BridgeVlanPort | None = None  # bridge -j vlan show
    lldp: tuple[LldpNeighbor, ...] = ()  # what the switch (or peer) on this port announces
    uppers: tuple[str, ...] = ()  # configured: every bridge, bond or OVS bridge listing it as a port
    upper_runtime: str | None = None  # runtime: ip link master, the bond listing it, its OVS bridge
    lower: tuple[str, ...] = ()  # configured members (bridge ports, bond slaves, OVS ports)
    lower_runtime: tuple[str, ...] | None = None  # runtime members that carry traffic
    parent: str | None = None  # built on: VLAN raw device, alias base, macvlan/VXLAN underlay
    addresses: tuple[str, ...] = ()  # configured CIDRs (host part kept)
    addresses_runtime: tuple[str, ...] | None = None  # ip -j addr CIDRs
    peers: tuple[str, ...] = ()  # point-to-point peer addresses (ip addr `address`, `pointopoint`)
    mtu: int | None = None  # configured
    mtu_runtime: int | None = None
    present: bool | None = None  # runtime: the device exists
    up: bool | None = None  # runtime: carrier up (ip link LOWER_UP, MII, OVS link state, API active)
    vlan_id: int | None = None  # VLAN id of a VLAN interface (configured, else runtime)

    @property
    def upper(self) -> str | None:
        """The configured bridge or bond it belongs to (the first, when several claim it)."""
        return self.uppers[0] if self.uppers else None

    @property
    def is_physical(self) -> bool:
        """A physical NIC: kind physical, or a NIC configured as an OVSPort (not internal, patch, tunnel)."""
        if self.kind is InterfaceKind.PHYSICAL:
            return True
        if self.kind is not InterfaceKind.OVS_PORT:
            return False
        if self.link is not None:
            return self.link.parentbus is not None or (
                self.link.kind is None and bool(NIC_NAME.match(self.name))
            )
        if self.api is not None and self.api.exists:
            return True
        ovs = self.ovs_interface
        return (ovs is None or ovs.type in ("", "system")) and bool(NIC_NAME.match(self.name))

    @property
    def ovs_tag(self) -> int | None:
        """The access VLAN of an OVS port or internal port (configured, else what OVS reports)."""
        if self.config is not None and self.config.ovs_tag is not None:
            return self.config.ovs_tag
        return self.ovs_port.tag if self.ovs_port is not None else None

    def ovs_carries(self, vlan: int | None) -> bool:
        """Does this OVS bridge port carry the VLAN (an access port only its tag, a trunk its list)?"""
        if vlan is None:
            return True
        if self.ovs_tag is not None:
            return self.ovs_tag == vlan
        trunks = self.config.ovs_trunks if self.config is not None and self.config.ovs_trunks else ()
        if not trunks and self.ovs_port is not None:
            trunks = self.ovs_port.trunks
        return not trunks or vlan in trunks

    @property
    def is_bridge(self) -> bool:
        return self.kind in BRIDGE_KINDS

    @property
    def is_bond(self) -> bool:
        return self.kind in BOND_KINDS

    @property
    def configured(self) -> bool:
        return self.config is not None

    @property
    def all_addresses(self) -> tuple[str, ...]:
        """Configured and runtime addresses, configured first, without repeats."""
        seen = dict.fromkeys(self.addresses)
        seen.update(dict.fromkeys(self.addresses_runtime or ()))
        return tuple(seen)

    @property
    def source(self) -> SourceRef | None:
        """The first line that names the interface (configuration first, then runtime sources)."""
        for obj in (self.config, self.link, self.bond, self.ovs_port, self.ovs_interface, self.api):
            ref = getattr(obj, "source", None) if obj is not None else None
            if isinstance(ref, SourceRef):
                return ref
        return None


@dataclass(frozen=True)
class Route:
    """A route of a node: an interface's `gateway` line, or an `ip route add` run by a hook.

    `usable` is False when the gateway is on no subnet of its interface (the kernel refuses the
    route: "Nexthop has invalid gateway"), so it carries no traffic.
    """

    node: str
    destination: str  # "default" or a CIDR
    gateway: str | None
    dev: str | None
    family: str  # "inet" | "inet6"
    origin: str  # "gateway" | "hook"
    usable: bool = True
    source: SourceRef | None = None
    table: str | None = None  # `table N` or `vrf NAME` of a hook route (None: the main table)
    route_type: str | None = None  # unreachable, blackhole, prohibit, ... (None: unicast)

    @property
    def main_unicast(self) -> bool:
        """A route of the main table that forwards (not a VRF's, not unreachable)."""
        return self.table is None and self.route_type is None


@dataclass(frozen=True)
class GuestPort:
    """A guest's host-side device (tap<vmid>i<n>, veth<vmid>i<n>, fwbr/fwpr/fwln) as seen at run time."""

    name: str
    vmid: int
    index: int
    role: str  # "tap" | "veth" | "fwbr" | "fwpr" | "fwln"
    master: str | None = None  # ip link master or OVS bridge
    ovs_tag: int | None = None  # the OVS port's tag
    up: bool | None = None


@dataclass(frozen=True)
class HostNet:
    """A node's network, assembled: interfaces, routes, forwarding and NAT, guest ports."""

    name: str
    sources: Node
    ifaces: tuple[Iface, ...] = ()  # by name
    routes: tuple[Route, ...] = ()
    forwarding: Forwarding = field(default_factory=Forwarding)  # configured: sysctl, then hooks
    forwarding_ifaces: tuple[str, ...] = ()  # ifupdown2's per-interface `ip-forward on` (SDN writes it)
    nat_rules: tuple[NatRule, ...] = ()  # configured: interfaces hooks
    nat_rules_runtime: tuple[NatRule, ...] | None = None  # iptables-save -t nat (None: not read)
    guest_ports: tuple[GuestPort, ...] = ()
    has_runtime: bool = False  # ip -j link was read: absence from it means absent

    def iface(self, name: str | None) -> Iface | None:
        if name is None:
            return None
        for iface in self.ifaces:
            if iface.name == name:
                return iface
        return None

    def guest_port(self, name: str) -> GuestPort | None:
        return next((p for p in self.guest_ports if p.name == name), None)


@dataclass(frozen=True)
class LowerPath:
    """What lies under an interface: the physical NICs, and every interface passed on the way."""

    nics: tuple[str, ...]
    via: tuple[str, ...]  # the interface itself and those walked through (bonds, bridges, VLANs), sorted


def lower_path(host: HostNet, iface: Iface, *, runtime: bool = True) -> LowerPath:
    """The physical NICs that carry an interface's traffic, through bonds, VLANs and bridges.

    With `runtime`, runtime membership wins where a runtime source states it (an OVS interface
    with an error carries nothing). An OVS internal port is walked up to its bridge, then down the
    bridge's ports that carry its VLAN (an access port of another tag is no way out for it).
    """
    seen: set[str] = set()
    nics: set[str] = set()

    def members(node: Iface) -> tuple[str, ...]:
        return node.lower_runtime if runtime and node.lower_runtime is not None else node.lower

    def down(name: str, vlan: int | None) -> None:
        node = host.iface(name)
        if node is None or name in seen:
            return
        seen.add(name)
        if node.is_physical:
            nics.add(name)
            return
        for member in members(node):
            sub = host.iface(member)
            if sub is None or sub.kind is InterfaceKind.OVS_INTPORT:
                continue  # another internal port of the bridge is no uplink
            if node.kind is InterfaceKind.OVS_BRIDGE and not sub.ovs_carries(vlan):
                continue
            down(member, vlan)
        if node.parent:
            down(node.parent, None)

    if iface.kind is InterfaceKind.OVS_INTPORT:
        seen.add(iface.name)
        bridge = iface.upper_runtime if runtime and iface.upper_runtime else iface.upper
        if bridge is not None:
            down(bridge, iface.ovs_tag)
    else:
        down(iface.name, None)
    return LowerPath(tuple(sorted(nics)), tuple(sorted(seen - nics)))
