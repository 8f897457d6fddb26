"""Throughput and latency of the lab's servers with the real clients (not part of the test run).

    .venv/bin/python benchmarks/lab_servers.py [--requests 2000] [--connections 100]

Prints API requests/s over HTTPS with proxmoxer (one client, then several threads), SSH connect
and per-command times with and without TCP_NODELAY on the client, and N concurrent SSH sessions.
"""

from __future__ import annotations

import argparse
import http.client
import socket
import ssl
import statistics
import tempfile
import threading
import time
from pathlib import Path

import paramiko
from proxmoxer import ProxmoxAPI

from netdoc.lab.runtime import ClusterEndpoint, LabRuntime
from netdoc.lab.world import LabCluster, LabNode, LabWorld


def world() -> LabWorld:
    names = ["pve1", "pve2", "pve3"]
    nodes = tuple(
        LabNode(
            n,
            f"127.0.90.{i}",
            files={"/etc/network/interfaces": b"auto lo\niface lo inet loopback\n" * 40},
            commands={"ip -j addr": b"[]\n"},
        )
        for i, n in enumerate(names, start=1)
    )
    api = {"/version": {"data": {"version": "8.2.4", "release": "8.2"}}}
    for n in names:
        api[f"/nodes/{n}/network"] = {
            "data": [{"iface": f"vmbr{i}", "type": "bridge", "active": 1} for i in range(8)]
        }
    return LabWorld((LabCluster("bench", nodes, api),))


def client(c: ClusterEndpoint) -> ProxmoxAPI:
    return ProxmoxAPI(
        c.api_host,
        port=c.api_port,
        user=c.credentials.user,
        token_name=c.credentials.token_id,
        token_value=c.credentials.token_secret,
        verify_ssl=str(c.ca_file),
        timeout=30,
    )


def api_rate(c: ClusterEndpoint, total: int, threads: int) -> float:
    per = total // threads

    def work(i: int) -> None:
        px = client(c)
        node = f"pve{1 + i % 3}"
        for _ in range(per):
            px.nodes(node).network.get()

    ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return per * threads / (time.perf_counter() - started)


def raw_rate(c: ClusterEndpoint, total: int) -> float:
    """The server alone: a minimal keep-alive client (http.client), no proxmoxer/requests on top."""
    conn = http.client.HTTPSConnection(
        c.api_host, c.api_port, context=ssl.create_default_context(cafile=str(c.ca_file))
    )
    headers = {"Authorization": f"PVEAPIToken={c.credentials.full_token_id}={c.credentials.token_secret}"}
    started = time.perf_counter()
    for _ in range(total):
        conn.request("GET", "/api2/json/nodes/pve1/network", headers=headers)
        conn.getresponse().read()
    conn.close()
    return total / (time.perf_counter() - started)


def ssh(lab: LabRuntime, address: str, port: int, nodelay: bool) -> paramiko.SSHClient:
    cl = paramiko.SSHClient()
    cl.load_host_keys(str(lab.known_hosts))
    cl.set_missing_host_key_policy(paramiko.RejectPolicy())
    sock = socket.create_connection((address, port), timeout=30)
    if nodelay:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    cl.connect(
        address,
        port,
        username="root",
        key_filename=str(lab.client_key_file),
        look_for_keys=False,
        allow_agent=False,
        sock=sock,
        timeout=30,
        banner_timeout=30,
        auth_timeout=30,
    )
    return cl


def ssh_times(lab: LabRuntime, nodelay: bool, rounds: int = 20) -> tuple[float, float]:
    n = lab.clusters["bench"].nodes[0]
    connects, commands = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        cl = ssh(lab, n.address, n.ssh_port, nodelay)
        connects.append(time.perf_counter() - started)
        for _ in range(5):
            started = time.perf_counter()
            _, out, _ = cl.exec_command("cat -- /etc/network/interfaces")
            out.read()
            out.channel.recv_exit_status()
            commands.append(time.perf_counter() - started)
        cl.close()
    return statistics.median(connects) * 1000, statistics.median(commands) * 1000


def concurrent(lab: LabRuntime, count: int) -> tuple[float, int]:
    nodes = lab.clusters["bench"].nodes
    failures: list[BaseException] = []

    def work(i: int) -> None:
        n = nodes[i % len(nodes)]
        try:
            cl = ssh(lab, n.address, n.ssh_port, True)
            _, out, _ = cl.exec_command("ip -j addr")
            out.read()
            out.channel.recv_exit_status()
            cl.close()
        except BaseException as exc:
            failures.append(exc)

    ts = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    started = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return time.perf_counter() - started, len(failures)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        started = time.perf_counter()
        with LabRuntime(world(), Path(state)) as lab:
            ms = (time.perf_counter() - started) * 1000
            print(f"lab start (fresh state dir: keys, CA, certificates): {ms:.0f} ms")
            c = lab.clusters["bench"]
            client(c).version.get()
            print(f"API over HTTPS, bare http.client keep-alive: {raw_rate(c, args.requests):.0f} requests/s")
            for threads in (1, 4, 8):
                rate = api_rate(c, args.requests, threads)
                print(f"API over HTTPS, proxmoxer, {threads} thread(s): {rate:.0f} requests/s")
            for nodelay in (True, False):
                connect_ms, command_ms = ssh_times(lab, nodelay)
                print(
                    f"SSH, client TCP_NODELAY={nodelay}: connect {connect_ms:.1f} ms, cmd {command_ms:.2f} ms"
                )
            for count in (50, args.connections):
                seconds, failed = concurrent(lab, count)
                print(f"SSH {count} concurrent connect+exec: {seconds:.2f} s, {failed} failed")
            assert lab.errors() == [], lab.errors()
        print(f"lab stopped, threads left: {threading.active_count() - 1}")


if __name__ == "__main__":
    main()
