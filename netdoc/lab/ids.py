"""Deterministic identifiers for the lab: MACs, UUIDs, digests and numbers derived from the seed.

Everything random-looking in a generated world comes from here, hashed from the definition's seed
and a name, so the same definition always yields byte-identical files.
"""

from __future__ import annotations

import hashlib
import uuid

# Vendor OUIs a Proxmox host's NICs commonly carry (Intel, Broadcom, Supermicro, Dell, HPE).
NIC_OUIS = ("a0:36:9f", "00:10:18", "3c:ec:ef", "b8:ca:3a", "98:f2:b3")


def digest(seed: int, *parts: object) -> bytes:
    text = "\x1f".join([str(seed), *(str(p) for p in parts)])
    return hashlib.sha256(text.encode()).digest()


def number(seed: int, *parts: object, modulo: int) -> int:
    return int.from_bytes(digest(seed, *parts)[:8], "big") % modulo


def nic_mac(seed: int, *parts: object, index: int = 0) -> str:
    """A MAC with a real vendor OUI, for physical NICs; `index` counts up from a per-host base,
    the way onboard ports (eno1, eno2, ...) carry consecutive addresses."""
    d = digest(seed, "nic", *parts)
    oui = NIC_OUIS[d[0] % len(NIC_OUIS)]
    base = (int.from_bytes(d[1:4], "big") & 0xFFFFC0) + index
    return f"{oui}:{base >> 16 & 0xFF:02x}:{base >> 8 & 0xFF:02x}:{base & 0xFF:02x}"


def local_mac(seed: int, *parts: object) -> str:
    """A locally administered unicast MAC, as the kernel or OVS picks for virtual devices."""
    d = digest(seed, "local", *parts)
    first = (d[0] & 0xFC) | 0x02
    return ":".join(f"{b:02x}" for b in (first, *d[1:6]))


def guest_mac(seed: int, prefix: str, *parts: object) -> str:
    """A guest NIC MAC under the datacenter's mac_prefix (Proxmox's default BC:24:11), upper case."""
    d = digest(seed, "guest", *parts)
    head = prefix.upper().split(":")
    tail = [f"{b:02X}" for b in d[: 6 - len(head)]]
    return ":".join(head + tail)


def make_uuid(seed: int, *parts: object) -> str:
    return str(uuid.UUID(bytes=digest(seed, "uuid", *parts)[:16], version=4))


def sha1_hex(text: str) -> str:
    """The digest Proxmox puts next to a config it returns (SHA-1 of the file)."""
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def fingerprint(seed: int, *parts: object) -> str:
    """An SSL certificate SHA-256 fingerprint, colon separated, upper case."""
    return ":".join(f"{b:02X}" for b in digest(seed, "fp", *parts))
