"""Commands that report: report (the audit report), diff (what changed)."""

from __future__ import annotations

from pathlib import Path

import click

from netdoc.cli.app import (
    snapshot_args,
)


@click.command("report")
@click.argument("snapshots", nargs=-1, type=click.Path(path_type=Path))
@click.option("--example", metavar="NAME", help="Report on a bundled example instead (e.g. starwars).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "pdf", "md", "json", "csv", "xlsx", "junit"]),
    default="html",
    show_default=True,
    help="html: one self-contained file; pdf: with a table of contents and page numbers; md: for a "
    "wiki; json: netdoc-report/1 (docs/report.schema.json); csv: findings, interfaces, guest NICs "
    "(a folder, or a zip when -o names a file); xlsx: one sheet per table; junit: one case per "
    "check and subject.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The file to write (replaced atomically); for csv a folder or a .zip file.",
)
@click.option(
    "--waivers",
    "waivers_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Accepted findings (docs/checks.md): listed apart with reason and expiry.",
)
def report_cmd(
    snapshots: tuple[Path, ...], example: str | None, fmt: str, output: Path, waivers_file: Path | None
) -> None:
    """Write the audit report of SNAPSHOT folders (or folders of snapshots, or cluster histories).

    Scope, summary (with the trend against the previous run when the history has one), inventory
    tables, findings with evidence and remediation, waivers, diagrams, and an appendix of the
    source configuration.
    """
    from netdoc.pipeline.reports import make_report, write_report

    report, _ = make_report(snapshot_args(snapshots, example), waivers_file=waivers_file)
    for path in write_report(report, fmt, output):
        click.echo(f"report written: {path} ({fmt}, {path.stat().st_size} bytes)")


@click.command("diff")
@click.argument("snapshots", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "md"]),
    default="text",
    show_default=True,
    help="text: one sentence per change; json: netdoc-changes/1; md: for a wiki or a merge request.",
)
def diff_cmd(snapshots: tuple[Path, ...], fmt: str) -> None:
    """Say what changed: `netdoc diff OLD NEW`, or `netdoc diff HISTORY` (its previous run, its latest).

    OLD and NEW are snapshots, cluster histories (snapshots/<cluster>) or folders of them.
    Configuration, runtime state and findings are told apart.
    """
    from netdoc.errors import UsageError
    from netdoc.pipeline.reports import diff_snapshots
    from netdoc.render.changes_text import changes_json, changes_markdown, changes_text

    if len(snapshots) > 2:
        raise UsageError("give OLD and NEW (two snapshots or folders), or one cluster history")
    if len(snapshots) == 2:
        changes, old, new = diff_snapshots([snapshots[0]], [snapshots[1]])
    else:
        changes, old, new = diff_snapshots([snapshots[0]])
    if fmt == "json":
        click.echo(changes_json(changes, old=old, new=new), nl=False)
    elif fmt == "md":
        click.echo(changes_markdown(changes, title=f"Changes from {old} to {new}"), nl=False)
    else:
        click.echo(changes_text(changes, old=old, new=new), nl=False)
