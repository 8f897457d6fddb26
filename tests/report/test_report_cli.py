"""`netdoc report` and `netdoc diff` as a user runs them."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from netdoc.cli import main
from netdoc.examples import example_path
from tests.audit.snapshots import edit_example, example_with


def test_report_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt, name in (
        ("html", "r.html"),
        ("md", "r.md"),
        ("json", "r.json"),
        ("junit", "r.xml"),
        ("xlsx", "r.xlsx"),
    ):
        assert main(["report", "--example", "starwars", "--format", fmt, "-o", str(tmp_path / name)]) == 0
        assert (tmp_path / name).stat().st_size > 1000, fmt
    assert main(["report", "--example", "starwars", "--format", "csv", "-o", str(tmp_path / "csv")]) == 0
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        "findings.csv",
        "guest_nics.csv",
        "interfaces.csv",
    ]
    assert main(["report", "--example", "starwars", "--format", "csv", "-o", str(tmp_path / "all.zip")]) == 0
    assert len(zipfile.ZipFile(io.BytesIO((tmp_path / "all.zip").read_bytes())).namelist()) == 3
    out = capsys.readouterr().out
    assert "report written:" in out and "(xlsx," in out


def test_report_trend_from_the_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history = tmp_path / "snaps" / "starwars"
    old = history / "20261201T020000Z"
    shutil.copytree(example_path("starwars"), old)
    fixed = edit_example(
        "nodes/proxmox1/etc/network/interfaces", "gateway 192.168.1.254", "gateway 192.168.131.254"
    )
    new = example_with(history, {"nodes/proxmox1/etc/network/interfaces": fixed}, name="20261202T020000Z")
    (history / "latest").symlink_to(new.name)
    assert main(["report", str(tmp_path / "snaps"), "--format", "json", "-o", str(tmp_path / "r.json")]) == 0
    doc = json.loads((tmp_path / "r.json").read_text())
    (summary,) = [s for s in doc["sections"] if s["key"] == "summary"]
    assert "Since the previous run: 0 new, 1 resolved." in summary["paragraphs"][0]
    assert summary["tables"][0]["rows"][0][3] == "1 (was 2)", "medium: the gateway finding is gone"


def test_diff_of_a_history_and_of_two_snapshots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history = tmp_path / "starwars"
    shutil.copytree(example_path("starwars"), history / "20261201T020000Z")
    conf = "nodes/proxmox1/etc/pve/nodes/proxmox3/qemu-server/300.conf"
    moved = edit_example(conf, "tag=10", "tag=4")
    example_with(history, {conf: moved}, name="20261202T020000Z")
    assert main(["diff", str(history)]) == 0
    out = capsys.readouterr().out
    assert "VM 300 (mirror) net0 moved from VLAN 10 to VLAN 4 on vubr0" in out
    assert (
        main(
            ["diff", str(history / "20261201T020000Z"), str(history / "20261202T020000Z"), "--format", "json"]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "netdoc-changes/1" and doc["count"] >= 1
    assert main(["diff", str(history / "20261201T020000Z"), str(history / "20261201T020000Z")]) == 0
    assert capsys.readouterr().out == "no change\n"
    assert main(["diff", str(example_path("starwars"))]) == 2
    assert "no earlier snapshot" in capsys.readouterr().err
