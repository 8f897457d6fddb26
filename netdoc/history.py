"""Snapshots kept as history: snapshots/<cluster>/<UTC time>/ with a `latest` pointer, never lost.

    snapshots/starwars/20261204T020000Z/    one collection run (a complete snapshot)
    snapshots/starwars/latest -> 20261204T020000Z

A run that read nothing (every artifact failed: the cluster was unreachable all night) never
becomes `latest` and never replaces or deletes a good snapshot: it is kept beside them as
`<time>.failed` for inspection. A node that could not be read is carried over from the last good
snapshot, marked `stale` in the manifest with the time it was read. Retention keeps the newest
N snapshots (`latest` always among them). The one module that moves snapshot folders around.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import asdict, replace
from pathlib import Path

from netdoc.errors import SnapshotError
from netdoc.snapshot import (
    LATEST,
    MANIFEST,
    Artifact,
    Manifest,
    history_snapshots,
    latest_snapshot,
    open_snapshot,
)

FAILED_SUFFIX = ".failed"
OK_STATUSES = frozenset({"ok", "missing"})  # missing: the tool is not installed, a fact


def stamp(utc_iso: str) -> str:
    """`2026-12-04T02:00:00Z` -> `20261204T020000Z` (sortable, safe in a path)."""
    return re.sub(r"[-:]", "", utc_iso.split(".", 1)[0]).rstrip("Z") + "Z"


def snapshots(folder: Path) -> list[Path]:
    """The good snapshots of a history folder, oldest first."""
    return history_snapshots(folder)


def latest(folder: Path) -> Path | None:
    return latest_snapshot(folder)


def previous(snapshot: Path) -> Path | None:
    """The good snapshot taken before this one in its history (None: the first, or no history)."""
    snapshot = snapshot.resolve() if snapshot.is_symlink() else snapshot
    runs = snapshots(snapshot.parent)
    if snapshot not in runs:
        return None
    index = runs.index(snapshot)
    return runs[index - 1] if index > 0 else None


def _children(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())


def new_dir(folder: Path, utc_iso: str) -> Path:
    """A fresh, unique destination for this run's snapshot inside the history folder."""
    migrate_flat(folder)
    base = stamp(utc_iso)
    candidate, n = folder / base, 1
    while candidate.exists() or (folder / (candidate.name + FAILED_SUFFIX)).exists():
        n += 1
        candidate = folder / f"{base}-{n}"
    return candidate


def migrate_flat(folder: Path) -> None:
    """Older netdoc wrote one snapshot straight into snapshots/<cluster>/: move it into the history."""
    if not (folder / MANIFEST).is_file():
        return
    snap = open_snapshot(folder)
    when = snap.manifest.finished if snap.manifest is not None else "19700101T000000Z"
    target_name = stamp(when)
    tmp = folder.with_name(f".{folder.name}.migrating")
    os.rename(folder, tmp)
    folder.mkdir()
    os.rename(tmp, folder / target_name)
    _point(folder, target_name)


def _point(folder: Path, name: str) -> None:
    """Swap `latest` to `name` atomically (a new symlink renamed over the old one)."""
    tmp = folder / f".{LATEST}.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(name, tmp)
    os.replace(tmp, folder / LATEST)


def read_nothing(snapshot: Path) -> bool:
    """Did this run read nothing at all (no artifact ok)?"""
    snap = open_snapshot(snapshot)
    man = snap.manifest
    return man is None or not any(a.status == "ok" for a in man.artifacts)


def _failed_nodes(man: Manifest) -> set[str]:
    """Nodes of which nothing was read this time (every artifact of theirs failed)."""
    by_node: dict[str, list[Artifact]] = {}
    for a in man.artifacts:
        if a.node:
            by_node.setdefault(a.node, []).append(a)
    return {node for node, arts in by_node.items() if not any(a.status == "ok" for a in arts)}


def carry_over(snapshot: Path, previous: Path) -> list[str]:
    """Copy the last good data of every node this run could not read from `previous`; mark it stale.

    Returns the nodes carried over. The copied artifacts keep their bytes and checksums and get
    the status `stale`, with the time they were read in the message.
    """
    new = open_snapshot(snapshot)
    old = open_snapshot(previous)
    if new.manifest is None or old.manifest is None:
        return []
    failed = _failed_nodes(new.manifest)
    old_by_path = {a.path: a for a in old.manifest.artifacts if a.status == "ok"}
    carried: list[str] = []
    artifacts = list(new.manifest.artifacts)
    when = old.manifest.finished
    for node in sorted(failed):
        copied = [a for a in old_by_path.values() if a.node == node]
        if not copied:
            continue
        carried.append(node)
        reasons = {a.path: a for a in artifacts if a.node == node}
        artifacts = [a for a in artifacts if not (a.node == node and a.path in old_by_path)]
        for a in copied:
            src, dst = previous / a.path, snapshot / a.path
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
            why = reasons.get(a.path)
            detail = f"{why.status}: {why.error}" if why is not None and why.error else "not read this run"
            artifacts.append(replace(a, status="stale", error=f"{detail}; this copy was read at {when}"))
    if carried:
        man = replace(
            new.manifest,
            artifacts=tuple(sorted(artifacts, key=lambda a: (a.path, a.request))),
            notes=(*new.manifest.notes, f"stale (carried over from {previous.name}): {', '.join(carried)}"),
        )
        tmp = snapshot / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(asdict(man), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, snapshot / MANIFEST)
    return carried


def settle(folder: Path, snapshot: Path, *, keep: int) -> tuple[Path | None, list[str], bool]:
    """After a run: keep a good snapshot as `latest` (carrying stale nodes over), or set a useless one aside.

    Returns (the latest snapshot now, the nodes carried over, whether this run became latest).
    """
    previous = latest(folder)
    if previous == snapshot:
        previous = None
    if read_nothing(snapshot):
        failed = snapshot.with_name(snapshot.name + FAILED_SUFFIX)
        os.rename(snapshot, failed)
        _prune_failed(folder, keep)
        return previous, [], False
    carried = carry_over(snapshot, previous) if previous is not None else []
    _point(folder, snapshot.name)
    prune(folder, keep)
    return snapshot, carried, True


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` good snapshots (never `latest`); returns what was removed."""
    if keep < 1:
        raise SnapshotError(f"--keep must be at least 1, not {keep}")
    current = latest(folder)
    removed = []
    for old in snapshots(folder)[:-keep]:
        if old != current:
            shutil.rmtree(old)
            removed.append(old)
    _prune_failed(folder, keep)
    return removed


def _prune_failed(folder: Path, keep: int) -> None:
    failed = [p for p in _children(folder) if p.name.endswith(FAILED_SUFFIX)]
    for old in failed[:-keep]:
        shutil.rmtree(old)
