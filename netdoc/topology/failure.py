"""What breaks when a NIC, a bond or a switch fails: impact tables and single points of failure.

The failure model, per node: a physical NIC carries traffic unless it (or the switch LLDP says it
is cabled to) has failed, or it is down already; a bond while one of its members does (runtime
membership where a runtime source states it: an OVS interface with an error carries nothing);
a bridge while one of its uplinks does (a bridge with no uplink is internal: a routed/NAT bridge
then depends on the node's default route, an isolated one has nothing to lose); a VLAN interface
or alias while its parent does; an OVS internal port while its bridge does.

The services evaluated on each node: management (the interface holding the node's address), each
corosync link, each storage path, each mesh peer, each bridge's uplink and the guests on it.
"Loses connectivity": alive now, dead after the failure. "Loses redundancy": still alive, but a
second single failure would now kill it where before it could not. On a mesh, a cable reaches one
peer: its failure loses the mesh link to that peer, while the services on the mesh interface
(corosync, management) keep the other peers and count as degraded.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.interfaces import InterfaceKind
from netdoc.model.net import HostNet, Iface
from netdoc.model.netcluster import ClusterNet
from netdoc.topology import ids

Failed = frozenset[str]
# Kinds that carry nothing of their own: never a path, never a failure.
_NEUTRAL = frozenset({InterfaceKind.LOOPBACK, InterfaceKind.UNKNOWN})
_UPLINK_KINDS = frozenset(
    {
        InterfaceKind.PHYSICAL,
        InterfaceKind.BOND,
        InterfaceKind.OVS_BOND,
        InterfaceKind.VLAN,
        InterfaceKind.VXLAN,
        InterfaceKind.OVS_PORT,
        InterfaceKind.BRIDGE,
        InterfaceKind.OVS_BRIDGE,
    }
)


@dataclass(frozen=True)
class Service:
    """Something a node needs the network for, and the interface it depends on."""

    kind: str  # management | corosync | storage | mesh | bridge | guest
    label: str  # "corosync link1", "storage nas-vms (192.0.2.50)", "VM 300 mirror net0"
    node: str
    iface: str | None  # the interface it depends on (None: nothing on the node holds it)
    ids: tuple[str, ...] = ()  # graph ids (the link, the storage, the guest NIC)
    vlan: int | None = None  # a guest NIC's VLAN (on an OVS bridge, only ports carrying it count)


@dataclass(frozen=True)
class Impact:
    """The effect of one failure on one node."""

    failed: str  # graph id of the NIC, bond or switch
    label: str
    node: str
    lost: tuple[Service, ...] = ()
    degraded: tuple[Service, ...] = ()


@dataclass(frozen=True)
class SinglePoints:
    """A service of a node, whether it works now, and the single failures that would stop it."""

    service: Service
    alive: bool
    single_points: tuple[str, ...]  # graph ids of NICs, bonds, switches
    switches_known: bool  # LLDP told which switch each NIC is on (else switch redundancy is unknown)

    @property
    def redundant(self) -> bool:
        return self.alive and not self.single_points


class NodeFailures:
    """The failure model of one node (see the module docstring)."""

    def __init__(self, cluster: ClusterNet, host: HostNet) -> None:
        self.cluster = cluster
        self.host = host
        self.name = cluster.name
        self.switch_of: dict[str, str] = {}
        for switch in cluster.switches:
            for link in switch.links:
                if link.node == host.name:
                    self.switch_of[link.nic] = ids.switch_id(switch.name)
        self._default_dev = next(
            (
                r.dev
                for r in host.routes
                if r.destination == "default" and r.usable and r.main_unicast and r.dev
            ),
            None,
        )
        # (interface, VLAN, what failed) -> alive: a node's guests share a few bridges and VLANs,
        # so impact() asks the same question thousands of times (per guest, per pair of failures).
        self._alive: dict[tuple[str | None, int | None, Failed], bool] = {}

    # -- identities

    def iid(self, name: str) -> str:
        return ids.iface_id(self.name, self.host.name, name)

    def candidates(self, *, bonds: bool = True) -> list[str]:
        """Every NIC (and bond) of the node and every switch it is cabled to: what can fail (graph ids)."""
        found = [self.iid(i.name) for i in self.host.ifaces if i.is_physical or (bonds and i.is_bond)]
        found += sorted(set(self.switch_of.values()))
        return sorted(found)

    def label(self, failed: str) -> str:
        kind = ids.kind_of_id(failed)
        if kind == ids.SWITCH:
            return f"switch {failed.split(':', 1)[1]}"
        name = failed.rsplit(":", 1)[1] if kind == ids.IFACE else failed
        iface = self.host.iface(name)
        what = "bond" if iface is not None and iface.is_bond else "NIC"
        return f"{what} {name}"

    # -- the model

    def alive(
        self, name: str | None, failed: Failed, seen: frozenset[str] = frozenset(), vlan: int | None = None
    ) -> bool:
        """Does the interface still reach off the node (on an OVS bridge: by ports carrying `vlan`)?"""
        if name is None:
            return False
        iface = self.host.iface(name)
        if iface is None or name in seen:
            return False
        if self.iid(name) in failed:
            return False
        seen = seen | {name}
        if iface.kind in _NEUTRAL:
            return True
        if iface.is_physical:
            return iface.up is not False and self.switch_of.get(name) not in failed
        if iface.is_bond:
            return any(self.alive(m, failed, seen) for m in self._members(iface))
        if iface.is_bridge:
            uplinks = self.uplinks(iface, vlan)
            if uplinks:
                return any(self.alive(u, failed, seen) for u in uplinks)
            if self._routed(iface):
                return self.alive(self._default_dev, failed, seen)
            return True  # an isolated bridge: nothing outside to lose
        if iface.kind is InterfaceKind.OVS_INTPORT:
            return self.alive(iface.upper_runtime or iface.upper, failed, seen, iface.ovs_tag)
        if iface.parent:
            return self.alive(iface.parent, failed, seen)
        return True

    def _members(self, iface: Iface) -> tuple[str, ...]:
        return iface.lower_runtime if iface.lower_runtime is not None else iface.lower

    def uplinks(self, bridge: Iface, vlan: int | None = None) -> tuple[str, ...]:
        """The ports of a bridge that lead off the node (NICs, bonds, VLANs of NICs, tunnels).

        On an OVS bridge, for a VLAN: only the ports that carry it (an access port of another tag
        is no way out).
        """
        out = []
        for name in self._members(bridge):
            port = self.host.iface(name)
            if port is None or port.kind not in _UPLINK_KINDS or port.is_bridge:
                continue
            if bridge.kind is InterfaceKind.OVS_BRIDGE and not port.ovs_carries(vlan):
                continue
            out.append(name)
        return tuple(out)

    def _routed(self, bridge: Iface) -> bool:
        forwarding = (
            self.host.forwarding.ipv4 is True
            or bool(self.host.nat_rules)
            or bridge.name in self.host.forwarding_ifaces
        )
        return forwarding and self._default_dev is not None and self._default_dev != bridge.name

    # -- services

    def services(self) -> list[Service]:
        node = self.host.name
        out: list[Service] = []
        for m in self.cluster.management:
            if m.node == node:
                out.append(
                    Service(
                        "management",
                        f"management ({m.address})",
                        node,
                        m.iface,
                        (ids.node_id(self.name, node),),
                    )
                )
        for link in self.cluster.corosync_links:
            for ring in link.addresses:
                if ring.node == node:
                    out.append(
                        Service(
                            "corosync",
                            f"corosync link{link.number}",
                            node,
                            ring.iface,
                            (ids.corosync_id(self.name, link.number),),
                        )
                    )
        for path in self.cluster.storage_paths:
            if path.node == node:
                out.append(
                    Service(
                        "storage",
                        f"storage {path.storage} ({path.host})",
                        node,
                        path.egress.iface if path.egress else None,
                        (ids.storage_id(self.name, path.storage),),
                    )
                )
        for mesh in self.cluster.mesh_links:
            if mesh.node == node and mesh.peer:
                out.append(
                    Service(
                        "mesh",
                        f"mesh link to {mesh.peer}",
                        node,
                        mesh.nic or mesh.iface,
                        (ids.node_id(self.name, mesh.peer),),
                    )
                )
        bridges = {a.port_bridge for a in self.cluster.attachments if a.node == node and a.port_bridge}
        for iface in self.host.ifaces:
            if iface.is_bridge:
                out.append(
                    Service("bridge", f"bridge {iface.name}", node, iface.name, (self.iid(iface.name),))
                )
        for att in self.cluster.attachments:
            if att.node == node and att.port_bridge in bridges:
                out.append(
                    Service(
                        "guest",
                        att.label,
                        node,
                        att.port_bridge,
                        (ids.nic_id(self.name, att.vmid, att.nic.key),),
                        att.vlan,
                    )
                )
        return out

    def service_alive(self, service: Service, failed: Failed) -> bool:
        key = (service.iface, service.vlan, failed)
        found = self._alive.get(key)
        if found is None:
            found = self._alive[key] = self.alive(service.iface, failed, vlan=service.vlan)
        return found

    def single_points(self, service: Service) -> SinglePoints:
        alive = self.service_alive(service, frozenset())
        candidates = self.candidates(bonds=False)
        spof = tuple(c for c in candidates if alive and not self.service_alive(service, frozenset({c})))
        return SinglePoints(service, alive, spof, bool(self.switch_of))

    def impact(self, failed: str) -> Impact:
        lost: list[Service] = []
        degraded: list[Service] = []
        one = frozenset({failed})
        others = [c for c in self.candidates() if c != failed]
        for service in self.services():
            if not self.service_alive(service, frozenset()):
                continue  # already down: nothing left to lose
            if not self.service_alive(service, one):
                lost.append(service)
                continue
            before = {c for c in others if not self.service_alive(service, frozenset({c}))}
            after = {c for c in others if not self.service_alive(service, one | {c})}
            if after - before:
                degraded.append(service)
        return Impact(failed, self.label(failed), self.host.name, tuple(lost), tuple(degraded))


def node_impacts(cluster: ClusterNet, node: str) -> tuple[Impact, ...]:
    """For every NIC, bond and switch of a node: what loses connectivity, what loses redundancy."""
    host = cluster.host(node)
    if host is None:
        return ()
    model = NodeFailures(cluster, host)
    return tuple(model.impact(c) for c in model.candidates())


def switch_impact(cluster: ClusterNet, switch: str) -> tuple[Impact, ...]:
    """A switch's failure on every node cabled to it (LLDP)."""
    sid = ids.switch_id(switch)
    out = []
    for host in cluster.hosts:
        model = NodeFailures(cluster, host)
        if sid in model.candidates():
            out.append(model.impact(sid))
    return tuple(out)


def single_points_of_failure(cluster: ClusterNet, node: str) -> tuple[SinglePoints, ...]:
    """For management, each corosync link, each storage path, each bridge with guests: the SPOFs.

    Corosync as a whole (every link at once) is reported as the service "corosync (all links)".
    """
    host = cluster.host(node)
    if host is None:
        return ()
    model = NodeFailures(cluster, host)
    guest_bridges = {a.port_bridge for a in cluster.attachments if a.node == node}
    services = [
        s
        for s in model.services()
        if s.kind not in ("guest", "bridge") or (s.kind == "bridge" and s.iface in guest_bridges)
    ]
    out = [model.single_points(s) for s in services]
    links = [s for s in services if s.kind == "corosync"]
    if links:
        alive = any(model.service_alive(s, frozenset()) for s in links)
        spof = tuple(
            c
            for c in model.candidates(bonds=False)
            if alive and not any(model.service_alive(s, frozenset({c})) for s in links)
        )
        combined = Service(
            "corosync-all", "corosync (all links)", node, None, tuple(i for s in links for i in s.ids)
        )
        out.append(SinglePoints(combined, alive, spof, bool(model.switch_of)))
    return tuple(out)
