"""The lab's SSH server (paramiko in server mode): one listener per node, exec requests only.

Public-key authentication against the lab's client key (passwords refused); no shell, no pty,
no forwarding, no subsystem. Each exec request runs on its own thread, so one slow command
never holds up the others of a connection. Output, stderr and the exit status are delivered as
OpenSSH does: data, exit-status, EOF, then close. `bash -s` reads its script from the channel
until end-of-file and answers netdoc's batch form (lab/shell.py), logging each batched command
as a `batch_command` event after its `exec`. Faults decide whether a node refuses
connections (its listener is closed by the runtime), hangs before the banner, presents a changed
host key, delays, truncates or garbles replies.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
from dataclasses import dataclass

import paramiko
from paramiko.common import (
    AUTH_FAILED,
    AUTH_SUCCESSFUL,
    OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED,
    OPEN_SUCCEEDED,
    cMSG_CHANNEL_FAILURE,
    cMSG_CHANNEL_SUCCESS,
)

from netdoc.lab.faults import Fault, FaultSet
from netdoc.lab.records import RequestLog, SshEvent
from netdoc.lab.shell import BATCH_COMMAND, ExecResult, parse_batch, run_batch, run_command
from netdoc.lab.world import LabNode

# What a Proxmox VE 8 node (Debian 12) announces; clients log it, some branch on it
BANNER = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"
_REPLIES = (cMSG_CHANNEL_SUCCESS, cMSG_CHANNEL_FAILURE)
# paramiko logs every client that hangs up abruptly as an error ("Socket exception: Connection
# reset by peer"); for a lab serving test clients that is normal, so its transports log here, quietly
TRANSPORT_LOG = "netdoc.lab.ssh.transport"
_log = logging.getLogger(TRANSPORT_LOG)
_log.addHandler(logging.NullHandler())
_log.propagate = False


@dataclass(frozen=True)
class SshNode:
    cluster: str
    node: LabNode
    host_key: paramiko.PKey
    changed_key: paramiko.PKey  # presented while a host_key_changed fault is in force


class _Transport(paramiko.Transport):
    """Knows when the reply to a channel request has gone out.

    paramiko sends "exec accepted" only after check_channel_exec_request returns; a reply
    thread that closed the channel before that would make the client fail with "Channel
    closed", so the reply thread waits for this signal before closing.
    """

    def __init__(self, sock: socket.socket) -> None:
        super().__init__(sock)
        self.replied: dict[int, threading.Event] = {}
        self.replied_lock = threading.Lock()

    def expect_reply(self, remote_chanid: int) -> threading.Event:
        event = threading.Event()
        with self.replied_lock:
            self.replied[remote_chanid] = event
        return event

    def _send_user_message(self, data: paramiko.Message) -> None:
        paramiko.Transport._send_user_message(self, data)  # type: ignore[attr-defined]
        raw = data.asbytes()
        if raw[:1] in _REPLIES and len(raw) >= 5:
            (chanid,) = struct.unpack(">I", raw[1:5])
            with self.replied_lock:
                event = self.replied.pop(chanid, None)
            if event is not None:
                event.set()


class SshServer:
    """Every node's SSH service; connections are handed over by the lab's acceptor."""

    def __init__(
        self,
        *,
        client_key: paramiko.PKey,
        user: str,
        faults: FaultSet,
        log: RequestLog[SshEvent],
        stopping: threading.Event,
        sudo_allowed: bool = True,
    ) -> None:
        self.client_key = client_key
        self.user = user
        self.faults = faults
        self.log = log
        self.stopping = stopping
        self.sudo_allowed = sudo_allowed
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._threads: set[threading.Thread] = set()
        self._transports: set[paramiko.Transport] = set()
        self._hung: set[socket.socket] = set()

    # ------------------------------------------------------------------ connections

    def accept(self, node: SshNode, sock: socket.socket) -> None:
        """Take over an accepted connection to `node` (called on the acceptor thread: no waiting)."""
        if self.stopping.is_set():
            sock.close()
            return
        mode = self.faults.ssh_mode(node.cluster, node.node.name)
        if mode == "hang":
            with self._lock:
                self._hung.add(sock)  # accepted, never answered; closed when the lab stops
            self.log.add(SshEvent(node.cluster, node.node.name, "hang"))
            return
        self._spawn(f"ssh-setup-{node.node.name}", self._setup, node, sock)

    def _spawn(self, name: str, target: object, *args: object) -> None:
        def run() -> None:
            try:
                target(*args)  # type: ignore[operator]
            except Exception as exc:  # a lab bug: keep it visible to the tests
                self.errors.append(f"{name}: {type(exc).__name__}: {exc}")
            finally:
                with self._lock:
                    self._threads.discard(thread)

        thread = threading.Thread(target=run, name=f"netdoc-lab-{name}")
        with self._lock:
            self._threads.add(thread)
        thread.start()

    def _setup(self, node: SshNode, sock: socket.socket) -> None:
        delay = self.faults.ssh_banner_delay_s(node.cluster, node.node.name)
        if delay and self.stopping.wait(delay):
            sock.close()
            return
        transport = _Transport(sock)
        transport.local_version = BANNER
        transport.set_log_channel(TRANSPORT_LOG)
        changed = self.faults.host_key_changed(node.cluster, node.node.name)
        transport.add_server_key(node.changed_key if changed else node.host_key)
        with self._lock:
            self._transports = {t for t in self._transports if t.is_active()}
            self._transports.add(transport)
        self.log.add(
            SshEvent(node.cluster, node.node.name, "connect", detail="changed host key" if changed else "")
        )
        try:
            # with an event, start_server returns at once; the transport's own thread negotiates
            transport.start_server(event=threading.Event(), server=_Session(self, node, transport))
        except (paramiko.SSHException, OSError, EOFError):
            transport.close()

    def close(self) -> None:
        """Close every connection and wait for every thread the server started."""
        with self._lock:
            hung, self._hung = self._hung, set()
            transports = list(self._transports)
        for s in hung:
            s.close()
        for t in transports:
            t.close()
        for t in transports:
            t.join(timeout=10)
        while True:
            with self._lock:
                threads = list(self._threads)
            if not threads:
                break
            for th in threads:
                th.join(timeout=10)

    # ------------------------------------------------------------------ exec

    def _await_reply(self, replied: threading.Event) -> None:
        """Wait (briefly) until paramiko has answered the exec request; never past the lab's stop.

        A client that asked without want-reply gets no answer, hence the bound.
        """
        for _ in range(50):
            if replied.wait(0.1) or self.stopping.is_set():
                return

    def run_exec(self, node: SshNode, chan: paramiko.Channel, command: str, replied: threading.Event) -> None:
        cluster, name = node.cluster, node.node.name
        try:
            if command.strip() == BATCH_COMMAND and BATCH_COMMAND.split()[
                0
            ] not in self.faults.missing_programs(cluster, name):
                self._run_batch(node, chan, replied)
                return
            delay = self.faults.ssh_delay_s(cluster, name, command)
            if delay and self.stopping.wait(delay):
                self.log.add(SshEvent(cluster, name, "exec", self.user, command, None, "lab stopped"))
                return
            result = run_command(
                node.node,
                command,
                sudo_allowed=self.sudo_allowed and not self.faults.sudo_denied(cluster, name),
                missing=self.faults.missing_programs(cluster, name),
            )
            fault = self.faults.ssh_output(cluster, name, command)
            if fault is not None and fault.kind == "garbage":
                result = ExecResult(fault.garbage(f"{cluster}:{name}:{command}"), b"", 0)
            truncated = fault is not None and fault.kind == "truncated"
            # logged before the reply leaves: a client that has its answer finds the command in the log
            status = None if truncated else result.status
            detail = fault.kind if fault is not None else ""
            self.log.add(SshEvent(cluster, name, "exec", self.user, command, status, detail))
            if fault is not None and truncated:
                # the transfer is cut: some output, no exit status, the channel just closes
                chan.sendall(result.stdout[: fault.nbytes])
            elif fault is not None and fault.kind in ("huge", "trickle"):
                chan.sendall(result.stdout)
                if self._stream(chan, fault):
                    chan.send_exit_status(result.status)
                    chan.shutdown_write()
            else:
                chan.sendall(result.stdout)
                _finish(chan, result)
            self._await_reply(replied)
            chan.close()
        except (OSError, EOFError, paramiko.SSHException) as exc:
            self.log.add(
                SshEvent(cluster, name, "client_gone", self.user, command, detail=type(exc).__name__)
            )

    def _run_batch(self, node: SshNode, chan: paramiko.Channel, replied: threading.Event) -> None:
        """`bash -s`: the script from stdin (until EOF), run as bash would, with faults per command."""
        cluster, name = node.cluster, node.node.name
        chan.settimeout(30)
        script = bytearray()
        while chunk := chan.recv(65536):
            script += chunk
        steps = parse_batch(script.decode("utf-8", "replace"))
        if steps is None:
            message = (
                b"netdoc lab: bash -s: the script is not in netdoc's batch form (the only one simulated)\n"
            )
            self._reply(node, chan, replied, BATCH_COMMAND, ExecResult(b"", message, 2))
            return
        commands = [s.command for s in steps]
        delay = self.faults.ssh_batch_delay_s(cluster, name, commands)
        if delay and self.stopping.wait(delay):
            self.log.add(SshEvent(cluster, name, "exec", self.user, BATCH_COMMAND, None, "lab stopped"))
            return
        faults = {i: self.faults.ssh_batch_output(cluster, name, c) for i, c in enumerate(commands)}
        replaced = {
            i: f.garbage(f"{cluster}:{name}:{commands[i]}")
            for i, f in faults.items()
            if f and f.kind == "garbage"
        }
        ran = run_batch(
            node.node,
            steps,
            sudo_allowed=self.sudo_allowed and not self.faults.sudo_denied(cluster, name),
            missing=self.faults.missing_programs(cluster, name),
            replaced=replaced,
        )
        result, cut = ran.result, None
        whole = self.faults.ssh_batch_output(cluster, name, None)
        # huge, trickle: where the filler goes (after that command's own output), which fault
        inserts = sorted(
            (result.stdout.find(f"\n{steps[i].end} ".encode(), ran.starts[i]), f)
            for i, f in faults.items()
            if f and f.kind in ("huge", "trickle")
        )
        if whole is not None and whole.kind in ("huge", "trickle"):
            inserts = [(len(result.stdout), whole)]
        if whole is not None and whole.kind == "garbage":
            result = ExecResult(whole.garbage(f"{cluster}:{name}:{BATCH_COMMAND}"), b"", 0)
        elif inserts:
            pass
        elif whole is not None:
            cut = whole.nbytes
        else:
            cuts = [ran.starts[i] + f.nbytes for i, f in faults.items() if f and f.kind == "truncated"]
            cut = min(cuts) if cuts else None
        for command, status in zip(commands, ran.statuses, strict=True):
            self.log.add(SshEvent(cluster, name, "batch_command", self.user, command, status))
        detail = "truncated" if cut is not None else ("garbage" if whole or replaced else "")
        if inserts:
            detail = inserts[0][1].kind
        insert = inserts[0] if inserts else None
        self._reply(node, chan, replied, BATCH_COMMAND, result, cut=cut, detail=detail, insert=insert)

    def _reply(
        self,
        node: SshNode,
        chan: paramiko.Channel,
        replied: threading.Event,
        command: str,
        result: ExecResult,
        *,
        cut: int | None = None,
        detail: str = "",
        insert: tuple[int, Fault] | None = None,
    ) -> None:
        """Log the exec, then answer: output, exit status, EOF; or (`cut`) that many bytes, no status;
        `insert`: a huge or trickle fault's bytes at that offset of stdout."""
        status = None if cut is not None else result.status
        self.log.add(SshEvent(node.cluster, node.node.name, "exec", self.user, command, status, detail))
        if cut is not None:
            chan.sendall(result.stdout[:cut])
        else:
            at = insert[0] if insert is not None else len(result.stdout)
            chan.sendall(result.stdout[:at])
            if insert is not None and not self._stream(chan, insert[1]):
                return
            chan.sendall(result.stdout[at:])
            _finish(chan, result)
        self._await_reply(replied)
        chan.close()

    def _stream(self, chan: paramiko.Channel, fault: Fault) -> bool:
        """A huge fault's filler (True once sent whole), or a trickle until the client goes (False)."""
        if fault.kind == "huge":
            for piece in fault.filler():
                chan.sendall(piece)  # raises once the client has closed the channel (its limit)
            return True
        while not self.stopping.wait(fault.trickle_s):
            chan.sendall(b".")
        return False


