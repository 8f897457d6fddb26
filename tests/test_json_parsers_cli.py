"""`netdoc parse KIND FILE` for the API, iproute2 and LLDP kinds: same model as the golden files,
readable text view, and one-line errors with a non-zero exit code for input that cannot be parsed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netdoc.cli import main
from netdoc.errors import ParseError
from tests.golden import FIXTURES

API_CASES = [
    ("api-network", "network_every_type", "api/nodes/pve3/network.json"),
    ("api-cluster-status", "standalone_node", "api/cluster/status.json"),
    ("api-hosts", "standalone_node", "api/nodes/pve/hosts.json"),
    ("api-sdn-subnets", "sdn_objects", "api/cluster/sdn/vnets/vnet100/subnets.json"),
    ("api-storage", "storage_types", "api/storage.json"),
]


@pytest.mark.parametrize(("kind", "case", "rel"), API_CASES)
def test_cli_json_equals_the_golden_model(
    kind: str, case: str, rel: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # the evidence path is derived from .../api/<path>.json, so a local file gives the snapshot's model
    assert main(["parse", kind, str(FIXTURES / "pve_api" / case / rel), "--json"]) == 0
    expected = json.loads((FIXTURES / "pve_api" / case / "expected.json").read_text(encoding="utf-8"))[rel][
        "model"
    ]
    assert json.loads(capsys.readouterr().out) == expected


@pytest.mark.parametrize(
    ("kind", "file", "needle"),
    [
        ("ip-link", "iproute2/bond_lacp_and_slaves/ip-j-d-link.json", "xmit_hash_policy: layer3+4"),
        ("bridge-vlan", "iproute2/bridge_vlan_shapes/bridge-j-vlan-show.v4.15.json", "shape: by-ifname"),
        (
            "lldp",
            "lldp/keyvalue_cisco_multiline/lldpctl-f-keyvalue.txt",
            "chassis_name: access-35.example.net",
        ),
        ("lldp-json0", "lldp/lab_two_neighbours/lldpctl-f-json0.json", "port_descr: uplink to hv-alpha eno2"),
    ],
)
def test_cli_text_view(kind: str, file: str, needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", kind, str(FIXTURES / file)]) == 0
    assert needle in capsys.readouterr().out


def test_cli_warnings_go_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "lldp" / "keyvalue_pvid_optional" / "lldpctl-f-keyvalue.txt"
    assert main(["parse", "lldp", str(path)]) == 0
    err = capsys.readouterr().err
    assert f"warning: {path}:5: not a `lldp.<interface>.<key>=<value>` line" in err


@pytest.mark.parametrize("kind", ["api-network", "ip-link", "lldp-json0"])
def test_cli_unparsable_input_is_one_line(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"iface": "x",\n  oops]\n', encoding="utf-8")
    assert main(["parse", kind, str(bad)]) == ParseError.exit_code != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{bad}:2: invalid JSON" in err[0]
