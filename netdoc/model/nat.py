"""Routed and NAT setups: NAT rules, kernel forwarding settings and hook routes of a node.

Read from interfaces hook commands (post-up iptables ..., echo 1 > /proc/sys/..., ip route add ...),
from `iptables-save -t nat` output (the rules actually loaded) and from sysctl files. Configured
(hooks, sysctl files) and runtime (iptables-save) rules share one shape so they can be compared.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef


@dataclass(frozen=True)
class SysctlSetting:
    """One kernel setting; `key` in dotted form (`/proc/sys/net/ipv4/ip_forward` -> net.ipv4.ip_forward)."""

    key: str
    value: str
    via: str  # "sysctl.conf" | "sysctl -w" | "echo > /proc/sys"
    ignore_errors: bool = False  # a `-key = value` line in sysctl.conf
    hook: str | None = None  # the interfaces hook that runs it (post-up, ...), if any
    source: SourceRef | None = None


@dataclass(frozen=True)
class Forwarding:
    """What the settings say about routing between interfaces (None: not set by this source).

    ipv4 is net.ipv4.ip_forward or net.ipv4.conf.all.forwarding (the same switch); the last setting
    read wins, as when the kernel applies them in order.
    """

    ipv4: bool | None = None
    ipv6: bool | None = None  # net.ipv6.conf.all.forwarding
    bridge_nf_call_iptables: bool | None = None  # bridged traffic passes iptables (br_netfilter)
    bridge_nf_call_ip6tables: bool | None = None
    proxy_arp: tuple[str, ...] = ()  # interfaces with net.ipv4.conf.<if>.proxy_arp = 1 (routed setups)


@dataclass(frozen=True)
class NatRule:
    """One rule of the nat table (MASQUERADE, SNAT, DNAT port forward, REDIRECT, or a jump).

    Match fields are as written, a leading "!" meaning "not". Ports keep iptables' spelling:
    `dport` "443", "8000:8100" or "80,443" (multiport); `to_port` "443" or "8000-8100".
    """

    table: str  # "nat" for every rule here
    chain: str  # PREROUTING, POSTROUTING, OUTPUT, INPUT or a user chain
    kind: str  # "masquerade" | "snat" | "dnat" | "redirect" | "netmap" | "other"
    target: str | None  # the -j target as written (MASQUERADE, DNAT, RETURN, DOCKER, ...)
    family: str = "ipv4"  # "ipv4" (iptables) | "ipv6" (ip6tables)
    protocol: str | None = None
    src: str | None = None  # -s
    dst: str | None = None  # -d
    in_interface: str | None = None  # -i
    out_interface: str | None = None  # -o
    dport: str | None = None
    sport: str | None = None
    to_source: str | None = None  # SNAT --to-source, as written
    to_address: str | None = None  # DNAT --to-destination address (or address range)
    to_port: str | None = None  # DNAT port, or MASQUERADE/REDIRECT --to-ports
    comment: str | None = None  # -m comment --comment
    position: int | None = None  # -I CHAIN N
    origin: str = "iptables-save"  # "iptables-save" | "hook"
    hook: str | None = None  # post-up, up, pre-up (for origin "hook")
    text: str = ""  # the rule as written
    source: SourceRef | None = None


@dataclass(frozen=True)
class IptablesChain:
    """A chain declared in iptables-save output (`:POSTROUTING ACCEPT [12:720]`)."""

    table: str
    name: str
    policy: str | None  # ACCEPT/DROP for built-in chains, None for user chains ("-")
    packets: int | None = None
    bytes: int | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class HookRoute:
    """An `ip route add|replace|append` run by an interfaces hook (routed setups)."""

    destination: str  # CIDR, address or "default"
    via: str | None = None
    dev: str | None = None
    table: str | None = None  # `table N` or `vrf NAME`
    route_type: str | None = None  # unreachable, blackhole, prohibit, local, ... (None: unicast)
    metric: int | None = None
    family: str = "ipv4"
    hook: str | None = None
    text: str = ""
    source: SourceRef | None = None


@dataclass(frozen=True)
class IgnoredCommand:
    """A hook command that adds no NAT rule, setting or route, and why (for a complete picture).

    `text` is the command for iptables/ip/sysctl commands; for any other program only its name,
    since arbitrary commands may carry secrets.
    """

    text: str
    reason: str
    hook: str | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class NatConfig:
    """NAT rules and forwarding, from hooks or from iptables-save."""

    path: str  # the iptables-save file, or "" for hook commands (each item has its own source)
    origin: str  # "iptables-save" | "hooks"
    rules: tuple[NatRule, ...] = ()  # nat table, in order
    chains: tuple[IptablesChain, ...] = ()
    sysctls: tuple[SysctlSetting, ...] = ()
    forwarding: Forwarding = Forwarding()
    routes: tuple[HookRoute, ...] = ()
    ignored: tuple[IgnoredCommand, ...] = ()
    other_rules: int = 0  # iptables-save rules of other tables (filter, mangle, raw): counted, not parsed
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True)
class SysctlConfig:
    """The parse of one sysctl file (/etc/sysctl.conf, /etc/sysctl.d/*.conf)."""

    path: str
    settings: tuple[SysctlSetting, ...] = ()
    forwarding: Forwarding = Forwarding()
    warnings: tuple[ParseWarning, ...] = ()
