"""Benchmark: every diagram of a size-generator cluster, built and rendered (not part of the tests).

    .venv/bin/python -m benchmarks.diagrams_lab --nodes 16 --guests 1000 [--seed 2] [--runs 3] [--out DIR]

The seed picks the cluster's network style (sizegen.STYLES): 0 simple (a NIC bridge and a NAT
bridge, guests untagged), 1 legacy (active-backup, VLAN-unaware bridge), 2 lacp (LACP bond,
VLAN-aware bridge, VLAN interfaces), 5 ovs (OVS LACP bond, IntPorts). Writes the generated
cluster as a snapshot (as benchmarks/audit_lab.py does), loads and audits
it once, then times `all_diagrams` (DOT text from the graph) and the rendering of each diagram
to SVG, one after the other (as `netdoc build` does). Prints the slowest diagrams and the SVG
sizes; --out keeps the DOT and SVG files for a look.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.audit_lab import NAME_OF
from netdoc.audit.run import run_audit
from netdoc.lab.definition import build_world
from netdoc.lab.sizegen import generate
from netdoc.loader import load_cluster
from netdoc.model.assemble import assemble_estate
from netdoc.render.diagrams import all_diagrams
from netdoc.render.graphviz_run import render_svg
from netdoc.snapshot import SnapshotWriter, open_snapshot
from netdoc.topology.graph import build_topology


def write(nodes: int, guests: int, seed: int, dest: Path) -> Path:
    """The generated cluster as a snapshot, /etc/pve from one node (as the collector reads it)."""
    (cluster,) = build_world(generate(nodes=nodes, guests=guests, seed=seed)).clusters
    return _write_cluster(cluster, dest)


def write_clusters(nodes: int, guests: int, clusters: int, seed: int, dest: Path) -> list[Path]:
    """`clusters` generated clusters of `nodes` nodes and `guests` guests each, one snapshot each
    (dest/<cluster>/), as `netdoc collect` writes them side by side."""
    world = build_world(generate(nodes=nodes, guests=guests, clusters=clusters, seed=seed))
    return [_write_cluster(c, dest / c.name) for c in world.clusters]


def _write_cluster(cluster: Any, dest: Path) -> Path:
    writer = SnapshotWriter(dest, cluster.name)
    for path, body in cluster.api.items():
        if "?" not in path:
            writer.add_api(path, body["data"])
    for i, node in enumerate(cluster.nodes):
        for path, content in node.files.items():
            if not (path.startswith("/etc/pve/") and i > 0):
                writer.add_node_file(node.name, path, content)
        for command, output in node.commands.items():
            writer.add_command(node.name, NAME_OF[command], output, request=command)
    return writer.commit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=16)
    ap.add_argument("--guests", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2, help="the network style (see above); 2: lacp")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, help="write every diagram's .dot and .svg here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        snap = write(args.nodes, args.guests, args.seed, Path(tmp) / "snap")
        topo = build_topology(assemble_estate([load_cluster(open_snapshot(snap))]))
    audit = run_audit(topo)
    build: list[float] = []
    render: list[float] = []
    per: dict[str, float] = {}
    sizes: dict[str, int] = {}
    for _ in range(args.runs):
        t0 = time.perf_counter()
        diagrams = all_diagrams(topo, audit)
        t1 = time.perf_counter()
        for d in diagrams:
            s0 = time.perf_counter()
            svg = render_svg(d.dot, name=d.name)
            per[d.name] = max(per.get(d.name, 0.0), time.perf_counter() - s0)
            sizes[d.name] = len(svg.encode())
            if args.out is not None:
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / f"{d.name}.dot").write_text(d.dot, encoding="utf-8")
                (args.out / f"{d.name}.svg").write_text(svg, encoding="utf-8")
        t2 = time.perf_counter()
        build.append(t1 - t0)
        render.append(t2 - t1)
    total = sum(sizes.values())
    print(
        f"{args.nodes} nodes, {args.guests} guests, seed {args.seed}: {len(sizes)} diagrams, "
        f"SVG {total / 1e6:.1f} MB in all"
    )
    print(f"  all_diagrams (DOT)  median {statistics.median(build):.2f} s over {args.runs} runs")
    print(
        f"  render to SVG       median {statistics.median(render):.2f} s over {args.runs} runs (sequential)"
    )
    for name, seconds in sorted(per.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  slowest: {name:16} {seconds:.2f} s, {sizes[name] / 1e3:.0f} kB")
    kinds: dict[str, list[int]] = {}
    for name, size in sizes.items():
        kinds.setdefault(name.split("-")[0], []).append(size)
    for kind, values in sorted(kinds.items()):
        print(
            f"  {kind:9} {len(values):3} diagram(s), SVG {min(values) / 1e3:.0f}-{max(values) / 1e3:.0f} kB"
        )


if __name__ == "__main__":
    main()
