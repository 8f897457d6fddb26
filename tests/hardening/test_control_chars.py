"""Control characters and lone surrogates from a cluster: replaced by U+FFFD as the snapshot is read.

A guest name holding an escape sequence (`ESC ] 0;title BEL`, a colour, a C1 CSI) must not reach the
terminal of whoever reads `netdoc check`, a cron mail or the Markdown report, and XML refuses it;
a lone UTF-16 surrogate (`\\ud800` in an API reply) has no UTF-8 form, and every output holding one
failed with a UnicodeEncodeError. Each command must succeed, every output must be valid UTF-8 with
no control character but tab, newline and carriage return, and the replacement is shown as a gap.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from netdoc.cli import main
from netdoc.examples import example_path
from netdoc.snapshot import SnapshotWriter, open_snapshot
from netdoc.textsafety import inert_text

ESCAPES = "\x1b]0;pwned\x07\x1b[31mred\x1b[0m\x9b2J\x00"
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@pytest.mark.parametrize(
    ("text", "json_text", "expected"),
    [
        ("a\x1b[31mb", False, "a\ufffd[31mb"),
        ("tab\tnl\ncr\r", False, "tab\tnl\ncr\r"),
        ("nul\x00 del\x7f csi\x9b", False, "nul\ufffd del\ufffd csi\ufffd"),
        ('"a\\u001bb"', True, '"a\\ufffdb"'),
        ('"tab\\u0009 nl\\u000A"', True, '"tab\\u0009 nl\\u000A"'),
        ('"pair \\ud83d\\ude00"', True, '"pair \\ud83d\\ude00"'),
        ('"lone \\ud800 x"', True, '"lone \\ufffd x"'),
        ('"low \\uDC00 and high at end \\uD83D"', True, '"low \\ufffd and high at end \\ufffd"'),
        ('"backslash then text \\\\u001b"', True, '"backslash then text \\\\u001b"'),
        ('"three \\\\\\u001b"', True, '"three \\\\\\ufffd"'),
        ('"\\u001b"', False, '"\\u001b"'),  # not JSON: an escape is six characters of text
    ],
)
def test_inert_text(text: str, json_text: bool, expected: str) -> None:
    out, replaced = inert_text(text, json_text=json_text)
    assert out == expected
    assert replaced is (out != text)
    if json_text:
        json.loads(out)  # still JSON


def _hostile(root: Path) -> Path:
    """The example with a guest named by escape sequences (raw, in /etc/pve) and, API only, NICs
    whose names and comments hold a lone surrogate and an escaped ESC (the model reads the API
    view when no interfaces file was read)."""
    snap = root / "snap"
    shutil.copytree(example_path("starwars"), snap)
    conf = next(snap.rglob("qemu-server/300.conf"))
    conf.write_text(re.sub(r"(?m)^name: .*$", f"name: mirror{ESCAPES}", conf.read_text()))
    shutil.rmtree(snap / "nodes/proxmox2/etc/network")
    network = snap / "api/nodes/proxmox2/network.json"
    items = json.loads(network.read_text())
    for item in items:
        item["comments"] = "uplink \ud800 \x1b[2J end"
    network.write_text(json.dumps(items, ensure_ascii=True))
    assert "\\ud800" in network.read_text() and "\\u001b" in network.read_text()
    return snap


def _clean(path: Path) -> str:
    if zipfile.is_zipfile(path):  # the CSV report: one file per table
        with zipfile.ZipFile(path) as z:
            return "".join(_clean_text(z.read(n), f"{path.name}:{n}") for n in z.namelist())
    return _clean_text(path.read_bytes(), path.name)


def _clean_text(data: bytes, name: str) -> str:
    text = data.decode("utf-8")  # strict: a surrogate could not have been written
    assert not _BAD.search(text), f"{name}: {_BAD.search(text)!r}"
    return text


def test_every_output_is_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = str(_hostile(tmp_path))
    out = tmp_path / "out"
    out.mkdir()
    assert main(["check", snap, "--fail-on", "never"]) == 0
    printed = capsys.readouterr().out
    assert "mirror\ufffd]0;pwned" in printed and not _BAD.search(printed)
    assert main(["check", snap, "--fail-on", "never", "--format", "json"]) == 0
    assert "\\u001b" not in capsys.readouterr().out
    for fmt, name in (("json", "graph.json"), ("graphml", "graph.graphml")):
        assert main(["export", snap, "--format", fmt, "-o", str(out / name)]) == 0
    for fmt in ("md", "junit", "json", "csv", "html"):
        assert main(["report", snap, "--format", fmt, "-o", str(out / f"report.{fmt}")]) in (0, 1)
    assert main(["build", snap, "--site", str(tmp_path / "site"), "--no-config", "--no-cache"]) == 0
    for path in sorted(out.iterdir()):
        text = _clean(path)
        if path.suffix in (".graphml", ".junit"):
            ET.fromstring(text.encode())
        if path.suffix == ".json":
            assert "\\u001b" not in text and "\\ud800" not in text, path.name
            json.loads(text)
    pages = [p for p in (tmp_path / "site").rglob("*") if p.suffix in (".html", ".svg")]
    assert pages
    for page in pages:
        _clean(page)
    node_page = (tmp_path / "site/starwars/nodes/proxmox2.html").read_text()
    assert "uplink \ufffd \ufffd[2J end" in node_page, "the API view was read, and shown"
    gaps = (tmp_path / "site/starwars/gaps.html").read_text()
    assert "api/nodes/proxmox2/network.json" in gaps and "replaced by U+FFFD" in gaps
    assert "<td>altered</td>" in gaps, "read with characters replaced: not an unread source"


def test_replaced_characters_are_an_altered_gap_not_an_error(tmp_path: Path) -> None:
    from netdoc.estate import load_clusters

    snap = tmp_path / "snap"
    shutil.copytree(example_path("starwars"), snap)
    (snap / "nodes/proxmox1/etc/hosts").write_bytes(b"127.0.0.1 localhost \xff\n192.0.2.1 a\x1b[2Jb\n")
    (cluster,) = load_clusters([snap])
    gaps = [(g.artifact, g.status, g.message) for g in cluster.gaps if "hosts" in g.artifact]
    assert gaps == [
        ("nodes/proxmox1/etc/hosts", "altered", "not UTF-8; undecodable bytes replaced"),
        ("nodes/proxmox1/etc/hosts", "altered", "control characters or lone surrogates replaced by U+FFFD"),
    ]


def test_the_collector_keeps_a_lone_surrogate_as_its_escape(tmp_path: Path) -> None:
    """An API reply with a lone surrogate is stored as the API said it (valid UTF-8 JSON), and read
    back as U+FFFD with the problem named."""
    writer = SnapshotWriter(tmp_path / "snap", "c1")
    writer.add_api("/nodes/pve1/dns", {"search": "exa\ud800mple.org"}, node="pve1")
    writer.commit()
    stored = (tmp_path / "snap/api/nodes/pve1/dns.json").read_bytes()
    assert b"exa\\ud800mple.org" in stored
    snap = open_snapshot(tmp_path / "snap")
    assert snap.api("/nodes/pve1/dns") == {"search": "exa\ufffdmple.org"}
    assert snap.problems == [
        "api/nodes/pve1/dns.json: control characters or lone surrogates replaced by U+FFFD"
    ]
