"""What a site is built from: the user's mkdocs.yml (read and checked), the snapshots read once into
the site's input (site_input: graph, audit, diagrams, sources, notes, the recent changes), and the
digest of all of them (build_digest), by which an unchanged build does nothing (docs/site.md).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from netdoc.errors import UsageError
from netdoc.estate import assemble_topology, check_estate, load_clusters, read_waivers, snapshot_folders
from netdoc.snapshot import open_snapshot, read_local_file, read_markdown_tree

if TYPE_CHECKING:  # annotations only: a step imports these when it runs (mkdocs, graphviz: slow)
    from netdoc.audit.run import AuditResult
    from netdoc.errors import ConfigProblem
    from netdoc.model.cluster import Cluster
    from netdoc.render.graphviz_run import RenderStats
    from netdoc.render.siteconfig import SiteConfig
    from netdoc.render.siteinput import RunChanges, SiteInput
    from netdoc.topology.graph import Topology

# A build's progress (render/output.Progress): (step, done, total); total 0: a step without a count.
BuildProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class UserSiteConfig:
    """A user's mkdocs.yml, parsed and checked, and the folder its paths are relative to."""

    config: SiteConfig
    folder: Path


def read_site_config(config_file: Path) -> UserSiteConfig:
    """Read and check a site's mkdocs.yml: every problem at once (ConfigError with lines, exit 2)."""
    from netdoc.render.output import OWN_ASSETS, config_file_exists
    from netdoc.render.siteconfig import check_installed, check_references, parse_site_config

    files, entry = read_local_file(config_file)
    folder = config_file.parent.absolute()

    def environment(config: SiteConfig) -> list[ConfigProblem]:
        return check_installed(config) + check_references(
            config,
            pages=None,
            reserved=OWN_ASSETS,
            exists=lambda f: config_file_exists(folder, f.path, f.folder),
        )

    return UserSiteConfig(parse_site_config(files[entry], str(config_file), check=environment), folder)


def check_site_config(config: UserSiteConfig, pages: Collection[str]) -> None:
    """The nav entries of a user's mkdocs.yml against the pages of the site (and files against pages)."""
    from netdoc.errors import ConfigError
    from netdoc.render.output import OWN_ASSETS, config_file_exists
    from netdoc.render.siteconfig import check_references

    folder = config.folder
    problems = check_references(
        config.config,
        pages=pages,
        reserved=OWN_ASSETS,
        exists=lambda f: config_file_exists(folder, f.path, f.folder),
    )
    if problems:
        raise ConfigError(config.config.path, problems)


def _one_folder_each(clusters: Sequence[Cluster]) -> None:
    """Two cluster names that are one folder name on the site would overwrite each other's pages."""
    from netdoc.render.links import slug

    seen: dict[str, str] = {}
    for cluster in clusters:
        folder = slug(cluster.name)
        if folder in seen:
            raise UsageError(
                f"clusters {seen[folder]!r} and {cluster.name!r} would share the site's folder {folder}/"
                " (a name is made file-safe for the site): rename one (the inventory's clusters[].name)"
            )
        seen[folder] = cluster.name


def site_input(
    snapshots: Path | Sequence[Path],
    *,
    notes_dir: Path | None = None,
    waivers_file: Path | None = None,
    cache_dir: Path | None = None,
    workers: int | None = None,
    progress: BuildProgress | None = None,
    timings: dict[str, float] | None = None,
    render_stats: RenderStats | None = None,
) -> SiteInput:
    """Everything the site's pages are made of, read and computed once (no page written yet).

    Diagrams are rendered `workers` at once, cached in `cache_dir` when given (build_site);
    `timings` gets load, assemble, checks, sources, diagrams and changes.
    """
    from netdoc.audit.run import run_audit
    from netdoc.render.diagrams import all_diagrams
    from netdoc.render.graphviz_run import render_svgs
    from netdoc.render.output import StepTimer
    from netdoc.render.siteinput import SiteInput

    step = StepTimer(timings if timings is not None else {}, progress)
    paths = [snapshots] if isinstance(snapshots, Path) else list(snapshots)
    # 1. Read every snapshot (any subset of the contract) into the graph of the estate; audit it.
    with step("load", "reading the snapshots"):
        folders = snapshot_folders(paths)
        waivers = read_waivers(waivers_file)
        clusters = load_clusters(folders)
        _one_folder_each(clusters)
    with step("assemble", "assembling the model and the graph"):
        topology = assemble_topology(clusters)
    with step("checks", "running the checks"):
        result = run_audit(topology, waivers=waivers)
    # 2. The raw files behind every fact, for the source pages (already redacted at collection).
    with step("sources", "reading the source files"):
        ordered = _in_cluster_order(topology, folders)
        sources = {
            c.name: open_snapshot(f).texts() for c, f in zip(topology.estate.clusters, ordered, strict=True)
        }
    # 3. Diagrams as graphviz source from the graph, then rendered to SVG (in parallel, cached).
    with step("diagrams", "drawing the diagrams"):
        drawn = all_diagrams(topology, result)
        on_done = (lambda done, total: progress("diagrams", done, total)) if progress is not None else None
        svgs = render_svgs(
            [(f"{d.cluster}/{d.name}", d.dot) for d in drawn],
            cache_dir=cache_dir,
            workers=workers,
            on_done=on_done,
            stats=render_stats,
        )
        diagrams = [replace(d, svg=svg) for d, svg in zip(drawn, svgs, strict=True)]
    with step("changes", "reading the notes and the histories"):
        # 4. The admin's own pages, kept as they are.
        notes = read_markdown_tree(notes_dir) if notes_dir is not None else {}  # missing: none
        # 5. What changed over the last runs of each cluster's history.
        changes = recent_changes(ordered, waivers_file=waivers_file, cache_dir=cache_dir)
    return SiteInput(topology, result, sources, diagrams, notes, changes)


