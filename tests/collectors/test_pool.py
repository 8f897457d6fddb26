"""One bounded pool for a whole inventory: each cluster's lane keeps its own concurrency.

The lanes on a real Pool (threads): never more than a lane's limit at once, the pool's bound over
all lanes, a lane's jobs started in order, none started after a lane is shut down. Then
a lab of several clusters, collected by collect_clusters: the clusters' requests overlap in time.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from netdoc.collectors.collect import CollectOptions, Lane, Pool
from netdoc.config import load_inventory
from netdoc.lab.loader import load_world
from netdoc.lab.runtime import LabRuntime
from netdoc.pipeline.collection import collect_clusters
from tests.collectors.labs import write_inventory


class _Gauge:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.order: list[tuple[str, int]] = []

    def job(self, lane: str, i: int, done: threading.Semaphore) -> None:
        with self.lock:
            self.now[lane] = self.now.get(lane, 0) + 1
            self.now["all"] = self.now.get("all", 0) + 1
            for k in (lane, "all"):
                self.peak[k] = max(self.peak.get(k, 0), self.now[k])
            self.order.append((lane, i))
        time.sleep(0.01)
        with self.lock:
            self.now[lane] -= 1
            self.now["all"] -= 1
        done.release()


def test_lanes_keep_their_limits_on_a_shared_pool_and_take_turns() -> None:
    pool = Pool(5, "test")
    gauge = _Gauge()
    done = threading.Semaphore(0)
    lanes = {"a": Lane(pool, 3), "b": Lane(pool, 3), "c": Lane(pool, 1)}
    try:
        for i in range(12):
            for name, lane in lanes.items():
                lane.submit(lambda name=name, i=i: gauge.job(name, i, done))
        for _ in range(36):
            assert done.acquire(timeout=10)
    finally:
        pool.shutdown()
    assert gauge.peak["a"] <= 3 and gauge.peak["b"] <= 3 and gauge.peak["c"] == 1
    assert gauge.peak["all"] <= 5
    for name in lanes:
        mine = [i for lane, i in gauge.order if lane == name]
        assert sorted(mine) == list(range(12))
        if name == "c":
            assert mine == list(range(12))  # one at a time: in order


def test_a_shut_lane_starts_nothing_more() -> None:
    pool = Pool(1, "test")
    started: list[int] = []
    gate = threading.Event()
    lane = Lane(pool, 1)

    def first() -> None:
        gate.wait(5)
        started.append(0)

    try:
        lane.submit(first)
        for i in range(1, 5):
            lane.submit(lambda i=i: started.append(i))
        lane.shutdown()
        lane.submit(lambda: started.append(99))
        gate.set()
        time.sleep(0.2)
    finally:
        pool.shutdown()
    assert started == [0]


@pytest.mark.integration
def test_clusters_of_an_inventory_are_collected_at_the_same_time(tmp_path: Path) -> None:
    world = load_world()  # the `demo` definition: every scenario's cluster, side by side
    assert len(world.clusters) >= 2
    with LabRuntime(world, tmp_path / "lab", faults=[{"kind": "latency", "ms": 30}]) as lab:
        inventory = load_inventory(write_inventory(lab, tmp_path / "inv.yml", deadline_s=120))
        results = collect_clusters(list(inventory.clusters), tmp_path / "snaps", CollectOptions(), workers=8)
        spans = {}
        for c in world.clusters:
            at = [r.at for r in lab.api_log.records() if r.cluster == c.name]
            spans[c.name] = (min(at), max(at))
    assert [r.cluster for r in results] == [c.name for c in world.clusters]
    assert not [r.cluster for r in results if r.partial]
    # every cluster's first request comes before any other cluster's last: they ran side by side
    first = max(start for start, _ in spans.values())
    last = min(end for _, end in spans.values())
    assert first < last, spans
