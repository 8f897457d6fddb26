"""What changed, as `netdoc diff` prints it: plain sentences, Markdown, or JSON (netdoc-changes/1).

Grouped by cluster, then configuration, runtime and findings, so a cron mail reads top down.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from netdoc.changes.change import KINDS, Change
from netdoc.render.markdown import esc

FORMAT = "netdoc-changes/1"
HEADINGS = {"config": "Configuration", "runtime": "Runtime state", "finding": "Findings"}


def _grouped(changes: Sequence[Change]) -> dict[str, dict[str, list[Change]]]:
    out: dict[str, dict[str, list[Change]]] = {}
    for c in changes:
        out.setdefault(c.cluster, {}).setdefault(c.kind, []).append(c)
    return out


def changes_text(changes: Sequence[Change], *, old: str = "", new: str = "") -> str:
    if not changes:
        return "no change\n"
    lines = []
    if old or new:
        lines.append(f"changes from {old} to {new}:")
    for cluster, kinds in _grouped(changes).items():
        lines.append(f"cluster {cluster}:")
        for kind in KINDS:
            for c in kinds.get(kind, ()):
                lines.append(f"  [{HEADINGS[kind].split()[0].lower()}] {c.sentence}")
    total = len(changes)
    lines.append(f"{total} change{'s' if total != 1 else ''}")
    return "\n".join(lines) + "\n"


def changes_markdown(changes: Sequence[Change], *, title: str = "Changes") -> str:
    lines = [f"# {esc(title)}\n"]
    if not changes:
        return lines[0] + "\nNo change.\n"
    for cluster, kinds in _grouped(changes).items():
        lines.append(f"## {esc(cluster)}\n")
        for kind in KINDS:
            items = kinds.get(kind, ())
            if items:
                lines.append(f"### {HEADINGS[kind]}\n")
                lines += [f"- {esc(c.sentence)}" for c in items]
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def changes_json(changes: Sequence[Change], *, old: str = "", new: str = "") -> str:
    doc = {
        "format": FORMAT,
        "old": old,
        "new": new,
        "count": len(changes),
        "changes": [
            {
                "cluster": c.cluster,
                "node": c.node,
                "kind": c.kind,
                "topic": c.topic,
                "subject": c.subject,
                "sentence": c.sentence,
                "before": c.before,
                "after": c.after,
            }
            for c in changes
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
