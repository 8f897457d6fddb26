"""Secret-looking values replaced by REDACTED, wherever text leaves a node or a snapshot (pure).

Applied twice, by the same rules (docs/secrets.md): when a collector has read something, before it
touches disk (netdoc/collectors), and when anything reads a snapshot (netdoc/snapshot/reader.py: every
file, API reply, command output and manifest), so that a snapshot assembled by hand publishes no
secret either. netdoc never reads the files that hold secrets (/etc/pve/priv, corosync's authkey,
keys); this is what catches the secrets an admin wrote elsewhere. An option whose name says it is a
secret keeps its name and loses its value:

    name ends with password, passwd, passphrase, secret, psk, token, ticket, authcookie,
      privatekey, presharedkey, apikey, authkey or community      (wpa-psk, PrivateKey, rocommunity)
    name is key, or ends with -key, _key, .key                      (ceph `key =`, sdn dns key)
    name is com2sec                                                 (net-snmp's community line)

Forms: an option line (`    wpa-psk VALUE`, `cipassword: VALUE`, `key = VALUE`, also commented
out: `#wpa-psk VALUE`), an inline `name=VALUE` or `name: VALUE` (`options:psk=VALUE`,
`{psk=VALUE}`), a JSON object key, a JSON string of an interface's `options`/`comments` (taken as
option lines), and an OVS map pair `["psk", "VALUE"]`. Inline and in OVS maps a bare `key` or
`token` is left alone: there it is a tunnel key (VXLAN/GRE `key=flow`) or a timeout, not a secret.
Plain numbers are never secrets (corosync's `token: 3000`). A URL's password
(`http://user:VALUE@proxy`) goes too. The names are reported so that the
manifest can say what was removed. A value already redacted (this marker or an older one) is kept.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

REDACTED = "[redacted]"
# Markers of earlier versions (collector, parsers): a value holding one was redacted already.
OLD_MARKERS = ("**redacted-by-netdoc**", "<redacted>")

_SUFFIXES = (
    "password|passwd|passphrase|secret|psk|token|ticket|authcookie"
    "|privatekey|presharedkey|apikey|authkey|community"
)
_NAME = rf"(?:[A-Za-z0-9_.-]*(?:{_SUFFIXES})|(?:[A-Za-z0-9_.-]*[-_.])?key|com2sec)"
_NAME_RE = re.compile(f"^{_NAME}$", re.IGNORECASE)
# An option line: the name first on its line (after a comment sign, if commented out), then
# blanks, ":" or "=" and the rest of the line.
_LINE = re.compile(
    rf"^(?P<head>[ \t]*(?:[#;][ \t]*)?(?P<name>{_NAME})(?:[ \t]*[:=][ \t]*|[ \t]+))(?P<value>\S.*?)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# Inline `name=value` / `name: value` anywhere else (a value ends at a blank, comma, brace or quote).
_INLINE = re.compile(
    rf"(?P<head>(?<![A-Za-z0-9_.-])(?P<name>{_NAME})[ \t]*[:=][ \t]*)"
    rf"(?P<value>{re.escape(REDACTED)}|\"[^\"\n]*\"|[^\s,;}}\]\"']+)",
    re.IGNORECASE,
)

# Every secret name holds one of these (password, passwd and passphrase all hold "pass"): text
# without any of them has nothing to redact, and is passed by with one scan instead of a parse.
_WORDS = ("pass", "secret", "psk", "token", "key", "ticket", "cookie", "community", "com2sec", "://")
_MAYBE = re.compile("|".join(_WORDS), re.IGNORECASE)
_MAYBE_WORDS = tuple(w.encode() for w in _WORDS)  # the same, for ASCII bytes

# A URL's password: scheme://user:PASSWORD@host (an http_proxy, a PBS or an IPAM URL).
_USERINFO = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^\s/@:\[\]]+:)(?P<value>[^\s/@]+)@", re.IGNORECASE)

_NOT_INLINE = frozenset({"key", "token"})
# JSON members whose strings are lines of an interfaces stanza (the API's network items).
_LINE_MEMBERS = frozenset({"options", "options6", "comments", "comments6"})


def _nothing_secret(data: bytes, *, json_text: bool = False) -> bool:
    """True when no secret name can be in `data` (then it is stored as it is, unparsed)."""
    if json_text and b"\\u" in data:
        return False  # a JSON escape can spell a name (\u0070sk): only the parsed text tells
    if data.isascii():  # lower() and `in` run at C speed: 7x faster than the regex on 260 kB
        low = data.lower()
        return not any(word in low for word in _MAYBE_WORDS)
    # as str: IGNORECASE folds more than ASCII (a Kelvin sign is a K), exactly as _NAME_RE does
    return not _MAYBE.search(data.decode("utf-8", errors="surrogateescape"))


@functools.lru_cache(maxsize=4096)  # the same few JSON keys, thousands of times (1,000 guests)
def is_secret_name(name: str, *, inline: bool = False) -> bool:
    """Does the name say its value is a secret? (`inline`: inside a line or an OVS map.)"""
    if inline and name.lower() in _NOT_INLINE:
        return False
    return bool(_NAME_RE.match(name))


def is_marker(value: str) -> bool:
    """Is this value a redaction marker (this version's or an older one)?"""
    return value == REDACTED or value in OLD_MARKERS


def _kept(value: str) -> bool:
    """Values left alone: already redacted, or a plain number (corosync's `token: 3000` is a timeout)."""
    v = value.strip('"')
    return v == "" or is_marker(v) or value.isdigit()


def redact_text(text: str, *, option_lines: bool = True) -> tuple[str, list[str]]:
    """The text with every secret-looking value replaced; and the names whose value was removed.

    `option_lines`: also treat `name value` at the start of a line as an option (files); off for
    free text such as a JSON string.
    """
    names: list[str] = []
    if not _MAYBE.search(text):
        return text, names

    def line(m: re.Match[str]) -> str:
        if _kept(m.group("value")):
            return m.group(0)
        names.append(m.group("name"))
        return m.group("head") + REDACTED

    def inline(m: re.Match[str]) -> str:
        value = m.group("value")
        if _kept(value) or not is_secret_name(m.group("name"), inline=True):
            return m.group(0)
        names.append(m.group("name"))
        return m.group("head") + (f'"{REDACTED}"' if value.startswith('"') else REDACTED)

    def userinfo(m: re.Match[str]) -> str:
        if _kept(m.group("value")):
            return m.group(0)
        names.append("url password")
        return m.group("head") + REDACTED + "@"

    out = _LINE.sub(line, text) if option_lines else text
    out = _INLINE.sub(inline, out)
    if "://" in out:
        out = _USERINFO.sub(userinfo, out)
    return out, names


def redact_bytes(data: bytes) -> tuple[bytes, list[str]]:
    """redact_text over bytes that need not be UTF-8 (undecodable bytes are kept as they are)."""
    if _nothing_secret(data):
        return data, []
    text = data.decode("utf-8", errors="surrogateescape")
    out, names = redact_text(text)
    return (out.encode("utf-8", errors="surrogateescape") if names else data), names


def redact_json(data: Any) -> tuple[Any, list[str]]:
    """A copy of JSON data without secret-looking values (object keys and OVS map pairs)."""
    names: list[str] = []

    def text(value: str, *, lines: bool) -> str:
        if not _MAYBE.search(value) or not (lines or "=" in value or ":" in value):  # ("://" has ":")
            return value  # no secret name, or (free text) no `name=` / `name:`: nothing to look at
        red, found = redact_text(value, option_lines=lines)
        names.extend(found)
        return red

    def walk(value: Any, lines: bool = False) -> Any:
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for k, v in value.items():
                if isinstance(k, str) and is_secret_name(k) and isinstance(v, str) and not _kept(v):
                    names.append(k)
                    out[k] = REDACTED
                else:
                    out[k] = walk(v, isinstance(k, str) and k in _LINE_MEMBERS)
            return out
        if isinstance(value, list):
            # ovs-vsctl --format=json: a map is ["map", [[key, value], ...]]
            if (
                len(value) == 2
                and isinstance(value[0], str)
                and is_secret_name(value[0], inline=True)
                and isinstance(value[1], str)
                and not _kept(value[1])
            ):
                names.append(value[0])
                return [value[0], REDACTED]
            return [walk(v, lines) for v in value]
        if isinstance(value, str):
            return text(value, lines=lines)
        return value

    return walk(data), names


def redact_json_bytes(data: bytes) -> tuple[bytes, list[str]]:
    """JSON: unchanged bytes when nothing is secret, else re-serialised (not JSON: as text)."""
    if _nothing_secret(data, json_text=True):
        return data, []  # no secret name anywhere: not even parsed (ip -j of a busy node is large)
    try:
        parsed = json.loads(data)
    except ValueError:
        return redact_bytes(data)
    red, names = redact_json(parsed)
    if not names:
        return data, []
    # backslashreplace: a lone surrogate (it has no UTF-8 form) is written back as its JSON escape
    return (json.dumps(red, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace"), names


def redact_artifact(name: str, data: bytes) -> tuple[bytes, list[str]]:
    """A stored artifact by its file name: JSON for `.json`, text otherwise."""
    return redact_json_bytes(data) if name.endswith(".json") else redact_bytes(data)
