"""One build as `netdoc run` does it after collecting: the site, then the reports; timed, in its own process.

    .venv/bin/python -m benchmarks.build_run SNAPSHOTS SITE REPORTS [--formats html,pdf,json,xlsx,junit]

Prints one JSON object: wall seconds of the site build and of each report format, the site
build's own split into steps (BuildResult.timings: load, assemble, checks, diagrams, pages,
mkdocs, when the build records them), pages and diagrams, and the peak resident memory of this
process and of its largest child (graphviz). The harness (benchmarks/__main__.py) runs it twice on
the same folders: cold (empty site and cache) and warm (nothing changed). The reports are
made from the site build's own input (build_site's `then`, as `netdoc run` does); when the build
says it had nothing to do, they are not written again.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from netdoc.estate import snapshot_folders
from netdoc.pipeline.reports import make_report, write_report
from netdoc.pipeline.site import build_site
from netdoc.render.report.document import Report
from netdoc.render.siteinput import SiteInput

REPORT_FILES = {"html": "report.html", "pdf": "report.pdf", "json": "report.json"}
REPORT_FILES |= {"xlsx": "report.xlsx", "junit": "report-junit.xml", "md": "report.md"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshots", type=Path)
    parser.add_argument("site", type=Path)
    parser.add_argument("reports", type=Path)
    parser.add_argument("--formats", default="html,pdf,json,xlsx,junit")
    args = parser.parse_args()
    out: dict[str, object] = {}
    reports: dict[str, float] = {}
    paths = snapshot_folders([args.snapshots])

    made: list[Report] = []

    def make(site: SiteInput) -> None:  # as netdoc run does: from the build's own input
        t = time.monotonic()
        made.append(make_report(paths, site=site)[0])
        reports["prepare"] = time.monotonic() - t

    start = time.monotonic()
    result = build_site([args.snapshots], args.site, then=make)
    out["site_s"] = time.monotonic() - start - reports.get("prepare", 0.0)
    if made:  # written once the build has freed the model, as netdoc run does
        args.reports.mkdir(parents=True, exist_ok=True)
        for fmt in [f for f in args.formats.split(",") if f]:
            t = time.monotonic()
            write_report(made[0], fmt, args.reports / REPORT_FILES[fmt])
            reports[fmt] = time.monotonic() - t
    out["steps"] = dict(result.timings)
    out["pages"] = result.pages
    out["diagrams"] = result.diagrams
    out["unchanged"] = result.unchanged
    out["reports_s"] = reports
    out["total_s"] = time.monotonic() - start
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["child_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
