"""The site inputs the page tests read: the bundled example and the four lab scenarios, built once.

`lab_input()` writes each lab scenario's world as a snapshot in a temporary folder (as the lab's
round-trip tests do), then reads them with `pipeline.site_input` exactly as `netdoc build` does:
graph, audit, raw files, diagrams (graphviz). The folder is removed; the input holds every text.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from netdoc.examples import example_path
from netdoc.pipeline.inputs import site_input
from netdoc.render.site import site_pages
from netdoc.render.siteinput import SiteInput
from tests.audit.fixtures import lab_snapshot
from tests.lab.scenario_worlds import SCENARIOS


@functools.cache
def example_input() -> SiteInput:
    return site_input(example_path("starwars"))


@functools.cache
def example_pages() -> dict[str, str]:
    return site_pages(example_input())


def lab_snapshots(dest: Path) -> list[Path]:
    """Every lab scenario (the clusters `netdoc demo --scenario demo` collects) as snapshots."""
    return [p for name in SCENARIOS for p in lab_snapshot(name, dest / name)]


@functools.cache
def lab_input() -> SiteInput:
    with tempfile.TemporaryDirectory() as tmp:
        return site_input(lab_snapshots(Path(tmp)))


@functools.cache
def lab_pages() -> dict[str, str]:
    return site_pages(lab_input())
