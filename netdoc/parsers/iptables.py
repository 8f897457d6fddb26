"""Read one iptables rule's arguments (from iptables-save or a hook command) into named fields.

Tolerates the sloppy spellings found in real configs and talks (`-dport 443`, `--to 192.0.2.10 :443`),
but says what iptables itself would do with them: it rejects both, so a warning is due.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

_ALIASES = {
    "--table": "-t",
    "--append": "-A",
    "--insert": "-I",
    "--delete": "-D",
    "--replace": "-R",
    "--new-chain": "-N",
    "--delete-chain": "-X",
    "--flush": "-F",
    "--zero": "-Z",
    "--policy": "-P",
    "--list": "-L",
    "--list-rules": "-S",
    "--rename-chain": "-E",
    "--source": "-s",
    "--src": "-s",
    "--destination": "-d",
    "--dst": "-d",
    "--in-interface": "-i",
    "--out-interface": "-o",
    "--protocol": "-p",
    "--jump": "-j",
    "--goto": "-g",
    "--match": "-m",
    "--set-counters": "-c",
    "--destination-port": "--dport",
    "--source-port": "--sport",
    "--destination-ports": "--dports",
    "--source-ports": "--sports",
}
# Long options written with one dash. iptables' getopt reads `-dport 443` as `-d port` and fails.
_SLOPPY = re.compile(r"-(dport|sport|dports|sports|to-destination|to-source|to-ports|to|jump|table|protocol)")
_CHAIN_ACTIONS = frozenset({"-A", "-I", "-D", "-R", "-N", "-X", "-F", "-Z", "-P", "-L", "-S", "-E"})
_VALUE_OPTS = {
    "-t": "table",
    "-s": "src",
    "-d": "dst",
    "-i": "in_interface",
    "-o": "out_interface",
    "-p": "protocol",
    "-j": "target",
    "-g": "target",
    "--dport": "dport",
    "--sport": "sport",
    "--dports": "dport",
    "--sports": "sport",
    "--to-source": "to_source",
    "--to-destination": "to_destination",
    "--to-ports": "to_ports",
    "--to": "to",
    "--comment": "comment",
}
_FLAGS = frozenset({"--random", "--random-fully", "--persistent", "--fully-random"})
_PORT_TAIL = re.compile(r":\d+(?:[-:]\d+)?")
NAT_KINDS = {
    "MASQUERADE": "masquerade",
    "SNAT": "snat",
    "DNAT": "dnat",
    "REDIRECT": "redirect",
    "NETMAP": "netmap",
}


@dataclass
class RuleArgs:
    """The parts of one iptables invocation netdoc cares about, plus warnings (plain messages)."""

    table: str = "filter"
    action: str | None = None  # -A, -I, -D, -N, -P, ... (aliases resolved)
    chain: str | None = None
    position: int | None = None
    values: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        return self.values.get(name)


def tokenize(text: str) -> tuple[list[str], str | None]:
    """Shell words and operators (`;`, `&&`, `|`, `>`); on an unbalanced quote, split() and the reason."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|<>")
    lexer.whitespace_split = True
    try:
        return list(lexer), None
    except ValueError as exc:
        return text.split(), f"cannot split into shell words ({exc}); split on spaces instead"


def parse_rule_args(tokens: list[str], table: str = "filter") -> RuleArgs:
    """Parse iptables arguments (without the program name)."""
    args = RuleArgs(table=table)
    i, n, negate = 0, len(tokens), False
    while i < n:
        tok = tokens[i]
        i += 1
        if tok == "!":
            negate = True
            continue
        if _SLOPPY.fullmatch(tok):
            args.warnings.append(
                f"'{tok}' has one dash: iptables reads it as short options and rejects the rule"
            )
            tok = "-" + tok
        opt = _ALIASES.get(tok, tok)
        if opt in _CHAIN_ACTIONS:
            args.action = opt
            if i < n and not tokens[i].startswith("-"):
                args.chain = tokens[i]
                i += 1
            if opt in ("-I", "-D", "-R") and i < n and tokens[i].isdigit():
                args.position = int(tokens[i])
                i += 1
            continue
        if opt == "-c":
            i += 2  # packet and byte counters
            continue
        if opt in _FLAGS:
            continue
        if opt in ("-m", "--match"):
            i += 1  # the module's options follow as ordinary options
            continue
        if not opt.startswith("-"):
            args.warnings.append(f"unexpected argument {tok!r}")
            continue
        value = tokens[i] if i < n else None
        if value == "!":  # old syntax: `-s ! 192.0.2.0/24`
            negate = True
            i += 1
            value = tokens[i] if i < n else None
        if value is None or (value.startswith("-") and not re.fullmatch(r"-\d+", value)):
            if opt in _VALUE_OPTS:
                args.warnings.append(f"'{tok}' without a value")
            negate = False
            continue
        i += 1
        if opt in ("--to", "--to-destination", "--to-source") and i < n and _PORT_TAIL.fullmatch(tokens[i]):
            args.warnings.append(
                f"space before {tokens[i]!r}: iptables rejects the rule; read as {value}{tokens[i]}"
            )
            value += tokens[i]
            i += 1
        name = _VALUE_OPTS.get(opt)
        if name == "table":
            args.table = value
        elif name is not None:
            args.values[name] = f"!{value}" if negate else value
        negate = False
    return args


def split_to_destination(value: str | None) -> tuple[str | None, str | None]:
    """`addr[-addr][:port[-port]]` or `[v6]:port` -> (address, port); either may be None."""
    if not value:
        return None, None
    if value.startswith("["):
        addr, _, rest = value[1:].partition("]")
        return addr or None, rest[1:] if rest.startswith(":") and rest[1:] else None
    if value.count(":") == 1:
        addr, _, port = value.partition(":")
        return addr or None, port or None
    return value, None


def join_command(tokens: list[str]) -> str:
    return shlex.join(tokens)
