"""`netdoc doctor`: can every cluster and node of an inventory be collected, and if not, the fix.

    report = diagnose(inventory)            # a list of Checks; report.exit_code: 0, 1, 2 or 3

Nothing is collected and nothing is written. The checks use the collectors' own connection code
(ApiClient: TLS verified or pinned, the secret revealed only inside it; SshSession with the
HostKeyPolicy, never recording a key), so what doctor finds is what `netdoc collect` would meet:

- API: the TLS mode and what it trusts; one GET /version (connection, TLS, authentication);
  every allow-listed path probed with one GET (plan.py; the reply is dropped), a 403 named with
  the privilege and the pveum command; GET /access/permissions for the lists Proxmox filters
  silently (storages, SDN, guests: a 200 with fewer items, no 403).
- SSH per node: which known_hosts file knows the host key; the login; each file read as
  `tail -n 0 -- PATTERNS` (opens the files, reads no line); each root command asked of sudo with
  `sudo -n -l COMMAND` (allowed or not, never run); commands without root, and sudo's answers
  doctor cannot read, run as collect runs them, their output counted and dropped.

A Check's status: ok, warning (works, but unsafe: TLS off), missing (a fact of the node, as in
collect: not installed), problem (artifacts would be lost: denied, refused, unknown host key),
unreachable (no connection: refused, timed out, node offline), config (the inventory points at a
secret or file that cannot be read). Exit code: 2 with a config check, else 3 with an unreachable
one, else 1 with a problem, else 0. Messages name secrets by their reference, never their value.
"""

from __future__ import annotations

import hashlib
import re
import socket
import ssl
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import paramiko

from netdoc.collectors.known_hosts import HostKeyPolicy, fingerprint, load_host_keys, netdoc_known_hosts
from netdoc.collectors.outcome import FAILURES, Denied, HostKeyRejected, Missing, TimedOut, Unreachable
from netdoc.collectors.plan import (
    CLUSTER_API,
    FILE_READS,
    NODE_API,
    NODE_COMMANDS,
    VNET_SUBNETS,
    CommandItem,
    FileRead,
    sudoers_lines,
)
from netdoc.collectors.proxmox_api import INSECURE_WARNING, ApiClient, system_ca_location
from netdoc.collectors.results import common_failure, judge_command, judge_read
from netdoc.collectors.ssh import CommandResult, SshSession, SshTarget
from netdoc.config import ApiConfig, ClusterConfig, Inventory, SshConfig
from netdoc.errors import ConfigError
from netdoc.snapshot import api_artifact_path, command_path, node_file_path

FORMAT = "netdoc-doctor/1"
STATUSES = ("ok", "warning", "missing", "problem", "unreachable", "config")
PERMISSIONS_PATH = "/access/permissions"
# The requests and commands doctor sends besides the allow-list's own (docs/doctor.md).
DOCTOR_API = ("/version", PERMISSIONS_PATH)
# Lists Proxmox filters by privilege without a 403: (ACL path, privilege, what is left out, paths)
FILTERED = (
    (
        "/storage",
        "Datastore.Audit",
        "GET /storage lists only the storages the token may audit",
        ("/storage",),
    ),
    (
        "/sdn",
        "SDN.Audit",
        "the SDN lists leave out the zones and vnets the token may not audit",
        ("/cluster/sdn/zones", "/cluster/sdn/vnets", "/cluster/sdn/controllers"),
    ),
    (
        "/vms",
        "VM.Audit",
        "the guest lists leave out the guests the token may not audit",
        ("/nodes/{node}/qemu", "/nodes/{node}/lxc"),
    ),
)
_ACL = re.compile(r"Permission check failed \(([^,()]+), ([^()]+)\)")
_SUDO_NO = (
    "a password is required",
    "may not run sudo",
    "is not in the sudoers",
    "is not allowed to execute",
)


@dataclass(frozen=True)
class Check:
    """One thing doctor checked: where, what, how it went, what it would cost, and the fix."""

    cluster: str
    node: str  # "" for the cluster as a whole
    area: str  # tls | api | privileges | host key | ssh | files | commands
    subject: str  # the request, command, read or file
    status: str  # one of STATUSES
    detail: str
    artifacts: tuple[str, ...] = ()  # snapshot paths that would be missing or incomplete
    fix_title: str = ""  # what to do, where (checks with the same title share one fix)
    fix: str = ""  # the exact line (command, sudoers line, inventory key)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["artifacts"] = list(self.artifacts)
        return out


