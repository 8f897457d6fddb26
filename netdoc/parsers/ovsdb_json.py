"""`ovs-vsctl --format=json list <table>` output: {"data": [[cell, ...], ...], "headings": [...]}.

Cells are in the OVSDB wire encoding (RFC 7047): `["uuid", "..."]`, `["named-uuid", "..."]`,
`["set", [atom, ...]]`, `["map", [[key, value], ...]]`, or a bare atom. A set of one element is
written as that bare atom and an empty set as `["set", []]`, so one column can hold either form.
Several objects may follow each other in one file (`ovs-vsctl --format=json list A -- list B`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from netdoc.errors import ParseError
from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.ovs import OvsAtom, OvsdbRow, OvsdbTable, OvsUuid, OvsValue

SOURCE = "ovs-json"


class CellError(ValueError):
    """A cell that is not in the OVSDB wire encoding."""


def _atom(value: Any) -> OvsAtom:
    if isinstance(value, bool | int | float | str):
        return value
    if (
        isinstance(value, list)
        and len(value) == 2
        and value[0] in ("uuid", "named-uuid")
        and isinstance(value[1], str)
    ):
        return OvsUuid(value[1])
    raise CellError(f"not an OVSDB atom: {json.dumps(value)[:60]}")


def _key(atom: OvsAtom) -> str:
    if isinstance(atom, bool):
        return "true" if atom else "false"
    return str(atom)


def decode_cell(value: Any) -> OvsValue:
    """One cell in the wire encoding -> OvsValue (sets as tuples, maps with text keys)."""
    if isinstance(value, list) and len(value) == 2 and value[0] == "set":
        if not isinstance(value[1], list):
            raise CellError("a set must hold a list")
        return tuple(_atom(v) for v in value[1])
    if isinstance(value, list) and len(value) == 2 and value[0] == "map":
        if not isinstance(value[1], list):
            raise CellError("a map must hold a list of pairs")
        out: dict[str, OvsAtom] = {}
        for pair in value[1]:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise CellError("a map entry must be a [key, value] pair")
            out[_key(_atom(pair[0]))] = _atom(pair[1])
        return out
    return _atom(value)


def split_documents(text: str) -> list[tuple[int, Any]]:
    """Every JSON document in `text` with its offset; raises ValueError if one is malformed."""
    decoder = json.JSONDecoder()
    docs: list[tuple[int, Any]] = []
    i = 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return docs
        obj, end = decoder.raw_decode(text, i)
        docs.append((i, obj))
        i = end


def is_table(doc: Any) -> bool:
    return (
        isinstance(doc, dict) and isinstance(doc.get("headings"), list) and isinstance(doc.get("data"), list)
    )


def looks_like_json_tables(text: str) -> bool:
    """Whether a text holds `--format=json list` output (every document a table)."""
    if not text.lstrip().startswith("{"):
        return False
    try:
        docs = split_documents(text)
    except (ValueError, RecursionError):
        return False
    return bool(docs) and all(is_table(d) for _, d in docs)


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def parse_json_tables(
    text: str, path: str, table_hint: str | None, guess: Callable[[tuple[str, ...], str | None], str | None]
) -> tuple[list[OvsdbTable], list[ParseWarning]]:
    """Parse every table of a file; `guess(headings, hint)` names each table.

    Raises ParseError when the text is not JSON or a document is not a table; a bad row or cell
    is a warning (the cell is kept as its JSON text, a short row keeps the cells it has).
    """
    try:
        docs = split_documents(text)
    except (ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        raise ParseError(f"not JSON: {exc}", source=SOURCE, path=path, line=line) from None
    if not docs:
        raise ParseError("empty file", source=SOURCE, path=path)
    warnings: list[ParseWarning] = []
    tables: list[OvsdbTable] = []
    for offset, doc in docs:
        if not is_table(doc):
            raise ParseError(
                'not `ovs-vsctl --format=json list` output (no "headings" and "data")',
                source=SOURCE,
                path=path,
                line=_line_at(text, offset),
            )
        headings = tuple(str(h) for h in doc["headings"])
        hint = table_hint if len(docs) == 1 else None
        rows: list[OvsdbRow] = []
        search_from = offset
        for index, cells in enumerate(doc["data"]):
            raw_row: list[Any] = cells if isinstance(cells, list) else []
            if not isinstance(cells, list):
                warnings.append(ParseWarning(path, _line_at(text, offset), f"row {index + 1}: not a list"))
            if len(raw_row) != len(headings):
                warnings.append(
                    ParseWarning(
                        path,
                        _line_at(text, offset),
                        f"row {index + 1}: {len(raw_row)} cells for {len(headings)} headings",
                    )
                )
            columns: dict[str, OvsValue] = {}
            for heading, cell in zip(headings, raw_row, strict=False):
                try:
                    columns[heading] = decode_cell(cell)
                except CellError as exc:
                    warnings.append(
                        ParseWarning(path, _line_at(text, offset), f"row {index + 1}: {heading}: {exc}")
                    )
                    columns[heading] = json.dumps(cell, sort_keys=True)
            uuid = columns.get("_uuid")
            uuid_text = uuid.uuid if isinstance(uuid, OvsUuid) else None
            source = SourceRef(path, _line_at(text, offset))
            if uuid_text is not None:
                # Rows are printed in order, each starting with its own _uuid: find it for the line.
                at = text.find(f'"{uuid_text}"', search_from)
                if at >= 0:
                    search_from = at + 1
                    source = SourceRef(path, _line_at(text, at))
            rows.append(OvsdbRow(uuid=uuid_text, columns=columns, source=source))
        tables.append(OvsdbTable(guess(headings, hint), path, "json", headings, tuple(rows)))
    return tables, warnings
