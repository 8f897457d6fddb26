"""What changed from one run of a cluster to the next, kept on disk so that it is worked out once.

The site's Changes page compares the last runs of every history; each comparison reads two
snapshots whole (seconds each on a large cluster). The runs of a history never change once
written, so the changes of a pair of runs are stored under a key made of both runs' folders and
manifests, netdoc's code and the waivers (findings are part of the changes), in
<cache>/changes/<key>.json. A night then compares only its new run with the one before. A file
that cannot be read or parsed is a miss: the comparison is simply made again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from netdoc.changes.change import Change

FORMAT = "netdoc-changes-cache/1"
Entry = tuple[str, str | None, str | None, tuple[Change, ...]]  # cluster, before, after, changes


def pair_key(old: Path, new: Path, *, code: str, waivers_file: Path | None) -> str:
    """The key of a comparison: both runs (folder and manifest), the code, and the waivers with
    today's date (which findings are waived is part of the changes, and a waiver expires)."""
    h = hashlib.sha256(f"{FORMAT}\0{code}\0".encode())
    for run in (old, new):
        h.update(str(run.resolve()).encode() + b"\0")
        manifest = run / "manifest.json"
        h.update(manifest.read_bytes() if manifest.is_file() else b"-")
        h.update(b"\0")
    if waivers_file is not None:
        h.update(waivers_file.read_bytes() + dt.date.today().isoformat().encode())
    return h.hexdigest()


def load(cache_dir: Path, key: str) -> Entry | None:
    try:
        data: Any = json.loads((cache_dir / "changes" / f"{key}.json").read_text("utf-8"))
        if data.get("format") != FORMAT:
            return None
        changes = tuple(Change(**c) for c in data["changes"])
        return str(data["cluster"]), data["before"], data["after"], changes
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def store(cache_dir: Path, key: str, entry: Entry) -> None:
    """Write the entry atomically (a rename); a cache that cannot be written is no error."""
    cluster, before, after, changes = entry
    doc = {
        "format": FORMAT,
        "cluster": cluster,
        "before": before,
        "after": after,
        "changes": [dataclasses.asdict(c) for c in changes],
    }
    folder = cache_dir / "changes"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(doc, f, sort_keys=True)
        os.replace(tmp, folder / f"{key}.json")
    except OSError:
        Path(tmp).unlink(missing_ok=True)
