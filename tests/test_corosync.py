"""corosync.conf parser: semantics, broken input, property-based robustness, reference conformance."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netdoc.errors import ParseError
from netdoc.parsers.corosync import parse_corosync, parse_corosync_text
from tests.golden import reference_files
from tests.pvehyp import FAST, lines_of, parses_or_parse_error

TWO_LINKS = """totem {
  cluster_name: demo
  config_version: 4
  interface {
    linknumber: 1
    knet_link_priority: 15
  }
  interface {
    linknumber: 0
    knet_link_priority: 20
  }
  token: 3000
  token_coefficient: 125
  transport: knet
  crypto_cipher: aes256
}
nodelist {
  node {
    ring1_addr: 203.0.113.2
    ring0_addr: 198.51.100.2
    nodeid: 2
    name: pve2
  }
  node {
    nodeid: 3
    ring0_addr: 198.51.100.3
  }
}
"""


def test_links_and_priorities() -> None:
    conf = parse_corosync_text(TWO_LINKS, "corosync.conf")
    assert conf.cluster_name == "demo"
    assert conf.totem is not None
    assert [(i.number, i.knet_link_priority) for i in conf.totem.interfaces] == [(0, 20), (1, 15)]
    assert (conf.totem.token_ms, conf.totem.token_coefficient_ms, conf.totem.transport) == (3000, 125, "knet")
    assert any(k.name == "crypto_cipher" and k.value == "aes256" for k in conf.totem.keys)
    pve2 = conf.node("pve2")
    assert pve2 is not None
    assert [(link.number, link.address) for link in pve2.links] == [(0, "198.51.100.2"), (1, "203.0.113.2")]
    assert pve2.links[0].source is not None and pve2.links[0].source.line == 20
    nameless = conf.nodes[1]
    assert nameless.name is None and nameless.label == "198.51.100.3"
    assert not conf.warnings


def test_old_ringnumber_and_bindnetaddr() -> None:
    text = "totem {\n interface {\n  ringnumber: 1\n  bindnetaddr: 192.0.2.0\n }\n}\n"
    iface = parse_corosync_text(text, "c").totem.interfaces[0]  # type: ignore[union-attr]
    assert (iface.number, iface.linknumber, iface.ringnumber, iface.bindnetaddr) == (1, None, 1, "192.0.2.0")


def test_broken_braces_are_warnings_with_lines() -> None:
    text = "logging {\n debug: off\n}\n}\nnodelist {\n node {\n  name: a\n  nodeid: 1\n  ring0_addr: 192.0.2.1\n }\n"
    conf = parse_corosync_text(text, "c")
    by_line = {(w.line, w.message.split(":")[0]) for w in conf.warnings}
    assert (4, "unbalanced '}'") in by_line
    assert any(w.line == 5 and "never closed" in w.message for w in conf.warnings)
    assert [n.name for n in conf.nodes] == ["a"]  # the unclosed nodelist is still read


def test_section_name_on_its_own_line_and_one_liners() -> None:
    conf = parse_corosync_text("nodelist\n{\n node { name: x\n nodeid: 4 ring0_addr: 192.0.2.4 }\n}\n", "c")
    assert [n.name for n in conf.nodes] == ["x"]
    # "nodeid: 4 ring0_addr: ..." is one key whose value corosync would reject: not a number here
    assert conf.nodes[0].nodeid is None
    assert any("whole number" in w.message for w in conf.warnings)


def test_missing_file_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="not given"):
        parse_corosync({}, "/etc/pve/corosync.conf")


FRAGMENTS = [
    "{",
    "}",
    "node",
    "nodelist",
    "totem",
    "interface",
    "quorum",
    "ring0_addr:",
    "ring7_addr:",
    "nodeid:",
    "1",
    "linknumber: 0",
    "name: a",
    "#",
    ":",
    "knet_link_priority: x",
    "\t",
]


@FAST
@given(st.one_of(st.text(), lines_of(FRAGMENTS)))
def test_arbitrary_text_never_raises(text: str) -> None:
    conf = parses_or_parse_error(parse_corosync_text, text, "c")
    assert conf is not None
    assert all(w.path == "c" for w in conf.warnings)


REFERENCE = reference_files("proxmox", "corosync", pattern="*.conf")


@pytest.mark.parametrize("path", REFERENCE or [None], ids=lambda p: p.name if p else "absent")
def test_reference_conformance(path) -> None:  # type: ignore[no-untyped-def]
    if path is None:
        pytest.skip("no corosync samples under the shared reference")
    text = path.read_text(encoding="utf-8")
    conf = parse_corosync_text(text, str(path))
    assert len(conf.nodes) == len(re.findall(r"^\s*node\s*\{", text, re.MULTILINE))
    assert conf.totem is not None
    assert len(conf.totem.interfaces) == len(re.findall(r"^\s*interface\s*\{", text, re.MULTILINE))
    assert conf.cluster_name == re.search(r"cluster_name:\s*(\S+)", text).group(1)  # type: ignore[union-attr]
    assert all(any(link.number == 0 for link in n.links) for n in conf.nodes)
    assert not [w for w in conf.warnings if "never closed" in w.message or "unbalanced" in w.message]
