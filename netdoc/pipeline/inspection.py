"""One look at a file or at the estate, printed or saved by the cli: `netdoc parse` (parse_local: a
local file through one parser) and `netdoc export` (export_graph, export_diagrams).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from netdoc.errors import UsageError
from netdoc.estate import check_estate, load_estate
from netdoc.loader import warnings_of
from netdoc.model.base import ParseWarning
from netdoc.parsers.kinds import get_kind
from netdoc.snapshot import read_local_file, read_local_tree


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
