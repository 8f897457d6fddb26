"""Fault injection for the lab's servers: what can go wrong, per node or per request pattern.

A fault is given as a plain mapping (from the lab definition, `netdoc lab serve --fault`, or a
test) and validated here into a `Fault`; every problem of a list of specs is reported at once,
with its key path (`faults[2].ms: ...`). The servers ask a `FaultSet` what applies to the request
they are answering; faults can be added and cleared while the lab runs.

Kinds (keys besides `kind`; `cluster` and `node` narrow any fault, absent = every one):

    latency           ms; target api|ssh|both (both); path / command: glob of the request
    slow_node         node, ms: every reply of the node delayed, SSH banner included
    offline           node: API 595 on its /nodes/<node>/... paths, online:0 in /cluster/status,
                      SSH connection refused
    auth_failure      every API token and ticket refused (401); delay_ms before answering
    forbidden         path (glob); privilege, acl_path: 403 "Permission check failed (acl, priv)"
    ssh_refused       nothing listens on the node's SSH address
    ssh_hang          TCP accepted, SSH banner never sent
    host_key_changed  the node presents another host key than known_hosts holds
    sudo_denied       `sudo` fails with "sudo: a password is required" (exit 1)
    command_missing   program: the program is not installed ("command not found", 127)
    truncated         bytes: only the first N bytes, then the transfer is cut; target, path, command
    garbage           bytes (512), seed (0): random bytes instead of the reply; target, path, command
    huge              bytes: that many filler bytes more, made as they are sent (1 GB costs no
                      memory): after a command's output (a file read: in its last file), or as a
                      JSON string in an API reply's `data`; target, path, command
    trickle           ms (100): the reply never ends: after a command's output (or an API reply's
                      headers and first bytes) one byte every ms, until the client goes; target,
                      path, command

SSH, and netdoc's batches (one `bash -s` exec running many commands, lab/shell.py): a fault with
no `command` glob is about the round trip, so it applies to each exec as a whole, once (latency:
the reply of a batch is delayed once, as a network delays it; truncated, garbage: the whole reply);
a fault with a `command` glob applies to each command it matches, alone or inside a batch
(latency: that command is slow; garbage: its own output; truncated: the reply is cut inside its
output). `slow_node` makes every command the node runs slow, so a batch is delayed once per command.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from fnmatch import fnmatchcase
from typing import Any

from netdoc.errors import ConfigError, ConfigProblem

TARGETS = ("api", "ssh", "both")

# kind -> (required keys, optional keys); `kind`, `cluster` and `node` are allowed everywhere
_KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "latency": (frozenset({"ms"}), frozenset({"target", "path", "command"})),
    "slow_node": (frozenset({"node", "ms"}), frozenset()),
    "offline": (frozenset({"node"}), frozenset()),
    "auth_failure": (frozenset(), frozenset({"delay_ms"})),
    "forbidden": (frozenset({"path"}), frozenset({"privilege", "acl_path"})),
    "ssh_refused": (frozenset(), frozenset()),
    "ssh_hang": (frozenset(), frozenset()),
    "host_key_changed": (frozenset(), frozenset()),
    "sudo_denied": (frozenset(), frozenset()),
    "command_missing": (frozenset({"program"}), frozenset()),
    "truncated": (frozenset({"bytes"}), frozenset({"target", "path", "command"})),
    "garbage": (frozenset(), frozenset({"bytes", "seed", "target", "path", "command"})),
    "huge": (frozenset({"bytes"}), frozenset({"target", "path", "command"})),
    "trickle": (frozenset(), frozenset({"ms", "target", "path", "command"})),
}
OUTPUT_KINDS = ("truncated", "garbage", "huge", "trickle")  # faults that change what a reply holds
# What `huge` adds, over and over: a comment line to any text format (ifupdown, sysctl, hosts).
FILLER_LINE = b"# netdoc lab: a huge output, this line again and again until it is big enough\n"
TRICKLE_MS = 100
KINDS = tuple(_KEYS)
_COMMON = frozenset({"kind", "cluster", "node"})
_INT_KEYS = frozenset({"ms", "bytes", "seed", "delay_ms"})
_STR_KEYS = frozenset({"cluster", "node", "path", "command", "program", "privilege", "acl_path", "target"})
_MAX_MS = 600_000


@dataclass(frozen=True)
class Fault:
    """One validated fault. `nbytes` is the spec's `bytes`."""

    kind: str
    cluster: str | None = None
    node: str | None = None
    ms: int = 0
    target: str = "both"
    path: str | None = None
    command: str | None = None
    program: str | None = None
    privilege: str | None = None
    acl_path: str | None = None
    nbytes: int = 0
    seed: int = 0
    delay_ms: int = 0

    def spec(self) -> dict[str, Any]:
        """The fault back as a spec mapping (only the keys that differ from the defaults)."""
        out: dict[str, Any] = {"kind": self.kind}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "kind" and value != f.default:
                out["bytes" if f.name == "nbytes" else f.name] = value
        return out

    def applies(self, cluster: str, node: str | None) -> bool:
        """Scoped to this cluster and node (a node-scoped fault never applies to a cluster-wide request)."""
        if self.cluster is not None and self.cluster != cluster:
            return False
        return self.node is None or self.node == node

    def targets(self, target: str) -> bool:
        return self.target in (target, "both")

    def filler(self, line: bytes = FILLER_LINE, chunk: int = 64 * 1024) -> Iterator[bytes]:
        """`huge`: its `bytes` of filler (whole lines but the last), made one chunk at a time."""
        block = line * max(1, chunk // len(line))
        left = self.nbytes
        while left > 0:
            piece = block[:left]
            left -= len(piece)
            yield piece

    @property
    def trickle_s(self) -> float:
        return (self.ms or TRICKLE_MS) / 1000

    def garbage(self, key: str) -> bytes:
        """Random bytes for one request, the same for the same seed and request on every run."""
        rng = random.Random(f"{self.seed}:{key}")  # noqa: S311 - test data, not a secret
        return rng.randbytes(self.nbytes or 512)


def _problems_of(index: int, spec: object) -> tuple[Fault | None, list[ConfigProblem]]:
    where = f"faults[{index}]"
    if not isinstance(spec, Mapping):
        return None, [ConfigProblem(where, f"must be a mapping with a `kind`, got {type(spec).__name__}")]
    problems: list[ConfigProblem] = []
    kind = spec.get("kind")
    if kind not in _KEYS:
        shown = "missing" if kind is None else repr(kind)
        return None, [ConfigProblem(f"{where}.kind", f"{shown}; expected one of: {', '.join(KINDS)}")]
    required, optional = _KEYS[kind]
    allowed = required | optional | _COMMON
    for key in sorted(set(spec) - allowed, key=str):
        problems.append(
            ConfigProblem(
                f"{where}.{key}", f"unknown key for kind {kind!r}; allowed: {', '.join(sorted(allowed))}"
            )
        )
    for key in sorted(required - set(spec)):
        problems.append(ConfigProblem(f"{where}.{key}", f"required for kind {kind!r}"))
    values: dict[str, Any] = {"kind": kind}
    for key in sorted(set(spec) & allowed - {"kind"}):
        value = spec[key]
        if key in _INT_KEYS:
            if isinstance(value, bool) or not isinstance(value, int):
                problems.append(ConfigProblem(f"{where}.{key}", f"must be an integer, got {value!r}"))
                continue
            low = 1 if key == "bytes" and kind == "garbage" else 0
            high = _MAX_MS if key in ("ms", "delay_ms") else 2**31
            if not low <= value <= high:
                problems.append(
                    ConfigProblem(f"{where}.{key}", f"must be between {low} and {high}, got {value}")
                )
                continue
        elif key in _STR_KEYS:
            if not isinstance(value, str) or not value:
                problems.append(ConfigProblem(f"{where}.{key}", f"must be a non-empty string, got {value!r}"))
                continue
            if key == "target" and value not in TARGETS:
                problems.append(
                    ConfigProblem(f"{where}.{key}", f"{value!r}; expected one of: {', '.join(TARGETS)}")
                )
                continue
            if key == "path" and not value.startswith("/"):
                problems.append(
                    ConfigProblem(
                        f"{where}.{key}", f"an API path below /api2/json starting with '/', got {value!r}"
                    )
                )
                continue
        values["nbytes" if key == "bytes" else key] = value
    if problems:
        return None, problems
    return Fault(**values), []


def parse_faults(specs: Iterable[object], source: str = "faults") -> tuple[Fault, ...]:
    """Validate fault specs; raises ConfigError naming every bad key of every spec at once."""
    out: list[Fault] = []
    problems: list[ConfigProblem] = []
    for i, spec in enumerate(specs):
        if isinstance(spec, Fault):
            out.append(spec)
            continue
        fault, found = _problems_of(i, spec)
        problems += found
        if fault is not None:
            out.append(fault)
    if problems:
        raise ConfigError(source, problems)
    return tuple(out)


def parse_fault_option(text: str) -> dict[str, Any]:
    """`--fault` text: a JSON object, or `kind=offline,node=pve2,ms=200` (integers converted)."""
    text = text.strip()
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                "--fault", [ConfigProblem("", f"invalid JSON: {exc.msg} at column {exc.colno}")]
            ) from exc
        if not isinstance(value, dict):
            raise ConfigError("--fault", [ConfigProblem("", "the JSON must be an object")])
        return value
    spec: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise ConfigError(
                "--fault", [ConfigProblem("", f"{part!r} is not KEY=VALUE (e.g. kind=offline,node=pve2)")]
            )
        key, value = key.strip(), value.strip()
        spec[key] = int(value) if key in _INT_KEYS and value.lstrip("-").isdigit() else value
    return spec


