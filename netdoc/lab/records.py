"""What the lab's servers were asked: a thread-safe log of every API request and SSH event.

Tests and benchmarks read it to count requests per node, to prove that collectors only read
(every API method a GET, every SSH request an exec), and to see which faults were hit.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar


@dataclass(frozen=True)
class ApiRequest:
    """One HTTP request to a cluster's API, as answered."""

    cluster: str
    method: str
    path: str  # below /api2/json, without the query string
    query: str  # the query string as sent ("" when none)
    auth: str  # "token" | "ticket" | "none"
    status: int
    node: str | None = None  # the {node} of a /nodes/{node}/... path
    user: str | None = None
    client: str = ""
    at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class SshEvent:
    """One SSH event on a node: a connection, an authentication, or one exec request and its result.

    kind: "connect" | "hang" | "auth" | "auth_failed" | "exec" | "refused_request" | "client_gone",
    or "batch_command": one command of a batch (`bash -s`), logged after that batch's own `exec`
    (so the execs are the round trips, and the batch commands what they ran).
    """

    cluster: str
    node: str
    kind: str
    user: str | None = None
    command: str | None = None
    exit_status: int | None = None
    detail: str = ""
    at: float = field(default_factory=time.time)


R = TypeVar("R")


class RequestLog(Generic[R]):
    """An append-only list of records, safe to write from many server threads at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[R] = []

    def add(self, record: R) -> None:
        with self._lock:
            self._records.append(record)

    def records(self, where: Callable[[R], bool] | None = None) -> tuple[R, ...]:
        with self._lock:
            items = tuple(self._records)
        return items if where is None else tuple(r for r in items if where(r))

    def count(self, where: Callable[[R], bool] | None = None) -> int:
        return len(self.records(where))

    def counter(self, key: Callable[[R], object]) -> Counter[object]:
        """How many records per key, e.g. `api_log.counter(lambda r: r.node)`."""
        return Counter(key(r) for r in self.records())

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)