class _Session(paramiko.ServerInterface):
    """What one connection to one node may do: authenticate with the lab key, then exec."""

    def __init__(self, server: SshServer, node: SshNode, transport: _Transport) -> None:
        self.server = server
        self.node = node
        self.transport = transport

    def _event(self, kind: str, user: str | None = None, detail: str = "") -> None:
        self.server.log.add(SshEvent(self.node.cluster, self.node.node.name, kind, user, detail=detail))

    def get_allowed_auths(self, username: str) -> str:
        return "publickey"

    def check_auth_none(self, username: str) -> int:
        return AUTH_FAILED

    def check_auth_password(self, username: str, password: str) -> int:
        self._event("auth_failed", username, "password authentication is refused")
        return AUTH_FAILED

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        if username == self.server.user and key == self.server.client_key:
            self._event("auth", username)
            return AUTH_SUCCESSFUL
        self._event("auth_failed", username, "unknown user or key")
        return AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        if kind == "session":
            return OPEN_SUCCEEDED
        self._event("refused_request", detail=f"channel {kind}")
        return OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_direct_tcpip_request(
        self, chanid: int, origin: tuple[str, int], destination: tuple[str, int]
    ) -> int:
        self._event("refused_request", detail=f"channel direct-tcpip to {destination[0]}:{destination[1]}")
        return OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_exec_request(self, channel: paramiko.Channel, command: bytes) -> bool:
        line = command.decode("utf-8", "replace")
        replied = self.transport.expect_reply(channel.remote_chanid)
        self.server._spawn(
            f"ssh-exec-{self.node.node.name}", self.server.run_exec, self.node, channel, line, replied
        )
        return True

    def check_channel_shell_request(self, channel: paramiko.Channel) -> bool:
        self._event("refused_request", detail="shell")
        return False

    def check_channel_pty_request(self, *args: object) -> bool:
        self._event("refused_request", detail="pty")
        return False

    def check_channel_subsystem_request(self, channel: paramiko.Channel, name: str) -> bool:
        self._event("refused_request", detail=f"subsystem {name}")
        return False

    def check_port_forward_request(self, address: str, port: int) -> int:
        self._event("refused_request", detail=f"port forward {address}:{port}")
        return False

    def check_channel_env_request(self, channel: paramiko.Channel, name: bytes, value: bytes) -> bool:
        return False


def _finish(chan: paramiko.Channel, result: ExecResult) -> None:
    """After stdout: stderr, the exit status, end of output (as sshd ends an exec)."""
    if result.stderr:
        chan.sendall_stderr(result.stderr)
    chan.send_exit_status(result.status)
    chan.shutdown_write()
