"""Routed and NAT setups: NAT rules, forwarding and routes from interfaces hooks and iptables-save.

`parse_nat_commands` reads hook command strings as the interfaces parser keeps them (with or without
the leading `post-up`); `parse_iptables_save` reads `iptables-save -t nat` output (kind
`iptables-save`). Down hooks and `-D` deletions only undo what up hooks did, so they add no rule.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence
from typing import Protocol

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.interfaces import DOWN_HOOKS
from netdoc.model.nat import HookRoute, IgnoredCommand, IptablesChain, NatConfig, NatRule, SysctlSetting
from netdoc.parsers.iptables import (
    NAT_KINDS,
    RuleArgs,
    join_command,
    parse_rule_args,
    split_to_destination,
    tokenize,
)
from netdoc.parsers.jsonvalues import entry_text
from netdoc.parsers.pvetext import split_lines
from netdoc.parsers.sysctl import forwarding_of, normalise_key

SOURCE = "iptables-save"
_HOOK = re.compile(r"\s*(pre[-_]up|up|post[-_]up|pre[-_]down|down|post[-_]down)\s+(.*)", re.DOTALL)
_IPTABLES = frozenset(
    {"iptables", "iptables-legacy", "iptables-nft", "ip6tables", "ip6tables-legacy", "ip6tables-nft"}
)
_CONTROL = frozenset({";", "&&", "||", "|", "&"})
_ROUTE_VERBS = frozenset({"add", "replace", "append", "a", "change"})
_ROUTE_KEYS = frozenset(
    {"via", "dev", "table", "vrf", "metric", "src", "proto", "scope", "mtu", "realm", "weight"}
)
_ROUTE_TYPES = frozenset(
    {"unicast", "unreachable", "blackhole", "prohibit", "local", "broadcast", "throw", "nat"}
)
_ROUTE_FLAGS = frozenset({"onlink", "pervasive"})


class HookOption(Protocol):
    """What parse_nat_hooks needs of an interfaces hook option (netdoc.model.interfaces.Option)."""

    @property
    def name(self) -> str: ...

    @property
    def value(self) -> str: ...

    @property
    def source(self) -> SourceRef | None: ...


def nat_rule(
    args: RuleArgs, *, family: str, origin: str, hook: str | None, text: str, source: SourceRef | None
) -> NatRule:
    """A NatRule from parsed arguments; `--to` means --to-destination or --to-source by target."""
    target = args.get("target")
    upper = (target or "").upper()
    to_dest = args.get("to_destination")
    to_source = args.get("to_source")
    to_ports = args.get("to_ports")
    loose = args.get("to")
    if loose is not None:
        if upper == "SNAT":
            to_source = to_source or loose
        elif upper in ("MASQUERADE", "REDIRECT"):
            to_ports = to_ports or loose
        else:
            to_dest = to_dest or loose
    address, port = split_to_destination(to_dest)
    return NatRule(
        table=args.table,
        chain=args.chain or "",
        kind=NAT_KINDS.get(upper, "other"),
        target=target,
        family=family,
        protocol=args.get("protocol"),
        src=args.get("src"),
        dst=args.get("dst"),
        in_interface=args.get("in_interface"),
        out_interface=args.get("out_interface"),
        dport=args.get("dport"),
        sport=args.get("sport"),
        to_source=to_source,
        to_address=address,
        to_port=port if port is not None else to_ports,
        comment=args.get("comment"),
        position=args.position,
        origin=origin,
        hook=hook,
        text=text,
        source=source,
    )


class _Hooks:
    """Accumulates what the hook commands add, and why the others add nothing."""

    def __init__(self) -> None:
        self.rules: list[NatRule] = []
        self.sysctls: list[SysctlSetting] = []
        self.routes: list[HookRoute] = []
        self.ignored: list[IgnoredCommand] = []
        self.warnings: list[ParseWarning] = []

    def warn(self, source: SourceRef | None, message: str, text: str = "") -> None:
        self.warnings.append(
            ParseWarning(source.path if source else "", source.line if source else None, message, text)
        )

    def ignore(self, text: str, reason: str, hook: str | None, source: SourceRef | None) -> None:
        self.ignored.append(IgnoredCommand(text, reason, hook, source))

    def command(self, words: list[str], text: str, hook: str | None, source: SourceRef | None) -> None:
        program = posixpath.basename(words[0])
        if program in _IPTABLES:
            self.iptables(words, text, program, hook, source)
        elif program == "echo":
            self.echo(words, text, hook, source)
        elif program == "sysctl":
            self.sysctl(words, text, hook, source)
        elif program == "ip":
            self.ip(words, text, hook, source)
        elif program in ("iptables-restore", "ip6tables-restore"):
            self.ignore(text, "loads rules from a file netdoc does not read here", hook, source)
        else:
            self.ignore(program, "not a NAT, forwarding or route command", hook, source)

    def iptables(
        self, words: list[str], text: str, program: str, hook: str | None, source: SourceRef | None
    ) -> None:
        args = parse_rule_args(words[1:])
        for message in args.warnings:
            self.warn(source, message, text)
        if args.table != "nat":
            self.ignore(text, f"{args.table} table rule (firewalling, not NAT)", hook, source)
        elif args.action in ("-A", "-I"):
            family = "ipv6" if program.startswith("ip6") else "ipv4"
            self.rules.append(
                nat_rule(args, family=family, origin="hook", hook=hook, text=text, source=source)
            )
        elif args.action == "-D":
            self.ignore(text, "deletes a rule (cleanup)", hook, source)
        elif args.action is not None:
            self.ignore(text, f"chain management ({args.action})", hook, source)
        else:
            self.warn(source, "iptables command without -A, -I or -D", text)
            self.ignore(text, "no rule action", hook, source)

    def echo(self, words: list[str], text: str, hook: str | None, source: SourceRef | None) -> None:
        redirect = next((i for i, w in enumerate(words) if w in (">", ">>")), None)
        if redirect is None or redirect + 1 >= len(words):
            self.ignore("echo", "echo without a redirect", hook, source)
            return
        target = words[redirect + 1]
        if not target.startswith("/proc/sys/"):
            self.ignore(f"echo > {target}", "echo into a file other than /proc/sys", hook, source)
            return
        value = " ".join(w for w in words[1:redirect] if w not in ("-n", "-e"))
        self.sysctls.append(
            SysctlSetting(normalise_key(target), value, "echo > /proc/sys", False, hook, source)
        )

    def sysctl(self, words: list[str], text: str, hook: str | None, source: SourceRef | None) -> None:
        rest = words[1:]
        if any(w in ("-p", "--load", "--system") for w in rest):
            self.ignore(text, "loads sysctl files (read those with kind sysctl)", hook, source)
            return
        found = False
        i = 0
        while i < len(rest):
            word = rest[i]
            i += 1
            if word.startswith("-"):
                continue
            if "=" not in word and i + 1 < len(rest) and rest[i] == "=":  # `key = value`
                word, i = f"{word}={rest[i + 1]}", i + 2
            key, eq, value = word.partition("=")
            if eq:
                found = True
                self.sysctls.append(
                    SysctlSetting(normalise_key(key), value.strip(), "sysctl -w", False, hook, source)
                )
        if not found:
            self.ignore(text, "sysctl without key=value (a read, not a setting)", hook, source)

    def ip(self, words: list[str], text: str, hook: str | None, source: SourceRef | None) -> None:
        rest = words[1:]
        family = "ipv4"
        while rest and rest[0].startswith("-"):
            if rest[0] == "-6":
                family = "ipv6"
            rest = rest[1:]
        if len(rest) < 3 or not "route".startswith(rest[0]) or rest[1] not in _ROUTE_VERBS:
            self.ignore(text, "ip command other than route add/replace", hook, source)
            return
        dest: str | None = None
        route_type: str | None = None
        values: dict[str, str] = {}
        words_left = rest[2:]
        i = 0
        while i < len(words_left):
            word = words_left[i]
            if word in _ROUTE_KEYS and i + 1 < len(words_left):
                values[word] = words_left[i + 1]
                i += 2
                continue
            if word in _ROUTE_TYPES and dest is None and route_type is None:
                route_type = word
            elif word != "to" and dest is None and word not in _ROUTE_FLAGS:
                dest = word
            i += 1
        if dest is None:
            self.warn(source, "ip route without a destination", text)
            self.ignore(text, "ip route without a destination", hook, source)
            return
        if ":" in dest or ":" in values.get("via", ""):
            family = "ipv6"
        metric = values.get("metric")
        self.routes.append(
            HookRoute(
                destination=dest,
                via=values.get("via"),
                dev=values.get("dev"),
                table=values.get("table") or values.get("vrf"),
                route_type=route_type,
                metric=int(metric) if metric and metric.isdigit() else None,
                family=family,
                hook=hook,
                text=text,
                source=source,
            )
        )


def parse_nat_commands(commands: Sequence[tuple[str, SourceRef | None]]) -> NatConfig:
    """NAT rules, forwarding settings and routes from hook commands, each with its evidence.

    A command may start with its hook name (`post-up iptables ...`); several commands may share a
    line (`;`, `&&`). Commands of down hooks and rule deletions are listed in `ignored`.
    """
    hooks = _Hooks()
    for raw, source in commands:
        m = _HOOK.fullmatch(raw)
        hook = m.group(1).replace("_", "-") if m else None
        body = m.group(2) if m else raw
        words, problem = tokenize(body)
        if problem:
            # ifupdown runs hooks with /bin/sh -c, which refuses the same text: nothing runs.
            hooks.warn(source, f"{problem}; the shell cannot run this command", body)
            hooks.ignore(
                posixpath.basename(words[0]) if words else "", "the shell cannot parse it", hook, source
            )
            continue
        simple: list[list[str]] = [[]]
        for word in words:
            if word in _CONTROL or word in ("(", ")"):
                simple.append([])
            else:
                simple[-1].append(word)
        simple = [s for s in simple if s]
        for cmd in simple:
            text = body.strip() if len(simple) == 1 else join_command(cmd)
            if hook in DOWN_HOOKS:
                program = posixpath.basename(cmd[0])
                shown = text if program in _IPTABLES or program in ("ip", "sysctl", "echo") else program
                hooks.ignore(shown, f"{hook} hook (undoes the up hooks)", hook, source)
                continue
            hooks.command(cmd, text, hook, source)
    return NatConfig(
        path="",
        origin="hooks",
        rules=tuple(hooks.rules),
        sysctls=tuple(hooks.sysctls),
        forwarding=forwarding_of(hooks.sysctls),
        routes=tuple(hooks.routes),
        ignored=tuple(hooks.ignored),
        warnings=tuple(hooks.warnings),
    )


def parse_nat_hooks(options: Sequence[HookOption]) -> NatConfig:
    """parse_nat_commands over interfaces hook options (`Interface.hooks`)."""
    return parse_nat_commands([(f"{o.name} {o.value}", o.source) for o in options])


# ---------------------------------------------------------------------------------- iptables-save

_CHAIN = re.compile(r":(\S+)\s+(\S+)(?:\s+\[(\d+):(\d+)\])?\s*")
_COUNTERS = re.compile(r"\[\d+:\d+\]\s+")


def parse_iptables_save_text(text: str, path: str) -> NatConfig:
    """`iptables-save [-c] [-t nat]` (or ip6tables-save) output; rules of other tables are counted only."""
    rules: list[NatRule] = []
    chains: list[IptablesChain] = []
    warnings: list[ParseWarning] = []
    table: str | None = None
    table_line = 0
    other = 0
    family = "ipv4"
    for lineno, raw in enumerate(split_lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if "ip6tables-save" in line:
                family = "ipv6"
            continue
        if line.startswith("*"):
            if table is not None:
                warnings.append(ParseWarning(path, table_line, f"table '{table}' has no COMMIT"))
            table, table_line = line[1:].strip(), lineno
            continue
        if line == "COMMIT":
            if table is None:
                warnings.append(ParseWarning(path, lineno, "COMMIT outside a table"))
            table = None
            continue
        chain = _CHAIN.fullmatch(line)
        if chain and (table or "nat") != "nat":
            continue  # chains of filter/mangle/raw: not part of the NAT picture
        if chain:
            policy = None if chain.group(2) == "-" else chain.group(2)
            packets = int(chain.group(3)) if chain.group(3) else None
            octets = int(chain.group(4)) if chain.group(4) else None
            chains.append(
                IptablesChain(
                    table or "nat", chain.group(1), policy, packets, octets, SourceRef(path, lineno)
                )
            )
            continue
        body = _COUNTERS.sub("", line, count=1)
        if not body.startswith("-"):
            warnings.append(
                ParseWarning(path, lineno, "not a table, chain, rule or COMMIT line; ignored", raw)
            )
            continue
        if table is None:
            warnings.append(ParseWarning(path, lineno, "rule before any '*table' line; read as nat"))
        words, problem = tokenize(body)
        if problem:
            warnings.append(ParseWarning(path, lineno, problem, raw))
        args = parse_rule_args(words, table or "nat")
        for message in args.warnings:
            warnings.append(ParseWarning(path, lineno, message, raw))
        if args.table != "nat":
            other += 1
            continue
        if args.action != "-A":
            warnings.append(ParseWarning(path, lineno, "iptables-save rules start with -A; ignored", raw))
            continue
        rules.append(
            nat_rule(
                args,
                family=family,
                origin="iptables-save",
                hook=None,
                text=body,
                source=SourceRef(path, lineno),
            )
        )
    if table is not None:
        warnings.append(ParseWarning(path, table_line, f"table '{table}' has no COMMIT (output cut short?)"))
    warnings.sort(key=lambda w: w.line or 0)
    return NatConfig(
        path=path,
        origin="iptables-save",
        rules=tuple(rules),
        chains=tuple(chains),
        other_rules=other,
        warnings=tuple(warnings),
    )


def parse_iptables_save(files: Mapping[str, str], path: str) -> NatConfig:
    """Kind `iptables-save`: `iptables-save -t nat` output (commands/iptables-save-t-nat.txt)."""
    return parse_iptables_save_text(entry_text(files, path, SOURCE), path)
