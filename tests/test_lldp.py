"""LLDP parser: golden folders (tests/fixtures/lldp/<case>/) and the json shape flips.

A case folder holds `lldpctl-f-<format>[.<variant>].<ext>` files; each is parsed with the detecting
kind `lldp`, must be detected as the format its name says, and must parse identically with the
explicit kind. When a case holds several formats of the same neighbours, they must agree.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from netdoc.errors import ParseError
from netdoc.model.base import to_jsonable
from netdoc.parsers.lldp import parse_lldp, parse_lldp_json, parse_lldp_json0, parse_lldp_keyvalue
from tests.golden import case_params, check_golden

EXPLICIT = {"json0": parse_lldp_json0, "json": parse_lldp_json, "keyvalue": parse_lldp_keyvalue}
FIX = Path(__file__).parent / "fixtures" / "lldp"


def fmt_of(name: str) -> str:
    return name.removeprefix("lldpctl-f-").split(".", 1)[0]


def inputs(case: Path) -> list[Path]:
    return sorted(p for p in case.iterdir() if p.name.startswith("lldpctl-f-"))


@pytest.mark.parametrize("case", case_params("lldp"))
def test_golden(case: Path, update_golden: bool) -> None:
    assert inputs(case)
    actual = {}
    for file in inputs(case):
        files = {file.name: file.read_text(encoding="utf-8")}
        model = parse_lldp(files, file.name)
        assert model.format == fmt_of(file.name)
        assert model == EXPLICIT[model.format](files, file.name)
        actual[file.name] = to_jsonable(model)
    check_golden(case / "expected.json", actual, update_golden)


def _comparable(model):  # type: ignore[no-untyped-def]
    return [dataclasses.replace(n, source=None) for n in model.neighbors]


@pytest.mark.parametrize(
    "case", ["lab_two_neighbours", "lab_one_neighbour", "lab_no_neighbours", "several_neighbours_same_port"]
)
def test_formats_agree(case: str) -> None:
    models = {f.name: parse_lldp({f.name: f.read_text(encoding="utf-8")}, f.name) for f in inputs(FIX / case)}
    assert len(models) == 3
    first, *others = models.values()
    for other in others:
        assert _comparable(other) == _comparable(first)


def load(case: str, name: str):  # type: ignore[no-untyped-def]
    return parse_lldp({name: (FIX / case / name).read_text(encoding="utf-8")}, name)


def test_json_shape_flips_with_the_number_of_neighbours() -> None:
    one = json.loads((FIX / "lab_one_neighbour" / "lldpctl-f-json.json").read_text())
    two = json.loads((FIX / "lab_two_neighbours" / "lldpctl-f-json.json").read_text())
    assert isinstance(one["lldp"]["interface"], dict) and isinstance(two["lldp"]["interface"], list)
    assert [n.local_port for n in load("lab_one_neighbour", "lldpctl-f-json.json").neighbors] == ["swp7"]
    assert [n.local_port for n in load("lab_two_neighbours", "lldpctl-f-json.json").neighbors] == [
        "eno1",
        "eno2",
    ]


def test_neighbour_fields() -> None:
    eno2 = load("lab_two_neighbours", "lldpctl-f-json0.json").on("eno2")[0]
    assert (eno2.chassis_name, eno2.chassis_id, eno2.chassis_id_subtype) == (
        "sw-core-2",
        "4e:ec:c3:d7:1e:13",
        "mac",
    )
    assert (eno2.port_id, eno2.port_id_subtype, eno2.port_descr) == (
        "swp9",
        "ifname",
        "uplink to hv-alpha eno2",
    )
    assert eno2.mgmt_addresses == ("198.51.100.31", "fe80::4cec:c3ff:fed7:1e13")
    assert [(c.name, c.enabled) for c in eno2.capabilities] == [
        ("Bridge", True),
        ("Router", True),
        ("Wlan", False),
        ("Station", False),
    ]
    assert (eno2.ttl_s, eno2.age_s, eno2.rid, eno2.via) == (120, 6, 1, "LLDP")


def test_chassis_keyed_by_sysname_or_unnamed() -> None:
    model = load("sonic_vlans_and_named_chassis", "lldpctl-f-json.json")
    unnamed, named = model.neighbors
    assert (unnamed.local_port, unnamed.chassis_name, unnamed.chassis_id) == (
        "Ethernet0",
        None,
        "00:11:22:33:44:55",
    )
    assert (named.local_port, named.chassis_name) == ("Ethernet100", "leaf-13.example.net")
    # a chassis whose SysName is literally "id" is not mistaken for the unnamed form
    odd = load("several_neighbours_same_port", "lldpctl-f-json.json").on("eno2")[0]
    assert (odd.chassis_name, odd.chassis_id) == ("id", "02:00:5e:00:02:01")


def test_vlans_pvid_ppvid_and_mfs() -> None:
    ethernet0 = load("sonic_vlans_and_named_chassis", "lldpctl-f-json.json").on("Ethernet0")[0]
    assert [(v.vid, v.name, v.pvid) for v in ethernet0.vlans] == [(101, None, True), (201, "vlan201", False)]
    assert (ethernet0.pvid, ethernet0.mfs_bytes) == (101, 9236)
    eno1 = load("several_neighbours_same_port", "lldpctl-f-keyvalue.txt").on("eno1")
    assert len(eno1) == 2  # two neighbours behind one port (an unmanaged switch in between)
    assert [(p.ppvid, p.supported, p.enabled) for p in eno1[0].ppvids] == [(10, True, True)]
    assert (eno1[1].chassis_id_subtype, eno1[1].ttl_s, eno1[1].age_s) == ("local", 3600, 2 * 86400 + 5)


def test_keyvalue_port_local_subtype_keeps_the_description() -> None:
    eth0 = load("keyvalue_juniper_local_port", "lldpctl-f-keyvalue.txt").on("eth0")[0]
    assert (eth0.port_id, eth0.port_id_subtype, eth0.port_descr, eth0.mfs_bytes) == (
        "512",
        "local",
        "xe-0/0/1",
        1514,
    )
    assert [(v.vid, v.name, v.pvid) for v in eth0.vlans] == [(296, "vlan-296", True)]


def test_keyvalue_multiline_sysdescr() -> None:
    eno1 = load("keyvalue_cisco_multiline", "lldpctl-f-keyvalue.txt").neighbors[0]
    assert eno1.chassis_descr is not None
    lines = eno1.chassis_descr.splitlines()
    assert lines[0].startswith("Cisco IOS Software") and lines[-1].startswith("Compiled Mon 16-Feb-15")
    assert len(lines) == 4 and eno1.mgmt_addresses == ("203.0.113.35",)
    assert [(c.name, c.enabled) for c in eno1.capabilities] == [("Bridge", True), ("Router", False)]


def test_keyvalue_keys_need_not_be_grouped() -> None:
    model = load("keyvalue_misplaced_key", "lldpctl-f-keyvalue.txt")
    assert [n.local_port for n in model.neighbors] == ["eno1", "eno2d1"]
    assert model.on("eno2d1")[0].chassis_name is None  # its name line was written under eno1
    assert model.on("eno1")[0].chassis_name == "leaf-42.example.net"


def test_keyvalue_stray_lines_are_warned_about() -> None:
    model = load("keyvalue_pvid_optional", "lldpctl-f-keyvalue.txt")
    assert [(n.local_port, n.pvid) for n in model.neighbors] == [("eth0", 300), ("eth1", None)]
    assert [(w.line, w.text) for w in model.warnings] == [(5, "# PVID is optional")]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<?xml version='1.0'?><lldp/>", "XML"),
        ("-----\nLLDP neighbors:\n-----\n", "plain text"),
        ('{"other": 1}', "no top-level `lldp`"),
        ('{"lldp": 5}', "neither an array"),
        ("{", "invalid JSON"),
    ],
)
def test_unsupported_inputs(text: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_lldp({"x": text}, "x")


def test_explicit_kind_refuses_the_other_json_shape() -> None:
    text = (FIX / "lab_one_neighbour" / "lldpctl-f-json.json").read_text()
    with pytest.raises(ParseError, match="not json0"):
        parse_lldp_json0({"x": text}, "x")
    with pytest.raises(ParseError, match="not keyvalue"):
        parse_lldp_keyvalue({"x": text}, "x")


def test_bad_values_are_warnings() -> None:
    text = "lldp.eth0.rid=x\nlldp.eth0.age=yesterday\nlldp.eth0.chassis.Bridge.enabled=maybe\nlldp.eth0.vlan.vlan-id=v1\n"
    model = parse_lldp({"k": text}, "k")
    assert len(model.neighbors) == 1 and len(model.warnings) == 4
    assert model.neighbors[0].rid is None and model.neighbors[0].age_s is None
