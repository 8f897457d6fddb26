"""Hygiene checks: pending changes, unused NICs, state differing from configuration, informational facts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from netdoc.audit.context import AuditContext, ev, iface_evidence
from netdoc.audit.finding import Check, Hit, Severity
from netdoc.audit.netfacts import is_nic
from netdoc.model.base import SourceRef
from netdoc.model.interfaces import Interface, InterfaceKind
from netdoc.model.net import Evidence, HostNet, Iface
from netdoc.topology.ids import nic_id, storage_id


def _used(host: HostNet, iface: Iface) -> bool:
    if iface.uppers or iface.upper_runtime or iface.all_addresses:
        return True
    return any(other.parent == iface.name for other in host.ifaces)


def _nic_unused(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        for iface in host.ifaces:
            if not iface.is_physical or _used(host, iface):
                continue
            state = {True: "up", False: "down", None: "state unknown"}[iface.up]
            yield Hit(
                f"{host.name}/{iface.name}",
                f"{host.name}: NIC {iface.name} is in no bridge or bond and has no address ({state})",
                iface_evidence(iface),
                host.name,
                ctx.iface_ids(host.name, iface.name),
            )


def _firewall_off(ctx: AuditContext) -> Iterator[Hit]:
    for att in ctx.cluster.attachments:
        if att.nic.firewall:
            continue
        how = "firewall=0" if att.nic.firewall is False else "no firewall option (off by default)"
        yield Hit(
            f"{att.vmid}/{att.nic.key}",
            f"{att.label} on {att.node}: the Proxmox firewall is off for this NIC ({how})",
            ev(att.node, att.nic.source, att.nic.key),
            att.node,
            (nic_id(ctx.name, att.vmid, att.nic.key),),
        )


def _storage_shared(ctx: AuditContext) -> Iterator[Hit]:
    by_storage: dict[str, list[str]] = {}
    sources = {}
    for path in ctx.cluster.storage_paths:
        if path.egress is not None and path.egress.via == "default":
            by_storage.setdefault(path.storage, []).append(f"{path.node} via {path.egress.iface}")
            sources[path.storage] = path.source
    for storage, routes in sorted(by_storage.items()):
        yield Hit(
            f"storage/{storage}",
            f"storage {storage} is reached through the default gateway ({', '.join(sorted(set(routes)))}):"
            " its traffic shares the uplink of everything else the default route carries",
            ev(None, sources[storage], storage),
            None,
            (storage_id(ctx.name, storage),),
        )


NIC_UNUSED = Check(
    "nic-unused",
    Severity.LOW,
    "hygiene",
    "A physical NIC is unused",
    "A NIC in no bridge or bond and without address carries nothing: a spare, a forgotten cable, or a "
    "bond member that was meant to be there.",
    "Add it where it was meant to go (a second bond member is redundancy), or document it as a spare "
    "with a waiver.",
    _nic_unused,
)
GUEST_FIREWALL_OFF = Check(
    "guest-firewall-off",
    Severity.INFO,
    "hygiene",
    "A guest NIC has the Proxmox firewall off (informational)",
    "Informational: with firewall off, the node's firewall rules (datacenter, node, guest) do not apply "
    "to this NIC; often on purpose (a router VM, a container with its own filtering).",
    "Nothing if intended; otherwise set firewall=1 on the NIC and define the guest's rules.",
    _firewall_off,
)
STORAGE_NO_DEDICATED_NETWORK = Check(
    "storage-no-dedicated-network",
    Severity.INFO,
    "hygiene",
    "A network storage has no dedicated network (informational)",
    "Informational: the storage server is on no subnet of the node, so its traffic is routed through the "
    "default gateway and competes with management and guest traffic on that uplink.",
    "Consider a storage VLAN or NIC with an address in the storage server's subnet.",
    _storage_shared,
)


# ------------------------------------------------------------------------------------ pending changes


def _signature(iface: Interface) -> tuple[object, ...]:
    """What an apply would change about an interface (lines and their order in the file aside)."""
    return (
        iface.kind,
        iface.autostart,
        iface.method,
        iface.method6,
        tuple(sorted((o.name, o.value) for o in iface.options)),
        tuple(c.text for c in iface.comments),
    )


def _changed_options(old: Interface, new: Interface) -> list[str]:
    """The option names (and auto, method, comment) an apply would change."""
    before = {(o.name, o.value) for o in old.options}
    after = {(o.name, o.value) for o in new.options}
    names = sorted({n for n, _ in before ^ after})
    if (old.method, old.method6) != (new.method, new.method6):
        names.insert(0, "method")
    if old.autostart != new.autostart:
        names.insert(0, "auto")
    if [c.text for c in old.comments] != [c.text for c in new.comments]:
        names.append("comment")
    return names or ["kind"]


def _api_pending(ctx: AuditContext, host: HostNet) -> Iterator[Hit]:
    """Without the file (an API-only collection), the API's `changes` diff says the same."""
    diff = host.sources.api_changes
    if not diff or not diff.strip():
        return
    added = sum(1 for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in diff.splitlines() if line.startswith("-") and not line.startswith("---"))
    yield Hit(
        f"{host.name}/interfaces.new",
        f"{host.name}: the API reports network changes that are not applied ({added} line(s) added, "
        f"{removed} removed in interfaces.new). They take effect at the next `ifreload -a` (Apply "
        "Configuration) or reboot, unreviewed",
        ev(host.name, SourceRef(f"api:/nodes/{host.name}/network", 1), "changes"),
        host.name,
        ctx.node_ids(host.name),
    )


