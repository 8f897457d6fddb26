"""Benchmark: load, assemble, graph and audit a lab cluster of the size generator (not part of the tests).

    .venv/bin/python -m benchmarks.audit_lab --nodes 16 --guests 1000 [--runs 3]

Writes the generated cluster as a snapshot (no servers: the world's files, as the collector would
store them), then times each build step: load (parse every source), assemble, graph, checks.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from netdoc.audit.run import run_audit
from netdoc.lab.definition import build_world
from netdoc.lab.sizegen import generate
from netdoc.loader import load_cluster
from netdoc.model.assemble import assemble_estate
from netdoc.snapshot import COMMANDS, SnapshotWriter, open_snapshot
from netdoc.topology.graph import build_topology

NAME_OF = {command: name for name, command in COMMANDS.items()}


def write(nodes: int, guests: int, dest: Path) -> Path:
    world = build_world(generate(nodes=nodes, guests=guests))
    (cluster,) = world.clusters
    writer = SnapshotWriter(dest, cluster.name)
    for path, body in cluster.api.items():
        if "?" not in path:
            writer.add_api(path, body["data"])
    for i, node in enumerate(cluster.nodes):
        for path, content in node.files.items():
            if path.startswith("/etc/pve/") and i > 0:
                continue  # the collector reads the cluster file system once, from one node
            writer.add_node_file(node.name, path, content)
        for command, output in node.commands.items():
            writer.add_command(node.name, NAME_OF[command], output, request=command)
    return writer.commit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=16)
    ap.add_argument("--guests", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        snap = write(args.nodes, args.guests, Path(tmp) / "snap")
        times: dict[str, list[float]] = {"load": [], "assemble": [], "graph": [], "checks": []}
        for _ in range(args.runs):
            t0 = time.perf_counter()
            cluster = load_cluster(open_snapshot(snap))
            t1 = time.perf_counter()
            estate = assemble_estate([cluster])
            t2 = time.perf_counter()
            topo = build_topology(estate)
            t3 = time.perf_counter()
            result = run_audit(topo)
            t4 = time.perf_counter()
            for key, value in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                times[key].append(value)
        print(
            f"{args.nodes} nodes, {args.guests} guests: {topo.graph.number_of_nodes()} graph nodes, "
            f"{topo.graph.number_of_edges()} edges, {len(result.findings)} findings"
        )
        for key, values in times.items():
            print(f"  {key:9} median {statistics.median(values):.2f} s over {len(values)} runs")


if __name__ == "__main__":
    main()
