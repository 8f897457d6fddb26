"""The bundled example's manifest matches its files, the snapshot reader opens it, and it ships in the wheel.

`pytest --update-golden` rewrites the manifest's bytes and sha256 after an example file was edited
(review the diff: only those two fields may change).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from netdoc.errors import UsageError
from netdoc.examples import example_path
from netdoc.snapshot import FORMAT, MANIFEST, STATUSES, open_snapshot

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = example_path()


def example_files() -> list[str]:
    return sorted(p.relative_to(EXAMPLE).as_posix() for p in EXAMPLE.rglob("*") if p.is_file())


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLE / MANIFEST).read_text(encoding="utf-8"))
    return data


def test_example_path_is_the_package_folder() -> None:
    assert EXAMPLE == ROOT / "netdoc" / "examples" / "starwars"
    assert (EXAMPLE / MANIFEST).is_file()
    with pytest.raises(UsageError, match="unknown example 'nope'; known examples: starwars"):
        example_path("nope")


def test_manifest_header() -> None:
    man = manifest()
    assert man["format"] == FORMAT and man["cluster"] == "starwars"
    assert (man["started"], man["finished"]) == ("2022-06-07T09:00:00Z", "2022-06-07T09:00:07Z")
    assert list(man) == ["format", "cluster", "netdoc_version", "started", "finished", "artifacts", "notes"]


def test_manifest_lists_every_file_once() -> None:
    listed = [a["path"] for a in manifest()["artifacts"]]
    assert len(listed) == len(set(listed)), "an artifact is listed twice"
    assert listed == sorted(listed), "artifacts are sorted by path, as SnapshotWriter writes them"
    assert sorted(listed) == [f for f in example_files() if f != MANIFEST]


def test_manifest_sha256_and_bytes_match_the_files(update_golden: bool) -> None:
    man = manifest()
    wrong = []
    for art in man["artifacts"]:
        data = (EXAMPLE / art["path"]).read_bytes()
        actual = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        if {k: art[k] for k in actual} != actual:
            wrong.append(art["path"])
            art.update(actual)
    if update_golden and wrong:
        (EXAMPLE / MANIFEST).write_text(
            json.dumps(man, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return
    assert not wrong, f"manifest bytes/sha256 out of date for {wrong} (pytest --update-golden rewrites them)"


def test_manifest_entries_follow_the_contract() -> None:
    for art in manifest()["artifacts"]:
        assert art["status"] in STATUSES and art["status"] == "ok" and art["error"] == ""
        path, node, source, request = art["path"], art["node"], art["source"], art["request"]
        if path.startswith("api/"):
            assert source == "api" and path == f"api{request}.json", art
            assert node == (path.split("/")[2] if path.startswith("api/nodes/") else None), art
        elif "/commands/" in path:
            assert source == "ssh" and path == f"nodes/{node}/commands/ovs-vsctl-show.txt", art
            assert request == "ovs-vsctl show"
        else:
            assert source == "ssh" and path == f"nodes/{node}{request}", art


def test_the_snapshot_reader_opens_it() -> None:
    snap = open_snapshot(EXAMPLE)
    assert snap.manifest is not None and snap.problems == []
    assert snap.cluster_name == "starwars"
    assert snap.node_names() == ["proxmox1", "proxmox2", "proxmox3"]
    assert snap.failed() == []
    assert "/etc/pve/.members" in snap.node_files("proxmox1", "/etc/pve")


@pytest.mark.slow
def test_a_non_editable_install_carries_the_example(tmp_path: Path) -> None:
    """Build the wheel as `pip install .` does (isolated build), install it into a fresh venv, and
    find every example file there (dotfiles included) through example_path()."""
    src = tmp_path / "src"
    # A clean copy of what a source distribution holds, so that no build/, egg-info or tool cache
    # of the checkout takes part.
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(
        ROOT / "netdoc",
        src / "netdoc",
        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", ".*cache"),
    )
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    built = subprocess.run(
        [*pip, "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(src)],
        check=False,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = tmp_path.glob("netdoc-*.whl")
    prefix = "netdoc/examples/starwars/"
    with zipfile.ZipFile(wheel) as zf:
        shipped = sorted(n.removeprefix(prefix) for n in zf.namelist() if n.startswith(prefix))
    assert shipped == example_files()
    assert "nodes/proxmox1/etc/pve/.members" in shipped

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [*pip, "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    probe = (
        "from netdoc.examples import example_path; p = example_path(); "
        "print(p); print('\\n'.join(sorted(x.relative_to(p).as_posix() for x in p.rglob('*') if x.is_file())))"
    )
    found = subprocess.run(
        [str(python), "-c", probe], check=False, capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert found.returncode == 0, found.stderr
    where, *listed = found.stdout.splitlines()
    assert where.startswith(str(venv)) and "site-packages" in where
    assert listed == example_files()
