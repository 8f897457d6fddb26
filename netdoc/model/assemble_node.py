"""One node's sources -> HostNet: every interface with its configured and runtime facts, routes, NAT.

Pure: reads the parsed sources of model/cluster.Node, builds model/net records. The rules for
sources that disagree are in docs/model.md ("Interfaces"): nothing is overwritten, each relation
is kept once per source kind (configured, runtime).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from netdoc.model.base import SourceRef
from netdoc.model.cluster import Node
from netdoc.model.interfaces import Interface, InterfaceKind
from netdoc.model.iproute2 import IpLink
from netdoc.model.names import natural_key
from netdoc.model.nat import Forwarding
from netdoc.model.net import GuestPort, HostNet, Iface, Route
from netdoc.model.ovs import OvsBridge, OvsInterface, OvsPort

# The guest plumbing Proxmox creates: tap/veth per NIC, and for a firewalled NIC the fwbr bridge
# with its fwln (i/o) and fwpr (p) veth ends; none of it is the node's own network.
GUEST_PORT = re.compile(r"^(tap|veth|fwbr|fwpr|fwln)(\d+)[iop](\d+)$")
_VLAN_NAME = re.compile(r"^(\S+)\.(\d{1,4})$")
_PHYSICAL = re.compile(r"^(?:eth\d+|en[^:.]+|ib[^:.]+|(?:nic|if)\d+)$")
_OVS_DATAPATH = "ovs-system"

# ip -j link `linkinfo.info_kind` -> InterfaceKind value (looked up by value: newer kinds may be absent).
_LINK_KINDS = {
    "bridge": "bridge",
    "bond": "bond",
    "vlan": "vlan",
    "vxlan": "vxlan",
    "veth": "veth",
    "dummy": "dummy",
    "vrf": "vrf",
    "macvlan": "macvlan",
}
# Proxmox API `type` -> InterfaceKind value.
_API_KINDS = {
    "eth": "physical",
    "bridge": "bridge",
    "vnet": "bridge",
    "bond": "bond",
    "vlan": "vlan",
    "alias": "alias",
    "OVSBridge": "ovs_bridge",
    "OVSBond": "ovs_bond",
    "OVSPort": "ovs_port",
    "OVSIntPort": "ovs_intport",
    "vxlan": "vxlan",
    "loopback": "loopback",
    "dummy": "dummy",
}


def kind_of(value: str | None) -> InterfaceKind:
    """The InterfaceKind with this value, UNKNOWN when there is none."""
    try:
        return InterfaceKind(value or "unknown")
    except ValueError:
        return InterfaceKind.UNKNOWN


def network_of(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_interface(cidr).network
    except ValueError:
        return None


def ip_of(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not text:
        return None
    try:
        return ipaddress.ip_address(text.split("/", 1)[0].split("%", 1)[0])
    except ValueError:
        return None


class _Ovs:
    """The node's Open vSwitch objects by name (bridges, ports, interfaces)."""

    def __init__(self, node: Node) -> None:
        self.bridges: dict[str, OvsBridge] = {}
        self.ports: dict[str, tuple[OvsBridge, OvsPort]] = {}
        self.interfaces: dict[str, tuple[OvsPort, OvsInterface]] = {}
        if node.ovs is None:
            return
        for bridge in node.ovs.bridges:
            if bridge.name:
                self.bridges[bridge.name] = bridge
            for port in bridge.ports:
                self.ports.setdefault(port.name, (bridge, port))
                for iface in port.interfaces:
                    self.interfaces.setdefault(iface.name, (port, iface))

    @staticmethod
    def carries(iface: OvsInterface) -> bool:
        """An interface OVS could not add (an error, OpenFlow port -1) carries no traffic."""
        return iface.error is None and iface.ofport != -1


def _configured_uppers(cfg: Iterable[Interface]) -> dict[str, list[str]]:
    """Member name -> every configured interface that lists it (bridge ports, slaves, OVS ports)."""
    uppers: dict[str, list[str]] = {}
    for iface in cfg:
        for member in iface.members:
            uppers.setdefault(member, [])
            if iface.name not in uppers[member]:
                uppers[member].append(iface.name)
    for iface in cfg:
        if iface.master and iface.name not in uppers.get(iface.master, ()):
            ups = uppers.setdefault(iface.name, [])
            if iface.master not in ups:
                ups.append(iface.master)
    return uppers


def _parent(iface: Interface) -> str | None:
    declared = getattr(iface, "parent", None)  # alias base, macvlan/VXLAN underlay (newer parsers)
    if isinstance(declared, str) and declared:
        return declared
    if iface.vlan_raw_device:
        return iface.vlan_raw_device
    if iface.kind is InterfaceKind.ALIAS and ":" in iface.name:
        return iface.name.split(":", 1)[0]
    return None


