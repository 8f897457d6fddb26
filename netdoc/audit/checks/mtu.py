"""Checks on MTUs: an interface or guest NIC larger than what carries it, the same network with
different MTUs on different nodes.

MTUs come from audit/checks/mtupath.py: configured first, runtime where nothing is configured, and
what the kernel or Open vSwitch derive by themselves otherwise (a bond slave has its bond's MTU, an
unconfigured bridge its smallest port's). A frame larger than the MTU of the device below is
dropped there without an error to the sender: small packets (ping, SSH prompts) pass, full-size
ones (storage, migration, TLS) stall.
"""

from __future__ import annotations

from collections.abc import Iterator

from netdoc.audit.checks.mtupath import UNDERLAY, Mtu, carriers, effective_mtu, vxlan_overhead
from netdoc.audit.context import AuditContext, ev
from netdoc.audit.finding import Check, Hit, Severity
from netdoc.model.net import Evidence, Iface
from netdoc.topology.ids import nic_id, storage_id


def _exceeds_lower(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        for iface in host.ifaces:
            mine = effective_mtu(host, iface)
            if mine is None or not mine.known:
                continue  # a derived MTU follows what is below it: it cannot be larger
            smaller: list[tuple[Iface, str, Mtu, int]] = []
            for lower, relation in carriers(host, iface):
                extra = vxlan_overhead(iface) if relation == UNDERLAY else 0
                theirs = effective_mtu(host, lower)
                if theirs is not None and theirs.value < mine.value + extra:
                    smaller.append((lower, relation, theirs, extra))
            if not smaller:
                continue
            shown = ", ".join(
                f"{relation} {lower.name} has {m}" + (f" and VXLAN adds {extra} bytes" if extra else "")
                for lower, relation, m, extra in smaller
            )
            yield Hit(
                f"{host.name}/{iface.name}",
                f"{host.name}: {iface.name} has MTU {mine} but its {shown}: frames larger than"
                f" {min(m.value - extra for _, _, m, extra in smaller)} bytes are dropped on the way down",
                mine.evidence + tuple(e for _, _, m, _ in smaller for e in m.evidence),
                host.name,
                ctx.iface_ids(host.name, iface.name, *[lower.name for lower, _, _, _ in smaller]),
            )


def _guest_exceeds_bridge(ctx: AuditContext) -> Iterator[Hit]:
    for att in ctx.cluster.attachments:
        host = ctx.cluster.host(att.node)
        wanted = att.nic.mtu
        bridge = host.iface(att.port_bridge) if host is not None else None
        if host is None or bridge is None or wanted is None or wanted == 1:
            continue  # mtu=1: "the bridge's MTU", so never larger
        theirs = effective_mtu(host, bridge)
        if theirs is None or wanted <= theirs.value:
            continue
        yield Hit(
            f"{att.vmid}/{att.nic.key}",
            f"{att.label} on {att.node}: the NIC's MTU {wanted} is larger than its bridge {bridge.name}'s"
            f" {theirs}: the guest's full-size frames are dropped",
            ev(att.node, att.nic.source, att.nic.key) + theirs.evidence,
            att.node,
            (nic_id(ctx.name, att.vmid, att.nic.key), *ctx.iface_ids(host.name, bridge.name)),
        )


def _differ(found: dict[str, tuple[Iface, Mtu]]) -> bool:
    return len({m.value for _, m in found.values()}) > 1


def _shown(found: dict[str, tuple[Iface, Mtu]], with_iface: bool) -> str:
    return ", ".join(
        f"{m.value} on {node}{f' ({i.name})' if with_iface else ''}{'' if m.known else f' ({m.how})'}"
        for node, (i, m) in sorted(found.items())
    )


def _evidence(found: dict[str, tuple[Iface, Mtu]]) -> tuple[Evidence, ...]:
    return tuple(e for _, (_, m) in sorted(found.items()) for e in m.evidence)


def _bridges_differ(ctx: AuditContext) -> Iterator[Hit]:
    by_name: dict[str, dict[str, tuple[Iface, Mtu]]] = {}
    for host in ctx.hosts:
        for iface in host.ifaces:
            if iface.is_bridge and (mtu := effective_mtu(host, iface)) is not None:
                by_name.setdefault(iface.name, {})[host.name] = (iface, mtu)
    for name, found in sorted(by_name.items()):
        if not _differ(found):
            continue
        yield Hit(
            name,
            f"bridge {name} has different MTUs across the nodes ({_shown(found, False)}): a guest that"
            " migrates keeps its MTU and loses its full-size frames on the smaller side",
            _evidence(found),
            None,
            tuple(i for node in sorted(found) for i in ctx.iface_ids(node, name)),
        )


def _storage_differs(ctx: AuditContext) -> Iterator[Hit]:
    by_storage: dict[str, dict[str, tuple[Iface, Mtu]]] = {}
    for path in ctx.cluster.storage_paths:
        host = ctx.cluster.host(path.node)
        iface = host.iface(path.egress.iface) if host is not None and path.egress is not None else None
        if host is None or iface is None or (mtu := effective_mtu(host, iface)) is None:
            continue
        by_storage.setdefault(path.storage, {}).setdefault(path.node, (iface, mtu))
    for storage, found in sorted(by_storage.items()):
        if not _differ(found):
            continue
        yield Hit(
            f"storage/{storage}",
            f"storage {storage} is reached with different MTUs ({_shown(found, True)}): the server answers"
            " with one MTU, so the nodes on the other one stall on full-size frames (or lose the jumbo"
            " frames they were meant to have)",
            _evidence(found),
            None,
            (
                storage_id(ctx.name, storage),
                *[i for n, (f, _) in sorted(found.items()) for i in ctx.iface_ids(n, f.name)],
            ),
        )


def _exceeds(ctx: AuditContext) -> Iterator[Hit]:
    yield from _exceeds_lower(ctx)
    yield from _guest_exceeds_bridge(ctx)


def _differs(ctx: AuditContext) -> Iterator[Hit]:
    yield from _bridges_differ(ctx)
    yield from _storage_differs(ctx)


MTU_EXCEEDS_LOWER = Check(
    "mtu-exceeds-lower",
    Severity.HIGH,
    "mtu",
    "An MTU is larger than the path below it",
    "A bridge, VLAN, bond (or guest NIC) whose MTU is larger than that of the port, slave, raw device "
    "(or bridge) carrying it sends frames the device below drops silently: small packets pass, "
    "full-size ones (storage, migration, backups) stall. A VXLAN device needs its underlay 50 bytes "
    "larger (70 over IPv6) for the encapsulation.",
    "Raise the MTU along the whole path (NICs, bond, bridge, VLAN; for OVS the bond's ovs_mtu too) and "
    "on the switch ports, or lower the upper interface's MTU to the path's.",
    _exceeds,
)
MTU_DIFFERS_ACROSS_NODES = Check(
    "mtu-differs-across-nodes",
    Severity.MEDIUM,
    "mtu",
    "The same network has different MTUs on different nodes",
    "A bridge of one name, or the interfaces that reach one storage endpoint, with different MTUs on "
    "different nodes: a migrated guest keeps its MTU and meets a smaller bridge, and a storage server "
    "talks to some nodes with frames the others drop or never get.",
    "Give the bridge (and the path below it) one MTU on every node, the same as the switch and the "
    "storage server use.",
    _differs,
)

CHECKS = (MTU_EXCEEDS_LOWER, MTU_DIFFERS_ACROSS_NODES)
