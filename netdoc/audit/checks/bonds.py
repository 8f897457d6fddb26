"""Checks on Linux and OVS bonds: slaves down or flapping, LACP not negotiated, split or churned, too few
slaves, the running mode not the configured one, slaves of different speeds.

Each check reads the bond states of audit/checks/bondstate.py (every runtime source merged per slave,
configuration beside it). Where one fault explains another, only the cause is reported: a slave that
is down is not also "without partner", "churned" or "flapping"; a bond that hears no LACP partner at
all is not also "split across aggregators" (with no partner every port sits in an aggregator of its
own).
"""

from __future__ import annotations

from collections.abc import Iterator

from netdoc.audit.checks.bondstate import LACP_MODE, BondState, SlaveState, bond_states
from netdoc.audit.context import AuditContext, iface_evidence, option_ref
from netdoc.audit.finding import Check, Hit, Severity
from netdoc.model.net import Evidence


def _states(ctx: AuditContext) -> Iterator[BondState]:
    for host in ctx.hosts:
        yield from bond_states(host)


def _what(bond: BondState) -> str:
    return "OVS bond" if bond.ovs else "bond"


def _member(bond: BondState) -> str:
    return "member" if bond.ovs else "slave"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _slave_hit(ctx: AuditContext, bond: BondState, slave: SlaveState, message: str) -> Hit:
    return Hit(
        f"{bond.subject}/{slave.name}",
        message,
        slave.evidence + iface_evidence(bond.iface, bond.name),
        bond.node,
        ctx.iface_ids(bond.node, bond.name, slave.name),
    )


def _bond_hit(ctx: AuditContext, bond: BondState, message: str, evidence: tuple[Evidence, ...] = ()) -> Hit:
    return Hit(
        bond.subject,
        message,
        evidence + iface_evidence(bond.iface, bond.name) + tuple(e for s in bond.slaves for e in s.evidence),
        bond.node,
        ctx.iface_ids(bond.node, bond.name, *[s.name for s in bond.slaves]),
    )


def _lacp_running(bond: BondState) -> bool:
    """LACP runs: a Linux bond in 802.3ad now (another running mode is bond-mode-mismatch's)."""
    if bond.ovs:
        return bond.lacp
    return bond.lacp and (bond.mode_runtime or bond.mode) == LACP_MODE


# ----------------------------------------------------------------------------------------- slaves


def _slave_down(ctx: AuditContext) -> Iterator[Hit]:
    for bond in _states(ctx):
        up = [s.name for s in bond.slaves if s.up]
        for slave in bond.slaves:
            if slave.up is not False:
                continue
            source = "link state" if bond.ovs else "MII status"
            left = (
                f"{bond.name} runs on {', '.join(up)} only ({len(up)} of {len(bond.slaves)})"
                if up
                else f"no {_member(bond)} of {bond.name} is up: the bond carries nothing"
            )
            counted = _plural(slave.link_failures or 0, "link reset" if bond.ovs else "link failure")
            flaps = f"; {counted} since boot" if slave.link_failures else ""
            yield _slave_hit(
                ctx,
                bond,
                slave,
                f"{bond.node}: {_member(bond)} {slave.name} of {_what(bond)} {bond.name} is {slave.mii}"
                f" ({source}){flaps}; {left}",
            )


def _link_failures(ctx: AuditContext) -> Iterator[Hit]:
    for bond in _states(ctx):
        for slave in bond.slaves:
            if not slave.link_failures or slave.up is False:
                continue  # a slave down now is bond-slave-down's finding (with its count)
            counted = _plural(slave.link_failures, "link reset" if bond.ovs else "link failure")
            yield _slave_hit(
                ctx,
                bond,
                slave,
                f"{bond.node}: {_member(bond)} {slave.name} of {bond.name} is up but counts {counted} since"
                " boot: its link has gone down and come back",
            )


def _speed_mismatch(ctx: AuditContext) -> Iterator[Hit]:
    for bond in _states(ctx):
        speeds = {s.name: s.speed_mbps for s in bond.slaves if s.up is not False and s.speed_mbps}
        if len(set(speeds.values())) < 2:
            continue
        shown = ", ".join(f"{n} {v} Mb/s" for n, v in speeds.items())
        lacp = (
            "; 802.3ad aggregates only ports of one speed, so they cannot all be in one aggregator"
            if _lacp_running(bond)
            else "; traffic slows down when it fails over to the slower one"
        )
        yield _bond_hit(
            ctx, bond, f"{bond.node}: the {_member(bond)}s of {bond.name} differ in speed ({shown}){lacp}"
        )


