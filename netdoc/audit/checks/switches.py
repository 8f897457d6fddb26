"""Bonds and the switches LLDP shows them cabled to: one switch, or two without a stated MLAG."""

from __future__ import annotations

import re
from collections.abc import Iterator

from netdoc.audit.context import AuditContext, ev, iface_evidence
from netdoc.audit.finding import Check, Hit, Severity
from netdoc.audit.netfacts import aggregates, bond_mode, comment_text, is_nic
from netdoc.model.lldp import LldpNeighbor
from netdoc.model.net import HostNet, Iface
from netdoc.topology.ids import switch_id

# ------------------------------------------------------------------------------------ switch redundancy

# What states that two switches act as one for a bond (MLAG), or that one chassis is several units.
_MLAG_WORDS = re.compile(r"\b(mlag|mc-?lag|vpc|vsx|vlt|clag|irf|stack(?:ed)?|virtual[- ]chassis|vss)\b")


def _switch_of(nb: LldpNeighbor) -> str:
    return nb.chassis_id or nb.chassis_name or "?"


def _switch_name(nb: LldpNeighbor) -> str:
    return nb.chassis_name or nb.chassis_id or "?"


# unit/slot/port: GigabitEthernet2/0/1 (Comware IRF, Cisco StackWise), ge-1/0/1 (Juniper Virtual
# Chassis), ethernet1/1/1 (Dell OS10). Two-part names (Arista Ethernet1/1, NX-OS Ethernet1/1) carry
# no unit: their first number is a port or a module of one chassis.
_UNIT_PORT = re.compile(r"(\d+)/\d+/\d+")


def _stack_unit(nb: LldpNeighbor) -> str | None:
    """The stack member a switch port is on, from a three-part port name (None: the name has none)."""
    for name in (nb.port_id, nb.port_descr):
        m = _UNIT_PORT.search(name or "")
        if m:
            return m.group(1)
    return None


def _lacp_partners(iface: Iface) -> set[str]:
    """The LACP partner system MACs the bond's slaves hear (one: the switches act as one system)."""
    if iface.bond is None:
        return set()
    macs = set()
    for slave in iface.bond.slaves:
        pdu = slave.partner_lacp_pdu
        if pdu is not None and pdu.system_mac and pdu.system_mac != "00:00:00:00:00:00":
            macs.add(pdu.system_mac.lower())
    return macs


def _bond_switches(ctx: AuditContext) -> Iterator[Hit]:
    node_names = {h.name for h in ctx.hosts}
    for host in ctx.hosts:
        for bond in host.ifaces:
            if not bond.is_bond:
                continue
            members = [m for m in bond.lower if (i := host.iface(m)) is not None and is_nic(i)]
            if len(members) < 2:
                continue  # fewer than two members: the bonds checks' matter
            seen: dict[str, LldpNeighbor] = {}
            for member in members:
                iface = host.iface(member)
                assert iface is not None
                switches = [nb for nb in iface.lldp if _switch_name(nb).split(".", 1)[0] not in node_names]
                if iface.lldp and not switches:
                    break  # cabled to another node: a mesh, not a switch uplink
                if not switches:
                    break  # a member without LLDP: which switch it reaches is unknown
                seen[member] = switches[0]
            else:
                yield from _judge(ctx, host, bond, seen)


def _judge(ctx: AuditContext, host: HostNet, bond: Iface, seen: dict[str, LldpNeighbor]) -> Iterator[Hit]:
    chassis = {_switch_of(nb) for nb in seen.values()}
    ports = ", ".join(
        f"{m} -> {_switch_name(nb)} {nb.port_id or nb.port_descr or '?'}" for m, nb in seen.items()
    )
    bridges = [host.iface(u) for u in bond.uppers]
    said = comment_text(bond, *bridges, *(host.iface(m) for m in seen))
    stated = _MLAG_WORDS.search(said)
    evidence = iface_evidence(bond, bond.name) + tuple(
        e for m, nb in seen.items() for e in ev(host.name, nb.source, f"LLDP on {m}")
    )
    ids = ctx.iface_ids(host.name, bond.name, *seen) + tuple(
        dict.fromkeys(switch_id(_switch_name(nb)) for nb in seen.values())
    )
    mode = bond_mode(bond)
    if len(chassis) == 1:
        if stated:
            return  # one chassis id of a stack or virtual chassis, as the comment says
        units = {_stack_unit(nb) for nb in seen.values()}
        if None not in units and len(units) > 1:
            return  # ports on different members of a stack (IRF, StackWise, Virtual Chassis)
        name = _switch_name(next(iter(seen.values())))
        yield Hit(
            f"{host.name}/{bond.name}",
            f"{host.name}: every member of {bond.name} is cabled to the same switch {name} ({ports}; one "
            "chassis, and no second stack unit in the port names): the switch is a single point of failure "
            "for the bond. If it is a stack or an MLAG pair announcing one chassis, say so in the bond's "
            'comment ("stack", "MLAG")',
            evidence,
            host.name,
            ids,
        )
        return
    if not aggregates(mode) or stated:
        return  # active-backup and friends need nothing from the switches; or MLAG is stated
    partners = _lacp_partners(bond)
    if len(partners) == 1:
        return  # every slave hears one LACP system: the two switches act as one (MLAG) at run time
    names = ", ".join(sorted({_switch_name(nb) for nb in seen.values()}))
    yield Hit(
        f"{host.name}/{bond.name}",
        f"{host.name}: {bond.name} ({mode}) has its members on different switches ({ports}) and nothing "
        f"states that {names} form an MLAG pair: without MLAG the switches do not bundle the links, so "
        "only the ports on one switch carry traffic (or the bond flaps). State it in the bond's comment "
        '("MLAG", "vPC") or use active-backup',
        evidence,
        host.name,
        ids,
    )


BOND_SWITCH_REDUNDANCY = Check(
    "bond-switch-redundancy",
    Severity.MEDIUM,
    "hygiene",
    "A bond's members are on one switch, or on two switches without a stated MLAG",
    "With LLDP on every member: all members on one switch (one LLDP chassis id) make the switch a single "
    "point of failure. A stack or virtual chassis shows one chassis id too: it counts as a stack when the "
    "members' switch ports are on different stack units (the first number of a three-part port name: "
    "GigabitEthernet1/0/1 and GigabitEthernet2/0/1, ge-0/0/1 and ge-1/0/1), or when a comment of the bond, "
    "its bridge or its NICs says so (stack, virtual chassis, IRF, VSS, MLAG). "
    "Members on two switches are fine for modes that need nothing from the switch (active-backup, "
    "balance-tlb/alb); an aggregating mode (802.3ad, balance-rr/xor, OVS balance-tcp or LACP) needs the "
    "switches to act as one, which counts as stated by such a comment (MLAG, MC-LAG, vPC, VSX, VLT, CLAG) or "
    "by every slave hearing the same LACP partner system at run time. Members without LLDP, or cabled to "
    "other nodes (a mesh), are not judged.",
    "Spread the members over two switches that form an MLAG pair (or a stack), or use active-backup; "
    "then state it in the bond's comment.",
    _bond_switches,
)

CHECKS = (BOND_SWITCH_REDUNDANCY,)
