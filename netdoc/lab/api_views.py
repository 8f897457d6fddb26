"""What a simulated cluster's API answers, without the HTTP: lookups, parameters, errors, offline nodes.

Pure functions over LabCluster.api, shaped like pve-http-server's JSON formatter:
`{"data": ...}` (plus `changes`/`total` when the stored reply has them); errors are
`{"data":null,"message":"...\\n"}` with the first line of the message as the HTTP reason, and an
`errors` object for parameter errors (HTTP 400, "Parameter verification failed.").
Failures raised before the API handler runs (authentication, proxying to a node) have an empty
body and carry their reason only in the status line, as pveproxy sends them.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote

from netdoc.lab.world import LabCluster

JSON_CT = "application/json;charset=UTF-8"
NODE_PATH = re.compile(r"^/nodes/([^/]+)(/.*)?$")

_NETWORK_TYPES = tuple(
    "bridge bond eth alias vlan fabric OVSBridge OVSBond OVSPort OVSIntPort vnet "  # noqa: SIM905
    "any_bridge any_local_bridge include_sdn".split()
)
_STORAGE_TYPES = tuple(
    "btrfs cephfs cifs dir esxi iscsi iscsidirect lvm lvmthin nfs pbs rbd zfs zfspool".split()  # noqa: SIM905
)
_B = "boolean"
_S = "string"
_Spec = Mapping[str, tuple[str, ...] | str]
_PENDING: dict[str, tuple[str, ...] | str] = {"pending": _B, "running": _B}
# Query parameters of the GET endpoints netdoc reads (from the PVE API schema): name -> enum or type
_TABLE: tuple[tuple[str, _Spec], ...] = (
    (r"^/cluster/resources$", {"type": ("vm", "storage", "node", "sdn")}),
    (r"^/nodes/[^/]+/network$", {"type": _NETWORK_TYPES}),
    (r"^/storage$", {"type": _STORAGE_TYPES}),
    (
        r"^/cluster/sdn/zones$",
        {"type": ("evpn", "faucet", "qinq", "simple", "vlan", "vxlan"), **_PENDING},
    ),
    (r"^/cluster/sdn/controllers$", {"type": ("bgp", "evpn", "faucet", "isis"), **_PENDING}),
    (r"^/cluster/sdn/ipams$", {"type": ("netbox", "phpipam", "pve")}),
    (r"^/cluster/sdn/dns$", {"type": ("powerdns",)}),
    (r"^/cluster/sdn/(vnets|vnets/[^/]+|vnets/[^/]+/subnets|vnets/[^/]+/subnets/[^/]+)$", _PENDING),
    (r"^/cluster/sdn/(zones/[^/]+|fabrics/all|fabrics/fabric|fabrics/node)$", _PENDING),
    (r"^/nodes/[^/]+/qemu$", {"full": _B}),
    (r"^/nodes/[^/]+/(qemu|lxc)/[0-9]+/config$", {"current": _B, "snapshot": _S}),
    (
        r"^/nodes/[^/]+/storage$",
        {"content": _S, "enabled": _B, "format": _B, "storage": _S, "target": _S},
    ),
    (r"^/nodes/[^/]+/ceph/cfg/value$", {"config-keys": _S}),
    (r"^/cluster/config/join$", {"node": _S}),
    (r"^/cluster/ceph/metadata$", {"scope": ("all", "versions")}),
)
_PARAMS = tuple((re.compile(p), spec) for p, spec in _TABLE)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, reason phrase, body (maybe empty) and its content type."""

    status: int
    reason: str
    body: bytes = b""
    content_type: str | None = None


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, as Perl's JSON->to_json(utf8) writes it."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def ok(reply: Mapping[str, Any]) -> Reply:
    return Reply(200, "OK", dumps(reply), JSON_CT)


def error(status: int, message: str, errors: Mapping[str, str] | None = None) -> Reply:
    """An error produced by the API handler: JSON body with `message` (and `errors`)."""
    body: dict[str, Any] = {"data": None}
    if errors:
        body["errors"] = dict(errors)
    body["message"] = message
    return Reply(status, _reason(message), dumps(body), JSON_CT)


def bare(status: int, message: str) -> Reply:
    """An error produced before the handler (auth, proxy, method): reason only, empty body."""
    return Reply(status, _reason(message))


def _reason(message: str) -> str:
    first = message.split("\n", 1)[0]
    return first.encode("latin-1", "replace").decode("latin-1") or "Error"


def not_implemented(method: str, path: str) -> Reply:
    return error(501, f"Method '{method} {path}' not implemented")


def param_error(errors: Mapping[str, str]) -> Reply:
    return error(400, "Parameter verification failed.\n", errors)


def node_of(path: str) -> str | None:
    m = NODE_PATH.match(path)
    return m.group(1) if m else None


def proxied_node(path: str) -> str | None:
    """The node a request is proxied to: /nodes/{node}/<something> (the node index is answered locally)."""
    m = NODE_PATH.match(path)
    return m.group(1) if m and m.group(2) not in (None, "/") else None


def query_key(params: Iterable[tuple[str, str]]) -> str:
    """Parameters as one canonical query string: sorted, percent-encoded the same way every time."""
    return "&".join(f"{quote(k, safe='')}={quote(v, safe=',:;')}" for k, v in sorted(params))


def split_key(key: str) -> tuple[str, list[tuple[str, str]]]:
    path, _, query = key.partition("?")
    return normalize_path(path), parse_qsl(query, keep_blank_values=True)


