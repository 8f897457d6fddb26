"""Parse Proxmox API replies about the cluster and its nodes; pure, no I/O.

Kinds: api-cluster-status (/cluster/status), api-cluster-nodes (/cluster/config/nodes), api-totem
(/cluster/config/totem), api-resources (/cluster/resources), api-nodes (/nodes), api-cluster-options
(/cluster/options), api-dns (/nodes/{node}/dns), api-hosts (/nodes/{node}/hosts), api-version
(/version, /nodes/{node}/version). Shapes in docs/parsers/pve_api.md.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from netdoc.model.base import SourceRef
from netdoc.model.pve import (
    ApiCorosyncNode,
    ApiCorosyncNodes,
    ApiTotem,
    ApiTotemInterface,
    ClusterResource,
    ClusterResources,
    ClusterStatus,
    ClusterStatusCluster,
    ClusterStatusNode,
    CorosyncLinkAddress,
    DatacenterOptions,
    HostsEntry,
    NodeDns,
    NodeHosts,
    NodeIndex,
    NodeIndexEntry,
    PveVersion,
)
from netdoc.parsers.jsonvalues import Item, Warnings, value_text
from netdoc.parsers.pve_api import Warn, read_reply

_RING_RE = re.compile(r"^ring(\d)_addr$", re.ASCII)


def parse_api_cluster_status(files: Mapping[str, str], path: str) -> ClusterStatus:
    """/cluster/status: one `cluster` entry (absent on a standalone node) and one entry per node."""
    reply = read_reply(files, path, "api-cluster-status", list)
    cluster: ClusterStatusCluster | None = None
    nodes: list[ClusterStatusNode] = []
    for index, item in reply.items():
        kind = item.text("type")
        name = item.text("name")
        if kind == "cluster":
            if cluster is not None:
                reply.warnings.add(index + 1, "a second `cluster` entry; skipped")
                continue
            cluster = ClusterStatusCluster(
                name=name or "",
                nodes=item.integer("nodes"),
                config_version=item.integer("version"),
                quorate=item.boolean("quorate"),
                source=reply.ref(index),
            )
        elif kind == "node":
            if not name:
                reply.warnings.add(index + 1, "a node entry without `name`; skipped")
                continue
            nodes.append(
                ClusterStatusNode(
                    name=name,
                    nodeid=item.integer("nodeid"),
                    ip=item.text("ip"),
                    online=item.flag("online"),
                    local=item.flag("local"),
                    level=item.text("level"),
                    properties=item.rest("type", "id"),
                    source=reply.ref(index),
                )
            )
        else:
            reply.warnings.add(index + 1, f"entry of unknown type {kind!r}; skipped")
    nodes.sort(key=lambda n: n.name)
    return ClusterStatus(reply.evidence, cluster, tuple(nodes), reply.warnings.freeze())


def parse_api_cluster_nodes(files: Mapping[str, str], path: str) -> ApiCorosyncNodes:
    """/cluster/config/nodes: the corosync nodelist; every value is text there."""
    reply = read_reply(files, path, "api-cluster-nodes", list)
    nodes: list[ApiCorosyncNode] = []
    for index, item in reply.items():
        name = item.text("name") or item.text("node")
        if not name:
            reply.warnings.add(index + 1, "a node without `name` or `node`; skipped")
            continue
        links = []
        for key in sorted(k for k in item.data if isinstance(k, str)):
            m = _RING_RE.match(key)
            address = item.text(key) if m else None
            if m and address:
                links.append(CorosyncLinkAddress(int(m.group(1)), address))
        nodes.append(
            ApiCorosyncNode(
                name=name,
                nodeid=item.integer("nodeid"),
                quorum_votes=item.integer("quorum_votes"),
                links=tuple(links),
                properties=item.props(),
                source=reply.ref(index),
            )
        )
    nodes.sort(key=lambda n: n.name)
    return ApiCorosyncNodes(reply.evidence, tuple(nodes), reply.warnings.freeze())


def parse_api_totem(files: Mapping[str, str], path: str) -> ApiTotem:
    """/cluster/config/totem: the totem section; `interface` is keyed by link number."""
    reply = read_reply(files, path, "api-totem", dict)
    item = Item(reply.data, reply.warnings.at(1))
    ref = reply.ref(0)
    interfaces = _totem_interfaces(item.raw("interface"), ref, reply.warnings.at(1, "interface: "))
    return ApiTotem(
        path=reply.evidence,
        cluster_name=item.text("cluster_name"),
        config_version=item.integer("config_version"),
        version=item.integer("version"),
        ip_version=item.text("ip_version"),
        link_mode=item.text("link_mode"),
        secauth=item.text("secauth"),
        transport=item.text("transport"),
        interfaces=interfaces,
        properties=item.props("interface"),
        warnings=reply.warnings.freeze(),
    )


def _totem_interfaces(raw: Any, ref: SourceRef, warn: Warn) -> tuple[ApiTotemInterface, ...]:
    blocks: list[tuple[str, Any]] = []
    if isinstance(raw, dict):
        if any(isinstance(v, dict) for v in raw.values()):
            blocks = [(str(k), v) for k, v in raw.items()]
        else:  # a single interface block given directly
            blocks = [("", raw)]
    elif isinstance(raw, list):
        blocks = [(str(i), v) for i, v in enumerate(raw)]
    elif raw is not None:
        warn(f"expected an object keyed by link number, got {value_text(raw)[:40]!r}")
    out: list[ApiTotemInterface] = []
    for key, block in blocks:
        if not isinstance(block, dict):
            warn(f"{key}: not an object; skipped")
            continue
        it = Item(block, warn)
        linknumber = it.integer("linknumber")
        ringnumber = it.integer("ringnumber")
        if linknumber is None and ringnumber is None and key.isascii() and key.isdigit():
            linknumber = int(key)
        out.append(
            ApiTotemInterface(
                linknumber=linknumber,
                ringnumber=ringnumber,
                knet_link_priority=it.integer("knet_link_priority"),
                bindnetaddr=it.text("bindnetaddr"),
                properties=it.props(),
                source=ref,
            )
        )
    big = 1 << 30
    out.sort(key=lambda i: i.linknumber if i.linknumber is not None else i.ringnumber or big)
    return tuple(out)


# ------------------------------------------------------------------------------- /cluster/resources

_GUEST_TYPES = frozenset({"qemu", "lxc", "openvz"})


def parse_api_resources(files: Mapping[str, str], path: str) -> ClusterResources:
    """/cluster/resources: every item type (node, storage, pool, qemu, lxc, openvz, sdn, network)."""
    reply = read_reply(files, path, "api-resources", list)
    out: list[ClusterResource] = []
    for index, item in reply.items():
        rid = item.text("id")
        kind = item.text("type")
        vmid = item.integer("vmid")
        if not rid:
            if kind in _GUEST_TYPES and vmid is not None:
                rid = f"{kind}/{vmid}"  # `?type=vm` replies of some versions lack `id`
            else:
                reply.warnings.add(index + 1, "an item without `id`; skipped")
                continue
        id_parts = _resource_id(rid)
        kind = kind or id_parts.get("type")
        node = item.text("node") or id_parts.get("node")
        storage, pool, sdn = item.text("storage"), item.text("pool"), item.text("sdn")
        network, network_type = item.text("network"), item.text("network-type")
        ident = id_parts.get("ident")
        if kind in _GUEST_TYPES and vmid is not None:
            ident = str(vmid)
        elif kind == "storage":
            ident = storage or ident
        elif kind == "sdn":
            ident = sdn or ident
        elif kind == "network":
            ident = network or ident
            network_type = network_type or id_parts.get("network_type")
        elif kind == "pool":
            ident = pool or ident
        elif kind == "node":
            ident = node or ident
        out.append(
            ClusterResource(
                id=rid,
                type=kind,
                ident=ident,
                node=node,
                name=item.text("name"),
                status=item.text("status"),
                vmid=vmid,
                storage=storage,
                pool=pool,
                sdn=sdn,
                network=network,
                network_type=network_type,
                zone_type=item.text("zone-type"),
                protocol=item.text("protocol"),
                plugintype=item.text("plugintype"),
                content=item.words("content"),
                shared=item.boolean("shared"),
                template=item.flag("template"),
                tags=item.words("tags"),
                hastate=item.text("hastate"),
                lock=item.text("lock"),
                level=item.text("level"),
                maxcpu=item.number("maxcpu"),
                cpu_fraction=item.number("cpu"),
                mem_bytes=item.integer("mem"),
                maxmem_bytes=item.integer("maxmem"),
                disk_bytes=item.integer("disk"),
                maxdisk_bytes=item.integer("maxdisk"),
                uptime_s=item.integer("uptime"),
                properties=item.rest("id", "type"),
                source=reply.ref(index),
            )
        )
    return ClusterResources(reply.evidence, tuple(out), reply.warnings.freeze())


def _resource_id(rid: str) -> dict[str, str]:
    """`qemu/100`, `node/pve1`, `storage/pve1/local`, `/pool/p1`, `sdn/pve1/zone1`,
    `network/pve1/zone/localnetwork`, `network/<node>/<network-type>/<name>` -> their parts."""
    parts = rid.strip("/").split("/")
    kind = parts[0]
    out = {"type": kind}
    if kind in _GUEST_TYPES and len(parts) == 2:
        out["ident"] = parts[1]
    elif kind in ("node", "pool") and len(parts) == 2:
        out["ident"] = parts[1]
        if kind == "node":
            out["node"] = parts[1]
    elif kind in ("storage", "sdn") and len(parts) == 3:
        out["node"], out["ident"] = parts[1], parts[2]
    elif kind == "network" and len(parts) == 4:
        out["node"], out["network_type"], out["ident"] = parts[1], parts[2], parts[3]
    return out


# ------------------------------------------------------------------------------- /nodes


def parse_api_nodes(files: Mapping[str, str], path: str) -> NodeIndex:
    """GET /nodes: every node the cluster knows, with its runtime status."""
    reply = read_reply(files, path, "api-nodes", list)
    out: list[NodeIndexEntry] = []
    for index, item in reply.items():
        name = item.text("node")
        if not name:
            reply.warnings.add(index + 1, "an entry without `node`; skipped")
            continue
        out.append(
            NodeIndexEntry(
                node=name,
                status=item.text("status"),
                level=item.text("level"),
                ssl_fingerprint=item.text("ssl_fingerprint"),
                maxcpu=item.integer("maxcpu"),
                cpu_fraction=item.number("cpu"),
                mem_bytes=item.integer("mem"),
                maxmem_bytes=item.integer("maxmem"),
                disk_bytes=item.integer("disk"),
                maxdisk_bytes=item.integer("maxdisk"),
                uptime_s=item.integer("uptime"),
                properties=item.rest(),
                source=reply.ref(index),
            )
        )
    out.sort(key=lambda n: n.node)
    return NodeIndex(reply.evidence, tuple(out), reply.warnings.freeze())


# ------------------------------------------------------------------------------- /cluster/options


def parse_api_cluster_options(files: Mapping[str, str], path: str) -> DatacenterOptions:
    """/cluster/options (datacenter.cfg): `migration` comes back as an object, or as its text."""
    reply = read_reply(files, path, "api-cluster-options", dict)
    item = Item(reply.data, reply.warnings.at(1))
    migration = _property_string(item.raw("migration"))
    props = tuple(
        (str(k), _property_text(v)) for k, v in sorted(reply.data.items(), key=lambda kv: str(kv[0]))
    )
    return DatacenterOptions(
        path=reply.evidence,
        migration_type=migration.get("type"),
        migration_network=migration.get("network"),
        mac_prefix=item.text("mac_prefix"),
        console=item.text("console"),
        keyboard=item.text("keyboard"),
        language=item.text("language"),
        description=item.text("description"),
        properties=props,
        warnings=reply.warnings.freeze(),
    )


def _property_string(value: Any) -> dict[str, str]:
    """A property string as an object ({"type": "secure"}) or text ("type=secure,network=...")."""
    if isinstance(value, dict):
        return {str(k): value_text(v) for k, v in value.items() if not isinstance(v, list | dict)}
    if isinstance(value, str):
        out: dict[str, str] = {}
        for part in value.split(","):
            key, eq, val = part.partition("=")
            if eq:
                out[key.strip()] = val.strip()
            elif part.strip():
                out.setdefault("type", part.strip())  # the default key of migration is `type`
        return out
    return {}


def _property_text(value: Any) -> str:
    if isinstance(value, dict):
        return ",".join(f"{k}={value_text(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0])))
    return value_text(value)


# ------------------------------------------------------------------------------- /nodes/{node}/dns|hosts


def parse_api_dns(files: Mapping[str, str], path: str) -> NodeDns:
    reply = read_reply(files, path, "api-dns", dict)
    item = Item(reply.data, reply.warnings.at(1))
    servers = tuple(s for s in (item.text("dns1"), item.text("dns2"), item.text("dns3")) if s)
    return NodeDns(
        path=reply.evidence,
        node=reply.node,
        search=item.text("search"),
        servers=servers,
        properties=item.props(),
        warnings=reply.warnings.freeze(),
    )


def parse_api_hosts(files: Mapping[str, str], path: str) -> NodeHosts:
    """/nodes/{node}/hosts: `{data: <raw /etc/hosts>, digest}`; entries keep their line in that text."""
    reply = read_reply(files, path, "api-hosts", dict)
    item = Item(reply.data, reply.warnings.at(1))
    text = item.text("data") or ""
    evidence = f"{reply.evidence}#data"
    lines = Warnings(evidence)  # warnings about the embedded text point into it
    entries: list[HostsEntry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        address, names = words[0], tuple(words[1:])
        try:
            ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            lines.add(number, f"{address!r} is not an IP address", line)
        if not names:
            lines.add(number, "address without names", line)
        entries.append(HostsEntry(address, names, SourceRef(evidence, number)))
    return NodeHosts(
        path=reply.evidence,
        node=reply.node,
        digest=item.text("digest"),
        text=text,
        entries=tuple(entries),
        warnings=reply.warnings.freeze() + lines.freeze(),
    )


def parse_api_version(files: Mapping[str, str], path: str) -> PveVersion:
    reply = read_reply(files, path, "api-version", dict)
    item = Item(reply.data, reply.warnings.at(1))
    return PveVersion(
        path=reply.evidence,
        node=reply.node,
        version=item.text("version"),
        release=item.text("release"),
        repoid=item.text("repoid"),
        console=item.text("console"),
        properties=item.rest(),
        warnings=reply.warnings.freeze(),
    )
