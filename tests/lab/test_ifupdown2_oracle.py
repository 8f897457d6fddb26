"""The lab's interfaces files read by the real ifupdown2 parser (Debian's package, unpacked by
tools/fetch-ifupdown2.sh): no error, no warning, every stanza found, and the same members and
addresses as the definition. Skipped when ifupdown2 is not unpacked (fails under
NETDOC_REQUIRE_ORACLES=1).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.lab.scenario_worlds import SCENARIOS, definition, nodes
from tests.oracles import require

ROOT = Path(__file__).resolve().parents[2]
IFUPDOWN2 = Path(os.environ.get("NETDOC_IFUPDOWN2_DIR") or ROOT / "tools" / "ifupdown2")
PKG = IFUPDOWN2 / "usr" / "share" / "ifupdown2"
RUNNER = ROOT / "tests" / "ifupdown2_runner.py"


@pytest.fixture(scope="module")
def parsed() -> dict[str, Any]:
    require(
        "ifupdown2", (PKG / "ifupdown" / "networkinterfaces.py").is_file(), "run tools/fetch-ifupdown2.sh"
    )
    cases = []
    for s in SCENARIOS:
        for _, n in nodes(s):
            files = {p: b.decode() for p, b in n.files.items() if p.startswith("/etc/network/")}
            cases.append({"id": f"{s}/{n.name}", "files": files, "entry": "/etc/network/interfaces"})
    proc = subprocess.run(
        [sys.executable, str(RUNNER)],
        input=json.dumps({"pkg": str(PKG), "cases": cases}),
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "PYTHONUTF8": "1"},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def params() -> list[Any]:
    return [pytest.param(s, n.name, id=f"{s}-{n.name}") for s in SCENARIOS for _, n in nodes(s)]


@pytest.mark.integration
@pytest.mark.parametrize(("scenario", "name"), params())
def test_ifupdown2_reads_the_lab_interfaces(parsed: dict[str, Any], scenario: str, name: str) -> None:
    result = parsed[f"{scenario}/{name}"]
    assert result["crashed"] is None and not result["errors"] and not result["warnings"], result
    objs: dict[str, dict[str, Any]] = {}
    for obj in result["objects"]:  # inet stanzas and the SDN file's typeless second stanzas merge
        merged = objs.setdefault(obj["name"], {"ports": {}, "addresses": []})
        for key, ports in obj["ports"].items():
            merged["ports"].setdefault(key, []).extend(ports)
        merged["addresses"] += obj["addresses"] or []
    (_, lab_node) = next((c, n) for c, n in nodes(scenario) if n.name == name)
    node = next(n for c in definition(scenario).clusters for n in c.nodes if n.name == name)
    for bond in node.bonds:
        assert sorted(objs[bond.name]["ports"]["bond-slaves"]) == sorted(bond.slaves)
        assert objs[bond.name]["addresses"] == ([bond.address] if bond.address else [])
    for br in node.bridges:
        ports = [p for p in objs[br.name]["ports"].get("bridge-ports", []) if p != "none"]
        assert sorted(ports) == sorted(br.ports)
        assert objs[br.name]["addresses"] == ([br.address] if br.address else [])
    for ob in node.ovs_bridges:
        members = [b.name for b in ob.bonds] + [p.name for p in ob.ports] + [p.name for p in ob.intports]
        assert objs[ob.name]["ports"]["ovs-ports"][: len(members)] == members
        for b in ob.bonds:
            assert objs[b.name]["ports"]["ovs-bonds"] == list(b.slaves)
    for vlan in node.vlans:
        assert objs[vlan.name]["addresses"] == ([vlan.address] if vlan.address else [])
    assert lab_node.name == name
