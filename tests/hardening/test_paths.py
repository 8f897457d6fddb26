"""Path traversal: names from the cluster never make a file outside its output folder.

Three hand-made snapshots whose cluster is named `../../etc`, an absolute path, and `..` with a
backslash, a NUL and 300 characters; each also has nodes, guests, storages, interfaces and a
bridge named every way that could climb out of a folder (hostile.BAD_NAMES). They go through
`netdoc build`, `netdoc report` (every format) and `netdoc export` (every format); every file
below the test's folder is listed before and after: the new ones are all inside the outputs.
Then a lab cluster whose API reports such nodes, SDN vnets and guests is collected: the names
are refused (a note and a gap each) and nothing is written outside the snapshot's history.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from netdoc.cli import main
from netdoc.lab.runtime import LabRuntime
from netdoc.lab.world import LabWorld
from netdoc.snapshot import open_snapshot
from tests.collectors.labs import scenario_world, write_inventory
from tests.hardening.hostile import BAD_NAMES, path_snapshot

ABS = Path("/tmp/netdoc-abs-escape")
CLUSTERS = ("../../etc", str(ABS / "cluster"), "..\\x\x00" + "c" * 300)


def _listing(root: Path) -> set[Path]:
    return {Path(d) / n for d, dirs, files in os.walk(root) for n in dirs + files}


def _escaped(before: set[Path], after: set[Path], allowed: list[Path]) -> list[Path]:
    return sorted(p for p in after - before if not any(p == a or a in p.parents for a in allowed))


@pytest.fixture(autouse=True)
def _no_abs_leftover() -> None:
    assert not ABS.exists(), f"{ABS} exists before the test: remove it"


def test_build_report_and_export_write_nothing_outside_their_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "a" / "b" / "c"  # deep enough for ../../.. to stay below tmp_path
    snaps = [path_snapshot(root / "snaps" / f"s{i}", name) for i, name in enumerate(CLUSTERS)]
    out = root / "out"
    cwd = root / "cwd"
    cwd.mkdir(parents=True)
    out.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("XDG_CACHE_HOME", str(out / "xdg-cache"))
    before = _listing(tmp_path)
    args = [str(s) for s in snaps]
    site, cache = out / "site", out / "cache"
    code = main(["build", *args, "--site", str(site), "--cache-dir", str(cache), "--no-config", "-q"])
    assert code == 0, capsys.readouterr().err
    outputs = [site, cache, out / "xdg-cache", out / "dot"]
    for fmt in ("md", "junit", "csv", "xlsx", "json", "html"):
        target = out / f"report.{fmt}"
        outputs.append(target)
        assert main(["report", *args, "--format", fmt, "-o", str(target)]) in (0, 1), capsys.readouterr().err
    for fmt, target in (("json", "graph.json"), ("graphml", "graph.graphml"), ("drawio", "x.drawio")):
        outputs.append(out / target)
        assert main(["export", *args, "--format", fmt, "-o", str(out / target)]) == 0, capsys.readouterr().err
    assert main(["export", *args, "--format", "dot", "-o", str(out / "dot")]) == 0, capsys.readouterr().err
    after = _listing(tmp_path)
    assert _escaped(before, after, outputs) == []
    assert not ABS.exists()
    # the clusters are there, under their slugs, each in a folder of its own
    clusters = sorted(p.name for p in site.iterdir() if (p / "index.html").is_file())
    assert clusters == sorted(
        ["etc", "tmp-netdoc-abs-escape-cluster", next(c for c in clusters if c.startswith("x-c"))]
    )
    assert [p for p in after - before if len(p.name.encode()) > 255] == []
    assert len(list((out / "dot").glob("*.dot"))) >= 3


def _world_with_bad_names() -> LabWorld:
    world = scenario_world("starwars")
    cluster = world.clusters[0]
    api = dict(cluster.api)
    status = api["/cluster/status"]
    extra = [
        {"id": f"node/{n}", "name": n, "type": "node", "online": 1, "ip": "127.0.1.1", "nodeid": 90 + i}
        for i, n in enumerate(BAD_NAMES)
    ]
    api["/cluster/status"] = {**status, "data": status["data"] + extra}
    vnets = api["/cluster/sdn/vnets"]
    api["/cluster/sdn/vnets"] = {
        **vnets,
        "data": vnets["data"] + [{"vnet": n, "zone": "z"} for n in BAD_NAMES],
    }
    res = api["/cluster/resources"]
    guests = [
        {"id": f"qemu/{9000 + i}", "vmid": v, "name": n, "node": n, "type": "qemu", "status": "running"}
        for i, (n, v) in enumerate(
            zip(BAD_NAMES, ["1/../2", 9001, "..", -1, True, 9005, 9006, 9007], strict=True)
        )
    ]
    api["/cluster/resources"] = {**res, "data": res["data"] + guests}
    return LabWorld((dataclasses.replace(cluster, api=api),))


def test_collect_refuses_unsafe_names_from_the_api_and_writes_only_its_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "a" / "b" / "c"
    root.mkdir(parents=True)
    with LabRuntime(_world_with_bad_names(), tmp_path / "lab") as lab:
        inventory = write_inventory(lab, root / "inv.yml", timeout_s=2.0, deadline_s=20, retries=0)
        before = _listing(root)
        code = main(["collect", "-i", str(inventory), "--out", str(root / "snaps")])
        assert not lab.errors(), lab.errors()
        asked = [r.path for r in lab.api_log.records()]
    err = capsys.readouterr().err
    assert code == 3, err
    assert _escaped(before, _listing(root), [root / "snaps"]) == []
    assert not ABS.exists()
    snap = open_snapshot(root / "snaps" / "starwars")
    assert snap.manifest is not None
    refused = [a for a in snap.manifest.artifacts if a.path.startswith("refused/")]
    for name in BAD_NAMES:
        shown = repr(name[:200])
        assert any(f"node name {shown} (from /cluster/status)" in a.error for a in refused), name
        assert any(f"SDN vnet name {shown} (from /cluster/sdn/vnets)" in a.error for a in refused), name
        assert any(f"node name {shown}" in n for n in snap.manifest.notes)
    assert {a.status for a in refused} == {"error"}
    # the good nodes are all there; nothing was asked about the refused names
    assert snap.node_names() == ["proxmox1", "proxmox2", "proxmox3"]
    assert not [p for p in asked if ".." in p or "\\" in p]


def test_two_clusters_that_would_share_a_site_folder_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`prod east` and `prod-east` are one folder on the site: the second overwrote the first's pages."""
    import shutil

    from netdoc.examples import example_path
    from tests.hardening.hostile import _with_cluster_name

    snaps = []
    for folder, name in (("a", "prod east"), ("b", "prod-east")):
        shutil.copytree(example_path("starwars"), tmp_path / folder)
        _with_cluster_name(tmp_path / folder, name)
        snaps.append(str(tmp_path / folder))
    assert main(["build", *snaps, "--site", str(tmp_path / "site"), "--no-config"]) == 2
    err = capsys.readouterr().err
    assert "clusters 'prod east' and 'prod-east' would share the site's folder prod-east/" in err
    assert not (tmp_path / "site").exists(), "nothing published"
    assert main(["check", *snaps, "--fail-on", "never"]) == 0, "the audit has no folders: it is fine"