# ----------------------------------------------------------------------------------------- LACP


def _partnerless(bond: BondState) -> tuple[bool, list[SlaveState]]:
    """(no partner on the whole bond, the up slaves that hear none while others do)."""
    if not _lacp_running(bond):
        return False, []
    live = [s for s in bond.slaves if s.up is not False]
    if bond.slaves and not live:
        return False, []  # every slave down: bond-slave-down says so
    silent = [s for s in live if s.partner is False]
    whole = bond.no_partner or (bool(live) and len(silent) == len(live))
    return whole, [] if whole else silent


def _no_partner(ctx: AuditContext) -> Iterator[Hit]:
    for bond in _states(ctx):
        whole, silent = _partnerless(bond)
        if whole:
            if bond.ovs:
                effect = (
                    "OVS falls back to active-backup (lacp-fallback-ab)"
                    if bond.ovs_fallback_ab
                    else "OVS forwards no traffic on an LACP bond that did not negotiate"
                )
                how = f"lacp={bond.ovs_lacp} but no member has a current LACP partner (lacp_current false)"
            else:
                active = [s.name for s in bond.slaves if s.up and s.aggregator == bond.active_aggregator]
                how = (
                    "the bond has no active aggregator"
                    if bond.has_aggregator is False
                    else "the partner MAC is 00:00:00:00:00:00 (no LACPDU from the switch)"
                )
                if active:
                    effect = f"the kernel sends on {', '.join(active)} only; the switch may drop even that"
                elif bond.has_aggregator is False:
                    effect = "no slave carries traffic"
                else:  # an unprivileged read: the active aggregator is not printed
                    effect = "one slave at most carries traffic, and the switch may drop even that"
            yield _bond_hit(
                ctx,
                bond,
                f"{bond.node}: {bond.name} runs LACP but negotiated it with nobody: {how}; {effect}."
                " The switch side of the port-channel is missing or misconfigured",
                bond.partner_evidence,
            )
            continue
        for slave in silent:
            yield _slave_hit(
                ctx,
                bond,
                slave,
                f"{bond.node}: {_member(bond)} {slave.name} of {bond.name} is up but hears no LACP partner"
                " while the others do: the switch port is not in the port-channel, so it carries no traffic",
            )


def _aggregator_split(ctx: AuditContext) -> Iterator[Hit]:
    for bond in _states(ctx):
        whole, silent = _partnerless(bond)
        if bond.ovs or not _lacp_running(bond) or whole:
            continue
        explained = {s.name for s in silent}
        slaves = [s for s in bond.slaves if s.up and s.aggregator is not None and s.name not in explained]
        ids = sorted({s.aggregator for s in slaves if s.aggregator is not None})
        if len(ids) < 2:
            continue
        shown = ", ".join(
            f"{s.name} in {s.aggregator}{' (active)' if s.aggregator == bond.active_aggregator else ''}"
            for s in slaves
        )
        partners = sorted({s.partner_mac for s in slaves if s.partner_mac})
        towards = (
            f"; they face different partners ({', '.join(partners)}): two switches without MLAG"
            if len(partners) > 1
            else "; typically two switches without MLAG, or a port-channel missing a member"
        )
        yield _bond_hit(
            ctx,
            bond,
            f"{bond.node}: the slaves of {bond.name} sit in different LACP aggregators ({shown}): only the"
            f" active aggregator carries traffic{towards}",
            bond.partner_evidence,
        )


def _churned(ctx: AuditContext) -> Iterator[Hit]:
    for bond in _states(ctx):
        whole, silent = _partnerless(bond)
        if not _lacp_running(bond) or whole:
            continue
        for slave in bond.slaves:
            if not slave.up or slave in silent:
                continue
            sides = [
                side
                for side, state in (("actor", slave.actor_churn), ("partner", slave.partner_churn))
                if state == "churned"
            ]
            if sides:
                yield _slave_hit(
                    ctx,
                    bond,
                    slave,
                    f"{bond.node}: slave {slave.name} of {bond.name} is churned ({' and '.join(sides)} churn"
                    " state): LACP never reached sync on it, so it is not used for traffic",
                )


# ----------------------------------------------------------------------------------------- configuration


