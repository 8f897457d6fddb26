"""The lab's Proxmox API over HTTPS: one threaded server per simulated cluster, on loopback.

Order of checks follows pveproxy: URL and method, then authentication (token or ticket; CSRF for
ticket writes), then the handler lookup (501 for an unknown route), the permission check (403),
proxying to the node (595 when it is offline), parameter validation (400), and the reply.
Only GET is answered (plus the ticket POST); every write answers 501 — the lab is read-only, and
the request log shows whether a client tried. Replies over 1 KiB are gzipped when the client
accepts it, and keep-alive is kept only for replies below 300, as pveproxy does.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import socket
import socketserver
import ssl
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from netdoc.lab import api_views as views
from netdoc.lab.api_auth import (
    ApiCredentials,
    AuthFailure,
    Authority,
    Headers,
    credentials_from,
    effective_permissions,
)
from netdoc.lab.faults import Fault, FaultSet
from netdoc.lab.records import ApiRequest, RequestLog
from netdoc.lab.tls import ServerCert
from netdoc.lab.world import LabCluster

_API_URL = re.compile(r"^/api2/+(json|extjs|html|text|png|htmljs|spiceconfig)(/.*)?$")
_KNOWN_METHODS = ("GET", "POST", "PUT", "DELETE")
_MAX_BODY = 64 * 1024
_GZIP_ABOVE = 1024
IDLE_TIMEOUT_S = 15.0
_DEFAULT_DOMAINS = [
    {"realm": "pam", "type": "pam", "comment": "Linux PAM standard authentication"},
    {"realm": "pve", "type": "pve", "comment": "Proxmox VE authentication server"},
]


@dataclass
class Outcome:
    """A reply plus what the request log and the fault step need to know about it."""

    reply: views.Reply
    path: str = ""
    query: str = ""
    auth: str = "none"
    user: str | None = None
    node: str | None = None
    routed: bool = False  # reached the API handler: output faults and latency apply


def acl_of(path: str) -> tuple[str, str]:
    """The ACL path and privilege PVE checks for a GET of `path` (for 403 messages)."""
    m = re.match(r"^/nodes/([^/]+)/(?:qemu|lxc)/([0-9]+)(?:/|$)", path)
    if m:
        return f"/vms/{m.group(2)}", "VM.Audit"
    m = re.match(r"^/nodes/([^/]+)", path)
    if m:
        return f"/nodes/{m.group(1)}", "Sys.Audit"
    m = re.match(r"^/storage(/[^/]+)?", path)
    if m:
        return f"/storage{m.group(1) or ''}", "Datastore.Audit"
    if path.startswith("/cluster/sdn"):
        return "/sdn", "SDN.Audit"
    return "/", "Sys.Audit"


class ApiServer:
    """Answers one cluster's API; connections are handed over by the lab's acceptor."""

    def __init__(
        self,
        cluster: LabCluster,
        cert: ServerCert,
        credentials: ApiCredentials,
        *,
        faults: FaultSet,
        log: RequestLog[ApiRequest],
        stopping: threading.Event,
        offline_nodes: Callable[[], frozenset[str]],
        auth_delay_s: float = 0.0,
        host_node: str | None = None,
    ) -> None:
        self.cluster = cluster
        self.api = views.ClusterApi(cluster)
        self.credentials = credentials
        self.authority = Authority(credentials, cluster.name)
        self.faults = faults
        self.log = log
        self.stopping = stopping
        self.offline_nodes = offline_nodes
        self.auth_delay_s = auth_delay_s
        self.host_node = host_node
        self.fingerprint = cert.fingerprint
        self.context = cert.server_context()
        self.errors: list[str] = []  # unexpected exceptions (a test asserts there are none)
        self.tls_failures = 0
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._http = _HTTPServer(self)

    # ------------------------------------------------------------------ connections

    def handle_connection(self, sock: socket.socket, address: tuple[str, int]) -> None:
        """Serve one accepted TCP connection on its own thread (TLS handshake included)."""
        self._http.process_request(sock, address)

    def _serve(self, raw: socket.socket, address: tuple[str, int]) -> None:
        control = raw.dup()  # to shut the connection down from another thread when the lab stops
        with self._lock:
            self._conns.add(control)
        try:
            if self.stopping.is_set():
                raw.close()
                return
            raw.settimeout(IDLE_TIMEOUT_S)
            try:
                conn = self.context.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, OSError):
                raw.close()  # a no-op once wrap_socket has taken the descriptor over
                with self._lock:
                    self.tls_failures += 1
                return
            try:
                _Handler(conn, address, self._http)
            except (OSError, ssl.SSLError):
                pass
            finally:
                conn.close()
        finally:
            with self._lock:
                self._conns.discard(control)
            control.close()

    def close(self) -> None:
        """Cut every open connection and wait for every connection thread to end."""
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
        self._http.server_close()

    # ------------------------------------------------------------------ requests

    def respond(self, method: str, target: str, headers: Headers, body: bytes) -> Outcome:
        url = urlsplit(target)
        raw_path = unquote(url.path)
        m = _API_URL.match(raw_path)
        if not m:
            return Outcome(views.bare(501, f"no such file '{raw_path}'"), path=raw_path)
        path = views.normalize_path(m.group(2) or "/")
        out = Outcome(views.bare(501, "no such uri"), path=path, query=url.query, node=views.node_of(path))
        if m.group(1) != "json":
            out.reply = views.bare(501, f"no such uri {path}, {m.group(1)} (the lab speaks json only)")
            return out
        if method not in _KNOWN_METHODS:
            out.reply = views.bare(501, f"method '{method}' not available")
            return out
        params = parse_qsl(url.query, keep_blank_values=True)
        public = (path == "/access/ticket" and method in ("GET", "POST")) or (
            path == "/access/domains" and method == "GET"
        )
        if not public:
            refused = self._authenticate(method, headers, out)
            if refused is not None:
                out.reply = refused
                return out
        if body and method not in ("POST", "PUT"):
            out.reply = views.bare(501, f"Unexpected content for method '{method}'")
            return out
        if path == "/access/ticket":
            out.reply = self._ticket(method, params, headers, body, out)
            return out
        if path == "/access/domains" and method == "GET" and not self.api.known(path):
            out.reply = views.ok({"data": _DEFAULT_DOMAINS})
            return out
        if path == "/access/permissions" and method == "GET" and not self.api.known(path):
            out.routed = True
            out.reply = self._permissions(params, out.user)
            return out
        if method != "GET" or not self.api.known(path):
            out.reply = views.not_implemented(method, path)
            return out
        out.routed = True
        forbidden = self.faults.forbidden(self.cluster.name, path, out.node)
        if forbidden is not None:
            acl, privilege = acl_of(path)
            acl = forbidden.acl_path or acl
            privilege = forbidden.privilege or privilege
            out.reply = views.error(403, f"Permission check failed ({acl}, {privilege})\n")
            return out
        offline = self.offline_nodes()
        target_node = views.proxied_node(path)
        if target_node is not None and target_node not in self.api.nodes:
            out.reply = views.error(
                500,
                f"hostname lookup '{target_node}' failed - failed to get address info for: "
                f"{target_node}: Name or service not known\n",
            )
            return out
        if target_node is not None and target_node in offline:
            # pveproxy cannot reach the node: AnyEvent::HTTP's pseudo-status 595 ("errors during
            # connection establishment, proxy handshake"), the socket error as reason, no body
            out.reply = views.bare(595, "No route to host")
            return out
        out.reply = self.api.answer(path, params, offline)
        if path == "/nodes" and out.reply.status == 200 and self.host_node:
            out.reply = self._pin_fingerprint(out.reply)
        return out

    def _authenticate(self, method: str, headers: Headers, out: Outcome) -> views.Reply | None:
        kind, value = credentials_from(headers)
        out.auth = kind
        failing = self.faults.auth_failure(self.cluster.name)
        try:
            if kind == "ticket" and value is not None:
                if failing is not None:
                    raise AuthFailure("permission denied - invalid PVE ticket")
                out.user = self.authority.verify_ticket(value)
                if method != "GET":
                    self.authority.verify_csrf(out.user, headers.get("CSRFPreventionToken"))
            elif kind == "token" and value is not None:
                out.user = value.rpartition("=")[0] or None
                self.authority.verify_token(value)
                if failing is not None:
                    raise AuthFailure("invalid token value!")
            else:
                raise AuthFailure("No ticket")
        except AuthFailure as exc:
            delay = failing.delay_ms / 1000 if failing is not None and failing.delay_ms else self.auth_delay_s
            if delay:
                self.stopping.wait(delay)
            return views.bare(401, str(exc))
        return None

    def _ticket(
        self,
        method: str,
        params: list[tuple[str, str]],
        headers: Headers,
        body: bytes,
        out: Outcome,
    ) -> views.Reply:
        if method == "GET":
            return views.ok({"data": None})
        if method != "POST":
            return views.not_implemented(method, "/access/ticket")
        form = dict(params)
        form.update(_form(headers, body))
        username, password = form.get("username", ""), form.get("password", "")
        missing = {
            k: "property is missing and it is not optional" for k in ("username", "password") if k not in form
        }
        if missing:
            return views.param_error(missing)
        out.auth = "password"
        try:
            if self.faults.auth_failure(self.cluster.name) is not None:
                raise AuthFailure("authentication failure")
            user = self.authority.login(username, password, form.get("realm"))
        except AuthFailure:
            out.user = username
            if self.auth_delay_s:
                self.stopping.wait(self.auth_delay_s)
            return views.error(401, "authentication failure\n")
        out.user = user
        return views.ok({"data": self.authority.ticket_reply(user)})

    def _permissions(self, params: list[tuple[str, str]], caller: str | None) -> views.Reply:
        """GET /access/permissions: the caller's effective privileges (PVEAuditor on `/`, minus
        what `forbidden` faults take away), for one `path` or every path of the tree."""
        allowed = {"path", "userid"}
        errors = {
            k: "property is not defined in schema and the schema does not allow additional properties"
            for k, _ in params
            if k not in allowed
        }
        args = dict(params)
        if args.get("path", "/")[:1] != "/":
            errors["path"] = f"value does not match the regex pattern ('{args['path']}')"
        if errors:
            return views.param_error(errors)
        denied = []
        for f in self.faults.all():
            if f.kind == "forbidden" and f.applies(self.cluster.name, f.node):
                acl, privilege = acl_of((f.path or "/").split("*", 1)[0].rstrip("/") or "/")
                denied.append((f.acl_path or acl, f.privilege or privilege))
        userid = args.get("userid")
        owner = (caller or "").split("!", 1)[0]
        if userid is not None and userid not in (caller, owner) and userid.split("!", 1)[0] != owner:
            return views.ok({"data": {}})  # the lab has one account: anybody else holds nothing
        return views.ok({"data": effective_permissions(args.get("path") or None, denied)})

    def _pin_fingerprint(self, reply: views.Reply) -> views.Reply:
        """GET /nodes shows the API node's real certificate fingerprint (the one clients pin)."""
        doc = json.loads(reply.body)
        for item in doc.get("data") or []:
            if isinstance(item, dict) and item.get("node") == self.host_node and "ssl_fingerprint" in item:
                item["ssl_fingerprint"] = self.fingerprint
        return views.ok(doc)

    def record(self, method: str, out: Outcome, status: int, client: str) -> None:
        self.log.add(
            ApiRequest(
                cluster=self.cluster.name,
                method=method,
                path=out.path,
                query=out.query,
                auth=out.auth,
                status=status,
                node=out.node,
                user=out.user,
                client=client,
            )
        )


