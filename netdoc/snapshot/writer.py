"""Writing a snapshot: `SnapshotWriter` records every artifact (and every failure) in a staging
folder, then publishes it with its manifest in one rename (netdoc/atomic.py).
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import asdict
from pathlib import Path, PurePosixPath
from typing import Any

from netdoc import __version__
from netdoc.atomic import make_staging_dir, publish_dir
from netdoc.errors import SnapshotError
from netdoc.snapshot.layout import (
    FORMAT,
    MANIFEST,
    STATUSES,
    Artifact,
    Manifest,
    api_artifact_path,
    command_path,
    node_file_path,
    utc_now,
)


def _utf8(json_text: str) -> bytes:
    """JSON text as UTF-8; a lone surrogate from an API reply (no UTF-8 form) kept as its \\uXXXX
    escape, which only ever occurs inside a JSON string: the artifact stays what the API said."""
    return json_text.encode("utf-8", errors="backslashreplace")


class SnapshotWriter:
    """Writes a snapshot into a staging folder and publishes it atomically on `commit()`.

    Safe to share between threads: every collector worker records its own artifacts.
    """

    def __init__(self, dest: str | Path, cluster: str) -> None:
        self.dest = Path(dest)
        self.cluster = cluster
        self.started = utc_now()
        self.staging = make_staging_dir(self.dest)
        self._lock = threading.Lock()
        self._artifacts: list[Artifact] = []
        self._notes: list[str] = []
        self.accounts: dict[str, str] = {}  # set by the collector: who read it (never a secret)
        self._closed = False
        self._folders: set[Path] = set()  # made already: a thousand guest files share a folder

    def _write(self, rel: str, content: bytes) -> None:
        target = self.staging.joinpath(*PurePosixPath(rel).parts)
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        with open(target, "wb") as f:
            f.write(content)

    def _record(self, art: Artifact) -> Artifact:
        with self._lock:
            self._artifacts.append(art)
        return art

    def add(self, rel: str, content: bytes, *, node: str | None, source: str, request: str) -> Artifact:
        self._write(rel, content)
        return self._record(
            Artifact(
                path=rel,
                node=node,
                source=source,
                request=request,
                status="ok",
                bytes=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )

    def add_api(self, api_path: str, data: Any, *, node: str | None = None) -> Artifact:
        content = _utf8(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        return self.add(api_artifact_path(api_path), content, node=node, source="api", request=api_path)

    def add_node_file(
        self, node: str, abs_path: str, content: bytes, *, request: str | None = None
    ) -> Artifact:
        return self.add(
            node_file_path(node, abs_path), content, node=node, source="ssh", request=request or abs_path
        )

    def add_command(self, node: str, name: str, content: bytes, *, request: str) -> Artifact:
        return self.add(command_path(node, name), content, node=node, source="ssh", request=request)

    def add_failure(
        self, rel: str, *, node: str | None, source: str, request: str, status: str, error: str
    ) -> Artifact:
        if status not in STATUSES or status == "ok":
            raise ValueError(f"not a failure status: {status}")
        return self._record(
            Artifact(path=rel, node=node, source=source, request=request, status=status, error=error)
        )

    def note(self, text: str) -> None:
        with self._lock:
            self._notes.append(text)

    @property
    def artifacts(self) -> list[Artifact]:
        with self._lock:
            return list(self._artifacts)

    def manifest(self) -> Manifest:
        with self._lock:
            arts = sorted(self._artifacts, key=lambda a: (a.path, a.request))
            notes = list(self._notes)
        return Manifest(
            format=FORMAT,
            cluster=self.cluster,
            netdoc_version=__version__,
            started=self.started,
            finished=utc_now(),
            artifacts=tuple(arts),
            notes=tuple(notes),
            accounts=dict(sorted(self.accounts.items())),
        )

    def commit(self) -> Path:
        """Write the manifest and swap the staging folder in as the destination."""
        if self._closed:
            raise SnapshotError("snapshot already committed or aborted")
        man = self.manifest()
        doc = asdict(man)
        self._write(MANIFEST, _utf8(json.dumps(doc, indent=1, ensure_ascii=False) + "\n"))
        self._closed = True
        publish_dir(self.staging, self.dest, SnapshotError)
        return self.dest

    def abort(self) -> None:
        import shutil

        self._closed = True
        shutil.rmtree(self.staging, ignore_errors=True)