class _NodeAssembler:
    def __init__(self, node: Node) -> None:
        self.node = node
        self.cfg = {i.name: i for i in (node.interfaces.interfaces if node.interfaces else ())}
        self.pending = {
            i.name: i for i in (node.pending_interfaces.interfaces if node.pending_interfaces else ())
        }
        self.api = {s.name: s for s in node.api_states}
        self.links = {link.ifname: link for link in (node.ip_links.links if node.ip_links else ())}
        self.addrs = {a.ifname: a for a in (node.ip_addrs.interfaces if node.ip_addrs else ())}
        self.bonds = {b.name: b for b in node.bonds}
        self.vlans = {p.ifname: p for p in (node.bridge_vlans.ports if node.bridge_vlans else ())}
        self.ovs = _Ovs(node)
        self.uppers = _configured_uppers(self.cfg.values())
        self.slave_of = {s.name: b.name for b in node.bonds for s in b.slaves}

    def names(self) -> list[str]:
        names = set(self.cfg) | set(self.api) | set(self.links) | set(self.bonds) | set(self.slave_of)
        # a port named only in bridge-ports or bond-slaves (ifupdown2 creates `eno1.10` itself)
        names |= {m for i in self.cfg.values() for m in i.members if m != "none"}
        names |= set(self.ovs.bridges) | set(self.ovs.ports) | set(self.ovs.interfaces)
        names |= {a for a in self.addrs if a in self.links or a in self.cfg}
        return sorted(n for n in names if n and not GUEST_PORT.match(n) and n != _OVS_DATAPATH)

    def kind(self, name: str) -> InterfaceKind:
        cfg = self.cfg.get(name)
        if cfg is not None and cfg.kind is not InterfaceKind.UNKNOWN:
            return cfg.kind
        api = self.api.get(name)
        if api is not None and api.api_type in _API_KINDS:
            return kind_of(_API_KINDS[api.api_type])
        if name in self.ovs.bridges:
            return InterfaceKind.OVS_BRIDGE
        if name in self.ovs.ports:
            _, port = self.ovs.ports[name]
            if port.bond or len(port.interfaces) > 1:
                return InterfaceKind.OVS_BOND
            if any(i.name == name and i.type == "internal" for i in port.interfaces):
                return InterfaceKind.OVS_INTPORT
            if any(i.name == name and i.type != "system" for i in port.interfaces):
                return InterfaceKind.OVS_PORT
        if name in self.bonds:
            return InterfaceKind.BOND
        link = self.links.get(name)
        if link is not None:
            if link.link_type == "loopback":
                return InterfaceKind.LOOPBACK
            if link.kind in _LINK_KINDS:
                return kind_of(_LINK_KINDS[link.kind])
            if link.kind is None and (link.parentbus or _PHYSICAL.match(name)):
                return InterfaceKind.PHYSICAL
        if _PHYSICAL.match(name):
            return InterfaceKind.PHYSICAL
        if cfg is None and _VLAN_NAME.match(name):
            return InterfaceKind.VLAN
        return cfg.kind if cfg is not None else InterfaceKind.UNKNOWN

    def runtime_lower(self, name: str, kind: InterfaceKind) -> tuple[str, ...] | None:
        if name in self.bonds:
            return tuple(s.name for s in self.bonds[name].slaves)
        if kind is InterfaceKind.OVS_BOND and name in self.ovs.ports:
            _, port = self.ovs.ports[name]
            return tuple(i.name for i in port.interfaces if _Ovs.carries(i))
        if kind is InterfaceKind.OVS_BRIDGE and name in self.ovs.bridges:
            bridge = self.ovs.bridges[name]
            return tuple(
                p.name
                for p in bridge.ports
                if p.name != name
                and not GUEST_PORT.match(p.name)
                and (p.bond or any(_Ovs.carries(i) for i in p.interfaces) or not p.interfaces)
            )
        if self.node.ip_links is not None and kind in (InterfaceKind.BRIDGE, InterfaceKind.BOND):
            return tuple(
                sorted(n for n, link in self.links.items() if link.master == name and not GUEST_PORT.match(n))
            )
        return None

    def runtime_upper(self, name: str) -> str | None:
        link = self.links.get(name)
        if link is not None and link.master and link.master != _OVS_DATAPATH:
            return link.master
        if name in self.slave_of:
            return self.slave_of[name]
        if name in self.ovs.interfaces:
            port, iface = self.ovs.interfaces[name]
            if port.name != name and _Ovs.carries(iface):
                return port.name  # a member of an OVS bond
        if name in self.ovs.ports:
            bridge, port = self.ovs.ports[name]
            if bridge.name and bridge.name != name:
                if port.interfaces and not any(_Ovs.carries(i) for i in port.interfaces) and not port.bond:
                    return None
                return bridge.name
        return None

    def present_up(self, name: str, kind: InterfaceKind) -> tuple[bool | None, bool | None]:
        link = self.links.get(name)
        if link is not None:
            return True, link.lower_up or link.operstate == "UP"
        ovs_members: list[OvsInterface] = []
        if name in self.ovs.ports:
            ovs_members = list(self.ovs.ports[name][1].interfaces)
        if kind is InterfaceKind.OVS_BOND and ovs_members:
            states = [i.link_state for i in ovs_members if _Ovs.carries(i)]
            if any(s == "up" for s in states):
                return True, True
            if states and all(s == "down" for s in states):
                return True, False
            return True, self._api_up(name)
        if self.node.ip_links is not None and kind not in (InterfaceKind.OVS_BOND, InterfaceKind.ALIAS):
            return False, False
        if name in self.bonds:
            status = self.bonds[name].mii_status
            return True, status == "up" if status else None
        if name in self.slave_of:
            slave = self.bonds[self.slave_of[name]].slave(name)
            if slave is not None and slave.mii_status:
                return True, slave.mii_status == "up"
        if name in self.ovs.interfaces:
            _, iface = self.ovs.interfaces[name]
            if iface.link_state:
                return True, iface.link_state == "up"
        api = self.api.get(name)
        if api is not None:
            present = True if (api.exists or api.active) else None
            return present, self._api_up(name)
        if name in self.ovs.bridges or name in self.ovs.interfaces:
            return True, None
        return None, None

    def _api_up(self, name: str) -> bool | None:
        api = self.api.get(name)
        if api is None:
            return None
        return api.active

    def build(self, name: str) -> Iface:
        cfg = self.cfg.get(name)
        kind = self.kind(name)
        link = self.links.get(name)
        addr = self.addrs.get(name)
        present, up = self.present_up(name, kind)
        ovs_port = self.ovs.ports.get(name, (None, None))[1]
        ovs_iface = self.ovs.interfaces.get(name, (None, None))[1]
        runtime_addrs = None
        peers: list[str] = []
        if self.node.ip_addrs is not None:
            runtime_addrs = tuple(a.cidr or a.local for a in addr.addresses) if addr else ()
            peers += [a.peer for a in (addr.addresses if addr else ()) if a.peer]
        if cfg is not None:
            peers += [o.value.split()[0] for o in cfg.options if o.name == "pointopoint" and o.value]
        lldp = tuple(n for n in (self.node.lldp.neighbors if self.node.lldp else ()) if n.local_port == name)
        mtu_runtime = link.mtu if link is not None else ovs_iface.mtu if ovs_iface is not None else None
        vlan_id = cfg.vlan_id if cfg is not None and cfg.vlan_id is not None else None
        if vlan_id is None and link is not None and link.vlan is not None:
            vlan_id = link.vlan.id
        parent = _parent(cfg) if cfg is not None else None
        if parent is None and link is not None and link.link and kind is not kind_of("veth"):
            parent = link.link
        implied = _VLAN_NAME.match(name) if cfg is None and kind is InterfaceKind.VLAN else None
        if implied is not None:
            parent = parent or implied.group(1)
            vlan_id = vlan_id if vlan_id is not None else int(implied.group(2))
        return Iface(
            node=self.node.name,
            name=name,
            kind=kind,
            config=cfg,
            pending=self.pending.get(name),
            api=self.api.get(name),
            link=link,
            addr=addr,
            bond=self.bonds.get(name),
            ovs_bridge=self.ovs.bridges.get(name),
            ovs_port=ovs_port,
            ovs_interface=ovs_iface,
            bridge_vlans=self.vlans.get(name),
            lldp=lldp,
            uppers=tuple(self.uppers.get(name, ())),
            upper_runtime=self.runtime_upper(name),
            lower=cfg.members if cfg is not None else (),
            lower_runtime=self.runtime_lower(name, kind),
            parent=parent,
            addresses=tuple(a.cidr for a in cfg.addresses) if cfg is not None else (),
            addresses_runtime=runtime_addrs,
            peers=tuple(dict.fromkeys(peers)),
            mtu=cfg.mtu if cfg is not None else None,
            mtu_runtime=mtu_runtime,
            present=present,
            up=up,
            vlan_id=vlan_id,
        )

    def guest_ports(self) -> tuple[GuestPort, ...]:
        found: dict[str, GuestPort] = {}
        for name, link in self.links.items():
            m = GUEST_PORT.match(name)
            if m:
                found[name] = GuestPort(
                    name, int(m.group(2)), int(m.group(3)), m.group(1), _master(link), up=link.lower_up
                )
        for name, (bridge, port) in self.ovs.ports.items():
            m = GUEST_PORT.match(name)
            if m:
                old = found.get(name)
                found[name] = GuestPort(
                    name,
                    int(m.group(2)),
                    int(m.group(3)),
                    m.group(1),
                    bridge.name or None,
                    port.tag,
                    old.up if old else None,
                )
        return tuple(found[n] for n in sorted(found))


