"""Proxmox SDN: /etc/pve/sdn/*.cfg, .running-config, each node's interfaces.d/sdn and its devices.

The per-node file follows pve-network's generator (reference/proxmox/sdn/*/expected_sdn_interfaces):
`#version:1`, then typeless `auto X` / `iface X` stanzas sorted by name, TAB-indented, with
pve-network's own spellings (`bridge_ports` next to `bridge-vlan-aware`). The runtime devices the
stanzas create come from the same function, so the file and `ip link` agree.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass, field
from typing import Any

from netdoc.lab import ids
from netdoc.lab.checks import zone_nodes
from netdoc.lab.devices import ClusterCtx, Dev, bridge_uplink
from netdoc.lab.generate_pve import Section, section_config
from netdoc.lab.schema import Cluster, Node, Vnet, Zone

VXLAN_MTU = 1450
VRF_UNREACHABLE_METRIC = 4278198272


@dataclass
class SdnIface:
    name: str
    lines: list[str] = field(default_factory=list)
    dev: Dev | None = None


def _node_addresses(node: Node) -> set[str]:
    out = set()
    for item in [*node.nics, *node.bonds, *node.bridges, *node.vlans, *node.ovs_bridges]:
        if item.address:
            out.add(item.address.split("/")[0])
    for ob in node.ovs_bridges:
        out |= {p.address.split("/")[0] for p in ob.intports if p.address}
    return out


def _subnets(cluster: Cluster, vnet: str) -> list[tuple[str, str | None, bool]]:
    if cluster.sdn is None:
        return []
    return [(s.cidr, s.gateway, s.snat) for s in cluster.sdn.subnets if s.vnet == vnet]


def _gateway_cidrs(cluster: Cluster, vnet: str) -> list[str]:
    return [f"{gw}/{cidr.split('/')[1]}" for cidr, gw, _ in _subnets(cluster, vnet) if gw]


def _default_route(node: Node) -> tuple[str, str] | None:
    """(interface, address) of the node's first interface with a gateway: where SNAT leaves."""
    items = [*node.nics, *node.bonds, *node.bridges, *node.vlans, *node.ovs_bridges]
    items += [p for ob in node.ovs_bridges for p in ob.intports]
    for item in items:
        if item.gateway and item.address:
            return item.name, item.address.split("/")[0]
    return None


