"""The Open vSwitch parsers: golden cases (tests/fixtures/ovs/<case>/ovs-vsctl-* + expected.json),
arbitrary input, and every capture in the shared reference folder."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdoc.errors import ParseError
from netdoc.model.base import to_jsonable
from netdoc.model.ovs import OvsUuid
from netdoc.parsers.ovs import guess_table, parse_ovs_json, parse_ovs_list, parse_ovs_show
from netdoc.parsers.ovsdb_text import parse_name, parse_value
from tests.golden import case_params, check_golden, reference_files

FOLDER = "/commands"


def _parse_case(case: Path) -> object:
    """The kind is told by the file names: ovs-vsctl-show.txt, *.json listings, *.txt listings."""
    names = sorted(p.name for p in case.iterdir() if p.is_file() and p.name != "expected.json")
    files = {f"{FOLDER}/{n}": (case / n).read_text(encoding="utf-8") for n in names}
    if "ovs-vsctl-show.txt" in names:
        return parse_ovs_show(files, f"{FOLDER}/ovs-vsctl-show.txt")
    jsons = [n for n in names if n.endswith(".json")]
    listing = jsons or [n for n in names if n.endswith(".txt")]
    entry = next((n for n in listing if "bridge" in n.lower()), listing[0])
    parse = parse_ovs_json if jsons else parse_ovs_list
    return parse(files, f"{FOLDER}/{entry}")


@pytest.mark.parametrize("case", case_params("ovs"))
def test_golden(case: Path, update_golden: bool) -> None:
    try:
        actual = to_jsonable(_parse_case(case))
    except ParseError as exc:
        actual = {"error": exc.one_line()}
    check_golden(case / "expected.json", actual, update_golden)


def test_show_tolerates_tabs_and_de_indentation() -> None:
    """The same topology, indented with spaces, TABs or not at all, parses the same."""
    spaced = (
        "0f3c1a52-6c3e-4f4b-8d3e-2b1c9a7d5e61\n    Bridge vmbr0\n        Port bond0\n            tag: 5\n"
        "            Interface eno1\n            Interface eno2\n                type: system\n"
        '    ovs_version: "3.1.0"\n'
    )
    tabbed = spaced.replace("    ", "\t")
    flat = "\n".join(line.strip() for line in spaced.splitlines())
    shapes = [parse_ovs_show({"/s": t}, "/s").as_shown() for t in (spaced, tabbed, flat)]
    assert shapes[0] == shapes[1] == shapes[2]
    port = shapes[0].bridges[0].ports[0]
    assert (port.bond, port.tag, [i.name for i in port.interfaces]) == (True, 5, ["eno1", "eno2"])


def test_quoting_eras_give_the_same_names() -> None:
    old = 'x\n    Bridge "br0"\n        Port "eth0"\n            Interface "eth0"\n                options: {peer="p1"}\n'
    new = "x\n    Bridge br0\n        Port eth0\n            Interface eth0\n                options: {peer=p1}\n"
    a, b = (parse_ovs_show({"/s": t}, "/s").as_shown() for t in (old, new))
    assert a == b and a.bridges[0].ports[0].interfaces[0].options == {"peer": "p1"}


def test_one_element_set_is_its_bare_atom() -> None:
    """`tag` is 100 or ["set", []]; `trunks` [10] may be the bare 10: the model does not care."""
    doc = {
        "headings": ["_uuid", "name", "interfaces", "tag", "trunks"],
        "data": [
            [["uuid", "00000000-0000-4000-8000-000000000001"], "a", ["set", []], 100, 10],
            [
                ["uuid", "00000000-0000-4000-8000-000000000002"],
                "b",
                ["set", []],
                ["set", []],
                ["set", [10, 20]],
            ],
        ],
    }
    bridge = {
        "headings": ["_uuid", "name", "ports"],
        "data": [
            [
                ["uuid", "00000000-0000-4000-8000-0000000000b0"],
                "br",
                [
                    "set",
                    [
                        ["uuid", "00000000-0000-4000-8000-000000000001"],
                        ["uuid", "00000000-0000-4000-8000-000000000002"],
                    ],
                ],
            ]
        ],
    }
    files = {"/c/list-port.json": json.dumps(doc), "/c/list-bridge.json": json.dumps(bridge)}
    db = parse_ovs_json(files, "/c/list-bridge.json")
    ports = {p.name: p for p in db.topology.bridges[0].ports}
    assert (ports["a"].tag, ports["a"].trunks) == (100, (10,))
    assert (ports["b"].tag, ports["b"].trunks) == (None, (10, 20))
    assert db.tables[1].rows[0].columns["tag"] == 100 and db.tables[1].rows[1].columns["tag"] == ()


def test_guess_table() -> None:
    assert guess_table([], "/x/ovs-vsctl-list-port.json") == "Port"
    assert guess_table([], "/x/xcpng_vsctl_json_INTERFACE_LIST_JSON.json") == "Interface"
    assert guess_table([], "/x/openstack__ovs-vsctl_-t_5_list_Open_vSwitch") == "Open_vSwitch"
    assert guess_table([], "/x/insights_list_OVS_VSCTL_LIST_BRIDGES_ALL.txt") == "Bridge"
    assert guess_table(["_uuid", "agent", "sampling"], "/x/out.json") == "sFlow"
    assert guess_table(["_uuid", "foo"], None) is None


def test_text_values() -> None:
    assert parse_value('{a="1", b=c, "k y"="v,=:w"}') == {"a": "1", "b": "c", "k y": "v,=:w"}
    assert parse_value("[1, 2, 3]") == (1, 2, 3)
    assert parse_value('"true"') == "true" and parse_value("true") is True
    assert parse_value("1e0c4a7e-0a4b-4f5e-9c2d-3b4a5c6d7e8f") == OvsUuid(
        "1e0c4a7e-0a4b-4f5e-9c2d-3b4a5c6d7e8f"
    )
    assert parse_value("[]") == () and parse_value("{}") == {}
    with pytest.raises(ValueError):
        parse_value("{a=1")


_NAMES = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20)


@settings(max_examples=300, deadline=None)
@given(_NAMES)
def test_a_quoted_name_reads_back(name: str) -> None:
    """OVS quotes names with JSON escapes; whatever the name, it reads back unchanged."""
    assert parse_name(json.dumps(name, ensure_ascii=False)) == (name, "")
    assert parse_name(json.dumps(name)) == (name, "")


_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
_SHOW_LINES = st.lists(
    st.sampled_from(
        [
            "0f3c1a52-6c3e-4f4b-8d3e-2b1c9a7d5e61",
            'Manager "ptcp:6640"',
            "is_connected: true",
            "Bridge br0",
            'Bridge "b r"',
            "Controller x",
            "fail_mode: secure",
            "Port p",
            'Port "q\\"',
            "tag: 5",
            "tag: x",
            "trunks: [1, 2",
            "trunks: [1, 2]",
            "Interface i",
            "type: vxlan",
            'options: {a=b, c="d"}',
            "options: {a=",
            'error: "e"',
            "bfd_status: {}",
            'ovs_version: "3.1.0"',
            "[...]",
            "",
            "Port",
            "ovs-vsctl: no",
            "\tPort t",
            "other: 1",
        ]
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_show_arbitrary_text(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse_ovs_show({"/s": text}, "/s")


@settings(max_examples=300, deadline=None)
@given(_SHOW_LINES)
def test_show_line_soup_keeps_every_port_and_interface(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        topo = parse_ovs_show({"/s": text}, "/s")
    except ParseError:
        return
    ports = [p for b in topo.bridges for p in b.ports]
    # a port made up for an Interface outside any Port has the Interface line as its source
    explicit = [p for p in ports if p.source and re.match(r"^\s*Port(\s|$)", lines[p.source.line - 1])]
    assert len(explicit) == sum(1 for ln in lines if re.match(r"^\s*Port(\s|$)", ln))
    assert sum(len(p.interfaces) for p in ports) == sum(1 for ln in lines if ln.startswith("Interface"))


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_json_arbitrary_text(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse_ovs_json({"/c/list-port.json": text}, "/c/list-port.json")


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=5)
    | st.sampled_from(["set", "map", "uuid", "named-uuid"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=8), max_size=5), st.lists(st.lists(_JSON, max_size=6), max_size=4))
def test_json_arbitrary_cells(headings: list[str], rows: list[list[object]]) -> None:
    """Any JSON in the cells: a table of as many rows as data rows, or a ParseError."""
    text = json.dumps({"data": rows, "headings": headings})
    try:
        db = parse_ovs_json({"/c/list-bridge.json": text}, "/c/list-bridge.json")
    except ParseError:
        return
    assert len(db.tables[0].rows) == len(rows)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_list_arbitrary_text(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse_ovs_list({"/c/list-bridge.txt": text}, "/c/list-bridge.txt")


# ------------------------------------------------------------------------------ the reference

OVS_REFERENCE = reference_files("linux", "ovs")


def _ovs_files(kind: str) -> list[Path]:
    if kind == "show":
        return [p for p in OVS_REFERENCE if "show" in p.name]
    if kind == "json":
        return [p for p in OVS_REFERENCE if p.suffix == ".json"]
    return [p for p in OVS_REFERENCE if re.search(r"list_|LIST_", p.name) and p.suffix != ".json"]


@pytest.mark.skipif(not OVS_REFERENCE, reason="shared reference folder not present")
@pytest.mark.parametrize("path", _ovs_files("show"), ids=lambda p: p.name)
def test_reference_show(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    topo = parse_ovs_show({str(path): text}, str(path))
    ports = [p for b in topo.bridges for p in b.ports]
    lines = text.splitlines()
    # a bridge made up for ports outside any Bridge line (a fragment) has a Port line as its source
    real = [b for b in topo.bridges if b.source and lines[b.source.line - 1].strip().startswith("Bridge")]
    assert len(real) == len(re.findall(r"^\s*Bridge\s", text, re.M))
    assert len(ports) == len(re.findall(r"^\s*Port\s", text, re.M))
    assert sum(len(p.interfaces) for p in ports) == len(re.findall(r"^\s*Interface\s", text, re.M))


@pytest.mark.skipif(not OVS_REFERENCE, reason="shared reference folder not present")
@pytest.mark.parametrize("path", _ovs_files("json"), ids=lambda p: p.name)
def test_reference_json(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    db = parse_ovs_json({str(path): text}, str(path))
    assert [len(t.rows) for t in db.tables] == [len(json.loads(text)["data"])]
    assert db.tables[0].table is not None


@pytest.mark.skipif(not OVS_REFERENCE, reason="shared reference folder not present")
@pytest.mark.parametrize("path", _ovs_files("list"), ids=lambda p: p.name)
def test_reference_list(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    db = parse_ovs_list({str(path): text}, str(path))
    lines = [ln for ln in text.splitlines() if ln.strip()]
    first = lines[0].split(":")[0].strip() if lines else None
    expected = sum(1 for ln in lines if ln.split(":")[0].strip() == first)
    assert len(db.tables[0].rows) == expected


@pytest.mark.skipif(not OVS_REFERENCE, reason="shared reference folder not present")
@pytest.mark.parametrize("path", OVS_REFERENCE, ids=lambda p: p.name)
def test_reference_no_crash_with_any_kind(path: Path) -> None:
    """Every file, read as any of the three kinds, parses or raises ParseError, nothing else."""
    text = path.read_text(encoding="utf-8", errors="replace")
    for parse in (parse_ovs_show, parse_ovs_json, parse_ovs_list):
        with contextlib.suppress(ParseError):
            parse({str(path): text}, str(path))
