"""Migration readiness: for every guest, the nodes it could run on with all its networks.

A target is ready when, for every NIC of the guest: its bridge exists there (or its VNet's zone
includes the node and the VNet is applied there), the NIC's VLAN is allowed on that bridge (a
VLAN-aware bridge's bridge-vids), the bridge's MTU is not smaller than on the guest's node nor
than the NIC's own MTU, and the node is online. Every reason a node is not ready is given.
HA is honoured when the snapshot holds /etc/pve/ha: a node outside a restricted HA group or a
strict node-affinity rule (Proxmox VE 9) is not a target; unrestricted groups and non-strict rules
only state preferences and block nothing. Storage is not part of this (network only).
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.netcluster import Attachment, ClusterNet
from netdoc.model.vlans import allowed_vids

DEFAULT_MTU = 1500


@dataclass(frozen=True)
class MigrationTarget:
    node: str
    ready: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuestMigration:
    vmid: int | None
    label: str  # "VM 101 web1"
    node: str | None
    targets: tuple[MigrationTarget, ...] = ()
    ha: str | None = None  # "HA group web (restricted: pve1, pve2)", "HA rule r1 (strict: pve1)"

    @property
    def ready_nodes(self) -> tuple[str, ...]:
        return tuple(t.node for t in self.targets if t.ready)


def _mtu(cluster: ClusterNet, node: str, bridge: str) -> int | None:
    host = cluster.host(node)
    iface = host.iface(bridge) if host is not None else None
    if iface is None:
        return None
    return iface.mtu or iface.mtu_runtime or DEFAULT_MTU


def _nic_reasons(cluster: ClusterNet, att: Attachment, target: str) -> list[str]:
    key = att.nic.key
    host = cluster.host(target)
    if host is None or att.bridge is None:
        return []
    if att.vnet is not None:
        vnet = cluster.vnet(att.vnet)
        if vnet is not None and vnet.nodes and target not in vnet.nodes:
            return [f"{key}: VNet {att.vnet}'s zone {vnet.zone} does not include {target}"]
        source = cluster.host(att.node)
        applied_here = source is not None and source.iface(att.vnet) is not None
        if applied_here and host.iface(att.vnet) is None and host.sources.interfaces is not None:
            return [f"{key}: VNet {att.vnet} is not applied on {target} (no bridge {att.vnet} there)"]
        bridge_name = att.port_bridge
    else:
        bridge_name = att.bridge
    if bridge_name is None:
        return []
    bridge = host.iface(bridge_name)
    if bridge is None or not bridge.is_bridge:
        return [f"{key}: no bridge {bridge_name} on {target}"]
    reasons = []
    vids = allowed_vids(bridge)
    if att.vlan is not None and vids is not None and att.vlan not in vids:
        reasons.append(f"{key}: VLAN {att.vlan} is not in {bridge_name}'s bridge-vids on {target}")
    target_mtu = _mtu(cluster, target, bridge_name) or DEFAULT_MTU
    source_mtu = _mtu(cluster, att.node, bridge_name) if att.node else None
    if source_mtu is not None and source_mtu > target_mtu:
        reasons.append(f"{key}: {bridge_name} has MTU {target_mtu} on {target}, {source_mtu} on {att.node}")
    if att.nic.mtu is not None and att.nic.mtu > 1 and att.nic.mtu > target_mtu:
        reasons.append(f"{key}: the NIC's MTU {att.nic.mtu} exceeds {bridge_name}'s {target_mtu} on {target}")
    return reasons


def _ha_limits(cluster: ClusterNet, vmid: int | None, guest_type: str) -> tuple[set[str] | None, str | None]:
    """(nodes HA allows, None: any), and a description of what HA says about the guest."""
    ha = cluster.sources.ha
    if ha is None or vmid is None:
        return None, None
    allowed: set[str] | None = None
    said = []
    resource = ha.resource(vmid)
    group = ha.group(resource.group) if resource is not None else None
    if group is not None:
        kind = "restricted" if group.restricted else "preferred"
        said.append(f"HA group {group.id} ({kind}: {', '.join(group.node_names)})")
        if group.restricted:
            allowed = set(group.node_names)
    sid = f"{'vm' if guest_type == 'qemu' else 'ct'}:{vmid}"
    for rule in ha.rules:
        if rule.type != "node-affinity" or rule.disabled or sid not in rule.resources:
            continue
        nodes = {n.node for n in rule.nodes}
        said.append(
            f"HA rule {rule.id} ({'strict' if rule.strict else 'preferred'}: {', '.join(sorted(nodes))})"
        )
        if rule.strict:
            allowed = nodes if allowed is None else allowed & nodes
    return allowed, "; ".join(said) or None


def migration_readiness(cluster: ClusterNet) -> tuple[GuestMigration, ...]:
    """Every guest (by vmid), every other node: ready or not, and why not."""
    by_guest: dict[tuple[int | None, str | None], list[Attachment]] = {}
    for att in cluster.attachments:
        by_guest.setdefault((att.vmid, att.node), []).append(att)
    online = {h.name: h.sources.online for h in cluster.hosts}
    out = []
    for (vmid, node), atts in sorted(by_guest.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1] or "")):
        guest = atts[0].guest
        label = f"{'VM' if guest.type == 'qemu' else 'CT'} {vmid}" + (f" {guest.name}" if guest.name else "")
        allowed, ha = _ha_limits(cluster, vmid, guest.type)
        targets = []
        for host in cluster.hosts:
            if host.name == node:
                continue
            reasons = [r for att in atts for r in _nic_reasons(cluster, att, host.name)]
            if online.get(host.name) is False:
                reasons.insert(0, f"{host.name} is offline")
            if allowed is not None and host.name not in allowed:
                reasons.insert(0, f"HA does not allow {host.name} ({ha})")
            targets.append(MigrationTarget(host.name, not reasons, tuple(reasons)))
        out.append(GuestMigration(vmid, label, node, tuple(targets), ha))
    return tuple(out)
