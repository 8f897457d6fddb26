"""Hygiene checks: pending changes, unused NICs, state differing from configuration, informational facts."""

from __future__ import annotations

from collections.abc import Iterator

from netdoc.audit.context import AuditContext, ev, iface_evidence
from netdoc.audit.finding import Check, Hit, Severity
from netdoc.model.net import HostNet, Iface
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

CHECKS = (NIC_UNUSED, GUEST_FIREWALL_OFF, STORAGE_NO_DEDICATED_NETWORK)
