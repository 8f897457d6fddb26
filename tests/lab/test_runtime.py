"""The lab runtime: inventory, state directory, validation, listeners that follow faults, clean stop."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import paramiko
import pytest
import yaml
from proxmoxer import ProxmoxAPI

from netdoc.errors import ConfigError
from netdoc.lab.runtime import LabRuntime
from netdoc.lab.world import LabCluster, LabNode, LabWorld
from tests.lab import worlds
from tests.lab.conftest import lab_threads, run, ssh_connect

REPO = Path(__file__).resolve().parents[2]


def refused(address: str, port: int) -> bool:
    try:
        socket.create_connection((address, port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_inventory_points_at_the_lab(lab: LabRuntime, tmp_path: Path) -> None:
    path = lab.write_inventory(tmp_path / "inv" / "lab.yml")
    inv = yaml.safe_load(path.read_text())
    (cluster,) = inv["clusters"]
    assert list(cluster) == ["name", "api", "ssh", "nodes"]
    assert set(cluster["api"]) == {
        "host",
        "port",
        "user",
        "token_id",
        "token_secret",
        "ca_file",
        "fingerprint",
        "verify_tls",
        "timeout_s",
    }
    assert set(cluster["ssh"]) == {
        "user",
        "port",
        "key_file",
        "known_hosts",
        "use_agent",
        "sudo",
        "timeout_s",
    }
    assert all(set(n) == {"name", "address", "ssh_port"} for n in cluster["nodes"])
    api, ssh = cluster["api"], cluster["ssh"]
    assert api["token_secret"].startswith("file:") and api["verify_tls"] is True and ssh["use_agent"] is False
    secret_file = Path(api["token_secret"][5:])
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert lab.clusters["lab1"].credentials.token_secret not in path.read_text()  # secrets stay out
    # a client configured from nothing but the inventory gets in, over verified TLS and SSH
    px = ProxmoxAPI(
        api["host"],
        port=api["port"],
        user=api["user"],
        token_name=api["token_id"],
        token_value=secret_file.read_text().strip(),
        verify_ssl=api["ca_file"],
    )
    assert px.version.get()["release"] == "8.2"
    n = cluster["nodes"][1]
    client = paramiko.SSHClient()
    client.load_host_keys(ssh["known_hosts"])
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(
        n["address"],
        n["ssh_port"],
        username=ssh["user"],
        key_filename=ssh["key_file"],
        look_for_keys=False,
        allow_agent=False,
        timeout=5,
    )
    with client:
        assert run(client, "cat /etc/hostname")[0] == b"pve2\n"


def test_inventory_passes_netdocs_own_validation(lab: LabRuntime, tmp_path: Path) -> None:
    from netdoc.config import load_inventory

    inv = load_inventory(lab.write_inventory(tmp_path / "lab.yml"))
    assert inv.warnings() == []
    (cluster,) = inv.clusters
    c = lab.clusters["lab1"]
    assert cluster.api is not None and cluster.ssh is not None and cluster.nodes is not None
    assert cluster.api.tls_mode == "verify" and cluster.api.verify_ssl == str(c.ca_file)
    assert cluster.api.auth == "token" and cluster.api.fingerprint is not None
    assert (
        cluster.api.token_secret is not None
        and cluster.api.token_secret.reveal() == c.credentials.token_secret
    )
    assert [(n.name, n.address, n.ssh_port) for n in cluster.nodes] == [
        (n.name, n.address, n.ssh_port) for n in c.nodes
    ]
    assert cluster.ssh.known_hosts == lab.known_hosts and cluster.ssh.use_agent is False


def test_secrets_and_keys_are_private(lab: LabRuntime) -> None:
    root = lab.state_dir
    private = [
        *root.glob("tls/*.key"),
        *root.glob("api/*"),
        lab.client_key_file,
        *root.glob("ssh/host_keys/*/*_ed25519"),
    ]
    assert len(private) >= 7
    assert {stat.S_IMODE(p.stat().st_mode) for p in private} == {0o600}


def test_state_survives_a_restart(state_dir: Path) -> None:
    with LabRuntime(worlds.world(), state_dir) as first:
        a = first.clusters["lab1"]
    with LabRuntime(worlds.world(), state_dir) as second:
        b = second.clusters["lab1"]
    assert (a.fingerprint, a.credentials, a.ca_file) == (b.fingerprint, b.credentials, b.ca_file)


def test_summary_names_what_a_user_needs(lab: LabRuntime) -> None:
    text = "\n".join(lab.summary())
    c = lab.clusters["lab1"]
    assert c.fingerprint in text and c.base_url in text and str(lab.known_hosts) in text
    assert c.credentials.token_secret not in text


def test_world_validation(tmp_path: Path) -> None:
    bad = LabWorld(
        (
            LabCluster(
                "a", (LabNode("n1", "192.0.2.1"), LabNode("n2", "127.0.77.9"), LabNode("n2", "127.0.77.9"))
            ),
            LabCluster("a", ()),
        )
    )
    with pytest.raises(ConfigError) as info:
        LabRuntime(bad, tmp_path)
    assert [p.key_path for p in info.value.problems] == [
        "clusters[0].nodes[0].address",
        "clusters[0].nodes[2].name",
        "clusters[0].nodes[2].address",
        "clusters[1].name",
        "clusters[1].nodes",
    ]
    assert "not a loopback address" in info.value.problems[0].message


def test_fault_validation_at_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        LabRuntime(worlds.world(), tmp_path, faults=[{"kind": "offline", "node": "pve7"}])
    assert info.value.problems[0].key_path == "faults[0].node"
    bad_definition = worlds.world(worlds.cluster(faults=({"kind": "latency"},)))
    with pytest.raises(ConfigError, match="cluster lab1"):
        LabRuntime(bad_definition, tmp_path)


def test_definition_faults_apply_to_their_cluster(state_dir: Path) -> None:
    w = worlds.world(
        worlds.cluster("a", "127.0.78", 2, faults=({"kind": "ssh_refused"},)),
        worlds.cluster("b", "127.0.79", 2),
    )
    with LabRuntime(w, state_dir) as lab:
        a, b = lab.clusters["a"], lab.clusters["b"]
        assert refused(a.nodes[0].address, a.nodes[0].ssh_port)
        ssh_connect(b.nodes[0].address, b.nodes[0].ssh_port, lab).close()
        # two clusters: two APIs, two certificates, each token good for its own cluster only
        assert a.fingerprint != b.fingerprint and a.credentials.token_secret != b.credentials.token_secret
        px = ProxmoxAPI(
            b.api_host,
            port=b.api_port,
            user="netdoc@pve",
            token_name="collect",
            token_value=a.credentials.token_secret,
            verify_ssl=str(b.ca_file),
        )
        with pytest.raises(Exception, match="401"):
            px.version.get()


def test_node_down_in_the_world_and_api_host_choice(state_dir: Path) -> None:
    c = worlds.cluster()
    nodes = (LabNode(c.nodes[0].name, c.nodes[0].address, online=False), *c.nodes[1:])
    w = LabWorld((LabCluster(c.name, nodes, c.api),))
    with LabRuntime(w, state_dir) as lab:
        ep = lab.clusters["lab1"]
        assert ep.api_node == "pve2" and ep.api_host == "127.0.77.2"
        assert refused(ep.nodes[0].address, ep.nodes[0].ssh_port)
        px = ProxmoxAPI(
            ep.api_host,
            port=ep.api_port,
            user="netdoc@pve",
            token_name="collect",
            token_value=ep.credentials.token_secret,
            verify_ssl=str(ep.ca_file),
        )
        assert {i["name"]: i["online"] for i in px.cluster.status.get() if i["type"] == "node"}["pve1"] == 0


def test_api_host_going_offline_refuses_connections_until_it_returns(lab: LabRuntime) -> None:
    c = lab.clusters["lab1"]
    fault = lab.add_fault(kind="offline", node=c.api_node)
    assert refused(c.api_host, c.api_port)
    lab.faults.remove(fault)
    assert not refused(c.api_host, c.api_port)


def test_stop_closes_every_port_and_thread(state_dir: Path) -> None:
    lab = LabRuntime(worlds.world(), state_dir).start()
    c = lab.clusters["lab1"]
    n = c.nodes[0]
    client = ssh_connect(n.address, n.ssh_port, lab)
    lab.stop()
    lab.stop()  # idempotent
    client.close()
    assert refused(c.api_host, c.api_port)
    assert all(refused(x.address, x.ssh_port) for x in c.nodes)
    assert lab_threads() == []
    with pytest.raises(RuntimeError):
        lab.start()


def test_cli_serves_until_interrupted(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "import netdoc.lab.loader as loader\n"
        "from tests.lab import worlds\n"
        "loader.load_world = lambda scenario=None, definition=None: worlds.world()\n"
        "from netdoc.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    inventory = tmp_path / "lab.yml"
    args = [
        sys.executable,
        "-c",
        code,
        "lab",
        "serve",
        "--state-dir",
        str(tmp_path / "state"),
        "--write-inventory",
        str(inventory),
        "--fault",
        "kind=offline,node=pve3",
    ]
    proc = subprocess.Popen(
        args,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("inventory:"):
                break
        text = "".join(lines)
        assert f"inventory: {inventory}" in text and "fingerprint" in text and "(offline)" in text
        api = yaml.safe_load(inventory.read_text())["clusters"][0]["api"]
        px = ProxmoxAPI(
            api["host"],
            port=api["port"],
            user=api["user"],
            token_name=api["token_id"],
            token_value=Path(api["token_secret"][5:]).read_text().strip(),
            verify_ssl=api["ca_file"],
        )
        assert px.version.get()["version"] == "8.2.4"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "lab stopped" in err
    assert refused(api["host"], api["port"])
