"""Wall time of `netdoc collect` against the lab, and requests per node (not part of the test run).

    .venv/bin/python benchmarks/collect_lab.py [--runs 5] [--nodes 3 16] [--guests 100]

For each size, starts the lab in this process (3 nodes: scenario starwars; other sizes: the size
generator with --guests guests), then runs `netdoc collect -i INVENTORY` as a separate process
--runs times and prints the median and range of its wall time (interpreter start included), the
API requests and SSH commands per node and for the cluster, from the lab's own logs.
"""

from __future__ import annotations

import argparse
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


def world_for(nodes: int, guests: int) -> tuple[str, LabWorld]:
    if nodes == 3:
        return "starwars (3 nodes, 4 guests)", build_world(scenario("starwars"))
    return f"size generator ({nodes} nodes, {guests} guests)", build_world(
        generate(nodes=nodes, guests=guests)
    )


def measure(nodes: int, guests: int, runs: int) -> None:
    label, world = world_for(nodes, guests)
    netdoc = Path(sys.executable).with_name("netdoc")
    with tempfile.TemporaryDirectory() as tmp, LabRuntime(world, Path(tmp) / "lab") as lab:
        inventory = lab.write_inventory(Path(tmp) / "inventory.yml")
        times = []
        for i in range(runs):
            lab.api_log.clear()
            lab.ssh_log.clear()
            start = time.monotonic()
            proc = subprocess.run(
                [str(netdoc), "collect", "-i", str(inventory), "--out", str(Path(tmp) / f"snap{i}")],
                capture_output=True,
                text=True,
                check=False,
                env={"XDG_STATE_HOME": str(Path(tmp) / "state"), "PATH": "/usr/bin:/bin"},
            )
            times.append(time.monotonic() - start)
            if proc.returncode != 0:
                print(proc.stdout, proc.stderr)
                raise SystemExit(f"netdoc collect exited with {proc.returncode}")
        api_nodes = Counter(r.node for r in lab.api_log.records() if r.node)
        api_cluster = sum(1 for r in lab.api_log.records() if not r.node)
        ssh_nodes = Counter(e.node for e in lab.ssh_log.records() if e.kind == "exec")
        connects = Counter(e.node for e in lab.ssh_log.records() if e.kind == "connect")
    print(
        f"{label}: netdoc collect wall time median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}, {runs} runs)"
    )
    print(
        f"  API requests: {api_cluster} cluster-wide + per node {sorted(set(api_nodes.values()))}"
        f" = {api_cluster + sum(api_nodes.values())}"
    )
    print(
        f"  SSH: per node {sorted(set(ssh_nodes.values()))} commands over "
        f"{sorted(set(connects.values()))} connection(s) = {sum(ssh_nodes.values())} commands"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--nodes", type=int, nargs="+", default=[3, 16])
    parser.add_argument("--guests", type=int, default=100)
    args = parser.parse_args()
    for n in args.nodes:
        measure(n, args.guests, args.runs)


if __name__ == "__main__":
    main()
