"""Parse lldpd's `lldpctl -f json0 | json | keyvalue` neighbour output into LldpNeighbors; pure, no I/O.

Kinds: `lldp` (detects the format), `lldp-json0`, `lldp-json`, `lldp-keyvalue`. json0 has one
stable shape (every level an array, scalars as [{"value": ...}]); json collapses one-element lists
and keys objects by name (interfaces by ifname, the chassis by SysName), so its shape flips with the
number of neighbours; keyvalue is `lldp.<ifname>.<path>=<value>` lines, where keys of one neighbour
need not be grouped and old lldpd versions continue multi-line values on lines without `=`.
All three are read into one intermediate record, then converted once (see docs/parsers/lldp.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from netdoc.errors import ParseError
from netdoc.model.base import SourceRef
from netdoc.model.lldp import LldpCapability, LldpNeighbor, LldpNeighbors, LldpPpvid, LldpVlan
from netdoc.parsers.jsonvalues import Warnings, as_bool, as_int, entry_text, load_json, value_text

_KV_RE = re.compile(r"^lldp\.(?P<key>[^=\s][^=]*)=(?P<value>.*)$")
_AGE_RE = re.compile(r"^\s*(\d+)\s+days?,\s*(\d+):(\d{2}):(\d{2})\s*$", re.ASCII)
# Second-level keys of the keyvalue format: what follows the interface name (which may hold dots).
_SECTIONS = frozenset(
    {"via", "rid", "age", "chassis", "port", "vlan", "ppvid", "pi", "ttl", "lldp-med", "unknown-tlvs"}
)
_CHASSIS_ATTRS = frozenset({"name", "descr", "ttl", "mgmt-ip", "mgmt-iface"})
_ID_SUBTYPES = frozenset(
    {"chassis", "ifalias", "port", "mac", "ip", "ifname", "local", "agentcid", "unhandled", "unknown"}
)
_PORT_ID_SUBTYPES = _ID_SUBTYPES - {"port", "chassis"}

Warn = Callable[[str], None]


@dataclass
class _Raw:
    """One neighbour as read, before typing: every value still text (or a JSON scalar)."""

    local_port: str
    line: int
    via: Any = None
    rid: Any = None
    age: Any = None
    chassis_name: Any = None
    chassis_id: Any = None
    chassis_id_subtype: Any = None
    chassis_descr: Any = None
    mgmt: list[str] = field(default_factory=list)
    caps: list[tuple[str, Any]] = field(default_factory=list)
    port_id: Any = None
    port_id_subtype: Any = None
    port_descr: Any = None
    ttls: list[Any] = field(default_factory=list)  # port, chassis, interface level: first one wins
    mfs: Any = None
    vlans: list[dict[str, Any]] = field(default_factory=list)
    ppvids: list[dict[str, Any]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # keyvalue: keys set once already

    def finish(self, path: str, warn: Warn) -> LldpNeighbor:
        def num(name: str, value: Any) -> int | None:
            if value is None:
                return None
            result = as_int(value)
            if result is None:
                warn(f"{name}: {value_text(value)[:40]!r} is not a number; ignored")
            return result

        def flag(name: str, value: Any) -> bool | None:
            if value is None:
                return None
            result = as_bool(value)
            if result is None:
                warn(f"{name}: {value_text(value)[:40]!r} is not yes/no; ignored")
            return result

        age = _text(self.age)
        age_s = None
        if age is not None:
            m = _AGE_RE.match(age)
            if m:
                days, hours, minutes, seconds = (int(g) for g in m.groups())
                age_s = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
            else:
                warn(f"age {age!r} is not `N day(s), HH:MM:SS`")
        vlans = tuple(
            LldpVlan(
                vid=num("vlan-id", v.get("vlan-id")),
                name=_text(v.get("value")),
                pvid=bool(flag("pvid", v.get("pvid"))),
            )
            for v in self.vlans
        )
        ttl = next((t for t in self.ttls if t is not None), None)
        return LldpNeighbor(
            local_port=self.local_port,
            via=_text(self.via),
            rid=num("rid", self.rid),
            age=age,
            age_s=age_s,
            chassis_name=_text(self.chassis_name),
            chassis_id=_text(self.chassis_id),
            chassis_id_subtype=_text(self.chassis_id_subtype),
            chassis_descr=_text(self.chassis_descr),
            mgmt_addresses=tuple(dict.fromkeys(self.mgmt)),
            capabilities=tuple(
                LldpCapability(name, bool(flag(f"capability {name}", enabled))) for name, enabled in self.caps
            ),
            port_id=_text(self.port_id),
            port_id_subtype=_text(self.port_id_subtype),
            port_descr=_text(self.port_descr),
            ttl_s=num("ttl", ttl),
            mfs_bytes=num("mfs", self.mfs),
            pvid=next((v.vid for v in vlans if v.pvid), None),
            vlans=vlans,
            ppvids=tuple(
                LldpPpvid(
                    ppvid=num("ppvid", p.get("value")),
                    supported=flag("ppvid supported", p.get("supported")),
                    enabled=flag("ppvid enabled", p.get("enabled")),
                )
                for p in self.ppvids
            ),
            source=SourceRef(path, self.line),
        )


def _text(value: Any) -> str | None:
    return None if value is None else value_text(value, bools="json")


# ------------------------------------------------------------------------------- entry points


def parse_lldp(files: Mapping[str, str], path: str) -> LldpNeighbors:
    """Any lldpctl neighbour output: json0, json or keyvalue, detected from the text."""
    text = entry_text(files, path, "lldp")
    body = text.lstrip("\ufeff").lstrip()
    if body.startswith(("{", "[")):
        return _from_json(load_json(text, path, "lldp"), path, "lldp", None)
    if not body or any(_KV_RE.match(line) for line in body.splitlines()):
        return _from_keyvalue(text, path)
    if body.startswith("<"):
        raise ParseError("XML output is not supported; collect `lldpctl -f json0`", source="lldp", path=path)
    number, first = next((i, ln) for i, ln in enumerate(text.splitlines(), start=1) if ln.strip())
    raise ParseError(
        "not lldpctl json0, json or keyvalue output (plain text is not supported)",
        source="lldp",
        path=path,
        line=number,
        text=first,
    )


def parse_lldp_json0(files: Mapping[str, str], path: str) -> LldpNeighbors:
    return _from_json(
        load_json(entry_text(files, path, "lldp-json0"), path, "lldp-json0"), path, "lldp-json0", "json0"
    )


def parse_lldp_json(files: Mapping[str, str], path: str) -> LldpNeighbors:
    return _from_json(
        load_json(entry_text(files, path, "lldp-json"), path, "lldp-json"), path, "lldp-json", "json"
    )


def parse_lldp_keyvalue(files: Mapping[str, str], path: str) -> LldpNeighbors:
    text = entry_text(files, path, "lldp-keyvalue")
    if text.lstrip("\ufeff").lstrip().startswith(("{", "[")):
        raise ParseError(
            "this is JSON, not keyvalue output; use kind lldp", source="lldp-keyvalue", path=path
        )
    return _from_keyvalue(text, path)


# ------------------------------------------------------------------------------- JSON formats


def _from_json(data: Any, path: str, source: str, want: str | None) -> LldpNeighbors:
    if not isinstance(data, dict) or "lldp" not in data:
        raise ParseError("no top-level `lldp` member (is this `lldpctl -f json0`?)", source=source, path=path)
    top = data["lldp"]
    fmt = "json0" if isinstance(top, list) else "json" if isinstance(top, dict) else None
    if fmt is None:
        raise ParseError("`lldp` is neither an array (json0) nor an object (json)", source=source, path=path)
    if want is not None and fmt != want:
        raise ParseError(
            f"this is `lldpctl -f {fmt}` output, not {want}; parse it as kind lldp or lldp-{fmt}",
            source=source,
            path=path,
        )
    warnings = Warnings(path)
    raws: list[_Raw] = []
    for name, obj in _interfaces(top, fmt, warnings):
        raws.append(_raw_from_json(name, obj, len(raws) + 1, fmt))
    neighbors = tuple(r.finish(path, warnings.at(r.line, f"{r.local_port}: ")) for r in raws)
    return LldpNeighbors(path, fmt, neighbors, warnings.freeze())


def _objects(value: Any) -> list[dict[str, Any]]:
    """The objects of a value that json collapses: a list of objects, or a lone object."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def _scalar(value: Any) -> Any:
    """A scalar from `x`, `{"value": x}`, `[{"value": x}]` or `[x]` (json0 wraps, json collapses)."""
    while True:
        if isinstance(value, list):
            if not value:
                return None
            value = value[0]
        elif isinstance(value, dict):
            if "value" not in value:
                return None
            value = value["value"]
        else:
            return value


