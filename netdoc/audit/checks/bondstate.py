"""What each bond of a node is and does, read once from every source that tells: helpers, no checks.

The bond checks (audit/checks/bonds.py) read `bond_states(host)`. A Linux bond's slaves come from
/proc/net/bonding/<bond> first (the only source of speeds, LACP partner PDUs and churn states) and
from `ip -j -d link` (info_slave_data, ad_info) for what the file does not say: an unprivileged
reader of the file loses the active aggregator and the PDUs, and a node may have only one of the
two. An OVS bond's members come from its Port and Interface rows; link_state, lacp_current, link
speed, bond_mode and lacp are database columns, so with `ovs-vsctl show` alone they are unknown
(None), never "down" or "off".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from netdoc.audit.context import ev
from netdoc.model.bonding import BondSlave
from netdoc.model.interfaces import InterfaceKind
from netdoc.model.iproute2 import IpBondSlave
from netdoc.model.net import Evidence, HostNet, Iface
from netdoc.model.ovs import OvsInterface, OvsPort

_T = TypeVar("_T")
ZERO_MAC = "00:00:00:00:00:00"
LACP_MODE = "802.3ad"
# The mode a bond runs when its configuration names none: the kernel's default for a Linux bond,
# ovs-vswitchd's for an OVS bond (the Port's empty bond_mode).
DEFAULT_MODE = {False: "balance-rr", True: "active-backup"}
# bond-lacp-rate as written (ifupdown2 takes the kernel's numbers too) -> the rate.
_RATES = {"0": "slow", "1": "fast", "slow": "slow", "fast": "fast"}


@dataclass(frozen=True)
class SlaveState:
    """One slave (OVS: member) of a bond at run time, each fact from the first source that states it."""

    name: str
    mii: str | None = None  # "up" | "down" | "going down" | "going back" | "unknown"; None: unknown
    speed_mbps: int | None = None
    link_failures: int | None = None  # Link Failure Count; OVS: link_resets
    aggregator: int | None = None  # 802.3ad aggregator id
    partner_heard: bool | None = None  # False: partner MAC zeros, or the actor state is "defaulted"
    partner_mac: str | None = None  # the partner system MAC of the slave's LACPDU (file only)
    lacp_current: bool | None = None  # OVS: the member's LACP partner is current
    actor_churn: str | None = None
    partner_churn: str | None = None
    evidence: tuple[Evidence, ...] = ()

    @property
    def up(self) -> bool | None:
        return None if self.mii is None else self.mii == "up"

    @property
    def partner(self) -> bool | None:
        """Is an LACP partner heard on this slave (Linux: its PDU; OVS: lacp_current)? None: unknown."""
        return self.partner_heard if self.partner_heard is not None else self.lacp_current


@dataclass(frozen=True)
class BondState:
    """A Linux or OVS bond: its configured slaves and mode beside what runs."""

    node: str
    iface: Iface
    ovs: bool
    configured_slaves: tuple[str, ...] = ()
    mode: str | None = None  # configured (its default when the configuration names none); None: no config
    mode_runtime: str | None = None  # None: no runtime source tells
    lacp: bool = False  # LACP is meant to run: 802.3ad, or an OVS bond with lacp active|passive
    ovs_lacp: str | None = None  # OVS: active | passive | off (runtime when the database was read)
    ovs_fallback_ab: bool = False  # OVS other_config:lacp-fallback-ab (no partner: active-backup)
    lacp_rate: str | None = None  # "slow" | "fast" (OVS: other_config lacp-time)
    slaves: tuple[SlaveState, ...] = ()  # runtime, in the kernel's order (OVS: by name)
    has_aggregator: bool | None = None  # False: "bond X has no active aggregator"
    active_aggregator: int | None = None
    partner_mac: str | None = None  # the active aggregator's partner (file, else ip link ad_info)
    partner_evidence: tuple[Evidence, ...] = ()

    @property
    def name(self) -> str:
        return self.iface.name

    @property
    def subject(self) -> str:
        return f"{self.node}/{self.name}"

    @property
    def no_partner(self) -> bool:
        """The bond as a whole negotiated LACP with nobody."""
        return self.lacp and (self.has_aggregator is False or self.partner_mac == ZERO_MAC)

    def slave(self, name: str) -> SlaveState | None:
        return next((s for s in self.slaves if s.name == name), None)


def configured_slaves(host: HostNet, bond: Iface) -> tuple[str, ...]:
    """The bond's slaves as configured: its slave list, and every interface naming it as bond-master."""
    named = list(bond.lower)
    named += [i.name for i in host.ifaces if bond.name in i.uppers and i.name not in named]
    return tuple(named)


def _mii(text: str | None) -> str | None:
    """ip link says UP, GOING_DOWN; the bonding file "up", "going down": one spelling."""
    return text.strip().lower().replace("_", " ") if text else None


def _first(*values: _T | None) -> _T | None:
    """The first value a source states (0 and "" are statements too)."""
    return next((v for v in values if v is not None), None)


