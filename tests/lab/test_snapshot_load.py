"""A lab world written as a snapshot loads into netdoc's model without a gap or a warning.

Each scenario cluster is written with the snapshot writer (api/, nodes/<node>/<path>,
nodes/<node>/commands/<name>), then read back by netdoc.loader.load_cluster, the way `netdoc build`
reads a collected snapshot.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netdoc.lab.world import LabCluster
from netdoc.loader import load_cluster
from netdoc.snapshot import COMMANDS, SnapshotWriter, open_snapshot
from tests.lab.scenario_worlds import SCENARIOS, definition, world

NAME_OF = {command: name for name, command in COMMANDS.items()}


def write_snapshot(cluster: LabCluster, dest: Path) -> Path:
    writer = SnapshotWriter(dest, cluster.name)
    for path, body in cluster.api.items():
        if "?" not in path:  # filtered listings are requests, not separate artifacts
            writer.add_api(path, body["data"])
    for node in cluster.nodes:
        for path, content in node.files.items():
            writer.add_node_file(node.name, path, content)
        for command, output in node.commands.items():
            writer.add_command(node.name, NAME_OF[command], output, request=command)
    return writer.commit()


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_world_as_snapshot_loads_cleanly(scenario: str, tmp_path: Path) -> None:
    for lab_cluster, cluster in zip(world(scenario).clusters, definition(scenario).clusters, strict=True):
        snap = open_snapshot(write_snapshot(lab_cluster, tmp_path / lab_cluster.name))
        model = load_cluster(snap)
        assert model.name == cluster.name
        assert not model.gaps
        assert [n.name for n in model.nodes] == sorted(n.name for n in cluster.nodes)
        for node in model.nodes:
            assert not node.gaps, node.gaps
            assert not node.warnings, [str(w) for w in node.warnings]
            defined = next(n for n in cluster.nodes if n.name == node.name)
            assert node.interfaces is not None
            assert {b.name for b in node.bonds} == {b.name for b in defined.bonds}
            assert (node.ovs is not None) == bool(defined.ovs_bridges)
            assert {g.vmid for g in node.guests} == {g.vmid for g in cluster.guests if g.node == node.name}
        if cluster.corosync:
            assert model.corosync is not None
            assert {n.name for n in model.corosync.nodes} == {n.name for n in cluster.nodes}
