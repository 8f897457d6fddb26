"""Checks on bridges and Open vSwitch: loops, NICs claimed twice, VLANs not allowed, OVS errors."""

from __future__ import annotations

from collections.abc import Iterator

from netdoc.audit.checks.bridgeports import (
    format_vids,
    is_linux_bridge,
    linux_port_vids,
    nics,
    ovs_port_vids,
    ports,
    stp_on,
    uplinks,
    vlan_aware,
)
from netdoc.audit.context import AuditContext, ev, iface_evidence
from netdoc.audit.finding import Check, Hit, Severity
from netdoc.model.base import SourceRef
from netdoc.model.interfaces import InterfaceKind
from netdoc.model.net import Evidence, HostNet, Iface
from netdoc.model.netcluster import Attachment
from netdoc.topology.ids import nic_id

DEAD_VLAN = 4095  # OVS drops every frame of a port with this tag (OVN parks unbound ports in it)


def _claims(host: HostNet, iface: Iface) -> list[str]:
    """Every configured bridge or bond listing this interface as its port or slave."""
    return [u for u in iface.uppers if (up := host.iface(u)) is not None and (up.is_bridge or up.is_bond)]


def claimed_twice(host: HostNet) -> dict[str, list[str]]:
    """NIC -> the two (or more) bridges and bonds that claim it."""
    return {i.name: c for i in host.ifaces if i.is_physical and len(c := _claims(host, i)) > 1}


