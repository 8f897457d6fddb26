"""The composition root: the linear steps behind each command (parse one file, build the site).

Reads through snapshot.py, parses with parsers/, renders with render/; prints nothing (cli.py does).
"""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass, field, replace
from pathlib import Path

from netdoc.loader import load_cluster, warnings_of
from netdoc.model.base import ParseWarning
from netdoc.parsers.kinds import get_kind
from netdoc.snapshot import open_snapshot, read_local_file, read_local_tree

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
    site_dir: Path
    cluster: str
    pages: int
    gaps: list[str] = field(default_factory=list)


def build_site(snapshot_path: Path, site_dir: Path) -> BuildResult:
    """`netdoc build`: snapshot -> model -> pages -> mkdocs -> site/ swapped in atomically."""
    from netdoc.render.output import publish_site
    from netdoc.render.site import site_nav, site_pages

    # 1. Read the snapshot (any subset of the contract).
    snap = open_snapshot(snapshot_path)
    # 2. Parse every source into one model; failures become gaps.
    cluster = load_cluster(snap)
    # 3. Render the pages as markdown, in memory.
    pages = site_pages(cluster)
    # 4. Build with mkdocs into a staging folder and swap it in.
    publish_site(pages, site_dir, site_name=f"netdoc: {cluster.name}", nav=site_nav(cluster))
    gaps = [f"{g.node or 'cluster'}: {g.artifact}: {g.status} {g.message}".rstrip() for g in cluster.gaps]
    gaps += [
        f"{n.name}: {g.artifact}: {g.status} {g.message}".rstrip() for n in cluster.nodes for g in n.gaps
    ]
    return BuildResult(site_dir=site_dir, cluster=cluster.name, pages=len(pages), gaps=gaps)
