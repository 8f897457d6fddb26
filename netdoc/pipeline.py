"""The composition root: the linear steps behind each command (parse, build, collect, demo).

Reads through snapshot.py, parses with parsers/, renders with render/, collects with collectors/;
prints nothing (cli.py does).
"""

from __future__ import annotations

import functools
import itertools
import logging
import posixpath
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from netdoc.errors import UsageError
from netdoc.estate import (
    assemble_topology,
    check_estate,
    load_clusters,
    load_estate,
    read_waivers,
    snapshot_folders,
)
from netdoc.loader import warnings_of
from netdoc.model.base import ParseWarning
from netdoc.parsers.kinds import get_kind
from netdoc.render.report.files import write_report as write_report  # noqa: PLC0414  # for the cli
from netdoc.snapshot import open_snapshot, read_local_file, read_local_tree, read_markdown_tree

if TYPE_CHECKING:  # the collectors (paramiko, requests) are imported only when collecting
    from netdoc.audit.run import AuditResult
    from netdoc.changes.change import Change
    from netdoc.collectors.collect import ClusterResult, CollectOptions
    from netdoc.collectors.recorder import Progress
    from netdoc.config import ClusterConfig
    from netdoc.errors import ConfigProblem
    from netdoc.render.graphviz_run import RenderStats
    from netdoc.render.report.document import Report
    from netdoc.render.siteconfig import SiteConfig
    from netdoc.render.siteinput import RunChanges, SiteInput
    from netdoc.topology.graph import Topology

log = logging.getLogger(__name__)


def parse_local(
    kind_name: str, file: Path, root: Path | None = None
) -> tuple[object, tuple[ParseWarning, ...]]:
    """`netdoc parse`: read one local file (and, for multi-file kinds, its folder) and parse it."""
    kind = get_kind(kind_name)
    if kind.multi_file:
        files, entry = read_local_tree(file, root)
    else:
        files, entry = read_local_file(file)
    model = kind.parser()(files, entry)
    return model, tuple(_local_warning(w, entry, file) for w in warnings_of(model))


def _local_warning(w: ParseWarning, entry: str, file: Path) -> ParseWarning:
    """Name the local file a user can open, not the node path it stands for (the JSON keeps that)."""
    entry_dir = posixpath.dirname(entry)
    if w.path == entry:
        return replace(w, path=str(file))
    if entry_dir and w.path.startswith(entry_dir.rstrip("/") + "/"):
        return replace(w, path=str(file.parent / posixpath.relpath(w.path, entry_dir)))
    return w


# ------------------------------------------------------------------------------------------ build


@dataclass
class BuildResult:
    """What `netdoc build` did. `timings` is seconds per step (build_site's docstring names them);
    `unchanged`: every input was the same as the published site's, so nothing was done."""

    site_dir: Path
    clusters: list[str]
    pages: int
    diagrams: int = 0
    gaps: list[str] = field(default_factory=list)
    config_file: Path | None = None  # the mkdocs.yml it was built with
    timings: dict[str, float] = field(default_factory=dict)
    unchanged: bool = False
    diagrams_rendered: int = 0  # by graphviz in this build (the others came from the cache)
    diagrams_cached: int = 0

    @property
    def cluster(self) -> str:
        return ", ".join(self.clusters)


# A build's progress (render/output.Progress): (step, done, total); total 0: a step without a count.
BuildProgress = Callable[[str, int, int], None]


