"""SSH keys of the lab: persistent Ed25519 host keys per node, the client key, known_hosts.

Keys live in the lab's state directory (private files 0600) so that a second start presents the
same host keys and an existing known_hosts file stays valid.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import paramiko
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519


def _write(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def new_key() -> paramiko.Ed25519Key:
    """A fresh Ed25519 key (not stored: e.g. the key a `host_key_changed` fault presents)."""
    return _from_private(ed25519.Ed25519PrivateKey.generate())


def _from_private(private: ed25519.Ed25519PrivateKey) -> paramiko.Ed25519Key:
    import io

    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    )
    return paramiko.Ed25519Key.from_private_key(io.StringIO(pem.decode("ascii")))


def load_or_create(path: Path, comment: str) -> paramiko.Ed25519Key:
    """The Ed25519 key stored at `path` (OpenSSH format, with `path`.pub), made on first use."""
    if path.exists():
        try:
            return paramiko.Ed25519Key.from_private_key_file(str(path))
        except (paramiko.SSHException, OSError, ValueError):
            pass  # unreadable or damaged: replace it, the lab owns this directory
    private = ed25519.Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    )
    _write(path, pem, 0o600)
    key = _from_private(private)
    _write(path.with_name(path.name + ".pub"), f"{public_line(key)} {comment}\n".encode(), 0o644)
    return key


def public_line(key: paramiko.PKey) -> str:
    """`ssh-ed25519 AAAA...` as in authorized_keys and known_hosts."""
    return f"{key.get_name()} {key.get_base64()}"


def host_pattern(address: str, port: int) -> str:
    """How OpenSSH and paramiko name a host in known_hosts: bare on port 22, `[addr]:port` otherwise."""
    return address if port == 22 else f"[{address}]:{port}"


def write_known_hosts(path: Path, entries: Iterable[tuple[str, int, paramiko.PKey]]) -> Path:
    lines = [f"{host_pattern(address, port)} {public_line(key)}\n" for address, port, key in entries]
    _write(path, "".join(lines).encode(), 0o644)
    return path
