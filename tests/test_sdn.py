"""SDN: the .cfg files and the applied .running-config give the same objects; robustness; reference."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netdoc.errors import ParseError
from netdoc.parsers.sdn import parse_sdn_cfg_text, parse_sdn_running_text
from tests.golden import FIXTURES, reference_files
from tests.pvehyp import FAST, json_text, lines_of, parses_or_parse_error

COMPARED = (
    "type",
    "bridge",
    "tag",
    "peers",
    "controller",
    "vrf_vxlan",
    "exitnodes",
    "mtu",
    "ipam",
    "dhcp",
    "nodes",
)


def test_running_config_matches_the_cfg_files() -> None:
    """Applied == configured when the running config holds the same values (configured vs runtime)."""
    zones = parse_sdn_cfg_text(
        (FIXTURES / "sdn-cfg/zones-every-type/etc/pve/sdn/zones.cfg").read_text(encoding="utf-8"), "zones.cfg"
    ).zones
    ids = {}
    for zone in zones:
        props: dict[str, object] = {"type": zone.type}
        for opt in zone.options:
            if opt.key in ("nodes", "exitnodes"):
                props[opt.key] = dict.fromkeys(
                    (opt.value or "").split(","), 1
                )  # how Proxmox stores node sets
            elif opt.key in ("tag", "mtu", "vrf-vxlan"):
                props[opt.key] = int(opt.value or 0)
            else:
                props[opt.key] = opt.value
        ids[zone.id] = props
    running = parse_sdn_running_text(
        json.dumps({"version": 1, "zones": {"ids": ids}}, indent=1), ".running-config"
    )
    assert [z.id for z in running.zones] == [z.id for z in zones]
    for applied, configured in zip(running.zones, zones, strict=True):
        for field in COMPARED:
            assert getattr(applied, field) == getattr(configured, field), (applied.id, field)


def test_subnet_id_gives_zone_and_cidr() -> None:
    conf = parse_sdn_cfg_text("subnet: zone1-2001:db8:10::-64\n\tvnet v\n", "subnets.cfg")
    assert (conf.subnets[0].zone, conf.subnets[0].cidr) == ("zone1", "2001:db8:10::/64")


def test_group_from_file_name_decides_evpn_meaning() -> None:
    text = "evpn: ctl\n\tasn 65000\n\tpeers 192.0.2.1,192.0.2.2\n"
    assert parse_sdn_cfg_text(text, "/etc/pve/sdn/controllers.cfg").controllers[0].asn == 65000
    assert parse_sdn_cfg_text(text, "/etc/pve/sdn/zones.cfg").zones[0].id == "ctl"


def test_fabric_sections_keep_repeated_keys() -> None:
    text = "fabric: f1\n\tip_prefix 192.0.2.0/24\n\nnode: f1_pve1\n\tinterfaces name=nic0\n\tinterfaces name=nic1\n"
    conf = parse_sdn_cfg_text(text, "fabrics.cfg")
    assert [o.value for o in conf.fabrics[1].options] == ["name=nic0", "name=nic1"]
    assert not conf.warnings


def test_running_config_must_be_an_object() -> None:
    with pytest.raises(ParseError):
        parse_sdn_running_text("[1, 2]", ".running-config")
    with pytest.raises(ParseError, match="invalid JSON"):
        parse_sdn_running_text("{", ".running-config")


FRAGMENTS = [
    "vlan:",
    "vnet:",
    "subnet:",
    "evpn:",
    "zone",
    "tag",
    "bridge",
    "dhcp-range",
    "start-address=",
    "end-address=",
    "-192.0.2.0-24",
    "\t",
    "snat",
    "gateway",
    "peers",
    "1",
]


@FAST
@given(
    st.one_of(st.text(), lines_of(FRAGMENTS)),
    st.sampled_from(["zones.cfg", "vnets.cfg", "subnets.cfg", "x.cfg"]),
)
def test_arbitrary_cfg_never_raises(text: str, name: str) -> None:
    assert parses_or_parse_error(parse_sdn_cfg_text, text, name) is not None


@FAST
@given(
    st.one_of(
        st.text(max_size=40), json_text(["version", "zones", "vnets", "subnets", "ids", "type", "dhcp-range"])
    )
)
def test_arbitrary_running_config_never_raises(text: str) -> None:
    parses_or_parse_error(parse_sdn_running_text, text, ".running-config")


REFERENCE_CFG = reference_files("proxmox", "sdn", pattern="*.cfg")


@pytest.mark.parametrize("path", REFERENCE_CFG or [None], ids=lambda p: p.name if p else "absent")
def test_reference_conformance(path) -> None:  # type: ignore[no-untyped-def]
    if path is None:
        pytest.skip("no SDN .cfg samples under the shared reference")
    text = path.read_text(encoding="utf-8")
    conf = parse_sdn_cfg_text(text, str(path))
    headers = [
        line for line in text.splitlines() if line and not line[0].isspace() and not line.startswith("#")
    ]
    total = sum(
        len(g)
        for g in (
            conf.zones,
            conf.vnets,
            conf.subnets,
            conf.controllers,
            conf.ipams,
            conf.dns,
            conf.fabrics,
            conf.others,
        )
    )
    assert total == len(headers)


@pytest.mark.parametrize("depth", [50, 900, 5000])
def test_deeply_nested_json_is_a_warning_or_parse_error(depth: int) -> None:
    nested = "[" * depth + "]" * depth
    text = '{"zones": {"ids": {"z": {"type": "vlan", "bridge": ' + nested + "}}}}"
    conf = parses_or_parse_error(parse_sdn_running_text, text, ".running-config")
    if conf is not None:
        assert conf.zones[0].id == "z"
