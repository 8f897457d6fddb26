"""The Proxmox VE API over HTTPS: proxmoxer's session and authentication, TLS verified or pinned.

    client = ApiClient.connect(cluster.api)      # reveals the secret here, and only here
    data = client.get("/cluster/status", timeout=10.0)

TLS, three modes (ApiConfig.tls_mode): `verify` checks the chain and host name against `ca_file`
or the system CAs (and the pin, when a fingerprint is also given); `pin` accepts exactly the
certificate whose SHA-256 fingerprint is pinned, as Proxmox pins its own nodes (urllib3's
assert_fingerprint, through an adapter mounted on proxmoxer's session); `insecure` checks nothing
and is warned about on every run (proxmoxer silences urllib3's own warning).

HTTP errors become failures (outcome.py): 401 denied (authentication), 403 denied (privilege:
"Permission check failed (...)" kept), 595 node offline or unreachable from the API node,
501 missing (not on this Proxmox VE version), other 5xx transient, timeouts timeout. Replies
that are not `{"data": ...}` JSON are errors. Only GET is ever sent, plus the ticket login when
a password is used.
"""

from __future__ import annotations

import json
import logging
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
import urllib3
from requests.adapters import HTTPAdapter

from netdoc.collectors.outcome import Denied, Failed, Missing, TimedOut, Unreachable
from netdoc.collectors.plan import TICKET_PATH
from netdoc.config import ApiConfig

log = logging.getLogger(__name__)

INSECURE_WARNING = (
    "TLS verification of the API is off (insecure: true): anyone on the path can read the API "
    "token and the replies; pin the certificate with `fingerprint:` instead"
)
MAX_REPLY_BYTES = 64 * 1024 * 1024  # the default of the inventory's collect.max_output_mib
# A reply must be whole within this many times its timeout (each read within the timeout itself):
# a server that trickles a byte at a time would otherwise hold a request forever.
REPLY_TIME_FACTOR = 3


class PinningAdapter(HTTPAdapter):
    """An HTTPS adapter that also checks the server certificate's SHA-256 fingerprint (the leaf)."""

    def __init__(self, fingerprint: str | None, pool_maxsize: int = 10) -> None:
        self.fingerprint = fingerprint.replace(":", "").lower() if fingerprint else None
        super().__init__(pool_connections=1, pool_maxsize=pool_maxsize, max_retries=0)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **kw: Any) -> None:
        if self.fingerprint:
            kw["assert_fingerprint"] = self.fingerprint
        super().init_poolmanager(connections, maxsize, block=block, **kw)


def system_ca_location() -> bool | str:
    """The system's CA file or folder (OpenSSL's defaults), else True (requests' own bundle)."""
    paths = ssl.get_default_verify_paths()
    for candidate in (paths.cafile, paths.openssl_cafile, paths.capath, paths.openssl_capath):
        if candidate and Path(candidate).exists():
            return candidate
    return True


def verify_setting(api: ApiConfig) -> bool | str:
    """What requests' `verify` gets: the CA file, the system CAs, or False (pin / insecure)."""
    if api.tls_mode != "verify":
        return False
    return str(api.ca_file) if api.ca_file else system_ca_location()


@dataclass(frozen=True)
class _Reply:
    status: int
    reason: str
    body: bytes


def _failure_for(status: int, reason: str, body: bytes, what: str) -> Exception:
    """The failure for an HTTP error reply (never with the request's headers: they hold the token)."""
    message = reason.strip()
    try:
        doc = json.loads(body) if body else None
    except ValueError:
        doc = None
    if isinstance(doc, dict):
        text = doc.get("message")
        if isinstance(text, str) and text.strip() and not message:
            message = text.strip()
        errors = doc.get("errors")
        if isinstance(errors, dict) and errors:
            message += " (" + "; ".join(f"{k}: {str(v).strip()}" for k, v in sorted(errors.items())) + ")"
    message = message or f"HTTP {status}"
    if status == 401:
        return Denied(
            f"authentication failed: {status} {message}; check the API user and its token or password"
        )
    if status == 403:
        return Denied(
            f"{status} {message}"
            if message.startswith("Permission")
            else f"{status} Permission check failed ({message})"
        )
    if status == 595:
        return Unreachable(
            f"node offline or unreachable from the API node: {status} {message}", transient=False
        )
    if status == 501:
        return Missing(f"not available on this Proxmox VE: {status} {message}")
    if status == 500 and "does not exist" in message:
        return Missing(f"{status} {message}")
    if status >= 500:
        return Failed(f"{what}: {status} {message}", transient=True)
    return Failed(f"{what}: {status} {message}")


