"""Running the lab for collector tests: scenario and sized worlds, inventories with test knobs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from netdoc.lab.definition import build_world, scenario, scenario_names
from netdoc.lab.sizegen import generate
from netdoc.lab.world import LabWorld

if TYPE_CHECKING:
    from netdoc.collectors.ssh import SshSession

__all__ = ["scenario_names", "scenario_world", "sized_world", "write_inventory"]


def scenario_world(name: str) -> LabWorld:
    world = build_world(scenario(name))
    assert isinstance(world, LabWorld)
    return world


def sized_world(nodes: int, guests: int = 100) -> LabWorld:
    world = build_world(generate(nodes=nodes, guests=guests))
    assert isinstance(world, LabWorld)
    return world


def write_inventory(lab: Any, path: Path, *, timeout_s: float = 5.0, **collect: Any) -> Path:
    """The lab's inventory, with collect knobs (deadline_s, retries, concurrency) set for a test."""
    lab.write_inventory(path, timeout_s=timeout_s)
    data = yaml.safe_load(path.read_text())
    for cluster in data["clusters"]:
        if collect:
            cluster["collect"] = dict(collect)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@contextmanager
def first_node_session(lab: Any, tmp: Path) -> Iterator[SshSession]:
    """An SSH session to the lab's first node, as the collector opens it (host key verified)."""
    from netdoc.collectors.known_hosts import HostKeyPolicy, load_host_keys
    from netdoc.collectors.ssh import SshSession, SshTarget
    from netdoc.config import load_inventory

    (cluster,) = load_inventory(write_inventory(lab, tmp / "inv.yml")).clusters
    assert cluster.ssh is not None and cluster.nodes
    node = cluster.nodes[0]
    known = (cluster.ssh.known_hosts,)
    policy = HostKeyPolicy(load_host_keys(known), known, tmp / "own", accept_new=False)
    target = SshTarget(node.name, node.address, node.ssh_port or cluster.ssh.port)
    with SshSession.open(target, cluster.ssh, policy, timeout=5) as session:
        yield session
