"""Open vSwitch: the `ovs-show`, `ovs-json` and `ovs-list` kinds, and the topology built from OVSDB tables.

`ovs-vsctl show` is parsed in ovs_show.py; the listed tables (JSON in ovsdb_json.py, plain text in
ovsdb_text.py) are decoded into `OvsdbTable`s, and this module resolves their uuid references
(Open_vSwitch -> Bridge -> Port -> Interface, Controller, Manager, Mirror, sFlow, NetFlow) into the
same `OvsTopology` that `show` gives. The list kinds also read the other listings of the entry's
set (same folder and name but the table word), so `ovs-vsctl-list-bridge.json` brings its ports
and interfaces along; one file may also hold several tables (`list Bridge -- list Port`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import PurePosixPath

from netdoc.errors import ParseError
from netdoc.model.base import ParseWarning
from netdoc.model.ovs import (
    OvsAtom,
    OvsBridge,
    OvsController,
    OvsDatabase,
    OvsdbRow,
    OvsdbTable,
    OvsInterface,
    OvsMirror,
    OvsNetflow,
    OvsPort,
    OvsPortRef,
    OvsSflow,
    OvsTopology,
    OvsUuid,
    OvsValue,
    replace_sorted,
)
from netdoc.parsers.jsonvalues import entry_text
from netdoc.parsers.ovs_show import as_text, parse_show_text
from netdoc.parsers.ovsdb_json import looks_like_json_tables, parse_json_tables
from netdoc.parsers.ovsdb_text import UUID_RE, looks_like_list, parse_list_text

TABLES = (
    "Open_vSwitch",
    "Bridge",
    "Port",
    "Interface",
    "Controller",
    "Manager",
    "Mirror",
    "sFlow",
    "NetFlow",
)

# Columns only one table has, to name a table whose file name does not say (first match wins).
_SIGNATURES: tuple[tuple[str, frozenset[str]], ...] = (
    ("Open_vSwitch", frozenset({"ovs_version", "bridges", "db_version", "manager_options", "cur_cfg"})),
    ("Bridge", frozenset({"ports", "fail_mode", "datapath_id", "stp_enable", "flood_vlans"})),
    ("Port", frozenset({"interfaces", "trunks", "bond_mode", "vlan_mode", "fake_bridge", "tag"})),
    ("Interface", frozenset({"ofport", "ofport_request", "mac_in_use", "link_state", "admin_state"})),
    ("Mirror", frozenset({"select_all", "select_src_port", "select_dst_port", "output_port"})),
    ("sFlow", frozenset({"agent", "sampling", "polling", "header"})),
    ("NetFlow", frozenset({"active_timeout", "add_id_to_interface", "engine_id", "engine_type"})),
    ("Controller", frozenset({"role", "controller_rate_limit", "local_ip", "enable_async_messages"})),
    ("Manager", frozenset({"target", "inactivity_probe", "max_backoff"})),
)
_TABLE_IN_NAME = re.compile(
    r"(?<![a-z])(open_?vswitch|bridge|port|interface|controller|manager|mirror|sflow|netflow)s?(?![a-z])"
)
_TABLE_BY_WORD = {t.lower().replace("_", ""): t for t in TABLES}


def guess_table(headings: Iterable[str], hint: str | None) -> str | None:
    """The table a listing shows: named in the file name (list-port.json, PORT_LIST), else by its columns."""
    if hint:
        m = _TABLE_IN_NAME.search(PurePosixPath(hint).name.lower())
        if m:
            return _TABLE_BY_WORD[m[1].replace("_", "")]
    cols = set(headings)
    for table, signature in _SIGNATURES:
        if cols & signature:
            return table
    return None


# --------------------------------------------------------------------------- typed column access


def _atoms(value: OvsValue | None) -> tuple[OvsAtom, ...]:
    """A set column's members; the wire's bare atom is a one-element set."""
    if value is None or isinstance(value, Mapping):
        return ()
    return value if isinstance(value, tuple) else (value,)


def _opt(value: OvsValue | None) -> OvsAtom | None:
    """An optional column (a set of at most one): its atom, or None when empty."""
    atoms = _atoms(value)
    return atoms[0] if atoms else None


def _str(value: OvsValue | None) -> str | None:
    atom = _opt(value)
    return None if atom is None or atom == "" else as_text(atom)


def _int(value: OvsValue | None) -> int | None:
    atom = _opt(value)
    return atom if isinstance(atom, int) and not isinstance(atom, bool) else None


def _bool(value: OvsValue | None) -> bool | None:
    atom = _opt(value)
    return atom if isinstance(atom, bool) else None


def _ints(value: OvsValue | None) -> tuple[int, ...]:
    return tuple(sorted(a for a in _atoms(value) if isinstance(a, int) and not isinstance(a, bool)))


def _strs(value: OvsValue | None) -> tuple[str, ...]:
    return tuple(as_text(a) for a in _atoms(value))


def _map(value: OvsValue | None) -> dict[str, str]:
    return {k: as_text(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


def _int_map(value: OvsValue | None) -> dict[str, int]:
    if not isinstance(value, Mapping):
        return {}
    return {k: v for k, v in value.items() if isinstance(v, int) and not isinstance(v, bool)}


def _refs(value: OvsValue | None) -> tuple[str, ...]:
    """The uuids a reference column holds (strings that are not uuids, e.g. masked ones, too)."""
    return tuple(a.uuid if isinstance(a, OvsUuid) else str(a) for a in _atoms(value))


# ----------------------------------------------------------------------------------- topology


class _Resolver:
    """Rows of every table by uuid, and the warnings for references that do not resolve."""

    def __init__(self, tables: Iterable[OvsdbTable], warnings: list[ParseWarning]) -> None:
        self.rows: dict[str, dict[str, OvsdbRow]] = {}
        self.unnamed: list[OvsdbTable] = []
        self.warnings = warnings
        self._missing_noted: set[str] = set()
        for table in tables:
            if table.table is None:
                continue
            by_uuid = self.rows.setdefault(table.table, {})
            for n, row in enumerate(table.rows):
                # The same row listed twice is one row; masked uuids (xxxxxxxx-...) are all distinct.
                key = row.uuid if row.uuid and UUID_RE.match(row.uuid) else f"{table.path}#{n}"
                by_uuid.setdefault(key, row)

    def has(self, table: str) -> bool:
        return table in self.rows

    def all(self, table: str) -> list[OvsdbRow]:
        return list(self.rows.get(table, {}).values())

    def get(self, table: str, uuids: Iterable[str], owner: OvsdbRow, column: str) -> list[OvsdbRow]:
        found: list[OvsdbRow] = []
        uuids = list(uuids)
        if not uuids:
            return found
        if table not in self.rows:
            if table not in self._missing_noted and table not in ("Controller", "Manager"):
                self._missing_noted.add(table)
                self._warn(owner, f"{table} table not read: references in {column} left unresolved")
            return found
        for uuid in uuids:
            row = self.rows[table].get(uuid)
            if row is None:
                self._warn(owner, f"{column}: {table} {uuid} not found in the listing")
            else:
                found.append(row)
        return found

    def _warn(self, row: OvsdbRow, message: str) -> None:
        src = row.source
        self.warnings.append(ParseWarning(src.path if src else "", src.line if src else None, message))


def _controller(row: OvsdbRow) -> OvsController:
    c = row.columns
    return OvsController(
        target=_str(c.get("target")),
        is_connected=_bool(c.get("is_connected")),
        role=_str(c.get("role")),
        uuid=row.uuid,
        source=row.source,
    )


def _controllers(res: _Resolver, owner: OvsdbRow, column: str, table: str) -> tuple[OvsController, ...]:
    uuids = _refs(owner.columns.get(column))
    if not res.has(table):  # the fact that there is one is kept, its target is unknown
        return tuple(OvsController(target=None, uuid=u) for u in uuids)
    return tuple(_controller(r) for r in res.get(table, uuids, owner, column))


def _interface(row: OvsdbRow) -> OvsInterface:
    c = row.columns
    return OvsInterface(
        name=_str(c.get("name")) or "",
        type=_str(c.get("type")) or "system",
        options=_map(c.get("options")),
        error=_str(c.get("error")),
        bfd_status=_map(c.get("bfd_status")),
        admin_state=_str(c.get("admin_state")),
        link_state=_str(c.get("link_state")),
        link_speed_bps=_int(c.get("link_speed")),
        duplex=_str(c.get("duplex")),
        mtu=_int(c.get("mtu")),
        mtu_request=_int(c.get("mtu_request")),
        mac=_str(c.get("mac")),
        mac_in_use=_str(c.get("mac_in_use")),
        ofport=_int(c.get("ofport")),
        ofport_request=_int(c.get("ofport_request")),
        ifindex=_int(c.get("ifindex")),
        lacp_current=_bool(c.get("lacp_current")),
        link_resets=_int(c.get("link_resets")),
        statistics=_int_map(c.get("statistics")),
        status=_map(c.get("status")),
        other_config=_map(c.get("other_config")),
        external_ids=_map(c.get("external_ids")),
        uuid=row.uuid,
        source=row.source,
    )


def _port(res: _Resolver, row: OvsdbRow) -> OvsPort:
    c = row.columns
    interfaces = tuple(
        _interface(r) for r in res.get("Interface", _refs(c.get("interfaces")), row, "interfaces")
    )
    return OvsPort(
        name=_str(c.get("name")) or "",
        interfaces=interfaces,
        bond=len(_refs(c.get("interfaces"))) > 1,
        tag=_int(c.get("tag")),
        trunks=_ints(c.get("trunks")),
        vlan_mode=_str(c.get("vlan_mode")),
        bond_mode=_str(c.get("bond_mode")),
        lacp=_str(c.get("lacp")),
        bond_updelay_ms=_int(c.get("bond_updelay")),
        bond_downdelay_ms=_int(c.get("bond_downdelay")),
        bond_active_slave=_str(c.get("bond_active_slave")),
        fake_bridge=_bool(c.get("fake_bridge")),
        cvlans=_ints(c.get("cvlans")),
        mac=_str(c.get("mac")),
        other_config=_map(c.get("other_config")),
        external_ids=_map(c.get("external_ids")),
        status=_map(c.get("status")),
        uuid=row.uuid,
        source=row.source,
    )


def _bridge(res: _Resolver, row: OvsdbRow) -> OvsBridge:
    c = row.columns
    ports = tuple(_port(res, r) for r in res.get("Port", _refs(c.get("ports")), row, "ports"))
    return OvsBridge(
        name=_str(c.get("name")) or "",
        ports=ports,
        controllers=_controllers(res, row, "controller", "Controller"),
        fail_mode=_str(c.get("fail_mode")),
        datapath_type=_str(c.get("datapath_type")),
        datapath_id=_str(c.get("datapath_id")),
        stp_enable=_bool(c.get("stp_enable")),
        rstp_enable=_bool(c.get("rstp_enable")),
        mcast_snooping_enable=_bool(c.get("mcast_snooping_enable")),
        protocols=_strs(c.get("protocols")),
        flood_vlans=_ints(c.get("flood_vlans")),
        other_config=_map(c.get("other_config")),
        external_ids=_map(c.get("external_ids")),
        uuid=row.uuid,
        source=row.source,
    )


def _port_refs(uuids: Iterable[str], port_names: Mapping[str, str]) -> tuple[OvsPortRef, ...]:
    return tuple(OvsPortRef(name=port_names.get(u), uuid=u) for u in uuids)


def _owners(res: _Resolver, column: str) -> dict[str, str]:
    """uuid of a mirror/sflow/netflow row -> the name of the bridge that uses it."""
    owners: dict[str, str] = {}
    for row in res.all("Bridge"):
        for uuid in _refs(row.columns.get(column)):
            owners.setdefault(uuid, _str(row.columns.get("name")) or "")
    return owners


def _extras(res: _Resolver) -> tuple[tuple[OvsMirror, ...], tuple[OvsSflow, ...], tuple[OvsNetflow, ...]]:
    port_names = {r.uuid: _str(r.columns.get("name")) or "" for r in res.all("Port") if r.uuid}
    mirror_owner, sflow_owner, netflow_owner = (
        _owners(res, "mirrors"),
        _owners(res, "sflow"),
        _owners(res, "netflow"),
    )
    mirrors = []
    for row in res.all("Mirror"):
        c = row.columns
        out = _refs(c.get("output_port"))
        mirrors.append(
            OvsMirror(
                name=_str(c.get("name")),
                bridge=mirror_owner.get(row.uuid or ""),
                select_all=bool(_bool(c.get("select_all"))),
                select_src_ports=_port_refs(_refs(c.get("select_src_port")), port_names),
                select_dst_ports=_port_refs(_refs(c.get("select_dst_port")), port_names),
                select_vlans=_ints(c.get("select_vlan")),
                output_port=_port_refs(out, port_names)[0] if out else None,
                output_vlan=_int(c.get("output_vlan")),
                snaplen=_int(c.get("snaplen")),
                statistics=_int_map(c.get("statistics")),
                external_ids=_map(c.get("external_ids")),
                uuid=row.uuid,
                source=row.source,
            )
        )
    sflows = tuple(
        OvsSflow(
            bridge=sflow_owner.get(row.uuid or ""),
            agent=_str(row.columns.get("agent")),
            targets=_strs(row.columns.get("targets")),
            sampling=_int(row.columns.get("sampling")),
            polling_s=_int(row.columns.get("polling")),
            header_bytes=_int(row.columns.get("header")),
            external_ids=_map(row.columns.get("external_ids")),
            uuid=row.uuid,
            source=row.source,
        )
        for row in res.all("sFlow")
    )
    netflows = tuple(
        OvsNetflow(
            bridge=netflow_owner.get(row.uuid or ""),
            targets=_strs(row.columns.get("targets")),
            active_timeout_s=_int(row.columns.get("active_timeout")),
            add_id_to_interface=_bool(row.columns.get("add_id_to_interface")),
            engine_id=_int(row.columns.get("engine_id")),
            engine_type=_int(row.columns.get("engine_type")),
            external_ids=_map(row.columns.get("external_ids")),
            uuid=row.uuid,
            source=row.source,
        )
        for row in res.all("NetFlow")
    )
    return tuple(mirrors), sflows, netflows


def topology_from_tables(
    tables: Iterable[OvsdbTable],
    origin: str,
    files: tuple[str, ...] = (),
    warnings: Iterable[ParseWarning] = (),
) -> OvsTopology:
    """Resolve listed tables into one OvsTopology; references that do not resolve become warnings."""
    notes = list(warnings)
    res = _Resolver(tables, notes)
    switch_rows = res.all("Open_vSwitch")
    if len(switch_rows) > 1:
        res._warn(switch_rows[1], "more than one Open_vSwitch row; the first is used")
    switch = switch_rows[0] if switch_rows else None
    if switch is not None:
        bridge_rows = res.get("Bridge", _refs(switch.columns.get("bridges")), switch, "bridges")
        managers = _controllers(res, switch, "manager_options", "Manager")
    else:
        bridge_rows, managers = res.all("Bridge"), ()
    mirrors, sflows, netflows = _extras(res)
    sc = switch.columns if switch is not None else {}
    topology = OvsTopology(
        origin=origin,
        uuid=switch.uuid if switch is not None else None,
        ovs_version=_str(sc.get("ovs_version")),
        managers=managers,
        bridges=tuple(_bridge(res, r) for r in bridge_rows),
        mirrors=mirrors,
        sflows=sflows,
        netflows=netflows,
        db_version=_str(sc.get("db_version")),
        system_type=_str(sc.get("system_type")),
        system_version=_str(sc.get("system_version")),
        other_config=_map(sc.get("other_config")),
        external_ids=_map(sc.get("external_ids")),
        files=files,
        warnings=tuple(notes),
    )
    return replace_sorted(topology)


# ---------------------------------------------------------------------------------------- kinds


def _listing_key(path: str) -> str | None:
    """A file's path with its table word blanked: listings of one set share it (list-{}.json)."""
    p = PurePosixPath(path)
    m = _TABLE_IN_NAME.search(p.name.lower())
    if m is None:
        return None
    return f"{p.parent}/{p.name[: m.start()].lower()}{{}}{p.name[m.end() :].lower()}"


