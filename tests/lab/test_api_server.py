"""The lab's API over real HTTPS with the real client (proxmoxer) and raw requests."""

from __future__ import annotations

import hashlib
import http.client
import socket
import ssl
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from proxmoxer import AuthenticationError, ProxmoxAPI, ResourceException

from netdoc.lab.endpoints import ClusterEndpoint
from netdoc.lab.runtime import LabRuntime
from netdoc.lab.tls import LabCA
from tests.lab.conftest import lab_threads


def api(c: ClusterEndpoint, *, secret: str | None = None, verify: str | bool | None = None) -> ProxmoxAPI:
    return ProxmoxAPI(
        c.api_host,
        port=c.api_port,
        user=c.credentials.user,
        token_name=c.credentials.token_id,
        token_value=secret if secret is not None else c.credentials.token_secret,
        verify_ssl=str(c.ca_file) if verify is None else verify,
        timeout=10,
    )


def raw(
    c: ClusterEndpoint, method: str, path: str, headers: dict[str, str] | None = None, body: str | None = None
) -> http.client.HTTPResponse:
    ctx = ssl.create_default_context(cafile=str(c.ca_file))
    conn = http.client.HTTPSConnection(c.api_host, c.api_port, context=ctx, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp


def token_header(c: ClusterEndpoint) -> dict[str, str]:
    return {"Authorization": f"PVEAPIToken={c.credentials.full_token_id}={c.credentials.token_secret}"}


@pytest.fixture
def c(lab: LabRuntime) -> ClusterEndpoint:
    return lab.clusters["lab1"]


def test_token_auth_reads_every_kind_of_path(lab: LabRuntime, c: ClusterEndpoint) -> None:
    px = api(c)
    assert px.version.get() == {"version": "8.2.4", "release": "8.2", "repoid": "faa83925"}
    assert [i["iface"] for i in px.nodes("pve2").network.get()] == ["vmbr0", "eno1", "bond0"]
    assert px.nodes("pve1").qemu(101).config.get() == {"net0": "virtio=BC:24:11:00:00:01,bridge=vmbr0"}
    assert {i["type"] for i in px.cluster.resources.get(type="vm")} == {"qemu", "lxc"}
    log = lab.api_log.records()
    assert [(r.method, r.path, r.query, r.auth, r.status) for r in log] == [
        ("GET", "/version", "", "token", 200),
        ("GET", "/nodes/pve2/network", "", "token", 200),
        ("GET", "/nodes/pve1/qemu/101/config", "", "token", 200),
        ("GET", "/cluster/resources", "type=vm", "token", 200),
    ]
    assert [r.node for r in log] == [None, "pve2", "pve1", None]
    assert {r.user for r in log} == {"netdoc@pve!collect"}


def test_reply_headers_and_body_shape(c: ClusterEndpoint) -> None:
    r = requests.get(
        f"{c.base_url}/cluster/sdn/vnets", headers=token_header(c), verify=str(c.ca_file), timeout=10
    )
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert r.headers["Server"] == "pve-api-daemon/3.0"
    assert r.headers["Connection"] == "Keep-Alive"
    assert r.json() == {
        "data": [{"vnet": "vnet1", "zone": "z1", "tag": 100, "type": "vnet"}],
        "changes": "--- a\n+++ b\n",
    }


def test_large_replies_are_gzipped_when_accepted(lab: LabRuntime, c: ClusterEndpoint) -> None:
    r = requests.get(
        f"{c.base_url}/nodes/pve1/hosts", headers=token_header(c), verify=str(c.ca_file), timeout=10
    )
    assert len(r.content) > 1024 and r.headers.get("Content-Encoding") == "gzip"
    assert int(r.headers["Content-Length"]) < len(r.content)  # what travelled was compressed
    assert r.json()["data"]["data"].count("\n") == 79
    small = requests.get(f"{c.base_url}/version", headers=token_header(c), verify=str(c.ca_file), timeout=10)
    assert "Content-Encoding" not in small.headers
    plain = requests.get(
        f"{c.base_url}/nodes/pve1/hosts",
        headers={**token_header(c), "Accept-Encoding": "identity"},
        verify=str(c.ca_file),
        timeout=10,
    )
    assert "Content-Encoding" not in plain.headers and plain.json() == r.json()


def test_bad_token_is_401_with_the_reason_in_the_status_line(lab: LabRuntime, c: ClusterEndpoint) -> None:
    with pytest.raises(ResourceException) as info:
        api(c, secret="00000000-0000-0000-0000-000000000000").version.get()
    assert info.value.status_code == 401 and info.value.content == "invalid token value!"
    resp = raw(c, "GET", "/api2/json/version", {"Authorization": "PVEAPIToken=netdoc@pve!other=x"})
    assert (resp.status, resp.reason) == (401, "no such token 'other' for user 'netdoc@pve'")
    resp = raw(c, "GET", "/api2/json/version")
    assert (resp.status, resp.reason, resp.getheader("Content-Length")) == (401, "No ticket", "0")
    assert resp.getheader("Connection") == "close"
    assert [r.status for r in lab.api_log.records()] == [401, 401, 401]


def test_ticket_auth(lab: LabRuntime, c: ClusterEndpoint) -> None:
    px = ProxmoxAPI(
        c.api_host,
        port=c.api_port,
        user=c.credentials.user,
        password=c.credentials.password,
        verify_ssl=str(c.ca_file),
        timeout=10,
    )
    assert px.cluster.status.get()[0]["name"] == "lab1"
    ticket, csrf = px.get_tokens()
    assert ticket.startswith("PVE:netdoc@pve:") and csrf
    log = lab.api_log.records()
    assert [(r.method, r.path, r.auth, r.status) for r in log] == [
        ("POST", "/access/ticket", "password", 200),
        ("GET", "/cluster/status", "ticket", 200),
    ]
    # a write with the ticket but without the CSRF token is refused before anything else
    resp = raw(c, "PUT", "/api2/json/nodes/pve1/network", {"Cookie": f"PVEAuthCookie={ticket}"})
    assert (resp.status, resp.reason) == (401, "Permission denied - invalid csrf token")
    # with it, the lab is still read-only
    with pytest.raises(ResourceException) as info:
        px.nodes("pve1").network.post(iface="vmbr9", type="bridge")
    assert (
        info.value.status_code == 501
        and info.value.content == "Method 'POST /nodes/pve1/network' not implemented"
    )


def test_ticket_reply_shape(c: ClusterEndpoint) -> None:
    r = requests.post(
        f"{c.base_url}/access/ticket",
        data={"username": "netdoc", "realm": "pve", "password": c.credentials.password},
        verify=str(c.ca_file),
        timeout=10,
    )
    data = r.json()["data"]
    assert set(data) == {"username", "ticket", "CSRFPreventionToken", "clustername", "cap"}
    assert data["username"] == "netdoc@pve" and data["cap"]["nodes"] == {"Sys.Audit": 1}
    # a forged or expired ticket is refused
    forged = data["ticket"][:-4] + "AAAA"
    resp = raw(c, "GET", "/api2/json/version", {"Cookie": f"PVEAuthCookie={forged}"})
    assert (resp.status, resp.reason) == (401, "permission denied - invalid PVE ticket")


def test_bad_password(c: ClusterEndpoint) -> None:
    with pytest.raises(AuthenticationError):
        ProxmoxAPI(
            c.api_host, port=c.api_port, user="netdoc@pve", password="wrong", verify_ssl=str(c.ca_file)
        )
    r = requests.post(
        f"{c.base_url}/access/ticket",
        data={"username": "netdoc@pve", "password": "wrong"},
        verify=str(c.ca_file),
        timeout=10,
    )
    assert r.status_code == 401 and r.json() == {"data": None, "message": "authentication failure\n"}
    r = requests.post(f"{c.base_url}/access/ticket", data={}, verify=str(c.ca_file), timeout=10)
    assert r.status_code == 400 and set(r.json()["errors"]) == {"username", "password"}


def test_unknown_path_is_501_not_implemented(c: ClusterEndpoint) -> None:
    with pytest.raises(ResourceException) as info:
        api(c).nodes("pve1").nothing.get()
    assert info.value.status_code == 501
    assert info.value.content == "Method 'GET /nodes/pve1/nothing' not implemented"
    resp = raw(c, "HEAD", "/api2/json/version", token_header(c))
    assert (resp.status, resp.reason) == (501, "method 'HEAD' not available")
    resp = raw(c, "GET", "/index.html")
    assert resp.status == 501


def test_400_for_bad_parameters(c: ClusterEndpoint) -> None:
    with pytest.raises(ResourceException) as info:
        api(c).cluster.resources.get(type="vms")
    assert info.value.status_code == 400
    assert info.value.errors == {
        "type": "value 'vms' does not have a value in the enumeration 'vm, storage, node, sdn'"
    }


def test_writes_are_refused_and_logged(lab: LabRuntime, c: ClusterEndpoint) -> None:
    px = api(c)
    for call in (
        lambda: px.nodes("pve1").network.post(iface="x"),
        lambda: px.storage("local").put(content="iso"),
        lambda: px.nodes("pve1").qemu(101).delete(),
    ):
        with pytest.raises(ResourceException) as info:
            call()
        assert info.value.status_code == 501
    assert [r.method for r in lab.api_log.records()] == ["POST", "PUT", "DELETE"]
    assert lab.api_log.count(lambda r: r.method != "GET") == 3


def test_get_with_a_body_is_refused(c: ClusterEndpoint) -> None:
    resp = raw(c, "GET", "/api2/json/version", {**token_header(c), "Content-Length": "3"}, body="abc")
    assert (resp.status, resp.reason) == (501, "Unexpected content for method 'GET'")


def test_offline_node_595_and_cluster_status(lab: LabRuntime, c: ClusterEndpoint) -> None:
    lab.add_fault(kind="offline", node="pve2")
    px = api(c)
    with pytest.raises(ResourceException) as info:
        px.nodes("pve2").network.get()
    assert info.value.status_code == 595 and info.value.content == "No route to host"
    assert str(info.value).startswith(
        "595 Errors during connection establishment, proxy handshake: No route to host"
    )
    status = {i["name"]: i["online"] for i in px.cluster.status.get() if i["type"] == "node"}
    assert status == {"pve1": 1, "pve2": 0, "pve3": 1}
    assert {n["node"]: n["status"] for n in px.nodes.get()}["pve2"] == "offline"
    assert px.nodes("pve1").network.get()  # the others still answer
    lab.faults.clear()
    assert px.nodes("pve2").network.get()


def test_unknown_node_is_a_500(c: ClusterEndpoint) -> None:
    with pytest.raises(ResourceException) as info:
        api(c).nodes("pve9").network.get()
    assert info.value.status_code == 500 and "hostname lookup 'pve9' failed" in info.value.content


def test_forbidden_path_403(lab: LabRuntime, c: ClusterEndpoint) -> None:
    lab.add_fault(kind="forbidden", path="/nodes/pve2/*")
    px = api(c)
    with pytest.raises(ResourceException) as info:
        px.nodes("pve2").network.get()
    assert (
        info.value.status_code == 403
        and info.value.content == "Permission check failed (/nodes/pve2, Sys.Audit)"
    )
    with pytest.raises(ResourceException) as info:
        px.nodes("pve2").qemu(102).config.get()
    assert info.value.content == "Permission check failed (/vms/102, VM.Audit)"
    lab.add_fault(kind="forbidden", path="/storage", privilege="Datastore.Audit", acl_path="/storage/nfs1")
    with pytest.raises(ResourceException) as info:
        px.storage.get()
    assert info.value.content == "Permission check failed (/storage/nfs1, Datastore.Audit)"
    assert px.nodes("pve1").network.get()


def test_auth_failure_fault(lab: LabRuntime, c: ClusterEndpoint) -> None:
    lab.add_fault(kind="auth_failure", delay_ms=50)
    started = time.monotonic()
    with pytest.raises(ResourceException) as info:
        api(c).version.get()
    assert info.value.status_code == 401 and time.monotonic() - started >= 0.05
    with pytest.raises(AuthenticationError):
        ProxmoxAPI(
            c.api_host,
            port=c.api_port,
            user="netdoc@pve",
            password=c.credentials.password,
            verify_ssl=str(c.ca_file),
        )


def test_api_latency_fault(lab: LabRuntime, c: ClusterEndpoint) -> None:
    px = api(c)
    px.version.get()
    lab.add_fault(kind="latency", ms=200, path="/cluster/*")
    started = time.monotonic()
    px.cluster.status.get()
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    px.version.get()
    assert time.monotonic() - started < 0.2


def test_slow_node_fault_on_api(lab: LabRuntime, c: ClusterEndpoint) -> None:
    lab.add_fault(kind="slow_node", node="pve3", ms=250)
    px = api(c)
    started = time.monotonic()
    px.nodes("pve3").network.get()
    assert time.monotonic() - started >= 0.25
    started = time.monotonic()
    px.nodes("pve1").network.get()
    assert time.monotonic() - started < 0.25


def test_truncated_api_reply(lab: LabRuntime, c: ClusterEndpoint) -> None:
    lab.add_fault(kind="truncated", bytes=10, path="/nodes/*/network", target="api")
    with pytest.raises(requests.exceptions.RequestException):
        api(c).nodes("pve1").network.get()
    assert api(c).version.get()["version"] == "8.2.4"


def test_garbage_api_reply(lab: LabRuntime, c: ClusterEndpoint) -> None:
    lab.add_fault(kind="garbage", bytes=40, seed=1, path="/version")
    px = api(c)
    first = px.version.get()
    assert isinstance(first, dict) and set(first) == {
        "errors"
    }  # proxmoxer's answer to a body it cannot parse
    assert len(first["errors"]) == 40 and px.version.get() == first  # seeded: the same every time


def test_tls_verification_fails_with_another_ca(c: ClusterEndpoint, tmp_path: Path) -> None:
    other = LabCA(tmp_path / "other")
    with pytest.raises(requests.exceptions.SSLError):
        api(c, verify=str(other.ca_file)).version.get()
    with pytest.raises(requests.exceptions.SSLError):
        api(c, verify=True).version.get()  # the system's CAs do not know the lab


def test_fingerprint_matches_the_served_certificate(lab: LabRuntime, c: ClusterEndpoint) -> None:
    ctx = ssl.create_default_context(cafile=str(c.ca_file))
    with (
        socket.create_connection((c.api_host, c.api_port)) as s,
        ctx.wrap_socket(s, server_hostname=c.api_host) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    digest = hashlib.sha256(der).hexdigest().upper()
    assert c.fingerprint == ":".join(digest[i : i + 2] for i in range(0, 64, 2))
    # GET /nodes shows the API node's real certificate fingerprint
    nodes = {n["node"]: n for n in api(c).nodes.get()}
    assert nodes[c.api_node]["ssl_fingerprint"] == c.fingerprint


def test_hostname_localhost_is_in_the_certificate(c: ClusterEndpoint) -> None:
    ctx = ssl.create_default_context(cafile=str(c.ca_file))
    with (
        socket.create_connection((c.api_host, c.api_port)) as s,
        ctx.wrap_socket(s, server_hostname="localhost") as tls,
    ):
        assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_concurrent_clients_and_the_request_log(lab: LabRuntime, c: ClusterEndpoint) -> None:
    per_thread = 25
    failures: list[BaseException] = []

    def work(node: str) -> None:
        try:
            px = api(c)
            for _ in range(per_thread):
                assert px.nodes(node).network.get()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(f"pve{1 + i % 3}",)) for i in range(9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert lab.api_log.counter(lambda r: r.node) == Counter({"pve1": 75, "pve2": 75, "pve3": 75})
    assert lab.api_log.count(lambda r: r.status != 200) == 0


def test_keep_alive_connection_is_cut_when_the_lab_stops(state_dir: Path) -> None:
    from tests.lab import worlds

    with LabRuntime(worlds.world(), state_dir) as lab:
        c = lab.clusters["lab1"]
        session = requests.Session()
        session.get(f"{c.base_url}/version", headers=token_header(c), verify=str(c.ca_file), timeout=10)
    # stop() returned although the client still holds an idle keep-alive connection
    assert lab_threads() == []
    session.close()
