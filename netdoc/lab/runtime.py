"""Start and stop a whole lab: every cluster's HTTPS API and every node's SSH, on loopback.

    with LabRuntime(world, state_dir) as lab:
        lab.clusters["lab1"].api_port, lab.write_inventory(path), lab.api_log, lab.faults.add(...)

The state directory keeps what must survive a restart (CA and certificates, host keys, the
client key, token secrets and passwords: private files 0600); ports are picked free on every
start. Stopping closes every listener and connection and joins every thread the lab started.
"""

from __future__ import annotations

import dataclasses
import functools
import secrets
import socket
import threading
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from netdoc.errors import ConfigError, ConfigProblem
from netdoc.lab import keys
from netdoc.lab.api_auth import ApiCredentials
from netdoc.lab.api_server import ApiServer
from netdoc.lab.endpoints import ClusterEndpoint, NodeEndpoint
from netdoc.lab.faults import Fault, FaultSet, check_scope, parse_faults
from netdoc.lab.inventory import write_inventory
from netdoc.lab.listen import Acceptor, check_loopback, listen_on, listen_same_port
from netdoc.lab.records import ApiRequest, RequestLog, SshEvent
from netdoc.lab.ssh_server import SshNode, SshServer
from netdoc.lab.tls import LabCA, write_private
from netdoc.lab.world import LabCluster, LabWorld


def _secret_file(path: Path, make: str) -> str:
    """A secret kept in a 0600 file: read it when present, else store `make`."""
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError:
        value = ""
    if not value:
        value = make
        write_private(path, (value + "\n").encode("utf-8"))
    return value


def _check_world(world: LabWorld) -> None:
    problems: list[ConfigProblem] = []
    seen: dict[str, str] = {}
    names: set[str] = set()
    if not world.clusters:
        problems.append(ConfigProblem("clusters", "the lab has no cluster"))
    for ci, cluster in enumerate(world.clusters):
        if cluster.name in names:
            problems.append(ConfigProblem(f"clusters[{ci}].name", f"duplicate cluster name {cluster.name!r}"))
        names.add(cluster.name)
        if not cluster.nodes:
            problems.append(ConfigProblem(f"clusters[{ci}].nodes", "the cluster has no node"))
        node_names: set[str] = set()
        for ni, node in enumerate(cluster.nodes):
            where = f"clusters[{ci}].nodes[{ni}]"
            if node.name in node_names:
                problems.append(ConfigProblem(f"{where}.name", f"duplicate node name {node.name!r}"))
            node_names.add(node.name)
            try:
                check_loopback(node.address)
            except ValueError as exc:
                problems.append(ConfigProblem(f"{where}.address", str(exc)))
                continue
            if node.address in seen:
                problems.append(
                    ConfigProblem(
                        f"{where}.address", f"{node.address} is already the address of {seen[node.address]}"
                    )
                )
            seen[node.address] = f"{cluster.name}/{node.name}"
    if problems:
        raise ConfigError("lab world", problems)


