"""The composition root: the linear steps behind each command (parse one file, build the site).

Reads through snapshot.py, parses with parsers/, renders with render/; prints nothing (cli.py does).
"""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass, field, replace
from pathlib import Path

from netdoc.errors import NetdocError
from netdoc.model.base import ParseWarning
from netdoc.model.cluster import Cluster, Gap, Node
from netdoc.model.interfaces import InterfacesConfig
from netdoc.parsers.kinds import get_kind
from netdoc.snapshot import Snapshot, open_snapshot, read_local_file, read_local_tree

log = logging.getLogger(__name__)

INTERFACES = "/etc/network/interfaces"
INTERFACES_NEW = "/etc/network/interfaces.new"


def warnings_of(model: object) -> tuple[ParseWarning, ...]:
    """Every parse result carries its warnings in a `warnings` field (the parsers' convention)."""
    found = getattr(model, "warnings", ())
    return tuple(w for w in found if isinstance(w, ParseWarning))


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


def _parse_interfaces(files: dict[str, str], entry: str) -> InterfacesConfig:
    from netdoc.parsers.ifupdown import parse_interfaces

    return parse_interfaces(files, entry)


def load_node(snap: Snapshot, name: str) -> Node:
    """Everything a snapshot says about one node; a broken file becomes a gap, never an abort."""
    gaps: list[Gap] = [
        Gap(node=name, artifact=a.path, status=a.status, message=a.error)
        for a in snap.artifacts_for(name)
        if a.status != "ok"
    ]
    files = snap.node_files(name, "/etc/network")
    interfaces = pending = None
    if INTERFACES in files:
        try:
            interfaces = _parse_interfaces(files, INTERFACES)
        except NetdocError as exc:
            gaps.append(Gap(name, f"nodes/{name}{INTERFACES}", "unparsed", exc.one_line()))
        except Exception as exc:  # a parser bug must not cost the other nodes their pages
            log.exception("parser failed on %s", name)
            gaps.append(Gap(name, f"nodes/{name}{INTERFACES}", "error", f"internal error: {exc!r}"))
    elif not any(g.artifact.endswith(INTERFACES) for g in gaps):
        gaps.append(Gap(name, f"nodes/{name}{INTERFACES}", "missing", "not in the snapshot"))
    if INTERFACES_NEW in files:
        try:
            pending = _parse_interfaces(files, INTERFACES_NEW)
        except NetdocError as exc:
            gaps.append(Gap(name, f"nodes/{name}{INTERFACES_NEW}", "unparsed", exc.one_line()))
    warnings = warnings_of(interfaces) + warnings_of(pending)
    return Node(
        name=name, interfaces=interfaces, pending_interfaces=pending, gaps=tuple(gaps), warnings=warnings
    )


def load_cluster(snap: Snapshot) -> Cluster:
    """Parse every node of a snapshot into one Cluster."""
    nodes = tuple(load_node(snap, n) for n in snap.node_names())
    gaps = [Gap(None, a.path, a.status, a.error) for a in snap.artifacts_for(None) if a.status != "ok"]
    gaps += [Gap(None, p.split(":", 1)[0], "error", p) for p in snap.problems]
    if snap.manifest is None:
        gaps.append(
            Gap(None, "manifest.json", "missing", "no manifest: collection time and outcomes unknown")
        )
    if not nodes:
        gaps.append(Gap(None, "nodes/", "missing", "no node found in the snapshot"))
    man = snap.manifest
    return Cluster(
        name=snap.cluster_name,
        nodes=nodes,
        collected_at=man.finished if man else None,
        netdoc_version=man.netdoc_version if man else None,
        gaps=tuple(gaps),
        has_manifest=man is not None,
    )


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
