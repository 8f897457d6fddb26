"""What a simulated cluster answers: the contract between the lab's generator and its servers.

The generator (definition -> world) fills these records; the API and SSH servers only look
answers up here (plus injected faults), so both sides can be tested alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LabNode:
    """One simulated node: its loopback address, its files and its commands' outputs."""

    name: str
    address: str  # a loopback address of its own, e.g. 127.0.0.11
    online: bool = True
    files: Mapping[str, bytes] = field(default_factory=dict)  # absolute path -> content
    commands: Mapping[str, bytes] = field(default_factory=dict)  # exact command line -> stdout


@dataclass(frozen=True)
class LabCluster:
    """One simulated cluster and its API.

    `api` maps a path below /api2/json (leading "/", query string sorted, e.g. "/cluster/status",
    "/cluster/resources?type=vm") to the whole JSON reply body ({"data": ...}, plus "changes"
    where Proxmox adds it).
    """

    name: str
    nodes: tuple[LabNode, ...]
    api: Mapping[str, Any] = field(default_factory=dict)
    faults: tuple[Mapping[str, Any], ...] = ()  # raw fault specs from the definition

    def node(self, name: str) -> LabNode | None:
        return next((n for n in self.nodes if n.name == name), None)


@dataclass(frozen=True)
class LabWorld:
    clusters: tuple[LabCluster, ...]

    def cluster(self, name: str) -> LabCluster | None:
        return next((c for c in self.clusters if c.name == name), None)