@dataclass(frozen=True)
class Fix:
    title: str
    lines: tuple[str, ...]
    where: tuple[str, ...]  # cluster or cluster/node
    artifacts: tuple[str, ...]


@dataclass
class DoctorReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        found = {c.status for c in self.checks}
        for status, code in (("config", 2), ("unreachable", 3), ("problem", 1)):
            if status in found:
                return code
        return 0

    def fixes(self) -> list[Fix]:
        """The fixes of every check that is not ok, one per title, in the order found."""
        groups: dict[str, tuple[dict[str, None], dict[str, None], dict[str, None]]] = {}
        for c in self.checks:
            if c.status in ("ok", "missing") or not (c.fix or c.fix_title):
                continue
            lines, where, artifacts = groups.setdefault(c.fix_title or c.fix, ({}, {}, {}))
            if c.fix:
                lines[c.fix] = None
            where["/".join(p for p in (c.cluster, c.node) if p)] = None
            artifacts.update(dict.fromkeys(c.artifacts))
        return [Fix(t, tuple(lines), tuple(where), tuple(arts)) for t, (lines, where, arts) in groups.items()]

    def to_json(self) -> dict[str, Any]:
        counts = {s: sum(c.status == s for c in self.checks) for s in STATUSES}
        return {
            "format": FORMAT,
            "exit_code": self.exit_code,
            "counts": counts,
            "checks": [c.to_json() for c in self.checks],
            "fixes": [
                asdict(f) | {k: list(getattr(f, k)) for k in ("lines", "where", "artifacts")}
                for f in self.fixes()
            ],
        }


Add = Callable[..., None]


def _status_of(exc: BaseException) -> str:
    if isinstance(exc, Unreachable | TimedOut):
        return "unreachable"
    if isinstance(exc, Missing):
        return "missing"
    return "problem"


# ------------------------------------------------------------------------------------------- TLS


