"""Golden cases of the Proxmox-file kinds: tests/fixtures/<kind>/<case>/<path on the node> + expected.json.

The input file sits at its path as on the node (etc/pve/corosync.conf, api/nodes/pve1/qemu/100/
config.json), so parsers that read meaning from the path (vmid, node, SDN file) see a real one.
"""

from __future__ import annotations

import re
from pathlib import Path

HOOK_LINE = re.compile(r"^\s*((?:pre-|post-)?(?:up|down))\s+(.+?)\s*$")


def case_input(case: Path) -> tuple[dict[str, str], str]:
    """({relative path: text}, relative path) of the one input file of a case folder."""
    inputs = sorted(p for p in case.rglob("*") if p.is_file() and p.name != "expected.json")
    assert len(inputs) == 1, f"{case}: expected exactly one input file, found {[str(p) for p in inputs]}"
    rel = inputs[0].relative_to(case).as_posix()
    return {rel: inputs[0].read_text(encoding="utf-8")}, rel


def hook_lines(text: str) -> list[tuple[str, int]]:
    """The hook commands of an interfaces file with their line numbers, as the ifupdown parser keeps them."""
    out = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = HOOK_LINE.match(line)
        if m:
            out.append((f"{m.group(1)} {m.group(2)}", lineno))
    return out
