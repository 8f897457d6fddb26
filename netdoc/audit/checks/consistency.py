"""Cluster consistency checks: what a guest finds on one node it must find on every node it may move to.

Live migration and HA recovery start the guest's NICs on the target node with the same bridge (or
VNet) name and VLAN tag; when the target's bridge is missing, cannot carry the tag, or behaves
differently (VLAN awareness, bond mode), the migration fails or the guest lands on another network.
"""

from __future__ import annotations

from collections.abc import Iterator

from netdoc.audit.context import AuditContext, ev, option_ref
from netdoc.audit.finding import Check, Hit, Severity
from netdoc.audit.netfacts import (
    bond_mode,
    carries_vlan,
    guest_bridges,
    guest_labels,
    known_network,
    vlan_aware,
    vnet_nodes,
)
from netdoc.model.interfaces import InterfaceKind
from netdoc.model.net import Evidence, HostNet, Iface
from netdoc.model.netcluster import Attachment
from netdoc.topology.ids import nic_id, vlan_id, vnet_id


def _nic_evidence(atts: list[Attachment], limit: int = 4) -> tuple[Evidence, ...]:
    return tuple(e for a in atts[:limit] for e in ev(a.node, a.nic.source, f"{a.label} names {a.bridge}"))


def _nic_ids(ctx: AuditContext, atts: list[Attachment]) -> tuple[str, ...]:
    return tuple(nic_id(ctx.name, a.vmid, a.nic.key) for a in atts)


def _own_nodes_note(atts: list[Attachment], lacking: list[str]) -> str:
    stuck = [a for a in atts if a.node in lacking]
    if not stuck:
        return ""
    return f"; {guest_labels(stuck)} cannot even start on {'its' if len(stuck) == 1 else 'their'} own node"


def _missing_bridges(ctx: AuditContext) -> Iterator[Hit]:
    cluster = ctx.cluster
    known = {h.name: h for h in ctx.hosts if known_network(h)}
    for name, atts in sorted(guest_bridges(cluster).items()):
        vnet = cluster.vnet(name)
        # A VNet exists on its zone's nodes only; its guests' own nodes must have it whatever the zone says.
        scope = set(vnet_nodes(cluster, vnet)) if vnet is not None else set(known)
        scope |= {a.node for a in atts if a.node}
        lacking = []
        for node in sorted(scope):
            host = known.get(node)
            iface = host.iface(name) if host is not None else None
            if host is not None and (iface is None or not iface.is_bridge):
                lacking.append(node)
        if not lacking:
            continue
        if vnet is not None:
            where = (
                f" (zone {vnet.zone}, on {', '.join(vnet.nodes)} only)"
                if vnet.nodes
                else f" (zone {vnet.zone})"
            )
            what = f"VNet {name}{where}"
            evidence = ev(None, vnet.source, f"VNet {name}") + _nic_evidence(atts)
            extra_ids: tuple[str, ...] = (vnet_id(ctx.name, name),)
        else:
            what = f"bridge {name}"
            evidence = _nic_evidence(atts)
            extra_ids = ()
        yield Hit(
            name,
            f"{what} is used by {guest_labels(atts)} but is missing on {', '.join(lacking)}: these guests "
            f"cannot migrate (or be recovered by HA) there{_own_nodes_note(atts, lacking)}",
            evidence,
            None,
            (*extra_ids, *ctx.node_ids(*lacking), *_nic_ids(ctx, atts)),
        )


def _vlans_not_carried(ctx: AuditContext) -> Iterator[Hit]:
    tagged: dict[tuple[str, int], list[Attachment]] = {}
    for att in ctx.cluster.attachments:
        if att.bridge and att.vnet is None and att.nic.vlan_tag is not None:
            tagged.setdefault((att.bridge, att.nic.vlan_tag), []).append(att)
    for (bridge, tag), atts in sorted(tagged.items()):
        reasons: list[tuple[HostNet, Iface, str]] = []
        for host in ctx.hosts:
            iface = host.iface(bridge)
            if iface is None or not iface.is_bridge:
                continue  # a missing bridge is bridge-missing-on-node's finding
            if all(a.node == host.name for a in atts):
                continue  # the guests are there already: a tag their own bridge refuses is a bridges check's
            why = carries_vlan(host, iface, tag)
            if why is not None:
                reasons.append((host, iface, why))
        if not reasons:
            continue
        shown = "; ".join(f"on {h.name}, {why}" for h, _, why in reasons)
        lacking = [h.name for h, _, _ in reasons]
        evidence = _nic_evidence(atts)
        for h, iface, _ in reasons:
            evidence += ev(
                h.name, option_ref(iface, "bridge-vids", "bridge-vlan-aware") or iface.source, bridge
            )
        yield Hit(
            f"{bridge}/vlan{tag}",
            f"VLAN {tag} on {bridge} is used by {guest_labels(atts)} but {bridge} cannot carry it on "
            f"{', '.join(lacking)} ({shown}): these guests lose their network when they migrate there"
            f"{_own_nodes_note(atts, lacking)}",
            evidence,
            None,
            (vlan_id(ctx.name, tag), *(ctx.iface_ids(n, bridge)[0] for n in lacking), *_nic_ids(ctx, atts)),
        )


def _bridge_missing(ctx: AuditContext) -> Iterator[Hit]:
    yield from _missing_bridges(ctx)
    yield from _vlans_not_carried(ctx)