class _NodeSdn:
    def __init__(self, ctx: ClusterCtx, node: Node) -> None:
        self.ctx = ctx
        self.node = node
        self.cluster = ctx.cluster
        self.ifaces: dict[str, SdnIface] = {}
        self.own = _node_addresses(node)

    def iface(self, name: str, *lines: str, dev: Dev | None = None) -> SdnIface:
        it = self.ifaces.setdefault(name, SdnIface(name))
        it.lines.extend(lines)
        if dev is not None:
            it.dev = dev
        return it

    def mac(self, name: str) -> str:
        return ids.local_mac(self.ctx.seed, self.cluster.name, self.node.name, "sdn", name)

    def bridge_dev(
        self, name: str, mtu: int | None, master: str | None = None, vlan_aware: bool = False
    ) -> Dev:
        return Dev(
            name,
            "bridge",
            self.mac(name),
            mtu=mtu or 1500,
            master=master,
            slave_kind="vrf" if master else None,
            vlan_filtering=vlan_aware,
        )

    def build(self) -> list[SdnIface]:
        sdn = self.cluster.sdn
        if sdn is None:
            return []
        for zone in sdn.zones:
            if self.node.name not in zone_nodes(self.cluster, zone.nodes):
                continue
            vnets = [v for v in sdn.vnets if v.zone == zone.id]
            handler = getattr(self, f"_zone_{zone.type}")
            handler(zone, vnets)
        return [self.ifaces[k] for k in sorted(self.ifaces)]

    def _bridge_lines(self, ports: str, mtu: int | None) -> list[str]:
        out = [f"bridge_ports {ports}", "bridge_stp off", "bridge_fd 0"]
        return out + ([f"mtu {mtu}"] if mtu else [])

    def _zone_simple(self, zone: Zone, vnets: list[Vnet]) -> None:
        route = _default_route(self.node)
        for v in vnets:
            lines = [f"address {c}" for c in _gateway_cidrs(self.cluster, v.id)]
            for cidr, gw, snat in _subnets(self.cluster, v.id):
                if snat and gw and route:
                    rule = f"-t nat -%s POSTROUTING -s '{cidr}' -o {route[0]} -j SNAT --to-source {route[1]}"
                    lines += [f"post-up iptables {rule % 'A'}", f"post-down iptables {rule % 'D'}"]
            if any(snat for _, _, snat in _subnets(self.cluster, v.id)):
                lines += [
                    "post-up iptables -t raw -I PREROUTING -i fwbr+ -j CT --zone 1",
                    "post-down iptables -t raw -D PREROUTING -i fwbr+ -j CT --zone 1",
                ]
            lines += self._bridge_lines("none", zone.mtu)
            if _gateway_cidrs(self.cluster, v.id):
                lines.append("ip-forward on")
            dev = self.bridge_dev(v.id, zone.mtu)
            dev.addrs = _gateway_cidrs(self.cluster, v.id)
            self.iface(v.id, *lines, dev=dev)

    def _zone_vlan(self, zone: Zone, vnets: list[Vnet]) -> None:
        bridge = zone.bridge or ""
        linux = next((b for b in self.node.bridges if b.name == bridge), None)
        for v in vnets:
            tag = v.tag or 0
            if linux is not None and linux.vlan_aware:
                port = f"{bridge}.{tag}"
                self.iface(v.id, *self._bridge_lines(port, zone.mtu), dev=self.bridge_dev(v.id, zone.mtu))
                # ifupdown2 creates the VLAN device from bridge_ports: no stanza of its own
                self._extra.append(
                    Dev(port, "vlan", "", link=bridge, vlan_id=tag, master=v.id, slave_kind="bridge")
                )
            elif linux is not None:
                ln, pr, vbr = f"ln_{v.id}", f"pr_{v.id}", f"{bridge}v{tag}"
                up = bridge_uplink(linux, self.node)
                mtu = [f"mtu {zone.mtu}"] if zone.mtu else []
                self.iface(
                    ln,
                    "link-type veth",
                    f"veth-peer-name {pr}",
                    *mtu,
                    dev=Dev(ln, "veth", self.mac(ln), link=pr, master=v.id, slave_kind="bridge"),
                )
                self.iface(
                    pr,
                    "link-type veth",
                    f"veth-peer-name {ln}",
                    *mtu,
                    dev=Dev(pr, "veth", self.mac(pr), link=ln, master=vbr, slave_kind="bridge"),
                )
                self.iface(v.id, *self._bridge_lines(ln, zone.mtu), dev=self.bridge_dev(v.id, zone.mtu))
                # pve-network joins an empty first element here: two spaces after bridge_ports
                ports = f" {up}.{tag} {pr}" if up else f" {pr}"
                self.iface(vbr, *self._bridge_lines(ports, zone.mtu), dev=self.bridge_dev(vbr, zone.mtu))
                if up:
                    self._extra.append(
                        Dev(f"{up}.{tag}", "vlan", "", link=up, vlan_id=tag, master=vbr, slave_kind="bridge")
                    )
            else:  # an OVS bridge: a tagged internal port, enslaved to the vnet bridge
                ln = f"ln_{v.id}"
                self.iface(
                    ln,
                    "ovs_type OVSIntPort",
                    f"ovs_bridge {bridge}",
                    f"ovs_options tag={tag}",
                    dev=Dev(
                        ln,
                        "openvswitch",
                        self.mac(ln),
                        master=v.id,
                        slave_kind="bridge",
                        ovs_port_of=bridge,
                        ovs_tag=tag,
                    ),
                )
                self.iface(v.id, *self._bridge_lines(ln, zone.mtu), dev=self.bridge_dev(v.id, zone.mtu))
                it = self.iface(bridge)
                if it.lines:
                    it.lines[0] += f" {ln}"
                else:
                    it.lines.append(f"ovs_ports {ln}")

    def _zone_qinq(self, zone: Zone, vnets: list[Vnet]) -> None:
        bridge = zone.bridge or ""
        linux = next((b for b in self.node.bridges if b.name == bridge), None)
        up = bridge_uplink(linux, self.node) if linux else bridge
        z, sv, ln, pr = f"z_{zone.id}", f"sv_{zone.id}", f"ln_{zone.id}", f"pr_{zone.id}"
        proto = zone.vlan_protocol or "802.1q"
        self.iface(
            ln,
            "link-type veth",
            f"veth-peer-name {pr}",
            dev=Dev(ln, "veth", self.mac(ln), link=pr, master=z, slave_kind="bridge"),
        )
        self.iface(pr, "link-type veth", f"veth-peer-name {ln}", dev=Dev(pr, "veth", self.mac(pr), link=ln))
        sv_lines = [f"vlan-raw-device {up}", f"vlan-id {zone.tag}"]
        if proto == "802.1ad":
            sv_lines.append("vlan-protocol 802.1ad")
        self.iface(
            sv,
            *sv_lines,
            dev=Dev(
                sv,
                "vlan",
                "",
                link=up,
                vlan_id=zone.tag,
                master=z,
                slave_kind="bridge",
                vlan_protocol="802.1ad" if proto == "802.1ad" else "802.1Q",
            ),
        )
        self.iface(
            z,
            "bridge-stp off",
            f"bridge-ports {sv} {ln}",
            "bridge-fd 0",
            "bridge-vlan-aware yes",
            "bridge-vids 2-4094",
            dev=self.bridge_dev(z, zone.mtu, vlan_aware=True),
        )
        for v in vnets:
            port = f"{z}.{v.tag}"
            self.iface(v.id, *self._bridge_lines(port, zone.mtu), dev=self.bridge_dev(v.id, zone.mtu))
            self._extra.append(Dev(port, "vlan", "", link=z, vlan_id=v.tag, master=v.id, slave_kind="bridge"))

    def _zone_vxlan(self, zone: Zone, vnets: list[Vnet]) -> None:
        mtu = zone.mtu or VXLAN_MTU
        remotes = [p for p in zone.peers if p not in self.own]
        for v in vnets:
            vx = f"vxlan_{v.id}"
            self.iface(v.id, *self._bridge_lines(vx, mtu), dev=self.bridge_dev(v.id, mtu))
            self.iface(
                vx,
                f"vxlan-id {v.tag}",
                *(f"vxlan_remoteip {r}" for r in remotes),
                f"mtu {mtu}",
                dev=Dev(
                    vx,
                    "vxlan",
                    self.mac(vx),
                    mtu=mtu,
                    master=v.id,
                    slave_kind="bridge",
                    info={"id": v.tag, "port": 4789, "remotes": remotes},
                ),
            )

    def _zone_evpn(self, zone: Zone, vnets: list[Vnet]) -> None:
        mtu = zone.mtu or VXLAN_MTU
        sdn = self.cluster.sdn
        ctl = next((c for c in sdn.controllers if c.id == zone.controller), None) if sdn else None
        local = next((p for p in (ctl.peers if ctl else ()) if p in self.own), None) or next(
            iter(sorted(self.own)), ""
        )
        vrf, vrfbr, vrfvx = f"vrf_{zone.id}", f"vrfbr_{zone.id}", f"vrfvx_{zone.id}"
        hw = (zone.mac or self.mac(f"evpn-{zone.id}")).upper()
        for v in vnets:
            vx = f"vxlan_{v.id}"
            lines = [f"address {c}" for c in _gateway_cidrs(self.cluster, v.id)]
            lines += [
                f"hwaddress {hw}",
                *self._bridge_lines(vx, mtu),
                "ip-forward on",
                "arp-accept on",
                f"vrf {vrf}",
            ]
            dev = self.bridge_dev(v.id, mtu, master=vrf)
            dev.mac, dev.addrs = hw.lower(), _gateway_cidrs(self.cluster, v.id)
            self.iface(v.id, *lines, dev=dev)
            self.iface(
                vx,
                f"vxlan-id {v.tag}",
                f"vxlan-local-tunnelip {local}",
                "bridge-learning off",
                "bridge-arp-nd-suppress on",
                f"mtu {mtu}",
                dev=Dev(
                    vx,
                    "vxlan",
                    self.mac(vx),
                    mtu=mtu,
                    master=v.id,
                    slave_kind="bridge",
                    info={"id": v.tag, "port": 4789, "local": local},
                ),
            )
        self.iface(
            vrf,
            "vrf-table auto",
            f"post-up ip route add vrf {vrf} unreachable default metric {VRF_UNREACHABLE_METRIC}",
            dev=Dev(vrf, "vrf", self.mac(vrf), mtu=65575, info={"table": 1001}),
        )
        self.iface(
            vrfbr,
            f"bridge-ports {vrfvx}",
            "bridge_stp off",
            "bridge_fd 0",
            f"mtu {mtu}",
            f"vrf {vrf}",
            dev=self.bridge_dev(vrfbr, mtu, master=vrf),
        )
        self.iface(
            vrfvx,
            f"vxlan-id {zone.vrf_vxlan}",
            f"vxlan-local-tunnelip {local}",
            "bridge-learning off",
            "bridge-arp-nd-suppress on",
            f"mtu {mtu}",
            dev=Dev(
                vrfvx,
                "vxlan",
                self.mac(vrfvx),
                mtu=mtu,
                master=vrfbr,
                slave_kind="bridge",
                info={"id": zone.vrf_vxlan, "port": 4789, "local": local},
            ),
        )

    _extra: list[Dev]