def build_site(
    snapshots: Path | Sequence[Path],
    site_dir: Path,
    *,
    notes_dir: Path | None = None,
    waivers_file: Path | None = None,
    config_file: Path | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    force: bool = False,
    workers: int | None = None,
    progress: BuildProgress | None = None,
    then: Callable[[SiteInput], None] | None = None,
) -> BuildResult:
    """`netdoc build`: snapshots -> model -> graph -> audit -> diagrams -> pages -> mkdocs -> site/.

    One site for every cluster given (a snapshot, several, or folders of snapshots), built in a
    staging folder and swapped in atomically: on any failure the previous site stays. `config_file`
    is the site's mkdocs.yml (docs/site.md); the notes folder defaults to notes/ beside it.

    Incremental (docs/site.md, "Rebuilding"): when the digest of every input (build_digest) is the
    published site's, nothing is done (`unchanged`; `force` builds anyway); diagrams are rendered
    by `workers` graphviz processes at once (default: the usable cores), each SVG cached in
    `cache_dir` (default default_cache_dir(); none without `use_cache`) under the hash of its DOT.
    `timings` (seconds): digest, load, assemble, checks, sources, diagrams, changes, pages, write,
    mkdocs, publish, total. `then` gets the site's input before the pages are made (netdoc run's
    reports: the snapshots are read once for both); not called when nothing changed.
    """
    from netdoc.render.graphviz_run import RenderStats, default_cache_dir, prune_cache
    from netdoc.render.output import StepTimer, publish_site, read_build_stamp
    from netdoc.render.site import gap_lines, site_nav, site_pages, site_title

    begin = time.perf_counter()
    timings: dict[str, float] = {}
    step = StepTimer(timings, progress)
    # 0. The site's mkdocs.yml, checked before any snapshot is read (a typo costs no build).
    config = read_site_config(config_file) if config_file is not None else None
    if notes_dir is None and config_file is not None:
        notes_dir = config_file.parent / "notes"
    folders = snapshot_folders([snapshots] if isinstance(snapshots, Path) else snapshots)
    # 1. Nothing changed since the published site was built: leave it as it is.
    with step("digest", "comparing the inputs with the published site's"):
        digest = build_digest(folders, config=config, notes_dir=notes_dir, waivers_file=waivers_file)
        stamp = read_build_stamp(site_dir)
    if not force and stamp is not None and stamp.get("digest") == digest:
        timings["total"] = time.perf_counter() - begin
        return BuildResult(
            site_dir,
            [str(c) for c in stamp.get("clusters", [])],
            int(stamp.get("pages", 0)),
            int(stamp.get("diagrams", 0)),
            [str(g) for g in stamp.get("gaps", [])],
            config_file,
            timings,
            unchanged=True,
        )
    # 2-5. Snapshots -> graph -> audit -> diagrams; the raw files and the admin's notes beside them.
    cache = (cache_dir or default_cache_dir()) if use_cache else None
    rendered = RenderStats()
    site = site_input(
        folders,
        notes_dir=notes_dir,
        waivers_file=waivers_file,
        cache_dir=cache,
        workers=workers,
        progress=progress,
        timings=timings,
        render_stats=rendered,
    )
    topology = site.topology
    if then is not None:
        with step("reports", "writing the reports"):
            then(site)
    # 6. The pages (the admin's notes among them), in memory; the config's nav entries must
    #    point at one of them.
    with step("pages", "writing the pages"):
        pages = site_pages(site)
        if config is not None:
            check_site_config(config, pages)
    gaps = gap_lines(topology.estate)
    clusters = [c.name for c in topology.estate.clusters]
    markdown = sum(1 for p in pages if p.endswith(".md"))
    counts = {"pages": len(pages), "diagrams": len(site.diagrams)}
    title, nav = site_title(site), site_nav(site)
    del site, topology  # the model's memory goes to mkdocs (and the pages', once written)
    # 7. Build with mkdocs into a staging folder and swap it in, with what it was built from.
    if progress is not None:
        progress(f"mkdocs: building {markdown} pages", 0, 0)
    publish_site(
        pages,
        site_dir,
        site_name=title,
        nav=nav,
        user=config.config if config is not None else None,
        config_dir=config.folder if config is not None else None,
        stamp={"digest": digest, "clusters": clusters, **counts, "gaps": gaps},
        progress=progress,
        timings=timings,
        release=True,
    )
    if cache is not None:
        prune_cache(cache)
    timings["total"] = time.perf_counter() - begin
    return BuildResult(
        site_dir,
        clusters,
        counts["pages"],
        counts["diagrams"],
        gaps,
        config_file,
        timings,
        diagrams_rendered=rendered.rendered,
        diagrams_cached=rendered.cached,
    )


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


