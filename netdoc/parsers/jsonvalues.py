"""Typed reading of decoded JSON for the JSON parsers (Proxmox API, iproute2, lldpctl).

These sources are loosely typed: numbers arrive as strings (`"mtu": "9000"`), booleans as 1/0,
`"yes"`/`"on"` or `true`, lists as space-separated strings. `Item` reads one JSON object key by key
with the type the model wants; a value that cannot be converted becomes a ParseWarning (the field
stays None) instead of an exception, and the keys read are remembered so that the rest can be kept
verbatim. Pure: no I/O.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from netdoc.errors import ParseError
from netdoc.model.base import ParseWarning

_INT_RE = re.compile(r"^[+-]?\d{1,30}$")
_TRUE = frozenset({"1", "yes", "on", "true"})
_FALSE = frozenset({"0", "no", "off", "false", ""})
_SPLIT = re.compile(r"[\s,;]+")


def load_json(text: str, path: str, source: str) -> Any:
    """Decode JSON text; anything undecodable is a ParseError naming the line."""
    if not isinstance(text, str):
        raise ParseError("input is not text", source=source, path=path)
    body = text.lstrip("\ufeff")
    if not body.strip():
        raise ParseError("empty input (expected JSON)", source=source, path=path)
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        lines = body.splitlines()
        shown = lines[exc.lineno - 1] if 0 < exc.lineno <= len(lines) else ""
        raise ParseError(
            f"invalid JSON: {exc.msg} (column {exc.colno})",
            source=source,
            path=path,
            line=exc.lineno,
            text=shown,
        ) from None
    except RecursionError:
        raise ParseError("invalid JSON: nested too deeply", source=source, path=path) from None
    except ValueError as exc:  # e.g. an integer literal longer than Python's conversion limit
        raise ParseError(f"invalid JSON: {exc}", source=source, path=path) from None


def value_text(value: Any, *, bools: str = "api") -> str:
    """The text form of a JSON value, as it would be written in a config file.

    `bools="api"` renders booleans as 1/0 (Proxmox's convention); `bools="json"` as true/false.
    Lists and objects become compact JSON with sorted keys, so the text is deterministic.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        if bools == "api":
            return "1" if value else "0"
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value is None:
        return ""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return repr(value)


def as_int(value: Any) -> int | None:
    """An integer from an int, an integral float or a decimal string; None when it is not one."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        return None
    if isinstance(value, str) and _INT_RE.match(value.strip()):
        return int(value.strip())
    return None


def as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        result = float(value) if abs(value) < 1e300 else None
        return result if result is not None and math.isfinite(result) else None
    if isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            return None
        return result if math.isfinite(result) else None
    return None


def as_bool(value: Any) -> bool | None:
    """A boolean from true/false, 1/0 (any non-zero integer is true) or yes/no/on/off/1/0 text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
    return None


def split_words(text: str) -> tuple[str, ...]:
    """Split a Proxmox list value: words separated by spaces, commas or semicolons."""
    return tuple(w for w in _SPLIT.split(text) if w)


class Item:
    """One JSON object read key by key, with warnings for values of the wrong type."""

    def __init__(
        self,
        data: Mapping[str, Any],
        warn: Callable[[str], None],
        *,
        bools: str = "api",
    ) -> None:
        self.data = data
        self._warn = warn
        self._bools = bools
        self.used: set[str] = set()

    def warn(self, message: str) -> None:
        self._warn(message)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str) -> Any:
        self.used.add(key)
        return self.data.get(key)

    def _bad(self, key: str, expected: str, value: Any) -> None:
        shown = value_text(value, bools=self._bools)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        self._warn(f"{key}: expected {expected}, got {shown!r}; ignored")

    def text(self, key: str) -> str | None:
        """A scalar as text (numbers and booleans too); lists and objects are warned about."""
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, list | dict):
            self._bad(key, "a single value", value)
            return None
        return value_text(value, bools=self._bools)

    def integer(self, key: str) -> int | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, str) and not value.strip():
            return None
        result = as_int(value)
        if result is None:
            self._bad(key, "an integer", value)
        return result

    def number(self, key: str) -> float | None:
        value = self.raw(key)
        if value is None:
            return None
        result = as_float(value)
        if result is None:
            self._bad(key, "a number", value)
        return result

    def boolean(self, key: str) -> bool | None:
        value = self.raw(key)
        if value is None:
            return None
        result = as_bool(value)
        if result is None:
            self._bad(key, "a boolean (1/0, yes/no, true/false)", value)
        return result

    def flag(self, key: str) -> bool:
        """A boolean that Proxmox leaves out when false: absent means False."""
        return bool(self.boolean(key))

    def words(self, key: str) -> tuple[str, ...]:
        """A list given as text ("eth1 eth2", "a,b") or as a JSON array of scalars."""
        value = self.raw(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return split_words(value)
        if isinstance(value, list) and all(not isinstance(v, list | dict) and v is not None for v in value):
            return tuple(value_text(v, bools=self._bools) for v in value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (value_text(value),)
        self._bad(key, "a list of words", value)
        return ()

    def strings(self, key: str) -> tuple[str, ...]:
        """A JSON array of strings kept as given (a lone string counts as a one-element list)."""
        value = self.raw(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        self._bad(key, "a list of strings", value)
        return ()

    def rest(self, *also_skip: str) -> tuple[tuple[str, str], ...]:
        """Every key not read yet (nor listed), sorted, with its value as text."""
        skip = self.used.union(also_skip)
        return tuple(
            (str(k), value_text(v, bools=self._bools))
            for k, v in sorted(self.data.items(), key=lambda kv: str(kv[0]))
            if k not in skip
        )

    def props(self, *skip: str) -> tuple[tuple[str, str], ...]:
        """Every key (read or not, except `skip`), sorted, value as text: the file-like view."""
        return tuple(
            (str(k), value_text(v, bools=self._bools))
            for k, v in sorted(self.data.items(), key=lambda kv: str(kv[0]))
            if k not in skip
        )


class Warnings:
    """Collects ParseWarning entries for one input path."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[ParseWarning] = []

    def add(self, line: int | None, message: str, text: str = "") -> None:
        self.items.append(ParseWarning(self.path, line, message, text))

    def at(self, line: int | None, prefix: str = "") -> Callable[[str], None]:
        """A callback that records messages at one line (an item index for JSON arrays)."""

        def warn(message: str) -> None:
            self.add(line, f"{prefix}{message}")

        return warn

    def freeze(self) -> tuple[ParseWarning, ...]:
        return tuple(self.items)


def entry_text(files: Mapping[str, str], path: str, source: str) -> str:
    """The text of the entry file, or a ParseError when the caller did not supply it."""
    text = files.get(path)
    if text is None:
        raise ParseError("no such input (file not given to the parser)", source=source, path=path)
    if not isinstance(text, str):
        raise ParseError("input is not text", source=source, path=path)
    return text
