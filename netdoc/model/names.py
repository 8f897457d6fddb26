"""The order names are shown in: numbers inside a name compare as numbers (pve2 before pve10).

Admins number their nodes, NICs, bridges and VLAN interfaces (pve1 ... pve12, eno1 ... eno10,
vmbr0.10 ... vmbr0.100); sorted as text, pve10 came between pve1 and pve2 on every page, table and
diagram. Stable and total: names that differ only in leading zeros (pve01, pve1) keep a fixed order.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[tuple[str | int, ...], str]:
    """Sort key: the name cut into text and numbers (text at even places, numbers at odd ones, so
    two keys always compare like with like), then the name itself."""
    parts = _DIGITS.split(name)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), name
