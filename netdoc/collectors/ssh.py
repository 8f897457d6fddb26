"""SSH to one node (paramiko): one connection for all its commands, host key verified, timeouts.

    with SshSession.open(target, ssh_cfg, host_keys, timeout=10) as s:
        result = s.run("ip -j addr", timeout=10)      # exit status, stdout, stderr
        result = s.run("bash -s", timeout=10, stdin=script)   # a batch (batch.py)

The socket is our own, with TCP_NODELAY (paramiko leaves Nagle on: 60 -> 18 ms to connect,
48 -> 4 ms per command on loopback). Timeouts bound the TCP connect, the banner, the key exchange,
the authentication and every command. Authentication: the inventory's key file, or the agent's
keys; never a password, never ~/.ssh/id_* guessed. Failures are outcome.py classes.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass
from types import TracebackType

import paramiko

from netdoc.collectors.capped import Capped, Sink
from netdoc.collectors.known_hosts import HostKeyPolicy, changed_key_message
from netdoc.collectors.outcome import Denied, Failed, HostKeyRejected, TimedOut, Unreachable
from netdoc.config import SshConfig

MAX_OUTPUT_BYTES = 64 * 1024 * 1024  # the default of the inventory's collect.max_output_mib


@dataclass(frozen=True)
class SshTarget:
    node: str
    address: str
    port: int

    @property
    def where(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"


@dataclass(frozen=True)
class CommandResult:
    command: str
    exit_status: int | None  # None: the channel closed before the command's exit status came
    stdout: bytes
    stderr: bytes
    seconds: float
    cut_at: int | None = None  # the output passed this many bytes: read no further (capped.py)

    @property
    def stderr_text(self) -> str:
        return self.stderr.decode("utf-8", errors="replace").strip()


def _socket(target: SshTarget, timeout: float) -> socket.socket:
    try:
        sock = socket.create_connection((target.address, target.port), timeout=timeout)
    except TimeoutError:
        raise TimedOut(f"SSH: timed out connecting to {target.where}") from None
    except ConnectionRefusedError:
        raise Unreachable(
            f"SSH: connection refused by {target.where} (sshd not running, or another port?)", transient=False
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        transient = isinstance(exc, ConnectionResetError)
        raise Unreachable(f"SSH: cannot connect to {target.where}: {reason}", transient=transient) from None
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class SshSession:
    """An open, authenticated SSH connection to one node."""

    def __init__(self, target: SshTarget, client: paramiko.SSHClient) -> None:
        self.target = target
        self.client = client
        self.commands_sent = 0

    @classmethod
    def open(cls, target: SshTarget, cfg: SshConfig, policy: HostKeyPolicy, *, timeout: float) -> SshSession:
        sock = _socket(target, timeout)
        client = paramiko.SSHClient()
        for path in policy.files:  # read-only: paramiko saves nothing back to these files
            if path.is_file():
                client.load_system_host_keys(str(path))
        client.set_missing_host_key_policy(policy)
        try:
            client.connect(
                target.address,
                port=target.port,
                username=cfg.user,
                key_filename=str(cfg.key_file) if cfg.key_file else None,
                allow_agent=cfg.use_agent,
                look_for_keys=False,
                sock=sock,
                timeout=timeout,
                # below `timeout`: the banner's own error must come before the key exchange's deadline
                banner_timeout=timeout * 0.8,
                auth_timeout=timeout,
                channel_timeout=timeout,
            )
        except BaseException as exc:
            client.close()
            sock.close()
            raise _connect_failure(exc, target, cfg, policy) from None
        return cls(target, client)

    @property
    def alive(self) -> bool:
        transport = self.client.get_transport()
        return transport is not None and transport.is_active()

    def run(
        self,
        command: str,
        *,
        timeout: float,
        stdin: bytes = b"",
        limit: int = MAX_OUTPUT_BYTES,
        sinks: tuple[Sink, Sink] | None = None,
    ) -> CommandResult:
        """Run one command; stdout and stderr read together, exit status waited for, all in `timeout`.

        `stdin` is sent whole before end-of-file (the batch's script for `bash -s`: batch.py).
        Each stream is kept up to `limit` bytes (or as `sinks` keep it: a batch's per command):
        when one is full the channel is closed at once and the result has no exit status and
        `cut_at` set, so that a huge or endless output costs `limit` bytes, never all of it.
        """
        start = time.monotonic()
        end = start + timeout
        transport = self.client.get_transport()
        if transport is None or not transport.is_active():
            raise Unreachable(f"SSH: the connection to {self.target.where} is closed")
        try:
            chan = transport.open_session(timeout=timeout)
        except (paramiko.SSHException, EOFError, OSError) as exc:  # the connection died under us
            raise Unreachable(
                f"SSH: cannot open a channel on {self.target.where}: {exc or type(exc).__name__}"
            ) from None
        self.commands_sent += 1
        try:
            chan.settimeout(timeout)
            # paramiko waits for the exec reply without a timeout: a watchdog closes the channel.
            watchdog = threading.Timer(max(0.01, end - time.monotonic()), chan.close)
            watchdog.daemon = True
            watchdog.start()
            try:
                chan.exec_command(command)
            except paramiko.SSHException:
                if time.monotonic() >= end - 0.01:
                    raise TimedOut(f"SSH: `{command}` was not started within {timeout:.0f} s") from None
                raise
            finally:
                watchdog.cancel()
            if stdin:
                # a command that ends without reading it all (e.g. no such program) closes the
                # channel under us: what it printed says what happened, so that is no failure here
                with contextlib.suppress(OSError):
                    chan.sendall(stdin)
            chan.shutdown_write()
            out, err = sinks or (Capped(limit), Capped(limit))
            # Woken when stdout or stderr has data or the channel closes. Not select() on the
            # channel: its fileno() pipe races paramiko's transport thread when the channel is
            # closed while the server still sends (a reply cut at the limit), and that race killed
            # the whole connection ("Bad file descriptor" in the transport thread).
            ready = threading.Event()
            chan.in_buffer.set_event(ready)
            chan.in_stderr_buffer.set_event(ready)
            while not chan.eof_received:
                left = end - time.monotonic()
                if left <= 0:
                    raise TimedOut(f"SSH: `{command}` gave no complete answer within {timeout:.0f} s")
                if not (chan.recv_ready() or chan.recv_stderr_ready() or chan.closed):
                    ready.wait(min(left, 0.5))  # a feed after this check sets it: no lost wake-up
                if _drain(chan, out, err):
                    return self._cut(chan, command, out, err, limit=limit, start=start)
                if chan.closed:
                    break
            if _drain(chan, out, err):
                return self._cut(chan, command, out, err, limit=limit, start=start)
            if not chan.status_event.wait(max(0.0, end - time.monotonic())):
                raise TimedOut(f"SSH: `{command}` did not exit within {timeout:.0f} s")
            if _drain(chan, out, err):
                return self._cut(chan, command, out, err, limit=limit, start=start)
            status = chan.exit_status if chan.exit_status_ready() and chan.exit_status != -1 else None
            return CommandResult(command, status, out.value(), err.value(), time.monotonic() - start)
        except TimeoutError:
            raise TimedOut(f"SSH: `{command}` timed out after {timeout:.0f} s") from None
        except paramiko.SSHException as exc:
            raise Unreachable(f"SSH: `{command}` failed: {exc}") from None
        except EOFError:  # paramiko's word for "the server closed the connection"
            raise Unreachable(f"SSH: {self.target.where} closed the connection during `{command}`") from None
        finally:
            # Closing a channel sends a message: on a connection the server has just dropped (it
            # may, once a reply is cut at the limit) that raises EOFError, which must not replace
            # the result or the failure above.
            with contextlib.suppress(EOFError, OSError, paramiko.SSHException):
                chan.close()

    @staticmethod
    def _cut(
        chan: paramiko.Channel, command: str, out: Sink, err: Sink, *, limit: int, start: float
    ) -> CommandResult:
        """A result cut at the limit: what was kept, no exit status (the channel is closed after).

        What stderr holds already is kept too (a batch's commands before the cut need theirs)."""
        while not err.full and chan.recv_stderr_ready():
            err.feed(chan.recv_stderr(65536))
        return CommandResult(command, None, out.value(), err.value(), time.monotonic() - start, cut_at=limit)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> SshSession:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _drain(chan: paramiko.Channel, out: Sink, err: Sink) -> bool:
    """Move what has arrived into the sinks; True as soon as one of them is full (stop reading)."""
    while chan.recv_ready():
        out.feed(chan.recv(65536))
        if out.full:
            return True
    while chan.recv_stderr_ready():
        err.feed(chan.recv_stderr(65536))
        if err.full:
            return True
    return False


def _connect_failure(
    exc: BaseException, target: SshTarget, cfg: SshConfig, policy: HostKeyPolicy
) -> BaseException:
    where = target.where
    if isinstance(exc, HostKeyRejected):
        return exc
    if isinstance(exc, paramiko.BadHostKeyException):
        return HostKeyRejected(changed_key_message(exc.hostname, exc.key, exc.expected_key, policy.files))
    if isinstance(exc, paramiko.PasswordRequiredException):
        return Failed(
            f"SSH: the key file {cfg.key_file} is protected by a passphrase: load it into "
            "ssh-agent and set use_agent: true (netdoc never asks for a passphrase)"
        )
    if isinstance(exc, paramiko.AuthenticationException):
        how = f"key file {cfg.key_file}" if cfg.key_file else "the SSH agent's keys"
        return Denied(
            f"SSH: {cfg.user}@{where} refused {how} (is the public key in the user's "
            "authorized_keys on the node?)"
        )
    if isinstance(exc, FileNotFoundError):
        return Failed(f"SSH: key file not found: {exc.filename or cfg.key_file}")
    if isinstance(exc, TimeoutError):
        return TimedOut(f"SSH: {where} timed out during the handshake")
    if isinstance(exc, paramiko.SSHException):
        text = str(exc)
        if "banner" in text.lower():
            return TimedOut(f"SSH: {where} sent no SSH banner within the timeout (hung sshd or not SSH?)")
        if "No existing session" in text:
            # paramiko's key exchange ran out of time without saying so (start_client just returns)
            return TimedOut(f"SSH: the handshake with {where} did not complete within the timeout")
        if "No authentication methods" in text:
            return Denied(f"SSH: no key to log in to {where} with (no key_file, and no agent keys)")
        return Unreachable(f"SSH: handshake with {where} failed: {text}")
    if isinstance(exc, EOFError | ConnectionError):
        return Unreachable(f"SSH: {where} closed the connection during the handshake")
    if isinstance(exc, OSError):
        return Unreachable(f"SSH: {where}: {exc.strerror or type(exc).__name__}")
    return exc