def _form(headers: Headers, body: bytes) -> dict[str, str]:
    if not body:
        return {}
    text = body.decode("utf-8", "replace")
    if (headers.get("Content-Type") or "").startswith("application/json"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            return {}
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
    return dict(parse_qsl(text, keep_blank_values=True))


class _HTTPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """A thread per connection; no socket of its own (the lab's acceptor hands connections over)."""

    daemon_threads = False
    block_on_close = True  # server_close() joins every connection thread

    def __init__(self, lab: ApiServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler, bind_and_activate=False)
        self.socket.close()
        self.lab = lab

    def finish_request(self, request: Any, client_address: Any) -> None:
        self.lab._serve(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        pass  # _serve closes the connection itself

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.lab.errors.append(traceback.format_exc())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pve-api-daemon/3.0"
    sys_version = ""
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # every request goes to the lab's request log instead

    def handle_one_request(self) -> None:
        # BaseHTTPRequestHandler answers unknown methods itself; route every method here instead
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except TimeoutError:
            self.close_connection = True
            return
        if not self.raw_requestline or len(self.raw_requestline) > 65536:
            self.close_connection = True
            return
        if not self.parse_request():
            return
        self._answer(self.command)
        self.wfile.flush()

    def _answer(self, method: str) -> None:
        lab = self.server.lab
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self._send(method, views.bare(501, "for data too large"), None)
            return
        body = self.rfile.read(length) if length > 0 else b""
        try:
            out = lab.respond(method, self.path, self.headers, body)
        except Exception:  # a lab bug must show as a 500, and in lab.errors, not kill the thread
            lab.errors.append(traceback.format_exc())
            out = Outcome(views.error(500, "internal lab error\n"))
        self._send(method, out.reply, out)

    def _send(self, method: str, reply: views.Reply, out: Outcome | None) -> None:
        lab = self.server.lab
        fault: Fault | None = None
        if out is not None and out.routed:
            delay = lab.faults.api_delay_s(lab.cluster.name, out.path, out.node)
            if delay:
                lab.stopping.wait(delay)
            if reply.status == 200:
                fault = lab.faults.api_output(lab.cluster.name, out.path, out.node)
        body = reply.body
        headers = [("Cache-Control", "max-age=0")]
        keep = reply.status < 300 and not self.close_connection
        self.close_connection = not keep
        headers.append(("Connection", "Keep-Alive" if keep else "close"))
        now = formatdate(time.time(), usegmt=True)
        headers += [("Date", now), ("Pragma", "no-cache"), ("Server", self.server_version)]
        stream: Iterator[bytes] = iter(())
        if fault is not None and fault.kind == "garbage":
            body = fault.garbage(f"{lab.cluster.name}:{out.path if out else ''}?{out.query if out else ''}")
        elif fault is not None and fault.kind in ("huge", "trickle"):
            # {"data": "xxxx..."}: the string made while it is sent (huge), or never ending (trickle)
            body, tail = b'{"data": "', b'"}\n'
            size = len(body) + fault.nbytes + len(tail) if fault.kind == "huge" else 2**40
            headers.append(("Content-Length", str(size)))
            stream = self._huge(fault, tail) if fault.kind == "huge" else self._trickle(fault)
        elif len(body) > _GZIP_ABOVE and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        if fault is None or fault.kind not in ("huge", "trickle"):
            headers.append(("Content-Length", str(len(body))))
        if reply.content_type:
            headers.append(("Content-Type", reply.content_type))
        headers.append(("Expires", now))
        head = f"{self.protocol_version} {reply.status} {reply.reason}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
        if fault is not None and fault.kind == "truncated":
            body = body[: fault.nbytes]  # Content-Length still says the whole size: the transfer is cut
            self.close_connection = True
        # logged before the reply leaves: a client that has its answer finds its request in the log
        lab.record(method, out or Outcome(reply, path=self.path), reply.status, self.client_address[0])
        self.wfile.write(head.encode("latin-1") + body)
        try:
            for piece in stream:  # huge, trickle: until done, the client has gone or the lab stops
                self.wfile.write(piece)
        except OSError:  # the client stopped reading (it cut the reply at its limit): fine
            self.close_connection = True

    def _huge(self, fault: Fault, tail: bytes) -> Iterator[bytes]:
        yield from fault.filler(line=b"x" * 64)
        yield tail

    def _trickle(self, fault: Fault) -> Iterator[bytes]:
        self.close_connection = True
        self.wfile.flush()
        while not self.server.lab.stopping.wait(fault.trickle_s):
            yield b"x"
            self.wfile.flush()