def _awareness(ctx: AuditContext) -> Iterator[Hit]:
    by_name: dict[str, list[tuple[HostNet, Iface]]] = {}
    for host in ctx.hosts:
        for iface in host.ifaces:
            if iface.is_bridge:
                by_name.setdefault(iface.name, []).append((host, iface))
    for name, found in sorted(by_name.items()):
        aware, unaware = [], []
        for host, iface in found:
            # Open vSwitch bridges always carry VLANs (the tag is on the guest port).
            state = True if iface.kind is InterfaceKind.OVS_BRIDGE else vlan_aware(iface)
            label = f"{host.name} (Open vSwitch)" if iface.kind is InterfaceKind.OVS_BRIDGE else host.name
            if state is True:
                aware.append((host, iface, label))
            elif state is False:
                unaware.append((host, iface, label))
        if not aware or not unaware:
            continue
        evidence: tuple[Evidence, ...] = ()
        for host, iface, _ in aware + unaware:
            evidence += ev(host.name, option_ref(iface, "bridge-vlan-aware") or iface.source, name)
        yield Hit(
            name,
            f"{name} is VLAN-aware on {', '.join(lb for _, _, lb in aware)} and not on "
            f"{', '.join(lb for _, _, lb in unaware)}: a guest's VLAN tag and trunks are handled differently "
            "after a migration (on a VLAN-unaware bridge Proxmox builds a vmbrXvY bridge per tag, and trunks "
            "are not carried)",
            evidence,
            None,
            tuple(ctx.iface_ids(h.name, name)[0] for h, _, _ in aware + unaware),
        )


def _modes_differ(
    ctx: AuditContext, subject: str, found: list[tuple[HostNet, Iface, str]], what: str
) -> Hit | None:
    modes = {mode for _, _, mode in found}
    if len(modes) < 2:
        return None
    shown = "; ".join(f"{h.name} {b.name}: {mode}" for h, b, mode in found)
    evidence: tuple[Evidence, ...] = ()
    for host, bond, _ in found:
        evidence += ev(host.name, option_ref(bond, "bond-mode", "ovs-options") or bond.source, bond.name)
    return Hit(
        subject,
        f"{what} runs different bond modes across nodes ({shown}): the switch ports must be set up per "
        "node, and a guest that migrates meets a different failover and load-balancing behaviour",
        evidence,
        None,
        tuple(ctx.iface_ids(h.name, b.name)[0] for h, b, _ in found),
    )


def _bond_modes(ctx: AuditContext) -> Iterator[Hit]:
    by_name: dict[str, list[tuple[HostNet, Iface, str]]] = {}
    under: dict[str, list[tuple[HostNet, Iface, str]]] = {}
    for host in ctx.hosts:
        for iface in host.ifaces:
            mode = bond_mode(iface) if iface.is_bond else None
            if mode is None:
                continue
            by_name.setdefault(iface.name, []).append((host, iface, mode))
            for bridge in iface.uppers:
                up = host.iface(bridge)
                if up is not None and up.is_bridge:
                    under.setdefault(bridge, []).append((host, iface, mode))
    for name, found in sorted(by_name.items()):
        if (hit := _modes_differ(ctx, name, found, f"bond {name}")) is not None:
            yield hit
    for bridge, found in sorted(under.items()):
        # Bonds of one name are compared above; here the bonds under one bridge that are named differently.
        if len({b.name for _, b, _ in found}) < 2:
            continue
        if (hit := _modes_differ(ctx, bridge, found, f"the bond under {bridge}")) is not None:
            yield hit


BRIDGE_MISSING_ON_NODE = Check(
    "bridge-missing-on-node",
    Severity.MEDIUM,
    "cluster",
    "A bridge, VNet or VLAN used by guests is missing on some nodes",
    "Migration and HA recovery plug a guest's NIC into the bridge (or VNet) of the same name on the "
    "target node, with the same VLAN tag. Where the bridge is missing the migration fails; where it "
    "cannot carry the tag (a VLAN-aware bridge whose bridge-vids exclude it, a VLAN-unaware bridge with "
    "no physical port for Proxmox's vmbrXvY) the guest starts without its network. A VNet counts only on "
    "its zone's nodes (and on the nodes its guests run on).",
    "Create the bridge (or apply the SDN configuration) on every node the guests may run on, with the "
    "VLANs in bridge-vids; or restrict the guests to the nodes that have it (HA groups).",
    _bridge_missing,
)
BRIDGE_VLAN_AWARENESS_DIFFERS = Check(
    "bridge-vlan-awareness-differs",
    Severity.LOW,
    "cluster",
    "A bridge is VLAN-aware on some nodes and not on others",
    "Proxmox handles a guest's VLAN tag on a VLAN-aware bridge by tagging the guest port, and on a "
    "VLAN-unaware one by building a separate vmbrXvY bridge on a VLAN of the physical port; trunks work on "
    "VLAN-aware bridges only. The same bridge name with different awareness makes a guest's network "
    "depend on the node it runs on. Open vSwitch bridges count as VLAN-aware.",
    "Make the bridge VLAN-aware (bridge-vlan-aware yes, with bridge-vids) on every node, or on none.",
    _awareness,
)
BOND_MODE_DIFFERS_ACROSS_NODES = Check(
    "bond-mode-differs-across-nodes",
    Severity.LOW,
    "cluster",
    "The same bond runs different modes on different nodes",
    "Nodes of a cluster are meant to be interchangeable: the same bond (by name, or the bond under the "
    "same bridge) with another mode needs another switch configuration per node (LACP or not) and "
    "behaves differently on failure, which is rarely intended. A Linux bond without bond-mode is "
    "balance-rr, an OVS bond without bond_mode active-backup.",
    "Use one bond mode for the bond on every node (and the matching switch port configuration).",
    _bond_modes,
)

CHECKS = (BRIDGE_MISSING_ON_NODE, BRIDGE_VLAN_AWARENESS_DIFFERS, BOND_MODE_DIFFERS_ACROSS_NODES)
