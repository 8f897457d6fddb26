"""One `netdoc collect` of an inventory, timed from inside its own process.

    .venv/bin/python -m benchmarks.collect_run INVENTORY OUT

Prints {"seconds": ..., "cpu_s": ...} (collect_clusters, the collection itself: interpreter start
and imports excluded; its CPU time over all threads; the harness times the whole process too)
and whether any cluster came out partial.
The same known-hosts handling as `netdoc collect` (the inventory's known_hosts, verified).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from netdoc.collectors.collect import CollectOptions
from netdoc.config import load_inventory
from netdoc.pipeline.collection import collect_clusters


def main() -> None:
    inventory, out = Path(sys.argv[1]), Path(sys.argv[2])
    clusters = list(load_inventory(inventory).clusters)
    start, cpu = time.monotonic(), time.process_time()
    results = collect_clusters(clusters, out, CollectOptions())
    seconds, cpu = time.monotonic() - start, time.process_time() - cpu
    problems = [f"{r.cluster}: {row.name}: {row.problem}" for r in results for row in r.rows if row.problem]
    partial = any(r.partial for r in results)
    print(json.dumps({"seconds": seconds, "cpu_s": cpu, "partial": partial, "problems": problems}))


if __name__ == "__main__":
    main()