def check_scope(faults: Sequence[Fault], nodes_by_cluster: Mapping[str, Sequence[str]], source: str) -> None:
    """Refuse faults naming a cluster or node the lab does not have (a typo would silently do nothing)."""
    problems: list[ConfigProblem] = []
    for i, f in enumerate(faults):
        if f.cluster is not None and f.cluster not in nodes_by_cluster:
            problems.append(
                ConfigProblem(
                    f"faults[{i}].cluster",
                    f"no cluster {f.cluster!r} in the lab ({', '.join(nodes_by_cluster)})",
                )
            )
        elif f.node is not None:
            clusters = [f.cluster] if f.cluster is not None else list(nodes_by_cluster)
            if not any(f.node in nodes_by_cluster[c] for c in clusters):
                known = sorted({n for c in clusters for n in nodes_by_cluster[c]})
                problems.append(
                    ConfigProblem(f"faults[{i}].node", f"no node {f.node!r} in the lab ({', '.join(known)})")
                )
    if problems:
        raise ConfigError(source, problems)


def _api_match(f: Fault, path: str) -> bool:
    """A `path` glob narrows a fault to the API; a fault with only a `command` glob is SSH's."""
    if f.path is not None:
        return fnmatchcase(path, f.path)
    return f.command is None


def _ssh_match(f: Fault, command: str) -> bool:
    if f.command is not None:
        return fnmatchcase(command, f.command)
    return f.path is None


