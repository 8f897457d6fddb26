"""A real OpenSSH sshd on loopback serving fixture files, as two "nodes" (127.0.0.1 and 127.0.0.2).

Its own sshd_config in a temp dir (TESTBED.md): Port, ListenAddress, HostKey, AuthorizedKeysFile,
UsePAM no, StrictModes no, SetEnv HOME=<empty dir>, MaxStartups 100:30:200. Every command goes
through ForceCommand to a small bash script that answers from the node's fixture folder
(`Match LocalAddress` sets FIXTURE_ROOT): `tail -n +1 -- PATHS...` runs the real GNU tail over
the fixture tree (headers and errors rewritten to absolute paths), a known command prints its
recorded output, anything else is "command not found" (127).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
ADDRESSES = ("127.0.0.1", "127.0.0.2")

FORCE_COMMAND = r"""#!/bin/bash
cmd="$SSH_ORIGINAL_COMMAND"
root="$FIXTURE_ROOT"
echo "$cmd" >> "$root/../commands.log"
case "$cmd" in
  "tail -n +1 -- "*)
    cd "$root" || exit 1
    set -f; words=(${cmd#tail -n +1 -- }); set +f
    rel=()
    for w in "${words[@]}"; do rel+=(${w#/}); done
    tail -n +1 -- "${rel[@]}" 2> >(sed -e "s#'\([^/]\)#'/\1#" >&2) | sed -e 's#^==> \(.*\) <==$#==> /\1 <==#'
    status=${PIPESTATUS[0]}
    wait
    exit "$status"
    ;;
esac
plain="${cmd#sudo -n }"
out="$root/.commands/${plain// /_}"
if [ -f "$out.sleep" ]; then sleep "$(cat "$out.sleep")"; fi
if [ -f "$out" ]; then cat "$out"; exit 0; fi
echo "bash: ${plain%% *}: command not found" >&2
exit 127
"""


def sshd_available() -> bool:
    return Path(SSHD).exists() and shutil.which("ssh-keygen") is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def keygen(path: Path, kind: str = "ed25519") -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-f", str(path)], check=True)
    return path


@dataclass
class Sshd:
    root: Path
    port: int
    host_key: Path
    other_host_key: Path  # a key the server does not have (for "changed key" known_hosts files)
    client_key: Path
    process: subprocess.Popen[bytes]

    def node_root(self, address: str) -> Path:
        return self.root / f"node-{address}"

    def host_key_line(self, address: str, key: Path | None = None) -> str:
        kind, b64 = (key or self.host_key).with_suffix(".pub").read_text().split()[:2]
        return f"[{address}]:{self.port} {kind} {b64}\n"

    def commands(self) -> list[str]:
        log = self.root / "commands.log"
        return log.read_text().splitlines() if log.exists() else []

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def write_node(root: Path, files: dict[str, bytes], commands: dict[str, bytes]) -> None:
    for path, content in files.items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    cmd_dir = root / ".commands"
    cmd_dir.mkdir(parents=True, exist_ok=True)
    for line, out in commands.items():
        (cmd_dir / line.replace(" ", "_")).write_bytes(out)


def start_sshd(root: Path) -> Sshd:
    os.makedirs("/run/sshd", exist_ok=True)
    root.mkdir(parents=True, exist_ok=True)
    home = root / "home"
    home.mkdir(exist_ok=True)
    host_key = keygen(root / "host_ed25519")
    other = keygen(root / "other_ed25519")
    client = keygen(root / "client_ed25519")
    auth = root / "authorized_keys"
    auth.write_text(client.with_suffix(".pub").read_text())
    auth.chmod(0o600)
    script = root / "force-command"
    script.write_text(FORCE_COMMAND)
    script.chmod(0o755)
    port = free_port()
    lines = [
        f"Port {port}",
        *(f"ListenAddress {a}" for a in ADDRESSES),
        f"HostKey {host_key}",
        f"PidFile {root / 'sshd.pid'}",
        f"AuthorizedKeysFile {auth}",
        "UsePAM no",
        "StrictModes no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",
        "MaxStartups 100:30:200",
        "LogLevel ERROR",
        f"ForceCommand {script}",
    ]
    for a in ADDRESSES:
        lines += [f"Match LocalAddress {a}", f"    SetEnv HOME={home} FIXTURE_ROOT={root / f'node-{a}'}"]
    config = root / "sshd_config"
    config.write_text("\n".join(lines) + "\n")
    for a in ADDRESSES:
        (root / f"node-{a}").mkdir(exist_ok=True)
    with open(root / "sshd.log", "wb") as log:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=log)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection((ADDRESSES[-1], port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((root / "sshd.log").read_text()) from None
            time.sleep(0.05)
    return Sshd(root, port, host_key, other, client, proc)
