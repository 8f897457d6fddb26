"""The estates the diagram tests draw: the bundled example and each lab scenario, built once per session.

A lab scenario is written as a snapshot (tests/audit/fixtures.lab_snapshot) into a temporary
folder, loaded and audited the way `netdoc build` does (estate.check_estate).
"""

from __future__ import annotations

import difflib
import functools
import tempfile
from pathlib import Path

import pytest

from netdoc.audit.run import AuditResult
from netdoc.estate import check_estate
from netdoc.examples import example_path
from netdoc.lab.definition import build_world
from netdoc.lab.sizegen import generate
from netdoc.render.diagrams import all_diagrams
from netdoc.render.siteinput import Diagram
from netdoc.topology.graph import Topology
from tests.audit.fixtures import lab_snapshot
from tests.golden import FIXTURES
from tests.lab.scenario_worlds import SCENARIOS
from tests.lab.test_snapshot_load import write_snapshot

CASES = ["example", *SCENARIOS]
GOLDEN = FIXTURES / "diagrams"


@functools.cache
def estate(case: str) -> tuple[Topology, AuditResult]:
    """The graph and audit of a case: "example" (the bundled starwars snapshot) or a lab scenario."""
    if case == "example":
        return check_estate([example_path("starwars")])
    with tempfile.TemporaryDirectory() as tmp:
        return check_estate(lab_snapshot(case, Path(tmp)))


@functools.cache
def sized(nodes: int, guests: int, seed: int = 0) -> tuple[Topology, AuditResult]:
    """The size generator's cluster (netdoc/lab/sizegen.py) as a snapshot, loaded and audited.

    The seed picks the network style: 0 simple (untagged guests), 1 legacy (VLAN-unaware bridge).
    """
    world = build_world(generate(nodes=nodes, guests=guests, seed=seed))
    with tempfile.TemporaryDirectory() as tmp:
        return check_estate([write_snapshot(c, Path(tmp) / c.name) for c in world.clusters])


@functools.cache
def diagrams(case: str) -> tuple[Diagram, ...]:
    return tuple(all_diagrams(*estate(case)))


def diagram(case: str, name: str) -> Diagram:
    found = [d for d in diagrams(case) if d.name == name]
    assert found, f"{case} has no diagram {name}: {[d.name for d in diagrams(case)]}"
    return found[0]


def check_text(expected_file: Path, actual: str, update: bool) -> None:
    """Compare a text with its golden file, or rewrite it under --update-golden."""
    if update:
        expected_file.parent.mkdir(parents=True, exist_ok=True)
        expected_file.write_text(actual, encoding="utf-8")
        return
    if not expected_file.exists():
        pytest.fail(f"{expected_file} is missing (run pytest --update-golden)")
    expected = expected_file.read_text(encoding="utf-8")
    if expected != actual:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                str(expected_file),
                "actual",
                n=1,
            )
        )
        pytest.fail(f"golden mismatch (pytest --update-golden to accept):\n{diff[:12000]}")
