"""A Linux bond's runtime state as the kernel reports it in /proc/net/bonding/<bond>.

Runtime, not configuration: the bonding parser produces `BondStatus`, kept beside the configured
`Interface` of the same name so that the two can be compared. Units are in the field names; a value
the file does not state (older kernel, unprivileged read, corrupt file) is None, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef

# Kernel mode text (bond_mode_name) -> (mode number, the name ifupdown and `ip link` use).
BOND_MODES: dict[str, tuple[int, str]] = {
    "load balancing (round-robin)": (0, "balance-rr"),
    "fault-tolerance (active-backup)": (1, "active-backup"),
    "load balancing (xor)": (2, "balance-xor"),
    "fault-tolerance (broadcast)": (3, "broadcast"),
    "IEEE 802.3ad Dynamic link aggregation": (4, "802.3ad"),
    "transmit load balancing": (5, "balance-tlb"),
    "adaptive load balancing": (6, "balance-alb"),
}
# Mode names by number (`bond-mode 4`, the API's `bond_mode: 4`) and the kernel text of each name.
BOND_MODE_NAMES: tuple[str, ...] = tuple(name for _, name in sorted(BOND_MODES.values()))
BOND_MODE_TEXT: dict[str, str] = {name: text for text, (_, name) in BOND_MODES.items()}

# Bits of an LACP port state byte (IEEE 802.1AX), lowest bit first.
LACP_STATE_BITS: tuple[str, ...] = (
    "activity",
    "timeout",
    "aggregation",
    "synchronization",
    "collecting",
    "distributing",
    "defaulted",
    "expired",
)


def lacp_state_flags(state: int | None) -> tuple[str, ...]:
    """The names of the bits set in an LACP port state (61 -> activity, aggregation, ...)."""
    if state is None:
        return ()
    return tuple(name for bit, name in enumerate(LACP_STATE_BITS) if state >> bit & 1)


@dataclass(frozen=True)
class LacpPdu:
    """The `details actor|partner lacp pdu:` block of a slave (CAP_NET_ADMIN readers only).

    The partner block names its key `oper key`, the actor block `port key`: both land in port_key.
    A partner system MAC of 00:00:00:00:00:00 means no LACPDU was heard from the partner.
    """

    system_priority: int | None = None
    system_mac: str | None = None
    port_key: int | None = None
    port_priority: int | None = None
    port_number: int | None = None
    port_state: int | None = None
    port_state_flags: tuple[str, ...] = ()  # decoded port_state bits, see LACP_STATE_BITS
    source: SourceRef | None = None


@dataclass(frozen=True)
class ActiveAggregator:
    """The `Active Aggregator Info:` block of an 802.3ad bond."""

    aggregator_id: int | None = None
    number_of_ports: int | None = None
    actor_key: int | None = None
    partner_key: int | None = None
    partner_mac: str | None = None  # 00:00:00:00:00:00: no partner, LACP not negotiated
    source: SourceRef | None = None


@dataclass(frozen=True)
class LacpInfo:
    """The `802.3ad info` block (mode 802.3ad only).

    System priority/MAC and the active aggregator are printed only to privileged readers: when an
    unprivileged collector read the file they are None, and `has_active_aggregator` is None too.
    """

    lacp_active: bool | None = None  # "LACP active: on|off" (kernel 5.15+)
    lacp_rate: str | None = None  # "slow" | "fast"
    min_links: int | None = None
    ad_select: str | None = None  # "stable" | "bandwidth" | "count"
    system_priority: int | None = None
    system_mac: str | None = None
    has_active_aggregator: bool | None = None  # False: "bond X has no active aggregator"
    active_aggregator: ActiveAggregator | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class BondSlave:
    """One `Slave Interface:` block, in enslavement order."""

    name: str
    mii_status: str | None = None  # "up" | "down" | "going down" | "going back" | "unknown"
    speed_mbps: int | None = None  # None also when the kernel says "Unknown"
    duplex: str | None = None  # "full" | "half" | "unknown"
    link_failure_count: int | None = None
    permanent_hw_addr: str | None = None  # lower case; IPoIB bonds print 20 bytes
    queue_id: int | None = None
    aggregator_id: int | None = None
    has_aggregator: bool | None = None  # False: "Aggregator ID: N/A"; None: no such line
    actor_churn_state: str | None = None  # "monitoring" | "none" | "churned" | "unknown"
    partner_churn_state: str | None = None
    actor_churned_count: int | None = None
    partner_churned_count: int | None = None
    actor_lacp_pdu: LacpPdu | None = None
    partner_lacp_pdu: LacpPdu | None = None
    extra: tuple[tuple[str, str], ...] = ()  # lines this parser does not know, verbatim (key, value)
    source: SourceRef | None = None


@dataclass(frozen=True)
class BondStatus:
    """The parse of one /proc/net/bonding/<bond> file."""

    name: str  # the bond, from the file name
    path: str
    driver_version: str | None = None  # "3.7.1", "6.12.90+deb13.1-cloud-amd64", "2.6.1"
    driver_date: str | None = None  # "April 27, 2011"; newer kernels print none
    mode: str | None = (
        None  # balance-rr, active-backup, balance-xor, broadcast, 802.3ad, balance-tlb, balance-alb
    )
    mode_number: int | None = None  # 0..6
    mode_text: str | None = None  # the kernel's words, e.g. "IEEE 802.3ad Dynamic link aggregation"
    fail_over_mac: str | None = None  # "active" | "follow" (active-backup only; absent = none)
    transmit_hash_policy: str | None = None  # "layer2", "layer3+4", "layer2+3", "encap2+3", ...
    transmit_hash_policy_number: int | None = None
    primary_slave: str | None = None
    primary_reselect: str | None = None  # "always" | "better" | "failure"
    currently_active_slave: str | None = None
    mii_status: str | None = None  # the bond's carrier: "up" | "down"
    miimon_ms: int | None = None  # 0 when ARP monitoring is used
    updelay_ms: int | None = None
    downdelay_ms: int | None = None
    peer_notif_delay_ms: int | None = None
    arp_interval_ms: int | None = None  # None: ARP monitoring off (the kernel prints no ARP lines)
    arp_missed_max: int | None = None
    arp_ip_targets: tuple[str, ...] = ()
    ns_ip6_targets: tuple[str, ...] = ()
    lacp: LacpInfo | None = None  # mode 802.3ad only
    slaves: tuple[BondSlave, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()  # bond-level lines this parser does not know, verbatim
    source: SourceRef | None = None  # the first line read
    warnings: tuple[ParseWarning, ...] = ()

    def slave(self, name: str) -> BondSlave | None:
        for s in self.slaves:
            if s.name == name:
                return s
        return None
