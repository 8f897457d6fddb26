"""Same definition, same bytes; and the size generator builds big labs in reasonable time."""

from __future__ import annotations

import json
import time

import pytest

from netdoc.errors import ConfigError
from netdoc.lab.generate import build_world
from netdoc.lab.load import scenario
from netdoc.lab.sizegen import generate
from netdoc.lab.world import LabWorld
from tests.lab.scenario_worlds import SCENARIOS


def fingerprint(world: LabWorld) -> list[object]:
    out: list[object] = []
    for c in world.clusters:
        out.append((c.name, json.dumps(c.api, sort_keys=False), c.faults))
        for n in c.nodes:
            out.append((n.name, n.address, n.online, list(n.files.items()), list(n.commands.items())))
    return out


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_scenario_builds_byte_identical_worlds(name: str) -> None:
    first = build_world(scenario(name))
    second = build_world(scenario(name))
    assert fingerprint(first) == fingerprint(second)


def test_size_generator_is_deterministic_per_seed() -> None:
    a = generate(nodes=3, guests=40, clusters=4, seed=5)
    b = generate(nodes=3, guests=40, clusters=4, seed=5)
    c = generate(nodes=3, guests=40, clusters=4, seed=6)
    assert a == b
    assert a != c
    assert fingerprint(build_world(a)) == fingerprint(build_world(b))


def test_size_generator_mixes_styles_and_faults() -> None:
    d = generate(nodes=6, guests=80, clusters=4, seed=1)
    kinds = set()
    for c in d.clusters:
        n = c.nodes[0]
        kinds.add(
            "ovs"
            if n.ovs_bridges
            else "lacp"
            if n.bonds and n.bonds[0].mode == "802.3ad"
            else "legacy"
            if n.bonds
            else "simple"
        )
        assert len(c.nodes) == 6 and len(c.guests) == 80
    assert kinds == {"ovs", "lacp", "legacy", "simple"}
    downs = [
        b
        for c in d.clusters
        for n in c.nodes
        for b in [*n.bonds, *(x for o in n.ovs_bridges for x in o.bonds)]
        if b.runtime.down_slaves or b.runtime.lacp == "not_negotiated"
    ]
    assert downs, "some bonds should carry a runtime fault"
    addresses = [n.address for c in d.clusters for n in c.nodes]
    assert len(addresses) == len(set(addresses))


def test_size_generator_refuses_impossible_sizes() -> None:
    with pytest.raises(ConfigError) as info:
        generate(nodes=0, guests=-1, clusters=0)
    assert len(info.value.problems) == 3


def test_a_single_node_is_standalone() -> None:
    world = build_world(generate(nodes=1, guests=3, seed=2))
    c = world.clusters[0]
    assert "/etc/pve/corosync.conf" not in c.nodes[0].files
    status = c.api["/cluster/status"]["data"]
    assert [s["type"] for s in status] == ["node"] and status[0]["nodeid"] == 0


@pytest.mark.slow
def test_sixteen_nodes_and_a_thousand_guests(capsys: pytest.CaptureFixture[str]) -> None:
    start = time.perf_counter()
    definition = generate(nodes=16, guests=1000, clusters=1, seed=1)
    generated = time.perf_counter()
    world = build_world(definition)
    built = time.perf_counter()
    (c,) = world.clusters
    assert len(c.nodes) == 16
    assert len(c.api["/cluster/resources?type=vm"]["data"]) == 1000
    per_node = sum(
        len(c.api[f"/nodes/{n.name}/qemu"]["data"]) + len(c.api[f"/nodes/{n.name}/lxc"]["data"])
        for n in c.nodes
    )
    assert per_node == 1000
    size = sum(len(v) for n in c.nodes for v in [*n.files.values(), *n.commands.values()])
    with capsys.disabled():
        print(
            f"\n[lab size] 16 nodes / 1000 guests: generate {generated - start:.2f} s, "
            f"build_world {built - generated:.2f} s, {size / 1e6:.1f} MB of node outputs"
        )
