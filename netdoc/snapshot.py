"""Read and write the snapshot: the folder of raw artifacts between `collect` and `build`.

The layout is a public contract (docs/snapshot-format.md):

    manifest.json                 format, cluster, netdoc version, started/finished, one entry per artifact
    api/<api-path>.json           the `data` member of GET /api2/json/<api-path>, verbatim
    nodes/<node>/<absolute path>  a file read over SSH, verbatim
    nodes/<node>/commands/<name>  a command's stdout, verbatim

`build` accepts any subset (no manifest, API only, a few files copied by hand). Reading never
follows symbolic links and never leaves the snapshot folder. Everything read from a snapshot
(files, API replies, command outputs, the manifest) is redacted on the way in (netdoc/redaction.py,
docs/secrets.md): a snapshot assembled by hand publishes no secret either.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from netdoc import __version__
from netdoc.atomic import make_staging_dir, publish_dir
from netdoc.errors import SnapshotError
from netdoc.redaction import redact_artifact, redact_json, redact_text

FORMAT = "netdoc-snapshot/1"
MANIFEST = "manifest.json"
# stale: not read this run; the copy is the last good one (netdoc/history.py carries it over)
STATUSES = ("ok", "missing", "denied", "timeout", "error", "stale")
LATEST = "latest"  # in a cluster's history folder: the pointer to its newest good snapshot
_STAMP = re.compile(r"^\d{8}T\d{6}Z(?:-\d+)?$")

# Commands whose output a snapshot may hold: file name under nodes/<node>/commands/ -> command line.
COMMANDS: dict[str, str] = {
    "ovs-vsctl-show.txt": "ovs-vsctl show",
    "ovs-vsctl-list-bridge.json": "ovs-vsctl --format=json list Bridge",
    "ovs-vsctl-list-port.json": "ovs-vsctl --format=json list Port",
    "ovs-vsctl-list-interface.json": "ovs-vsctl --format=json list Interface",
    "ovs-vsctl-list-open_vswitch.json": "ovs-vsctl --format=json list Open_vSwitch",
    "ovs-vsctl-list-mirror.json": "ovs-vsctl --format=json list Mirror",
    "ovs-vsctl-list-sflow.json": "ovs-vsctl --format=json list sFlow",
    "ovs-vsctl-list-netflow.json": "ovs-vsctl --format=json list NetFlow",
    "ovs-vsctl-list-controller.json": "ovs-vsctl --format=json list Controller",
    "ovs-vsctl-list-manager.json": "ovs-vsctl --format=json list Manager",
    "ip-j-d-link.json": "ip -j -d link",
    "ip-j-addr.json": "ip -j addr",
    "bridge-j-vlan-show.json": "bridge -j vlan show",
    "lldpctl-f-json0.json": "lldpctl -f json0",
    "iptables-save-t-nat.txt": "iptables-save -t nat",
}

_SAFE_NODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
_SAFE_PART = re.compile(r"^[A-Za-z0-9@:+=,._ -]+$")


@dataclass(frozen=True)
class Artifact:
    """One manifest entry: what was asked, of whom, and what came of it."""

    path: str  # relative to the snapshot root, "/"-separated
    node: str | None
    source: str  # "api" | "ssh" | "file"
    request: str  # API path or exact command or file path
    status: str  # ok | missing | denied | timeout | error
    error: str = ""
    bytes: int = 0
    sha256: str = ""


@dataclass(frozen=True)
class Manifest:
    format: str
    cluster: str
    netdoc_version: str
    started: str
    finished: str
    artifacts: tuple[Artifact, ...] = ()
    notes: tuple[str, ...] = ()
    # who read it: {"api": "netdoc@pve!audit" (the token id or user, never a secret), "ssh": "netdoc"}
    accounts: dict[str, str] = field(default_factory=dict)


def check_node_name(node: str) -> str:
    """A node name safe to use as one folder name (Proxmox node names are DNS labels)."""
    if not _SAFE_NODE.match(node) or node in {".", ".."}:
        raise SnapshotError(f"node name {node!r} is not a valid host name")
    return node


def _relative(path: str) -> PurePosixPath:
    """A path inside the snapshot, refusing anything that could climb out of it."""
    parts = [p for p in PurePosixPath(path).parts if p not in ("/", "")]
    for p in parts:
        if p in (".", "..") or not _SAFE_PART.match(p):
            raise SnapshotError(f"path {path!r} has an unsafe part {p!r}")
    if not parts:
        raise SnapshotError(f"empty path {path!r}")
    return PurePosixPath(*parts)


def api_artifact_path(api_path: str) -> str:
    """`/nodes/pve1/network` -> `api/nodes/pve1/network.json`."""
    return f"api/{_relative(api_path)}.json"


def node_file_path(node: str, abs_path: str) -> str:
    """(`pve1`, `/etc/network/interfaces`) -> `nodes/pve1/etc/network/interfaces`."""
    return f"nodes/{check_node_name(node)}/{_relative(abs_path)}"


def command_path(node: str, name: str) -> str:
    return f"nodes/{check_node_name(node)}/commands/{_relative(name)}"


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------------------------- reading


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
        return sorted(n for n in names if _SAFE_NODE.match(n))

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
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self.problems.append(f"{rel}: not UTF-8; undecodable bytes replaced")
            return data.decode("utf-8", errors="replace")

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
        start = base.joinpath(*_relative(under).parts) if under.strip("/") else base
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
        start = base.joinpath(*_relative(under).parts) if under.strip("/") else base
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
            manifest, _ = redact_json(json.loads(mpath.read_text(encoding="utf-8")))
            snap.manifest = _manifest_from_json(manifest)
        except json.JSONDecodeError as exc:
            snap.problems.append(f"{MANIFEST}:{exc.lineno}: invalid JSON ({exc.msg}); manifest ignored")
        except (ValueError, TypeError, OSError, UnicodeDecodeError) as exc:
            snap.problems.append(f"{MANIFEST}: {exc}; manifest ignored")
    return snap


# --------------------------------------------------------------------------------------------- writing


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
        content = (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()
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
        self._write(MANIFEST, (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode())
        self._closed = True
        publish_dir(self.staging, self.dest, SnapshotError)
        return self.dest

    def abort(self) -> None:
        import shutil

        self._closed = True
        shutil.rmtree(self.staging, ignore_errors=True)


# --------------------------------------------------------------------------------------------- local files

_LOCAL_TREE_MAX_FILES = 2000
_LOCAL_TREE_MAX_BYTES = 64 * 1024 * 1024


def _guess_root(entry: Path) -> Path | None:
    """The folder that stands for "/" on the node: the part before etc/ (None without an etc/)."""
    parts = entry.parts
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] == "etc" and i + 1 < len(parts):
            return Path(*parts[:i]) if i > 0 else Path("/")
    return None


# Where a file that sits in no etc/ tree is placed on the node: a copied /etc/network folder is
# the usual case, so that `source /etc/network/interfaces.d/*` finds the copied interfaces.d/.
_DEFAULT_NODE_DIR = "/etc/network"


def read_local_tree(entry: str | Path, root: str | Path | None = None) -> tuple[dict[str, str], str]:
    """Read a local file and the folder around it, keyed as paths on the node.

    For multi-file kinds (interfaces and its `source` includes): every file below the entry's
    folder is read, and keyed by its path relative to `root` (what "/" means on the node; by
    default the folder above `etc/`). A file in no `etc/` tree is taken as a copy of the node's
    /etc/network folder: its folder stands for /etc/network. Returns (files, entry key).
    """
    path = Path(entry)
    if not path.is_file():
        raise SnapshotError(f"{path}: no such file")
    resolved = path.resolve()
    prefix = ""
    if root is not None:
        base = Path(root).resolve()
    else:
        guessed = _guess_root(resolved)
        base = guessed.resolve() if guessed is not None else resolved.parent
        prefix = "" if guessed is not None else _DEFAULT_NODE_DIR

    def key(p: Path) -> str:
        return prefix + "/" + p.relative_to(base).as_posix()

    try:
        entry_key = key(resolved)
    except ValueError:
        raise SnapshotError(f"{path}: not below the root folder {base}") from None
    files: dict[str, str] = {}
    total = 0
    for dirpath, dirnames, filenames in os.walk(resolved.parent):
        dirnames.sort()
        for name in sorted(filenames):
            full = Path(dirpath) / name
            if full.is_symlink() and full.resolve() != resolved:
                continue
            if len(files) >= _LOCAL_TREE_MAX_FILES or total > _LOCAL_TREE_MAX_BYTES:
                break
            try:
                data = full.read_bytes()
            except OSError:
                continue
            total += len(data)
            try:
                files[key(Path(dirpath).resolve() / name)] = data.decode("utf-8", errors="replace")
            except ValueError:  # a folder that resolves outside the root (symbolic link)
                continue
    files[entry_key] = resolved.read_bytes().decode("utf-8", errors="replace")
    return {k: redact_text(v)[0] for k, v in files.items()}, entry_key


def read_local_file(path: str | Path) -> tuple[dict[str, str], str]:
    """Read one local file for a single-file kind: ({path: text}, path)."""
    p = Path(path)
    if not p.is_file():
        raise SnapshotError(f"{p}: no such file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise SnapshotError(f"{p}: cannot read: {exc.strerror}") from exc
    return {str(p): data.decode("utf-8", errors="replace")}, str(p)


def read_markdown_tree(folder: str | Path) -> dict[str, str]:
    """Every .md file below a folder (the admin's notes), keyed by its path below it; none if absent."""
    root = Path(folder)
    if not root.is_dir():
        return {}
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*.md")):
        if path.is_symlink() or not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        try:
            out[rel] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SnapshotError(f"{path}: cannot read this note: {exc}") from exc
    return out


def tree_digest(path: Path, *, suffix: str = "", skip: tuple[str, ...] = ()) -> str:
    """A SHA-256 over every regular file below `path` (or of `path`, a file): relative paths, sizes
    and bytes, in name order; symbolic links are left out, as the reader leaves them. A missing
    path has a digest too (of nothing). `suffix` keeps only files whose names end with it; `skip`
    leaves out the folders of these names right below `path`.

    The fingerprint of a build's inputs (pipeline.build_digest): 14,000 files (130 MB) in 0.6 s.
    """
    h = hashlib.sha256()

    def add(rel: str, full: str) -> None:
        with open(full, "rb") as f:  # bytes as they are, no decoding
            data = f.read()
        h.update(f"{rel}\0{len(data)}\0".encode())
        h.update(data)

    def walk(folder: str, rel: str) -> None:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
        for e in entries:
            if e.is_symlink():
                continue
            if e.is_dir(follow_symlinks=False):
                if not (rel == "" and e.name in skip):
                    walk(e.path, f"{rel}{e.name}/")
            elif e.is_file(follow_symlinks=False) and e.name.endswith(suffix):
                add(rel + e.name, e.path)

    if path.is_file() and not path.is_symlink():
        add(path.name, str(path))
    elif path.is_dir() and not path.is_symlink():
        walk(str(path), "")
    return h.hexdigest()