def export_graph(paths: Iterable[Path], fmt: str) -> str:
    """`netdoc export`: the graph as node-link JSON or GraphML text."""
    from netdoc.render.graph_export import graph_graphml, graph_json

    topology = load_estate(paths)
    if fmt == "json":
        return graph_json(topology)
    if fmt == "graphml":
        return graph_graphml(topology)
    raise UsageError(f"unknown export format {fmt!r}; one of json, graphml")


def export_diagrams(
    paths: Iterable[Path], fmt: str, *, diagram: str | None = None, base_url: str | None = None
) -> dict[str, str]:
    """`netdoc export --format dot|drawio`: file name -> text, in the diagrams' order.

    dot: one `<cluster>-<name>.dot` per diagram (the source the site renders). drawio: one mxfile
    with a page per diagram, laid out by graphviz (`<cluster>.drawio`, or `netdoc.drawio` for
    several clusters). `diagram` picks NAME in every cluster, or CLUSTER/NAME.
    """
    from netdoc.render.diagrams import all_diagrams, find_diagram
    from netdoc.render.drawio import drawio_file
    from netdoc.render.graphviz_run import run_dot
    from netdoc.render.links import slug

    if fmt not in ("dot", "drawio"):
        raise UsageError(f"unknown diagram format {fmt!r}; one of dot, drawio")
    # 1. Snapshots -> graph -> audit (the findings colour the diagrams) -> every diagram's DOT.
    topology, result = check_estate(paths)
    diagrams = all_diagrams(topology, result)
    # 2. The one asked for, if any.
    if diagram is not None:
        chosen = find_diagram(diagrams, diagram)
        if not chosen:
            names = ", ".join(f"{d.cluster}/{d.name}" for d in diagrams)
            raise UsageError(f"no diagram named {diagram!r}; the snapshots have: {names}")
        diagrams = chosen
    if fmt == "dot":
        return {f"{slug(d.cluster)}-{slug(d.name)}.dot": d.dot for d in diagrams}
    # 3. draw.io: graphviz lays each diagram out (JSON), drawio.py turns the layouts into shapes.
    clusters = sorted({d.cluster for d in diagrams})
    name = f"{slug(clusters[0])}.drawio" if len(clusters) == 1 else "netdoc.drawio"
    pages = [(d, run_dot(d.dot, "json", name=f"{d.cluster}/{d.name}")) for d in diagrams]
    return {name: drawio_file(pages, base_url=base_url)}


# ------------------------------------------------------------------------------------------ report, diff


def previous_snapshots(paths: Iterable[Path]) -> list[Path]:
    """For each snapshot given (a history resolves to its latest), the good run before it, if any."""
    from netdoc import history
    from netdoc.snapshot import resolve_snapshot

    found = []
    for folder in snapshot_folders(paths):
        before = history.previous(resolve_snapshot(folder))
        if before is not None:
            found.append(before)
    return found


def make_report(
    paths: Sequence[Path],
    *,
    waivers_file: Path | None = None,
    trend: bool = True,
    site: SiteInput | None = None,
) -> tuple[Report, SiteInput]:
    """`netdoc report`: the snapshots' report (`site`: their input, already read), with the trend."""
    from netdoc.render.graphviz_run import default_cache_dir
    from netdoc.render.report.build import build_report

    if site is None:
        site = site_input(paths, waivers_file=waivers_file, cache_dir=default_cache_dir())  # the site's SVGs
    previous = None
    if trend:
        before = previous_snapshots(paths)
        if before:
            previous = check_estate(before, waivers_file=waivers_file)[1]
    return build_report(site, previous), site