def presented_fingerprint(host: str, port: int, timeout: float) -> str | None:
    """The SHA-256 fingerprint of the certificate the server shows (to say what to pin; never trusted)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # only to read the certificate and print its fingerprint
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as raw,
            ctx.wrap_socket(raw, server_hostname=host) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError):
        return None
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest()) if der else None


def _pin_hint(api: ApiConfig, idx: int) -> str:
    fp = presented_fingerprint(api.host, api.port, api.timeout_s)
    shown = f'"{fp}"' if fp else "<the SHA-256 fingerprint>"
    return (
        f"clusters[{idx}].api: fingerprint: {shown} (check it on the node: openssl x509 -noout "
        "-fingerprint -sha256 -in /etc/pve/local/pve-ssl.pem), with verify_tls: false, or ca_file: "
        "a copy of /etc/pve/pve-root-ca.pem"
    )


def _tls_check(api: ApiConfig, idx: int, add: Add) -> None:
    if api.tls_mode == "insecure":
        add(
            "",
            "tls",
            "TLS",
            "warning",
            INSECURE_WARNING,
            fix_title="pin the API certificate in the inventory",
            fix=_pin_hint(api, idx),
        )
        return
    if api.tls_mode == "pin":
        add(
            "",
            "tls",
            "TLS",
            "ok",
            f"pinned: the certificate must have SHA-256 {api.fingerprint} (chain not checked)",
        )
        return
    trust = f"the CA file {api.ca_file}" if api.ca_file else f"the system CAs ({system_ca_location()})"
    pinned = f", and pinned to SHA-256 {api.fingerprint}" if api.fingerprint else ""
    add("", "tls", "TLS", "ok", f"verified: chain and host name against {trust}{pinned}")


# ------------------------------------------------------------------------------------------- API


@dataclass(frozen=True)
class _Node:
    name: str
    address: str | None
    port: int
    online: bool | None
    in_api: bool


def _grant(api: ApiConfig, acl: str) -> str:
    tokens = f" --tokens '{api.user}!{api.token_id}'" if api.token_id else ""
    return f"pveum acl modify {acl} --users {api.user}{tokens} --roles PVEAuditor"


GRANT_TITLE = "grant the API user (and token) the read-only role, on any node of the cluster"


class _ApiDoctor:
    def __init__(self, cluster: ClusterConfig, idx: int, add: Add) -> None:
        assert cluster.api is not None
        self.cluster, self.api, self.idx, self.add = cluster, cluster.api, idx, add
        self.client: ApiClient | None = None

    def fail(
        self, node: str, area: str, subject: str, exc: BaseException, artifacts: tuple[str, ...]
    ) -> None:
        message = getattr(exc, "message", str(exc))
        status, title, fix = _status_of(exc), "", ""
        acl = _ACL.search(message)
        if isinstance(exc, Denied) and acl:
            title, fix = GRANT_TITLE, _grant(self.api, acl.group(1))
        elif isinstance(exc, Denied):
            ref = self.api.token_secret or self.api.password
            title = "check the API credentials in the inventory"
            fix = (
                f"clusters[{self.idx}].api: user {self.api.user}, token_id {self.api.token_id}, secret from "
                f"{ref} (list the tokens: pveum user token list {self.api.user})"
            )
        elif "TLS" in message:
            title, fix = "make the API certificate trusted in the inventory", _pin_hint(self.api, self.idx)
        elif status == "unreachable":
            title = "make the API reachable from the netdoc host"
            fix = f"clusters[{self.idx}].api.host / port: {self.api.host}:{self.api.port} (pveproxy running?)"
        self.add(node, area, subject, status, message, artifacts, title, fix)

    def get(self, path: str) -> Any:
        assert self.client is not None
        return self.client.get(path, timeout=self.api.timeout_s)

    def connect(self) -> bool:
        who = f"{self.api.user}!{self.api.token_id}" if self.api.token_id else f"{self.api.user} (password)"
        everything = ("every api/ artifact",)
        try:
            self.client = ApiClient.connect(self.api, timeout=self.api.timeout_s)
            version = self.get("/version")
        except ConfigError as exc:
            ref = self.api.token_secret or self.api.password
            self.add(
                "",
                "api",
                "credentials",
                "config",
                "; ".join(exc.lines()),
                everything,
                "make the API secret readable",
                _secret_fix(str(ref)),
            )
            return False
        except FAILURES as exc:
            self.fail("", "api", "GET /version", exc, everything)
            return False
        release = version.get("version", "?") if isinstance(version, dict) else "?"
        self.add(
            "",
            "api",
            "GET /version",
            "ok",
            f"https://{self.client.where}: Proxmox VE {release}; authenticated as {who}",
        )
        return True

    def probe(self, node: str, path: str) -> Any:
        try:
            data = self.get(path)
        except FAILURES as exc:
            self.fail(node, "api", f"GET {path}", exc, (api_artifact_path(path),))
            return None
        self.add(node, "api", f"GET {path}", "ok", "allowed")
        return data

    def nodes(self, status: Any) -> list[_Node]:
        listed = {n.name: n for n in self.cluster.nodes or ()}
        from_api: dict[str, tuple[str | None, bool | None]] = {}
        for item in status if isinstance(status, list) else ():
            if isinstance(item, dict) and item.get("type") == "node" and isinstance(item.get("name"), str):
                ip = item.get("ip") if isinstance(item.get("ip"), str) else None
                from_api[item["name"]] = (ip, None if item.get("online") is None else bool(item["online"]))
        return _merge_nodes(self.cluster, listed, from_api)

    def run(self, pool: ThreadPoolExecutor) -> list[_Node] | None:
        if not self.connect():
            return None
        status = self.probe("", "/cluster/status")
        nodes = self.nodes(status)
        paths = [("", i.path) for i in CLUSTER_API if i.path not in ("/cluster/status", "/version")]
        for n in nodes:
            if n.in_api and n.online is not False:
                paths += [(n.name, i.path.format(node=n.name)) for i in NODE_API]
        results = dict(zip(paths, pool.map(lambda p: self.probe(*p), paths), strict=True))
        vnets = results.get(("", "/cluster/sdn/vnets"))
        names = sorted(
            {v["vnet"] for v in vnets if isinstance(v, dict) and isinstance(v.get("vnet"), str)}
            if isinstance(vnets, list)
            else set()
        )
        list(pool.map(lambda v: self.probe("", VNET_SUBNETS.path.format(vnet=v)), names))
        self.privileges([n.name for n in nodes if n.in_api and n.online is not False])
        return nodes

    def privileges(self, nodes: list[str]) -> None:
        try:
            perms = self.get(PERMISSIONS_PATH)
        except FAILURES as exc:
            message = getattr(exc, "message", str(exc))
            self.add(
                "",
                "privileges",
                f"GET {PERMISSIONS_PATH}",
                "warning",
                f"could not read the token's privileges ({message}): the filtered lists are not checked",
            )
            return
        perms = perms if isinstance(perms, dict) else {}
        for acl, privilege, what, paths in FILTERED:
            held = perms.get(acl)
            if isinstance(held, dict) and privilege in held:
                self.add("", "privileges", f"{privilege} on {acl}", "ok", "held")
                continue
            arts = tuple(
                api_artifact_path(p.format(node=n)) for p in paths for n in (nodes if "{node}" in p else [""])
            )
            self.add(
                "",
                "privileges",
                f"{privilege} on {acl}",
                "problem",
                f"the token lacks {privilege} on {acl}: {what} (a 200 reply, no error)",
                arts,
                GRANT_TITLE,
                _grant(self.api, acl),
            )


def _secret_fix(ref: str) -> str:
    scheme, _, target = ref.partition(":")
    if scheme == "env":
        return f"export {target}=<the token's secret> in netdoc's environment (systemd: EnvironmentFile=)"
    return f"write the secret into {target} (one line; chmod 600, owned by netdoc's user)"


def _merge_nodes(
    cluster: ClusterConfig, listed: dict[str, Any], from_api: dict[str, tuple[str | None, bool | None]]
) -> list[_Node]:
    """The nodes as collect sees them: the API's, and the inventory's (whose address wins)."""
    port = cluster.ssh.port if cluster.ssh else 22
    out = []
    for name in sorted({*from_api, *listed}):
        entry = listed.get(name)
        ip, online = from_api.get(name, (None, None))
        address = entry.address if entry else (None if cluster.nodes else ip)
        node_port = entry.ssh_port if entry and entry.ssh_port else port
        out.append(_Node(name, address, node_port, online, name in from_api))
    return out


# ------------------------------------------------------------------------------------------- SSH


class _Recording(HostKeyPolicy):
    """The collectors' policy (never accepting a new key), remembering the key a host showed."""

    presented: paramiko.PKey | None = None

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        self.presented = key
        super().missing_host_key(client, hostname, key)