def _siblings(files: Mapping[str, str], path: str) -> list[str]:
    """The entry, then the other listings of its set: same folder, same name but the table word.

    `ovs-vsctl-list-bridge.json` brings `ovs-vsctl-list-port.json` and `-interface.json` along,
    while `list_bridge_br-data` (one bridge again) or another host's files stay out.
    """
    key = _listing_key(path)
    if key is None:
        return [path]
    return [path, *sorted(p for p in files if p != path and _listing_key(p) == key)]


def _database(
    files: Mapping[str, str],
    path: str,
    origin: str,
    looks: Callable[[str], bool],
    parse_one: Callable[[str, str], tuple[list[OvsdbTable], list[ParseWarning]]],
) -> OvsDatabase:
    entry_text(files, path, origin)
    tables: list[OvsdbTable] = []
    warnings: list[ParseWarning] = []
    read: list[str] = []
    for name in _siblings(files, path):
        if name != path and not looks(files[name]):
            continue
        try:
            found, notes = parse_one(files[name], name)
        except ParseError:
            if name == path:
                raise
            continue  # a sibling that only looked like a listing
        tables += found
        warnings += notes
        read.append(name)
    topology = topology_from_tables(tables, origin, tuple(read), warnings)
    return OvsDatabase(files=tuple(read), tables=tuple(tables), topology=topology)


