"""The lab's SSH server with the real client (paramiko): host keys, auth, exec, faults, concurrency."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import paramiko
import pytest

from netdoc.lab import keys
from netdoc.lab.runtime import LabRuntime, NodeEndpoint
from tests.lab import worlds
from tests.lab.conftest import run, ssh_connect


def node(lab: LabRuntime, name: str = "pve1") -> NodeEndpoint:
    return next(n for n in lab.clusters["lab1"].nodes if n.name == name)


def test_known_host_accepted_and_commands_answered(lab: LabRuntime) -> None:
    n = node(lab)
    with ssh_connect(n.address, n.ssh_port, lab) as client:
        assert run(client, "ip -j addr") == (b'[{"ifname":"lo"}]\n', b"", 0)
        assert run(client, "cat -- /etc/network/interfaces") == (worlds.INTERFACES, b"", 0)
        assert run(client, "cat /etc/hostname") == (b"pve1\n", b"", 0)
        out, err, status = run(client, "tail -n +1 -- /proc/net/bonding/* /etc/network/interfaces.d/*")
        assert status == 0 and err == b""
        assert (
            out
            == b"==> /proc/net/bonding/bond0 <==\n"
            + worlds.BOND
            + b"\n==> /etc/network/interfaces.d/sdn <==\n"
            + worlds.SDN
        )
        assert run(client, "sudo -n ovs-vsctl show") == (worlds.OVS_SHOW, b"", 0)
        assert run(client, "lldpctl -f json0") == (b"", b"bash: lldpctl: command not found\n", 127)
        assert run(client, "cat -- /etc/nope") == (b"", b"cat: /etc/nope: No such file or directory\n", 1)
        out, err, status = run(client, "tail -n +1 -- /etc/network/interfaces /sys/class/net/*/bonding")
        assert (out, status) == (
            b"==> /etc/network/interfaces <==\n" + worlds.INTERFACES,
            1,
        )  # two names: headers
        assert err == b"tail: cannot open '/sys/class/net/*/bonding' for reading: No such file or directory\n"
    execs = lab.ssh_log.records(lambda e: e.kind == "exec")
    assert [(e.command, e.exit_status) for e in execs][:2] == [
        ("ip -j addr", 0),
        ("cat -- /etc/network/interfaces", 0),
    ]
    assert {e.node for e in execs} == {"pve1"} and len(execs) == 8


def test_each_node_answers_for_itself(lab: LabRuntime) -> None:
    for name in ("pve2", "pve3"):
        n = node(lab, name)
        with ssh_connect(n.address, n.ssh_port, lab) as client:
            assert run(client, "cat /etc/hostname") == (f"{name}\n".encode(), b"", 0)
            assert run(client, "ovs-vsctl show")[2] == 127  # only pve1 has OVS in this world


def test_all_nodes_share_one_port_number(lab: LabRuntime) -> None:
    assert len({n.ssh_port for n in lab.clusters["lab1"].nodes}) == 1


def test_unknown_host_rejected(lab: LabRuntime, tmp_path: Path) -> None:
    n = node(lab)
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    with pytest.raises(paramiko.SSHException, match="not found in known_hosts"):
        ssh_connect(n.address, n.ssh_port, lab, known_hosts=empty)


def test_host_keys_persist_across_restarts(state_dir: Path) -> None:
    with LabRuntime(worlds.world(), state_dir) as lab:
        first = lab.known_hosts.read_text().split("\n")
        port = lab.clusters["lab1"].nodes[0].ssh_port
    with LabRuntime(worlds.world(), state_dir) as lab:
        second = lab.known_hosts.read_text().split("\n")
        port2 = lab.clusters["lab1"].nodes[0].ssh_port
    strip = lambda lines, p: [line.replace(f":{p} ", " ") for line in lines]  # noqa: E731
    assert strip(first, port) == strip(second, port2)
    assert len([line for line in first if line]) == 3


def test_changed_host_key_detected(lab: LabRuntime) -> None:
    lab.add_fault(kind="host_key_changed", node="pve2")
    n = node(lab, "pve2")
    with pytest.raises(paramiko.BadHostKeyException):
        ssh_connect(n.address, n.ssh_port, lab)
    lab.faults.clear()
    ssh_connect(n.address, n.ssh_port, lab).close()


def test_password_and_foreign_keys_refused(lab: LabRuntime, tmp_path: Path) -> None:
    n = node(lab)
    client = paramiko.SSHClient()
    client.load_host_keys(str(lab.known_hosts))
    with pytest.raises(paramiko.AuthenticationException):
        client.connect(
            n.address,
            n.ssh_port,
            username="root",
            password="root",
            look_for_keys=False,
            allow_agent=False,
            timeout=5,
        )
    client.close()
    other = keys.load_or_create(tmp_path / "other_key", "other")
    assert other != keys.load_or_create(lab.client_key_file, "x")
    with pytest.raises(paramiko.AuthenticationException):
        ssh_connect(n.address, n.ssh_port, lab, key_file=tmp_path / "other_key")
    with pytest.raises(paramiko.AuthenticationException):
        ssh_connect(n.address, n.ssh_port, lab, user="admin")
    assert lab.ssh_log.count(lambda e: e.kind == "auth_failed") >= 3


def test_no_shell_pty_or_forwarding(lab: LabRuntime) -> None:
    n = node(lab)
    with ssh_connect(n.address, n.ssh_port, lab) as client:
        transport = client.get_transport()
        assert transport is not None
        chan = transport.open_session()
        with pytest.raises(paramiko.SSHException):
            chan.get_pty()
        chan.close()
        chan = transport.open_session()
        with pytest.raises(paramiko.SSHException):
            chan.invoke_shell()
        chan.close()
        with pytest.raises(paramiko.ChannelException):
            transport.open_channel("direct-tcpip", ("127.0.0.1", 22), ("127.0.0.1", 5000))
        with pytest.raises(paramiko.SSHException):
            transport.request_port_forward("127.0.0.1", 0)
        with pytest.raises(paramiko.SSHException):
            client.open_sftp()
        assert run(client, "ip -j addr")[2] == 0  # the connection is still fine
    refused = {e.detail.split(" ")[0] for e in lab.ssh_log.records(lambda e: e.kind == "refused_request")}
    assert refused >= {"pty", "shell", "channel", "port", "subsystem"}


def test_many_commands_on_one_connection_in_parallel(lab: LabRuntime) -> None:
    n = node(lab)
    with ssh_connect(n.address, n.ssh_port, lab) as client:
        channels = [client.exec_command("cat /etc/hostname") for _ in range(20)]
        assert {(o.read(), o.channel.recv_exit_status()) for _, o, _ in channels} == {(b"pve1\n", 0)}


def test_concurrent_connections(lab: LabRuntime) -> None:
    count = 60
    results: list[tuple[bytes, int]] = []
    failures: list[BaseException] = []
    nodes = lab.clusters["lab1"].nodes

    def work(i: int) -> None:
        n = nodes[i % len(nodes)]
        try:
            with ssh_connect(n.address, n.ssh_port, lab, timeout=30, banner_timeout=30) as client:
                out, _, status = run(client, "cat /etc/hostname", timeout=30)
                results.append((out, status))
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert sorted(results) == sorted((f"pve{1 + i % 3}\n".encode(), 0) for i in range(count))
    assert lab.ssh_log.count(lambda e: e.kind == "auth") == count


def test_offline_node_refuses_connections(lab: LabRuntime) -> None:
    n = node(lab, "pve3")
    lab.add_fault(kind="offline", node="pve3")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((n.address, n.ssh_port), timeout=2)
    lab.faults.clear()
    ssh_connect(n.address, n.ssh_port, lab).close()  # listening again, on the same port


def test_ssh_refused(lab: LabRuntime) -> None:
    n = node(lab, "pve2")
    lab.add_fault(kind="ssh_refused", node="pve2")
    with pytest.raises(ConnectionRefusedError):
        ssh_connect(n.address, n.ssh_port, lab)
    other = node(lab, "pve1")
    ssh_connect(other.address, other.ssh_port, lab).close()


def test_ssh_hang_times_out_on_the_client(lab: LabRuntime) -> None:
    n = node(lab, "pve2")
    lab.add_fault(kind="ssh_hang", node="pve2")
    started = time.monotonic()
    with pytest.raises(paramiko.SSHException, match="banner"):
        ssh_connect(n.address, n.ssh_port, lab, timeout=2, banner_timeout=0.5)
    assert time.monotonic() - started < 3
    assert lab.ssh_log.count(lambda e: e.kind == "hang") == 1


def test_sudo_denied(lab: LabRuntime) -> None:
    n = node(lab)
    lab.add_fault(kind="sudo_denied", node="pve1")
    with ssh_connect(n.address, n.ssh_port, lab) as client:
        assert run(client, "sudo -n ip -j addr") == (b"", b"sudo: a password is required\n", 1)
        assert run(client, "ip -j addr")[2] == 0


def test_command_missing(lab: LabRuntime) -> None:
    n = node(lab)
    lab.add_fault(kind="command_missing", program="ovs-vsctl")
    with ssh_connect(n.address, n.ssh_port, lab) as client:
        assert run(client, "ovs-vsctl show") == (b"", b"bash: ovs-vsctl: command not found\n", 127)


def test_truncated_output(lab: LabRuntime) -> None:
    n = node(lab)
    lab.add_fault(kind="truncated", bytes=7, command="cat*", target="ssh")
    with ssh_connect(n.address, n.ssh_port, lab) as client:
        out, err, status = run(client, "cat -- /etc/network/interfaces")
        assert (out, err, status) == (worlds.INTERFACES[:7], b"", -1)  # cut: no exit status came
        assert run(client, "ip -j addr")[2] == 0


def test_garbage_output(lab: LabRuntime) -> None:
    n = node(lab)
    lab.add_fault(kind="garbage", bytes=100, seed=5, command="ip -j addr")
    with ssh_connect(n.address, n.ssh_port, lab) as client:
        first = run(client, "ip -j addr")
        assert first[2] == 0 and len(first[0]) == 100 and first[0] != b'[{"ifname":"lo"}]\n'
        assert run(client, "ip -j addr") == first  # seeded


def test_latency_on_ssh(lab: LabRuntime) -> None:
    n = node(lab)
    lab.add_fault(kind="latency", ms=200, command="ip *")
    with ssh_connect(n.address, n.ssh_port, lab) as client:
        started = time.monotonic()
        run(client, "ip -j addr")
        assert time.monotonic() - started >= 0.2
        started = time.monotonic()
        run(client, "cat /etc/hostname")
        assert time.monotonic() - started < 0.2


def test_slow_node_delays_banner_and_replies(lab: LabRuntime) -> None:
    n = node(lab, "pve3")
    lab.add_fault(kind="slow_node", node="pve3", ms=200)
    started = time.monotonic()
    with ssh_connect(n.address, n.ssh_port, lab) as client:
        assert time.monotonic() - started >= 0.2
        started = time.monotonic()
        run(client, "cat /etc/hostname")
        assert time.monotonic() - started >= 0.2


def test_stop_with_a_hanging_and_an_open_connection(state_dir: Path) -> None:
    with LabRuntime(worlds.world(), state_dir, faults=[{"kind": "ssh_hang", "node": "pve2"}]) as lab:
        hang = socket.create_connection((node(lab, "pve2").address, node(lab, "pve2").ssh_port))
        n = node(lab)
        client = ssh_connect(n.address, n.ssh_port, lab)
        lab.add_fault(kind="latency", ms=60_000, target="ssh")
        _, stdout, _ = client.exec_command("ip -j addr")  # its reply would take a minute
        started = time.monotonic()
    assert time.monotonic() - started < 5
    assert stdout.channel.recv_exit_status() == -1
    client.close()
    hang.close()
