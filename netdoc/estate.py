"""The estate from snapshots: which folders are snapshots, each read into its cluster, every cluster
assembled into one graph, and the audit of it with the admin's waivers.

The first steps of every command that reads snapshots (build, check, export, report, diff, run);
netdoc.pipeline composes them with the renderers; nightly and the cli use them directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from netdoc.errors import UsageError
from netdoc.loader import load_cluster
from netdoc.snapshot import open_snapshot, read_local_file

if TYPE_CHECKING:
    import datetime as dt

    from netdoc.audit.run import AuditResult
    from netdoc.audit.waivers import Waiver
    from netdoc.model.cluster import Cluster
    from netdoc.topology.graph import Topology


def is_snapshot(path: Path) -> bool:
    """A snapshot folder has a manifest, or at least the api/ or nodes/ tree of one; a cluster's
    history folder (snapshots/<cluster>/ with its `latest`) stands for its latest snapshot."""
    from netdoc.snapshot import is_history

    if is_history(path):
        return True
    return (path / "manifest.json").is_file() or (path / "api").is_dir() or (path / "nodes").is_dir()


def snapshot_folders(paths: Iterable[Path]) -> list[Path]:
    """Each argument is a snapshot, or a folder of snapshots as `netdoc collect` writes them."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            raise UsageError(f"{path}: no such folder (give a snapshot folder or a folder of snapshots)")
        if is_snapshot(path):
            found.append(path)
            continue
        inner = sorted(
            p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".") and is_snapshot(p)
        )
        if not inner:
            raise UsageError(
                f"{path}: neither a snapshot (no manifest.json, api/ or nodes/) nor a folder of them"
            )
        found += inner
    return found


def load_clusters(folders: Iterable[Path]) -> list[Cluster]:
    """Each snapshot -> the sources layer of its cluster (one cluster per snapshot)."""
    clusters = []
    seen: dict[str, Path] = {}
    for folder in snapshot_folders(folders):
        cluster = load_cluster(open_snapshot(folder))
        if cluster.name in seen:
            raise UsageError(
                f"cluster {cluster.name!r} is given twice ({seen[cluster.name]} and {folder}): "
                "give one snapshot per cluster"
            )
        seen[cluster.name] = folder
        clusters.append(cluster)
    return clusters


def assemble_topology(clusters: Sequence[Cluster]) -> Topology:
    """The sources of every cluster -> the assembled estate -> the graph."""
    from netdoc.model.assemble import assemble_estate
    from netdoc.topology.graph import build_topology

    return build_topology(assemble_estate(list(clusters)))


def load_estate(paths: Iterable[Path]) -> Topology:
    """Snapshots -> sources -> assembled clusters -> the graph (one cluster per snapshot)."""
    return assemble_topology(load_clusters(paths))


def read_waivers(waivers_file: Path | None) -> tuple[Waiver, ...]:
    """The waivers file, parsed and checked against the checks' codes (none without a file)."""
    from netdoc.audit.checks import check_codes
    from netdoc.audit.waivers import parse_waivers

    if waivers_file is None:
        return ()
    files, entry = read_local_file(waivers_file)
    return parse_waivers(files[entry], str(waivers_file), check_codes())


def check_estate(
    paths: Iterable[Path], *, waivers_file: Path | None = None, today: dt.date | None = None
) -> tuple[Topology, AuditResult]:
    """`netdoc check`: the graph of every snapshot, every check, the waivers applied."""
    from netdoc.audit.run import run_audit

    waivers = read_waivers(waivers_file)
    topology = load_estate(paths)
    return topology, run_audit(topology, waivers=waivers, today=today)
