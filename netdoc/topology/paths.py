"""Paths out of a node: guest NIC -> bridge -> bond -> physical NICs -> switch ports.

One chain per physical NIC the traffic can leave by (runtime membership where a runtime source
states it), ending at the switch port LLDP names, when it does. Used for "how does this VM reach
the network" on guest pages and for the impact tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.net import HostNet
from netdoc.model.netcluster import ClusterNet
from netdoc.topology import ids


@dataclass(frozen=True)
class Hop:
    id: str  # graph id
    label: str
    kind: str  # nic | iface | switchport


def iface_paths(cluster: ClusterNet, host: HostNet, start: str) -> tuple[tuple[Hop, ...], ...]:
    """Chains from an interface down to each physical NIC (and its switch port)."""
    ports = {(lk.node, lk.nic): lk for sw in cluster.switches for lk in sw.links}
    chains: list[tuple[Hop, ...]] = []

    def hop(name: str) -> Hop:
        iface = host.iface(name)
        kind = iface.kind.value if iface is not None else "iface"
        return Hop(ids.iface_id(cluster.name, host.name, name), f"{name} ({kind.replace('_', ' ')})", "iface")

    def walk(name: str, trail: tuple[Hop, ...]) -> None:
        iface = host.iface(name)
        if iface is None or any(h.id.endswith(f":{name}") for h in trail):
            return
        here = (*trail, hop(name))
        if iface.is_physical:
            link = ports.get((host.name, name))
            if link is not None:
                here = (
                    *here,
                    Hop(
                        ids.switchport_id(link.switch, link.port), f"{link.switch} {link.port}", "switchport"
                    ),
                )
            chains.append(here)
            return
        lower = iface.lower_runtime if iface.lower_runtime is not None else iface.lower
        nexts = list(lower) + ([iface.parent] if iface.parent else [])
        if iface.is_bridge:
            nexts = [
                n
                for n in nexts
                if (p := host.iface(n)) is not None and not p.kind.value.startswith("ovs_int")
            ]
        for member in nexts:
            walk(member, here)

    walk(start, ())
    return tuple(chains)


def nic_paths(cluster: ClusterNet, vmid: int, key: str) -> tuple[tuple[Hop, ...], ...]:
    """Every chain from a guest NIC to the physical NICs (and switch ports) its node sends it by."""
    att = next((a for a in cluster.attachments if a.vmid == vmid and a.nic.key == key), None)
    if att is None or att.node is None or att.port_bridge is None:
        return ()
    host = cluster.host(att.node)
    if host is None:
        return ()
    first = Hop(ids.nic_id(cluster.name, vmid, key), att.label, "nic")
    return tuple((first, *chain) for chain in iface_paths(cluster, host, att.port_bridge))
