"""OVSDB values in their text syntax (as `ovs-vsctl show` and `ovs-vsctl list` print them), and the
plain `ovs-vsctl list <table>` format (`column<padding>: value` lines, records split by blank lines).

Quoting follows lib/ovsdb-data.c: a string is printed bare only when it looks like an identifier
(letters, `_`, `-`, `.`, and digits since OVS 2.13); anything else, and `true`, `false`, numbers and
uuid-looking strings, are quoted with C/JSON escapes. So a bare `10` is an integer, `"10"` a string.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.ovs import OvsAtom, OvsdbRow, OvsdbTable, OvsUuid, OvsValue

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_INT_RE = re.compile(r"^-?\d+$")
_FLOAT_RE = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")
_STOP = frozenset(",=]}[{")
_COLUMN_LINE = re.compile(r"^(?P<column>[A-Za-z_][A-Za-z0-9_]*)\s*:(?:\s(?P<value>.*))?$")


class ValueSyntaxError(ValueError):
    """A value that is not in OVSDB text syntax (the caller turns it into a warning)."""


@dataclass(frozen=True)
class Token:
    """One atom as written: its text (unescaped) and whether it was quoted."""

    text: str
    quoted: bool

    def typed(self) -> OvsAtom:
        """The atom's value: quoted is always a string; bare is a boolean, number, uuid or string."""
        if self.quoted:
            return self.text
        t = self.text
        if t in ("true", "false"):
            return t == "true"
        if _INT_RE.match(t):
            return int(t)
        if _FLOAT_RE.match(t):
            return float(t)
        if UUID_RE.match(t):
            return OvsUuid(t.lower())
        return t


def unescape(body: str) -> str:
    """The text of a quoted string's body (without its quotes): JSON escapes, else C-style."""
    try:
        value = json.loads(f'"{body}"')
    except ValueError:
        value = None
    if isinstance(value, str):
        return value
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0

    def ws(self) -> None:
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def expect(self, ch: str) -> None:
        self.ws()
        if self.peek() != ch:
            raise ValueSyntaxError(f"expected {ch!r} at column {self.i + 1}")
        self.i += 1

    def quoted(self) -> Token:
        start = self.i + 1
        i = start
        while i < len(self.s):
            if self.s[i] == "\\":
                i += 2
                continue
            if self.s[i] == '"':
                self.i = i + 1
                return Token(unescape(self.s[start:i]), True)
            i += 1
        raise ValueSyntaxError("unterminated quoted string")

    def atom(self) -> Token:
        self.ws()
        if self.peek() == '"':
            return self.quoted()
        start = self.i
        while self.i < len(self.s) and self.s[self.i] not in _STOP and not self.s[self.i].isspace():
            self.i += 1
        if self.i == start:
            raise ValueSyntaxError(f"expected a value at column {start + 1}")
        return Token(self.s[start : self.i], False)

    def collection(self, close: str, pairs: bool) -> list[tuple[Token, Token | None]]:
        items: list[tuple[Token, Token | None]] = []
        self.i += 1
        self.ws()
        if self.peek() == close:
            self.i += 1
            return items
        while True:
            key = self.atom()
            value = None
            if pairs:
                self.expect("=")
                value = self.atom()
            items.append((key, value))
            self.ws()
            ch = self.peek()
            if ch == ",":
                self.i += 1
                continue
            if ch == close:
                self.i += 1
                return items
            raise ValueSyntaxError(f"expected ',' or {close!r} at column {self.i + 1}")


def parse_tokens(text: str) -> Token | list[Token] | dict[str, Token]:
    """Split one value into tokens: an atom, a set `[a, b]` or a map `{k=v, ...}`.

    A bare value outside brackets runs to the end of the line (published text sometimes
    leaves names with spaces unquoted); it raises ValueSyntaxError on anything else malformed.
    """
    sc = _Scanner(text.strip())
    ch = sc.peek()
    result: Token | list[Token] | dict[str, Token]
    if ch == "{":
        result = {k.text: v for k, v in sc.collection("}", pairs=True) if v is not None}
    elif ch == "[":
        result = [k for k, _ in sc.collection("]", pairs=False)]
    elif ch == '"':
        result = sc.quoted()
    else:
        return Token(sc.s, False)
    sc.ws()
    if sc.i != len(sc.s):
        raise ValueSyntaxError(f"unexpected text after the value at column {sc.i + 1}")
    return result


def parse_value(text: str) -> OvsValue:
    """One value in OVSDB text syntax, typed (see Token.typed); raises ValueSyntaxError."""
    tokens = parse_tokens(text)
    if isinstance(tokens, Token):
        return tokens.typed()
    if isinstance(tokens, list):
        return tuple(t.typed() for t in tokens)
    return {k: v.typed() for k, v in tokens.items()}


def parse_name(text: str) -> tuple[str, str]:
    """A row name as `show` prints it (quoted or bare) and whatever text follows it."""
    sc = _Scanner(text.strip())
    if sc.peek() == '"':
        try:
            token = sc.quoted()
        except ValueSyntaxError:
            return text.strip(), ""
        return token.text, sc.s[sc.i :].strip()
    parts = sc.s.split(None, 1)
    return (parts[0], parts[1].strip() if len(parts) > 1 else "") if parts else ("", "")


# ------------------------------------------------------------------------------------ list text


def looks_like_list(text: str) -> bool:
    """Whether a text is `ovs-vsctl list` output: its first line is `column : value`."""
    for line in text.split("\n"):
        if line.strip():
            return bool(_COLUMN_LINE.match(line.rstrip("\r"))) and " : " in line + " "
    return False


def parse_list_text(text: str, path: str, table: str | None) -> tuple[OvsdbTable, list[ParseWarning]]:
    """Parse plain `ovs-vsctl list <table>` output into rows; bad lines become warnings."""
    warnings: list[ParseWarning] = []
    rows: list[OvsdbRow] = []
    headings: list[str] = []
    current: dict[str, OvsValue] = {}
    start: int | None = None

    def flush() -> None:
        nonlocal current, start
        if current:
            uuid = current.get("_uuid")
            rows.append(
                OvsdbRow(
                    uuid=str(uuid) if uuid is not None and not isinstance(uuid, tuple | dict) else None,
                    columns=current,
                    source=SourceRef(path, start) if start is not None else None,
                )
            )
        current, start = {}, None

    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            flush()
            continue
        m = _COLUMN_LINE.match(line.strip())
        if not m:
            warnings.append(ParseWarning(path, lineno, "not a `column : value` line, skipped", line))
            continue
        column = m["column"]
        if column in current:  # records printed without the blank line between them
            flush()
        if start is None:
            start = lineno
        if column not in headings:
            headings.append(column)
        try:
            current[column] = parse_value(m["value"] or "")
        except ValueSyntaxError as exc:
            warnings.append(ParseWarning(path, lineno, f"{column}: {exc}; kept as text", line))
            current[column] = (m["value"] or "").strip()
    flush()
    return OvsdbTable(table, path, "text", tuple(headings), tuple(rows)), warnings
