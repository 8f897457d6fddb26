"""Small syntaxes shared by Proxmox's files: property strings, `key: value` lines, secrets, JSON lines.

Pure helpers for the parsers of corosync, storage/SDN section configs, guest configs and friends:
no I/O, nothing raised but ParseError.
"""

from __future__ import annotations

import json
import re

from netdoc.model.pveconf import REDACTED
from netdoc.parsers.jsonvalues import split_words

# Words that make a key's value a secret wherever they appear as a whole part of the key name
# (`password`, `client-secret`, `api_token`, powerdns' `key`); values are never copied into a model.
_SECRET_PARTS = frozenset(
    {"password", "passwd", "passphrase", "pass", "secret", "token", "keyring", "key", "apikey", "cipassword"}
)
# Keys that end in "key" but hold public, non-secret data.
_NOT_SECRET = frozenset({"sshkeys", "master-pubkey", "pubkey"})
# PBS stores the fingerprint of its encryption key (or "1") in storage.cfg, not the key itself.
_FINGERPRINTISH = re.compile(r"1|[0-9A-Fa-f]{2}(?::[0-9A-Fa-f.snip]{1,16})+")
_PROXY_USERINFO = re.compile(r"^([a-z][a-z0-9+.-]*://)([^@/]+)@", re.IGNORECASE)


def is_secret_key(key: str, value: str | None = None) -> bool:
    """True when a key's value must not enter a model (it is replaced by "[redacted]")."""
    k = key.strip().lower().replace("_", "-")
    if k in _NOT_SECRET:
        return False
    if k == "encryption-key" and value is not None and _FINGERPRINTISH.fullmatch(value.strip()):
        return False
    if k == "keyring" and value is not None and value.strip().startswith(("/", "$")):
        return False  # a path to the keyring file (ceph.conf), not the key itself
    parts = [p for p in re.split(r"[-.]", k) if p]
    return k.replace("-", "") in _SECRET_PARTS or any(p in _SECRET_PARTS for p in parts)


def redact(key: str, value: str | None) -> tuple[str | None, bool]:
    """(value or "[redacted]", whether it was redacted); a URL's user:password part is redacted too."""
    if value is None:
        return None, False
    if is_secret_key(key, value):
        return REDACTED, True
    m = _PROXY_USERINFO.match(value)
    if m:
        return f"{m.group(1)}{REDACTED}@{value[m.end() :]}", True
    return value, False


def split_lines(text: str) -> list[str]:
    """Lines without their terminators; CRLF and a final newline are handled like Proxmox does."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def split_props(text: str) -> list[tuple[str | None, str]]:
    """A property string `k=v,k=v,bare` as (key, value) pairs in order; a bare value has key None."""
    pairs: list[tuple[str | None, str]] = []
    for raw in text.split(","):
        part = raw.strip()
        if not part:
            continue
        key, eq, value = part.partition("=")
        if eq:
            pairs.append((key.strip(), value.strip()))
        else:
            pairs.append((None, part))
    return pairs


_TRUE = frozenset({"1", "yes", "on", "true"})
_FALSE = frozenset({"0", "no", "off", "false"})


def parse_bool(value: str | None) -> bool | None:
    """Proxmox booleans: 1/0, yes/no, on/off, true/false; a bare flag (None) means true."""
    if value is None:
        return True
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    return None


def parse_int(value: str | None) -> int | None:
    if value is None:
        return None
    v = value.strip()
    if re.fullmatch(r"[+-]?\d{1,18}", v):
        return int(v)
    return None


def parse_float(value: str | None) -> float | None:
    if value is None:
        return None
    v = value.strip()
    if re.fullmatch(r"[+-]?(\d{1,15}(\.\d{0,15})?|\.\d{1,15})", v):
        return float(v)
    return None


def split_list(value: str | None) -> tuple[str, ...]:
    """A Proxmox list (`a,b c;d`): items in order, empty ones dropped."""
    return split_words(value) if value else ()


def json_key_line(text: str, key: str, start: int = 0) -> tuple[int, int]:
    """(1-based line, offset) of the first `"key":` at or after `start`; (line of start, start) if absent.

    JSON parsers forget positions; evidence wants a line, and the snapshot keeps the text verbatim.
    """
    needle = re.compile(re.escape(json.dumps(key)) + r"\s*:")
    m = needle.search(text, start)
    pos = m.start() if m else start
    return text.count("\n", 0, pos) + 1, pos
