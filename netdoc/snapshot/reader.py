"""Reading a snapshot: `open_snapshot` (a folder, or a cluster's history: its latest snapshot) and
`Snapshot`, whose every read is redacted on the way in and never follows a symbolic link.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from netdoc.errors import SnapshotError
from netdoc.redaction import redact_artifact, redact_json
from netdoc.snapshot.layout import (
    FORMAT,
    LATEST,
    MANIFEST,
    NODE_NAME,
    STATUSES,
    Artifact,
    Manifest,
    api_artifact_path,
    check_node_name,
    command_path,
    node_file_path,
    relative_path,
)
from netdoc.textsafety import inert_text

_STAMP = re.compile(r"^\d{8}T\d{6}Z(?:-\d+)?$")


@dataclass
class Snapshot:
    """A snapshot folder opened for reading. Every accessor returns None for what is absent."""

    root: Path
    manifest: Manifest | None = None
    problems: list[str] = field(default_factory=list)  # unreadable manifest or files
    # values redacted when read (a snapshot not made by netdoc's collector): path -> option names
    redacted: dict[str, list[str]] = field(default_factory=dict)

    @property
    def cluster_name(self) -> str:
        if self.manifest is not None and self.manifest.cluster:
            return self.manifest.cluster
        status = self.api("cluster/status")
        if isinstance(status, list):
            for item in status:
                if isinstance(item, dict) and item.get("type") == "cluster" and item.get("name"):
                    return str(item["name"])
        return self.root.resolve().name

    def node_names(self) -> list[str]:
        """Nodes named anywhere: node folders, manifest entries, API node folders, cluster status."""
        names: set[str] = set()
        for base in (self.root / "nodes", self.root / "api" / "nodes"):
            if base.is_dir() and not base.is_symlink():
                names.update(p.name for p in base.iterdir() if p.is_dir() and not p.is_symlink())
        if self.manifest is not None:
            names.update(a.node for a in self.manifest.artifacts if a.node)
        status = self.api("cluster/status")
        if isinstance(status, list):
            names.update(
                str(i["name"])
                for i in status
                if isinstance(i, dict) and i.get("type") == "node" and i.get("name")
            )
        return sorted(n for n in names if NODE_NAME.match(n))

    def _read(self, rel: str) -> bytes | None:
        path = self.root.joinpath(*PurePosixPath(rel).parts)
        # Refuse symbolic links anywhere below the root: a snapshot is untrusted input.
        probe = self.root
        for part in PurePosixPath(rel).parts:
            probe = probe / part
            if probe.is_symlink():
                self.problems.append(f"{rel}: symbolic link ignored")
                return None
        if not path.is_file():
            return None
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.problems.append(f"{rel}: cannot read: {exc.strerror}")
            return None
        # The build's line of the redaction: every read of a snapshot's contents passes here.
        data, names = redact_artifact(rel, data)
        if names:
            self.redacted[rel] = sorted(set(names))
        return data

    def read_text(self, rel: str) -> str | None:
        data = self._read(rel)
        if data is None:
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self.problems.append(f"{rel}: not UTF-8; undecodable bytes replaced")
            text = data.decode("utf-8", errors="replace")
        text, replaced = inert_text(text, json_text=rel.endswith(".json"))
        if replaced:
            self.problems.append(f"{rel}: control characters or lone surrogates replaced by U+FFFD")
        return text

    def api_text(self, api_path: str) -> str | None:
        """The stored reply of an API path, as text (for parsers that keep their own evidence)."""
        return self.read_text(api_artifact_path(api_path))

    def api(self, api_path: str) -> Any | None:
        rel = api_artifact_path(api_path)
        text = self.read_text(rel)
        if text is None:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            self.problems.append(f"{rel}:{exc.lineno}: invalid JSON: {exc.msg}")
            return None

    def node_file(self, node: str, abs_path: str) -> str | None:
        return self.read_text(node_file_path(node, abs_path))

    def command(self, node: str, name: str) -> str | None:
        return self.read_text(command_path(node, name))

    def api_paths(self, under: str = "/") -> list[str]:
        """API paths stored below an API path prefix ("/nodes" -> ["/nodes/pve1/network", ...])."""
        base = self.root / "api"
        start = base.joinpath(*relative_path(under).parts) if under.strip("/") else base
        if not start.is_dir() or start.is_symlink():
            return []
        found = []
        for dirpath, dirnames, filenames in os.walk(start):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not (here / d).is_symlink())
            for name in sorted(filenames):
                if name.endswith(".json") and not (here / name).is_symlink():
                    found.append("/" + (here / name).relative_to(base).as_posix().removesuffix(".json"))
        return found

    def command_names(self, node: str) -> list[str]:
        """The command outputs stored for a node (file names under nodes/<node>/commands/)."""
        base = self.root / "nodes" / check_node_name(node) / "commands"
        if not base.is_dir() or base.is_symlink():
            return []
        return sorted(p.name for p in base.iterdir() if p.is_file() and not p.is_symlink())

    def node_files(self, node: str, under: str = "/") -> dict[str, str]:
        """Every file of a node below an absolute folder, keyed by its absolute path on the node."""
        base = self.root / "nodes" / check_node_name(node)
        start = base.joinpath(*relative_path(under).parts) if under.strip("/") else base
        out: dict[str, str] = {}
        if not start.is_dir() or start.is_symlink():
            return out
        for dirpath, dirnames, filenames in os.walk(start):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not (here / d).is_symlink())
            if here == base:
                dirnames[:] = [d for d in dirnames if d != "commands"]
            for name in sorted(filenames):
                full = here / name
                rel = full.relative_to(self.root).as_posix()
                text = self.read_text(rel)
                if text is not None:
                    out["/" + full.relative_to(base).as_posix()] = text
        return out

    def files(self) -> list[str]:
        """Every regular file of the snapshot (api/ and nodes/), by its path in the snapshot, sorted."""
        found = []
        for top in ("api", "nodes"):
            base = self.root / top
            if not base.is_dir() or base.is_symlink():
                continue
            for dirpath, dirnames, filenames in os.walk(base):
                here = Path(dirpath)
                dirnames[:] = sorted(d for d in dirnames if not (here / d).is_symlink())
                found += [
                    (here / n).relative_to(self.root).as_posix()
                    for n in filenames
                    if not (here / n).is_symlink() and (here / n).is_file()
                ]
        return sorted(found)

    def texts(self) -> dict[str, str]:
        """Every text file of the snapshot by its path in it (for the site's source pages)."""
        return {rel: text for rel in self.files() if (text := self.read_text(rel)) is not None}

    def artifacts_for(self, node: str | None) -> list[Artifact]:
        if self.manifest is None:
            return []
        return [a for a in self.manifest.artifacts if a.node == node]

    def failed(self) -> list[Artifact]:
        if self.manifest is None:
            return []
        return [a for a in self.manifest.artifacts if a.status != "ok"]


def _manifest_from_json(data: Any) -> Manifest:
    if not isinstance(data, dict):
        raise ValueError("the top level is not an object")
    fmt = data.get("format")
    if not isinstance(fmt, str) or not fmt.startswith("netdoc-snapshot/"):
        raise ValueError(f"format is {fmt!r}, expected {FORMAT!r}")
    if fmt != FORMAT:
        raise ValueError(f"format {fmt!r} is newer than this netdoc understands ({FORMAT!r})")
    arts = []
    for i, raw in enumerate(data.get("artifacts") or []):
        if not isinstance(raw, dict):
            raise ValueError(f"artifacts[{i}] is not an object")
        status = str(raw.get("status", "ok"))
        if status not in STATUSES:
            raise ValueError(f"artifacts[{i}].status {status!r} is not one of {', '.join(STATUSES)}")
        arts.append(
            Artifact(
                path=str(raw.get("path", "")),
                node=str(raw["node"]) if raw.get("node") else None,
                source=str(raw.get("source", "")),
                request=str(raw.get("request", "")),
                status=status,
                error=str(raw.get("error") or ""),
                bytes=int(raw.get("bytes") or 0),
                sha256=str(raw.get("sha256") or ""),
            )
        )
    return Manifest(
        format=fmt,
        cluster=str(data.get("cluster") or ""),
        netdoc_version=str(data.get("netdoc_version") or ""),
        started=str(data.get("started") or ""),
        finished=str(data.get("finished") or ""),
        artifacts=tuple(arts),
        notes=tuple(str(n) for n in data.get("notes") or ()),
        accounts={str(k): str(v) for k, v in (data.get("accounts") or {}).items()}
        if isinstance(data.get("accounts"), dict)
        else {},
    )


def history_snapshots(folder: Path) -> list[Path]:
    """The timestamped snapshots of a cluster's history folder (snapshots/<cluster>/), oldest first."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink() and _STAMP.match(p.name))


def _failed_runs(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and _STAMP.match(p.name.removesuffix(".failed")))


def is_history(folder: Path) -> bool:
    """A cluster's history folder: a `latest` pointer, or timestamped runs and no manifest."""
    if (folder / LATEST).is_symlink():
        return True
    return not (folder / MANIFEST).exists() and bool(_failed_runs(folder))


def latest_snapshot(folder: Path) -> Path | None:
    """The snapshot `latest` points at (else the newest timestamped one); None when there is none."""
    pointer = folder / LATEST
    if pointer.is_symlink():
        target = folder / os.readlink(pointer)
        if target.is_dir() and target.parent == folder and not target.is_symlink():
            return target
    found = history_snapshots(folder)
    return found[-1] if found else None


def resolve_snapshot(path: str | Path) -> Path:
    """A snapshot folder as given, or the latest snapshot of a cluster's history folder."""
    root = Path(path)
    if is_history(root):
        found = latest_snapshot(root)
        if found is None:
            runs = _failed_runs(root)
            where = f"; the last run read nothing: see {runs[-1] / MANIFEST}" if runs else ""
            raise SnapshotError(f"{root}: no good snapshot yet{where}")
        return found
    return root


def open_snapshot(path: str | Path) -> Snapshot:
    """Open a snapshot folder (or a cluster's history: its latest snapshot); a missing manifest is
    fine, an unreadable one is noted, not fatal."""
    root = Path(path)
    if not root.exists():
        raise SnapshotError(f"{root}: no such snapshot folder")
    if not root.is_dir():
        raise SnapshotError(f"{root}: not a folder (a snapshot is a folder; unpack a tarball first)")
    root = resolve_snapshot(root)
    snap = Snapshot(root=root)
    mpath = root / MANIFEST
    if mpath.is_file() and not mpath.is_symlink():
        try:
            text, replaced = inert_text(mpath.read_text(encoding="utf-8"), json_text=True)
            if replaced:
                snap.problems.append(f"{MANIFEST}: control characters or lone surrogates replaced by U+FFFD")
            manifest, _ = redact_json(json.loads(text))
            snap.manifest = _manifest_from_json(manifest)
        except json.JSONDecodeError as exc:
            snap.problems.append(f"{MANIFEST}:{exc.lineno}: invalid JSON ({exc.msg}); manifest ignored")
        except (ValueError, TypeError, OSError, UnicodeDecodeError) as exc:
            snap.problems.append(f"{MANIFEST}: {exc}; manifest ignored")
    return snap
