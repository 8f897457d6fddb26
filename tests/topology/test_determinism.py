"""The same snapshot always gives equal models and byte-identical exports, whatever subset it holds.

Property: for the bundled example and every lab scenario, with any set of files removed (a
partial collection), two independent loads assemble into equal models and export the same bytes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netdoc.examples import example_path
from netdoc.loader import load_cluster
from netdoc.model.assemble import assemble, assemble_estate
from netdoc.render.graph_export import graph_graphml, graph_json
from netdoc.snapshot import open_snapshot
from netdoc.topology.graph import build_topology
from tests.lab.scenario_worlds import SCENARIOS, world
from tests.lab.test_snapshot_load import write_snapshot


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    base = tmp_path_factory.mktemp("snapshots")
    found = [example_path("starwars")]
    for name in SCENARIOS:
        for cluster in world(name).clusters:
            found.append(write_snapshot(cluster, base / name / cluster.name))
    return found


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_assembly_is_deterministic(
    snapshots: list[Path], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    source = data.draw(st.sampled_from(snapshots), label="snapshot")
    files = _files(source)
    removed = data.draw(st.sets(st.sampled_from(files), max_size=max(1, len(files) // 3)), label="removed")
    root = tmp_path_factory.mktemp("partial") / source.name
    shutil.copytree(source, root)
    for rel in removed:
        (root / rel).unlink()
    first = assemble(load_cluster(open_snapshot(root)))
    second = assemble(load_cluster(open_snapshot(root)))
    assert first == second
    a, b = build_topology(assemble_estate([first.sources])), build_topology(assemble_estate([second.sources]))
    assert graph_json(a) == graph_json(b)
    assert graph_graphml(a) == graph_graphml(b)


def test_export_bytes_are_stable_across_processes_order(snapshots: list[Path]) -> None:
    """Clusters given in any order export the same bytes (sorted by name inside)."""
    clusters = [load_cluster(open_snapshot(p)) for p in snapshots[:3]]
    forward = graph_json(build_topology(assemble_estate(clusters)))
    backward = graph_json(build_topology(assemble_estate(reversed(clusters))))
    assert forward == backward