def _scalars(value: Any) -> list[Any]:
    items = value if isinstance(value, list) else [value]
    return [s for s in (_scalar(v) for v in items) if s is not None]


def _is_id(obj: dict[str, Any]) -> bool:
    return set(obj) <= {"type", "value"}


def _interfaces(top: Any, fmt: str, warnings: Warnings) -> list[tuple[str, dict[str, Any]]]:
    """Every (local port, neighbour object) pair, in output order."""
    out: list[tuple[str, dict[str, Any]]] = []
    blocks = top if fmt == "json0" else [top]
    for block in _objects(blocks):
        raw = block.get("interface")
        if raw is None:
            continue
        for obj in raw if isinstance(raw, list) else [raw]:
            if not isinstance(obj, dict):
                warnings.add(
                    len(out) + 1, f"interface entry {value_text(obj)[:40]!r} is not an object; skipped"
                )
                continue
            name = _scalar(obj.get("name"))
            if fmt == "json0" or isinstance(name, str):
                if not isinstance(name, str) or not name:
                    warnings.add(len(out) + 1, "interface entry without a name; skipped")
                    continue
                out.append((name, obj))
                continue
            # json: {"eth0": {...}} (one interface, or one element of the list form)
            for key, value in obj.items():
                if isinstance(value, dict):
                    out.append((str(key), value))
                else:
                    warnings.add(len(out) + 1, f"interface {key!r} is not an object; skipped")
    return out


