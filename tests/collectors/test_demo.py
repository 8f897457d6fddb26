"""`netdoc demo`: the lab started in-process, collected over HTTPS and SSH, the site built, the lab stopped."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdoc.cli import main
from netdoc.snapshot import open_snapshot
from tests.lab.conftest import lab_threads

pytestmark = pytest.mark.integration


def test_demo_collects_the_lab_and_builds_the_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exactly the README's main command: `netdoc demo` with its default (relative) folders."""
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    site = tmp_path / "site"
    for page in (
        "index.html",
        "starwars/nodes/proxmox1.html",
        "starwars/nodes/proxmox2.html",
        "starwars/nodes/proxmox3.html",
    ):
        assert (site / page).is_file(), page
    assert "veth100i0" in (site / "starwars" / "nodes" / "proxmox1.html").read_text()
    assert "browse it: netdoc serve" in out
    snap = open_snapshot(tmp_path / "snapshots" / "demo" / "starwars")
    assert snap.manifest is not None
    assert {a.status for a in snap.manifest.artifacts} == {"ok"}
    sources = {a.source for a in snap.manifest.artifacts}
    assert sources == {"api", "ssh"}  # both collectors really ran
    assert snap.node_file("proxmox1", "/etc/network/interfaces")
    assert lab_threads() == []  # the lab is stopped: none of its server threads is left


def test_demo_unknown_scenario_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--scenario", "nope", "--site", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and "starwars" in err and "Traceback" not in err
