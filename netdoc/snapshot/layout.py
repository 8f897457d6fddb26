"""The snapshot's layout: where each artifact lives in the folder, and the manifest's records.

The paths are a public contract (docs/snapshot-format.md); every path is checked here, so that no
name read from a node or an API reply can climb out of the snapshot folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath

from netdoc.errors import SnapshotError

FORMAT = "netdoc-snapshot/1"
MANIFEST = "manifest.json"
# stale: not read this run; the copy is the last good one (netdoc/history.py carries it over)
STATUSES = ("ok", "missing", "denied", "timeout", "error", "stale")
LATEST = "latest"  # in a cluster's history folder: the pointer to its newest good snapshot

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

NODE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
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
    if not NODE_NAME.match(node) or node in {".", ".."}:
        raise SnapshotError(f"node name {node!r} is not a valid host name")
    return node


def relative_path(path: str) -> PurePosixPath:
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
    return f"api/{relative_path(api_path)}.json"


def node_file_path(node: str, abs_path: str) -> str:
    """(`pve1`, `/etc/network/interfaces`) -> `nodes/pve1/etc/network/interfaces`."""
    return f"nodes/{check_node_name(node)}/{relative_path(abs_path)}"


def command_path(node: str, name: str) -> str:
    return f"nodes/{check_node_name(node)}/commands/{relative_path(name)}"


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
