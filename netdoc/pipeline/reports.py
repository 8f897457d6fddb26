"""What the snapshots are told as, besides the site: `netdoc report` (make_report, with the trend
against the previous runs) and `netdoc diff` (diff_snapshots: what changed between two estates).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from netdoc.errors import UsageError
from netdoc.estate import check_estate, snapshot_folders
from netdoc.pipeline.inputs import site_input
from netdoc.render.report.files import write_report as write_report  # noqa: PLC0414  # for the cli

if TYPE_CHECKING:  # annotations only: a step imports these when it runs (mkdocs, graphviz: slow)
    from netdoc.changes.change import Change
    from netdoc.render.report.document import Report
    from netdoc.render.siteinput import SiteInput
    from netdoc.topology.graph import Topology


def previous_snapshots(paths: Iterable[Path]) -> list[Path]:
    """For each snapshot given (a history resolves to its latest), the good run before it, if any."""
    from netdoc import history
    from netdoc.snapshot import resolve_snapshot

    found = []
    for folder in snapshot_folders(paths):
        before = history.previous(resolve_snapshot(folder))
        if before is not None:
            found.append(before)
    return found


def make_report(
    paths: Sequence[Path],
    *,
    waivers_file: Path | None = None,
    trend: bool = True,
    site: SiteInput | None = None,
) -> tuple[Report, SiteInput]:
    """`netdoc report`: the snapshots' report (`site`: their input, already read), with the trend."""
    from netdoc.render.graphviz_run import default_cache_dir
    from netdoc.render.report.build import build_report

    if site is None:
        site = site_input(paths, waivers_file=waivers_file, cache_dir=default_cache_dir())  # the site's SVGs
    previous = None
    if trend:
        before = previous_snapshots(paths)
        if before:
            previous = check_estate(before, waivers_file=waivers_file)[1]
    return build_report(site, previous), site


def diff_snapshots(
    old: Sequence[Path], new: Sequence[Path] | None = None, *, waivers_file: Path | None = None
) -> tuple[tuple[Change, ...], str, str]:
    """`netdoc diff OLD NEW` (or `netdoc diff NEW`: its previous run against it): the changes.

    Returns (changes, what OLD was, what NEW was) for the heading.
    """
    from netdoc.changes.compare import compare

    if new is None:
        new = old
        old = previous_snapshots(new)
        if not old:
            raise UsageError(
                f"{', '.join(map(str, new))}: no earlier snapshot in its history to compare with; "
                "give OLD and NEW"
            )
    old_topo, old_audit = check_estate(old, waivers_file=waivers_file)
    new_topo, new_audit = check_estate(new, waivers_file=waivers_file)
    changes = compare(old_topo.estate, new_topo.estate, old_audit.findings, new_audit.findings)
    return changes, _describe(old_topo), _describe(new_topo)


def _describe(topology: Topology) -> str:
    return ", ".join(
        f"{c.name} ({c.sources.collected_at or 'time unknown'})" for c in topology.estate.clusters
    )
