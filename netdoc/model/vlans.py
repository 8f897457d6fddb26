"""VLAN ids a bridge lets through: `bridge-vids` lists ("2-4094", "10 20 100-110") as sets of ids.

Proxmox's default for a VLAN-aware bridge without bridge-vids is 2-4094; a bridge that is not
VLAN-aware carries every tag (Proxmox creates a VLAN device per tag on its uplink).
"""

from __future__ import annotations

from netdoc.model.net import Iface

DEFAULT_VIDS = "2-4094"


def parse_vids(words: tuple[str, ...] | list[str]) -> frozenset[int] | None:
    """The ids of `bridge-vids` words (comma or space separated, ranges a-b); None when unreadable."""
    found: set[int] = set()
    for word in " ".join(words).replace(",", " ").split():
        first, dash, last = word.partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            return None
        lo, hi = int(first), int(last) if dash else int(first)
        if lo > hi or hi > 4094:
            return None
        found.update(range(lo, hi + 1))
    return frozenset(found)


def allowed_vids(bridge: Iface) -> frozenset[int] | None:
    """The VLAN ids a Linux bridge carries, configured; None: every tag (not VLAN-aware, OVS, unknown)."""
    cfg = bridge.config
    if cfg is None or not cfg.bridge_vlan_aware:
        return None
    return parse_vids(cfg.bridge_vids or (DEFAULT_VIDS,))
