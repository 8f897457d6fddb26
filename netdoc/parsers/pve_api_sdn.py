"""Parse Proxmox API replies for SDN and storage definitions into the files' own models; pure, no I/O.

Kinds: api-sdn-zones (/cluster/sdn/zones), api-sdn-vnets (/cluster/sdn/vnets), api-sdn-subnets
(/cluster/sdn/vnets/{vnet}/subnets), api-sdn-controllers (/cluster/sdn/controllers) and api-storage
(/storage). Each item is a section of /etc/pve/sdn/*.cfg or storage.cfg: it becomes the same
SdnZone/SdnVnet/SdnSubnet/SdnController or Storage the file parsers build ("one model, two sources"),
with every key as a ConfigOption (secrets redacted alike); digest, state and pending stay beside it.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.pve import ApiSdn, ApiSectionState, ApiStorage
from netdoc.model.sdn import SdnConfig, SdnController, SdnDhcpRange, SdnSubnet, SdnVnet, SdnZone
from netdoc.model.storage import KNOWN_TYPES, Storage, StorageConfig
from netdoc.parsers.jsonvalues import Item, value_text
from netdoc.parsers.pve_api import ApiReply, Warn, config_options, option_text, read_reply
from netdoc.parsers.pvetext import split_list, split_props
from netdoc.parsers.storage import REQUIRED, host_of

# Keys that describe the object rather than being a `key value` line of its section.
_META = ("type", "digest", "state", "pending")
# Subnet keys the API derives from the id (`<zone>-<network>-<prefixlen>`); the file has none of them.
_SUBNET_DERIVED = ("subnet", "id", "cidr", "network", "mask", "zone")
_SUBNET_ID_RE = re.compile(r"^(?P<zone>[^-]+)-(?P<net>.+)-(?P<mask>\d{1,3})$", re.ASCII)
_VNET_PATH_RE = re.compile(r"^/cluster/sdn/vnets/([^/]+)/subnets$")


def _words(item: Item, key: str) -> tuple[str, ...]:
    value = item.raw(key)
    return split_list(option_text(value)) if value is not None else ()


def _state(item: Item, sid: str, ref: SourceRef) -> ApiSectionState:
    pending: tuple[tuple[str, str], ...] = ()
    raw = item.raw("pending")
    if isinstance(raw, dict):
        pending = tuple((str(k), option_text(v)) for k, v in sorted(raw.items(), key=lambda kv: str(kv[0])))
    elif raw is not None:
        item.warn(f"pending: expected an object, got {value_text(raw)[:40]!r}; ignored")
    return ApiSectionState(sid, item.text("state"), pending, item.text("digest"), ref)


def _objects(reply: ApiReply, key: str) -> list[tuple[int, Item, str, SourceRef]]:
    out = []
    for index, item in reply.items():
        name = item.text(key)
        if not name:
            reply.warnings.add(index + 1, f"an item without `{key}`; skipped")
            continue
        out.append((index, item, name, reply.ref(index)))
    return out


def _sdn(reply: ApiReply, group: str, objects: list[Any], states: list[ApiSectionState]) -> ApiSdn:
    order = sorted(range(len(objects)), key=lambda i: objects[i].id)
    items = tuple(objects[i] for i in order)
    config = SdnConfig(
        path=reply.evidence,
        origin="api",
        zones=items if group == "zones" else (),
        vnets=items if group == "vnets" else (),
        subnets=items if group == "subnets" else (),
        controllers=items if group == "controllers" else (),
        warnings=reply.warnings.freeze(),
    )
    m = _VNET_PATH_RE.match(reply.api_path or "")
    return ApiSdn(reply.evidence, config, tuple(states[i] for i in order), m.group(1) if m else None)


def parse_api_sdn_zones(files: Mapping[str, str], path: str) -> ApiSdn:
    reply = read_reply(files, path, "api-sdn-zones", list)
    zones, states = [], []
    for _, item, name, ref in _objects(reply, "zone"):
        zones.append(
            SdnZone(
                id=name,
                type=item.text("type") or "",
                bridge=item.text("bridge"),
                tag=item.integer("tag"),
                vlan_protocol=item.text("vlan-protocol"),
                peers=_words(item, "peers"),
                controller=item.text("controller"),
                vrf_vxlan=item.integer("vrf-vxlan"),
                exitnodes=_words(item, "exitnodes"),
                mac=item.text("mac"),
                mtu=item.integer("mtu"),
                ipam=item.text("ipam"),
                dns=item.text("dns"),
                dhcp=item.text("dhcp"),
                fabric=item.text("fabric"),
                nodes=_words(item, "nodes"),
                options=config_options(item.data, ref, skip=("zone", *_META)),
                source=ref,
            )
        )
        states.append(_state(item, name, ref))
    return _sdn(reply, "zones", zones, states)


def parse_api_sdn_vnets(files: Mapping[str, str], path: str) -> ApiSdn:
    reply = read_reply(files, path, "api-sdn-vnets", list)
    vnets, states = [], []
    for _, item, name, ref in _objects(reply, "vnet"):
        vnets.append(
            SdnVnet(
                id=name,
                zone=item.text("zone"),
                tag=item.integer("tag"),
                alias=item.text("alias"),
                vlanaware=item.flag("vlanaware"),
                isolate_ports=item.flag("isolate-ports"),
                options=config_options(item.data, ref, skip=("vnet", *_META)),
                source=ref,
            )
        )
        states.append(_state(item, name, ref))
    return _sdn(reply, "vnets", vnets, states)


def parse_api_sdn_subnets(files: Mapping[str, str], path: str) -> ApiSdn:
    """/cluster/sdn/vnets/{vnet}/subnets (the API has no cluster-wide subnet list)."""
    reply = read_reply(files, path, "api-sdn-subnets", list)
    m = _VNET_PATH_RE.match(reply.api_path or "")
    path_vnet = m.group(1) if m else None
    subnets, states = [], []
    for index, item in reply.items():
        sid = item.text("subnet") or item.text("id")
        if not sid:
            reply.warnings.add(index + 1, "an item without `subnet` or `id`; skipped")
            continue
        ref, warn = reply.ref(index), reply.warnings.at(index + 1, f"{sid}: ")
        zone, cidr = _subnet_id(sid)
        if cidr is None:
            cidr = item.text("cidr")
            warn("the id is not `<zone>-<network>-<prefixlen>`")
        options = config_options(item.data, ref, skip=(*_SUBNET_DERIVED, *_META))
        vnet = item.text("vnet")
        if vnet is None and path_vnet is not None:
            vnet = path_vnet  # the file always names the vnet; the per-vnet reply may not
            options = tuple(sorted((*options, config_options({"vnet": vnet}, ref)[0]), key=lambda o: o.key))
        subnets.append(
            SdnSubnet(
                id=sid,
                cidr=cidr,
                zone=zone or item.text("zone"),
                vnet=vnet,
                gateway=item.text("gateway"),
                snat=item.flag("snat"),
                dhcp_ranges=_dhcp_ranges(item.raw("dhcp-range"), warn),
                dhcp_dns_server=item.text("dhcp-dns-server"),
                dnszoneprefix=item.text("dnszoneprefix"),
                options=options,
                source=ref,
            )
        )
        states.append(_state(item, sid, ref))
    return _sdn(reply, "subnets", subnets, states)


def _subnet_id(sid: str) -> tuple[str | None, str | None]:
    """`zone1-192.0.2.0-24` -> ("zone1", "192.0.2.0/24"), the id Proxmox gives every subnet."""
    m = _SUBNET_ID_RE.match(sid)
    if not m:
        return None, None
    try:
        return m["zone"], str(ipaddress.ip_network(f"{m['net']}/{m['mask']}", strict=False))
    except ValueError:
        return None, None


def _dhcp_ranges(raw: Any, warn: Warn) -> tuple[SdnDhcpRange, ...]:
    """[{start-address, end-address}] (API) or ["start-address=..,end-address=.."] (file form)."""
    if raw is None:
        return ()
    out = []
    for entry in raw if isinstance(raw, list) else [raw]:
        fields = dict(split_props(option_text(entry)))
        start, end = fields.get("start-address"), fields.get("end-address")
        if start is None or end is None:
            warn(f"dhcp-range {option_text(entry)[:60]!r} lacks start-address or end-address")
        out.append(SdnDhcpRange(start, end))
    return tuple(out)


def parse_api_sdn_controllers(files: Mapping[str, str], path: str) -> ApiSdn:
    reply = read_reply(files, path, "api-sdn-controllers", list)
    controllers, states = [], []
    for _, item, name, ref in _objects(reply, "controller"):
        controllers.append(
            SdnController(
                id=name,
                type=item.text("type") or "",
                asn=item.integer("asn"),
                peers=_words(item, "peers"),
                node=item.text("node"),
                loopback=item.text("loopback"),
                options=config_options(item.data, ref, skip=("controller", *_META)),
                source=ref,
            )
        )
        states.append(_state(item, name, ref))
    return _sdn(reply, "controllers", controllers, states)


# ------------------------------------------------------------------------------- /storage


def parse_api_storage(files: Mapping[str, str], path: str) -> ApiStorage:
    """/storage: the full section of every storage (secrets are never part of it), as Storage."""
    reply = read_reply(files, path, "api-storage", list)
    storages: list[Storage] = []
    digest: str | None = None
    for index, item, name, ref in _objects(reply, "storage"):
        digest = digest or item.text("digest")
        storages.append(_storage(item, name, ref, reply.warnings.at(index + 1, f"{name}: ")))
    warnings: tuple[ParseWarning, ...] = reply.warnings.freeze()
    config = StorageConfig(
        path=reply.evidence,
        storages=tuple(storages),
        implicit_local=not any(s.id == "local" for s in storages),
        warnings=warnings,
    )
    return ApiStorage(reply.evidence, config, digest)


def _storage(item: Item, name: str, ref: SourceRef, warn: Warn) -> Storage:
    kind = item.text("type") or ""
    if kind not in KNOWN_TYPES:
        warn(f"unknown storage type {kind!r} (kept as written)")
    for key in REQUIRED.get(kind, ()):
        if not item.text(key):
            warn(f"{kind} storage has no '{key}'")
    server, portal = item.text("server"), item.text("portal")
    monhost = _words(item, "monhost")
    remote: list[str] = []
    for endpoint in ([server] if server else []) + ([portal] if portal else []) + list(monhost):
        host = host_of(endpoint)
        if host not in remote:
            remote.append(host)
    return Storage(
        id=name,
        type=kind,
        content=_words(item, "content"),
        nodes=_words(item, "nodes"),
        shared=item.boolean("shared"),
        disabled=item.flag("disable"),
        path=item.text("path"),
        server=server,
        port=item.integer("port"),
        export=item.text("export"),
        share=item.text("share"),
        portal=portal,
        target=item.text("target"),
        iscsiprovider=item.text("iscsiprovider"),
        monhost=monhost,
        pool=item.text("pool"),
        datastore=item.text("datastore"),
        fingerprint=item.text("fingerprint"),
        username=item.text("username"),
        remote_hosts=tuple(remote),
        options=config_options(item.data, ref, skip=("storage", "type", "digest")),
        source=ref,
    )
