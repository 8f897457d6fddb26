"""Wall time of `netdoc collect` against the lab, and round trips per node (not part of the test run).

    .venv/bin/python benchmarks/collect_lab.py [--runs 5] [--nodes 3 16] [--guests 100] [--latency-ms 20]
        [--collector CHECKOUT]

For each size, starts the lab in this process (3 nodes: scenario starwars; other sizes: the size
generator with --guests guests), with --latency-ms injected on every API request and SSH command
(lab fault `latency`), then times --runs collections two ways: `netdoc collect -i INVENTORY` as a
separate process (interpreter start and imports included), and `collect_clusters` timed inside a
separate process (what the collection itself costs; the lab keeps this process) and its CPU time. Prints the
median and range of each, and the API requests, SSH connections and SSH exec round trips per
node and for the cluster, from the lab's own logs. `--collector CHECKOUT` runs the netdoc of
another checkout (e.g. `git worktree add /tmp/before <commit>`) against the same lab, for
numbers before and after a change.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from netdoc.lab.definition import build_world, scenario
from netdoc.lab.runtime import LabRuntime
from netdoc.lab.sizegen import generate
from netdoc.lab.world import LabWorld

# collect_clusters timed from inside its own process: imports and interpreter start excluded
IN_PROCESS = """
import json, sys, time
from pathlib import Path
from netdoc.collectors.collect import CollectOptions
from netdoc.config import load_inventory
from netdoc.pipeline.collection import collect_clusters
clusters = list(load_inventory(Path(sys.argv[1])).clusters)
start, cpu = time.monotonic(), time.process_time()
results = collect_clusters(clusters, Path(sys.argv[2]), CollectOptions())
seconds, cpu = time.monotonic() - start, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu": cpu, "partial": any(r.partial for r in results)}))
"""


def world_for(nodes: int, guests: int) -> tuple[str, LabWorld]:
    if nodes == 3:
        return "starwars (3 nodes, 4 guests)", build_world(scenario("starwars"))
    return f"size generator ({nodes} nodes, {guests} guests)", build_world(
        generate(nodes=nodes, guests=guests)
    )


def _spread(times: list[float]) -> str:
    return f"median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})"


def measure(nodes: int, guests: int, runs: int, latency_ms: int, collector: Path | None) -> None:
    label, world = world_for(nodes, guests)
    netdoc = Path(sys.executable).with_name("netdoc")
    faults = [{"kind": "latency", "ms": latency_ms, "target": "both"}] if latency_ms else []
    with tempfile.TemporaryDirectory() as tmp, LabRuntime(world, Path(tmp) / "lab", faults=faults) as lab:
        inventory = lab.write_inventory(Path(tmp) / "inventory.yml")
        state = Path(tmp) / "state"
        env = {"XDG_STATE_HOME": str(state), "PATH": "/usr/bin:/bin"}
        if collector is not None:
            env["PYTHONPATH"] = str(collector.resolve())  # ahead of this checkout's (editable) netdoc
        process, in_process, cpu = [], [], []
        for i in range(runs):
            lab.api_log.clear()
            lab.ssh_log.clear()
            start = time.monotonic()
            proc = subprocess.run(
                [str(netdoc), "collect", "-i", str(inventory), "--out", str(Path(tmp) / f"snap{i}")],
                capture_output=True,
                text=True,
                check=False,
                env=env,
                cwd=tmp,
            )
            process.append(time.monotonic() - start)
            if proc.returncode != 0:
                print(proc.stdout, proc.stderr)
                raise SystemExit(f"netdoc collect exited with {proc.returncode}")
        api_nodes = Counter(r.node for r in lab.api_log.records() if r.node)
        api_cluster = sum(1 for r in lab.api_log.records() if not r.node)
        ssh_nodes = Counter(e.node for e in lab.ssh_log.records() if e.kind == "exec")
        connects = Counter(e.node for e in lab.ssh_log.records() if e.kind == "connect")
        for i in range(runs):
            args = [sys.executable, "-c", IN_PROCESS, str(inventory), str(Path(tmp) / f"inproc{i}")]
            done = subprocess.run(args, capture_output=True, text=True, check=True, env=env, cwd=tmp)
            measured = json.loads(done.stdout.splitlines()[-1])
            if measured["partial"]:
                raise SystemExit(f"in-process collect was partial: {done.stderr}")
            in_process.append(measured["seconds"])
            cpu.append(measured["cpu"])
    print(f"{label}, {latency_ms} ms latency on every API request and SSH command, {runs} runs:")
    print(f"  `netdoc collect` (a new process): {_spread(process)}")
    print(f"  collect_clusters (timed inside):  {_spread(in_process)}")
    print(f"  its CPU time (all threads):       {_spread(cpu)}")
    print(
        f"  API requests: {api_cluster} cluster-wide + per node {sorted(set(api_nodes.values()))}"
        f" = {api_cluster + sum(api_nodes.values())}"
    )
    print(
        f"  SSH: per node {sorted(set(ssh_nodes.values()))} exec round trips over "
        f"{sorted(set(connects.values()))} connection(s) = {sum(ssh_nodes.values())} execs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--nodes", type=int, nargs="+", default=[3, 16])
    parser.add_argument("--guests", type=int, default=100)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--collector", type=Path, help="the checkout whose netdoc collects")
    args = parser.parse_args()
    for n in args.nodes:
        measure(n, args.guests, args.runs, args.latency_ms, args.collector)


if __name__ == "__main__":
    main()
