"""Run graphviz: DOT text in, SVG (or a layout as JSON) out. The one place netdoc starts `dot`.

Graphviz is a system package (scripts/setup installs it); a missing `dot`, a timeout or a
rejected source is a RenderError naming the diagram, never a traceback.

`render_svgs` renders many diagrams at once: one `dot` process per diagram, at most one per usable
core at a time (each `dot` is its own process; the threads here only wait for them), results in
the order given, so the bytes never depend on which one finished first. With a cache folder, an
SVG is kept under the SHA-256 of graphviz's version and the DOT source
(`<cache>/svg/<2 hex>/<64 hex>.svg`) and never rendered twice; an entry unused for
CACHE_MAX_AGE_DAYS is removed.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from netdoc.errors import RenderError

TIMEOUT_S = 120
CACHE_MAX_AGE_DAYS = 30


def _dot() -> str:
    exe = shutil.which("dot")
    if exe is None:
        raise RenderError(
            "graphviz is not installed (no `dot` on PATH): run scripts/setup or apt install graphviz"
        )
    return exe


def run_dot(source: str, fmt: str = "svg", *, name: str = "diagram") -> str:
    """`dot -T<fmt>` over the source; the output as text."""
    exe = _dot()
    try:
        done = subprocess.run(
            [exe, f"-T{fmt}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(f"graphviz took more than {TIMEOUT_S} s on diagram {name}") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[:3]
        raise RenderError(
            f"graphviz failed on diagram {name}: {'; '.join(detail) or 'exit ' + str(done.returncode)}"
        )
    return done.stdout.decode("utf-8", "replace")


def render_svg(source: str, *, name: str = "diagram") -> str:
    """SVG text without the XML prolog and doctype (ready to be inlined in a page)."""
    svg = run_dot(source, "svg", name=name)
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


@functools.cache
def _version_of(exe: str) -> str:
    done = subprocess.run([exe, "-V"], capture_output=True, timeout=30, check=False)
    return (done.stderr or done.stdout).decode("utf-8", "replace").strip()


def graphviz_version() -> str:
    """What `dot -V` says ("dot - graphviz version 2.43.0 (0)"): part of every cache key."""
    return _version_of(_dot())


def default_cache_dir() -> Path:
    """Where rendered diagrams are cached: $XDG_CACHE_HOME/netdoc, else ~/.cache/netdoc."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "netdoc"


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class RenderStats:
    """What `render_svgs` did: diagrams rendered by graphviz, and taken from the cache."""

    rendered: int = 0
    cached: int = 0


def cache_key(source: str, version: str) -> str:
    return hashlib.sha256(f"{version}\0{source}".encode()).hexdigest()


def _cache_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / "svg" / key[:2] / f"{key}.svg"


def _cache_get(cache_dir: Path, key: str) -> str | None:
    path = _cache_path(cache_dir, key)
    try:
        svg = path.read_text(encoding="utf-8")
        os.utime(path)  # used now: kept by the pruning
    except OSError:
        return None
    return svg


def _cache_put(cache_dir: Path, key: str, svg: str) -> None:
    path = _cache_path(cache_dir, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(svg, encoding="utf-8")
        tmp.replace(path)  # whole or not at all: another build may read it at the same time
    except OSError:
        pass  # a cache that cannot be written costs time, never the build


def prune_cache(cache_dir: Path, max_age_days: float = CACHE_MAX_AGE_DAYS) -> int:
    """Remove cached SVGs not used for `max_age_days`; returns how many."""
    cutoff = time.time() - max_age_days * 86400
    removed = 0
    for path in (cache_dir / "svg").glob("*/*.svg"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def render_svgs(
    sources: Sequence[tuple[str, str]],
    *,
    cache_dir: Path | None = None,
    workers: int | None = None,
    on_done: Callable[[int, int], None] | None = None,
    stats: RenderStats | None = None,
) -> list[str]:
    """Every (name, DOT) rendered to inline SVG (render_svg), in the order given.

    `workers` `dot` processes at most at once (default: the usable cores); `on_done(done, total)`
    is called as each diagram is finished (from the calling thread, in completion order).
    """
    stats = stats if stats is not None else RenderStats()
    total = len(sources)
    out: list[str | None] = [None] * total
    todo: list[int] = []
    version = graphviz_version() if cache_dir is not None and total else ""
    keys = [cache_key(dot, version) for _, dot in sources] if cache_dir is not None else []
    done = 0
    for i in range(total):
        hit = _cache_get(cache_dir, keys[i]) if cache_dir is not None else None
        if hit is None:
            todo.append(i)
            continue
        out[i] = hit
        stats.cached += 1
        done += 1
        if on_done is not None:
            on_done(done, total)

    def one(i: int) -> str:
        name, dot = sources[i]
        return render_svg(dot, name=name)

    n = max(1, min(workers or usable_cores(), len(todo) or 1))
    with ThreadPoolExecutor(max_workers=n) as pool:
        futures: dict[Future[str], int] = {pool.submit(one, i): i for i in todo}
        try:
            for future in as_completed(futures):
                i = futures[future]
                svg = future.result()
                out[i] = svg
                stats.rendered += 1
                if cache_dir is not None:
                    _cache_put(cache_dir, keys[i], svg)
                done += 1
                if on_done is not None:
                    on_done(done, total)
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return [svg if svg is not None else "" for svg in out]
