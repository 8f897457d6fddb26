"""Parse `ovs-vsctl show` into an `OvsTopology`.

The output nests Manager, Bridge, Controller, Port and Interface rows (4 spaces a level) with
`column: value` lines under each, printed only when not at their default. Rows are recognised by
their keyword and columns by their name, not by indentation, so TAB-indented or de-indented
captures parse the same. Names are quoted before OVS 2.13 when they contain digits, always when
they contain spaces or quotes; both forms give the same name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from netdoc.errors import ParseError
from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.ovs import (
    OvsBridge,
    OvsController,
    OvsInterface,
    OvsPort,
    OvsTopology,
    OvsUuid,
    OvsValue,
    replace_sorted,
)
from netdoc.parsers.ovsdb_text import UUID_RE, ValueSyntaxError, parse_name, parse_value

SOURCE = "ovs-show"

_ROW = re.compile(r"^(?P<table>Manager|Bridge|Controller|Port|Interface)(?:\s+(?P<name>.*))?$")
_COLUMN = re.compile(r"^(?P<column>[a-z_][a-z0-9_]*)\s*:\s*(?P<value>.*)$")
_VSCTL_ERROR = re.compile(r"^ovs-vsctl:\s*(?P<message>.*)$")

BRIDGE_COLUMNS = frozenset({"fail_mode", "datapath_type"})
PORT_COLUMNS = frozenset({"tag", "trunks"})
INTERFACE_COLUMNS = frozenset({"type", "options", "error", "bfd_status"})


def as_text(value: OvsValue) -> str:
    """A scalar value as the string OVSDB stores (show prints a string column's value bare or quoted)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, OvsUuid):
        return value.uuid
    if isinstance(value, tuple):
        return ", ".join(as_text(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={as_text(v)}" for k, v in value.items())
    return str(value)


def text_map(value: OvsValue) -> dict[str, str] | None:
    if isinstance(value, Mapping):
        return {k: as_text(v) for k, v in value.items()}
    if value == ():  # `[]` is how an empty map prints in some captures
        return {}
    return None


def int_set(value: OvsValue) -> tuple[int, ...] | None:
    atoms = value if isinstance(value, tuple) else (value,)
    if all(isinstance(a, int) and not isinstance(a, bool) for a in atoms):
        return tuple(sorted(a for a in atoms if isinstance(a, int)))
    return None


@dataclass
class _Row:
    """A row being read: the model's fields so far."""

    name: str
    line: int
    fields: dict[str, object] = field(default_factory=dict)
    children: list[_Row] = field(default_factory=list)
    controllers: list[_Row] = field(default_factory=list)


class _ShowParser:
    def __init__(self, path: str) -> None:
        self.path = path
        self.warnings: list[ParseWarning] = []
        self.uuid: str | None = None
        self.ovs_version: str | None = None
        self.managers: list[_Row] = []
        self.bridges: list[_Row] = []
        self.bridge: _Row | None = None
        self.port: _Row | None = None
        self.interface: _Row | None = None
        self.connectable: _Row | None = None  # the Manager or Controller an is_connected belongs to
        self.recognised = 0
        self.errors: list[tuple[int, str]] = []  # `ovs-vsctl: ...` lines (stderr captured with stdout)

    def warn(self, line: int, message: str, text: str) -> None:
        self.warnings.append(ParseWarning(self.path, line, message, text))

    def _current_bridge(self, line: int, text: str) -> _Row:
        if self.bridge is None:
            self.warn(line, "row outside any Bridge (partial output?); put in a bridge named ''", text)
            self.bridge = _Row("", line)
            self.bridges.append(self.bridge)
        return self.bridge

    def _current_port(self, line: int, text: str) -> _Row:
        if self.port is None:
            self.warn(line, "Interface outside any Port; put in a port named ''", text)
            self.port = _Row("", line)
            self._current_bridge(line, text).children.append(self.port)
        return self.port

    def feed(self, lineno: int, text: str) -> None:
        line = text.strip()
        if not line:
            return
        if UUID_RE.match(line):
            self.recognised += 1
            if self.uuid is None and not self.bridges and not self.managers:
                self.uuid = line.lower()
            else:
                self.warn(lineno, "a second Open_vSwitch uuid line, ignored", text)
            return
        m_err = _VSCTL_ERROR.match(line)
        if m_err:
            self.errors.append((lineno, m_err["message"]))
            self.warn(lineno, f"ovs-vsctl error in the output: {m_err['message']}", text)
            return
        m_row = _ROW.match(line)
        if m_row:
            self.recognised += 1
            self._row(lineno, text, m_row["table"], m_row["name"] or "")
            return
        m_col = _COLUMN.match(line)
        if m_col:
            self._column(lineno, text, m_col["column"], m_col["value"])
            return
        self.warn(lineno, "unrecognised line, skipped", text)

    def _row(self, lineno: int, text: str, table: str, raw_name: str) -> None:
        name, rest = parse_name(raw_name)
        if rest:
            self.warn(lineno, f"text after the {table} name ignored", text)
        if not name:
            self.warn(lineno, f"{table} without a name", text)
        row = _Row(name, lineno)
        if table == "Manager":
            self.managers.append(row)
            self.connectable = row
        elif table == "Bridge":
            self.bridges.append(row)
            self.bridge, self.port, self.interface, self.connectable = row, None, None, None
        elif table == "Controller":
            self._current_bridge(lineno, text).controllers.append(row)
            self.connectable = row
        elif table == "Port":
            self._current_bridge(lineno, text).children.append(row)
            self.port, self.interface, self.connectable = row, None, None
        else:
            self._current_port(lineno, text).children.append(row)
            self.interface, self.connectable = row, None

    def _column(self, lineno: int, text: str, column: str, raw: str) -> None:
        try:
            value = parse_value(raw)
        except ValueSyntaxError as exc:
            self.warn(lineno, f"{column}: {exc}; line skipped", text)
            return
        self.recognised += 1
        if column == "ovs_version":
            self.ovs_version = as_text(value)
            return
        if column == "is_connected":
            if self.connectable is None:
                self.warn(lineno, "is_connected outside a Manager or Controller, skipped", text)
            else:
                self._set(self.connectable, column, value is True or value == "true", lineno, text)
            return
        if column in BRIDGE_COLUMNS:
            if self.bridge is None:
                self.warn(lineno, f"{column} outside any Bridge, skipped", text)
            else:
                self._set(self.bridge, column, as_text(value), lineno, text)
            return
        if column in PORT_COLUMNS:
            if self.port is None:
                self.warn(lineno, f"{column} outside any Port, skipped", text)
                return
            if column == "tag":
                if isinstance(value, int) and not isinstance(value, bool):
                    self._set(self.port, column, value, lineno, text)
                elif value != ():
                    self.warn(lineno, "tag: not a VLAN number, skipped", text)
                return
            vlans = int_set(value)
            if vlans is None:
                self.warn(lineno, "trunks: not a list of VLAN numbers, skipped", text)
            else:
                self._set(self.port, column, vlans, lineno, text)
            return
        if column in INTERFACE_COLUMNS:
            if self.interface is None:
                self.warn(lineno, f"{column} outside any Interface, skipped", text)
                return
            if column in ("options", "bfd_status"):
                mapping = text_map(value)
                if mapping is None:
                    self.warn(lineno, f"{column}: not a map, skipped", text)
                else:
                    self._set(self.interface, column, mapping, lineno, text)
            else:
                self._set(self.interface, column, as_text(value), lineno, text)
            return
        self.warn(lineno, f"column {column!r} not known in `ovs-vsctl show`, skipped", text)

    def _set(self, row: _Row, column: str, value: object, lineno: int, text: str) -> None:
        if column in row.fields:
            self.warn(lineno, f"repeated {column}; the first value is kept", text)
            return
        row.fields[column] = value

    # ---------------------------------------------------------------------- result

    def _ref(self, line: int) -> SourceRef:
        return SourceRef(self.path, line)

    def _controller(self, row: _Row) -> OvsController:
        return OvsController(
            target=row.name, is_connected=bool(row.fields.get("is_connected")), source=self._ref(row.line)
        )

    def _interface(self, row: _Row) -> OvsInterface:
        f = row.fields
        itype = str(f.get("type") or "system")
        options = f.get("options")
        bfd = f.get("bfd_status")
        error = f.get("error")
        return OvsInterface(
            name=row.name,
            type=itype,
            options=options if isinstance(options, dict) else {},
            error=error if isinstance(error, str) else None,
            bfd_status=bfd if isinstance(bfd, dict) else {},
            source=self._ref(row.line),
        )

    def _port(self, row: _Row) -> OvsPort:
        interfaces = tuple(self._interface(i) for i in row.children)
        tag = row.fields.get("tag")
        trunks = row.fields.get("trunks")
        return OvsPort(
            name=row.name,
            interfaces=interfaces,
            bond=len(interfaces) > 1,
            tag=tag if isinstance(tag, int) else None,
            trunks=trunks if isinstance(trunks, tuple) else (),
            source=self._ref(row.line),
        )

    def _bridge(self, row: _Row) -> OvsBridge:
        fail_mode = row.fields.get("fail_mode")
        datapath_type = row.fields.get("datapath_type")
        return OvsBridge(
            name=row.name,
            ports=tuple(self._port(p) for p in row.children),
            controllers=tuple(self._controller(c) for c in row.controllers),
            fail_mode=fail_mode if isinstance(fail_mode, str) and fail_mode else None,
            datapath_type=datapath_type if isinstance(datapath_type, str) and datapath_type else None,
            source=self._ref(row.line),
        )

    def result(self) -> OvsTopology:
        return replace_sorted(
            OvsTopology(
                origin="show",
                uuid=self.uuid,
                ovs_version=self.ovs_version,
                managers=tuple(self._controller(m) for m in self.managers),
                bridges=tuple(self._bridge(b) for b in self.bridges),
                files=(self.path,),
                warnings=tuple(self.warnings),
            )
        )


def parse_show_text(text: str, path: str) -> OvsTopology:
    """Parse the text of `ovs-vsctl show`; raises ParseError when nothing in it is OVS."""
    parser = _ShowParser(path)
    for lineno, line in enumerate(text.split("\n"), start=1):
        parser.feed(lineno, line.rstrip("\r"))
    if parser.recognised == 0 and parser.errors:
        err_line, message = parser.errors[0]
        raise ParseError(f"ovs-vsctl failed: {message}", source=SOURCE, path=path, line=err_line)
    if parser.recognised == 0:
        first = next((ln for ln in text.split("\n") if ln.strip()), "")
        raise ParseError(
            "not `ovs-vsctl show` output: no bridge, port or uuid line" if first else "empty output",
            source=SOURCE,
            path=path,
            line=1 if first else None,
            text=first,
        )
    return parser.result()
