"""A node's runtime network, derived once from the definition: every kernel device and who owns it.

All runtime outputs (ip -j link/addr, bridge vlan, /proc/net/bonding, ovs-vsctl, lldpctl) read this
one model, so they agree with each other by construction. It follows what Proxmox VE does when it
boots and starts guests: ifupdown2 enslaves NICs to Linux bonds and bridges, OVS takes the rest of
the NICs its database holds (and records an error for one already taken), a
guest NIC becomes tap<vmid>i<n> (VM) or veth<vmid>i<n> (container), with the firewall bridge
fwbr/fwpr/fwln in between when firewall=1, and a tagged NIC on a VLAN-unaware Linux bridge goes
into the bridge vmbr0v<tag> over <uplink>.<tag>. The records it fills are in netdoc/lab/devices.py.
"""

from __future__ import annotations

import re

from netdoc.lab import ids
from netdoc.lab.devices import (
    ClusterCtx,
    Dev,
    GuestPlug,
    NodeRuntime,
    OvsBridgeRt,
    OvsPortRt,
    bridge_uplink,
    nic_index,
)
from netdoc.lab.generate_sdn import sdn_devices
from netdoc.lab.schema import Bond, Bridge, Guest, GuestNic, Node, OvsBridge, parse_vids

OVS_BUSY = "could not add network device {name} to ofproto (Device or resource busy)"


def ovs_claims(node: Node) -> dict[str, str]:
    """NIC -> OVS bridge, for the NICs Open vSwitch holds."""
    out: dict[str, str] = {}
    for ob in node.ovs_bridges:
        for bond in ob.bonds:
            for s in bond.slaves:
                out[s] = ob.name
        for p in ob.ports:
            out[p.name] = ob.name
    return out