class LabRuntime:
    """The running lab (a context manager). Not restartable: make a new one to start again."""

    def __init__(
        self,
        world: LabWorld,
        state_dir: Path,
        *,
        faults: Iterable[Mapping[str, Any] | Fault] = (),
        api_port: int = 0,
        ssh_port: int = 0,
        ssh_user: str = "root",
        sudo_allowed: bool = True,
        auth_delay_s: float = 0.0,
    ) -> None:
        _check_world(world)
        self.world = world
        self.state_dir = Path(state_dir).resolve()
        self._api_port = api_port
        self._ssh_port = ssh_port
        self.ssh_user = ssh_user
        self.sudo_allowed = sudo_allowed
        self.auth_delay_s = auth_delay_s
        nodes_by_cluster = {c.name: [n.name for n in c.nodes] for c in world.clusters}
        initial: list[Fault] = []
        for cluster in world.clusters:
            scoped = parse_faults(cluster.faults, f"lab definition, cluster {cluster.name}")
            initial += [f if f.cluster else dataclasses.replace(f, cluster=cluster.name) for f in scoped]
        extra = parse_faults(faults)
        check_scope(extra, nodes_by_cluster, "faults")
        self.faults = FaultSet(initial + list(extra))
        self._nodes_by_cluster = nodes_by_cluster
        self.api_log: RequestLog[ApiRequest] = RequestLog()
        self.ssh_log: RequestLog[SshEvent] = RequestLog()
        self.clusters: dict[str, ClusterEndpoint] = {}
        self.api_servers: dict[str, ApiServer] = {}
        self._stopping = threading.Event()
        self._acceptor = Acceptor()
        self._sync_lock = threading.Lock()
        self._listeners: dict[tuple[str, str], socket.socket] = {}  # (kind, address) -> while listening
        self._wanted: dict[tuple[str, str], tuple[int, Any]] = {}  # (kind, address) -> (port, handler)
        self._started = False
        self._stopped = False
        self.ssh_server: SshServer | None = None
        self.client_key_file = self.state_dir / "ssh" / "id_ed25519"
        self.known_hosts = self.state_dir / "ssh" / "known_hosts"
        self.ca_file = self.state_dir / "tls" / "ca.pem"
        self.ca_fingerprint = ""

    # ------------------------------------------------------------------ life cycle

    def __enter__(self) -> LabRuntime:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def node_online(self, cluster: LabCluster, name: str) -> bool:
        node = cluster.node(name)
        return node is not None and node.online and not self.faults.offline(cluster.name, name)

    def offline_nodes(self, cluster: LabCluster) -> frozenset[str]:
        return frozenset(n.name for n in cluster.nodes if not self.node_online(cluster, n.name))

    def start(self) -> LabRuntime:
        if self._started:
            raise RuntimeError("a LabRuntime starts once; make a new one")
        self._started = True
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        ca = LabCA(self.state_dir / "tls")
        self.ca_file = ca.ca_file
        self.ca_fingerprint = ca.fingerprint
        client_key = keys.load_or_create(self.client_key_file, "netdoc-lab-client")
        self.ssh_server = SshServer(
            client_key=client_key,
            user=self.ssh_user,
            faults=self.faults,
            log=self.ssh_log,
            stopping=self._stopping,
            sudo_allowed=self.sudo_allowed,
        )
        # API hosts: the first node that is up when the lab starts
        hosts = {
            c.name: next((n for n in c.nodes if self.node_online(c, n.name)), c.nodes[0])
            for c in self.world.clusters
        }
        api_socks = listen_same_port([h.address for h in hosts.values()], self._api_port)
        all_nodes = [(c, n) for c in self.world.clusters for n in c.nodes]
        ssh_socks = listen_same_port([n.address for _, n in all_nodes], self._ssh_port)
        known: list[tuple[str, int, Any]] = []
        for cluster in self.world.clusters:
            host = hosts[cluster.name]
            cert = ca.server_cert(cluster.name, [n.address for n in cluster.nodes])
            api_dir = self.state_dir / "api"
            creds = ApiCredentials(
                token_secret=_secret_file(api_dir / f"{cluster.name}.token", str(uuid.uuid4())),
                password=_secret_file(api_dir / f"{cluster.name}.password", secrets.token_urlsafe(18)),
            )
            server = ApiServer(
                cluster,
                cert,
                creds,
                faults=self.faults,
                log=self.api_log,
                stopping=self._stopping,
                offline_nodes=functools.partial(self.offline_nodes, cluster),
                auth_delay_s=self.auth_delay_s,
                host_node=host.name,
            )
            self.api_servers[cluster.name] = server
            api_sock = api_socks[host.address]
            self._wanted[("api", host.address)] = (api_sock.getsockname()[1], server.handle_connection)
            self._listeners[("api", host.address)] = api_sock
            endpoints = []
            for node in cluster.nodes:
                host_key = keys.load_or_create(
                    self.state_dir / "ssh" / "host_keys" / cluster.name / f"{node.name}_ed25519",
                    f"root@{node.name}",
                )
                ssh_node = SshNode(cluster.name, node, host_key, keys.new_key())
                sock = ssh_socks[node.address]
                port = sock.getsockname()[1]
                ssh = self.ssh_server

                def accept(s: Any, _addr: Any, n: SshNode = ssh_node, srv: SshServer = ssh) -> None:
                    srv.accept(n, s)

                self._wanted[("ssh", node.address)] = (port, accept)
                self._listeners[("ssh", node.address)] = sock
                endpoints.append(NodeEndpoint(node.name, node.address, port))
                known.append((node.address, port, host_key))
            self.clusters[cluster.name] = ClusterEndpoint(
                name=cluster.name,
                api_host=host.address,
                api_port=api_sock.getsockname()[1],
                api_node=host.name,
                fingerprint=cert.fingerprint,
                ca_file=cert.ca_file,
                credentials=creds,
                token_file=api_dir / f"{cluster.name}.token",
                password_file=api_dir / f"{cluster.name}.password",
                nodes=tuple(endpoints),
            )
        keys.write_known_hosts(self.known_hosts, known)
        for key, sock in self._listeners.items():
            self._acceptor.add(sock, self._wanted[key][1])
        self._acceptor.start()
        self.faults.on_change(self._sync)
        self._sync()

    def _want_listening(self, kind: str, address: str) -> bool:
        for cluster in self.world.clusters:
            for node in cluster.nodes:
                if node.address != address:
                    continue
                if kind == "api":
                    return self.node_online(cluster, node.name)
                return (
                    self.node_online(cluster, node.name)
                    and self.faults.ssh_mode(cluster.name, node.name) != "refused"
                )
        return False

    def _sync(self) -> None:
        """Open or close listeners so that refused/offline faults refuse connections."""
        if self._stopping.is_set():
            return
        with self._sync_lock:
            for key, (port, handler) in self._wanted.items():
                want = self._want_listening(*key)
                sock = self._listeners.get(key)
                if sock is not None and not want:
                    self._acceptor.remove(sock)
                    del self._listeners[key]
                elif sock is None and want:
                    sock = listen_on(key[1], port)
                    self._listeners[key] = sock
                    self._acceptor.add(sock, handler)

    def stop(self) -> None:
        """Close everything and join every thread the lab started (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        self._stopping.set()
        self._acceptor.stop()
        self._listeners.clear()
        for server in self.api_servers.values():
            server.close()
        if self.ssh_server is not None:
            self.ssh_server.close()

    # ------------------------------------------------------------------ inspection

    def errors(self) -> list[str]:
        """Unexpected exceptions inside the servers (empty when all is well)."""
        out = list(self._acceptor.errors)
        for server in self.api_servers.values():
            out += server.errors
        if self.ssh_server is not None:
            out += self.ssh_server.errors
        return out

    def add_fault(self, **spec: Any) -> Fault:
        """Add one fault while the lab runs (checked against the lab's clusters and nodes)."""
        (fault,) = parse_faults([spec])
        check_scope([fault], self._nodes_by_cluster, "fault")
        self.faults.add(fault)
        return fault

    def summary(self) -> list[str]:
        """What a person needs to use the running lab, one line each (the CLI prints it)."""
        lines = [f"CA: {self.ca_file} (SHA-256 {self.ca_fingerprint})"]
        for c in self.clusters.values():
            lines.append(f"cluster {c.name}: API {c.base_url} (on node {c.api_node})")
            lines.append(f"  server certificate fingerprint: {c.fingerprint}")
            lines.append(f"  token: {c.credentials.full_token_id}, secret in {c.token_file}")
            for n in c.nodes:
                cluster = self.world.cluster(c.name)
                state = "" if cluster is None or self.node_online(cluster, n.name) else " (offline)"
                lines.append(f"  ssh {self.ssh_user}@{n.address} -p {n.ssh_port}  node {n.name}{state}")
        lines.append(f"ssh key: {self.client_key_file}, known hosts: {self.known_hosts}")
        for f in self.faults.all():
            lines.append(f"fault: {f.spec()}")
        return lines

    def write_inventory(self, path: Path, *, timeout_s: float = 10.0) -> Path:
        return write_inventory(self, Path(path), timeout_s=timeout_s)
