"""The bonding parser: golden cases (tests/fixtures/bonding/<case>/<bond> + expected.json), arbitrary
text, and every capture in the shared reference folder."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdoc.errors import ParseError
from netdoc.model.base import to_jsonable
from netdoc.model.bonding import BOND_MODES, lacp_state_flags
from netdoc.parsers.bonding import parse_bonding, parse_bonding_text
from tests.golden import case_params, check_golden, reference_files


def _input(case: Path) -> Path:
    inputs = [p for p in case.iterdir() if p.is_file() and p.name != "expected.json"]
    assert len(inputs) == 1, f"{case}: one input file expected, found {inputs}"
    return inputs[0]


@pytest.mark.parametrize("case", case_params("bonding"))
def test_golden(case: Path, update_golden: bool) -> None:
    src = _input(case)
    path = f"/proc/net/bonding/{src.name}"
    try:
        actual = to_jsonable(parse_bonding({path: src.read_text(encoding="utf-8")}, path))
    except ParseError as exc:
        actual = {"error": exc.one_line()}
    check_golden(case / "expected.json", actual, update_golden)


def test_every_mode_has_a_case() -> None:
    """The golden folders cover modes 0-6 and an unknown mode."""
    seen = set()
    for param in case_params("bonding"):
        text = _input(param.values[0]).read_text(encoding="utf-8")
        try:
            seen.add(parse_bonding_text(text, "/b").mode)
        except ParseError:
            continue
    assert {name for _, name in BOND_MODES.values()} | {None} <= seen


def test_positional_keys_go_to_their_block() -> None:
    text = (
        "Bonding Mode: IEEE 802.3ad Dynamic link aggregation\nMII Status: down\n\n802.3ad info\n"
        "System priority: 100\nActive Aggregator Info:\n\tAggregator ID: 7\n\n"
        "Slave Interface: a\nMII Status: up\nAggregator ID: 8\ndetails actor lacp pdu:\n"
        "    system priority: 200\n    port state: 63\ndetails partner lacp pdu:\n    system priority: 300\n"
    )
    bond = parse_bonding_text(text, "/proc/net/bonding/bond7")
    assert bond.name == "bond7" and bond.mii_status == "down"
    assert bond.lacp and bond.lacp.system_priority == 100
    assert bond.lacp.active_aggregator and bond.lacp.active_aggregator.aggregator_id == 7
    slave = bond.slaves[0]
    assert (slave.mii_status, slave.aggregator_id) == ("up", 8)
    assert slave.actor_lacp_pdu and slave.actor_lacp_pdu.system_priority == 200
    assert slave.partner_lacp_pdu and slave.partner_lacp_pdu.system_priority == 300
    assert slave.actor_lacp_pdu.port_state_flags == lacp_state_flags(63)
    assert lacp_state_flags(61) == (
        "activity",
        "aggregation",
        "synchronization",
        "collecting",
        "distributing",
    )


def test_unprivileged_read_is_unknown_not_an_error() -> None:
    text = "Bonding Mode: IEEE 802.3ad Dynamic link aggregation\n\n802.3ad info\nLACP rate: slow\n"
    bond = parse_bonding_text(text, "/b")
    assert bond.lacp is not None
    assert (bond.lacp.system_mac, bond.lacp.has_active_aggregator, bond.lacp.active_aggregator) == (None,) * 3
    assert bond.warnings == ()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_arbitrary_text_never_raises_anything_but_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse_bonding_text(text, "/proc/net/bonding/bond0")


_LINES = st.sampled_from(
    [
        "Slave Interface: eth0",
        "MII Status: up",
        "Aggregator ID: N/A",
        "Aggregator ID: x",
        "details actor lacp pdu:",
        "details partner lacp pdu:",
        "    port state: 999",
        "Active Aggregator Info:",
        "\tPartner Mac Address: 00:00:00:00:00:00",
        "802.3ad info",
        "bond bond0 has no active aggregator",
        "Bonding Mode: unknown",
        "Speed: fast",
        "Speed",
        "Primary Slave: (x)",
        "Transmit Hash Policy: ",
        "LACP active: maybe",
        "",
        ":",
        "::: :",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, max_size=30))
def test_shuffled_bonding_lines_never_crash(lines: list[str]) -> None:
    try:
        bond = parse_bonding_text("\n".join(lines), "/proc/net/bonding/bond0")
    except ParseError:
        return
    assert len(bond.slaves) == sum(1 for ln in lines if ln.startswith("Slave Interface:"))


REFERENCE = reference_files("linux", "bonding", pattern="*.txt")


@pytest.mark.skipif(not REFERENCE, reason="shared reference folder not present")
@pytest.mark.parametrize("path", REFERENCE, ids=lambda p: p.name)
def test_reference_captures(path: Path) -> None:
    """Every real capture parses; as many slaves as `Slave Interface` lines, each named."""
    text = path.read_text(encoding="utf-8")
    try:
        bond = parse_bonding_text(text, str(path))
    except ParseError:
        assert not any(ln.strip() for ln in text.splitlines()), f"{path.name} raised but has content"
        return
    expected = sum(1 for ln in text.splitlines() if ln.strip().startswith("Slave Interface:"))
    assert len(bond.slaves) == expected
    assert all(s.name for s in bond.slaves)
    if "Bonding Mode:" in text:
        assert bond.mode_text


def test_text_view_shows_zero_counts() -> None:
    """`netdoc parse bonding FILE` (no --json) keeps 0 values: a count of 0 is a fact, not an empty field."""
    from netdoc.render.text import model_text

    text = "Bonding Mode: load balancing (round-robin)\n\nSlave Interface: eth0\nLink Failure Count: 0\n"
    view = model_text(parse_bonding_text(text, "/proc/net/bonding/bond0"))
    assert "mode_number: 0" in view and "link_failure_count: 0" in view