def _node_sdn(ctx: ClusterCtx, node: Node) -> tuple[list[SdnIface], list[Dev]]:
    b = _NodeSdn(ctx, node)
    b._extra = []
    return b.build(), b._extra


def sdn_interfaces(ctx: ClusterCtx, node: Node) -> str | None:
    """/etc/network/interfaces.d/sdn of a node, or None when the cluster uses no SDN."""
    if ctx.cluster.sdn is None or not ctx.cluster.sdn.zones:
        return None
    ifaces, _ = _node_sdn(ctx, node)
    blocks = ["#version:1"]
    for it in ifaces:
        blocks.append("\n".join([f"auto {it.name}", f"iface {it.name}", *(f"\t{ln}" for ln in it.lines)]))
    return "\n\n".join(blocks) + "\n"


def sdn_devices(ctx: ClusterCtx, node: Node) -> list[Dev]:
    """The kernel devices the node's SDN stanzas create: VRFs and bridges first, then their ports."""
    ifaces, extra = _node_sdn(ctx, node)
    devs = [it.dev for it in ifaces if it.dev is not None] + extra
    rank = {"vrf": 0, "bridge": 1}
    return sorted(devs, key=lambda d: rank.get(d.kind, 2))


# ------------------------------------------------------------------------------ cluster-wide files


