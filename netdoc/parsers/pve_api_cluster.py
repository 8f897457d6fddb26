"""Parse Proxmox API replies about the cluster and its nodes; pure, no I/O.

Kinds: api-cluster-status (/cluster/status), api-cluster-nodes (/cluster/config/nodes), api-totem
(/cluster/config/totem), api-resources (/cluster/resources), api-nodes (/nodes), api-cluster-options
(/cluster/options), api-dns (/nodes/{node}/dns), api-hosts (/nodes/{node}/hosts), api-version
(/version, /nodes/{node}/version). corosync, datacenter.cfg and /etc/hosts replies become the file
parsers' models (CorosyncNode, Totem, Datacenter, HostsFile). Shapes in docs/parsers/pve_api.md.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from netdoc.model.base import SourceRef
from netdoc.model.corosync import CorosyncInterface, CorosyncKey, CorosyncLink, CorosyncNode, Totem
from netdoc.model.datacenter import Datacenter
from netdoc.model.pve import (
    ApiCorosyncNodes,
    ApiHosts,
    ApiTotem,
    ClusterResource,
    ClusterResources,
    ClusterStatus,
    ClusterStatusCluster,
    ClusterStatusNode,
    NodeDns,
    NodeIndex,
    NodeIndexEntry,
    PveVersion,
)
from netdoc.model.pveconf import Comment
from netdoc.parsers.hosts import parse_hosts_text
from netdoc.parsers.jsonvalues import Item, as_int, value_text
from netdoc.parsers.pve_api import Warn, config_options, option_text, read_reply
from netdoc.parsers.pvetext import redact

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
    """/cluster/config/nodes: the corosync nodelist, as CorosyncNode (corosync.conf's model)."""
    reply = read_reply(files, path, "api-cluster-nodes", list)
    nodes: list[CorosyncNode] = []
    for index, item in reply.items():
        ref = reply.ref(index)
        # `node` repeats `name` (the API's key for the entry); the file has only `name`
        name = item.text("name") or item.text("node")
        keys = tuple(CorosyncKey(k, v, ref) for k, v in item.props("node"))
        links = sorted((int(m.group(1)), v) for k, v in item.props() if (m := _RING_RE.match(k)) and v)
        node = CorosyncNode(
            name=name,
            nodeid=item.integer("nodeid"),
            quorum_votes=item.integer("quorum_votes"),
            links=tuple(CorosyncLink(number, address, ref) for number, address in links),
            keys=keys,
            source=ref,
        )
        if node.nodeid is None:
            reply.warnings.add(index + 1, f"node '{node.label}' has no nodeid")
        if not node.links:
            reply.warnings.add(index + 1, f"node '{node.label}' has no ringN_addr (no link address)")
        nodes.append(node)
    nodes.sort(key=lambda n: n.label)
    return ApiCorosyncNodes(reply.evidence, tuple(nodes), reply.warnings.freeze())


def parse_api_totem(files: Mapping[str, str], path: str) -> ApiTotem:
    """/cluster/config/totem: the totem hash, as Totem; `interface` is keyed by link number."""
    reply = read_reply(files, path, "api-totem", dict)
    item = Item(reply.data, reply.warnings.at(1))
    ref = reply.ref(0)
    interfaces = _totem_interfaces(item.raw("interface"), ref, reply.warnings.at(1, "interface: "))
    totem = Totem(
        cluster_name=item.text("cluster_name"),
        config_version=item.integer("config_version"),
        version=item.integer("version"),
        ip_version=item.text("ip_version"),
        link_mode=item.text("link_mode"),
        secauth=item.text("secauth"),
        transport=item.text("transport"),
        token_ms=item.integer("token"),
        token_coefficient_ms=item.integer("token_coefficient"),
        interfaces=interfaces,
        keys=tuple(
            CorosyncKey(k, option_text(v), ref) for k, v in sorted(reply.data.items()) if k != "interface"
        ),
        source=ref,
    )
    return ApiTotem(reply.evidence, totem, reply.warnings.freeze())


def _totem_interfaces(raw: Any, ref: SourceRef, warn: Warn) -> tuple[CorosyncInterface, ...]:
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
    out: list[CorosyncInterface] = []
    for key, block in blocks:
        if not isinstance(block, dict):
            warn(f"{key}: not an object; skipped")
            continue
        it = Item(block, warn)
        linknumber, ringnumber = it.integer("linknumber"), it.integer("ringnumber")
        number = linknumber if linknumber is not None else ringnumber
        if number is None:
            number = as_int(key)  # the reply's key is the link number
        out.append(
            CorosyncInterface(
                number=number,
                linknumber=linknumber,
                ringnumber=ringnumber,
                bindnetaddr=it.text("bindnetaddr"),
                knet_link_priority=it.integer("knet_link_priority"),
                keys=tuple(CorosyncKey(k, v, ref) for k, v in it.props()),
                source=ref,
            )
        )
    out.sort(key=lambda i: (i.number is None, i.number or 0))
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


def parse_api_cluster_options(files: Mapping[str, str], path: str) -> Datacenter:
    """/cluster/options: datacenter.cfg, as Datacenter (the file's model). The API returns property
    strings such as `migration` as objects; the text form is accepted too. `description` is the
    file's comment lines; secrets (a proxy's password) are redacted as the file parser does."""
    reply = read_reply(files, path, "api-cluster-options", dict)
    item = Item(reply.data, reply.warnings.at(1))
    ref = reply.ref(0)
    migration = _property_string(item.raw("migration"))
    description = item.text("description") or ""
    proxy, _ = redact("http_proxy", item.text("http_proxy"))
    return Datacenter(
        path=reply.evidence,
        migration_type=migration.get("type"),
        migration_network=migration.get("network"),
        mac_prefix=item.text("mac_prefix"),
        keyboard=item.text("keyboard"),
        http_proxy=proxy,
        options=config_options(reply.data, ref, skip=("description",)),
        comments=tuple(Comment(line, ref) for line in description.splitlines()),
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


def parse_api_hosts(files: Mapping[str, str], path: str) -> ApiHosts:
    """/nodes/{node}/hosts: `{data: <raw /etc/hosts>, digest}`, the text parsed as the file is."""
    reply = read_reply(files, path, "api-hosts", dict)
    item = Item(reply.data, reply.warnings.at(1))
    text, digest = item.text("data") or "", item.text("digest")
    hosts = parse_hosts_text(text, f"{reply.evidence}#data")  # lines point into the embedded text
    hosts = dataclasses.replace(hosts, warnings=reply.warnings.freeze() + hosts.warnings)
    return ApiHosts(reply.evidence, reply.node, digest, hosts)


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
