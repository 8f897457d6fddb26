"""`netdoc collect` keeps history against the lab: a good run becomes latest, a node that cannot be
read tonight keeps its last good data (stale, with its time), a cluster unreachable all night
leaves the previous snapshot and site untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdoc.cli import main
from netdoc.lab.runtime import LabRuntime
from netdoc.pipeline.site import build_site
from netdoc.snapshot import latest_snapshot, open_snapshot
from tests.collectors.labs import scenario_world, write_inventory


def _collect(
    tmp_path: Path, faults: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    with LabRuntime(scenario_world("starwars"), tmp_path / "lab", faults=faults) as lab:
        inventory = write_inventory(lab, tmp_path / "inv.yml", timeout_s=3, deadline_s=20, retries=0)
        code = main(["collect", "-i", str(inventory), "--out", str(tmp_path / "snaps"), "--keep", "5"])
    return code, capsys.readouterr().err


def test_history_stale_nodes_and_an_unreachable_night(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "snaps" / "starwars"
    # 1. A good night.
    assert _collect(tmp_path, [], capsys)[0] == 0
    first = latest_snapshot(folder)
    assert first is not None and (folder / "latest").is_symlink()
    accounts = open_snapshot(first).manifest.accounts  # type: ignore[union-attr]
    assert set(accounts) == {"api", "ssh"} and "!" in accounts["api"], "who read it, by name (never a secret)"
    # 2. proxmox2 is off: the run is partial, proxmox2's last good data is carried over, marked stale.
    code, err = _collect(tmp_path, [{"kind": "offline", "node": "proxmox2"}], capsys)
    assert code == 3 and "proxmox2 could not be read: their last good data is shown, marked stale" in err
    second = latest_snapshot(folder)
    assert second is not None and second != first
    snap = open_snapshot(folder)
    assert snap.node_file("proxmox2", "/etc/network/interfaces"), "the last good copy is there"
    assert snap.manifest is not None
    stale = [a for a in snap.manifest.artifacts if a.node == "proxmox2" and a.status == "stale"]
    assert stale and all(
        f"this copy was read at {open_snapshot(first).manifest.finished}" in a.error for a in stale
    )  # type: ignore[union-attr]
    built = build_site(tmp_path / "snaps", tmp_path / "site")
    assert any("stale" in g and "proxmox2" in g for g in built.gaps), built.gaps
    page = (tmp_path / "site" / "starwars" / "nodes" / "proxmox2.html").read_text()
    assert "bond1" in page and "stale" in page
    site_before = (tmp_path / "site" / "index.html").read_text()
    # 3. The whole cluster unreachable all night: nothing read, the previous snapshot stays latest.
    code, err = _collect(tmp_path, [{"kind": "auth_failure"}, {"kind": "ssh_refused"}], capsys)
    assert code == 3 and "nothing could be read; the previous snapshot stays latest" in err
    assert latest_snapshot(folder) == second and (second / "manifest.json").is_file()
    assert first.is_dir(), "a good snapshot is never deleted by a failed night"
    assert len(list(folder.glob("*.failed"))) == 1
    build_site(tmp_path / "snaps", tmp_path / "site")
    assert (tmp_path / "site" / "index.html").read_text() == site_before, (
        "the site is built from the last good data"
    )
