"""Hand-built snapshots for the audit tests: the bundled example with files changed, or files from scratch.

`example_with(tmp, {"nodes/proxmox1/etc/network/interfaces": "...", "api/nodes.json": None})`
copies the bundled starwars snapshot without its manifest (its checksums would no longer match),
writes each given text (None deletes the file) and returns the folder. `snapshot_of(tmp, files)`
writes only the given files. `audit(path)` runs the whole pipeline: load, assemble, graph, checks.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from netdoc.audit.finding import Finding
from netdoc.audit.run import AuditResult, run_audit
from netdoc.audit.waivers import Waiver
from netdoc.examples import example_path
from netdoc.loader import load_cluster
from netdoc.model.assemble import assemble_estate
from netdoc.model.netcluster import ClusterNet
from netdoc.snapshot import open_snapshot
from netdoc.topology.graph import Topology, build_topology

TODAY = dt.date(2026, 12, 4)


def write_files(root: Path, files: Mapping[str, str | None]) -> Path:
    for rel, text in files.items():
        target = root / rel
        if text is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def example_with(tmp: Path, files: Mapping[str, str | None] | None = None, name: str = "snap") -> Path:
    root = tmp / name
    shutil.copytree(example_path("starwars"), root)
    (root / "manifest.json").unlink()
    return write_files(root, files or {})


def example_file(rel: str) -> str:
    return (example_path("starwars") / rel).read_text(encoding="utf-8")


def edit_example(rel: str, old: str, new: str, count: int = 1) -> str:
    """The example's file with `old` replaced by `new` (it must be there: a test that edits nothing is wrong)."""
    text = example_file(rel)
    assert old in text, f"{old!r} not in {rel}"
    return text.replace(old, new, count)


def snapshot_of(tmp: Path, files: Mapping[str, str | None], name: str = "snap") -> Path:
    return write_files(tmp / name, files)


def topology(*paths: Path) -> Topology:
    return build_topology(assemble_estate([load_cluster(open_snapshot(p)) for p in paths]))


def cluster_net(path: Path) -> ClusterNet:
    return topology(path).estate.clusters[0]


def audit(*paths: Path, waivers: tuple[Waiver, ...] = (), today: dt.date = TODAY) -> AuditResult:
    return run_audit(topology(*paths), waivers=waivers, today=today)


def codes(result: AuditResult, code: str) -> list[Finding]:
    return [f for f in result.findings if f.code == code]


def subjects(result: AuditResult, code: str) -> list[str]:
    return sorted(f.subject for f in codes(result, code))


def indent(text: str) -> str:
    """Interfaces stanzas in tests are written flush left; ifupdown wants option lines indented."""
    return re.sub(r"^(?!auto |iface |source|allow-|#|$)", "\t", text, flags=re.M)