class FaultSet:
    """The faults in force, changeable while the servers run (reads take a consistent snapshot)."""

    def __init__(self, faults: Iterable[Fault] = ()) -> None:
        self._lock = threading.Lock()
        self._faults: tuple[Fault, ...] = tuple(faults)
        self._listeners: list[Callable[[], None]] = []

    # ------------------------------------------------------------------ changing

    def on_change(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def _set(self, faults: tuple[Fault, ...]) -> None:
        with self._lock:
            self._faults = faults
        for callback in self._listeners:
            callback()

    def add(self, *specs: Mapping[str, Any] | Fault) -> tuple[Fault, ...]:
        new = parse_faults(specs)
        self._set(self._faults + new)
        return new

    def remove(self, fault: Fault) -> None:
        self._set(tuple(f for f in self._faults if f is not fault))

    def replace(self, specs: Iterable[Mapping[str, Any] | Fault]) -> None:
        self._set(parse_faults(specs))

    def clear(self) -> None:
        self._set(())

    def all(self) -> tuple[Fault, ...]:
        with self._lock:
            return self._faults

    def _matching(self, kind: str, cluster: str, node: str | None) -> list[Fault]:
        return [f for f in self.all() if f.kind == kind and f.applies(cluster, node)]

    # ------------------------------------------------------------------ node state

    def offline(self, cluster: str, node: str) -> bool:
        return bool(self._matching("offline", cluster, node))

    def ssh_mode(self, cluster: str, node: str) -> str:
        """'refused' (nothing listens), 'hang' (no banner) or 'ok'."""
        if self._matching("offline", cluster, node) or self._matching("ssh_refused", cluster, node):
            return "refused"
        if self._matching("ssh_hang", cluster, node):
            return "hang"
        return "ok"

    def host_key_changed(self, cluster: str, node: str) -> bool:
        return bool(self._matching("host_key_changed", cluster, node))

    def sudo_denied(self, cluster: str, node: str) -> bool:
        return bool(self._matching("sudo_denied", cluster, node))

    def missing_programs(self, cluster: str, node: str) -> frozenset[str]:
        return frozenset(f.program for f in self._matching("command_missing", cluster, node) if f.program)

    # ------------------------------------------------------------------ API requests

    def auth_failure(self, cluster: str) -> Fault | None:
        found = self._matching("auth_failure", cluster, None)
        return found[0] if found else None

    def forbidden(self, cluster: str, path: str, node: str | None) -> Fault | None:
        for f in self.all():
            if f.kind == "forbidden" and f.applies(cluster, node) and fnmatchcase(path, f.path or ""):
                return f
        return None

    def api_delay_s(self, cluster: str, path: str, node: str | None) -> float:
        ms = 0
        for f in self.all():
            if f.kind == "latency" and f.targets("api") and f.applies(cluster, node):
                if _api_match(f, path):
                    ms += f.ms
            elif f.kind == "slow_node" and node is not None and f.applies(cluster, node):
                ms += f.ms
        return ms / 1000

    def api_output(self, cluster: str, path: str, node: str | None) -> Fault | None:
        """A truncated/garbage/huge/trickle fault for this API reply, if any."""
        for f in self.all():
            kind_ok = f.kind in OUTPUT_KINDS and f.targets("api")
            if kind_ok and f.applies(cluster, node) and _api_match(f, path):
                return f
        return None

    # ------------------------------------------------------------------ SSH sessions

    def ssh_banner_delay_s(self, cluster: str, node: str) -> float:
        return sum(f.ms for f in self._matching("slow_node", cluster, node)) / 1000

    def ssh_delay_s(self, cluster: str, node: str, command: str) -> float:
        ms = 0
        for f in self.all():
            if f.kind == "latency" and f.targets("ssh") and f.applies(cluster, node):
                if _ssh_match(f, command):
                    ms += f.ms
            elif f.kind == "slow_node" and f.applies(cluster, node):
                ms += f.ms
        return ms / 1000

    def ssh_batch_delay_s(self, cluster: str, node: str, commands: Sequence[str]) -> float:
        """The delay of one batch exec: the round trip's latency once, each command's own on top."""
        ms = 0
        for f in self.all():
            if f.kind == "latency" and f.targets("ssh") and f.applies(cluster, node):
                if f.command is not None:
                    ms += f.ms * sum(fnmatchcase(c, f.command) for c in commands)
                elif f.path is None:
                    ms += f.ms
            elif f.kind == "slow_node" and f.applies(cluster, node):
                ms += f.ms * len(commands)
        return ms / 1000

    def ssh_batch_output(self, cluster: str, node: str, command: str | None) -> Fault | None:
        """An output fault of a batch as a whole (None), or of one of its commands."""
        for f in self.all():
            kind_ok = f.kind in OUTPUT_KINDS and f.targets("ssh") and f.applies(cluster, node)
            if not kind_ok or f.path is not None:
                continue
            if (
                (f.command is None)
                if command is None
                else (f.command is not None and fnmatchcase(command, f.command))
            ):
                return f
        return None

    def ssh_output(self, cluster: str, node: str, command: str) -> Fault | None:
        for f in self.all():
            kind_ok = f.kind in OUTPUT_KINDS and f.targets("ssh")
            if kind_ok and f.applies(cluster, node) and _ssh_match(f, command):
                return f
        return None
