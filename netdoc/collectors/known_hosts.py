"""SSH host keys: verified against known_hosts files; unknown hosts refused unless asked otherwise.

Trusted keys come from the inventory's `ssh.known_hosts` (default ~/.ssh/known_hosts, only read)
and from netdoc's own file, $XDG_STATE_HOME/netdoc/known_hosts (default
~/.local/state/netdoc/known_hosts). With `--accept-new-host-keys` an unknown host's key is
recorded in netdoc's own file on first use (trust on first use, as OpenSSH's
StrictHostKeyChecking=accept-new); a host whose key has changed, or that is known with other key
types only, is always refused.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import os
import threading
from collections.abc import Iterable
from pathlib import Path

import paramiko

from netdoc.collectors.outcome import HostKeyRejected

_LOCK = threading.Lock()

# Said on every run made with --accept-new-host-keys (netdoc collect and netdoc run, on stderr).
ACCEPT_NEW_WARNING = (
    "--accept-new-host-keys: the SSH host key of a node seen for the first time is trusted without "
    "a check (recorded in netdoc's own known_hosts and named in the snapshot's notes); a changed key "
    "is still refused. Check the recorded fingerprints, then drop the option"
)


def netdoc_known_hosts() -> Path:
    """netdoc's own known_hosts: $XDG_STATE_HOME/netdoc/known_hosts (~/.local/state by default)."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "netdoc" / "known_hosts"


def fingerprint(key: paramiko.PKey) -> str:
    """`SHA256:...` as OpenSSH prints it (ssh-keygen -lf)."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def describe(key: paramiko.PKey) -> str:
    return f"{key.get_name()} {fingerprint(key)}"


def load_host_keys(files: Iterable[Path]) -> paramiko.HostKeys:
    """Every readable file's keys in one table (a missing file is simply empty)."""
    keys = paramiko.HostKeys()
    for path in files:
        try:
            keys.load(str(path))
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise HostKeyRejected(f"cannot read the known_hosts file {path}: {exc.strerror}") from None
    return keys


def _keyscan_hint(address: str, port: int, key_type: str) -> str:
    kind = key_type.removeprefix("ssh-").split("-")[0]
    return f"ssh-keyscan -p {port} -t {kind} {address} >> ~/.ssh/known_hosts"


class HostKeyPolicy(paramiko.MissingHostKeyPolicy):
    """Called by paramiko when no key of the server's key type is known for the host."""

    def __init__(
        self, known: paramiko.HostKeys, files: tuple[Path, ...], own_file: Path, accept_new: bool
    ) -> None:
        self.known = known
        self.files = files
        self.own_file = own_file
        self.accept_new = accept_new
        self.recorded: list[str] = []

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        others = self.known.lookup(hostname)
        if others:
            raise HostKeyRejected(
                f"host key of {hostname} is a {key.get_name()} key ({fingerprint(key)}) but only "
                f"{', '.join(sorted(others.keys()))} keys are known for it: refusing, as for a changed "
                f"key; if the node was really reinstalled, remove the old entry with "
                f"`ssh-keygen -R '{hostname}' -f FILE` (files: {', '.join(map(str, self.files))})"
            )
        if not self.accept_new:
            address, port = _split(hostname)
            raise HostKeyRejected(
                f"host key of {hostname} is not known ({describe(key)}): check that fingerprint on the "
                f"node (ssh-keygen -lf /etc/ssh/ssh_host_{_file_kind(key)}_key.pub), then add it with "
                f"`{_keyscan_hint(address, port, key.get_name())}`, or run netdoc collect "
                f"--accept-new-host-keys to record it in {self.own_file} on first use"
            )
        record_host_key(self.own_file, hostname, key)
        self.known.add(hostname, key.get_name(), key)
        self.recorded.append(f"{hostname} {describe(key)}")


def changed_key_message(
    hostname: str, got: paramiko.PKey, expected: paramiko.PKey, files: tuple[Path, ...]
) -> str:
    return (
        f"host key of {hostname} has CHANGED: it presented {describe(got)}, known is "
        f"{fingerprint(expected)}. Someone may be intercepting the connection; if the node was "
        f"reinstalled, check the new key on its console and remove the old one with "
        f"`ssh-keygen -R '{hostname}' -f FILE` (files: {', '.join(map(str, files))})"
    )


def record_host_key(path: Path, hostname: str, key: paramiko.PKey) -> None:
    """Append one `host keytype base64` line, under a lock (threads) and flock (other netdoc runs)."""
    line = f"{hostname} {key.get_name()} {key.get_base64()}\n"
    with _LOCK:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line.encode())
        finally:
            os.close(fd)


def _split(hostname: str) -> tuple[str, int]:
    if hostname.startswith("[") and "]:" in hostname:
        host, _, port = hostname[1:].partition("]:")
        return host, int(port)
    return hostname, 22


def _file_kind(key: paramiko.PKey) -> str:
    name = key.get_name()
    if "ed25519" in name:
        return "ed25519"
    if "ecdsa" in name:
        return "ecdsa"
    return "rsa"
