"""What changed between two runs, told as sentences: scripted changes on a lab scenario."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netdoc.audit.run import run_audit
from netdoc.changes.compare import compare
from netdoc.lab.definition import build_world
from netdoc.lab.schema import Definition
from netdoc.loader import load_cluster
from netdoc.model.assemble import assemble_estate
from netdoc.render.changes_text import changes_json, changes_markdown, changes_text
from netdoc.snapshot import open_snapshot
from netdoc.topology.graph import build_topology
from tests.lab.scenario_worlds import definition
from tests.lab.test_snapshot_load import write_snapshot


def _snapshot(defn: Definition, dest: Path) -> Path:
    (cluster,) = build_world(defn).clusters
    return write_snapshot(cluster, dest)


def _changed(base: Definition) -> Definition:
    """lacp-vlans with: VM 105 moved to VLAN 30, eno2 of pve1's bond0 down, vmbr2 added on pve3,
    corosync link1's priority 10 -> 20."""
    data: dict[str, Any] = base.model_dump(mode="python", exclude_unset=True)
    cluster = data["clusters"][0]
    for guest in cluster["guests"]:
        if guest["vmid"] == 105:
            guest["nics"][0]["tag"] = 30
    for node in cluster["nodes"]:
        if node["name"] == "pve1":
            node["bonds"][0]["runtime"] = {"down_slaves": ("eno2",)}
        if node["name"] == "pve3":
            node["bridges"] = (*node["bridges"], {"name": "vmbr2", "ports": ()})
    cluster["corosync"]["links"][1]["priority"] = 20
    return Definition.model_validate(data)


def _estate(path: Path):  # type: ignore[no-untyped-def]
    topo = build_topology(assemble_estate([load_cluster(open_snapshot(path))]))
    return topo, run_audit(topo)


@pytest.fixture(scope="module")
def changes(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("changes")
    base = definition("lacp-vlans")
    old_topo, old_audit = _estate(_snapshot(base, tmp / "old"))
    new_topo, new_audit = _estate(_snapshot(_changed(base), tmp / "new"))
    return compare(old_topo.estate, new_topo.estate, old_audit.findings, new_audit.findings)


def test_scripted_changes_are_told_as_sentences(changes) -> None:  # type: ignore[no-untyped-def]
    sentences = [c.sentence for c in changes]
    assert "VM 105 (win-ad1) net0 moved from VLAN 50 to VLAN 30 on vmbr0" in sentences
    assert "slave eno2 of bond0 on pve1 went down" in sentences
    assert "vmbr2 added on pve3" in sentences
    assert "corosync link1 priority 10 -> 20" in sentences
    assert any(s.startswith("new finding bond-slave-down (medium) on pve1/bond0/eno2") for s in sentences)


def test_configuration_and_runtime_apart(changes) -> None:  # type: ignore[no-untyped-def]
    kinds = {c.sentence: c.kind for c in changes}
    assert kinds["slave eno2 of bond0 on pve1 went down"] == "runtime"
    assert kinds["vmbr2 added on pve3"] == "config"
    assert kinds["corosync link1 priority 10 -> 20"] == "config"
    order = [c.kind for c in changes]
    assert order == sorted(order, key=("config", "runtime", "finding").index), (
        "configuration, runtime, findings"
    )


def test_nothing_changed_is_no_change(tmp_path: Path) -> None:
    snap = _snapshot(definition("lacp-vlans"), tmp_path / "snap")
    topo, audit = _estate(snap)
    again, audit2 = _estate(snap)
    assert compare(topo.estate, again.estate, audit.findings, audit2.findings) == ()
    assert changes_text(()) == "no change\n"


def test_resolved_findings_and_reverse(tmp_path: Path) -> None:
    base = definition("lacp-vlans")
    old_topo, old_audit = _estate(_snapshot(_changed(base), tmp_path / "old"))
    new_topo, new_audit = _estate(_snapshot(base, tmp_path / "new"))
    sentences = [
        c.sentence for c in compare(old_topo.estate, new_topo.estate, old_audit.findings, new_audit.findings)
    ]
    assert "finding bond-slave-down on pve1/bond0/eno2 resolved" in sentences
    assert "slave eno2 of bond0 on pve1 came up" in sentences
    assert "vmbr2 removed from pve3" in sentences


def test_formats(changes) -> None:  # type: ignore[no-untyped-def]
    text = changes_text(changes, old="a", new="b")
    assert text.startswith("changes from a to b:\ncluster lacp-vlans:\n  [configuration] ")
    assert text.rstrip().endswith(f"{len(changes)} changes")
    md = changes_markdown(changes)
    assert (
        "## lacp-vlans" in md
        and "### Runtime state" in md
        and "- slave eno2 of bond0 on pve1 went down" in md
    )
    doc = json.loads(changes_json(changes, old="a", new="b"))
    assert doc["format"] == "netdoc-changes/1" and doc["count"] == len(changes)
    (down,) = [c for c in doc["changes"] if c["sentence"] == "slave eno2 of bond0 on pve1 went down"]
    assert down == {
        "cluster": "lacp-vlans",
        "node": "pve1",
        "kind": "runtime",
        "topic": "interface",
        "subject": "iface:lacp-vlans:pve1:eno2",
        "sentence": "slave eno2 of bond0 on pve1 went down",
        "before": "up",
        "after": "down",
    }
