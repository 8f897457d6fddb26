"""Where a running lab listens and how to log in: what LabRuntime publishes and its inventory reads.

netdoc/lab/runtime.py fills these when it starts the servers; netdoc/lab/inventory.py turns them
into the inventory that points netdoc at the lab. Both import this module, not each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from netdoc.lab.api_auth import ApiCredentials


@dataclass(frozen=True)
class NodeEndpoint:
    name: str
    address: str
    ssh_port: int


@dataclass(frozen=True)
class ClusterEndpoint:
    """Where and how to reach one running simulated cluster."""

    name: str
    api_host: str
    api_port: int
    api_node: str  # the node whose address serves the API
    fingerprint: str
    ca_file: Path
    credentials: ApiCredentials
    token_file: Path  # holds the token secret (for the inventory's `token_secret: file:...`)
    password_file: Path
    nodes: tuple[NodeEndpoint, ...]

    @property
    def base_url(self) -> str:
        return f"https://{self.api_host}:{self.api_port}/api2/json"


class LabAccess(Protocol):
    """What a client needs of a running lab (netdoc.lab.runtime.LabRuntime provides it)."""

    @property
    def clusters(self) -> Mapping[str, ClusterEndpoint]: ...

    @property
    def ssh_user(self) -> str: ...

    @property
    def client_key_file(self) -> Path: ...

    @property
    def known_hosts(self) -> Path: ...