def _master(link: IpLink) -> str | None:
    return link.master if link.master and link.master != _OVS_DATAPATH else None


def _routes(node: Node, ifaces: dict[str, Iface]) -> tuple[Route, ...]:
    routes: list[Route] = []
    for iface in ifaces.values():
        cfg = iface.config
        if cfg is None:
            continue
        for gateway, family in ((cfg.gateway, "inet"), (cfg.gateway6, "inet6")):
            if gateway:
                routes.append(
                    Route(
                        node.name,
                        "default",
                        gateway,
                        iface.name,
                        family,
                        "gateway",
                        usable=gateway_on_link(iface, gateway),
                        source=_option_ref(cfg, "gateway", family) or cfg.source,
                    )
                )
    for hook in node.nat_hooks.routes if node.nat_hooks else ():
        family = "inet6" if hook.family == "ipv6" else "inet"
        routes.append(
            Route(
                node.name,
                hook.destination,
                hook.via,
                hook.dev,
                family,
                "hook",
                True,
                hook.source,
                table=hook.table,
                route_type=hook.route_type,
            )
        )
    return tuple(routes)


def _option_ref(cfg: Interface, name: str, family: str) -> SourceRef | None:
    """The option's line in a stanza of this family (an inet6 gateway is not the inet one)."""
    for opt in cfg.options:
        if opt.name == name and opt.family in (family, None):
            return opt.source
    return None


