"""`netdoc doctor` over SSH, per node: the host key and which known_hosts file holds it, the login,
each file read as `tail -n 0` (opened, no line read), each root command asked of sudo with
`sudo -n -l` (never run), the other commands run as collect runs them and their output dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import paramiko

from netdoc.collectors.doctor_report import Add, NodeTarget, status_of
from netdoc.collectors.known_hosts import HostKeyPolicy, fingerprint, load_host_keys
from netdoc.collectors.outcome import FAILURES, Denied, HostKeyRejected, Missing
from netdoc.collectors.plan import FILE_READS, NODE_COMMANDS, CommandItem, FileRead, sudoers_lines
from netdoc.collectors.results import common_failure, judge_command, judge_read
from netdoc.collectors.ssh import CommandResult, SshSession, SshTarget
from netdoc.config import ClusterConfig, SshConfig
from netdoc.snapshot import command_path, node_file_path

_SUDO_NO = (
    "a password is required",
    "may not run sudo",
    "is not in the sudoers",
    "is not allowed to execute",
)


class _Recording(HostKeyPolicy):
    """The collectors' policy (never accepting a new key), remembering the key a host showed."""

    presented: paramiko.PKey | None = None

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        self.presented = key
        super().missing_host_key(client, hostname, key)


def _node_artifacts(node: str) -> tuple[str, ...]:
    files = tuple(node_file_path(node, p.folder) for r in FILE_READS for p in r.patterns)
    return files + tuple(command_path(node, c.name) for c in NODE_COMMANDS)


class SshDoctor:
    """The SSH checks of one node (the module docstring)."""

    def __init__(self, cluster: ClusterConfig, idx: int, node: NodeTarget, own: Path, add: Add) -> None:
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
        status = status_of(exc)
        if isinstance(exc, Denied):
            pub = f"{self.ssh.key_file}.pub" if self.ssh.key_file else "<the agent's public key>"
            port = f"-p {self.node.port} " if self.node.port != 22 else ""
            title = "authorize netdoc's SSH key on the node"
            fix = f"ssh-copy-id -i {pub} {port}{self.ssh.user}@{self.node.address}"
        elif status == "unreachable":
            title = "make the node's sshd reachable"
            fix = f"clusters[{self.idx}].nodes: {self.node.name} address / ssh_port ({self.target.where})"
        else:
            status, title = "config", "fix the SSH key in the inventory"
            fix = f"clusters[{self.idx}].ssh.key_file: {self.ssh.key_file}"
        self.put("ssh", self.target.where, status, message, _node_artifacts(self.node.name), title, fix)

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
            self.put("files", line, status_of(result), getattr(result, "message", str(result)), paths)
            return
        try:
            outcome = judge_read(read, result)
        except FAILURES as exc:
            self.put("files", line, status_of(exc), exc.message, paths)
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
                self.put("files", path, status_of(failure), getattr(failure, "message", str(failure)), art)
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
                self.put("commands", line, status_of(exc), exc.message, art)
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
