"""Parse guest configs (qemu-server and lxc) from files, API JSON, or one bulk `tail` output.

Only the top section of a config file is the current state; `[PENDING]` is kept apart and snapshot
sections are named, not parsed. The API's config JSON is a flat key -> string map (note: without
`current=1` the API answers with pending changes already applied). The bulk form is GNU tail's
output for many files (`tail -n +1 -- FILES...`): "==> PATH <==" headers, a blank line between files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from netdoc.errors import ParseError
from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.guest import Guest, GuestConfigs, GuestNic
from netdoc.model.pveconf import ConfigOption
from netdoc.parsers.guest_nic import apply_ipconfig, parse_lxc_net, parse_qemu_net
from netdoc.parsers.jsonvalues import entry_text, load_json
from netdoc.parsers.keyvalue import last_value, read_key_values
from netdoc.parsers.pvetext import json_key_line, parse_bool, redact, split_lines
from netdoc.parsers.tail import split_tail_output

SOURCE = "guest-config"
_SECTION = re.compile(r"\[([^\]]*)\]\s*")
_NET = re.compile(r"net(\d+)")
_IPCONFIG = re.compile(r"ipconfig(\d+)")
_FILE_PATH = re.compile(r"(?:^|/)nodes/([^/]+)/(qemu-server|lxc)/(\d+)\.conf$")
_JSON_PATH = re.compile(r"(?:^|/)nodes/([^/]+)/(qemu|lxc)/(\d+)/config(?:\.json)?$")
_VMID_FILE = re.compile(r"(?:^|/)(\d+)\.conf$")
PENDING = "PENDING"


def guest_location(path: str) -> tuple[str | None, str | None, int | None]:
    """(node, type, vmid) of a config path (/etc/pve/nodes/pve1/qemu-server/100.conf, api/.../config.json)."""
    m = _FILE_PATH.search(path)
    if m:
        return m.group(1), "qemu" if m.group(2) == "qemu-server" else "lxc", int(m.group(3))
    m = _JSON_PATH.search(path)
    if m:
        return m.group(1), m.group(2), int(m.group(3))
    m = _VMID_FILE.search(path)
    kind = "qemu" if "/qemu-server/" in path else "lxc" if "/lxc/" in path else None
    return None, kind, int(m.group(1)) if m else None


def _nics(
    options: list[ConfigOption] | tuple[ConfigOption, ...], guest_type: str, path: str
) -> tuple[tuple[GuestNic, ...], list[ParseWarning]]:
    """NICs from netN options (the last of duplicates counts), with qemu ipconfigN folded in."""
    warnings: list[ParseWarning] = []
    nets: dict[int, ConfigOption] = {}
    ipconfigs: dict[int, ConfigOption] = {}
    for opt in options:
        m = _NET.fullmatch(opt.key)
        if m:
            nets[int(m.group(1))] = opt
        m = _IPCONFIG.fullmatch(opt.key)
        if m:
            ipconfigs[int(m.group(1))] = opt
    nics: dict[int, GuestNic] = {}
    parse = parse_qemu_net if guest_type == "qemu" else parse_lxc_net
    for index in sorted(nets):
        opt = nets[index]
        nic, more = parse(index, opt.value or "", opt.source, path)
        nics[index] = nic
        warnings += more
    for index in sorted(ipconfigs):
        opt = ipconfigs[index]
        line = opt.source.line if opt.source else None
        if guest_type != "qemu":
            warnings.append(
                ParseWarning(path, line, f"{opt.key} is a qemu (cloud-init) key; ignored for lxc")
            )
        elif index not in nics:
            warnings.append(ParseWarning(path, line, f"{opt.key} has no net{index} to apply to"))
        else:
            nics[index], more = apply_ipconfig(nics[index], opt.value or "", opt.source, path)
            warnings += more
    return tuple(nics[i] for i in sorted(nics)), warnings


def _tags(value: str | None) -> tuple[str, ...]:
    return tuple(t for t in re.split(r"[;,\s]+", value or "") if t)


def _guest(
    guest_type: str,
    path: str,
    options: list[ConfigOption] | tuple[ConfigOption, ...],
    warnings: list[ParseWarning],
    **extra: Any,
) -> Guest:
    """The fields every source shares, from the current options."""
    node, path_type, vmid = guest_location(path)
    if path_type is not None and path_type != guest_type:
        warnings.append(ParseWarning(path, None, f"read as {guest_type} but the path says {path_type}"))
    nics, more = _nics(options, guest_type, path)
    name = last_value(options, "name" if guest_type == "qemu" else "hostname")
    template = last_value(options, "template")
    parent = last_value(options, "parent")
    return Guest(
        vmid=vmid,
        type=guest_type,
        node=node,
        name=name.value if name else None,
        tags=_tags(v.value if (v := last_value(options, "tags")) else None),
        template=bool(parse_bool(template.value)) if template else False,
        nics=nics,
        parent=parent.value if parent else None,
        options=tuple(options),
        warnings=tuple(sorted(warnings + more, key=lambda w: w.line or 0)),
        **extra,
    )


def parse_guest_text(text: str, path: str, guest_type: str) -> Guest:
    """A qemu-server or lxc config file; never raises for bad content."""
    sections: list[tuple[str | None, int, list[tuple[int, str]]]] = [(None, 1, [])]
    warnings: list[ParseWarning] = []
    for lineno, line in enumerate(split_lines(text), start=1):
        m = _SECTION.fullmatch(line.strip())
        if m and not line[:1].isspace():
            name = m.group(1).strip()
            if any(s[0] == name for s in sections):
                warnings.append(ParseWarning(path, lineno, f"section [{name}] appears twice"))
            sections.append((name, lineno, []))
            continue
        sections[-1][2].append((lineno, line))
    top = read_key_values(sections[0][2], path)
    warnings += top.warnings
    pending_opts: list[ConfigOption] = []
    pending_nics: tuple[GuestNic, ...] = ()
    pending_delete: tuple[str, ...] = ()
    for name, _, lines in sections[1:]:
        if name != PENDING:
            continue
        block = read_key_values(lines, path)
        warnings += block.warnings
        pending_opts += block.options
        pending_nics, more = _nics(block.options, guest_type, path)
        warnings += more
        delete = last_value(block.options, "delete")
        if delete is not None and delete.value:
            pending_delete = tuple(k.strip().lstrip("!") for k in delete.value.split(",") if k.strip())
    snapshots = tuple(n for n, _, _ in sections[1:] if n and n != PENDING and ":" not in n)
    description = "\n".join(c.text for c in top.comments) if top.comments else None
    return _guest(
        guest_type,
        path,
        top.options,
        warnings,
        description=description,
        pending_nics=pending_nics,
        pending_delete=pending_delete,
        snapshots=snapshots,
        pending_options=tuple(pending_opts),
        origin="file",
        source=SourceRef(path, 1),
    )


def _looks_like_config(data: Mapping[str, Any]) -> bool:
    return any(_NET.fullmatch(k) or k in ("digest", "name", "hostname", "vmgenid", "ostype") for k in data)


def parse_guest_json_text(text: str, path: str, guest_type: str) -> Guest:
    """The API's /nodes/{node}/{qemu,lxc}/{vmid}/config reply (the `data` member, or the whole reply)."""
    data = load_json(text, path, SOURCE)
    if isinstance(data, dict) and isinstance(data.get("data"), dict) and not _looks_like_config(data):
        data = data["data"]
    if not isinstance(data, dict):
        raise ParseError("a guest config reply must be a JSON object", source=SOURCE, path=path)
    warnings: list[ParseWarning] = []
    options: list[ConfigOption] = []
    for key, value in data.items():
        line, _ = json_key_line(text, str(key))
        if value is None:
            continue
        if isinstance(value, bool):
            shown_value = "1" if value else "0"
        elif isinstance(value, str | int | float):
            shown_value = str(value)
        else:
            warnings.append(ParseWarning(path, line, f"'{key}' is not a plain value; kept as JSON"))
            try:
                shown_value = json.dumps(value, sort_keys=True)
            except (RecursionError, ValueError):
                shown_value = "<nested JSON too deep>"
        shown, redacted = redact(str(key), shown_value)
        options.append(ConfigOption(str(key), shown, SourceRef(path, line), redacted))
    description = last_value(options, "description")
    return _guest(
        guest_type,
        path,
        options,
        warnings,
        description=description.value if description else None,
        origin="api",
        source=SourceRef(path, 1),
    )