def _node_artifacts(node: str) -> tuple[str, ...]:
    files = tuple(node_file_path(node, p.folder) for r in FILE_READS for p in r.patterns)
    return files + tuple(command_path(node, c.name) for c in NODE_COMMANDS)


class _SshDoctor:
    def __init__(self, cluster: ClusterConfig, idx: int, node: _Node, own: Path, add: Add) -> None:
        assert cluster.ssh is not None
        self.ssh: SshConfig = cluster.ssh
        self.cluster, self.idx, self.node, self.own, self.add = cluster, idx, node, own, add
        self.sudo = self.ssh.sudo and self.ssh.user != "root"
        self.target = SshTarget(node.name, node.address or "", node.port)
        self.host = (node.address or "") if node.port == 22 else f"[{node.address}]:{node.port}"

    def put(self, area: str, subject: str, status: str, detail: str, *rest: Any) -> None:
        self.add(self.node.name, area, subject, status, detail, *rest)

    def known(self, files: tuple[Path, ...]) -> None:
        where = []
        for path in files:
            try:
                keys = load_host_keys([path]).lookup(self.host)
            except HostKeyRejected as exc:
                self.put(
                    "host key",
                    str(path),
                    "config",
                    exc.message,
                    (),
                    "make the known_hosts file readable",
                    f"chmod 644 {path}",
                )
                continue
            if keys:
                where.append(f"{', '.join(sorted(keys.keys()))} in {path}")
        if where:
            self.put("host key", self.host or "", "ok", "known: " + "; ".join(where))

    def run(self) -> None:
        if self.node.online is False:
            self.put(
                "node",
                self.node.name,
                "unreachable",
                "offline in the cluster (/cluster/status: online 0)",
                _node_artifacts(self.node.name),
                f"bring {self.node.name} back up (until then collect keeps its last good data, marked stale)",
                "",
            )
            return
        if not self.node.address:
            self.put(
                "ssh",
                self.node.name,
                "problem",
                "no SSH address: the inventory does not list the node",
                _node_artifacts(self.node.name),
                "list the node in the inventory",
                f"clusters[{self.idx}].nodes: - name: {self.node.name}, address: <its address>",
            )
            return
        files = (self.ssh.known_hosts, self.own)
        self.known(files)
        policy = _Recording(load_host_keys(files), files, self.own, accept_new=False)
        try:
            session = SshSession.open(self.target, self.ssh, policy, timeout=self.ssh.timeout_s)
        except HostKeyRejected as exc:
            self.host_key_problem(exc, policy, files)
            return
        except FAILURES as exc:
            self.login_problem(exc)
            return
        how = f"key file {self.ssh.key_file}" if self.ssh.key_file else "the SSH agent's keys"
        self.put("ssh", self.target.where, "ok", f"logged in as {self.ssh.user} with {how}")
        with session:
            for read in FILE_READS:
                self.read(session, read)
            for item in NODE_COMMANDS:
                self.command(session, item)

    def host_key_problem(self, exc: HostKeyRejected, policy: _Recording, files: tuple[Path, ...]) -> None:
        key = policy.presented
        arts = _node_artifacts(self.node.name)
        if "CHANGED" in exc.message or key is None:
            fix = f"ssh-keygen -R '{self.host}' -f {files[0]}"
            title = "remove the old host key, once the new one is checked on the node's console"
            self.put("host key", self.host, "problem", exc.message, arts, title, fix)
            return
        kind = key.get_name().removeprefix("ssh-").split("-")[0]
        port = f"-p {self.node.port} " if self.node.port != 22 else ""
        title = (
            f"record the host key of {self.node.name} after checking {fingerprint(key)} on the node "
            f"(ssh-keygen -lf /etc/ssh/ssh_host_{kind}_key.pub)"
        )
        fix = f"ssh-keyscan {port}-t {kind} {self.node.address} >> {files[0]}"
        self.put(
            "host key", self.host, "problem", f"not known in {' or '.join(map(str, files))}", arts, title, fix
        )

    def login_problem(self, exc: BaseException) -> None:
        message = getattr(exc, "message", str(exc))
        status = _status_of(exc)
        arts = _node_artifacts(self.node.name)
        if isinstance(exc, Denied):
            pub = f"{self.ssh.key_file}.pub" if self.ssh.key_file else "<the agent's public key>"
            port = f"-p {self.node.port} " if self.node.port != 22 else ""
            self.put(
                "ssh",
                self.target.where,
                status,
                message,
                arts,
                "authorize netdoc's SSH key on the node",
                f"ssh-copy-id -i {pub} {port}{self.ssh.user}@{self.node.address}",
            )
        elif status == "unreachable":
            self.put(
                "ssh",
                self.target.where,
                status,
                message,
                arts,
                "make the node's sshd reachable",
                f"clusters[{self.idx}].nodes: {self.node.name} address / ssh_port ({self.target.where})",
            )
        else:
            self.put(
                "ssh",
                self.target.where,
                "config",
                message,
                arts,
                "fix the SSH key in the inventory",
                f"clusters[{self.idx}].ssh.key_file: {self.ssh.key_file}",
            )

    def exec(self, session: SshSession, line: str) -> CommandResult | BaseException:
        try:
            return session.run(line, timeout=self.ssh.timeout_s)
        except FAILURES as exc:
            return exc

    def read(self, session: SshSession, read: FileRead) -> None:
        line = "tail -n 0 -- " + " ".join(p.pattern for p in read.patterns)  # opens, reads no line
        result = self.exec(session, line)
        paths = tuple(node_file_path(self.node.name, p.folder) for p in read.patterns)
        if isinstance(result, BaseException):
            self.put("files", line, _status_of(result), getattr(result, "message", str(result)), paths)
            return
        try:
            outcome = judge_read(read, result)
        except FAILURES as exc:
            self.put("files", line, _status_of(exc), exc.message, paths)
            return
        for path, failure in outcome.failures:
            art = (node_file_path(self.node.name, path),)
            if isinstance(failure, Denied):
                group = "www-data" if path.startswith("/etc/pve") else "<the file's group>"
                self.put(
                    "files",
                    path,
                    "problem",
                    failure.message,
                    art,
                    f"let {self.ssh.user} read it on the node",
                    f"usermod -aG {group} {self.ssh.user}",
                )
            else:
                self.put("files", path, _status_of(failure), getattr(failure, "message", str(failure)), art)
        self.put("files", read.name, "ok", f"{len(outcome.files)} files readable")

    def command(self, session: SshSession, item: CommandItem) -> None:
        art = (command_path(self.node.name, item.name),)
        line = item.command_line(self.sudo)
        if self.sudo and item.needs_root:
            verdict = _sudo_list_verdict(self.exec(session, f"sudo -n -l {item.command}"))
            if verdict == "ok":
                self.put("commands", line, "ok", "allowed by sudo (sudo -n -l)")
                return
            if verdict == "denied":
                self.sudo_problem(item, line, "sudo does not allow it (sudo -n -l)", art)
                return
            if verdict == "missing":
                self.put("commands", line, "missing", f"{item.command.split()[0]}: {item.absent_when}", art)
                return
        result = self.exec(session, line)  # as collect runs it; the output is dropped
        try:
            if isinstance(result, BaseException):
                raise result
            judge_command(item, result)
        except FAILURES as exc:
            if isinstance(exc, Denied) and item.needs_root:
                self.sudo_problem(item, line, exc.message, art)
            elif isinstance(exc, Denied):
                self.put(
                    "commands",
                    line,
                    "problem",
                    exc.message,
                    art,
                    f"let {self.ssh.user} run {line} on the node",
                    f"usermod -aG _lldpd {self.ssh.user}" if line.startswith("lldpctl") else "",
                )
            else:
                self.put("commands", line, _status_of(exc), exc.message, art)
            return
        self.put("commands", line, "ok", "runs" + (" with sudo -n" if line.startswith("sudo") else ""))

    def sudo_problem(self, item: CommandItem, line: str, message: str, art: tuple[str, ...]) -> None:
        sudoers = dict(
            zip([c.command for c in NODE_COMMANDS if c.needs_root], sudoers_lines(self.ssh.user), strict=True)
        )
        title = f"on {self.node.name}, add to /etc/sudoers.d/netdoc (visudo -f /etc/sudoers.d/netdoc)"
        if not self.sudo:
            message = f"{message} (it needs root, and the inventory does not use sudo)"
            title = f"set clusters[{self.idx}].ssh.sudo: true in the inventory, and {title}"
        self.put("commands", line, "problem", message, art, title, sudoers[item.command])


