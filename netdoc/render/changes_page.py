"""The site's Changes page (the last runs of every cluster, newest first) and each node's "What changed".

Made from SiteInput.changes (pipeline.inputs.recent_changes compares consecutive snapshots of each
cluster's history); configuration, runtime state and findings told apart, as `netdoc diff` does.
"""

from __future__ import annotations

from netdoc.changes.change import KINDS, Change
from netdoc.render.changes_text import HEADINGS
from netdoc.render.markdown import esc
from netdoc.render.siteinput import RunChanges, SiteInput

CHANGES = "changes.md"


def _items(changes: tuple[Change, ...]) -> list[str]:
    out = []
    for kind in KINDS:
        group = [c for c in changes if c.kind == kind]
        if group:
            out.append(f"**{HEADINGS[kind]}**\n")
            out += [f"- {esc(c.sentence)}" for c in group]
            out.append("")
    return out


def changes_page(site: SiteInput) -> str:
    lines = ["# Changes\n"]
    if not site.changes:
        lines.append(
            "No earlier run to compare with yet: the changes appear here from the second collection "
            "of a cluster (`netdoc collect` or `netdoc run` keep each run in snapshots/<cluster>/).\n"
        )
        return "\n".join(lines)
    lines.append(
        "What changed between consecutive collection runs, newest first (`netdoc diff` tells the same).\n"
    )
    for run in site.changes:
        lines.append(f"## {esc(run.cluster)}: {esc(run.before or '?')} to {esc(run.after or '?')}\n")
        if not run.changes:
            lines.append("No change.\n")
            continue
        lines += _items(run.changes)
    return "\n".join(lines).rstrip() + "\n"


def latest_run(site: SiteInput, cluster: str) -> RunChanges | None:
    return next((r for r in site.changes if r.cluster == cluster), None)


def node_changes_section(site: SiteInput, cluster: str, node: str) -> list[str]:
    """What changed on a node in its cluster's last run ([] when there is no earlier run)."""
    run = latest_run(site, cluster)
    if run is None:
        return []
    mine = tuple(c for c in run.changes if c.node == node)
    lines = [f"## What changed since {esc(run.before or 'the previous run')}\n"]
    if not mine:
        lines.append("Nothing on this node.\n")
    else:
        lines += _items(mine)
    return lines