def zone_fields(zone: Zone) -> tuple[dict[str, Any], dict[str, Any]]:
    """(required, optional) properties of a zone, as pve-network stores them."""
    req: dict[str, Any] = {}
    opt: dict[str, Any] = {}
    if zone.type in ("vlan", "qinq"):
        req["bridge"] = zone.bridge
    if zone.type == "qinq":
        req["tag"] = zone.tag
        if zone.vlan_protocol:
            opt["vlan-protocol"] = zone.vlan_protocol
    if zone.type == "vxlan":
        req["peers"] = ",".join(zone.peers)
    if zone.type == "evpn":
        req["controller"] = zone.controller
        req["vrf-vxlan"] = zone.vrf_vxlan
        if zone.mac:
            opt["mac"] = zone.mac.upper()
        if zone.exitnodes:
            opt["exitnodes"] = ",".join(zone.exitnodes)
    if zone.ipam:
        opt["ipam"] = zone.ipam
    if zone.mtu:
        opt["mtu"] = zone.mtu
    if zone.nodes:
        opt["nodes"] = ",".join(zone.nodes)
    return req, opt


def vnet_fields(v: Vnet) -> tuple[dict[str, Any], dict[str, Any]]:
    opt: dict[str, Any] = {}
    if v.alias:
        opt["alias"] = v.alias
    if v.tag is not None:
        opt["tag"] = v.tag
    if v.vlanaware:
        opt["vlanaware"] = 1
    return {"zone": v.zone}, opt


def subnet_id(cluster: Cluster, vnet: str, cidr: str) -> str:
    zone = next((v.zone for v in cluster.sdn.vnets if v.id == vnet), "") if cluster.sdn else ""
    net = ipaddress.ip_network(cidr)
    return f"{zone}-{net.network_address}-{net.prefixlen}"


def sdn_files(cluster: Cluster) -> dict[str, str]:
    """/etc/pve/sdn/{zones,vnets,subnets,controllers}.cfg and .running-config."""
    sdn = cluster.sdn
    if sdn is None:
        return {}
    zones = [(z.type, z.id, *zone_fields(z)) for z in sdn.zones]
    vnets = [("vnet", v.id, *vnet_fields(v)) for v in sdn.vnets]
    subnets = []
    for s in sdn.subnets:
        opt: dict[str, Any] = {}
        if s.dhcp_ranges:
            opt["dhcp-range"] = [f"start-address={r.start},end-address={r.end}" for r in s.dhcp_ranges]
        if s.gateway:
            opt["gateway"] = s.gateway
        if s.snat:
            opt["snat"] = 1
        subnets.append(("subnet", subnet_id(cluster, s.vnet, s.cidr), {"vnet": s.vnet}, opt))
    controllers: list[Section] = [
        (c.type, c.id, {"asn": c.asn, "peers": ",".join(c.peers)}, {}) for c in sdn.controllers
    ]
    files = {
        "/etc/pve/sdn/zones.cfg": section_config(zones),
        "/etc/pve/sdn/vnets.cfg": section_config(vnets),
        "/etc/pve/sdn/subnets.cfg": section_config(subnets),
        "/etc/pve/sdn/controllers.cfg": section_config(controllers),
    }
    running: dict[str, Any] = {"version": 1}
    for key, sections in (
        ("zones", zones),
        ("vnets", vnets),
        ("subnets", subnets),
        ("controllers", controllers),
    ):
        running[key] = {"ids": {sid: {"type": typ, **req, **opt} for typ, sid, req, opt in sections}}
    files["/etc/pve/sdn/.running-config"] = json.dumps(running, sort_keys=True, separators=(",", ":"))
    return files
