"""Snapshot -> model: the cluster-wide sources, every node (loader_node.py), and the gaps in between.

Every source is optional (a snapshot may hold any subset); a file that cannot be parsed becomes a
`Gap`, never an abort. Where a file and the API say the same thing, the file is read and the API
reply is the fallback (API-only collections). /etc/pve is one file system for the whole cluster:
each of its files is taken from the first node that has it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TypeVar

from netdoc.loader_common import parse_one, warnings_of
from netdoc.loader_node import load_node
from netdoc.model.base import ParseWarning
from netdoc.model.cluster import Cluster, Gap
from netdoc.model.corosync import CorosyncConfig
from netdoc.model.datacenter import Datacenter
from netdoc.model.guest import Guest
from netdoc.model.ha import HaConfig
from netdoc.model.names import natural_key
from netdoc.model.sdn import SdnConfig
from netdoc.model.storage import StorageConfig
from netdoc.parsers.ceph import parse_ceph
from netdoc.parsers.corosync import parse_corosync
from netdoc.parsers.datacenter import parse_datacenter
from netdoc.parsers.guest_config import (
    guest_location,
    parse_lxc_config,
    parse_lxc_config_json,
    parse_qemu_config,
    parse_qemu_config_json,
)
from netdoc.parsers.ha import parse_ha_groups, parse_ha_resources, parse_ha_rules
from netdoc.parsers.pve_api_cluster import (
    parse_api_cluster_nodes,
    parse_api_cluster_options,
    parse_api_cluster_status,
    parse_api_resources,
    parse_api_totem,
)
from netdoc.parsers.pve_api_sdn import (
    parse_api_sdn_controllers,
    parse_api_sdn_subnets,
    parse_api_sdn_vnets,
    parse_api_sdn_zones,
    parse_api_storage,
)
from netdoc.parsers.sdn import parse_sdn_cfg, parse_sdn_running
from netdoc.parsers.storage import parse_storage
from netdoc.snapshot import Snapshot, api_artifact_path

__all__ = ["load_cluster", "load_node", "warnings_of"]

T = TypeVar("T")
Parser = Callable[[Mapping[str, str], str], T]

COROSYNC = "/etc/pve/corosync.conf"
STORAGE = "/etc/pve/storage.cfg"
DATACENTER = "/etc/pve/datacenter.cfg"
CEPH = "/etc/pve/ceph.conf"
SDN_DIR = "/etc/pve/sdn"
SDN_RUNNING = "/etc/pve/sdn/.running-config"
HA_FILES = (
    ("/etc/pve/ha/groups.cfg", parse_ha_groups),
    ("/etc/pve/ha/resources.cfg", parse_ha_resources),
    ("/etc/pve/ha/rules.cfg", parse_ha_rules),
)


class _PveFiles:
    """/etc/pve as one tree: each path from the first node (in name order) that has it."""

    def __init__(self, snap: Snapshot, nodes: list[str]) -> None:
        self.files: dict[str, str] = {}
        self.origin: dict[str, str] = {}
        for name in nodes:
            for path, text in snap.node_files(name, "/etc/pve").items():
                if path not in self.files:
                    self.files[path] = text
                    self.origin[path] = name

    def artifact(self, path: str) -> str:
        node = self.origin.get(path)
        return f"nodes/{node}{path}" if node else path.lstrip("/")

    def parse(self, parser: Parser[T], path: str, gaps: list[Gap]) -> T | None:
        return parse_one(
            parser, self.files.get(path), path, artifact=self.artifact(path), node=None, gaps=gaps
        )

    @property
    def node(self) -> str | None:
        return min(self.origin.values()) if self.origin else None


def _api(
    snap: Snapshot, parser: Parser[T], api_path: str, gaps: list[Gap], node: str | None = None
) -> T | None:
    rel = api_artifact_path(api_path)
    return parse_one(parser, snap.api_text(api_path), rel, artifact=rel, node=node, gaps=gaps)


def load_guests(snap: Snapshot, pve: _PveFiles, gaps: list[Gap]) -> tuple[Guest, ...]:
    """Every guest config under /etc/pve/nodes/*/{qemu-server,lxc}/*.conf, once each."""
    guests: list[Guest] = []
    for path, text in sorted(pve.files.items()):
        node, kind, vmid = guest_location(path)
        if kind is None or vmid is None or not path.endswith(".conf"):
            continue
        parser = parse_qemu_config if kind == "qemu" else parse_lxc_config
        guest = parse_one(parser, text, path, artifact=pve.artifact(path), node=node, gaps=gaps)
        if guest is not None:
            guests.append(guest)
    if not guests:
        # Without SSH, the per-guest API config replies (the collector's fallback).
        for api_path in snap.api_paths("/nodes"):
            node, kind, vmid = guest_location(api_path)
            if kind is None or vmid is None or not api_path.endswith("/config"):
                continue
            json_parser = parse_qemu_config_json if kind == "qemu" else parse_lxc_config_json
            guest = _api(snap, json_parser, api_path, gaps, node)
            if guest is not None:
                guests.append(guest)
    return tuple(sorted(guests, key=lambda g: (g.vmid or 0, g.node or "")))


def load_corosync(snap: Snapshot, pve: _PveFiles, gaps: list[Gap]) -> CorosyncConfig | None:
    """corosync.conf; without it, the API's nodelist and totem in the same model."""
    if COROSYNC in pve.files:
        return pve.parse(parse_corosync, COROSYNC, gaps)
    nodes = _api(snap, parse_api_cluster_nodes, "/cluster/config/nodes", gaps)
    if nodes is None or not nodes.nodes:
        return None
    totem = _api(snap, parse_api_totem, "/cluster/config/totem", gaps)
    return CorosyncConfig(
        path=nodes.path,
        nodes=nodes.nodes,
        totem=totem.totem if totem is not None else None,
        warnings=nodes.warnings + (totem.warnings if totem is not None else ()),
    )


def load_storage(snap: Snapshot, pve: _PveFiles, gaps: list[Gap]) -> StorageConfig | None:
    if STORAGE in pve.files:
        return pve.parse(parse_storage, STORAGE, gaps)
    api = _api(snap, parse_api_storage, "/storage", gaps)
    return api.config if api is not None else None


def load_datacenter(snap: Snapshot, pve: _PveFiles, gaps: list[Gap]) -> Datacenter | None:
    if DATACENTER in pve.files:
        return pve.parse(parse_datacenter, DATACENTER, gaps)
    return _api(snap, parse_api_cluster_options, "/cluster/options", gaps)


def merge_sdn(parts: list[SdnConfig], path: str, origin: str) -> SdnConfig | None:
    """Several SDN files (zones.cfg, vnets.cfg, ...) or API replies as one SdnConfig."""
    if not parts:
        return None
    return SdnConfig(
        path=path,
        origin=origin,
        zones=tuple(z for p in parts for z in p.zones),
        vnets=tuple(v for p in parts for v in p.vnets),
        subnets=tuple(s for p in parts for s in p.subnets),
        controllers=tuple(c for p in parts for c in p.controllers),
        ipams=tuple(i for p in parts for i in p.ipams),
        dns=tuple(d for p in parts for d in p.dns),
        fabrics=tuple(f for p in parts for f in p.fabrics),
        others=tuple(o for p in parts for o in p.others),
        warnings=tuple(w for p in parts for w in p.warnings),
    )


def load_sdn(snap: Snapshot, pve: _PveFiles, gaps: list[Gap]) -> tuple[SdnConfig | None, SdnConfig | None]:
    """(configured, running): /etc/pve/sdn/*.cfg merged (else the API's replies), and .running-config."""
    parts = []
    for path in sorted(pve.files):
        if path.startswith(SDN_DIR + "/") and path.endswith(".cfg") and path.count("/") == 4:
            parsed = pve.parse(parse_sdn_cfg, path, gaps)
            if parsed is not None:
                parts.append(parsed)
    configured = merge_sdn(parts, SDN_DIR, "files")
    if configured is None:
        api_parts = [
            api.config
            for p, parser in (
                ("/cluster/sdn/zones", parse_api_sdn_zones),
                ("/cluster/sdn/vnets", parse_api_sdn_vnets),
                ("/cluster/sdn/controllers", parse_api_sdn_controllers),
            )
            if (api := _api(snap, parser, p, gaps)) is not None
        ]
        for api_path in snap.api_paths("/cluster/sdn/vnets"):
            if api_path.endswith("/subnets"):
                api = _api(snap, parse_api_sdn_subnets, api_path, gaps)
                if api is not None:
                    api_parts.append(api.config)
        configured = merge_sdn(api_parts, "api:/cluster/sdn", "api")
        if configured is not None and not (configured.zones or configured.vnets):
            configured = None
    running = pve.parse(parse_sdn_running, SDN_RUNNING, gaps)
    return configured, running


def load_ha(pve: _PveFiles, gaps: list[Gap]) -> HaConfig | None:
    """groups.cfg, resources.cfg and rules.cfg as one HaConfig (None when there is none)."""
    parts = [p for path, parser in HA_FILES if (p := pve.parse(parser, path, gaps)) is not None]
    if not parts:
        return None
    return HaConfig(
        path="/etc/pve/ha",
        origin="files",
        groups=tuple(g for p in parts for g in p.groups),
        resources=tuple(r for p in parts for r in p.resources),
        rules=tuple(r for p in parts for r in p.rules),
        warnings=tuple(w for p in parts for w in p.warnings),
    )


def _problem_gap(problem: str) -> Gap:
    """A problem of the snapshot reader ("path: reason") as a gap: `altered` when the file was read
    with some characters replaced (not UTF-8, control characters), `error` when it was not read."""
    where, _, reason = problem.partition(": ")
    status = "altered" if reason.endswith(("replaced", "replaced by U+FFFD")) else "error"
    return Gap(None, where.split(":", 1)[0], status, reason if status == "altered" else problem)


def load_cluster(snap: Snapshot) -> Cluster:
    """Parse every source of a snapshot into one Cluster (the sources layer of the model)."""
    names = sorted(snap.node_names(), key=natural_key)
    gaps = [Gap(None, a.path, a.status, a.error) for a in snap.artifacts_for(None) if a.status != "ok"]
    pve = _PveFiles(snap, names)
    guests = load_guests(snap, pve, gaps)
    corosync = load_corosync(snap, pve, gaps)
    status = _api(snap, parse_api_cluster_status, "/cluster/status", gaps)
    resources = _api(snap, parse_api_resources, "/cluster/resources", gaps)
    storage = load_storage(snap, pve, gaps)
    sdn, sdn_running = load_sdn(snap, pve, gaps)
    datacenter = load_datacenter(snap, pve, gaps)
    ceph = pve.parse(parse_ceph, CEPH, gaps)
    ha = load_ha(pve, gaps)
    online = {n.name: (n.online, n.ip) for n in status.nodes} if status is not None else {}
    nodes = []
    for name in names:
        node = load_node(snap, name, guests)
        if name in online:
            node = replace(node, online=online[name][0], address=online[name][1])
        nodes.append(node)
    gaps += [_problem_gap(p) for p in snap.problems]
    if snap.manifest is None:
        gaps.append(
            Gap(None, "manifest.json", "missing", "no manifest: collection time and outcomes unknown")
        )
    if not nodes:
        gaps.append(Gap(None, "nodes/", "missing", "no node found in the snapshot"))
    warnings: tuple[ParseWarning, ...] = ()
    for source in (corosync, storage, sdn, sdn_running, datacenter, ceph, ha, status, resources):
        warnings += warnings_of(source)
    for guest in guests:
        warnings += warnings_of(guest)
    man = snap.manifest
    return Cluster(
        name=snap.cluster_name,
        nodes=tuple(nodes),
        collected_at=man.finished if man else None,
        netdoc_version=man.netdoc_version if man else None,
        accounts=tuple(sorted(man.accounts.items())) if man else (),
        gaps=tuple(gaps),
        has_manifest=man is not None,
        corosync=corosync,
        storage=storage,
        sdn=sdn,
        sdn_running=sdn_running,
        datacenter=datacenter,
        ceph=ceph,
        ha=ha,
        status=status,
        resources=resources,
        pve_files_node=pve.node,
        warnings=warnings,
    )