def _parse_json_file(text: str, path: str) -> tuple[list[OvsdbTable], list[ParseWarning]]:
    return parse_json_tables(text, path, path, guess_table)


def _parse_list_file(text: str, path: str) -> tuple[list[OvsdbTable], list[ParseWarning]]:
    table, warnings = parse_list_text(text, path, None)
    if not table.rows and text.strip():
        raise ParseError(
            "not `ovs-vsctl list` output: no `column : value` line", source="ovs-list", path=path
        )
    # (an empty file is a valid listing: `ovs-vsctl list Manager` with no manager prints nothing)
    named = OvsdbTable(guess_table(table.headings, path), path, "text", table.headings, table.rows)
    return [named], warnings


def parse_ovs_show(files: Mapping[str, str], path: str) -> OvsTopology:
    """The `ovs-show` kind: `ovs-vsctl show` output."""
    return parse_show_text(entry_text(files, path, "ovs-show"), path)


def parse_ovs_json(files: Mapping[str, str], path: str) -> OvsDatabase:
    """The `ovs-json` kind: `ovs-vsctl --format=json list <table>`, plus the listings beside it."""
    return _database(files, path, "ovsdb-json", looks_like_json_tables, _parse_json_file)


def parse_ovs_list(files: Mapping[str, str], path: str) -> OvsDatabase:
    """The `ovs-list` kind: plain `ovs-vsctl list <table>` output, plus the listings beside it."""
    return _database(files, path, "ovsdb-text", looks_like_list, _parse_list_file)