def _connection_failure(exc: requests.RequestException, where: str) -> Exception:
    """Timeouts, TLS and connection errors, in words an admin can act on."""
    if isinstance(exc, requests.Timeout) or "Read timed out" in str(exc):
        kind = "connecting" if isinstance(exc, requests.ConnectTimeout) else "waiting for the reply"
        return TimedOut(f"timed out {kind} ({where})")
    if isinstance(exc, requests.exceptions.SSLError):
        text = str(exc)
        if "Fingerprints did not match" in text:
            return Failed(
                f"TLS: the server certificate is not the pinned one ({where}): "
                "check `fingerprint:` against the node's certificate"
            )
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            return Failed(
                f"TLS: the server certificate could not be verified ({where}): {_tls_reason(text)}; "
                "give the cluster's CA as `ca_file:` or pin it with `fingerprint:`"
            )
        return Failed(f"TLS handshake failed ({where}): {_tls_reason(text)}")
    if isinstance(exc, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError):
        return Unreachable(f"the reply was cut short ({where})")
    text = str(exc)
    for needle, words in (
        ("Connection refused", "connection refused"),
        ("Connection reset", "connection reset"),
        ("Name or service not known", "host name not found"),
        ("No route to host", "no route to host"),
        ("RemoteDisconnected", "the server closed the connection"),
        ("IncompleteRead", "the reply was cut short"),
    ):
        if needle in text:
            return Unreachable(f"{words} ({where})")
    return Unreachable(f"connection failed ({where}): {type(exc).__name__}")


def _tls_reason(text: str) -> str:
    for marker in ("certificate verify failed: ", "SSLError("):
        if marker in text:
            return text.split(marker, 1)[1].split(")", 1)[0].strip(" '\"(")
    return text[:200]


def _read1(resp: requests.Response) -> bytes:
    """The next bytes of a streamed reply, after at most one read of the socket (a reply that
    trickles still returns here between its bytes); urllib3's errors as requests raises them."""
    from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError, SSLError

    try:
        return bytes(resp.raw.read1(64 * 1024, decode_content=True))
    except ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from None
    except DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from None
    except ReadTimeoutError as exc:
        raise requests.exceptions.ConnectionError(exc) from None
    except SSLError as exc:
        raise requests.exceptions.SSLError(exc) from None


