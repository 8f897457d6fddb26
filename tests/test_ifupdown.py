"""Tests of the interfaces parser: golden folders, properties, decisions, reference files, the CLI."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netdoc.cli import main as cli_main
from netdoc.errors import ParseError
from netdoc.model.base import to_jsonable
from netdoc.model.interfaces import CommentPlacement, InterfaceKind, InterfacesConfig
from netdoc.parsers.ifupdown import logical_lines, parse_interfaces
from netdoc.parsers.kinds import get_kind
from tests.golden import check_golden, reference_files
from tests.ifupdown_cases import ENTRY, PENDING, case_files, fixture_cases, reference_interfaces

CASES = [pytest.param(p, id=p.name) for p in fixture_cases()]


def parse(text: str, **more: str) -> InterfacesConfig:
    return parse_interfaces({ENTRY: text, **more}, ENTRY)


# ------------------------------------------------------------------------------------------ golden


@pytest.mark.parametrize("case", CASES)
def test_golden(case: Path, update_golden: bool) -> None:
    files = case_files(case)
    check_golden(case / "expected.json", to_jsonable(parse_interfaces(files, ENTRY)), update_golden)
    if PENDING in files:
        check_golden(case / "expected.new.json", to_jsonable(parse_interfaces(files, PENDING)), update_golden)


def test_enough_golden_cases() -> None:
    assert len(CASES) >= 30


# ------------------------------------------------------------------------------------------ properties

LINES = [
    "auto lo",
    "iface lo inet loopback",
    "iface vmbr0 inet static",
    "iface vmbr0",
    "iface bond0 inet6 dhcp",
    "iface eth0.5 inet manual",
    "iface swp[1-3]",
    "\taddress 192.0.2.1/24",
    "\taddress 2001:db8::1",
    "  netmask 255.255.255.0",
    "  netmask 64",
    "\tgateway 192.0.2.254",
    "\tbridge-ports eno1 eno2 # uplinks",
    "\tbridge_ports none",
    "\tbond-slaves eno1",
    "\tbond-master bond0",
    "\tbond_mode 4",
    "\tovs_type OVSBridge",
    "\tovs_type OVSIntPort",
    "\tovs_bridge vmbr0",
    "\tovs_ports bond0 eno1",
    "\tovs_options tag=10 trunks=1,2-4 bond_mode=balance-tcp lacp=active",
    "\tmtu 9000",
    "\tvlan-id 100",
    "\tvlan-raw-device bond0",
    "iface lo:ospf",
    "iface mgmt",
    "\tvrf-table auto",
    "\tvrf mgmt",
    "\tvrf vmbr0",
    "\tlink-type veth",
    "\tlink-type dummy",
    "\tveth-peer-name vmbr0",
    "\tmacvlan-physdev eno1",
    "\tpost-up iptables -t nat -A POSTROUTING -j MASQUERADE # nat",
    "# a comment",
    "",
    "   ",
    "source /etc/network/interfaces.d/*",
    "source x",
    "source-directory interfaces.d",
    "allow-ovs vmbr0",
    "allow-vmbr0 bond0",
    "mapping eth0",
    "  map a b",
    "vlan br0.100",
    "%for x in y:",
    "<%",
    "%>",
    "continued \\",
    "\\",
    "iface",
    "auto",
    "garbage words here",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    cfg = parse(text)
    assert cfg.entry == ENTRY
    json.dumps(to_jsonable(cfg))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(LINES), max_size=40),
    st.lists(st.sampled_from(LINES), max_size=10),
)
def test_mixtures_of_valid_lines_never_raise(lines: list[str], included: list[str]) -> None:
    cfg = parse(
        "\n".join(lines),
        **{
            "/etc/network/interfaces.d/x": "\n".join(included),
            "/etc/network/interfaces.d/y": "source ../interfaces",
        },
    )
    names = [i.name for i in cfg.interfaces]
    assert len(names) == len(set(names)), "one Interface per name"
    for iface in cfg.interfaces:
        assert all(o in iface.options for o in iface.hooks)
        assert iface.source is not None
    for w in cfg.warnings:
        assert w.line is None or w.line >= 1


def test_missing_entry_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="not among the files"):
        parse_interfaces({}, ENTRY)


# ------------------------------------------------------------------------------------------ decisions


def test_end_of_line_hash_is_cut_from_values_kept_verbatim_and_warned() -> None:
    cfg = parse("iface vmbr0 inet static\n address 192.0.2.1/24 # ip\n bridge_ports eno1 # nic\n")
    vmbr0 = cfg.get("vmbr0")
    assert vmbr0 is not None
    assert vmbr0.members == ("eno1",)
    assert [a.cidr for a in vmbr0.addresses] == ["192.0.2.1/24"]
    assert [o.value for o in vmbr0.options] == ["192.0.2.1/24 # ip", "eno1 # nic"]
    assert [(c.text, c.placement) for c in vmbr0.comments] == [
        ("ip", CommentPlacement.END_OF_LINE),
        ("nic", CommentPlacement.END_OF_LINE),
    ]
    assert sum("not a comment" in w.message for w in cfg.warnings) == 2


def test_hash_inside_a_hook_is_the_shells_business() -> None:
    cfg = parse("iface vmbr0 inet manual\n post-up echo 1 # on\n")
    vmbr0 = cfg.get("vmbr0")
    assert vmbr0 is not None and vmbr0.hooks[0].value == "echo 1 # on"
    assert not vmbr0.comments and not cfg.warnings


def test_comments_inside_before_and_dropped() -> None:
    text = "# file header\n\nauto eno1\n#about eno1\niface eno1 inet manual\n#inside\n\n#lost\n\niface eno2 inet manual\n"
    cfg = parse(text)
    eno1, eno2 = cfg.get("eno1"), cfg.get("eno2")
    assert eno1 is not None and eno2 is not None
    assert [(c.text, c.placement.value) for c in eno1.comments] == [
        ("about eno1", "before"),
        ("inside", "inside"),
    ]
    assert eno2.comments == ()


def test_blank_line_does_not_end_a_stanza() -> None:
    cfg = parse("iface vmbr0 inet static\n address 192.0.2.1/24\n\n\n post-up true\n")
    vmbr0 = cfg.get("vmbr0")
    assert vmbr0 is not None and [h.value for h in vmbr0.hooks] == ["true"]


def test_stanzas_of_one_name_merge_across_files() -> None:
    cfg = parse(
        "iface vmbr0 inet static\n address 192.0.2.1/24\n ovs_type OVSBridge\n ovs_ports eth0\n"
        "iface vmbr0 inet6 static\n address 2001:db8::1/64\nsource interfaces.d/*\n",
        **{"/etc/network/interfaces.d/sdn": "iface vmbr0\n\tovs_ports ln_vnet\n"},
    )
    vmbr0 = cfg.get("vmbr0")
    assert vmbr0 is not None
    assert vmbr0.kind == InterfaceKind.OVS_BRIDGE
    assert vmbr0.members == ("eth0", "ln_vnet")
    assert [a.cidr for a in vmbr0.addresses] == ["192.0.2.1/24", "2001:db8::1/64"]
    assert (vmbr0.method, vmbr0.method6) == ("static", "static")
    assert [s.source.path for s in vmbr0.stanzas if s.source] == [
        ENTRY,
        ENTRY,
        "/etc/network/interfaces.d/sdn",
    ]
    assert cfg.files == (ENTRY, "/etc/network/interfaces.d/sdn")


def test_pending_file_is_its_own_entry() -> None:
    files = {
        ENTRY: "iface vmbr0 inet manual\n bridge-ports eno1\n",
        PENDING: "iface vmbr0 inet manual\n bridge-ports eno2\n",
    }
    current, pending = parse_interfaces(files, ENTRY), parse_interfaces(files, PENDING)
    assert current.files == (ENTRY,) and pending.files == (PENDING,)
    assert current.interfaces[0].members == ("eno1",) and pending.interfaces[0].members == ("eno2",)


def test_missing_include_is_a_warning_and_empty_glob_is_not() -> None:
    cfg = parse("source /etc/network/gone\nsource /etc/network/interfaces.d/*\n")
    assert [i.resolved for i in cfg.includes] == [(), ()]
    assert [w.line for w in cfg.warnings] == [1]


def test_vlan_detection() -> None:
    cfg = parse(
        "iface eno1.50 inet manual\niface bond0.100.10 inet manual\niface vmbr0v5 inet manual\n bridge-ports eno1.5\n"
        "iface zmgmt inet manual\n vlan-raw-device vmbr0\n vlan-id 7\n"
    )
    got = {i.name: (i.kind.value, i.vlan_id, i.vlan_raw_device) for i in cfg.interfaces}
    assert got == {
        "eno1.50": ("vlan", 50, "eno1"),
        "bond0.100.10": ("vlan", 10, "bond0.100"),
        "vmbr0v5": ("bridge", 5, None),
        "zmgmt": ("vlan", 7, "vmbr0"),
    }


def test_link_kinds_and_their_relations() -> None:
    cfg = parse(
        "iface lo inet loopback\niface lo:ospf inet static\n address 198.51.100.1/32\n"
        "iface eno1 inet manual\n vrf mgmt\niface eno1:1 inet static\n address 192.0.2.2/24\n"
        "iface eno1:mgmt\n address 203.0.113.2/24\niface mgmt\n vrf-table auto\n"
        "iface t1\n vrf-table 1001\niface vmbr1\n bridge-ports none\n vrf t1\n"
        "iface ln_z\n link-type veth\n veth-peer-name pr_z\niface pr_z\n link-type veth\n veth-peer-name ln_z\n"
        "iface dummy0\n link-type dummy\niface mv0\n link-type macvlan\n macvlan-physdev eno1\n"
        "iface vx\n vxlan-id 9\n vxlan-physdev eno1\niface eno1.9\n"
    )
    got = {i.name: (i.kind.value, i.parent, i.peer, i.vrf, i.vrf_table, i.members) for i in cfg.interfaces}
    assert got == {
        "lo": ("loopback", None, None, None, None, ()),
        "lo:ospf": ("alias", "lo", None, None, None, ()),
        "eno1": ("physical", None, None, "mgmt", None, ()),
        "eno1:1": ("alias", "eno1", None, None, None, ()),
        "eno1:mgmt": ("alias", "eno1", None, None, None, ()),
        "mgmt": ("vrf", None, None, None, "auto", ("eno1",)),
        "t1": ("vrf", None, None, None, "1001", ("vmbr1",)),
        "vmbr1": ("bridge", None, None, "t1", None, ()),
        "ln_z": ("veth", None, "pr_z", None, None, ()),
        "pr_z": ("veth", None, "ln_z", None, None, ()),
        "dummy0": ("dummy", None, None, None, None, ()),
        "mv0": ("macvlan", "eno1", None, None, None, ()),
        "vx": ("vxlan", "eno1", None, None, None, ()),
        "eno1.9": ("vlan", "eno1", None, None, None, ()),
    }
    assert cfg.warnings == ()


def test_logical_lines_join_continuations() -> None:
    lines = logical_lines("a \\\n  b \\\n c\n# x \\\nd\n")
    assert [(ln.no, ln.text) for ln in lines] == [(1, "a b c"), (4, "# x \\"), (5, "d"), (6, "")]


# ------------------------------------------------------------------------------------------ reference


REFERENCE_FILES = reference_interfaces(all_files=True)


@pytest.mark.skipif(not REFERENCE_FILES, reason="../shared/reference is absent")
@pytest.mark.parametrize("path", REFERENCE_FILES, ids=lambda p: p.name)
def test_reference_file_invariants(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    cfg = parse(text)
    n_lines = text.count("\n") + 1
    for iface in cfg.interfaces:
        assert iface.source is not None and 1 <= iface.source.line <= n_lines
        for a in iface.addresses:
            assert a.family in ("inet", "inet6") and "/" in a.cidr
        for o in iface.options:
            assert o.source is not None and o.value and o.name == o.spelled.replace("_", "-")
        if iface.kind == InterfaceKind.VLAN:
            assert iface.vlan_id is None or 1 <= iface.vlan_id <= 4094
    for w in cfg.warnings:
        assert w.line is None or 1 <= w.line <= n_lines


@pytest.mark.skipif(not REFERENCE_FILES, reason="../shared/reference is absent")
def test_reference_link_kinds_are_classified() -> None:
    """No VRF, veth, dummy, macvlan or alias label of the reference files stays `unknown`: each
    stanza's own options (and name) say what it is, and its relations are filled in."""
    link_types = {"veth": InterfaceKind.VETH, "dummy": InterfaceKind.DUMMY, "macvlan": InterfaceKind.MACVLAN}
    seen: Counter[InterfaceKind] = Counter()
    for path in reference_interfaces():
        cfg = parse(path.read_bytes().decode("utf-8", "replace"))
        by_name = {i.name: i for i in cfg.interfaces}
        for iface in cfg.interfaces:
            first = {o.name: o.value.split()[0] for o in iface.options if o.value.split()}
            where = f"{path.name}: {iface.name}"
            if ":" in iface.name:
                want: InterfaceKind | None = InterfaceKind.ALIAS
                assert iface.parent == iface.name.split(":")[0], where
            elif "vrf-table" in first:
                want = InterfaceKind.VRF
                assert iface.vrf_table == first["vrf-table"], where
            elif first.get("link-type") in link_types:
                want = link_types[first["link-type"]]
            elif "macvlan-physdev" in first:
                want = InterfaceKind.MACVLAN
            else:
                want = None
            if want is not None:
                assert iface.kind == want, where
                seen[want] += 1
            if "veth-peer-name" in first:
                assert iface.peer == first["veth-peer-name"], where
            vrf = by_name.get(first.get("vrf", ""))
            if vrf is not None and vrf.kind == InterfaceKind.VRF:
                assert iface.vrf == vrf.name and iface.name in vrf.members, where
            if iface.kind == InterfaceKind.VLAN:
                assert iface.parent == iface.vlan_raw_device, where
    # what the corpus holds today (pve-docs EVPN examples, pve-network SDN outputs, ifupdown2's)
    assert seen[InterfaceKind.VRF] >= 10 and seen[InterfaceKind.VETH] >= 6 and seen[InterfaceKind.ALIAS] >= 2