def diff_snapshots(
    old: Sequence[Path], new: Sequence[Path] | None = None, *, waivers_file: Path | None = None
) -> tuple[tuple[Change, ...], str, str]:
    """`netdoc diff OLD NEW` (or `netdoc diff NEW`: its previous run against it): the changes.

    Returns (changes, what OLD was, what NEW was) for the heading.
    """
    from netdoc.changes.compare import compare

    if new is None:
        new = old
        old = previous_snapshots(new)
        if not old:
            raise UsageError(
                f"{', '.join(map(str, new))}: no earlier snapshot in its history to compare with; "
                "give OLD and NEW"
            )
    old_topo, old_audit = check_estate(old, waivers_file=waivers_file)
    new_topo, new_audit = check_estate(new, waivers_file=waivers_file)
    changes = compare(old_topo.estate, new_topo.estate, old_audit.findings, new_audit.findings)
    return changes, _describe(old_topo), _describe(new_topo)


def _describe(topology: Topology) -> str:
    return ", ".join(
        f"{c.name} ({c.sources.collected_at or 'time unknown'})" for c in topology.estate.clusters
    )


# ------------------------------------------------------------------------------------------ collect


def collect_inventory(
    inventory_path: Path,
    *,
    cluster_name: str | None = None,
    out_dir: Path = Path("snapshots"),
    accept_new_host_keys: bool = False,
    progress: Progress | None = None,
    own_known_hosts: Path | None = None,
    on_warning: Callable[[str], None] | None = None,
    keep: int = 30,
) -> list[ClusterResult]:
    """`netdoc collect`: every cluster of the inventory (or one) into its history out_dir/<cluster>/.

    `on_warning` is told, before anything is collected, what is valid but unsafe (insecure TLS).
    """
    from netdoc.collectors.collect import CollectOptions
    from netdoc.config import load_inventory

    # 1. Read and check the inventory; every problem at once (ConfigError, exit code 2).
    inventory = load_inventory(inventory_path)
    clusters = list(inventory.clusters)
    if cluster_name is not None:
        chosen = inventory.cluster(cluster_name)
        if chosen is None:
            names = ", ".join(c.name for c in inventory.clusters)
            raise UsageError(
                f"{inventory_path}: no cluster named {cluster_name!r}; the inventory has: {names}"
            )
        clusters = [chosen]
    for warning in inventory.warnings():
        if on_warning is not None and any(c.name in warning for c in clusters):
            on_warning(warning)
    # 2. Read every secret now, so that an unset variable stops the run before any connection.
    check_secrets(clusters)
    # 3. Collect the clusters side by side, each into its own snapshot (published atomically).
    options = CollectOptions(
        accept_new_host_keys=accept_new_host_keys, progress=progress, own_known_hosts=own_known_hosts
    )
    return collect_clusters(clusters, out_dir, options, keep=keep)


def check_secrets(clusters: Iterable[ClusterConfig]) -> None:
    """Reveal each secret once (and drop it): an unreadable one is a ConfigError with its line."""
    for cluster in clusters:
        if cluster.api is not None:
            for ref in (cluster.api.token_secret, cluster.api.password):
                if ref is not None:
                    ref.reveal()


def collect_clusters(
    clusters: list[ClusterConfig],
    out_dir: Path,
    options: CollectOptions,
    *,
    workers: int | None = None,
    keep: int = 30,
) -> list[ClusterResult]:
    """Collect every cluster at once, on one pool of `workers` threads; results in the clusters' order.

    The pool bounds the whole inventory (default: the clusters' collect.concurrency added up, at
    most collectors.collect.MAX_WORKERS); each cluster still runs at most its own concurrency.
    Each cluster's run lands in its history (out_dir/<cluster>/<UTC time>/, netdoc/history.py):
    a good run becomes `latest` (nodes it could not read carried over from the previous snapshot,
    marked stale), a run that read nothing is set aside; the newest `keep` snapshots are kept.
    """
    import dataclasses
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from netdoc.collectors.collect import MAX_WORKERS, Pool

    cancel = options.cancel or threading.Event()
    size = workers or min(MAX_WORKERS, sum(c.collect.concurrency for c in clusters))
    own_pool = Pool(max(1, size), "collect") if options.pool is None else None
    options = dataclasses.replace(options, cancel=cancel, pool=options.pool or own_pool)
    # One thread per cluster only plans and waits; the pool's workers do the requests and commands.
    try:
        with ThreadPoolExecutor(max_workers=max(1, len(clusters)), thread_name_prefix="netdoc-run") as ex:
            futures = [ex.submit(_collect_into_history, c, out_dir / c.name, options, keep) for c in clusters]
            try:
                return [f.result() for f in futures]
            except BaseException:
                cancel.set()  # Ctrl-C: every run stops within a second and keeps its previous snapshot
                raise
    finally:
        if own_pool is not None:
            own_pool.shutdown()


