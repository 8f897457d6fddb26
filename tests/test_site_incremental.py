"""Incremental builds: a no-change re-run does nothing, a changed input rebuilds, the diagram cache
is hit (renders counted with a real `dot` behind a counting wrapper), parallel rendering gives the
bytes serial rendering gives, and the progress a build shows on a terminal and in a log.

Real graphviz and a real `mkdocs build --strict` throughout (the bundled starwars example).
"""

from __future__ import annotations

import io
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from netdoc.cli import cli as cli_main
from netdoc.cli.progress import StepProgress
from netdoc.examples import example_path
from netdoc.nightly import step_log
from netdoc.pipeline.site import build_site
from netdoc.render.diagrams import all_diagrams
from netdoc.render.graphviz_run import render_svg, render_svgs
from netdoc.render.output import BUILD_STAMP
from tests.pages.sites import example_input

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz is not installed")


def _files(site: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of a site: its bytes and its modification time (ns)."""
    return {
        p.relative_to(site).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    """A copy of the example snapshot, free to change."""
    dest = tmp_path / "snap"
    shutil.copytree(example_path("starwars"), dest)
    return dest


@pytest.fixture
def counting_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`dot` on PATH is a wrapper that logs each call's first argument, then runs the real one."""
    real = shutil.which("dot")
    assert real is not None
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "dot-calls.log"
    wrapper = folder / "dot"
    wrapper.write_text(f'#!/bin/sh\necho "$1" >> {log}\nexec {real} "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return log


def _renders(log: Path) -> int:
    return log.read_text(encoding="utf-8").split().count("-Tsvg") if log.exists() else 0


def test_a_warm_rerun_does_nothing_and_leaves_the_site_byte_identical(snapshot: Path, tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    cold = build_site(snapshot, site, cache_dir=cache)
    assert not cold.unchanged and cold.pages > 20 and cold.diagrams > 3
    assert {"load", "assemble", "checks", "diagrams", "pages", "mkdocs", "total"} <= cold.timings.keys()
    before = _files(site)
    assert BUILD_STAMP in before
    # the raw blocks set aside from mkdocs (render/output.RawBlocks) are back, once each, in the pages
    node = (site / "starwars" / "nodes" / "proxmox1.html").read_text(encoding="utf-8")
    assert node.count('<div class="netdoc-diagram" markdown="0">\n<svg') == 1
    etc = (site / "starwars" / "sources" / "nodes" / "proxmox1" / "etc" / "network.html").read_text(
        encoding="utf-8"
    )
    assert etc.count('<span id="file-interfaces-L16">iface eno1 inet manual</span>') == 1
    assert not [k for k, (data, _) in before.items() if b"netdocraw" in data], "a stand-in left in the site"
    search = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "file-interfaces-L16" not in search and "<svg" not in search
    warm = build_site(snapshot, site, cache_dir=cache)
    assert warm.unchanged
    assert (warm.clusters, warm.pages, warm.diagrams) == (cold.clusters, cold.pages, cold.diagrams)
    assert "mkdocs" not in warm.timings and "load" not in warm.timings  # nothing was read or built
    assert _files(site) == before, "the site must be left exactly as it was (bytes and times)"
    # the command says so
    out = CliRunner().invoke(cli_main, ["build", "--no-config", "--site", str(site), "-q", str(snapshot)])
    assert out.exit_code == 0, out.output
    assert "nothing changed" in out.output
    assert _files(site) == before
    # --force builds it again, into the same bytes
    forced = build_site(snapshot, site, cache_dir=cache, force=True)
    assert not forced.unchanged
    assert {k: v[0] for k, v in _files(site).items()} == {k: v[0] for k, v in before.items()}


@pytest.mark.parametrize("what", ["snapshot", "notes", "waivers"])
def test_a_changed_input_triggers_a_rebuild(snapshot: Path, tmp_path: Path, what: str) -> None:
    site, cache, notes = tmp_path / "site", tmp_path / "cache", tmp_path / "notes"
    notes.mkdir()
    (notes / "index.md").write_text("# Runbook\n\nfirst\n", encoding="utf-8")
    waivers = tmp_path / "waivers.yml"
    waivers.write_text("waivers: []\n", encoding="utf-8")
    build_site(snapshot, site, cache_dir=cache, notes_dir=notes, waivers_file=waivers)
    again = build_site(snapshot, site, cache_dir=cache, notes_dir=notes, waivers_file=waivers)
    assert again.unchanged
    if what == "snapshot":
        hosts = snapshot / "nodes" / "proxmox1" / "etc" / "hosts"
        hosts.write_text(hosts.read_text(encoding="utf-8") + "192.0.2.77 changed.example\n", encoding="utf-8")
    elif what == "notes":
        (notes / "index.md").write_text("# Runbook\n\nsecond\n", encoding="utf-8")
    else:
        waivers.write_text("# reviewed\nwaivers: []\n", encoding="utf-8")
    changed = build_site(snapshot, site, cache_dir=cache, notes_dir=notes, waivers_file=waivers)
    assert not changed.unchanged
    assert changed.diagrams_rendered == 0 and changed.diagrams_cached == changed.diagrams
    if what == "snapshot":
        page = site / "starwars" / "sources" / "nodes" / "proxmox1" / "etc.html"  # etc/ holds hosts
        assert "changed.example" in page.read_text(encoding="utf-8")
    if what == "notes":
        assert "second" in (site / "notes" / "index.html").read_text(encoding="utf-8")


def test_the_diagram_cache_is_hit(snapshot: Path, tmp_path: Path, counting_dot: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    cold = build_site(snapshot, site, cache_dir=cache)
    assert cold.diagrams_rendered == cold.diagrams > 3 and cold.diagrams_cached == 0
    assert _renders(counting_dot) == cold.diagrams  # graphviz ran once per diagram
    svgs = {k: v[0] for k, v in _files(site).items() if k.endswith(".svg")}
    assert len(list((cache / "svg").glob("*/*.svg"))) == cold.diagrams
    warm = build_site(snapshot, site, cache_dir=cache, force=True)  # everything but the diagrams again
    assert warm.diagrams_rendered == 0 and warm.diagrams_cached == cold.diagrams
    assert _renders(counting_dot) == cold.diagrams, "no diagram may be rendered a second time"
    assert {k: v[0] for k, v in _files(site).items() if k.endswith(".svg")} == svgs
    # without the cache, graphviz draws each again
    build_site(snapshot, site, use_cache=False, force=True)
    assert _renders(counting_dot) == 2 * cold.diagrams


def test_parallel_rendering_gives_the_bytes_of_serial_rendering() -> None:
    site = example_input()
    sources = [(f"{d.cluster}/{d.name}", d.dot) for d in all_diagrams(site.topology, site.audit)]
    assert len(sources) > 3
    serial = [render_svg(dot, name=name) for name, dot in sources]
    done: list[tuple[int, int]] = []
    parallel = render_svgs(sources, workers=4, on_done=lambda d, t: done.append((d, t)))
    assert parallel == serial
    assert render_svgs(list(reversed(sources)), workers=3) == list(reversed(serial))
    assert [d for d, _ in done] == list(range(1, len(sources) + 1)) and {t for _, t in done} == {len(sources)}


def test_progress_plain_lines_without_a_terminal() -> None:
    stream = io.StringIO()
    progress = StepProgress(stream, tty=False)
    progress("reading the snapshots", 0, 0)
    for i in range(1, 6):
        progress("diagrams", i, 5)
    progress("mkdocs: writing pages", 3, 9)
    progress.clear()
    assert stream.getvalue().splitlines() == [
        "netdoc build: reading the snapshots",
        "netdoc build: diagrams: 5",
        "netdoc build: mkdocs: writing pages: 9",
    ]


def test_progress_one_updating_line_on_a_terminal() -> None:
    stream = io.StringIO()
    with StepProgress(stream, tty=True, interval_s=0) as progress:
        progress("reading the snapshots", 0, 0)
        for i in range(1, 4):
            progress("diagrams", i, 3)
    text = stream.getvalue()
    assert "\n" not in text, "a terminal gets one line, rewritten in place"
    assert text.split("\r\x1b[2K")[1:] == [
        "netdoc build: reading the snapshots",
        "netdoc build: diagrams 1/3",
        "netdoc build: diagrams 2/3",
        "netdoc build: diagrams 3/3",
        "",  # cleared at the end
    ]
    quiet = io.StringIO()
    StepProgress(quiet, tty=True, quiet=True)("diagrams", 1, 3)
    assert quiet.getvalue() == ""


def test_netdoc_build_shows_progress_on_stderr_only(snapshot: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["build", "--no-config", "--site", str(tmp_path / "site"), "--cache-dir", str(tmp_path / "c")]
    done = runner.invoke(cli_main, [*args, str(snapshot)])
    assert done.exit_code == 0, done.output + done.stderr
    steps = done.stderr.splitlines()
    assert "netdoc build: reading the snapshots" in steps
    assert any(s.startswith("netdoc build: diagrams: ") for s in steps)
    assert any(s.startswith("netdoc build: mkdocs: writing pages: ") for s in steps)
    assert len(steps) < 20, "one line per step, not per diagram or page"
    assert "netdoc build:" not in done.stdout and "site built:" in done.stdout
    quiet = runner.invoke(cli_main, [*args, "--force", "-q", str(snapshot)])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_netdoc_run_logs_one_event_per_build_step() -> None:
    events: list[tuple[str, str]] = []
    progress = step_log(lambda event, message, **data: events.append((event, message)))
    progress("reading the snapshots", 0, 0)
    for i in range(1, 4):
        progress("diagrams", i, 3)
    assert events == [("progress", "build: reading the snapshots"), ("progress", "build: diagrams: 3")]
