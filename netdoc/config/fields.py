"""Validators of single inventory values: hosts, paths, fingerprints, users, token ids.

Each raises a PydanticCustomError whose message is shown to the user as it is (never with the value
when it may be a secret). Paths are resolved against the inventory's folder (validation context).
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

Loc = tuple[str | int, ...]
FINGERPRINT_PATTERN = r"^(([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{64})$"
_HOST_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def rule(message: str) -> PydanticCustomError:
    """A problem found by netdoc's own checks; the message is shown as it is (it never holds a secret)."""
    return PydanticCustomError("netdoc", message)


def context_base_dir(info: ValidationInfo) -> Path | None:
    ctx = info.context if isinstance(info.context, dict) else {}
    base = ctx.get("base_dir")
    return base if isinstance(base, Path) else None


def resolve_path(text: str, base_dir: Path | None) -> Path:
    """`~` is the user's home; a relative path is relative to the inventory's folder."""
    path = Path(text).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return path


def _path(value: Path, info: ValidationInfo) -> Path:
    if not str(value).strip() or str(value) == ".":
        raise rule("needs a path")
    return resolve_path(str(value), context_base_dir(info))


def _host(value: object) -> object:
    """A host name or an IP address, alone: no scheme, no port, no brackets."""
    if not isinstance(value, str):
        return value  # pydantic's str check reports it
    host = value.strip()
    if "://" in host or "/" in host:
        raise rule("give the host name or address only, without https:// or a path")
    if host.startswith("["):
        raise rule("write an IPv6 address without brackets")
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise rule("give the host without a port (the port has its own key)") from None
        return host
    labels = host.rstrip(".").split(".")
    if not host or not all(_HOST_LABEL.match(label) for label in labels):
        raise rule("is not a valid host name or IP address")
    return host


def _fingerprint(value: object) -> object:
    """32 hex byte pairs, colons optional, any case -> `AB:CD:...` (as Proxmox shows it)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not re.match(FINGERPRINT_PATTERN, text):
        pairs = len(re.sub(r"[^0-9A-Fa-f]", "", text)) // 2
        hint = " (that looks like SHA-1; netdoc needs SHA-256)" if pairs == 20 else ""
        raise rule(
            f"is not a SHA-256 fingerprint: expected 32 hex byte pairs like AB:CD:...:EF, "
            f"colons optional{hint}; see the node's certificate in the GUI or run "
            f"`openssl x509 -noout -fingerprint -sha256 -in /etc/pve/local/pve-ssl.pem`"
        )
    digits = text.replace(":", "").upper()
    return ":".join(digits[i : i + 2] for i in range(0, 64, 2))


def check_api_user(value: object) -> object:
    if isinstance(value, str):
        if "!" in value:
            raise rule("write user@realm here and the token's name (after the !) in token_id")
        if not re.match(r"^[^\s:@!/]+@[A-Za-z][A-Za-z0-9._-]*$", value):
            raise rule("should be user@realm, for example netdoc@pve or root@pam")
    return value


def check_token_id(value: object) -> object:
    if isinstance(value, str):
        if "!" in value or "@" in value:
            raise rule("write only the token's name (the part after the !), for example netdoc")
        if not re.match(r"^[A-Za-z][A-Za-z0-9._-]*$", value):
            raise rule("a token id starts with a letter, then letters, digits, ., _ or -")
    return value


Host = Annotated[str, BeforeValidator(_host)]
FilePath = Annotated[Path, AfterValidator(_path)]
Fingerprint = Annotated[
    str,
    BeforeValidator(_fingerprint),
    WithJsonSchema({"type": "string", "pattern": FINGERPRINT_PATTERN}),
]
ApiUser = Annotated[str, BeforeValidator(check_api_user)]
TokenId = Annotated[str, BeforeValidator(check_token_id)]
Port = Annotated[int, Field(ge=1, le=65535)]
Seconds = Annotated[float, Field(gt=0, le=86400)]
