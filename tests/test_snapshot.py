"""The snapshot contract: writing is atomic and recorded, reading is defensive and accepts subsets."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from netdoc.errors import SnapshotError
from netdoc.snapshot import (
    FORMAT,
    SnapshotWriter,
    api_artifact_path,
    node_file_path,
    open_snapshot,
    read_local_tree,
)


def test_writer_records_every_artifact_and_publishes_atomically(tmp_path: Path) -> None:
    dest = tmp_path / "snap"
    w = SnapshotWriter(dest, "demo")
    w.add_api("/cluster/status", [{"type": "cluster", "name": "demo"}])
    w.add_node_file("pve1", "/etc/network/interfaces", b"auto lo\niface lo inet loopback\n")
    w.add_command("pve1", "ovs-vsctl-show.txt", b"", request="ovs-vsctl show")
    w.add_failure(
        "nodes/pve2/etc/network/interfaces",
        node="pve2",
        source="ssh",
        request="/etc/network/interfaces",
        status="timeout",
        error="read timed out after 10 s",
    )
    assert not dest.exists(), "nothing is visible before commit"
    w.commit()
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["format"] == FORMAT
    assert manifest["cluster"] == "demo"
    paths = [a["path"] for a in manifest["artifacts"]]
    assert paths == sorted(paths)
    by_path = {a["path"]: a for a in manifest["artifacts"]}
    iface = by_path["nodes/pve1/etc/network/interfaces"]
    content = (dest / iface["path"]).read_bytes()
    assert iface["sha256"] == hashlib.sha256(content).hexdigest()
    assert iface["bytes"] == len(content)
    assert by_path["nodes/pve2/etc/network/interfaces"]["status"] == "timeout"
    assert not (dest / "nodes/pve2").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["snap"], "no staging folder left behind"


def test_commit_replaces_previous_snapshot_and_abort_keeps_it(tmp_path: Path) -> None:
    dest = tmp_path / "snap"
    w1 = SnapshotWriter(dest, "one")
    w1.add_api("/version", {"version": "8.2"})
    w1.commit()
    w2 = SnapshotWriter(dest, "two")
    w2.add_api("/version", {"version": "9.0"})
    w2.abort()
    assert json.loads((dest / "manifest.json").read_text())["cluster"] == "one"
    w3 = SnapshotWriter(dest, "three")
    w3.commit()
    assert json.loads((dest / "manifest.json").read_text())["cluster"] == "three"
    assert not (dest / "api").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]


@pytest.mark.parametrize("bad", ["../etc/passwd", "/nodes/../../x", "a/b\x00c", "a/\nb", ""])
def test_unsafe_paths_are_refused(bad: str) -> None:
    with pytest.raises(SnapshotError):
        api_artifact_path(bad)


@pytest.mark.parametrize("node", ["../x", "a/b", "", ".", "-rf"])
def test_unsafe_node_names_are_refused(node: str) -> None:
    with pytest.raises(SnapshotError):
        node_file_path(node, "/etc/hosts")


def test_bare_folder_without_manifest(tmp_path: Path) -> None:
    f = tmp_path / "nodes" / "pve1" / "etc" / "network" / "interfaces"
    f.parent.mkdir(parents=True)
    f.write_text("auto lo\n")
    snap = open_snapshot(tmp_path)
    assert snap.manifest is None
    assert snap.node_names() == ["pve1"]
    assert snap.node_files("pve1", "/etc/network") == {"/etc/network/interfaces": "auto lo\n"}
    assert snap.cluster_name == tmp_path.name
    assert snap.api("cluster/status") is None


def test_cluster_name_and_nodes_from_api_status(tmp_path: Path) -> None:
    (tmp_path / "api" / "cluster").mkdir(parents=True)
    (tmp_path / "api" / "cluster" / "status.json").write_text(
        json.dumps([{"type": "cluster", "name": "prod"}, {"type": "node", "name": "pve7"}])
    )
    snap = open_snapshot(tmp_path)
    assert snap.cluster_name == "prod"
    assert snap.node_names() == ["pve7"]


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "outside.txt"
    secret.write_text("root:x:0:0")
    base = tmp_path / "snap" / "nodes" / "pve1" / "etc" / "network"
    base.mkdir(parents=True)
    os.symlink(secret, base / "interfaces")
    os.symlink(tmp_path, base / "loop")
    snap = open_snapshot(tmp_path / "snap")
    assert snap.node_files("pve1") == {}
    assert snap.node_file("pve1", "/etc/network/interfaces") is None
    assert any("symbolic link" in p for p in snap.problems)


def test_broken_manifest_is_noted_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{not json")
    snap = open_snapshot(tmp_path)
    assert snap.manifest is None
    assert any("manifest.json:1" in p for p in snap.problems)


def test_newer_format_is_refused_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "netdoc-snapshot/9"}))
    snap = open_snapshot(tmp_path)
    assert snap.manifest is None
    assert any("newer" in p for p in snap.problems)


def test_not_utf8_is_replaced_and_noted(tmp_path: Path) -> None:
    f = tmp_path / "nodes" / "pve1" / "etc" / "hosts"
    f.parent.mkdir(parents=True)
    f.write_bytes(b"127.0.0.1 localhost \xff\n")
    snap = open_snapshot(tmp_path)
    assert snap.node_file("pve1", "/etc/hosts") == "127.0.0.1 localhost \ufffd\n"
    assert any("UTF-8" in p for p in snap.problems)


def test_missing_snapshot_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="no such snapshot folder"):
        open_snapshot(tmp_path / "nope")


def test_read_local_tree_keys_files_as_on_the_node(tmp_path: Path) -> None:
    net = tmp_path / "etc" / "network"
    (net / "interfaces.d").mkdir(parents=True)
    (net / "interfaces").write_text("source /etc/network/interfaces.d/*\n")
    (net / "interfaces.d" / "sdn").write_text("#version:1\n")
    files, entry = read_local_tree(net / "interfaces")
    assert entry == "/etc/network/interfaces"
    assert set(files) == {"/etc/network/interfaces", "/etc/network/interfaces.d/sdn"}
    # An explicit root changes what "/" means.
    files2, entry2 = read_local_tree(net / "interfaces", root=net)
    assert entry2 == "/interfaces"
    assert "/interfaces.d/sdn" in files2


def test_read_local_tree_outside_etc_is_a_copy_of_etc_network(tmp_path: Path) -> None:
    copy = tmp_path / "pve1-network"
    (copy / "interfaces.d").mkdir(parents=True)
    (copy / "interfaces").write_text("source /etc/network/interfaces.d/*\n")
    (copy / "interfaces.d" / "sdn").write_text("#version:1\n")
    files, entry = read_local_tree(copy / "interfaces")
    assert entry == "/etc/network/interfaces"
    assert set(files) == {"/etc/network/interfaces", "/etc/network/interfaces.d/sdn"}