def _linux_slave(host: HostNet, name: str, file: BondSlave | None) -> SlaveState:
    iface = host.iface(name)
    link = iface.link if iface is not None else None
    ip: IpBondSlave | None = link.bond_slave if link is not None else None
    heard: bool | None = None
    pdu = file.partner_lacp_pdu if file is not None else None
    if pdu is not None and pdu.system_mac:
        heard = pdu.system_mac != ZERO_MAC
    elif ip is not None and ip.ad_actor_oper_port_state_str:
        # no LACPDU received: the actor falls back to default partner values (802.1AX "defaulted")
        heard = "defaulted" not in ip.ad_actor_oper_port_state_str
    evidence = ev(host.name, file.source if file else None, f"slave {name} in the bonding file")
    evidence += ev(host.name, link.source if link is not None and ip is not None else None, f"ip link {name}")
    f = file or BondSlave(name)  # an empty record: every fact None
    i = ip or IpBondSlave()
    return SlaveState(
        name,
        mii=_first(_mii(f.mii_status), _mii(i.mii_status)),
        speed_mbps=f.speed_mbps,
        link_failures=_first(f.link_failure_count, i.link_failure_count),
        aggregator=_first(f.aggregator_id, i.ad_aggregator_id),
        partner_heard=heard,
        partner_mac=pdu.system_mac.lower() if pdu is not None and pdu.system_mac else None,
        actor_churn=_first(f.actor_churn_state, i.churn_actor_state),
        partner_churn=_first(f.partner_churn_state, i.churn_partner_state),
        evidence=evidence,
    )


def _lacp_rate(iface: Iface) -> str | None:
    if iface.bond is not None and iface.bond.lacp is not None and iface.bond.lacp.lacp_rate:
        return iface.bond.lacp.lacp_rate
    if iface.link is not None and iface.link.bond is not None and iface.link.bond.ad_lacp_rate:
        return iface.link.bond.ad_lacp_rate
    if iface.config is not None:
        written = next((o.value for o in iface.config.options if o.name == "bond-lacp-rate"), None)
        return _RATES.get((written or "slow").strip().lower())
    return None


def _linux_bond(host: HostNet, iface: Iface) -> BondState:
    status = iface.bond
    ip = iface.link.bond if iface.link is not None else None
    names = [s.name for s in status.slaves] if status is not None else []
    names += sorted(
        i.name
        for i in host.ifaces
        if i.link is not None and i.link.master == iface.name and i.link.bond_slave and i.name not in names
    )
    slaves = tuple(_linux_slave(host, n, status.slave(n) if status else None) for n in names)
    mode_runtime = (status.mode if status else None) or (ip.mode if ip else None)
    mode = None
    if iface.config is not None:
        mode = iface.config.bond_mode or DEFAULT_MODE[False]
    lacp = (mode_runtime or mode) == LACP_MODE
    info = status.lacp if status is not None else None
    agg = info.active_aggregator if info is not None else None
    has_agg = info.has_active_aggregator if info is not None else None
    partner = agg.partner_mac if agg is not None else None
    partner_ev = ev(host.name, agg.source if agg else None, "active aggregator")
    if has_agg is False:
        partner_ev = ev(host.name, info.source if info else None, "no active aggregator")
    if partner is None and has_agg is None and ip is not None and ip.ad_partner_mac:
        partner = ip.ad_partner_mac  # an unprivileged read of the file: ip link still has ad_info
        partner_ev = ev(host.name, iface.link.source if iface.link else None, "ip link ad_info")
    return BondState(
        host.name,
        iface,
        ovs=False,
        configured_slaves=configured_slaves(host, iface),
        mode=mode,
        mode_runtime=mode_runtime,
        lacp=lacp,
        lacp_rate=_lacp_rate(iface) if lacp else None,
        slaves=slaves,
        has_aggregator=has_agg,
        active_aggregator=_first(agg.aggregator_id if agg else None, ip.ad_aggregator if ip else None),
        partner_mac=partner.lower() if partner else None,
        partner_evidence=partner_ev,
    )


def _ovs_member(host: HostNet, member: OvsInterface) -> SlaveState:
    speed = member.link_speed_bps // 1_000_000 if member.link_speed_bps else None
    return SlaveState(
        member.name,
        mii=member.link_state if member.error is None else None,
        speed_mbps=speed,
        link_failures=member.link_resets,
        lacp_current=member.lacp_current,
        evidence=ev(host.name, member.source, f"OVS interface {member.name}"),
    )


def _ovs_bond(host: HostNet, iface: Iface, port: OvsPort | None) -> BondState:
    database = host.sources.ovs is not None and host.sources.ovs.origin != "show"
    cfg = iface.config
    mode = (cfg.bond_mode or DEFAULT_MODE[True]) if cfg is not None else None
    mode_runtime = lacp_runtime = None
    if port is not None and database:
        # an empty column is OVS's default (active-backup, LACP off); `show` prints neither column
        mode_runtime = port.bond_mode or DEFAULT_MODE[True]
        lacp_runtime = port.lacp or "off"
    lacp_mode = lacp_runtime or (cfg.ovs_lacp if cfg is not None else None) or "off"
    lacp = lacp_mode in ("active", "passive")
    other = dict(port.other_config) if port is not None and database else {}
    options = (cfg.ovs_options or "") if cfg is not None else ""
    rate = other.get("lacp-time") or ("fast" if "lacp-time=fast" in options else "slow")
    fallback = other.get("lacp-fallback-ab", "true" if "lacp-fallback-ab=true" in options else "") == "true"
    members = tuple(_ovs_member(host, m) for m in port.interfaces) if port is not None else ()
    return BondState(
        host.name,
        iface,
        ovs=True,
        configured_slaves=configured_slaves(host, iface),
        mode=mode,
        mode_runtime=mode_runtime,
        lacp=lacp,
        ovs_lacp=lacp_mode,
        ovs_fallback_ab=fallback,
        lacp_rate=rate if lacp else None,
        slaves=members,
    )


def bond_states(host: HostNet) -> tuple[BondState, ...]:
    """Every Linux and OVS bond of the node, by name."""
    out = []
    for iface in host.ifaces:
        if iface.kind is InterfaceKind.BOND:
            out.append(_linux_bond(host, iface))
        elif iface.kind is InterfaceKind.OVS_BOND:
            out.append(_ovs_bond(host, iface, iface.ovs_port))
    return tuple(out)
