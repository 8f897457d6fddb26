"""The VLAN matrix: for each VLAN in use, on each node, the bridges and ports carrying it and its guests.

A VLAN is "in use" when a guest NIC is tagged with it (or rides a VNet of a VLAN zone), a VLAN
interface or an OVS internal port carries it, or a VNet of a VLAN zone maps to it. Read from the
assembled model behind the graph (the same facts as the graph's `tagged` and `carries` edges).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netdoc.model.interfaces import InterfaceKind
from netdoc.model.netcluster import ClusterNet


@dataclass(frozen=True)
class VlanCell:
    """One VLAN on one node."""

    node: str
    bridges: tuple[str, ...] = ()  # bridges (Linux or OVS) carrying it
    ifaces: tuple[str, ...] = ()  # VLAN interfaces and OVS internal ports in it (the node's own addresses)
    guests: tuple[str, ...] = ()  # "VM 101 web1 net0" labels

    @property
    def empty(self) -> bool:
        return not (self.bridges or self.ifaces or self.guests)


@dataclass(frozen=True)
class VlanRow:
    vid: int
    cells: tuple[VlanCell, ...] = ()  # one per node, in node order
    vnets: tuple[str, ...] = field(default=())  # SDN VNets mapped to this VLAN

    def cell(self, node: str) -> VlanCell | None:
        return next((c for c in self.cells if c.node == node), None)


def vlan_matrix(cluster: ClusterNet) -> tuple[VlanRow, ...]:
    """VLAN x node: bridges, ports and guests (rows by VLAN id, cells by node name)."""
    bridges: dict[tuple[int, str], set[str]] = {}
    ifaces: dict[tuple[int, str], set[str]] = {}
    guests: dict[tuple[int, str], list[str]] = {}
    vnets: dict[int, set[str]] = {}
    for att in cluster.attachments:
        if att.vlan is None or att.node is None:
            continue
        if att.port_bridge:
            bridges.setdefault((att.vlan, att.node), set()).add(att.port_bridge)
        guests.setdefault((att.vlan, att.node), []).append(att.label)
    for host in cluster.hosts:
        for iface in host.ifaces:
            tag = iface.vlan_id
            if tag is None and iface.kind is InterfaceKind.OVS_INTPORT:
                tag = iface.config.ovs_tag if iface.config else None
                if tag is None and iface.ovs_port is not None:
                    tag = iface.ovs_port.tag
            if tag is None:
                continue
            ifaces.setdefault((tag, host.name), set()).add(iface.name)
            carrier = (
                host.iface(iface.parent) if iface.parent else host.iface(iface.upper or iface.upper_runtime)
            )
            if carrier is not None and carrier.is_bridge:
                bridges.setdefault((tag, host.name), set()).add(carrier.name)
    for vnet in cluster.vnets:
        if vnet.vlan is None:
            continue
        vnets.setdefault(vnet.vlan, set()).add(vnet.id)
        for host in cluster.hosts:
            if (
                vnet.bridge
                and host.iface(vnet.bridge) is not None
                and (not vnet.nodes or host.name in vnet.nodes)
            ):
                bridges.setdefault((vnet.vlan, host.name), set()).add(vnet.bridge)
    vids = sorted({k[0] for k in (*bridges, *ifaces, *guests)} | set(vnets))
    rows = []
    for vid in vids:
        cells = tuple(
            VlanCell(
                host.name,
                tuple(sorted(bridges.get((vid, host.name), ()))),
                tuple(sorted(ifaces.get((vid, host.name), ()))),
                tuple(guests.get((vid, host.name), ())),
            )
            for host in cluster.hosts
        )
        rows.append(VlanRow(vid, cells, tuple(sorted(vnets.get(vid, ())))))
    return tuple(rows)