def normalize_path(path: str) -> str:
    path = re.sub(r"/{2,}", "/", path)
    return path.rstrip("/") or "/"


def _params_spec(path: str) -> _Spec | None:
    return next((spec for pattern, spec in _PARAMS if pattern.match(path)), None)


def _check_params(path: str, params: list[tuple[str, str]]) -> dict[str, str]:
    """Parameter errors in PVE's words (JSONSchema validate_params), one per bad parameter."""
    spec = _params_spec(path) or {}
    errors: dict[str, str] = {}
    for name, value in params:
        kind = spec.get(name)
        if kind is None:
            errors[name] = (
                "property is not defined in schema and the schema does not allow additional properties"
            )
        elif isinstance(kind, tuple) and value not in kind:
            errors[name] = f"value '{value}' does not have a value in the enumeration '{', '.join(kind)}'"
        elif kind == _B and value.lower() not in _TRUE | _FALSE:
            errors[name] = f"type check ('boolean') failed - got '{value}'"
    return errors


def _filter(path: str, items: Any, params: list[tuple[str, str]]) -> Any:
    """Apply list filters the lab understands to an unfiltered stored reply."""
    if not isinstance(items, list):
        return items
    for name, value in params:
        if name == "type" and path == "/cluster/resources":
            wanted = {"vm": {"qemu", "lxc"}, "sdn": {"sdn", "network"}}.get(value, {value})
            items = [i for i in items if isinstance(i, dict) and i.get("type") in wanted]
        elif name == "type" and path.endswith("/network"):
            if value in ("any_bridge", "any_local_bridge"):
                wanted = {"bridge", "OVSBridge"}
            elif value == "include_sdn":
                continue
            else:
                wanted = {value}
            items = [i for i in items if isinstance(i, dict) and i.get("type") in wanted]
        elif name == "type":
            items = [i for i in items if isinstance(i, dict) and i.get("type") == value]
        elif name == "storage" and path.endswith("/storage"):
            items = [i for i in items if isinstance(i, dict) and i.get("storage") == value]
        elif name == "content" and path.endswith("/storage"):
            items = [
                i for i in items if isinstance(i, dict) and value in str(i.get("content", "")).split(",")
            ]
        elif name == "enabled" and value.lower() in _TRUE:
            items = [i for i in items if isinstance(i, dict) and i.get("enabled", 1)]
    return items


class ClusterApi:
    """The stored replies of one cluster, indexed for lookups by path and canonical query."""

    def __init__(self, cluster: LabCluster) -> None:
        self.cluster = cluster
        self.nodes = tuple(n.name for n in cluster.nodes)
        self._replies: dict[tuple[str, str], Mapping[str, Any]] = {}
        self._routes: set[str] = set()
        for key, reply in cluster.api.items():
            path, params = split_key(key)
            self._replies[(path, query_key(params))] = reply
            self._routes.add(self._route(path))

    def _route(self, path: str) -> str:
        m = NODE_PATH.match(path)
        return f"/nodes/{{node}}{m.group(2) or ''}" if m else path

    def known(self, path: str) -> bool:
        """A path the simulated API has a handler for (any node's copy of a node path counts)."""
        return self._route(path) in self._routes

    def answer(self, path: str, params: list[tuple[str, str]], offline: frozenset[str]) -> Reply:
        """The reply to an authorised GET of a known route, or a 400 for bad parameters."""
        params = [(k, v) for k, v in params if k != "_dc"]  # the GUI's cache buster, dropped by PVE too
        reply = self._replies.get((path, query_key(params)))
        if reply is None:
            errors = _check_params(path, params)
            if errors:
                return param_error(errors)
            base = self._replies.get((path, ""))
            if base is None:
                return not_implemented("GET", path)
            reply = dict(base)
            reply["data"] = _filter(path, base.get("data"), params)
        if offline and path in ("/cluster/status", "/nodes", "/cluster/resources"):
            reply = dict(reply)
            reply["data"] = mark_offline(path, reply.get("data"), offline)
        return ok(reply)


_NODE_LIVE_KEYS = ("cpu", "mem", "disk", "uptime", "loadavg", "maxcpu", "maxmem", "maxdisk")


def mark_offline(path: str, data: Any, offline: frozenset[str]) -> Any:
    """What the cluster says about nodes that are down: online:0, status offline/unknown, no live data."""
    if not isinstance(data, list):
        return data
    out: list[Any] = []
    for original in data:
        if not isinstance(original, dict):
            out.append(original)
            continue
        item = copy.copy(original)
        if path == "/cluster/status" and item.get("type") == "node" and item.get("name") in offline:
            item["online"] = 0
        elif path == "/nodes" and item.get("node") in offline:
            item = {k: v for k, v in item.items() if k not in _NODE_LIVE_KEYS}
            item["status"] = "offline"
        elif path == "/cluster/resources" and item.get("node") in offline:
            if item.get("type") == "node":
                item = {k: v for k, v in item.items() if k not in _NODE_LIVE_KEYS}
                item["status"] = "offline"
            else:
                item["status"] = "unknown"
        out.append(item)
    if path == "/cluster/status":
        nodes = [i for i in out if isinstance(i, dict) and i.get("type") == "node"]
        online = sum(1 for i in nodes if i.get("online"))
        for i in out:
            if isinstance(i, dict) and i.get("type") == "cluster" and "quorate" in i:
                i["quorate"] = 1 if online * 2 > len(nodes) else 0
    return out
