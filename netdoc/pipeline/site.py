"""The site's commands: `netdoc build` (build_site: snapshots -> site/, swapped in atomically, nothing
done when no input changed) and `netdoc init` (init_site: a documentation repository to start from).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from netdoc.errors import UsageError
from netdoc.estate import snapshot_folders
from netdoc.pipeline.inputs import (
    BuildProgress,
    build_digest,
    check_site_config,
    read_site_config,
    site_input,
)

if TYPE_CHECKING:  # annotations only: a step imports these when it runs (mkdocs, graphviz: slow)
    from netdoc.render.siteinput import SiteInput


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