def test_reference_files_are_found_when_present() -> None:
    if not reference_files("proxmox", "interfaces"):
        pytest.skip("../shared/reference is absent")
    assert len(reference_interfaces()) >= 70


@pytest.mark.skipif(not REFERENCE_FILES, reason="../shared/reference is absent")
def test_cli_prints_every_reference_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert get_kind("interfaces").multi_file
    for path in REFERENCE_FILES:
        assert cli_main(["parse", "interfaces", str(path), "--json"]) == 0, path
        out = json.loads(capsys.readouterr().out)
        assert out["entry"].endswith(path.name) and isinstance(out["interfaces"], list)


def test_cli_names_local_files_in_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "interfaces.d").mkdir()
    (tmp_path / "interfaces").write_text("source /etc/network/interfaces.d/*\nsource gone\n")
    (tmp_path / "interfaces.d" / "sdn").write_text("iface vmbr0\n\tbridge_ports eno1 # nic\n")
    assert cli_main(["parse", "interfaces", str(tmp_path / "interfaces"), "--json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["files"] == ["/etc/network/interfaces", "/etc/network/interfaces.d/sdn"]
    assert out["interfaces"][0]["members"] == ["eno1"]
    assert f"{tmp_path / 'interfaces'}:2: sourced file /etc/network/gone" in captured.err
    assert f"{tmp_path / 'interfaces.d' / 'sdn'}:2: vmbr0:" in captured.err