class ApiClient:
    """One cluster's API: a keep-alive session (proxmoxer's), thread-safe for concurrent GETs."""

    def __init__(self, api: ApiConfig, session: requests.Session, *, pool_maxsize: int = 10) -> None:
        self.api = api
        self.session = session
        host = f"[{api.host}]" if ":" in api.host else api.host
        self.base_url = f"https://{host}:{api.port}/api2/json"
        self.where = f"{host}:{api.port}"
        self.verify = verify_setting(api)
        if self.verify is False:
            # Pinned (checked by the adapter) or insecure (netdoc prints its own warning every run):
            # urllib3's per-request warning would only repeat that, once per request, in cron mail.
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        session.trust_env = False  # no proxy, netrc or CA bundle from the environment: what you see
        session.mount("https://", PinningAdapter(api.fingerprint, pool_maxsize=pool_maxsize))
        self.requests_sent = 0
        self.max_reply_bytes = MAX_REPLY_BYTES  # collect.max_output_mib, set by the collector

    @classmethod
    def connect(cls, api: ApiConfig, *, timeout: float | None = None, pool_maxsize: int = 10) -> ApiClient:
        """Build the client; the secret is revealed here and kept only inside the auth object.

        With a password, the ticket is fetched now (through the same verified or pinned session).
        """
        from proxmoxer.backends.https import JsonSerializer, ProxmoxHTTPApiTokenAuth, ProxmoxHttpSession

        t = timeout or api.timeout_s
        session = ProxmoxHttpSession()
        session.headers["Connection"] = "keep-alive"
        session.headers["accept"] = JsonSerializer().get_accept_types()
        client = cls(api, session, pool_maxsize=pool_maxsize)
        if api.auth == "token":
            assert api.token_id is not None and api.token_secret is not None
            session.auth = ProxmoxHTTPApiTokenAuth(
                api.user, api.token_id, api.token_secret.reveal(), verify_ssl=client.verify, timeout=t
            )
        else:
            assert api.password is not None
            session.auth = client._ticket_auth(api.password.reveal(), t)
        return client

    def _ticket_auth(self, password: str, timeout: float) -> Any:
        """proxmoxer's ticket auth, logging in through this session (so TLS pinning applies to it).

        proxmoxer's own login uses a bare requests.post, which would bypass the pinning adapter.
        """
        from proxmoxer.backends.https import ProxmoxHTTPAuth

        client = self

        class TicketAuth(ProxmoxHTTPAuth):  # type: ignore[misc]
            def _get_new_tokens(
                self, password: str | None = None, otp: Any = None, otptype: Any = None
            ) -> None:
                current: str = getattr(self, "pve_auth_ticket", "")
                ticket = client._login(self.username, password or current, timeout)
                self.birth_time = time.monotonic()
                self.pve_auth_ticket = ticket["ticket"]
                self.csrf_prevention_token = ticket.get("CSRFPreventionToken", "")

        return TicketAuth(
            self.api.user, password, base_url=self.base_url, verify_ssl=self.verify, timeout=timeout
        )

    def _login(self, username: str, password: str, timeout: float) -> dict[str, Any]:
        from proxmoxer.backends.https import ProxmoxHTTPAuthBase

        bare = ProxmoxHTTPAuthBase(timeout=timeout, verify_ssl=self.verify)
        try:
            resp = self.session.request(
                "POST",
                self.base_url + TICKET_PATH,
                data={"username": username, "password": password},
                auth=bare,
                timeout=(timeout, timeout),
                verify=self.verify,
            )
        except requests.RequestException as exc:
            raise _connection_failure(exc, self.where) from None
        self.requests_sent += 1
        if resp.status_code != 200:
            raise _failure_for(resp.status_code, resp.reason or "", resp.content, TICKET_PATH)
        data = self._data(resp.content, TICKET_PATH)
        if not isinstance(data, dict) or not isinstance(data.get("ticket"), str):
            raise Failed("login: the reply holds no ticket")
        if data.get("NeedTFA"):
            raise Denied("login: this user needs a second factor; use an API token instead")
        return data

    def _data(self, body: bytes, path: str) -> Any:
        try:
            doc = json.loads(body)
        except RecursionError:
            raise Failed(f"{path}: the reply is JSON nested too deep to read ({len(body)} bytes)") from None
        except ValueError:
            raise Failed(
                f"{path}: the reply is not JSON ({len(body)} bytes; garbled or cut short?)", transient=True
            ) from None
        if not isinstance(doc, dict) or "data" not in doc:
            raise Failed(f"{path}: the reply has no `data` member", transient=True)
        return doc["data"]

    def get(self, path: str, *, timeout: float) -> Any:
        """GET /api2/json<path> -> the reply's `data`; failures as outcome.py classes."""
        return self.get_reply(path, timeout=timeout)[0]

    def get_reply(self, path: str, *, timeout: float) -> tuple[Any, bytes]:
        """The reply's `data`, and the reply's body as it came (one scan of it can tell that there
        is nothing to redact, where a walk through 1,000 guests' data would take much longer)."""
        url = self.base_url + quote(path, safe="/:@!$&'()*+,;=-._~")
        end = time.monotonic() + REPLY_TIME_FACTOR * timeout
        limit = self.max_reply_bytes
        try:
            resp = self.session.request(
                "GET", url, timeout=(timeout, timeout), verify=self.verify, stream=True
            )
            try:
                chunks: list[bytes] = []
                size = 0
                while chunk := _read1(resp):
                    size += len(chunk)
                    if size > limit:
                        raise Failed(
                            f"{path}: the reply passed the limit of {limit / 1048576:g} MiB ({limit} "
                            "bytes, collect.max_output_mib): cut there, not stored"
                        )
                    if time.monotonic() > end:
                        raise TimedOut(
                            f"{path}: the reply was not whole within {REPLY_TIME_FACTOR * timeout:g} s "
                            f"({size} bytes by then; {REPLY_TIME_FACTOR} x the request's timeout): "
                            "cut there, not stored",
                            transient=False,
                        )
                    chunks.append(chunk)
                reply = _Reply(resp.status_code, resp.reason or "", b"".join(chunks))
            finally:
                resp.close()
        except requests.RequestException as exc:
            raise _connection_failure(exc, self.where) from None
        finally:
            self.requests_sent += 1
        if reply.status >= 400:
            raise _failure_for(reply.status, reply.reason, reply.body, path)
        return self._data(reply.body, path), reply.body

    def close(self) -> None:
        self.session.close()
