"""Lab scenarios written as snapshots with files edited: the firing cases of the audit tests.

`lab_with(tmp, "lacp-vlans", {"nodes/pve3/etc/network/interfaces": ("bridge-vids 10 20 30", "bridge-vids 10 20")})`
writes the scenario's (one) cluster under tmp without its manifest (its checksums would no longer
match), applies each edit (a (old, new) replacement that must match, a whole new text, or None to
delete the file) and returns the folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tests.audit.fixtures import lab_snapshot

Edit = tuple[str, str] | str | None


def lab_with(tmp: Path, scenario: str, edits: Mapping[str, Edit] | None = None, name: str = "lab") -> Path:
    (root,) = lab_snapshot(scenario, tmp / name)
    (root / "manifest.json").unlink()
    for rel, edit in (edits or {}).items():
        target = root / rel
        if edit is None:
            target.unlink()
            continue
        if isinstance(edit, tuple):
            old, new = edit
            text = target.read_text(encoding="utf-8")
            assert old in text, f"{old!r} not in {rel}"
            text = text.replace(old, new)
        else:
            text = edit
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def on_every_node(nodes: list[str], rel: str, edit: Edit) -> dict[str, Edit]:
    """The same edit of a file every node's folder holds (the /etc/pve copies)."""
    return {f"nodes/{n}/{rel}": edit for n in nodes}
