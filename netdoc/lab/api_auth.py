"""Authentication for the lab's API, as pveproxy does it: API tokens, tickets, CSRF tokens.

Tokens arrive as `Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET`; tickets from
POST /access/ticket as the `PVEAuthCookie` cookie (or `Authorization: PVEAuthCookie=...`).
Tickets look like Proxmox's (`PVE:user@realm:HEXTIME::signature`) and live two hours; secrets are
compared in constant time. Failure messages are Proxmox's own (they end up in the status line).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Protocol
from urllib.parse import unquote

TICKET_LIFETIME_S = 7200
GRACE_S = 300
COOKIE = "PVEAuthCookie"
TOKEN_PREFIX = "PVEAPIToken"  # noqa: S105 - a header keyword, not a secret
_TOKEN_ID = re.compile(r"^([^\s:@!]+@[A-Za-z][A-Za-z0-9.\-_]+)!([A-Za-z][A-Za-z0-9.\-_]+)$")


class Headers(Protocol):
    """Request headers looked up case-insensitively (email.message.Message, or a plain dict in tests)."""

    def get(self, name: str, /) -> str | None: ...


@dataclass(frozen=True)
class ApiCredentials:
    """The one account of a simulated cluster: an API token and a password for tickets."""

    user: str = "netdoc@pve"
    token_id: str = "collect"  # noqa: S105 - a name, not a secret
    token_secret: str = field(default_factory=lambda: str(uuid.uuid4()))  # PVE token secrets are UUIDs
    password: str = field(default_factory=lambda: secrets.token_urlsafe(18))

    @property
    def full_token_id(self) -> str:
        return f"{self.user}!{self.token_id}"


class AuthFailure(Exception):
    """Authentication refused; the message is what Proxmox puts in the 401 status line."""


def _eq(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def extract_value(header: str | None, name: str) -> str | None:
    """`NAME=value` (or `NAME value`) from a header, as pve-http-server's extract_auth_value."""
    if not header:
        return None
    m = re.search(rf"(?:^|\s){re.escape(name)}(?:=|\s+)([^;]*)", header)
    if not m:
        return None
    value = m.group(1).strip()
    return unquote(value) if value.startswith("PVE%3A") else value


def ticket_from_cookie(cookie_header: str | None) -> str | None:
    if not cookie_header:
        return None
    try:
        jar = SimpleCookie(cookie_header)
    except CookieError:
        return extract_value(cookie_header, COOKIE)
    morsel = jar.get(COOKIE)
    if morsel is None:
        return None
    value = morsel.value
    return unquote(value) if value.startswith("PVE%3A") else value


