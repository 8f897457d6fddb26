"""Snapshot history: runs in timestamped folders, `latest`, nothing lost, stale nodes carried over."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from netdoc import history
from netdoc.examples import example_path
from netdoc.snapshot import SnapshotWriter, latest_snapshot, open_snapshot, resolve_snapshot


def _run(folder: Path, when: str, nodes: dict[str, bool]) -> Path:
    """A run of a 2-node cluster: each node read (True) or not (False)."""
    dest = history.new_dir(folder, when)
    w = SnapshotWriter(dest, "c1")
    w.add_api("/cluster/status", [{"type": "cluster", "name": "c1"}])
    for node, ok in nodes.items():
        if ok:
            w.add_node_file(node, "/etc/hosts", f"192.0.2.1 {node} # {when}\n".encode())
        else:
            w.add_failure(
                f"nodes/{node}/etc/hosts",
                node=node,
                source="ssh",
                request="/etc/hosts",
                status="timeout",
                error="timed out",
            )
    return w.commit()


def test_a_good_run_becomes_latest_and_is_what_builds_read(tmp_path: Path) -> None:
    folder = tmp_path / "c1"
    first = _run(folder, "2026-12-01T02:00:00Z", {"n1": True, "n2": True})
    assert first.name == "20261201T020000Z"
    current, carried, became = history.settle(folder, first, keep=30)
    assert became and current == first and carried == []
    assert (folder / "latest").is_symlink() and latest_snapshot(folder) == first
    assert resolve_snapshot(folder) == first and open_snapshot(folder).root == first


def test_a_run_that_read_nothing_never_becomes_latest(tmp_path: Path) -> None:
    folder = tmp_path / "c1"
    good = _run(folder, "2026-12-01T02:00:00Z", {"n1": True, "n2": True})
    history.settle(folder, good, keep=30)
    dest = history.new_dir(folder, "2026-12-02T02:00:00Z")
    w = SnapshotWriter(dest, "c1")
    w.add_failure(
        "api/cluster/status.json",
        node=None,
        source="api",
        request="/cluster/status",
        status="error",
        error="connection refused",
    )
    bad = w.commit()
    current, _, became = history.settle(folder, bad, keep=30)
    assert not became and current == good
    assert latest_snapshot(folder) == good and (good / "nodes/n1/etc/hosts").is_file()
    assert (folder / "20261202T020000Z.failed" / "manifest.json").is_file(), "kept aside for inspection"


def test_a_node_not_read_tonight_keeps_its_last_good_data_marked_stale(tmp_path: Path) -> None:
    folder = tmp_path / "c1"
    history.settle(folder, _run(folder, "2026-12-01T02:00:00Z", {"n1": True, "n2": True}), keep=30)
    tonight = _run(folder, "2026-12-02T02:00:00Z", {"n1": True, "n2": False})
    current, carried, became = history.settle(folder, tonight, keep=30)
    assert became and carried == ["n2"] and current == tonight
    snap = open_snapshot(folder)
    assert snap.root == tonight
    assert snap.node_file("n2", "/etc/hosts") == "192.0.2.1 n2 # 2026-12-01T02:00:00Z\n"
    assert snap.node_file("n1", "/etc/hosts") == "192.0.2.1 n1 # 2026-12-02T02:00:00Z\n"
    assert snap.manifest is not None
    (stale,) = [a for a in snap.manifest.artifacts if a.node == "n2"]
    assert stale.status == "stale" and "timeout: timed out; this copy was read at" in stale.error
    assert any("stale (carried over from 20261201T020000Z): n2" in n for n in snap.manifest.notes)


def test_retention_keeps_the_newest(tmp_path: Path) -> None:
    folder = tmp_path / "c1"
    for day in range(1, 6):
        history.settle(folder, _run(folder, f"2026-12-0{day}T02:00:00Z", {"n1": True}), keep=3)
    assert [p.name for p in history.snapshots(folder)] == [
        "20261203T020000Z",
        "20261204T020000Z",
        "20261205T020000Z",
    ]
    with pytest.raises(Exception, match="at least 1"):
        history.prune(folder, 0)


def test_two_runs_in_one_second_do_not_collide(tmp_path: Path) -> None:
    folder = tmp_path / "c1"
    a = _run(folder, "2026-12-01T02:00:00Z", {"n1": True})
    b = _run(folder, "2026-12-01T02:00:00Z", {"n1": True})
    assert a.name == "20261201T020000Z" and b.name == "20261201T020000Z-2"


def test_a_flat_snapshot_of_older_netdoc_moves_into_the_history(tmp_path: Path) -> None:
    folder = tmp_path / "starwars"
    shutil.copytree(example_path("starwars"), folder)
    history.new_dir(folder, "2026-12-04T02:00:00Z")
    moved = folder / "20220607T090007Z"
    assert (moved / "manifest.json").is_file() and latest_snapshot(folder) == moved
    assert json.loads((moved / "manifest.json").read_text())["cluster"] == "starwars"