def _pending(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        pending = host.sources.pending_interfaces
        if pending is None:
            yield from _api_pending(ctx, host)
            continue
        current = host.sources.interfaces
        now = {i.name: i for i in (current.interfaces if current is not None else ())}
        new = {i.name: i for i in pending.interfaces}
        changed = [n for n in sorted(set(now) & set(new)) if _signature(now[n]) != _signature(new[n])]
        changes = [f"{n} added" for n in sorted(set(new) - set(now))]
        changes += [f"{n} removed" for n in sorted(set(now) - set(new))]
        changes += [f"{n} changed ({', '.join(_changed_options(now[n], new[n]))})" for n in changed]
        what = "; ".join(changes) if changes else "no interface differs from the running file (a leftover)"
        first = pending.interfaces[0].source if pending.interfaces else None
        touched = sorted(set(now) ^ set(new) | set(changed))
        yield Hit(
            f"{host.name}/interfaces.new",
            f"{host.name}: /etc/network/interfaces.new holds network changes that are not applied: {what}. "
            "They take effect at the next `ifreload -a` (Apply Configuration) or reboot, unreviewed",
            ev(host.name, first, "interfaces.new"),
            host.name,
            ctx.node_ids(host.name) + ctx.iface_ids(host.name, *touched),
        )


# ------------------------------------------------------------------------------------ configured vs running

# Kinds that are no kernel device of their own: an OVS bond lives in ovs-vswitchd, an alias label
# is an address on its base interface.
_NOT_DEVICES = frozenset({InterfaceKind.OVS_BOND, InterfaceKind.ALIAS, InterfaceKind.LOOPBACK})
# Kinds whose carrier is their own cable: down without carrier is a fault. A bridge or VLAN without
# carrier only reflects its ports (an empty NAT bridge has none, and is fine).
_CARRIER_KINDS = frozenset({InterfaceKind.PHYSICAL, InterfaceKind.BOND, InterfaceKind.OVS_BOND})


def _explained_elsewhere(host: HostNet, iface: Iface) -> bool:
    """A member of a bond some runtime source reports on (the bond checks judge its members' state),
    or an OVS interface with an error (the bridges checks report it)."""
    if iface.ovs_interface is not None and iface.ovs_interface.error:
        return True
    for name in (*iface.uppers, iface.upper_runtime):
        bond = host.iface(name)
        if bond is None or not bond.is_bond:
            continue
        if bond.bond is not None or bond.ovs_port is not None or (bond.link is not None and bond.link.bond):
            return True
    return False


def _not_running(host: HostNet, iface: Iface) -> tuple[str, tuple[Evidence, ...]] | None:
    """Why a runtime source says the interface is not running (None: running, or nothing says)."""
    link = iface.link
    if link is not None:
        ref = ev(host.name, link.source, "ip link")
        if not link.admin_up:
            return "administratively down (ip link)", ref
        if (iface.kind in _CARRIER_KINDS or is_nic(iface)) and not link.lower_up:
            return "up but without carrier: no link (ip link)", ref
        return None
    if host.has_runtime and iface.kind not in _NOT_DEVICES:
        return "absent: no such device at run time (ip link)", ()
    if iface.bond is not None and iface.bond.mii_status == "down":
        return "down (MII status down in /proc/net/bonding)", ev(host.name, iface.bond.source, "MII status")
    ovs = iface.ovs_interface
    if ovs is not None and ovs.link_state == "down" and is_nic(iface):
        return "down (Open vSwitch link_state down)", ev(host.name, ovs.source, "link_state")
    if iface.kind is InterfaceKind.OVS_BOND and iface.ovs_port is not None and iface.ovs_port.interfaces:
        states = [i.link_state for i in iface.ovs_port.interfaces]
        if states and all(st == "down" for st in states):
            return "down (every member's Open vSwitch link_state is down)", ev(
                host.name, iface.ovs_port.source, "bond"
            )
    api = iface.api
    if api is not None and not api.active and host.sources.interfaces is not None:
        return "not active (the API's /nodes/{node}/network)", ev(host.name, api.source, "active")
    return None


def _configured_not_running(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        for iface in host.ifaces:
            cfg = iface.config
            if cfg is None or not cfg.autostart or _explained_elsewhere(host, iface):
                continue
            found = _not_running(host, iface)
            if found is None:
                continue
            why, evidence = found
            yield Hit(
                f"{host.name}/{iface.name}",
                f"{host.name}: {iface.name} is configured to start at boot (auto) but is {why}: what depends "
                "on it (addresses, bridge ports, bond members) is not there",
                iface_evidence(iface, "auto") + evidence,
                host.name,
                ctx.iface_ids(host.name, iface.name),
            )


def _named_in_config(host: HostNet, name: str) -> bool:
    cfg = host.sources.interfaces
    if cfg is None:
        return False
    for iface in cfg.interfaces:
        if iface.name == name or name in iface.members or iface.master == name:
            return True
        if name in (iface.parent, iface.vlan_raw_device, iface.peer):
            return True
        if any(
            name in o.value.split() for o in iface.options if o.name in ("vxlan-physdev", "macvlan-physdev")
        ):
            return True
    return False


def _proxmox_made(ctx: AuditContext, host: HostNet, iface: Iface) -> bool:
    """Bridges Proxmox creates itself: vmbrXvY for a tag on a VLAN-unaware bridge, SDN VNet bridges."""
    if ctx.cluster.vnet(iface.name) is not None:
        return True
    m = re.match(r"^(.+)v(\d+)$", iface.name)
    return m is not None and (base := host.iface(m.group(1))) is not None and base.configured


def _running_not_configured(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        if not host.has_runtime or host.sources.interfaces is None:
            continue  # absence from the configuration means something only when it was read
        for iface in host.ifaces:
            link = iface.link
            if iface.configured or link is None or _named_in_config(host, iface.name):
                continue
            if is_nic(iface):
                if not link.lower_up:
                    continue  # an unused, unplugged NIC is nic-unused's matter
                what = f"physical NIC {iface.name} has a link at run time"
            elif iface.is_bridge or iface.is_bond:
                if _proxmox_made(ctx, host, iface):
                    continue
                if iface.is_bond and not link.admin_up and not iface.lower_runtime:
                    continue  # bond0 the bonding module creates by itself (max_bonds), never used
                members = f" with {', '.join(iface.lower_runtime)}" if iface.lower_runtime else ""
                what = f"{iface.kind.value.replace('_', ' ')} {iface.name} exists at run time{members}"
            else:
                continue
            yield Hit(
                f"{host.name}/{iface.name}",
                f"{host.name}: {what} but appears nowhere in /etc/network/interfaces: it was set up by hand "
                "(or by another tool) and is gone after the next reboot or ifreload, or differs from what "
                "the documentation of this node says",
                ev(host.name, link.source, "ip link"),
                host.name,
                ctx.iface_ids(host.name, iface.name),
            )


PENDING_NETWORK_CHANGES = Check(
    "pending-network-changes",
    Severity.LOW,
    "hygiene",
    "Network changes are pending (interfaces.new not applied)",
    "Proxmox writes edits made in the GUI or API to /etc/network/interfaces.new and applies them only on "
    "`ifreload -a` (Apply Configuration) or at the next boot. Until then the running network differs from "
    "what the GUI shows, and a reboot applies changes nobody reviewed. Only the file counts: the API's "
    "`changes` diff is not kept by the loader yet.",
    "Review the pending changes (the GUI's network page shows the diff), then apply them or revert them "
    "(delete interfaces.new).",
    _pending,
)
IFACE_CONFIGURED_NOT_RUNNING = Check(
    "iface-configured-not-running",
    Severity.MEDIUM,
    "hygiene",
    "An interface configured to start is absent or down",
    "An interface with `auto` (or allow-hotplug/allow-ovs) should exist and be up. A runtime source says it "
    "is not: absent from `ip -j link`, administratively down, a NIC or bond without carrier, down in "
    "/proc/net/bonding or Open vSwitch, or not active in the API. Interfaces without auto, guest ports, "
    "and bond slaves or OVS members whose state the bond and OVS checks report are left out.",
    "Find out why it did not come up (`ifreload -a` output, journalctl -u networking, the cable), or "
    "remove `auto` if it is not meant to run.",
    _configured_not_running,
)
IFACE_RUNNING_NOT_CONFIGURED = Check(
    "iface-running-not-configured",
    Severity.LOW,
    "hygiene",
    "An interface runs that the configuration does not know",
    "With `ip -j link` read: a physical NIC with a link, or a bridge or bond that exists, but named "
    "nowhere in /etc/network/interfaces, was set up by hand or by another tool; it disappears at the next "
    "reboot or ifreload. Bridges Proxmox makes itself (vmbrXvY, SDN VNets) and the bond0 the bonding "
    "module creates unasked (down, no slaves) are left out.",
    "Add it to /etc/network/interfaces if it is meant to stay, or remove it.",
    _running_not_configured,
)

CHECKS = (
    NIC_UNUSED,
    GUEST_FIREWALL_OFF,
    STORAGE_NO_DEDICATED_NETWORK,
    PENDING_NETWORK_CHANGES,
    IFACE_CONFIGURED_NOT_RUNNING,
    IFACE_RUNNING_NOT_CONFIGURED,
)