def _single_slave(ctx: AuditContext) -> Iterator[Hit]:
    for bond in _states(ctx):
        if bond.iface.config is not None:
            slaves, how = bond.configured_slaves, "configured with"
        else:
            slaves, how = tuple(s.name for s in bond.slaves), "running with"
        if len(slaves) >= 2:
            continue
        which = f"one {_member(bond)} ({slaves[0]})" if slaves else f"no {_member(bond)}s"
        yield _bond_hit(
            ctx,
            bond,
            f"{bond.node}: {_what(bond)} {bond.name} is {how} {which}: it gives no redundancy, the failure"
            f" of {'that NIC' if slaves else 'nothing'} takes down what it carries",
        )


def _mode_mismatch(ctx: AuditContext) -> Iterator[Hit]:
    for bond in _states(ctx):
        if bond.mode is None or bond.mode_runtime is None or bond.mode == bond.mode_runtime:
            continue
        cfg = bond.iface.config
        written = cfg is not None and cfg.bond_mode is not None
        said = bond.mode if written else f"no mode (the default {bond.mode})"
        ref = option_ref(bond.iface, "bond-mode", "ovs-options") if written else None
        evidence = (Evidence(bond.node, ref, "configured mode"),) if ref is not None else ()
        yield _bond_hit(
            ctx,
            bond,
            f"{bond.node}: {bond.name} is configured with {said} but runs {bond.mode_runtime}: the change was"
            " never applied, and the next reboot or ifreload changes how it behaves",
            evidence,
        )


def _lacp_rate_differs(ctx: AuditContext) -> Iterator[Hit]:
    by_name: dict[str, dict[str, BondState]] = {}
    for bond in _states(ctx):
        if _lacp_running(bond) and bond.lacp_rate:
            by_name.setdefault(bond.name, {})[bond.node] = bond
    for name, bonds in sorted(by_name.items()):
        rates = {node: b.lacp_rate for node, b in sorted(bonds.items())}
        if len(set(rates.values())) < 2:
            continue
        shown = ", ".join(f"{r} on {n}" for n, r in rates.items())
        yield Hit(
            name,
            f"{name} runs LACP with different rates across the cluster ({shown}): the nodes were set up"
            " differently, and a dead link is noticed after 3 s (fast) on some, 90 s (slow) on others",
            tuple(e for b in bonds.values() for e in iface_evidence(b.iface, f"{b.name} on {b.node}")),
            None,
            tuple(i for b in bonds.values() for i in ctx.iface_ids(b.node, name)),
        )


def _balance_tcp_without_lacp(ctx: AuditContext) -> Iterator[Hit]:
    for bond in _states(ctx):
        mode = bond.mode_runtime or bond.mode
        if not bond.ovs or mode != "balance-tcp" or bond.lacp:
            continue
        yield _bond_hit(
            ctx,
            bond,
            f"{bond.node}: OVS bond {bond.name} is balance-tcp with lacp={bond.ovs_lacp}: balance-tcp needs"
            " negotiated LACP, without it OVS sends nothing on the bond",
        )


