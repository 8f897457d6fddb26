"""Routed and NAT setups: hook commands (the talk's sloppy syntax), iptables-save, sysctl, reference hooks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netdoc.model.base import SourceRef, to_jsonable
from netdoc.model.interfaces import Option
from netdoc.parsers.ifupdown import parse_interfaces
from netdoc.parsers.nat import parse_iptables_save_text, parse_nat_commands, parse_nat_hooks
from netdoc.parsers.sysctl import parse_sysctl_text
from tests.golden import case_params, reference_files
from tests.pvecases import case_input, hook_lines
from tests.pvehyp import FAST, lines_of, parses_or_parse_error

TALK_DNAT = "post-up iptables -t nat -A PREROUTING -i vbr0 -p tcp -dport 443 -j DNAT --to 198.51.100.200 :443"


def test_talk_port_forward_is_read_and_flagged() -> None:
    conf = parse_nat_commands([(TALK_DNAT, SourceRef("interfaces", 20))])
    (rule,) = conf.rules
    assert (
        rule.kind,
        rule.chain,
        rule.in_interface,
        rule.protocol,
        rule.dport,
        rule.to_address,
        rule.to_port,
    ) == ("dnat", "PREROUTING", "vbr0", "tcp", "443", "198.51.100.200", "443")
    assert (rule.hook, rule.origin, rule.source) == ("post-up", "hook", SourceRef("interfaces", 20))
    assert len(conf.warnings) == 2 and all(w.line == 20 for w in conf.warnings)


def test_down_hooks_and_deletions_add_nothing() -> None:
    conf = parse_nat_commands(
        [
            ("post-down iptables -t nat -D POSTROUTING -s 192.0.2.0/24 -o vmbr0 -j MASQUERADE", None),
            ("iptables -t nat -D POSTROUTING -s 192.0.2.0/24 -o vmbr0 -j MASQUERADE", None),
        ]
    )
    assert not conf.rules
    assert [i.reason for i in conf.ignored] == [
        "post-down hook (undoes the up hooks)",
        "deletes a rule (cleanup)",
    ]


def test_forwarding_from_echo_and_sysctl() -> None:
    conf = parse_nat_commands(
        [
            ("post-up echo 1 > /proc/sys/net/ipv4/ip_forward", None),
            ("post-up echo 1 > /proc/sys/net/ipv4/conf/vmbr0.100/proxy_arp", None),
            ("post-up sysctl -w net.ipv6.conf.all.forwarding=1", None),
        ]
    )
    f = conf.forwarding
    assert (f.ipv4, f.ipv6, f.proxy_arp) == (True, True, ("vmbr0.100",))


def test_hook_options_from_the_interfaces_model() -> None:
    hooks = [
        Option(
            "post-up",
            "iptables -t nat -A POSTROUTING -s 192.0.2.0/24 -o eno1 -j MASQUERADE",
            "post-up",
            "inet",
            SourceRef("/etc/network/interfaces", 12),
        )
    ]
    (rule,) = parse_nat_hooks(hooks).rules
    assert (rule.kind, rule.src, rule.out_interface, rule.hook) == (
        "masquerade",
        "192.0.2.0/24",
        "eno1",
        "post-up",
    )


def test_commands_for_other_programs_keep_only_their_name() -> None:
    conf = parse_nat_commands([("post-up /usr/local/bin/vpn-up --password hunter2", None)])
    assert [i.text for i in conf.ignored] == ["vpn-up"]


def test_iptables_save_counts_other_tables() -> None:
    text = (
        "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n*nat\n:POSTROUTING ACCEPT [0:0]\n"
        "-A POSTROUTING -s 192.0.2.0/24 -j SNAT --to-source 203.0.113.1\nCOMMIT\n"
    )
    conf = parse_iptables_save_text(text, "save")
    assert (len(conf.rules), conf.other_rules, [c.name for c in conf.chains]) == (1, 1, ["POSTROUTING"])
    assert conf.rules[0].to_source == "203.0.113.1" and conf.rules[0].source == SourceRef("save", 7)


def test_sysctl_last_setting_wins() -> None:
    conf = parse_sysctl_text("net.ipv4.ip_forward=1\nnet/ipv4/conf/all/forwarding = 0\n", "s")
    assert conf.forwarding.ipv4 is False
    assert [s.key for s in conf.settings] == ["net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding"]


HOOK_FRAGMENTS = [
    "post-up",
    "up",
    "post-down",
    "iptables",
    "-t",
    "nat",
    "-A",
    "-D",
    "-I",
    "PREROUTING",
    "-j",
    "DNAT",
    "MASQUERADE",
    "--to",
    ":443",
    "-dport",
    "!",
    "'",
    '"',
    ";",
    "&&",
    ">",
    "echo",
    "1",
    "/proc/sys/net/ipv4/ip_forward",
    "sysctl",
    "-w",
    "ip",
    "route",
    "add",
    "via",
    "dev",
    "-p",
    "tcp",
]


@FAST
@given(
    st.lists(
        st.one_of(st.text(max_size=30), lines_of(HOOK_FRAGMENTS).map(lambda t: t.replace("\n", " "))),
        max_size=6,
    )
)
def test_arbitrary_hook_commands_never_raise(commands: list[str]) -> None:
    conf = parses_or_parse_error(
        parse_nat_commands, [(c, SourceRef("i", n)) for n, c in enumerate(commands, 1)]
    )
    assert conf is not None


@FAST
@given(
    st.one_of(
        st.text(),
        lines_of(
            [
                "*nat",
                "*filter",
                "COMMIT",
                ":PREROUTING ACCEPT [1:2]",
                "-A",
                "POSTROUTING",
                "-j",
                "MASQUERADE",
                "[1:2]",
                "--to-destination",
                "#",
                "-s",
                "!",
            ]
        ),
    )
)
def test_arbitrary_iptables_save_never_raises(text: str) -> None:
    conf = parses_or_parse_error(parse_iptables_save_text, text, "save")
    assert conf is not None
    assert len(conf.rules) <= len(re.findall(r"-A", text))


@FAST
@given(
    st.one_of(st.text(), lines_of(["net.ipv4.ip_forward", "=", "1", "0", "-", "#", ";", "/", "proxy_arp"]))
)
def test_arbitrary_sysctl_never_raises(text: str) -> None:
    assert parses_or_parse_error(parse_sysctl_text, text, "s") is not None


REFERENCE = [
    p
    for p in reference_files("proxmox", "interfaces") + reference_files("proxmox", "sdn")
    if hook_lines(p.read_text(encoding="utf-8"))
]


@pytest.mark.parametrize("path", REFERENCE or [None], ids=lambda p: p.name if p else "absent")
def test_reference_hooks_are_all_accounted_for(path) -> None:  # type: ignore[no-untyped-def]
    """Every hook command becomes a rule, a setting, a route or an ignored entry, never nothing."""
    if path is None:
        pytest.skip("no interfaces samples with hooks under the shared reference")
    lines = hook_lines(path.read_text(encoding="utf-8"))
    conf = parse_nat_commands([(text, SourceRef(str(path), n)) for text, n in lines])
    simple = sum(len([c for c in re.split(r";|&&|\|\|", text) if c.strip()]) for text, _ in lines)
    assert len(conf.rules) + len(conf.sysctls) + len(conf.routes) + len(conf.ignored) == simple
    nat_adds = [t for t, _ in lines if re.match(r"(pre-|post-)?up\s.*iptables.*-t nat.*-[AI] ", t)]
    assert len(conf.rules) == len(nat_adds)
    proc = [t for t, _ in lines if re.match(r"(pre-|post-)?up\s+echo .*> */proc/sys/", t)]
    assert len(conf.sysctls) >= len(proc)


@pytest.mark.parametrize("case", case_params("nat-hooks"))
def test_hooks_from_the_ifupdown_parser_match_the_goldens(case: Path) -> None:
    """The interfaces parser's hook options give exactly the golden result (the way build will call it)."""
    files, path = case_input(case)
    config = parse_interfaces(files, path)
    hooks = [h for iface in config.interfaces for h in iface.hooks]
    hooks.sort(key=lambda h: h.source.line if h.source else 0)
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert to_jsonable(parse_nat_hooks(hooks)) == expected