def _nic_claimed_twice(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        for name, claimants in sorted(claimed_twice(host).items()):
            iface = host.iface(name)
            assert iface is not None
            kinds = []
            evidence = iface_evidence(iface, "the NIC")
            for c in claimants:
                up = host.iface(c)
                assert up is not None
                kinds.append(f"{c} ({up.kind.value.replace('_', ' ')})")
                evidence += iface_evidence(up, f"{c} lists {name}")
            detail = ""
            ovs = iface.ovs_interface
            if ovs is not None and ovs.error:
                detail = f"; at run time Open vSwitch refused it: {ovs.error}"
                evidence += ev(host.name, ovs.source, "OVS error")
            yield Hit(
                f"{host.name}/{name}",
                f"{host.name}: {name} is claimed by {' and '.join(kinds)}: a NIC can be a port of one "
                f"bridge or bond only{detail}",
                evidence,
                host.name,
                ctx.iface_ids(host.name, name, *claimants),
            )


def _ovs_interface_error(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        explained = set(claimed_twice(host))
        for iface in host.ifaces:
            ovs = iface.ovs_interface
            if ovs is None or not ovs.error or iface.name in explained:
                continue  # a NIC claimed twice: that finding explains its error
            yield Hit(
                f"{host.name}/{iface.name}",
                f"{host.name}: Open vSwitch reports an error on {iface.name}: {ovs.error}",
                ev(host.name, ovs.source, "OVS error") + iface_evidence(iface),
                host.name,
                ctx.iface_ids(host.name, iface.name),
            )


def _independent_uplinks(host: HostNet, bridge: Iface) -> list[tuple[str, tuple[str, ...]]]:
    """The bridge's ports that reach the network over NICs no other such port uses: (port, its NICs)."""
    taken: set[str] = set()
    out = []
    for port in ports(host, bridge):
        under = nics(host, port)
        if under and not taken.intersection(under):
            taken.update(under)
            out.append((port.name, under))
    return out


def _stp_loop_risk(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        for bridge in host.ifaces:
            if not is_linux_bridge(bridge):
                continue
            found = _independent_uplinks(host, bridge)
            on, how = stp_on(bridge)
            if len(found) < 2 or on:
                continue  # one uplink (or only guests) cannot loop through this bridge
            shown = ", ".join(p if under == (p,) else f"{p} ({'+'.join(under)})" for p, under in found)
            yield Hit(
                f"{host.name}/{bridge.name}",
                f"{host.name}: {bridge.name} bridges {len(found)} independent uplinks ({shown}) with STP off"
                f" ({how}): if they reach the same network, every broadcast loops between them",
                iface_evidence(bridge, f"ports of {bridge.name}")
                + ev(host.name, bridge.link.source if bridge.link else None, "stp_state at run time"),
                host.name,
                ctx.iface_ids(host.name, bridge.name, *[p for p, _ in found]),
            )


def _bridge_vids(host: HostNet, bridge: Iface) -> tuple[frozenset[int], str, tuple[Evidence, ...]] | None:
    """The VLANs the bridge lets off the node (the union over its uplinks); None: no restriction to check.

    A VLAN-unaware Linux bridge restricts nothing: Proxmox gives a tagged NIC on it a bridge of its
    own (vmbr0v30 over a VLAN device of the bridge's port), so every tag is fine there.
    """
    linux = is_linux_bridge(bridge)
    if linux and not vlan_aware(bridge):
        return None
    if not linux and bridge.kind is not InterfaceKind.OVS_BRIDGE:
        return None
    allowed: set[int] = set()
    how: list[str] = []
    evidence: tuple[Evidence, ...] = ()
    for port in uplinks(host, bridge):
        vids, said, where = linux_port_vids(bridge, port) if linux else ovs_port_vids(port)
        if vids is None:
            return None  # an uplink trunking every VLAN
        allowed |= vids
        how.append(f"{port.name}: {said}")
        evidence += where
    if not how:
        return None  # no uplink: guests meet on this node only, nothing to leave by
    return frozenset(allowed), "; ".join(how), evidence


def _guest_vlans(ctx: AuditContext, att: Attachment) -> tuple[str | None, set[int], str]:
    """(the node's bridge that must carry the NIC's VLANs, those VLANs, what they are)."""
    vnet = ctx.cluster.vnet(att.vnet)
    if vnet is not None and vnet.bridge and vnet.zone_type in ("vlan", "qinq"):
        # VnetView.vlan is the VLAN on the underlay bridge: the VNet's tag, or a QinQ zone's service VLAN
        what = "VLAN" if vnet.zone_type == "vlan" else "service VLAN"
        return vnet.bridge, {vnet.vlan} if vnet.vlan is not None else set(), f"the {what} of VNet {vnet.id}"
    if att.bridge_kind not in ("linux", "ovs") or vnet is not None:
        return None, set(), ""
    vids = {v for r in att.nic.trunks for v in range(r.first, r.last + 1)}
    if att.vlan is not None:
        vids.add(att.vlan)
    return att.port_bridge, vids, "its tag" if not att.nic.trunks else "its tag and trunks"


def _guest_vlan_not_allowed(ctx: AuditContext) -> Iterator[Hit]:
    for att in ctx.cluster.attachments:
        host = ctx.cluster.host(att.node)
        bridge_name, wanted, what = _guest_vlans(ctx, att)
        bridge = host.iface(bridge_name) if host is not None else None
        if host is None or bridge is None or not wanted:
            continue
        allowed = _bridge_vids(host, bridge)
        if allowed is None:
            continue
        vids, how, evidence = allowed
        missing = sorted(wanted - vids)
        if not missing:
            continue
        label = "VLAN" if len(missing) == 1 else "VLANs"
        yield Hit(
            f"{att.vmid}/{att.nic.key}",
            f"{att.label} on {att.node}: {label} {format_vids(missing)} ({what}) not allowed off"
            f" {bridge.name} ({how}): its frames never leave the node",
            ev(att.node, att.nic.source, att.nic.key) + evidence,
            att.node,
            (nic_id(ctx.name, att.vmid, att.nic.key), *ctx.iface_ids(host.name, bridge.name)),
        )


def _ovs_dead_vlan(ctx: AuditContext) -> Iterator[Hit]:
    guests: set[tuple[str | None, str | None]] = set()
    for att in ctx.cluster.attachments:
        if att.bridge_kind != "ovs" or DEAD_VLAN not in (att.nic.vlan_tag, att.runtime_tag):
            continue
        guests.add((att.node, att.host_port))
        yield Hit(
            f"{att.vmid}/{att.nic.key}",
            f"{att.label} on {att.node}: its OVS port {att.host_port} has tag {DEAD_VLAN}, the dead VLAN:"
            " Open vSwitch drops every frame to and from it",
            ev(att.node, att.nic.source, att.nic.key),
            att.node,
            (nic_id(ctx.name, att.vmid, att.nic.key),),
        )
    for host in ctx.hosts:
        for iface in host.ifaces:
            runtime = iface.ovs_port.tag if iface.ovs_port is not None else None
            configured = iface.config.ovs_tag if iface.config is not None else None
            if DEAD_VLAN not in (runtime, configured):
                continue
            yield Hit(
                f"{host.name}/{iface.name}",
                f"{host.name}: OVS port {iface.name} has tag {DEAD_VLAN}, the dead VLAN: Open vSwitch drops"
                " every frame to and from it",
                iface_evidence(iface)
                + ev(host.name, iface.ovs_port.source if iface.ovs_port else None, "tag"),
                host.name,
                ctx.iface_ids(host.name, iface.name),
            )
        for port in host.guest_ports:
            if port.ovs_tag == DEAD_VLAN and (host.name, port.name) not in guests:
                yield Hit(
                    f"{host.name}/{port.name}",
                    f"{host.name}: guest port {port.name} (guest {port.vmid}) has tag {DEAD_VLAN}, the dead"
                    " VLAN: Open vSwitch drops every frame to and from it",
                    ev(host.name, _ovs_port_source(host, port.name), f"OVS port {port.name}"),
                    host.name,
                    ctx.iface_ids(host.name, port.master) if port.master else ctx.node_ids(host.name),
                )


def _ovs_port_source(host: HostNet, name: str) -> SourceRef | None:
    ovs = host.sources.ovs
    for bridge in ovs.bridges if ovs is not None else ():
        port = bridge.port(name)
        if port is not None:
            return port.source
    return None


NIC_CLAIMED_TWICE = Check(
    "nic-claimed-twice",
    Severity.HIGH,
    "bridges",
    "A NIC is claimed by two bridges or bonds",
    "A NIC can be enslaved once: when a Linux bridge and an OVS bond (or two bridges) both list it, the "
    "first to come up takes it and the other runs without it, so its redundancy or uplink is not there.",
    "Remove the NIC from all but one bridge or bond (and give the other its own NIC).",
    _nic_claimed_twice,
)
OVS_INTERFACE_ERROR = Check(
    "ovs-interface-error",
    Severity.HIGH,
    "bridges",
    "Open vSwitch reports an interface error",
    "An OVS interface with an error (no such device, device busy) is not in the datapath: its port or "
    "bond carries no traffic over it.",
    "Read the error in `ovs-vsctl show`; fix the device (name, driver, a second owner) or remove the port.",
    _ovs_interface_error,
)

BRIDGE_STP_LOOP_RISK = Check(
    "bridge-stp-loop-risk",
    Severity.MEDIUM,
    "bridges",
    "A bridge joins several uplinks with STP off",
    "A Linux bridge with two or more independent uplinks (NICs, bonds, VLANs of different NICs) and STP "
    "off (Proxmox writes bridge-stp off) forwards between them: when they reach the same network, a "
    "broadcast circles for ever and takes the network down, unless the switch's own STP blocks a port.",
    "Bond the uplinks (one bond as the bridge port), give each its own bridge, or turn STP on "
    "(bridge-stp on) where the bridge is meant to join networks (an RSTP mesh).",
    _stp_loop_risk,
)
GUEST_VLAN_NOT_ALLOWED = Check(
    "guest-vlan-not-allowed",
    Severity.HIGH,
    "bridges",
    "A guest's VLAN is not allowed by its bridge",
    "A VLAN-aware bridge lets off the node only the VLANs of its uplink (bridge-vids, 2-4094 when not "
    "written; at run time `bridge vlan show`), an OVS bridge only those of its uplink's trunks: a guest "
    "NIC tagged with another VLAN talks to nobody outside the node.",
    "Add the VLAN to bridge-vids (or the uplink's OVS trunks) and to the switch port, or correct the "
    "NIC's tag.",
    _guest_vlan_not_allowed,
)
OVS_DEAD_VLAN = Check(
    "ovs-dead-vlan",
    Severity.HIGH,
    "bridges",
    "An OVS port is in the dead VLAN 4095",
    "Open vSwitch treats VLAN 4095 as the dead VLAN: a port tagged 4095 drops every frame (OVN parks "
    "unbound ports there on purpose); on a Proxmox bridge it is a port cut off from everything.",
    "Give the port its real VLAN tag (ovs_options tag=N, or the guest NIC's tag), or remove the port.",
    _ovs_dead_vlan,
)

CHECKS = (NIC_CLAIMED_TWICE, OVS_INTERFACE_ERROR, BRIDGE_STP_LOOP_RISK, GUEST_VLAN_NOT_ALLOWED, OVS_DEAD_VLAN)
