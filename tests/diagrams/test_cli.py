"""`netdoc export --format dot|drawio` as a user runs it: standard output, a folder, one file, one diagram."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from netdoc.cli import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_dot_to_standard_output_is_every_diagram(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "export", "--example", "starwars", "--format", "dot")
    assert code == 0
    assert out.count("digraph ") == 9 and 'digraph "cluster starwars" {' in out
    # graphviz reads several graphs from one input: the output is usable as it is
    done = subprocess.run(["dot", "-Tsvg"], input=out, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.count("<svg") == 9


def test_dot_to_a_folder_and_one_diagram_to_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(
        capsys, "export", "--example", "starwars", "--format", "dot", "-o", str(tmp_path / "dots")
    )
    assert code == 0 and "9 diagram file(s)" in err
    assert sorted(p.name for p in (tmp_path / "dots").iterdir())[:3] == [
        "starwars-cluster.dot",
        "starwars-corosync.dot",
        "starwars-node-proxmox1.dot",
    ]
    one = tmp_path / "overview.dot"
    code, _, _ = _run(
        capsys, "export", "--example", "starwars", "--format", "dot", "--diagram", "cluster", "-o", str(one)
    )
    assert code == 0 and one.read_text() == (tmp_path / "dots" / "starwars-cluster.dot").read_text()
    code, _, err = _run(capsys, "export", "--example", "starwars", "--format", "dot", "-o", str(one))
    assert code == 2 and "give a folder, or --diagram NAME" in err


def test_drawio_file_with_a_page_per_diagram(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "starwars.drawio"
    code, _, err = _run(capsys, "export", "--example", "starwars", "--format", "drawio", "-o", str(out))
    assert code == 0 and "diagram written" in err
    root = ET.fromstring(out.read_text())
    assert [p.get("name") for p in root.findall("diagram")][:2] == ["starwars cluster", "starwars corosync"]
    code, text, _ = _run(
        capsys,
        "export",
        "--example",
        "starwars",
        "--format",
        "drawio",
        "--diagram",
        "starwars/node-proxmox1",
        "--base-url",
        "https://net.example/",
    )
    page = ET.fromstring(text).find("diagram")
    assert code == 0 and page is not None and page.get("name") == "starwars node-proxmox1"
    links = {o.get("link") for o in page.iter("UserObject")}
    assert "https://net.example/starwars/nodes/proxmox1.html#iface-eno1" in links


def test_unknown_diagram_and_misplaced_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "export", "--example", "starwars", "--format", "dot", "--diagram", "vlan-99")
    assert code == 2 and "no diagram named 'vlan-99'" in err and "starwars/vlan-10" in err
    code, _, err = _run(capsys, "export", "--example", "starwars", "--diagram", "cluster")
    assert code == 2 and "--format dot or drawio" in err
