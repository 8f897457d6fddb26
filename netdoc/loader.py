"""Snapshot -> parsed model: which file of a snapshot feeds which parser, and the gaps in between.

Every source is optional (a snapshot may hold any subset); a file that cannot be parsed becomes a
`Gap` of its node, never an abort. Configured and runtime state are loaded side by side.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TypeVar

from netdoc.errors import NetdocError
from netdoc.model.base import ParseWarning
from netdoc.model.bonding import BondStatus
from netdoc.model.cluster import Cluster, Gap, Node
from netdoc.model.corosync import CorosyncConfig
from netdoc.model.guest import Guest
from netdoc.model.interfaces import InterfacesConfig
from netdoc.model.ovs import OvsTopology
from netdoc.parsers.bonding import parse_bonding
from netdoc.parsers.corosync import parse_corosync
from netdoc.parsers.guest_config import (
    guest_location,
    parse_lxc_config,
    parse_lxc_config_json,
    parse_qemu_config,
    parse_qemu_config_json,
)
from netdoc.parsers.ifupdown import parse_interfaces
from netdoc.parsers.ovs import parse_ovs_json, parse_ovs_show
from netdoc.parsers.pve_api import parse_api_network
from netdoc.parsers.pve_api_cluster import parse_api_cluster_status
from netdoc.snapshot import Snapshot, api_artifact_path, command_path, node_file_path

log = logging.getLogger(__name__)

INTERFACES = "/etc/network/interfaces"
INTERFACES_NEW = "/etc/network/interfaces.new"
BONDING_DIR = "/proc/net/bonding"
COROSYNC = "/etc/pve/corosync.conf"
OVS_SHOW = "ovs-vsctl-show.txt"
OVS_JSON = "ovs-vsctl-list-bridge.json"

T = TypeVar("T")


def warnings_of(model: object) -> tuple[ParseWarning, ...]:
    """Every parse result carries its warnings in a `warnings` field (the parsers' convention)."""
    found = getattr(model, "warnings", ())
    return tuple(w for w in found if isinstance(w, ParseWarning))


def _parse(
    parser: Callable[[Mapping[str, str], str], T],
    files: Mapping[str, str],
    path: str,
    *,
    artifact: str,
    node: str | None,
    gaps: list[Gap],
) -> T | None:
    """Run one parser; a parse failure or a parser bug becomes a gap, not an abort."""
    try:
        return parser(files, path)
    except NetdocError as exc:
        gaps.append(Gap(node, artifact, "unparsed", exc.one_line()))
    except Exception as exc:  # a parser bug must not cost the other sources their pages
        log.exception("parser failed on %s", artifact)
        gaps.append(Gap(node, artifact, "error", f"internal error in netdoc: {exc!r}"))
    return None


def _load_ovs(snap: Snapshot, name: str, gaps: list[Gap]) -> OvsTopology | None:
    """Prefer the database's JSON lists (they hold vlan_mode, bond_mode, lacp); else `show`."""
    base = f"nodes/{name}/commands/"
    json_files = {
        f"{base}{f}": text
        for f in snap.command_names(name)
        if f.startswith("ovs-vsctl-list-")
        and f.endswith(".json")
        and (text := snap.command(name, f)) is not None
    }
    if f"{base}{OVS_JSON}" in json_files:
        db = _parse(
            parse_ovs_json,
            json_files,
            f"{base}{OVS_JSON}",
            artifact=f"{base}{OVS_JSON}",
            node=name,
            gaps=gaps,
        )
        if db is not None:
            return db.topology
    show = snap.command(name, OVS_SHOW)
    if show is None:
        return None
    path = command_path(name, OVS_SHOW)
    return _parse(parse_ovs_show, {path: show}, path, artifact=path, node=name, gaps=gaps)


def _api_interfaces(snap: Snapshot, name: str, gaps: list[Gap]) -> InterfacesConfig | None:
    rel = api_artifact_path(f"/nodes/{name}/network")
    text = snap.api_text(f"/nodes/{name}/network")
    if text is None:
        return None
    api = _parse(parse_api_network, {rel: text}, rel, artifact=rel, node=name, gaps=gaps)
    return api.config if api is not None else None


def _online(snap: Snapshot) -> dict[str, tuple[bool, str | None]]:
    """Node -> (online, address) from /cluster/status, when the snapshot has it."""
    rel = api_artifact_path("/cluster/status")
    text = snap.api_text("/cluster/status")
    if text is None:
        return {}
    status = _parse(parse_api_cluster_status, {rel: text}, rel, artifact=rel, node=None, gaps=[])
    return {n.name: (n.online, n.ip) for n in status.nodes} if status is not None else {}


def load_node(snap: Snapshot, name: str, guests: tuple[Guest, ...] = ()) -> Node:
    """Everything a snapshot says about one node."""
    gaps: list[Gap] = [
        Gap(node=name, artifact=a.path, status=a.status, message=a.error)
        for a in snap.artifacts_for(name)
        if a.status != "ok"
    ]
    files = snap.node_files(name, "/etc/network")
    interfaces: InterfacesConfig | None = None
    pending: InterfacesConfig | None = None
    ifaces_artifact = node_file_path(name, INTERFACES)
    if INTERFACES in files:
        interfaces = _parse(
            parse_interfaces, files, INTERFACES, artifact=ifaces_artifact, node=name, gaps=gaps
        )
    else:
        # Without the file (API-only collection), the API's view of the same configuration.
        interfaces = _api_interfaces(snap, name, gaps)
        if interfaces is None and not any(g.artifact == ifaces_artifact for g in gaps):
            gaps.append(Gap(name, ifaces_artifact, "missing", "not in the snapshot"))
    if INTERFACES_NEW in files:
        pending_artifact = node_file_path(name, INTERFACES_NEW)
        pending = _parse(
            parse_interfaces, files, INTERFACES_NEW, artifact=pending_artifact, node=name, gaps=gaps
        )

    bonds: list[BondStatus] = []
    for path, text in sorted(snap.node_files(name, BONDING_DIR).items()):
        bond = _parse(
            parse_bonding, {path: text}, path, artifact=node_file_path(name, path), node=name, gaps=gaps
        )
        if bond is not None:
            bonds.append(bond)

    ovs = _load_ovs(snap, name, gaps)
    warnings = warnings_of(interfaces) + warnings_of(pending)
    for bond in bonds:
        warnings += warnings_of(bond)
    warnings += warnings_of(ovs)
    return Node(
        name=name,
        interfaces=interfaces,
        pending_interfaces=pending,
        bonds=tuple(bonds),
        ovs=ovs,
        guests=tuple(g for g in guests if g.node == name),
        gaps=tuple(gaps),
        warnings=warnings,
    )


def _cluster_files(snap: Snapshot, nodes: list[str], under: str) -> dict[str, str]:
    """/etc/pve is one file system for the whole cluster: take each path from the first node having it."""
    merged: dict[str, str] = {}
    for name in nodes:
        for path, text in snap.node_files(name, under).items():
            merged.setdefault(path, text)
    return merged


def load_guests(snap: Snapshot, nodes: list[str], gaps: list[Gap]) -> tuple[Guest, ...]:
    """Every guest config under /etc/pve/nodes/*/{qemu-server,lxc}/*.conf, once each."""
    pve = _cluster_files(snap, nodes, "/etc/pve/nodes")
    guests: list[Guest] = []
    for path, text in sorted(pve.items()):
        node, kind, vmid = guest_location(path)
        if kind is None or vmid is None or not path.endswith(".conf"):
            continue
        parser = parse_qemu_config if kind == "qemu" else parse_lxc_config
        guest = _parse(parser, {path: text}, path, artifact=path, node=node, gaps=gaps)
        if guest is not None:
            guests.append(guest)
    if not guests:
        # Without SSH, the per-guest API config replies (the collector's fallback).
        for api_path in snap.api_paths("/nodes"):
            node, kind, vmid = guest_location(api_path)
            if kind is None or vmid is None or not api_path.endswith("/config"):
                continue
            rel = api_artifact_path(api_path)
            reply = snap.api_text(api_path)
            if reply is None:
                continue
            json_parser = parse_qemu_config_json if kind == "qemu" else parse_lxc_config_json
            guest = _parse(json_parser, {rel: reply}, rel, artifact=rel, node=node, gaps=gaps)
            if guest is not None:
                guests.append(guest)
    return tuple(sorted(guests, key=lambda g: (g.vmid or 0, g.node or "")))


def load_corosync(snap: Snapshot, nodes: list[str], gaps: list[Gap]) -> CorosyncConfig | None:
    files = _cluster_files(snap, nodes, "/etc/pve")
    if COROSYNC not in files:
        return None
    return _parse(
        parse_corosync, {COROSYNC: files[COROSYNC]}, COROSYNC, artifact=COROSYNC, node=None, gaps=gaps
    )


def load_cluster(snap: Snapshot) -> Cluster:
    """Parse every node of a snapshot into one Cluster."""
    names = snap.node_names()
    gaps = [Gap(None, a.path, a.status, a.error) for a in snap.artifacts_for(None) if a.status != "ok"]
    guests = load_guests(snap, names, gaps)
    corosync = load_corosync(snap, names, gaps)
    online = _online(snap)
    nodes = tuple(
        replace(load_node(snap, n, guests), online=online[n][0], address=online[n][1])
        if n in online
        else load_node(snap, n, guests)
        for n in names
    )
    gaps += [Gap(None, p.split(":", 1)[0], "error", p) for p in snap.problems]
    if snap.manifest is None:
        gaps.append(
            Gap(None, "manifest.json", "missing", "no manifest: collection time and outcomes unknown")
        )
    if not nodes:
        gaps.append(Gap(None, "nodes/", "missing", "no node found in the snapshot"))
    man = snap.manifest
    return Cluster(
        name=snap.cluster_name,
        nodes=nodes,
        collected_at=man.finished if man else None,
        netdoc_version=man.netdoc_version if man else None,
        gaps=tuple(gaps),
        has_manifest=man is not None,
        corosync=corosync,
    )