def _raw_from_json(name: str, obj: dict[str, Any], line: int, fmt: str) -> _Raw:
    raw = _Raw(local_port=name, line=line)
    raw.via, raw.rid, raw.age = _scalar(obj.get("via")), _scalar(obj.get("rid")), _scalar(obj.get("age"))
    chassis = _objects(obj.get("chassis"))
    if chassis:
        ch = chassis[0]
        if fmt == "json" and len(ch) == 1:
            key, inner = next(iter(ch.items()))
            if isinstance(inner, dict) and not _is_id(inner):
                ch = dict(inner, name=key)  # the chassis keyed by its SysName
        ids = _objects(ch.get("id"))
        if ids:
            raw.chassis_id, raw.chassis_id_subtype = _scalar(ids[0].get("value")), _scalar(ids[0].get("type"))
        raw.chassis_name = _scalar(ch.get("name"))
        raw.chassis_descr = _scalar(ch.get("descr"))
        raw.mgmt = [value_text(v) for v in _scalars(ch.get("mgmt-ip"))]
        raw.caps = [
            (value_text(_scalar(c.get("type"))), _scalar(c.get("enabled")))
            for c in _objects(ch.get("capability"))
            if _scalar(c.get("type")) is not None
        ]
        raw.ttls.append(_scalar(ch.get("ttl")))
    ports = _objects(obj.get("port"))
    if ports:
        port = ports[0]
        ids = _objects(port.get("id"))
        if ids:
            raw.port_id, raw.port_id_subtype = _scalar(ids[0].get("value")), _scalar(ids[0].get("type"))
        raw.port_descr = _scalar(port.get("descr"))
        raw.mfs = _scalar(port.get("mfs"))
        raw.ttls.insert(0, _scalar(port.get("ttl")))
    for ttl in _objects(obj.get("ttl")):  # "show interfaces": {"ttl": [{"ttl": "120"}]}
        raw.ttls.append(_scalar(ttl.get("ttl", ttl.get("value"))))
    if isinstance(obj.get("ttl"), str | int):
        raw.ttls.append(obj["ttl"])
    raw.vlans = [
        {
            "vlan-id": _scalar(v.get("vlan-id")),
            "pvid": _scalar(v.get("pvid")),
            "value": _scalar(v.get("value")),
        }
        for v in _objects(obj.get("vlan"))
    ]
    raw.ppvids = [
        {k: _scalar(p.get(k)) for k in ("supported", "enabled", "value")} for p in _objects(obj.get("ppvid"))
    ]
    return raw


