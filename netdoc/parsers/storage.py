"""Parse /etc/pve/storage.cfg into StorageConfig: the SectionConfig reader plus storage semantics.

Pulls out what the network documentation needs (server, export, portal, target, monhost, share,
datastore, fingerprint, iscsiprovider, pool, content, nodes, shared, disable) and derives the remote
hosts each storage reaches; every line stays available verbatim in `options`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.pveconf import Section
from netdoc.model.storage import KNOWN_TYPES, Storage, StorageConfig
from netdoc.parsers.jsonvalues import entry_text
from netdoc.parsers.pvetext import parse_bool, parse_int, split_list
from netdoc.parsers.sectionconfig import read_section_config

SOURCE = "storage"

# What a storage of each type cannot work without (Proxmox refuses to add one lacking these).
REQUIRED: dict[str, tuple[str, ...]] = {
    "nfs": ("server", "export"),
    "cifs": ("server", "share"),
    "iscsi": ("portal", "target"),
    "iscsidirect": ("portal", "target"),
    "zfs": ("portal", "target", "pool", "iscsiprovider"),
    "pbs": ("server", "datastore"),
    "glusterfs": ("server", "volume"),
    "dir": ("path",),
    "btrfs": ("path",),
    "lvm": ("vgname",),
    "lvmthin": ("vgname", "thinpool"),
    "zfspool": ("pool",),
}
_ISCSI_PROVIDERS = frozenset({"comstar", "istgt", "iet", "LIO"})


def host_of(endpoint: str) -> str:
    """The host part of `host`, `host:port`, `[v6]:port` or a bare IPv6 address."""
    value = endpoint.strip()
    if value.startswith("["):
        end = value.find("]")
        return value[1:end] if end > 0 else value.strip("[]")
    if value.count(":") == 1:
        host, _, port = value.partition(":")
        if port.isdigit():
            return host
    return value


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?", host))


def _value(section: Section, key: str) -> str | None:
    opt = section.get(key)
    return opt.value if opt is not None else None


def _flag(section: Section, key: str, warnings: list[ParseWarning], path: str) -> bool | None:
    opt = section.get(key)
    if opt is None:
        return None
    value = parse_bool(opt.value)
    if value is None:
        line = opt.source.line if opt.source else None
        warnings.append(ParseWarning(path, line, f"'{key}' should be 0 or 1, got {opt.value!r}"))
    return value


def _storage(section: Section, path: str, warnings: list[ParseWarning]) -> Storage:
    line = section.source.line if section.source else None
    if section.type not in KNOWN_TYPES:
        warnings.append(ParseWarning(path, line, f"unknown storage type '{section.type}' (kept as written)"))
    for key in REQUIRED.get(section.type, ()):
        if section.get(key) is None or not _value(section, key):
            warnings.append(ParseWarning(path, line, f"{section.type} storage '{section.id}' has no '{key}'"))
    provider = _value(section, "iscsiprovider")
    if provider is not None and provider not in _ISCSI_PROVIDERS:
        warnings.append(
            ParseWarning(path, line, f"unknown iscsiprovider '{provider}' (comstar, istgt, iet, LIO)")
        )
    server, portal = _value(section, "server"), _value(section, "portal")
    monhost = split_list(_value(section, "monhost"))
    remote: list[str] = []
    for endpoint in ([server] if server else []) + ([portal] if portal else []) + list(monhost):
        host = host_of(endpoint)
        if not _valid_host(host):
            warnings.append(
                ParseWarning(path, line, f"'{endpoint}' is not an address or host name", endpoint)
            )
        if host not in remote:
            remote.append(host)
    port_text = _value(section, "port")
    port = parse_int(port_text)
    if port_text is not None and port is None:
        warnings.append(ParseWarning(path, line, f"'port' should be a number, got {port_text!r}"))
    return Storage(
        id=section.id,
        type=section.type,
        content=split_list(_value(section, "content")),
        nodes=split_list(_value(section, "nodes")),
        shared=_flag(section, "shared", warnings, path),
        disabled=bool(_flag(section, "disable", warnings, path)),
        path=_value(section, "path"),
        server=server,
        port=port,
        export=_value(section, "export"),
        share=_value(section, "share"),
        portal=portal,
        target=_value(section, "target"),
        iscsiprovider=provider,
        monhost=monhost,
        pool=_value(section, "pool"),
        datastore=_value(section, "datastore"),
        fingerprint=_value(section, "fingerprint"),
        username=_value(section, "username"),
        remote_hosts=tuple(remote),
        options=section.options,
        source=section.source or SourceRef(path, 1),
    )


def parse_storage_text(text: str, path: str) -> StorageConfig:
    """Parse storage.cfg text; never raises (problems are warnings with their lines)."""
    raw = read_section_config(text, path)
    warnings = list(raw.warnings)
    storages = tuple(_storage(s, path, warnings) for s in raw.sections)
    return StorageConfig(
        path=path,
        storages=storages,
        implicit_local=not any(s.id == "local" for s in storages),
        comments=raw.comments,
        warnings=tuple(sorted(warnings, key=lambda w: w.line or 0)),
    )


def parse_storage(files: Mapping[str, str], path: str) -> StorageConfig:
    """Kind `storage`: /etc/pve/storage.cfg."""
    return parse_storage_text(entry_text(files, path, SOURCE), path)
