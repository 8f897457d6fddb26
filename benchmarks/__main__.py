"""The benchmark harness: netdoc against the lab at three sizes, with latency injected, and a baseline.

    .venv/bin/python -m benchmarks [--scenario S|M|L ...] [--latency-ms 20] [--runs 3]
                                   [--baseline-runs 1] [--json FILE]

Scenarios (the lab's size generator, netdoc.lab.sizegen; guests are per cluster):
    S  1 cluster,  3 nodes,    30 guests
    M  1 cluster, 16 nodes, 1,000 guests
    L  3 clusters of 32 nodes, 2,000 guests each

For each scenario the lab runs in this process (HTTPS API and SSH per node on loopback) with
--latency-ms added to every API request and SSH command (lab fault `latency`). Then, each in a
process of its own, so that nothing shares an interpreter with the lab:
    collect   `netdoc collect` of every cluster, --runs times: the collection's own time (median;
              `collect_s`) and the whole process's (`collect_cli_s`, interpreter start included);
              API requests, SSH connections and SSH exec round trips, per node, from the lab's logs;
    baseline  benchmarks/baseline.py: sequential, one API call per guest config, --baseline-runs
              times (default 1: at L it takes minutes);
              `ratio` = baseline / netdoc (median against median);
    build     benchmarks/build_run.py on the last snapshot: cold (empty site, empty cache), then
              warm (the same snapshot again: nothing changed); the site, the reports netdoc run
              writes (html, pdf, json, xlsx, junit), the split into steps, peak RSS, output size.
The table goes to stdout; --json FILE writes every number per scenario. docs/performance.md holds
the results with the machine and the date.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netdoc.lab.definition import build_world
from netdoc.lab.runtime import LabRuntime
from netdoc.lab.sizegen import generate


@dataclass(frozen=True)
class Scenario:
    name: str
    clusters: int
    nodes: int  # per cluster
    guests: int  # per cluster

    @property
    def total_guests(self) -> int:
        return self.clusters * self.guests


SCENARIOS = {
    "S": Scenario("S", 1, 3, 30),
    "M": Scenario("M", 1, 16, 1000),
    "L": Scenario("L", 3, 32, 2000),
}


def _python(module: str, *args: str, env: dict[str, str]) -> tuple[dict[str, Any], float]:
    """Run `python -m module args` (a benchmarks helper printing one JSON line): (its JSON, wall s)."""
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, check=False, env=env
    )
    wall = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"{module} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), wall


def _size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def _per_node(counter: Counter[str]) -> list[int]:
    return sorted(set(counter.values()))


def run_scenario(
    sc: Scenario,
    latency_ms: int,
    runs: int,
    baseline_runs: int,
    formats: str,
    log: Any,
    workdir: Path | None = None,
) -> dict[str, Any]:
    world = build_world(generate(nodes=sc.nodes, guests=sc.guests, clusters=sc.clusters, seed=0))
    faults = [{"kind": "latency", "ms": latency_ms, "target": "both"}] if latency_ms else []
    row: dict[str, Any] = {
        "scenario": sc.name,
        "clusters": sc.clusters,
        "nodes": sc.clusters * sc.nodes,
        "guests": sc.total_guests,
        "latency_ms": latency_ms,
        "runs": runs,
    }
    with contextlib.ExitStack() as stack:
        if workdir is None:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"netdoc-bench-{sc.name}-")))
        else:
            tmp = workdir / sc.name
            tmp.mkdir(parents=True, exist_ok=False)
        env = dict(os.environ, XDG_STATE_HOME=str(tmp / "state"), XDG_CACHE_HOME=str(tmp / "cache"))
        env.pop("NETDOC_CACHE_DIR", None)
        with LabRuntime(world, tmp / "lab", faults=faults) as lab:
            inventory = lab.write_inventory(tmp / "inventory.yml", timeout_s=30)
            inside, whole, cpu = [], [], []
            for i in range(runs):
                lab.api_log.clear()
                lab.ssh_log.clear()
                log(f"{sc.name}: collect {i + 1}/{runs}")
                got, wall = _python("benchmarks.collect_run", str(inventory), str(tmp / "snaps"), env=env)
                if got["partial"]:
                    raise SystemExit(f"{sc.name}: collection was partial: {got['problems'][:5]}")
                inside.append(got["seconds"])
                cpu.append(got["cpu_s"])
                whole.append(wall)
            api = lab.api_log.records()
            ssh = lab.ssh_log.records()
            api_nodes = Counter(r.node for r in api if r.node)
            execs = Counter(e.node for e in ssh if e.kind == "exec")
            connects = Counter(e.node for e in ssh if e.kind == "connect")
            row |= {
                "collect_s": statistics.median(inside),
                "collect_runs_s": inside,
                "collect_cli_s": statistics.median(whole),
                "collect_cpu_s": statistics.median(cpu),  # the collector's own CPU (all threads)
                "api_requests": len(api),
                "api_cluster_wide": sum(1 for r in api if not r.node),
                "api_per_node": _per_node(api_nodes),
                "ssh_commands": sum(execs.values()),
                "ssh_per_node": _per_node(execs),
                "ssh_connections_per_node": _per_node(connects),
            }
            base = []
            for i in range(baseline_runs):
                log(f"{sc.name}: baseline {i + 1}/{baseline_runs}")
                got, _ = _python("benchmarks.baseline", str(inventory), env=env)
                base.append(got["seconds"])
                row["baseline_requests"] = got["requests"]
            row["baseline_collect_s"] = statistics.median(base)
            row["ratio"] = row["baseline_collect_s"] / row["collect_s"]
        snaps, site, reports = tmp / "snaps", tmp / "site", tmp / "reports"
        for phase in ("cold", "warm"):
            log(f"{sc.name}: build ({phase})")
            got, wall = _python(
                "benchmarks.build_run", str(snaps), str(site), str(reports), "--formats", formats, env=env
            )
            row[f"build_{phase}_s"] = wall
            row[f"build_{phase}"] = got
        row["peak_rss_mb"] = max(row["build_cold"]["peak_rss_mb"], row["build_warm"]["peak_rss_mb"])
        row["site_bytes"], row["site_files"] = _size(site)
        row["report_bytes"] = _size(reports)[0] if reports.exists() else 0
        row["snapshot_bytes"] = _size(snaps)[0]
    return row


def _table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| scenario | guests | collect (s) | collect, new process (s) | baseline (s) | ratio "
        "| API req. (per node) | SSH execs per node | build cold (s) | build warm (s) | peak RSS (MB) "
        "| site (MB) |"
    )
    out = [head, "|" + "---|" * 12]
    for r in rows:
        out.append(
            f"| {r['scenario']} ({r['clusters']}x{r['nodes'] // r['clusters']} nodes) | {r['guests']:,} "
            f"| {r['collect_s']:.2f} | {r['collect_cli_s']:.2f} | {r['baseline_collect_s']:.2f} "
            f"| {r['ratio']:.0f}x | {r['api_requests']} ({r['api_per_node']}) | {r['ssh_per_node']} "
            f"| {r['build_cold_s']:.1f} | {r['build_warm_s']:.1f} | {r['peak_rss_mb']:.0f} "
            f"| {r['site_bytes'] / 1e6:.1f} |"
        )
    return "\n".join(out)


def _steps(rows: list[dict[str, Any]]) -> str:
    out = []
    for r in rows:
        cold = r["build_cold"]
        steps = ", ".join(f"{k} {v:.2f}" for k, v in cold["steps"].items())
        reports = ", ".join(f"{k} {v:.2f}" for k, v in cold["reports_s"].items())
        out.append(
            f"{r['scenario']}: cold site {cold['site_s']:.1f} s ({steps or 'no split recorded'}); "
            f"{cold['pages']} pages, {cold['diagrams']} diagrams; reports {reports}; "
            f"warm: unchanged={r['build_warm']['unchanged']} in {r['build_warm_s']:.1f} s"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), action="append", help="S, M, L (repeatable)")
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--baseline-runs", type=int, default=1, help="runs of the baseline collector (one call per guest)"
    )
    parser.add_argument("--formats", default="html,pdf,json,xlsx,junit", help="report formats of the build")
    parser.add_argument("--json", type=Path, help="write every number, per scenario, to this file")
    parser.add_argument("--workdir", type=Path, help="keep the snapshots, site and reports in this folder")
    args = parser.parse_args()
    names = args.scenario or ["S", "M", "L"]

    def log(text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    rows = [
        run_scenario(
            SCENARIOS[n], args.latency_ms, args.runs, args.baseline_runs, args.formats, log, args.workdir
        )
        for n in names
    ]
    print(_table(rows))
    print()
    print(_steps(rows))
    if args.json:
        doc = {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "date": time.strftime("%Y-%m-%d"),
            "latency_ms": args.latency_ms,
            "scenarios": {r["scenario"]: r for r in rows},
        }
        args.json.write_text(json.dumps(doc, indent=2) + "\n")


if __name__ == "__main__":
    main()