def parse_guest_bulk_text(text: str, path: str) -> GuestConfigs:
    """Every guest of a cluster from one bulk tail output; the node comes from each file's path."""
    warnings: list[ParseWarning] = []
    guests: list[Guest] = []
    files = split_tail_output(text)
    if "" in files:
        warnings.append(
            ParseWarning(
                path, 1, "output without '==> file <==' headers (tail given one file omits it; use -v)"
            )
        )
    seen: dict[int, str] = {}
    for file_path, body in files.items():
        if not file_path:
            continue
        _, guest_type, vmid = guest_location(file_path)
        if guest_type is None:
            warnings.append(ParseWarning(path, None, f"{file_path}: neither qemu-server nor lxc; skipped"))
            continue
        guest = parse_guest_text(body, file_path, guest_type)
        if vmid is not None and vmid in seen:
            warnings.append(ParseWarning(file_path, None, f"vmid {vmid} is also configured in {seen[vmid]}"))
        if vmid is not None:
            seen.setdefault(vmid, file_path)
        guests.append(guest)
        warnings += guest.warnings
    guests.sort(key=lambda g: (g.vmid is None, g.vmid or 0, g.node or ""))
    return GuestConfigs(
        path=path, guests=tuple(guests), files=tuple(p for p in files if p), warnings=tuple(warnings)
    )


# --------------------------------------------------------------------------------------- kinds


def parse_qemu_config(files: Mapping[str, str], path: str) -> Guest:
    """Kind `qemu-config`: /etc/pve/qemu-server/<vmid>.conf (or `qm config` output)."""
    return parse_guest_text(entry_text(files, path, SOURCE), path, "qemu")


def parse_lxc_config(files: Mapping[str, str], path: str) -> Guest:
    """Kind `lxc-config`: /etc/pve/lxc/<vmid>.conf (or `pct config` output)."""
    return parse_guest_text(entry_text(files, path, SOURCE), path, "lxc")


def parse_qemu_config_json(files: Mapping[str, str], path: str) -> Guest:
    """Kind `qemu-config-json`: api/nodes/<node>/qemu/<vmid>/config.json."""
    return parse_guest_json_text(entry_text(files, path, SOURCE), path, "qemu")


def parse_lxc_config_json(files: Mapping[str, str], path: str) -> Guest:
    """Kind `lxc-config-json`: api/nodes/<node>/lxc/<vmid>/config.json."""
    return parse_guest_json_text(entry_text(files, path, SOURCE), path, "lxc")


def parse_guest_configs_bulk(files: Mapping[str, str], path: str) -> GuestConfigs:
    """Kind `guest-configs-bulk`: `tail -n +1 -- /etc/pve/nodes/*/{qemu-server,lxc}/*.conf` output."""
    return parse_guest_bulk_text(entry_text(files, path, SOURCE), path)