def _sudo_list_verdict(result: CommandResult | BaseException) -> str:
    """What `sudo -n -l COMMAND` said: ok, denied, missing, or unknown (then the command is run)."""
    if isinstance(result, BaseException) or result.exit_status is None:
        return "unknown"
    err = result.stderr_text.lower()
    if result.exit_status == 0 and result.stdout.strip():
        return "ok"
    if any(s in err for s in _SUDO_NO):
        return "denied"
    if isinstance(common_failure(result), Missing):
        return "missing"
    if result.exit_status == 1 and not err and not result.stdout.strip():
        return "denied"  # sudo -l names an allowed command; silence and 1 mean "not allowed"
    return "unknown"


# ------------------------------------------------------------------------------------------- the run


def diagnose_cluster(cluster: ClusterConfig, idx: int, own_known_hosts: Path | None = None) -> list[Check]:
    """Every check of one cluster (the inventory's clusters[idx]), in a stable order."""
    checks: list[Check] = []

    def add(node: str, area: str, subject: str, status: str, detail: str, *rest: Any, **kw: Any) -> None:
        checks.append(Check(cluster.name, node, area, subject, status, detail, *rest, **kw))

    nodes: list[_Node] | None = None
    with ThreadPoolExecutor(max_workers=min(8, cluster.collect.concurrency)) as pool:
        if cluster.api is not None:
            _tls_check(cluster.api, idx, add)
            doctor = _ApiDoctor(cluster, idx, add)
            try:
                nodes = doctor.run(pool)
            finally:
                if doctor.client is not None:
                    doctor.client.close()
        if nodes is None:  # no API, or it failed: the inventory's nodes
            nodes = _merge_nodes(cluster, {n.name: n for n in cluster.nodes or ()}, {})
        if cluster.ssh is not None:
            own = own_known_hosts or netdoc_known_hosts()
            list(pool.map(lambda n: _SshDoctor(cluster, idx, n, own, add).run(), nodes))
        elif nodes:
            add(
                "",
                "ssh",
                "ssh",
                "ok",
                "no ssh section: API-only collection (no OVS, bonding or corosync.conf)",
            )
    order = {
        a: i
        for i, a in enumerate(("tls", "api", "privileges", "node", "host key", "ssh", "files", "commands"))
    }
    return sorted(
        checks, key=lambda c: (c.node, order.get(c.area, 99), c.area in ("api", "privileges") and c.subject)
    )


def diagnose(
    inventory: Inventory, *, cluster_names: Iterable[str] | None = None, own_known_hosts: Path | None = None
) -> DoctorReport:
    """Check every cluster of the inventory (or the named ones), one after the other."""
    wanted = set(cluster_names) if cluster_names is not None else None
    report = DoctorReport()
    for idx, cluster in enumerate(inventory.clusters):
        if wanted is None or cluster.name in wanted:
            report.checks += diagnose_cluster(cluster, idx, own_known_hosts)
    return report