# ------------------------------------------------------------------------------- keyvalue


def _from_keyvalue(text: str, path: str) -> LldpNeighbors:
    warnings = Warnings(path)
    entries: list[list[Any]] = []  # [key, value, line]
    continuing = False
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        m = _KV_RE.match(line)
        if m:
            entries.append([m["key"], m["value"], number])
            continuing = True
        elif not line.strip():
            continuing = False
        elif continuing and entries:
            entries[-1][1] += "\n" + line  # an old lldpd's multi-line value (SysDescr)
        else:
            warnings.add(number, "not a `lldp.<interface>.<key>=<value>` line; ignored", line)
    current: dict[str, _Raw] = {}
    raws: list[_Raw] = []
    for key, value, number in entries:
        parts = key.split(".")
        cut = next((i for i in range(1, len(parts)) if parts[i] in _SECTIONS), None)
        if cut is None:
            if len(parts) < 2:
                warnings.add(number, f"key lldp.{key} names no attribute; ignored")
            continue  # an attribute netdoc does not model (dot3 power, ...)
        port, rest = ".".join(parts[:cut]), parts[cut:]
        raw = current.get(port)
        if raw is None or (rest[0] in ("via", "rid") and rest[0] in raw.seen):
            raw = _Raw(local_port=port, line=number)  # a (further) neighbour on this port
            current[port] = raw
            raws.append(raw)
        _kv_set(raw, rest, value, warnings.at(number, f"{port}: "))
    neighbors = tuple(r.finish(path, warnings.at(r.line, f"{r.local_port}: ")) for r in raws)
    return LldpNeighbors(path, "keyvalue", neighbors, warnings.freeze())


def _group(groups: list[dict[str, Any]], key: str, value: str) -> None:
    """Repeated VLAN/PPVID groups: a key already set in the last group starts a new group."""
    if not groups or key in groups[-1]:
        groups.append({})
    groups[-1][key] = value


def _kv_set(raw: _Raw, rest: list[str], value: str, warn: Warn) -> None:
    head, tail = rest[0], rest[1:]
    scalar_key = ".".join(rest)
    if not tail and head in ("via", "rid", "age"):
        if head in raw.seen:
            warn(f"{head} given twice; the first value is kept")
            return
        setattr(raw, head, value)
    elif head == "chassis" and len(tail) == 1:
        attr = tail[0]
        if attr == "mgmt-ip":
            raw.mgmt.append(value)
        elif attr == "mgmt-iface":
            pass
        elif attr in _CHASSIS_ATTRS:
            if scalar_key in raw.seen:
                if _field(raw, attr) != value:
                    warn(f"chassis.{attr} given twice with different values; the first is kept")
                return
            if attr == "ttl":
                raw.ttls.append(value)
            else:
                setattr(raw, {"name": "chassis_name", "descr": "chassis_descr"}[attr], value)
        elif attr in _ID_SUBTYPES and raw.chassis_id is None:
            raw.chassis_id, raw.chassis_id_subtype = value, attr
    elif head == "chassis" and len(tail) == 2 and tail[1] == "enabled":
        raw.caps.append((tail[0], value))
    elif head == "port" and len(tail) == 1:
        attr = tail[0]
        if attr == "descr" and raw.port_descr is None:
            raw.port_descr = value
        elif attr == "ttl":
            raw.ttls.insert(0, value)
        elif attr == "mfs":
            raw.mfs = value
        elif attr in _PORT_ID_SUBTYPES and raw.port_id is None:
            raw.port_id, raw.port_id_subtype = value, attr
    elif head == "vlan" and (not tail or tail[0] in ("vlan-id", "pvid")):
        _group(raw.vlans, tail[0] if tail else "value", value)
    elif head == "ppvid" and (not tail or tail[0] in ("supported", "enabled")):
        _group(raw.ppvids, tail[0] if tail else "value", value)
    elif head == "ttl":
        raw.ttls.append(value)
    raw.seen.add(scalar_key)


def _field(raw: _Raw, attr: str) -> Any:
    if attr == "ttl":
        return raw.ttls[-1] if raw.ttls else None
    return raw.chassis_name if attr == "name" else raw.chassis_descr
