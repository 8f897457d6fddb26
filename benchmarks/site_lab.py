"""Benchmark: `netdoc build` of size-generator clusters, cold and warm, step by step (not part of the tests).

    .venv/bin/python -m benchmarks.site_lab --scenario S M L [--seed 0] [--keep DIR]
    .venv/bin/python -m benchmarks.site_lab --nodes 16 --guests 1000 [--clusters 1]

Scenarios (issue 10): S = 1 cluster of 3 nodes and 30 guests, M = 1 cluster of 16 nodes and 1,000
guests, L = 3 clusters of 32 nodes and 2,000 guests each. Each is written as snapshots
(benchmarks/diagrams_lab.write_clusters: /etc/pve from one node, as the collector reads it), then
built three times, each in a fresh process (pipeline.build_site, as `netdoc build` does):
cold (no site, empty diagram cache), warm (nothing changed: the build must see it), and forced
(--force: everything but the diagrams, which come from the cache). For each: wall time, the
build's own timings per step (BuildResult.timings), diagrams rendered and cached, peak memory of
the process (RSS), and the site's pages, files and bytes. `run_build` is the one-build function.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.diagrams_lab import write_clusters

SCENARIOS = {"S": (3, 30, 1), "M": (16, 1000, 1), "L": (32, 2000, 3)}  # nodes, guests each, clusters


def run_build(snapshots: list[Path], site: Path, cache: Path, *, force: bool = False) -> dict[str, Any]:
    """One `build_site` in a fresh Python process: wall time, BuildResult's numbers, peak RSS."""
    code = (
        "import json, resource, sys, time\n"
        "from pathlib import Path\n"
        "t = time.perf_counter()\n"
        "from netdoc.pipeline.site import build_site\n"
        "r = build_site([Path(p) for p in sys.argv[4:]], Path(sys.argv[1]), cache_dir=Path(sys.argv[2]),"
        " force=sys.argv[3] == '1')\n"
        "print(json.dumps({'wall_s': time.perf_counter() - t, 'timings': r.timings, 'pages': r.pages,"
        " 'diagrams': r.diagrams, 'rendered': r.diagrams_rendered, 'cached': r.diagrams_cached,"
        " 'unchanged': r.unchanged,"
        " 'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, str(site), str(cache), "1" if force else "0", *map(str, snapshots)],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent)),
    )
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    out["process_s"] = time.perf_counter() - start  # interpreter start and imports included
    return out


def _size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def _line(name: str, run: dict[str, Any]) -> str:
    steps = " ".join(f"{k} {v:.2f}" for k, v in run["timings"].items() if k != "total")
    return (
        f"  {name:6} {run['process_s']:6.2f} s (build {run['timings']['total']:.2f} s), "
        f"peak RSS {run['peak_rss_mb']:.0f} MB, diagrams rendered {run['rendered']} cached {run['cached']}"
        f"{', unchanged' if run['unchanged'] else ''}\n         {steps}"
    )


def bench(nodes: int, guests: int, clusters: int, seed: int, work: Path, keep: Path | None) -> dict[str, Any]:
    snaps = write_clusters(nodes, guests, clusters, seed, work / "snap")
    site, cache = keep or work / "site", work / "cache"
    shutil.rmtree(site, ignore_errors=True)
    cold = run_build(snaps, site, cache)
    files, size = _size(site)
    warm = run_build(snaps, site, cache)
    forced = run_build(snaps, site, cache, force=True)
    return {"cold": cold, "warm": warm, "forced": forced, "files": files, "bytes": size}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", nargs="*", choices=sorted(SCENARIOS), help="S, M and/or L")
    ap.add_argument("--nodes", type=int, default=16)
    ap.add_argument("--guests", type=int, default=1000, help="guests per cluster")
    ap.add_argument("--clusters", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0, help="the network style; 0: simple, 2: lacp")
    ap.add_argument("--keep", type=Path, help="build the site into this folder and keep it (one scenario)")
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args()
    wanted = (
        {s: SCENARIOS[s] for s in args.scenario}
        if args.scenario
        else {"custom": (args.nodes, args.guests, args.clusters)}
    )
    results = {}
    for name, (nodes, guests, clusters) in wanted.items():
        with tempfile.TemporaryDirectory() as tmp:
            r = bench(nodes, guests, clusters, args.seed, Path(tmp), args.keep)
        results[name] = r
        print(
            f"{name}: {clusters} cluster(s) x {nodes} nodes x {guests} guests, seed {args.seed}: "
            f"{r['cold']['pages']} pages, {r['cold']['diagrams']} diagrams, "
            f"site {r['files']} files, {r['bytes'] / 1e6:.1f} MB"
        )
        for run in ("cold", "warm", "forced"):
            print(_line(run, r[run]))
    print(f"  (children's peak RSS {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB)")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
