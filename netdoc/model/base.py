"""Shared building blocks of every model: source evidence, parse warnings and the JSON form.

Every parsed item keeps the file and line it came from (auditors ask "where does it say so?").
`to_jsonable` gives the one documented JSON shape of any model object, deterministic by construction.
"""

from __future__ import annotations

import dataclasses
import enum
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class SourceRef:
    """Where an item was read: a path (as on the node, or as given) and a 1-based line number."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class ParseWarning:
    """Something a parser skipped or guessed; the rest of the file was still parsed."""

    path: str
    line: int | None
    message: str
    text: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


def to_jsonable(obj: Any) -> Any:
    """Convert a model object into plain JSON types.

    Dataclasses keep their field order, mappings are sorted by key, enums become their value and
    IP objects their text form, so the same model always serialises to the same bytes.
    """
    if isinstance(obj, enum.Enum):  # before str: a StrEnum is a str, but YAML and JSON want its value
        return to_jsonable(obj.value)
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, set | frozenset):
        return sorted((to_jsonable(v) for v in obj), key=repr)
    if isinstance(
        obj,
        ipaddress.IPv4Address
        | ipaddress.IPv6Address
        | ipaddress.IPv4Interface
        | ipaddress.IPv6Interface
        | ipaddress.IPv4Network
        | ipaddress.IPv6Network,
    ):
        return str(obj)
    raise TypeError(f"cannot serialise {type(obj).__name__}")
