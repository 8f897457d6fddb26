"""The routed and NAT setups of the seed talk, documented: forwarding, masquerading, port forwards."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from netdoc.audit.context import AuditContext, ev
from netdoc.audit.finding import Check, Hit, Severity
from netdoc.model.nat import NatRule
from netdoc.model.net import Evidence, HostNet

# ------------------------------------------------------------------------------------ NAT


def _rule_key(rule: NatRule) -> tuple[object, ...]:
    return (
        rule.family,
        rule.chain,
        rule.kind,
        rule.protocol,
        rule.src,
        rule.dst,
        rule.in_interface,
        rule.out_interface,
        rule.dport,
        rule.to_source,
        rule.to_address,
        rule.to_port,
    )


def _local_net(host: HostNet, src: str | None) -> str | None:
    """The interface whose subnet is the NAT rule's source (the masqueraded bridge)."""
    try:
        net = ipaddress.ip_network(src or "", strict=False)
    except ValueError:
        return None
    for iface in host.ifaces:
        for cidr in iface.all_addresses:
            try:
                if ipaddress.ip_interface(cidr).network == net:
                    return iface.name
            except ValueError:
                continue
    return None


def _describe(host: HostNet, rule: NatRule) -> str:
    if rule.kind in ("masquerade", "snat"):
        bridge = _local_net(host, rule.src)
        source = f"{bridge} ({rule.src})" if bridge and rule.src else rule.src or "everything"
        out = f" out of {rule.out_interface}" if rule.out_interface else ""
        how = "masqueraded" if rule.kind == "masquerade" else f"SNATed to {rule.to_source}"
        return f"{source} {how}{out}"
    if rule.kind == "dnat":
        port = f"{rule.protocol or 'any'}/{rule.dport}" if rule.dport else rule.protocol or "all"
        into = f" on {rule.in_interface}" if rule.in_interface else ""
        dest = rule.to_address or "?"
        if rule.to_port:
            dest += f":{rule.to_port}"
        return f"{port}{into} forwarded to {dest}"
    if rule.kind == "redirect":
        return f"{rule.protocol or 'all'}/{rule.dport or '*'} redirected to local port {rule.to_port or '?'}"
    return rule.text.strip()


def _forwarding_note(host: HostNet) -> str:
    per_iface = sorted(host.forwarding_ifaces)
    fwd = host.forwarding
    on = [f for f, v in (("IPv4", fwd.ipv4), ("IPv6", fwd.ipv6)) if v]
    if on:
        state = f"{' and '.join(on)} forwarding on"
    elif per_iface:
        state = f"forwarding on for {', '.join(per_iface)} (ip-forward on)"
    elif fwd.ipv4 is False:
        state = "IP forwarding off, so routed guest traffic does not pass"
    else:
        state = "IP forwarding set by no sysctl file or hook (the kernel's default is off)"
    if fwd.proxy_arp:
        state += f", proxy ARP on {', '.join(fwd.proxy_arp)}"
    return state


def _rule_evidence(host: HostNet, rules: list[NatRule], note: str) -> tuple[Evidence, ...]:
    return tuple(e for r in rules[:4] for e in ev(host.name, r.source, note))


def _nat(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        configured = [r for r in host.nat_rules if r.kind != "other"]
        runtime = [r for r in host.nat_rules_runtime or () if r.kind != "other"]
        fwd = host.forwarding
        if not configured and not runtime:
            if fwd.ipv4 or fwd.ipv6:
                hooks = host.sources.nat_hooks
                settings = [
                    *(st for c in host.sources.sysctls for st in c.settings),
                    *(hooks.sysctls if hooks else ()),
                ]
                sysctl = [st for st in settings if "forwarding" in st.key or "ip_forward" in st.key]
                yield Hit(
                    f"{host.name}/nat",
                    f"{host.name} routes between its interfaces ({_forwarding_note(host)}), without NAT "
                    "rules: guests behind it are reached through routes to this node",
                    tuple(e for st in sysctl[:2] for e in ev(host.name, st.source, st.key)),
                    host.name,
                    ctx.node_ids(host.name),
                )
            continue
        rules = configured or runtime
        shown = list(dict.fromkeys(_describe(host, r) for r in rules))
        differences = []
        if host.nat_rules_runtime is not None:
            loaded = {_rule_key(r) for r in runtime}
            hooked = {_rule_key(r) for r in configured}
            missing = [r for r in configured if _rule_key(r) not in loaded]
            extra = [r for r in runtime if _rule_key(r) not in hooked]
            if missing:
                differences.append(
                    "in the hooks but not loaded: "
                    + "; ".join(dict.fromkeys(_describe(host, r) for r in missing))
                )
            if extra and configured:
                differences.append(
                    "loaded but in no hook (gone at the next reboot): "
                    + "; ".join(dict.fromkeys(_describe(host, r) for r in extra))
                )
        else:
            missing, extra = [], []
        if not configured:
            origin = "loaded (iptables-save), in no interfaces hook"
        elif host.nat_rules_runtime is None:
            origin = "the interfaces hooks (iptables-save not read: whether they are loaded is unknown)"
        else:
            origin = "the interfaces hooks"
        evidence = _rule_evidence(host, rules, "NAT rule")
        evidence += _rule_evidence(host, missing, "not loaded") + _rule_evidence(host, extra, "in no hook")
        named = (n for r in rules for n in (r.in_interface, r.out_interface, _local_net(host, r.src)))
        yield Hit(
            f"{host.name}/nat",
            f"{host.name} NATs guest traffic ({_forwarding_note(host)}); from {origin}: "
            + "; ".join(shown)
            + (f". Differences: {'; '.join(differences)}" if differences else ""),
            tuple(dict.fromkeys(evidence)),
            host.name,
            ctx.node_ids(host.name)
            + ctx.iface_ids(host.name, *dict.fromkeys(n for n in named if n and host.iface(n))),
        )


NAT_FORWARDING = Check(
    "nat-forwarding",
    Severity.INFO,
    "hygiene",
    "A node routes (and NATs) guest traffic (informational)",
    "Informational: with IP forwarding and NAT rules (MASQUERADE/SNAT of a guest bridge, DNAT port "
    "forwards), the node is the guests' router, as in Proxmox's masquerading setup; this documents which "
    "bridge goes out of which interface and which ports are forwarded (and, with forwarding on and no NAT "
    "rule, that the node routes: Proxmox's routed setup). Rules in the interfaces hooks are compared with "
    "iptables-save when both were read: a hook rule not loaded, or a loaded rule in no hook, is named. "
    "Forwarding is read from sysctl files, hooks and ifupdown2's per-interface `ip-forward on`.",
    "Nothing if intended. Keep each rule in a post-up hook (with its post-down), so that what runs is "
    "what the configuration says.",
    _nat,
)

CHECKS = (NAT_FORWARDING,)