class Authority:
    """Issues and checks tickets and CSRF tokens for one cluster, and checks its API token."""

    def __init__(self, credentials: ApiCredentials, cluster_name: str) -> None:
        self.credentials = credentials
        self.cluster_name = cluster_name
        self._secret = secrets.token_bytes(32)

    def _sign(self, text: str) -> str:
        digest = hmac.new(self._secret, text.encode("utf-8"), hashlib.sha256).digest()
        return base64.b64encode(digest).decode("ascii").rstrip("=")

    # ------------------------------------------------------------------ tokens

    def verify_token(self, value: str) -> str:
        """`USER@REALM!TOKENID=SECRET` -> the token's id, or AuthFailure with PVE's message."""
        token_id, sep, secret = value.rpartition("=")
        if not sep:
            raise AuthFailure("no tokenid specified")
        m = _TOKEN_ID.match(token_id)
        if not m:
            raise AuthFailure(
                f"'{token_id}' is not a valid token ID - not able to split into user and token parts"
            )
        user, name = m.groups()
        creds = self.credentials
        if user != creds.user:
            raise AuthFailure(f"no such user ('{user}')")
        if name != creds.token_id:
            raise AuthFailure(f"no such token '{name}' for user '{user}'")
        if not _eq(secret, creds.token_secret):
            raise AuthFailure("invalid token value!")
        return token_id

    # ------------------------------------------------------------------ tickets

    def login(self, username: str, password: str, realm: str | None = None) -> str:
        """Check a password (or a still valid ticket, which renews it); the user id, or AuthFailure."""
        if realm and "@" not in username:
            username = f"{username}@{realm}"
        user_ok = _eq(username, self.credentials.user)
        password_ok = _eq(password, self.credentials.password)
        if user_ok and (password_ok or self._ticket_user(password) == username):
            return username
        raise AuthFailure("authentication failure")

    def issue(self, user: str) -> tuple[str, str]:
        """A new ticket and CSRF prevention token for the user."""
        stamp = f"{int(time.time()):08X}"
        plain = f"PVE:{user}:{stamp}"
        ticket = f"{plain}::{self._sign(plain)}"
        csrf = f"{stamp}:{self._sign(f'{stamp}:{user}')}"
        return ticket, csrf

    def _ticket_user(self, ticket: str) -> str | None:
        m = re.match(r"^PVE:([^:]+):([0-9A-F]{8})::(\S+)$", ticket)
        if not m:
            return None
        user, stamp, sig = m.groups()
        if not _eq(sig, self._sign(f"PVE:{user}:{stamp}")):
            return None
        age = time.time() - int(stamp, 16)
        return user if -GRACE_S <= age <= TICKET_LIFETIME_S else None

    def verify_ticket(self, ticket: str) -> str:
        user = self._ticket_user(ticket)
        if user is None or user != self.credentials.user:
            raise AuthFailure("permission denied - invalid PVE ticket")
        return user

    def verify_csrf(self, user: str, token: str | None) -> None:
        m = re.match(r"^([0-9A-F]{8}):(\S+)$", token or "")
        if m and _eq(m.group(2), self._sign(f"{m.group(1)}:{user}")):
            age = time.time() - int(m.group(1), 16)
            if -GRACE_S <= age <= TICKET_LIFETIME_S:
                return
        raise AuthFailure("Permission denied - invalid csrf token")

    def ticket_reply(self, user: str) -> dict[str, object]:
        """The `data` of a successful POST /access/ticket (an auditor's capabilities)."""
        ticket, csrf = self.issue(user)
        audit = {"Sys.Audit": 1}
        return {
            "username": user,
            "ticket": ticket,
            "CSRFPreventionToken": csrf,
            "clustername": self.cluster_name,
            "cap": {
                "access": {},
                "dc": {**audit, "SDN.Audit": 1},
                "mapping": {"Mapping.Audit": 1},
                "nodes": audit,
                "sdn": {"SDN.Audit": 1},
                "storage": {"Datastore.Audit": 1},
                "vms": {"VM.Audit": 1},
            },
        }


def credentials_from(headers: Headers) -> tuple[str, str | None]:
    """("ticket", ticket) | ("token", value) | ("none", None): the ticket wins, as in pveproxy."""
    ticket = ticket_from_cookie(headers.get("Cookie")) or extract_value(headers.get("Authorization"), COOKIE)
    if ticket:
        return "ticket", ticket
    token = extract_value(headers.get("Authorization"), TOKEN_PREFIX)
    if token:
        return "token", token
    return "none", None


# ------------------------------------------------------------------ permissions

# The built-in role the lab's account holds on `/` (propagated), as pve-access-control defines it.
AUDITOR_PRIVILEGES = ("Datastore.Audit", "Mapping.Audit", "Pool.Audit", "SDN.Audit", "Sys.Audit", "VM.Audit")
# The paths GET /access/permissions always evaluates (RPCEnvironment::get_effective_permissions).
DEFAULT_ACL_PATHS = ("/", "/access", "/access/groups", "/nodes", "/pool", "/sdn", "/storage", "/vms")


def _below(path: str, acl: str) -> bool:
    return acl in ("/", path) or path.startswith(acl.rstrip("/") + "/")


def permissions_at(path: str, denied: Iterable[tuple[str, str]]) -> dict[str, int]:
    """The account's privileges on `path` (privilege -> propagate 1), minus the (ACL path, privilege)
    pairs taken away (the lab's `forbidden` faults), which propagate down as an ACL does."""
    gone = {priv for acl, priv in denied if _below(path, acl)}
    return {p: 1 for p in AUDITOR_PRIVILEGES if p not in gone}


def effective_permissions(path: str | None, denied: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """The `data` of GET /access/permissions: one path (even when empty, as PVE answers), or every
    default path and every path an ACL names, those without any privilege left out."""
    denied = list(denied)
    if path:
        return {path: permissions_at(path, denied)}
    paths = sorted({*DEFAULT_ACL_PATHS, *(acl for acl, _ in denied)})
    return {p: perms for p in paths if (perms := permissions_at(p, denied))}