BOND_SLAVE_DOWN = Check(
    "bond-slave-down",
    Severity.MEDIUM,
    "bonds",
    "A bond slave is down",
    "A slave whose MII status (OVS: link state) is not up carries nothing: the bond runs without the "
    "redundancy (and bandwidth) it was built for, and the next failure may take it down.",
    "Check the cable, the switch port and the NIC (ethtool, the switch's log); replace what failed.",
    _slave_down,
)
BOND_LINK_FAILURES = Check(
    "bond-link-failures",
    Severity.LOW,
    "bonds",
    "A bond slave has flapped",
    "A link failure count above zero on a slave that is up now means its link went down and came back "
    "since boot: a loose cable, a failing transceiver or a switch port that restarted.",
    "Look for the moments in the kernel log (bonding: link status down) and the switch's; fix the cause "
    "or note the maintenance that explains it.",
    _link_failures,
)
LACP_NO_PARTNER = Check(
    "lacp-no-partner",
    Severity.HIGH,
    "bonds",
    "An LACP bond has no partner",
    "With 802.3ad (OVS: lacp=active|passive) and no LACPDU from the switch (partner MAC all zeros, no "
    "active aggregator, lacp_current false), LACP is not negotiated: a Linux bond sends on one port "
    "that the switch may discard, an OVS bond forwards nothing unless lacp-fallback-ab is set.",
    "Configure the switch ports as one LACP port-channel (an MLAG pair for two switches), or change the "
    "bond to a mode without LACP (active-backup) if the switch cannot do it.",
    _no_partner,
)
LACP_AGGREGATOR_SPLIT = Check(
    "lacp-aggregator-split",
    Severity.MEDIUM,
    "bonds",
    "An LACP bond's slaves are in different aggregators",
    "802.3ad sends on the active aggregator only: slaves in another aggregator carry nothing. It happens "
    "when the slaves reach two switches that do not form one LACP system (no MLAG), or when the switch "
    "groups its ports into different port-channels.",
    "Put all switch ports of the bond into one port-channel, across an MLAG pair when there are two "
    "switches.",
    _aggregator_split,
)
LACP_CHURNED = Check(
    "lacp-churned",
    Severity.MEDIUM,
    "bonds",
    "An LACP slave is churned",
    "A churn state of 'churned' means the actor or partner never reached synchronisation on that port: "
    "the slave is not used although its link is up (typical of a switch port in another port-channel or "
    "suspended).",
    "Compare the switch port's LACP configuration with its neighbours in the port-channel (key, mode, "
    "speed); look at the switch's LACP state for that port.",
    _churned,
)
BOND_SINGLE_SLAVE = Check(
    "bond-single-slave",
    Severity.MEDIUM,
    "bonds",
    "A bond has fewer than two slaves",
    "A bond exists to survive the failure of a NIC, cable or switch port; with one slave (or none) it "
    "has no redundancy, and what it carries stops with that NIC.",
    "Add a second slave (on another NIC, ideally to another switch), or document the bond as a "
    "placeholder with a waiver.",
    _single_slave,
)
BOND_MODE_MISMATCH = Check(
    "bond-mode-mismatch",
    Severity.MEDIUM,
    "bonds",
    "A bond runs another mode than configured",
    "The configuration (interfaces file or API) names one mode and the kernel (or OVS) runs another: a "
    "change was never applied, or was applied by hand; the next reboot or ifreload switches the mode, "
    "which the switch side may not expect.",
    "Decide which mode is meant; apply the configuration (ifreload -a) at a quiet moment, or correct the "
    "file, and match the switch ports to it.",
    _mode_mismatch,
)
BOND_SPEED_MISMATCH = Check(
    "bond-speed-mismatch",
    Severity.LOW,
    "bonds",
    "A bond's slaves differ in speed",
    "Slaves of different speeds cannot share one 802.3ad aggregator, and in other modes a failover to "
    "the slower slave cuts the bandwidth; it is often a port that negotiated down (a bad cable).",
    "Check the slower slave's negotiation (ethtool) and cable; use NICs and switch ports of one speed.",
    _speed_mismatch,
)
LACP_RATE_DIFFERS = Check(
    "lacp-rate-differs",
    Severity.LOW,
    "bonds",
    "An LACP bond's rate differs across nodes",
    "The same bond with lacp_rate (OVS: lacp-time) fast on some nodes and slow on others: the nodes were "
    "configured differently, and a dead link is detected in 3 seconds on some and 90 on the others.",
    "Use one rate on every node (bond-lacp-rate fast is the usual choice), and the same on the switch.",
    _lacp_rate_differs,
)
OVS_BALANCE_TCP_WITHOUT_LACP = Check(
    "ovs-balance-tcp-without-lacp",
    Severity.HIGH,
    "bonds",
    "An OVS balance-tcp bond has LACP off",
    "Open vSwitch balances balance-tcp bonds only over a negotiated LACP aggregation; with lacp off (the "
    "default) it chooses no member, so the bond forwards nothing.",
    "Add lacp=active to the bond's ovs_options (and an LACP port-channel on the switch), or use "
    "bond_mode=active-backup or balance-slb.",
    _balance_tcp_without_lacp,
)

CHECKS = (
    BOND_SLAVE_DOWN,
    BOND_LINK_FAILURES,
    LACP_NO_PARTNER,
    LACP_AGGREGATOR_SPLIT,
    LACP_CHURNED,
    BOND_SINGLE_SLAVE,
    BOND_MODE_MISMATCH,
    BOND_SPEED_MISMATCH,
    LACP_RATE_DIFFERS,
    OVS_BALANCE_TCP_WITHOUT_LACP,
)
