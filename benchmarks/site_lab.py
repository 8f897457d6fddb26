"""Benchmark: `netdoc build` of a size-generator cluster, step by step (not part of the tests).

    .venv/bin/python -m benchmarks.site_lab --nodes 16 --guests 1000 [--seed 0] [--runs 1] [--keep DIR]

Writes the generated cluster as a snapshot (benchmarks/diagrams_lab.write: /etc/pve from one node,
as the collector reads it), then times each step of `netdoc build`: the site input (load, graph,
audit, diagrams rendered by graphviz), the pages (Markdown in memory), the mkdocs-material build;
and reports the pages, the Markdown's size, the built site's size on disk and the largest pages.
The seed picks the network style (0 simple, the size generator's default; 2 lacp: 45 VLANs, so a
page and a diagram per VLAN). --keep builds the site into DIR and keeps it.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.diagrams_lab import write
from netdoc.pipeline import site_input
from netdoc.render.output import publish_site
from netdoc.render.site import site_nav, site_pages, site_title


def _size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=16)
    ap.add_argument("--guests", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0, help="the network style; 0: simple, 2: lacp")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="build the site into this folder and keep it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        snap = write(args.nodes, args.guests, args.seed, Path(tmp) / "snap")
        times: dict[str, list[float]] = {"input": [], "pages": [], "mkdocs": []}
        out = args.keep or Path(tmp) / "site"
        for _ in range(args.runs):
            t0 = time.perf_counter()
            site = site_input(snap)
            t1 = time.perf_counter()
            pages = site_pages(site)
            t2 = time.perf_counter()
            publish_site(pages, out, site_name=site_title(site), nav=site_nav(site))
            t3 = time.perf_counter()
            for key, value in zip(times, (t1 - t0, t2 - t1, t3 - t2), strict=True):
                times[key].append(value)
        files, size = _size(out)
        html = sorted(out.rglob("*.html"), key=lambda p: -p.stat().st_size)[:3]
        print(
            f"{args.nodes} nodes, {args.guests} guests, seed {args.seed}: {len(pages)} pages, "
            f"{sum(len(v) for v in pages.values()) / 1e6:.1f} MB of Markdown, {len(site.diagrams)} diagrams"
        )
        for key, values in times.items():
            print(f"  {key:7} {statistics.median(values):6.2f} s (median of {len(values)})")
        print(f"  total   {sum(statistics.median(v) for v in times.values()):6.2f} s")
        print(f"  site    {files} files, {size / 1e6:.1f} MB")
        for page in html:
            print(f"  largest {page.relative_to(out)}: {page.stat().st_size / 1e3:.0f} kB")
        if args.keep is None:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
