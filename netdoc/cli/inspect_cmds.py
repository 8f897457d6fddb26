"""Commands that read snapshots and files and print: parse, kinds, check, checks, export."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from netdoc.cli.app import (
    EXIT_FINDINGS,
    EXIT_OK,
    SEVERITIES,
    say_error,
    snapshot_args,
)


@click.command("parse")
@click.argument("kind")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="Print the parsed model as JSON (the documented shape)."
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder that stands for / on the node, to resolve absolute `source` paths "
    "(default: the folder above etc/, or the file's folder).",
)
def parse_cmd(kind: str, file: Path, as_json: bool, root: Path | None) -> None:
    """Parse one FILE of a KIND and print the model.

    KIND is one of the kinds listed by `netdoc kinds` (shapes in docs/parsers.md), for
    example `interfaces` for /etc/network/interfaces and the files it sources.
    Parse warnings (with file and line) go to stderr; the exit code stays 0 when the file was
    parsed, even partly.
    """
    from netdoc.pipeline.inspection import parse_local

    model, warnings = parse_local(kind, file, root)
    if as_json:
        from netdoc.model.base import to_jsonable

        click.echo(json.dumps(to_jsonable(model), indent=2, ensure_ascii=False))
    else:
        from netdoc.render.text import model_text

        click.echo(model_text(model))
    for w in warnings:
        say_error(f"warning: {w}")


@click.command("kinds")
def kinds_cmd() -> None:
    """List the source kinds that `netdoc parse` understands."""
    from netdoc.parsers.kinds import KINDS

    width = max(len(k) for k in KINDS)
    for name in sorted(KINDS):
        click.echo(f"{name:<{width}}  {KINDS[name].summary}")


@click.command("check")
@click.argument("snapshots", nargs=-1, type=click.Path(path_type=Path))
@click.option("--example", metavar="NAME", help="Check a bundled example instead (e.g. starwars).")
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES, case_sensitive=False),
    default="high",
    show_default=True,
    help="Exit with code 1 when a finding has this severity or a higher one ('never': always 0).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: one row per finding (a rich table on a terminal); json: netdoc-findings/1.",
)
@click.option(
    "--waivers",
    "waivers_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML file of accepted findings (code, subject, reason, expires); see docs/checks.md.",
)
def check_cmd(
    snapshots: tuple[Path, ...], example: str | None, fail_on: str, fmt: str, waivers_file: Path | None
) -> int:
    """Audit SNAPSHOT folders (or folders of snapshots, one per cluster): every check, with evidence.

    Prints the findings, most severe first, each with the file and line that shows it; waived
    findings are listed apart. docs/checks.md describes every check. Exit code 1 when a finding
    is at or above --fail-on, 0 otherwise.
    """
    from rich.console import Console

    from netdoc.audit.finding import Severity
    from netdoc.estate import check_estate
    from netdoc.render.findings_text import findings_json, findings_table

    topology, result = check_estate(snapshot_args(snapshots, example), waivers_file=waivers_file)
    if fmt == "json":
        click.echo(findings_json(topology, result))
    else:
        out = Console(highlight=False, soft_wrap=not sys.stdout.isatty())
        findings_table(out, topology, result)
    if fail_on == "never":
        return EXIT_OK
    return EXIT_FINDINGS if result.at_or_above(Severity.parse(fail_on)) else EXIT_OK


@click.command("checks")
@click.option("--markdown", is_flag=True, help="Print docs/checks.md (every check, with rationale and fix).")
def checks_cmd(markdown: bool) -> None:
    """List every audit check: code, severity and title (details: docs/checks.md)."""
    from netdoc.audit.checks import ALL_CHECKS, META_CHECKS

    checks = (*ALL_CHECKS, *META_CHECKS)
    if markdown:
        from netdoc.render.checks_doc import checks_markdown

        click.echo(checks_markdown(checks), nl=False)
        return
    width = max(len(c.code) for c in checks)
    for c in checks:
        click.echo(f"{c.code:<{width}}  {c.severity.value:<8}  {c.title}")


@click.command("export")
@click.argument("snapshots", nargs=-1, type=click.Path(path_type=Path))
@click.option("--example", metavar="NAME", help="Export a bundled example instead (e.g. starwars).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "graphml", "dot", "drawio"]),
    default="json",
    show_default=True,
    help="json: node-link JSON (netdoc-graph/1, docs/graph.md); graphml: for yEd, Gephi, networkx; "
    "dot: the diagrams' graphviz source; drawio: the diagrams as one editable diagrams.net file "
    "(docs/diagrams.md).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write to this file (replaced atomically) instead of standard output; with --format dot "
    "and several diagrams, a folder that gets one <cluster>-<name>.dot each.",
)
@click.option(
    "--diagram",
    metavar="NAME",
    help="dot, drawio: only this diagram (cluster, corosync, storage, cabling, node-<node>, "
    "vlan-<vid>; CLUSTER/NAME for one cluster).",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="drawio: make the shapes' links absolute, under the URL the site is served at.",
)
def export_cmd(
    *,
    snapshots: tuple[Path, ...],
    example: str | None,
    fmt: str,
    output: Path | None,
    diagram: str | None,
    base_url: str | None,
) -> None:
    """Export the topology graph, or the diagrams, of SNAPSHOT folders (or folders of snapshots).

    The same snapshots always give the same bytes. Node and edge kinds: docs/graph.md; the
    diagrams and their legend: docs/diagrams.md.
    """
    from netdoc.errors import UsageError
    from netdoc.render.output import write_file

    paths = snapshot_args(snapshots, example)
    if fmt in ("json", "graphml"):
        if diagram is not None or base_url is not None:
            raise UsageError("--diagram and --base-url go with --format dot or drawio")
        if output is not None and output.is_dir():
            raise UsageError(f"{output} is a folder: give a file for --format {fmt}")
        from netdoc.pipeline.inspection import export_graph

        text = export_graph(paths, fmt)
        if output is None:
            click.echo(text, nl=False)
            return
        write_file(output, text)
        click.echo(f"graph written: {output} ({fmt}, {len(text.encode())} bytes)", err=True)
        return
    from netdoc.pipeline.inspection import export_diagrams

    files = export_diagrams(paths, fmt, diagram=diagram, base_url=base_url)
    if output is None:
        click.echo("".join(files.values()), nl=False)
        return
    # One file: -o names it (unless it is a folder). Several (DOT): -o is the folder they go to.
    if len(files) == 1 and not output.is_dir():
        (text,) = files.values()
        write_file(output, text)
        click.echo(f"diagram written: {output} ({fmt}, {len(text.encode())} bytes)", err=True)
        return
    if output.exists() and not output.is_dir():
        raise UsageError(
            f"{output} is a file, and there are {len(files)} diagrams: give a folder, or --diagram NAME"
        )
    output.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        write_file(output / name, text)
    click.echo(f"{len(files)} diagram file(s) written to {output}/ ({fmt})", err=True)
