"""Parse Proxmox API replies for SDN and storage definitions (section-config mirrors); pure, no I/O.

Kinds: api-sdn-zones (/cluster/sdn/zones), api-sdn-vnets (/cluster/sdn/vnets), api-sdn-subnets
(/cluster/sdn/vnets/{vnet}/subnets), api-sdn-controllers (/cluster/sdn/controllers) and api-storage
(/storage). Each item keeps every key verbatim in `properties`, named as in the .cfg files.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from netdoc.model.pve_sdn import (
    DhcpRange,
    SdnController,
    SdnControllers,
    SdnSubnet,
    SdnSubnets,
    SdnVnet,
    SdnVnets,
    SdnZone,
    SdnZones,
    StorageConfig,
    StorageEntry,
)
from netdoc.parsers.jsonvalues import Item, value_text
from netdoc.parsers.pve_api import ApiReply, Warn, read_reply

# Keys that say something about the section rather than being a `key value` line of it.
_SECTION_META = ("type", "digest", "state", "pending")
_SUBNET_ID_RE = re.compile(r"^(?P<zone>[^-]+)-(?P<net>.+)-(?P<mask>\d{1,3})$", re.ASCII)
_VNET_PATH_RE = re.compile(r"^/cluster/sdn/vnets/([^/]+)/subnets$")


def _pending(item: Item) -> tuple[tuple[str, str], ...]:
    value = item.raw("pending")
    if value is None:
        return ()
    if not isinstance(value, dict):
        item.warn(f"pending: expected an object, got {value_text(value)[:40]!r}; ignored")
        return ()
    return tuple((str(k), value_text(v)) for k, v in sorted(value.items(), key=lambda kv: str(kv[0])))


def _named_items(reply: ApiReply, key: str) -> list[tuple[int, Item, str]]:
    out = []
    for index, item in reply.items():
        name = item.text(key)
        if not name:
            reply.warnings.add(index + 1, f"an item without `{key}`; skipped")
            continue
        out.append((index, item, name))
    return out


def parse_api_sdn_zones(files: Mapping[str, str], path: str) -> SdnZones:
    reply = read_reply(files, path, "api-sdn-zones", list)
    zones = []
    for index, item, name in _named_items(reply, "zone"):
        zones.append(
            SdnZone(
                zone=name,
                type=item.text("type"),
                bridge=item.text("bridge"),
                tag=item.integer("tag"),
                vlan_protocol=item.text("vlan-protocol"),
                peers=item.words("peers"),
                fabric=item.text("fabric"),
                mtu=item.integer("mtu"),
                controller=item.text("controller"),
                vrf_vxlan=item.integer("vrf-vxlan"),
                vxlan_port=item.integer("vxlan-port"),
                exitnodes=item.words("exitnodes"),
                mac=item.text("mac"),
                ipam=item.text("ipam"),
                dhcp=item.text("dhcp"),
                dns=item.text("dns"),
                reversedns=item.text("reversedns"),
                dnszone=item.text("dnszone"),
                nodes=item.words("nodes"),
                state=item.text("state"),
                pending=_pending(item),
                digest=item.text("digest"),
                properties=item.props("zone", *_SECTION_META),
                source=reply.ref(index),
            )
        )
    zones.sort(key=lambda z: z.zone)
    return SdnZones(reply.evidence, tuple(zones), reply.warnings.freeze())


def parse_api_sdn_vnets(files: Mapping[str, str], path: str) -> SdnVnets:
    reply = read_reply(files, path, "api-sdn-vnets", list)
    vnets = []
    for index, item, name in _named_items(reply, "vnet"):
        vnets.append(
            SdnVnet(
                vnet=name,
                zone=item.text("zone"),
                type=item.text("type"),
                tag=item.integer("tag"),
                alias=item.text("alias"),
                vlanaware=item.flag("vlanaware"),
                isolate_ports=item.flag("isolate-ports"),
                state=item.text("state"),
                pending=_pending(item),
                digest=item.text("digest"),
                properties=item.props("vnet", *_SECTION_META),
                source=reply.ref(index),
            )
        )
    vnets.sort(key=lambda v: v.vnet)
    return SdnVnets(reply.evidence, tuple(vnets), reply.warnings.freeze())


def parse_api_sdn_subnets(files: Mapping[str, str], path: str) -> SdnSubnets:
    """/cluster/sdn/vnets/{vnet}/subnets (the API has no cluster-wide subnet list)."""
    reply = read_reply(files, path, "api-sdn-subnets", list)
    m = _VNET_PATH_RE.match(reply.api_path or "")
    path_vnet = m.group(1) if m else None
    subnets = []
    for index, item in reply.items():
        sid = item.text("subnet") or item.text("id")
        if not sid:
            reply.warnings.add(index + 1, "an item without `subnet` or `id`; skipped")
            continue
        warn = reply.warnings.at(index + 1, f"{sid}: ")
        cidr, network, mask = item.text("cidr"), item.text("network"), item.integer("mask")
        derived = _subnet_from_id(sid)
        id_match = _SUBNET_ID_RE.match(sid)
        if cidr is None and derived is not None:
            cidr = str(derived)
        if cidr is not None:
            try:
                net = ipaddress.ip_network(cidr, strict=False)
                network = network or str(net.network_address)
                mask = mask if mask is not None else net.prefixlen
            except ValueError:
                warn(f"cidr {cidr!r} is not a network; kept as text")
        subnets.append(
            SdnSubnet(
                subnet=sid,
                cidr=cidr,
                network=network,
                mask=mask,
                zone=item.text("zone") or (id_match["zone"] if id_match else None),
                vnet=item.text("vnet") or path_vnet,
                type=item.text("type"),
                gateway=item.text("gateway"),
                snat=item.flag("snat"),
                dhcp_ranges=_dhcp_ranges(item.raw("dhcp-range"), warn),
                dhcp_dns_server=item.text("dhcp-dns-server"),
                dnszoneprefix=item.text("dnszoneprefix"),
                state=item.text("state"),
                pending=_pending(item),
                digest=item.text("digest"),
                properties=item.props("subnet", "id", *_SECTION_META),
                source=reply.ref(index),
            )
        )
    subnets.sort(key=lambda s: s.subnet)
    return SdnSubnets(reply.evidence, path_vnet, tuple(subnets), reply.warnings.freeze())


def _subnet_from_id(sid: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """`zone1-192.0.2.0-24` -> 192.0.2.0/24 (the id Proxmox gives every subnet)."""
    m = _SUBNET_ID_RE.match(sid)
    if not m:
        return None
    try:
        return ipaddress.ip_network(f"{m['net']}/{m['mask']}", strict=False)
    except ValueError:
        return None


def _dhcp_ranges(raw: Any, warn: Warn) -> tuple[DhcpRange, ...]:
    """[{start-address, end-address}] (API) or ["start-address=..,end-address=.."] (file form)."""
    if raw is None:
        return ()
    entries = raw if isinstance(raw, list) else [raw]
    out = []
    for entry in entries:
        fields: dict[str, str] = {}
        if isinstance(entry, dict):
            fields = {str(k): value_text(v) for k, v in entry.items()}
        elif isinstance(entry, str):
            for part in entry.split(","):
                key, _, value = part.partition("=")
                fields[key.strip()] = value.strip()
        start, end = fields.get("start-address"), fields.get("end-address")
        if start and end:
            out.append(DhcpRange(start, end))
        else:
            warn(f"dhcp-range entry {value_text(entry)[:60]!r} lacks start-address or end-address; ignored")
    return tuple(out)


def parse_api_sdn_controllers(files: Mapping[str, str], path: str) -> SdnControllers:
    reply = read_reply(files, path, "api-sdn-controllers", list)
    out = []
    for index, item, name in _named_items(reply, "controller"):
        out.append(
            SdnController(
                controller=name,
                type=item.text("type"),
                asn=item.integer("asn"),
                peers=item.words("peers"),
                ebgp=item.flag("ebgp"),
                ebgp_multihop=item.integer("ebgp-multihop"),
                loopback=item.text("loopback"),
                node=item.text("node"),
                isis_domain=item.text("isis-domain"),
                isis_ifaces=item.words("isis-ifaces"),
                isis_net=item.text("isis-net"),
                fabric=item.text("fabric"),
                state=item.text("state"),
                pending=_pending(item),
                digest=item.text("digest"),
                properties=item.props("controller", *_SECTION_META),
                source=reply.ref(index),
            )
        )
    out.sort(key=lambda c: c.controller)
    return SdnControllers(reply.evidence, tuple(out), reply.warnings.freeze())


def parse_api_storage(files: Mapping[str, str], path: str) -> StorageConfig:
    """/storage: the full section of every storage (secrets are never part of it)."""
    reply = read_reply(files, path, "api-storage", list)
    out = []
    for index, item, name in _named_items(reply, "storage"):
        out.append(
            StorageEntry(
                storage=name,
                type=item.text("type"),
                content=item.words("content"),
                nodes=item.words("nodes"),
                shared=item.flag("shared"),
                disabled=item.flag("disable"),
                path=item.text("path"),
                server=item.text("server"),
                export=item.text("export"),
                share=item.text("share"),
                portal=item.text("portal"),
                target=item.text("target"),
                iscsiprovider=item.text("iscsiprovider"),
                monhost=item.words("monhost"),
                pool=item.text("pool"),
                datastore=item.text("datastore"),
                fingerprint=item.text("fingerprint"),
                vgname=item.text("vgname"),
                thinpool=item.text("thinpool"),
                digest=item.text("digest"),
                properties=item.props("storage", "type", "digest"),
                source=reply.ref(index),
            )
        )
    out.sort(key=lambda s: s.storage)
    return StorageConfig(reply.evidence, tuple(out), reply.warnings.freeze())