RECENT_RUNS = 5


def recent_changes(
    folders: Sequence[Path],
    *,
    waivers_file: Path | None = None,
    runs: int = RECENT_RUNS,
    cache_dir: Path | None = None,
) -> list[RunChanges]:
    """For each snapshot that sits in a history, the changes of its last `runs` runs, newest first;
    each pair of runs compared once when there is a cache (netdoc/changes/cache.py)."""
    from netdoc import history
    from netdoc.changes import cache as changes_cache
    from netdoc.changes.compare import compare
    from netdoc.render.siteinput import RunChanges
    from netdoc.snapshot import resolve_snapshot

    loaded: dict[Path, tuple[Topology, AuditResult]] = {}  # one cluster's runs at a time (memory)

    def state(path: Path) -> tuple[Topology, AuditResult]:
        if path not in loaded:
            loaded[path] = check_estate([path], waivers_file=waivers_file)
        return loaded[path]

    out: list[RunChanges] = []
    for folder in folders:
        loaded.clear()
        current = resolve_snapshot(folder)
        chain = [current]
        while len(chain) <= runs and (before := history.previous(chain[-1])) is not None:
            chain.append(before)
        for new, old in itertools.pairwise(chain):
            key = changes_cache.pair_key(old, new, code=_code_digest(), waivers_file=waivers_file)
            entry = changes_cache.load(cache_dir, key) if cache_dir is not None else None
            if entry is None:
                (old_topo, old_audit), (new_topo, new_audit) = state(old), state(new)
                found = compare(old_topo.estate, new_topo.estate, old_audit.findings, new_audit.findings)
                (cluster,), (was,) = new_topo.estate.clusters, old_topo.estate.clusters
                entry = (cluster.name, was.sources.collected_at, cluster.sources.collected_at, tuple(found))
                if cache_dir is not None:
                    changes_cache.store(cache_dir, key, entry)
            out.append(RunChanges(*entry))
    return out


def _in_cluster_order(topology: Topology, folders: list[Path]) -> list[Path]:
    """The snapshot folders in the estate's order (clusters sorted by name)."""
    by_name = {open_snapshot(f).cluster_name: f for f in folders}
    return [by_name[c.name] for c in topology.estate.clusters]


_NOT_BUILD = ("collectors", "lab", "cli", "__pycache__")


@functools.cache
def _code_digest() -> str:
    """netdoc's code, but for what never runs in a build (collection, the lab, the commands); once
    per process, as the code that runs is the code imported when it started."""
    import netdoc
    from netdoc.snapshot import tree_digest

    return tree_digest(Path(netdoc.__file__).parent, suffix=".py", skip=_NOT_BUILD)


def build_digest(
    folders: Sequence[Path],
    *,
    config: UserSiteConfig | None = None,
    notes_dir: Path | None = None,
    waivers_file: Path | None = None,
) -> str:
    """A SHA-256 of everything a site is built from: each snapshot's files (names and bytes), the
    earlier runs of its history the Changes page compares (by name: a snapshot in a history is
    never changed once written), netdoc (its version and its code), mkdocs, Material and graphviz's
    versions, the mkdocs.yml and the files it names, the notes, the waivers and, with waivers,
    today's date (a waiver expires)."""
    import datetime as dt
    import hashlib
    import importlib.metadata
    import json

    import netdoc
    from netdoc import history
    from netdoc.render.graphviz_run import graphviz_version
    from netdoc.snapshot import resolve_snapshot, tree_digest

    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return ""

    snapshots = []
    for folder in folders:
        current = resolve_snapshot(folder)
        chain = [current]
        while len(chain) <= RECENT_RUNS and (before := history.previous(chain[-1])) is not None:
            chain.append(before)
        snapshots.append([tree_digest(current), [str(p.resolve()) for p in chain[1:]]])
    parts: dict[str, object] = {
        "netdoc": [netdoc.__version__, _code_digest()],
        "tools": [version(d) for d in ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions")],
        "graphviz": graphviz_version(),
        "snapshots": snapshots,
        "notes": tree_digest(notes_dir) if notes_dir is not None else "",
        "waivers": tree_digest(waivers_file) if waivers_file is not None else "",
        "today": dt.datetime.now(dt.UTC).date().isoformat() if waivers_file is not None else "",
        "config": [tree_digest(config.folder / p.path) for p in config.config.files]
        + [config.config.path, tree_digest(Path(config.config.path))]
        if config is not None
        else [],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