class _Builder:
    def __init__(self, ctx: ClusterCtx, node: Node) -> None:
        self.ctx = ctx
        self.node = node
        self.seed = ctx.seed
        self.devs: dict[str, Dev] = {}
        self.ovs: list[OvsBridgeRt] = []
        self.plugs: list[GuestPlug] = []
        self.macs = ctx.nic_macs[node.name]

    def add(self, dev: Dev) -> Dev:
        if dev.name not in self.devs:
            dev.ifindex = len(self.devs) + 1
            self.devs[dev.name] = dev
        return self.devs[dev.name]

    def local_mac(self, name: str) -> str:
        return ids.local_mac(self.seed, self.ctx.cluster.name, self.node.name, name)

    def build(self) -> NodeRuntime:
        node = self.node
        self.add(Dev("lo", "loopback", "00:00:00:00:00:00", mtu=65536, addrs=["127.0.0.1/8"]))
        for i, nic in enumerate(node.nics):
            self.add(
                Dev(
                    nic.name,
                    "ether",
                    self.macs[nic.name],
                    mtu=nic.mtu or 1500,
                    carrier=nic.link == "up",
                    speed=nic.speed,
                    altnames=nic.altnames,
                    pci=f"0000:{(i // 2) + 1:02x}:00.{i % 2}",
                )
            )
        used: set[str] = set()
        bonded: dict[str, Bond] = {}
        for bond in node.bonds:
            self._bond(bond, used, bonded)
        if node.ovs_bridges:
            self.add(
                Dev("ovs-system", "openvswitch", self.local_mac("ovs-system"), admin_up=False, carrier=False)
            )
            for ob in node.ovs_bridges:
                self._ovs_bridge(ob)
        for br in node.bridges:
            self._bridge(br, used)
        for vlan in node.vlans:
            parent = vlan.raw_device or vlan.name.rsplit(".", 1)[0]
            vid = vlan.id or int(vlan.name.rsplit(".", 1)[1])
            self._vlan(vlan.name, parent, vid, vlan.protocol)
        self._ovs_enslave(used)
        self._admin_state(used)
        self._addresses()
        for dev in sdn_devices(self.ctx, node):
            self._sdn_dev(dev)
        for guest in sorted(self.ctx.cluster.guests, key=lambda g: g.vmid):
            if guest.node == node.name and guest.status == "running":
                self._guest(guest)
        self._bridge_self_vlans()
        self._bridge_carrier()
        return NodeRuntime(node, self.devs, self.ovs, self.plugs, dict(self.macs))

    # ---------------------------------------------------------------- host interfaces

    def _bond(self, bond: Bond, used: set[str], bonded: dict[str, Bond]) -> None:
        slaves = [s for s in bond.slaves if s not in used]
        mac = self.macs[slaves[0]] if slaves else self.local_mac(bond.name)
        dev = self.add(Dev(bond.name, "bond", mac, mtu=bond.mtu or 1500))
        for s in slaves:
            sd = self.devs[s]
            sd.master, sd.slave_kind = bond.name, "bond"
            if s in bond.runtime.down_slaves:
                sd.carrier = False
            sd.perm_mac = sd.mac
            sd.mtu = dev.mtu  # the kernel gives every slave its bond's MTU
            if bond.mode not in ("balance-tlb", "balance-alb"):
                sd.mac = mac
            used.add(s)
            bonded[s] = bond
        dev.carrier = any(self.devs[s].carrier for s in slaves)

    def _bridge(self, br: Bridge, used: set[str]) -> None:
        dev = self.add(Dev(br.name, "bridge", "", mtu=br.mtu or 1500, vlan_filtering=br.vlan_aware))
        vids = parse_vids(br.vids or "2-4094") if br.vlan_aware else ()
        dev.bridge_vlans = [(1, True, True)]
        first_mac = None
        for port in br.ports:
            if port not in self.devs and "." in port:  # `eno1.5` in bridge-ports: created on the fly
                parent, _, vid = port.rpartition(".")
                self._vlan(port, parent, int(vid), None)
            pd = self.devs.get(port)
            if pd is None or (port in used and pd.master is not None):
                continue  # a bond or another bridge holds it already: this bridge cannot enslave it
            pd.master, pd.slave_kind = br.name, "bridge"
            pd.bridge_vlans = [(1, True, True)] + [(v, False, False) for v in vids if v != 1]
            used.add(port)
            first_mac = first_mac or pd.perm_mac or pd.mac
        dev.mac = first_mac or self.local_mac(br.name)

    def _vlan(self, name: str, parent: str, vid: int, protocol: str | None) -> Dev:
        pd = self.devs.get(parent)
        mac = pd.mac if pd else self.local_mac(name)
        return self.add(
            Dev(
                name,
                "vlan",
                mac,
                mtu=pd.mtu if pd else 1500,
                link=parent,
                vlan_id=vid,
                vlan_protocol="802.1ad" if protocol == "802.1ad" else "802.1Q",
                carrier=pd.up if pd else False,
            )
        )

    def _ovs_bridge(self, ob: OvsBridge) -> None:
        phys = [s for b in ob.bonds for s in b.slaves] + [p.name for p in ob.ports]
        mac = min((self.macs[p] for p in phys if p in self.macs), default=self.local_mac(ob.name))
        self.add(Dev(ob.name, "openvswitch", mac, mtu=ob.mtu or 1500))
        ports = [OvsPortRt(ob.name, [ob.name], iface_type="internal")]
        for bond in ob.bonds:
            for s in bond.runtime.down_slaves:
                self.devs[s].carrier = False
            ports.append(
                OvsPortRt(
                    bond.name,
                    list(bond.slaves),
                    tag=bond.tag,
                    trunks=bond.trunks,
                    bond_mode=bond.bond_mode,
                    lacp=bond.lacp,
                    lacp_time=bond.lacp_time,
                    lacp_negotiated=bond.runtime.lacp == "negotiated",
                )
            )
        for p in ob.ports:
            ports.append(OvsPortRt(p.name, [p.name], tag=p.tag, trunks=p.trunks))
        for ip in ob.intports:
            self.add(Dev(ip.name, "openvswitch", self.local_mac(ip.name), mtu=ip.mtu or 1500))
            ports.append(OvsPortRt(ip.name, [ip.name], iface_type="internal", tag=ip.tag))
        self.ovs.append(OvsBridgeRt(ob.name, ports, ob))

    def _ovs_enslave(self, used: set[str]) -> None:
        """OVS takes its NICs last: one a Linux bond or bridge already holds stays there, and OVS
        records the failure on the Interface row, as ovs-vswitchd does."""
        for name, bridge in ovs_claims(self.node).items():
            dev = self.devs[name]
            if dev.master is not None:
                for ob in self.ovs:
                    for port in ob.ports:
                        if ob.name == bridge and name in port.interfaces and port.iface_type == "":
                            port.errors[name] = OVS_BUSY.format(name=name)
                continue
            dev.master, dev.slave_kind = "ovs-system", "openvswitch"
            used.add(name)

    def _admin_state(self, used: set[str]) -> None:
        """Interfaces ifupdown2 never brings up stay administratively down (Proxmox: Active No)."""
        node = self.node
        auto = {n.name for n in node.nics if n.autostart or (n.autostart is None and n.address)}
        auto |= {b.name for b in node.bonds if b.autostart} | {b.name for b in node.bridges if b.autostart}
        auto |= {v.name for v in node.vlans if v.autostart}
        for nic in node.nics:
            if nic.name not in used and nic.name not in auto:
                self.devs[nic.name].admin_up = False
        configured = {b.name for b in node.bonds} | {b.name for b in node.bridges}
        for name, dev in self.devs.items():
            if name in configured and name not in auto and dev.master is None:
                dev.admin_up = False

    def _addresses(self) -> None:
        node = self.node
        items: list[tuple[str, str | None]] = [(n.name, n.address) for n in node.nics]
        items += [(b.name, b.address) for b in node.bonds] + [(b.name, b.address) for b in node.bridges]
        items += [(v.name, v.address) for v in node.vlans]
        for ob in node.ovs_bridges:
            items.append((ob.name, ob.address))
            items += [(p.name, p.address) for p in ob.intports]
        for name, address in items:
            if address and name in self.devs:
                self.devs[name].addrs.append(address)

    def _sdn_dev(self, dev: Dev) -> None:
        for ob in self.ovs:
            if dev.ovs_port_of == ob.name:
                ob.ports.append(OvsPortRt(dev.name, [dev.name], iface_type="internal", tag=dev.ovs_tag))
        if dev.kind == "vlan" and dev.link and dev.link in self.devs:
            parent = self.devs[dev.link]
            dev.mac, dev.carrier, dev.mtu = parent.mac, parent.up, parent.mtu
        if not dev.mac:
            dev.mac = self.local_mac(dev.name)
        master = dev.master
        self.add(dev)
        if master and master in self.devs and self.devs[master].kind == "bridge" and not dev.bridge_vlans:
            dev.bridge_vlans = [(1, True, True)]
        if dev.kind == "bridge" and not dev.bridge_vlans:
            dev.bridge_vlans = [(1, True, True)]

    # ---------------------------------------------------------------- guests

    def _guest(self, guest: Guest) -> None:
        for position, nic in enumerate(guest.nics):
            idx = nic_index(nic, position)
            if nic.link_down:
                pass  # the tap exists; only the guest side is down
            host = f"{'tap' if guest.type == 'qemu' else 'veth'}{guest.vmid}i{idx}"
            mac = self.ctx.guest_mac(guest, idx, nic)
            dev = self.add(
                Dev(
                    host,
                    "tun" if guest.type == "qemu" else "veth",
                    self.local_mac(host) if guest.type == "qemu" else ids.local_mac(self.seed, "veth", host),
                    mtu=nic.mtu if nic.mtu and nic.mtu > 1 else 1500,
                    peer_in_container=guest.type == "lxc",
                )
            )
            target = self._plug_target(nic)
            self.plugs.append(GuestPlug(guest.vmid, idx, host, target, nic, mac))
            ovs = next((o for o in self.ovs if o.name == target), None)
            if ovs is not None:
                self._plug_ovs(guest, idx, nic, dev, ovs)
            else:
                self._plug_linux(guest, idx, nic, dev, target)

    def _plug_target(self, nic: GuestNic) -> str:
        br = next((b for b in self.node.bridges if b.name == nic.bridge), None)
        if br is None or br.vlan_aware or nic.tag is None:
            return nic.bridge
        uplink = bridge_uplink(br, self.node)
        if uplink is None:
            return nic.bridge
        vbr = f"{br.name}v{nic.tag}"
        if vbr not in self.devs:
            vdev = self._vlan(f"{uplink}.{nic.tag}", uplink, nic.tag, None)
            bdev = self.add(Dev(vbr, "bridge", vdev.mac, mtu=vdev.mtu, bridge_vlans=[(1, True, True)]))
            vdev.master, vdev.slave_kind = bdev.name, "bridge"
            vdev.bridge_vlans = [(1, True, True)]
        return vbr

    def _port_vlans(self, bridge: str, nic: GuestNic) -> list[tuple[int, bool, bool]]:
        dev = self.devs.get(bridge)
        if dev is None or not dev.vlan_filtering:
            return [(1, True, True)]
        if nic.tag:
            return [(nic.tag, True, True), *((t, False, False) for t in nic.trunks if t != nic.tag)]
        br = next((b for b in self.node.bridges if b.name == bridge), None)
        vids = nic.trunks or parse_vids(br.vids or "2-4094") if br else nic.trunks
        return [(1, True, True)] + [(v, False, False) for v in vids if v != 1]

    def _enslave(self, dev: Dev, master: str, vlans: list[tuple[int, bool, bool]]) -> None:
        dev.master, dev.slave_kind = master, "bridge"
        dev.bridge_vlans = vlans

    def _firewall_bridge(self, guest: Guest, idx: int, dev: Dev) -> Dev:
        fwbr = self.add(Dev(f"fwbr{guest.vmid}i{idx}", "bridge", "", bridge_vlans=[(1, True, True)]))
        self._enslave(dev, fwbr.name, [(1, True, True)])
        return fwbr

    def _plug_linux(self, guest: Guest, idx: int, nic: GuestNic, dev: Dev, target: str) -> None:
        vlans = self._port_vlans(target, nic)
        if not nic.firewall:
            self._enslave(dev, target, vlans)
            return
        fwbr = self._firewall_bridge(guest, idx, dev)
        fwpr = self.add(Dev(f"fwpr{guest.vmid}p{idx}", "veth", self.local_mac(f"fwpr{guest.vmid}p{idx}")))
        fwln = self.add(Dev(f"fwln{guest.vmid}i{idx}", "veth", self.local_mac(f"fwln{guest.vmid}i{idx}")))
        fwpr.link, fwln.link = fwln.name, fwpr.name
        self._enslave(fwpr, target, vlans)
        self._enslave(fwln, fwbr.name, [(1, True, True)])
        fwbr.mac = fwln.mac

    def _plug_ovs(self, guest: Guest, idx: int, nic: GuestNic, dev: Dev, ovs: OvsBridgeRt) -> None:
        if not nic.firewall:
            dev.master, dev.slave_kind = "ovs-system", "openvswitch"
            ovs.ports.append(
                OvsPortRt(dev.name, [dev.name], tag=nic.tag, trunks=nic.trunks, guest=(guest.vmid, idx))
            )
            return
        fwbr = self._firewall_bridge(guest, idx, dev)
        name = f"fwln{guest.vmid}o{idx}"
        fwln = self.add(Dev(name, "openvswitch", self.local_mac(name)))
        self._enslave(fwln, fwbr.name, [(1, True, True)])
        fwbr.mac = fwln.mac
        ovs.ports.append(
            OvsPortRt(
                name, [name], iface_type="internal", tag=nic.tag, trunks=nic.trunks, guest=(guest.vmid, idx)
            )
        )

    def _bridge_self_vlans(self) -> None:
        """ifupdown2 adds the VID of every VLAN device on a VLAN-aware bridge to the bridge itself."""
        for dev in list(self.devs.values()):
            parent = self.devs.get(dev.link or "")
            if (
                dev.kind == "vlan"
                and parent is not None
                and parent.kind == "bridge"
                and parent.vlan_filtering
            ):
                entry = (dev.vlan_id or 0, False, False)
                if entry not in parent.bridge_vlans:
                    parent.bridge_vlans.append(entry)
                    parent.bridge_vlans.sort()

    def _bridge_carrier(self) -> None:
        """A Linux bridge has carrier when one of its ports is up; a bond when one slave is."""
        for dev in self.devs.values():
            if dev.kind == "bridge":
                ports = [d for d in self.devs.values() if d.master == dev.name]
                dev.carrier = any(p.up or p.kind in ("tun", "veth", "openvswitch") for p in ports)
                if not dev.mac:
                    dev.mac = self.local_mac(dev.name)
        for dev in self.devs.values():
            if dev.kind == "vlan" and dev.link in self.devs:
                dev.carrier = self.devs[dev.link].up


def resolve_node(ctx: ClusterCtx, node: Node) -> NodeRuntime:
    return _Builder(ctx, node).build()


VLAN_NAME = re.compile(r"^(.+)\.(\d+)$")
