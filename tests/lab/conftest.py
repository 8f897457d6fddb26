"""Fixtures for the lab's server tests: a running lab on loopback, real clients, leak checks."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import paramiko
import pytest

from netdoc.lab.runtime import LabRuntime
from tests.lab import worlds

_PORTS_SEEN: list[tuple[str, int]] = []


def lab_threads() -> list[threading.Thread]:
    """Threads the lab starts: acceptor/setup/exec threads, HTTPS connection threads, SSH transports."""
    return [
        t
        for t in threading.enumerate()
        if t.name.startswith("netdoc-lab")
        or "process_request_thread" in t.name
        or type(t).__name__ == "_Transport"
    ]


@pytest.fixture(scope="session")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One state dir for the session: keys and certificates are made once and reused, as in real use."""
    return tmp_path_factory.mktemp("labstate")


@pytest.fixture
def lab(state_dir: Path) -> Iterator[LabRuntime]:
    with LabRuntime(worlds.world(), state_dir) as running:
        for c in running.clusters.values():
            _PORTS_SEEN.append((c.api_host, c.api_port))
            _PORTS_SEEN.extend((n.address, n.ssh_port) for n in c.nodes)
        yield running
        errors = running.errors()
    assert errors == [], errors
    assert lab_threads() == [], "the lab left threads behind"


@pytest.fixture(scope="session", autouse=True)
def nothing_left_running() -> Iterator[None]:
    yield
    assert lab_threads() == []
    for address, port in _PORTS_SEEN:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((address, port), timeout=2).close()


def ssh_connect(
    address: str,
    port: int,
    lab: LabRuntime,
    *,
    known_hosts: Path | None = None,
    policy: paramiko.MissingHostKeyPolicy | None = None,
    key_file: Path | None = None,
    user: str = "root",
    timeout: float = 5.0,
    banner_timeout: float = 5.0,
) -> paramiko.SSHClient:
    """A real paramiko client over our own socket with TCP_NODELAY (see TESTBED.md)."""
    client = paramiko.SSHClient()
    client.load_host_keys(str(known_hosts or lab.known_hosts))
    client.set_missing_host_key_policy(policy or paramiko.RejectPolicy())
    sock = socket.create_connection((address, port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        client.connect(
            address,
            port,
            username=user,
            key_filename=str(key_file or lab.client_key_file),
            look_for_keys=False,
            allow_agent=False,
            sock=sock,
            timeout=timeout,
            banner_timeout=banner_timeout,
            auth_timeout=timeout,
        )
    except BaseException:
        client.close()
        sock.close()
        raise
    return client


def run(client: paramiko.SSHClient, command: str, timeout: float = 10.0) -> tuple[bytes, bytes, int]:
    _, stdout, stderr = client.exec_command(command, timeout=timeout)
    out, err = stdout.read(), stderr.read()
    return out, err, stdout.channel.recv_exit_status()