def _collect_into_history(
    cluster: ClusterConfig, folder: Path, options: CollectOptions, keep: int
) -> ClusterResult:
    from netdoc import history
    from netdoc.collectors.collect import collect_cluster
    from netdoc.snapshot import utc_now

    dest = history.new_dir(folder, utc_now())
    result = collect_cluster(cluster, dest, options)
    current, carried, became = history.settle(folder, dest, keep=keep)
    result.carried_over = carried
    result.became_latest = became
    result.snapshot = current if current is not None else dest.with_name(dest.name + history.FAILED_SUFFIX)
    return result


# ------------------------------------------------------------------------------------------ demo


@dataclass
class DemoResult:
    scenario: str
    results: list[ClusterResult]
    builds: list[BuildResult]


def run_demo(
    scenario_name: str = "starwars",
    *,
    site_dir: Path = Path("site"),
    snapshot_dir: Path = Path("snapshots/demo"),
    progress: Progress | None = None,
    config_file: Path | None = None,
) -> DemoResult:
    """`netdoc demo`: start the lab, collect it over HTTPS and SSH with the real collectors, build."""
    import tempfile

    from netdoc.collectors.collect import CollectOptions
    from netdoc.config import load_inventory
    from netdoc.lab.definition import build_world, scenario
    from netdoc.lab.runtime import LabRuntime

    # 0. The site's mkdocs.yml first: a mistake in it is reported before the lab starts.
    if config_file is not None:
        read_site_config(config_file)
    # 1. The simulated cluster(s) of the scenario, derived from its definition.
    world = build_world(scenario(scenario_name))
    with tempfile.TemporaryDirectory(prefix="netdoc-demo-") as tmp:
        state = Path(tmp)
        # 2. Start its API and SSH servers on loopback; they write an inventory pointing at them.
        with LabRuntime(world, state / "lab") as lab:
            inventory = load_inventory(lab.write_inventory(state / "inventory.yml"))
            # 3. Collect with the real collectors (verified TLS, verified host keys).
            options = CollectOptions(progress=progress, own_known_hosts=state / "known_hosts")
            results = collect_clusters(list(inventory.clusters), snapshot_dir, options)
    # 4. One site for every cluster of the scenario.
    builds = [build_site([r.snapshot for r in results], site_dir, config_file=config_file)]
    return DemoResult(scenario_name, results, builds)


# ------------------------------------------------------------------------------------------ init


def init_site(folder: Path, *, force: bool = False) -> tuple[list[Path], list[Path]]:
    """`netdoc init`: a documentation repository in `folder`: mkdocs.yml, notes/, an inventory, a
    waiver file, a .gitignore, and the systemd and cron examples (render/scaffold.py).

    Returns (written, kept). An existing mkdocs.yml is an error unless `force`; every other file
    that is already there is kept as it is, even with `force`: they are the admin's.
    """
    from netdoc.render.output import write_file
    from netdoc.render.scaffold import FILES
    from netdoc.render.site_template import FIRST_NOTE, MKDOCS_YML

    config = folder / "mkdocs.yml"
    if config.exists() and not force:
        raise UsageError(f"{config}: already there; netdoc init replaces it only with --force")
    written, kept = [write_file(config, MKDOCS_YML)], []
    for rel, text in {"notes/index.md": FIRST_NOTE, **FILES}.items():
        target = folder / rel
        if target.exists():
            kept.append(target)
        else:
            written.append(write_file(target, text))
    return written, kept