def gateway_on_link(iface: Iface, gateway: str) -> bool:
    """Is the gateway on a subnet of the interface (or its point-to-point peer)?

    An IPv6 link-local gateway (fe80::/10, the router's own address on the link: what router
    advertisements announce and many admins write) is on every link by definition."""
    gw = ip_of(gateway)
    if gw is None:
        return False
    if gateway in iface.peers or (gw.version == 6 and gw.is_link_local):
        return True
    for cidr in iface.all_addresses:
        net = network_of(cidr)
        if net is not None and net.version == gw.version and gw in net:
            return True
    return any(o.name == "onlink" for o in (iface.config.options if iface.config else ()))


def _forwarding(node: Node) -> Forwarding:
    """The sysctl files in reading order, then the hooks: the last setting of each switch wins."""
    result = Forwarding()
    layers = [s.forwarding for s in node.sysctls]
    if node.nat_hooks is not None:
        layers.append(node.nat_hooks.forwarding)
    for layer in layers:
        result = Forwarding(
            ipv4=layer.ipv4 if layer.ipv4 is not None else result.ipv4,
            ipv6=layer.ipv6 if layer.ipv6 is not None else result.ipv6,
            bridge_nf_call_iptables=(
                layer.bridge_nf_call_iptables
                if layer.bridge_nf_call_iptables is not None
                else result.bridge_nf_call_iptables
            ),
            bridge_nf_call_ip6tables=(
                layer.bridge_nf_call_ip6tables
                if layer.bridge_nf_call_ip6tables is not None
                else result.bridge_nf_call_ip6tables
            ),
            proxy_arp=tuple(dict.fromkeys(result.proxy_arp + layer.proxy_arp)),
        )
    return result


def assemble_node(node: Node) -> HostNet:
    """The assembled network of one node."""
    asm = _NodeAssembler(node)
    ifaces = {name: asm.build(name) for name in asm.names()}
    return HostNet(
        name=node.name,
        sources=node,
        ifaces=tuple(ifaces[n] for n in sorted(ifaces, key=natural_key)),
        routes=_routes(node, ifaces),
        forwarding=_forwarding(node),
        forwarding_ifaces=tuple(
            i.name
            for i in ifaces.values()
            if i.config is not None
            and any(
                o.name == "ip-forward" and o.value.lower() in ("on", "1", "yes") for o in i.config.options
            )
        ),
        nat_rules=node.nat_hooks.rules if node.nat_hooks else (),
        nat_rules_runtime=node.nat_runtime.rules if node.nat_runtime is not None else None,
        guest_ports=asm.guest_ports(),
        has_runtime=node.ip_links is not None,
    )
