"""`netdoc check` and `netdoc export` as a user runs them: exit codes, formats, waivers, several clusters."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from netdoc.cli import main
from netdoc.examples import example_path
from tests.audit.snapshots import edit_example, example_with
from tests.topology.nets import lacp_pair


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_example_table_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "check", "--example", "starwars")
    assert code == 1, "high findings, default --fail-on high"
    assert "HIGH     nic-claimed-twice  proxmox1/eno1" in out
    assert "evidence: proxmox1:/etc/network/interfaces:16 (the NIC)" in out
    assert out.rstrip().endswith("starwars: 16 findings: 3 high, 2 medium, 6 low, 5 info")


@pytest.mark.parametrize(("fail_on", "expected"), [("critical", 0), ("high", 1), ("info", 1), ("never", 0)])
def test_check_fail_on(fail_on: str, expected: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "check", "--example", "starwars", "--fail-on", fail_on)[0] == expected


def test_check_json_is_versioned_with_artifacts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "check", "--example", "starwars", "--format", "json", "--fail-on", "never")
    doc = json.loads(out)
    assert code == 0 and doc["format"] == "netdoc-findings/1"
    assert doc["counts"] == {"info": 5, "low": 6, "medium": 2, "high": 3, "critical": 0}
    unheld = next(f for f in doc["findings"] if f["subject"] == "link1/proxmox2")
    assert unheld["evidence"][0]["artifact"] == "nodes/proxmox1/etc/pve/corosync.conf"
    assert (example_path("starwars") / unheld["evidence"][0]["artifact"]).is_file()


def test_waivers_move_findings_and_expired_ones_are_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    waivers = tmp_path / "waivers.yml"
    waivers.write_text(
        "waivers:\n"
        "  - code: nic-unused\n    subject: starwars/*/enp7s0f*\n    reason: spare ports for the 2027 upgrade\n"
        "    expires: 2999-01-01\n"
        "  - code: nic-claimed-twice\n    subject: starwars/proxmox1/eno1\n    reason: as in the talk\n"
        "    expires: 2020-01-01\n"
    )
    code, out, _ = _run(
        capsys, "check", "--example", "starwars", "--waivers", str(waivers), "--format", "json"
    )
    assert code == 1, "the expired waiver's finding is high again"
    doc = json.loads(out)
    codes = [f["code"] for f in doc["findings"]]
    assert "nic-unused" not in codes and len(doc["waived"]) == 6
    assert doc["waived"][0]["waiver"]["reason"] == "spare ports for the 2027 upgrade"
    assert "nic-claimed-twice" in codes, "an expired waiver waives nothing"
    expired = next(f for f in doc["findings"] if f["code"] == "waiver-expired")
    assert "expired on 2020-01-01" in expired["message"] and expired["evidence"][0]["line"] == 6


def test_a_bad_waiver_file_names_file_line_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    waivers = tmp_path / "waivers.yml"
    waivers.write_text(
        "waivers:\n  - code: no-such-check\n    subject: x\n    reason: y\n    expires: 2030-01-01\n"
        "  - code: nic-unused\n    subject: x\n    reason: y\n    expires: someday\n"
    )
    code, _, err = _run(capsys, "check", "--example", "starwars", "--waivers", str(waivers))
    assert code == 2
    assert f"{waivers}: line 2: waivers[0].code: no check has the code 'no-such-check'" in err
    assert f"{waivers}: line 6: waivers[1].expires: not a date (YYYY-MM-DD)" in err
    assert "Traceback" not in err


def test_check_a_folder_of_snapshots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "snapshots"
    shutil.copytree(example_path("starwars"), folder / "starwars")
    lacp_pair(folder)  # a second cluster, named after its folder
    code, out, _ = _run(capsys, "check", str(folder), "--fail-on", "never")
    assert code == 0
    assert "starwars/proxmox1/eno1" in out and "lacp-pair" in out.splitlines()[-1]


def test_same_cluster_twice_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = example_with(tmp_path)
    code, _, err = _run(capsys, "check", str(example_path("starwars")), str(copy))
    assert code == 2 and "cluster 'starwars' is given twice" in err


def test_not_a_snapshot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "check", str(tmp_path))
    assert code == 2 and "neither a snapshot" in err


def test_export_json_and_graphml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "export", "--example", "starwars")
    doc = json.loads(out)
    assert code == 0 and doc["format"] == "netdoc-graph/1"
    edges = {(e["source"], e["target"], e["key"]) for e in doc["edges"]}
    # the corosync link of each node is an edge from the interface holding the ring address
    assert ("iface:starwars:proxmox1:bond1", "corosync:starwars:link0", "corosync_link") in edges
    assert ("iface:starwars:proxmox1:vswtch0", "corosync:starwars:link1", "corosync_link") in edges
    assert ("node:starwars:proxmox2", "corosync:starwars:link1", "corosync_link") in edges
    out_file = tmp_path / "graph.graphml"
    assert _run(capsys, "export", "--example", "starwars", "--format", "graphml", "-o", str(out_file))[0] == 0
    graph = nx.read_graphml(out_file, force_multigraph=True)
    assert graph.number_of_nodes() == len(doc["nodes"]) and graph.number_of_edges() == len(doc["edges"])
    assert out_file.stat().st_mode & 0o044, "readable like any other file the user writes"


def test_export_is_byte_identical_across_runs(tmp_path: Path) -> None:
    """Two separate processes (different hash seeds) export the same bytes."""
    outputs = []
    for seed in ("1", "2"):
        target = tmp_path / f"g{seed}.json"
        subprocess.run(
            [sys.executable, "-m", "netdoc.cli", "export", "--example", "starwars", "-o", str(target)],
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            capture_output=True,
        )
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_export_of_several_clusters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "snapshots"
    fixed = edit_example(
        "nodes/proxmox1/etc/network/interfaces", "bridge_ports eno1", "bridge_ports enp7s0f0"
    )
    example_with(folder, {"nodes/proxmox1/etc/network/interfaces": fixed}, name="starwars")
    lacp_pair(folder)
    doc = json.loads(_run(capsys, "export", str(folder))[1])
    assert doc["clusters"] == ["lacp-pair", "starwars"]
    ids = {n["id"] for n in doc["nodes"]}
    assert {"node:starwars:proxmox1", "node:lacp-pair:a", "switch:sw1"} <= ids
