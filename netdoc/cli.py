"""The `netdoc` command line: thin click commands over pipeline.py.

The only module that prints to the terminal and maps errors to exit codes:
0 ok; 1 findings at or above --fail-on; 2 usage or configuration error; 3 partial collection
(the outputs are still written, with the gaps marked); 4 internal error (a bug: please report it).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from netdoc import __version__
from netdoc.errors import ConfigError, NetdocError

if TYPE_CHECKING:
    from netdoc.pipeline import BuildResult

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_INTERNAL = 4


class State:
    debug = False


def _err(message: str) -> None:
    click.echo(f"netdoc: {message}", err=True)


def _site_option(help_text: str) -> Callable[[F], F]:
    """`--site DIR` (default site/), shared by build, serve and demo."""
    return click.option(
        "--site",
        "site_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("site"),
        show_default=True,
        help=help_text,
    )


def _echo_built(build: BuildResult) -> None:
    clusters = ", ".join(build.clusters)
    click.echo(
        f"site built: {build.site_dir}/index.html ({build.pages} pages, {build.diagrams} diagrams, "
        f"cluster{'s' if len(build.clusters) != 1 else ''} {clusters})"
    )
    click.echo(f"  configuration: {build.config_file or 'netdoc defaults (no mkdocs.yml)'}")


DEFAULT_CONFIG = Path("mkdocs.yml")


def _config_options(f: F) -> F:
    """`--config FILE` / `--no-config`, shared by build and demo (docs/site.md)."""
    f = click.option(
        "--no-config",
        is_flag=True,
        help="Ignore ./mkdocs.yml and build with netdoc's own settings only.",
    )(f)
    return click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The site's mkdocs.yml (docs/site.md; `netdoc init` writes one). "
        "Default: ./mkdocs.yml when there is one.",
    )(f)


def _config_file(config_file: Path | None, no_config: bool) -> Path | None:
    """--config FILE, else ./mkdocs.yml when it exists, unless --no-config."""
    from netdoc.errors import UsageError

    if no_config:
        if config_file is not None:
            raise UsageError("give --config FILE or --no-config, not both")
        return None
    if config_file is not None:
        return config_file
    return DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="netdoc")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
def cli(debug: bool) -> None:
    """netdoc: living network documentation for Proxmox VE clusters.

    Collect a cluster into a snapshot, then build a topology site (and, later, audit reports)
    from it. Run `netdoc demo` to see it work on a simulated cluster.
    """
    State.debug = debug
    _setup_logging(debug)


def _setup_logging(debug: bool) -> None:
    """Warnings of netdoc on stderr; paramiko's own transport chatter only with --debug."""
    import logging

    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING, format="netdoc: %(name)s: %(message)s"
    )
    logging.getLogger("paramiko").setLevel(logging.DEBUG if debug else logging.CRITICAL)
    for noisy in ("urllib3", "proxmoxer"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if debug else logging.ERROR)


@cli.command("parse")
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
    from netdoc.pipeline import parse_local

    model, warnings = parse_local(kind, file, root)
    if as_json:
        from netdoc.model.base import to_jsonable

        click.echo(json.dumps(to_jsonable(model), indent=2, ensure_ascii=False))
    else:
        from netdoc.render.text import model_text

        click.echo(model_text(model))
    for w in warnings:
        _err(f"warning: {w}")


@cli.command("kinds")
def kinds_cmd() -> None:
    """List the source kinds that `netdoc parse` understands."""
    from netdoc.parsers.kinds import KINDS

    width = max(len(k) for k in KINDS)
    for name in sorted(KINDS):
        click.echo(f"{name:<{width}}  {KINDS[name].summary}")


@cli.command("build")
@click.argument("snapshots", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--example", metavar="NAME", help="Build a bundled example instead of SNAPSHOTs (e.g. starwars)."
)
@_site_option("Where to publish the topology site (replaced atomically when complete).")
@click.option(
    "--notes",
    "notes_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="A folder of your own Markdown pages, published under notes/ and kept across builds.",
)
@click.option(
    "--waivers",
    "waivers_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Accepted findings (docs/checks.md): shown as waived on the findings pages.",
)
@_config_options
def build_cmd(
    *,
    snapshots: tuple[Path, ...],
    example: str | None,
    site_dir: Path,
    notes_dir: Path | None,
    waivers_file: Path | None,
    config_file: Path | None,
    no_config: bool,
) -> None:
    """Build one topology site from SNAPSHOT folders (or folders of snapshots, one per cluster).

    Any subset of a snapshot works: what is missing is shown as a gap. Every cluster gets its pages
    and diagrams under one home page. The site's settings come from ./mkdocs.yml (or --config FILE),
    merged with what netdoc generates; the notes folder defaults to notes/ beside it.
    """
    from netdoc.pipeline import build_site

    result = build_site(
        _snapshot_args(snapshots, example),
        site_dir,
        notes_dir=notes_dir,
        waivers_file=waivers_file,
        config_file=_config_file(config_file, no_config),
    )
    _echo_built(result)
    for gap in result.gaps:
        click.echo(f"  gap: {gap}")
    click.echo(f"browse it: netdoc serve --site {result.site_dir}   (or open {result.site_dir}/index.html)")


def _snapshot_args(snapshots: tuple[Path, ...], example: str | None) -> list[Path]:
    from netdoc.errors import UsageError

    if bool(snapshots) == (example is not None):
        raise UsageError("give SNAPSHOT folders (or folders of snapshots) or --example NAME")
    if example is not None:
        from netdoc.examples import example_path

        return [example_path(example)]
    return list(snapshots)


_SEVERITIES = ["info", "low", "medium", "high", "critical", "never"]


@cli.command("check")
@click.argument("snapshots", nargs=-1, type=click.Path(path_type=Path))
@click.option("--example", metavar="NAME", help="Check a bundled example instead (e.g. starwars).")
@click.option(
    "--fail-on",
    type=click.Choice(_SEVERITIES, case_sensitive=False),
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
    from netdoc.pipeline import check_estate
    from netdoc.render.findings_text import findings_json, findings_table

    topology, result = check_estate(_snapshot_args(snapshots, example), waivers_file=waivers_file)
    if fmt == "json":
        click.echo(findings_json(topology, result))
    else:
        out = Console(highlight=False, soft_wrap=not sys.stdout.isatty())
        findings_table(out, topology, result)
    if fail_on == "never":
        return EXIT_OK
    return EXIT_FINDINGS if result.at_or_above(Severity.parse(fail_on)) else EXIT_OK


@cli.command("checks")
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


@cli.command("export")
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

    paths = _snapshot_args(snapshots, example)
    if fmt in ("json", "graphml"):
        if diagram is not None or base_url is not None:
            raise UsageError("--diagram and --base-url go with --format dot or drawio")
        if output is not None and output.is_dir():
            raise UsageError(f"{output} is a folder: give a file for --format {fmt}")
        from netdoc.pipeline import export_graph

        text = export_graph(paths, fmt)
        if output is None:
            click.echo(text, nl=False)
            return
        write_file(output, text)
        click.echo(f"graph written: {output} ({fmt}, {len(text.encode())} bytes)", err=True)
        return
    from netdoc.pipeline import export_diagrams

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


@cli.command("serve")
@_site_option("The built site to serve.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on."
)
def serve_cmd(site_dir: Path, host: str, port: int) -> None:
    """Serve the built site over HTTP until interrupted (search works over HTTP only)."""
    from netdoc.serve import make_server

    server = make_server(site_dir, host, port)
    click.echo(f"serving {site_dir} on http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cli.command("collect")
@click.option(
    "-i",
    "--inventory",
    "inventory_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The inventory file (docs/inventory.md).",
)
@click.option("--cluster", "cluster_name", metavar="NAME", help="Collect only this cluster of the inventory.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("snapshots"),
    show_default=True,
    help="Each run of a cluster goes to OUT/<cluster>/<UTC time>/, with OUT/<cluster>/latest "
    "pointing at the newest good one (a run that read nothing never becomes latest).",
)
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="How many snapshots of each cluster to keep (the latest one is never removed).",
)
@click.option(
    "--accept-new-host-keys",
    is_flag=True,
    help="Trust a node's SSH host key on first use and record it in netdoc's own known_hosts "
    "($XDG_STATE_HOME/netdoc/known_hosts); a changed key is always refused.",
)
def collect_cmd(
    inventory_path: Path, cluster_name: str | None, out_dir: Path, keep: int, accept_new_host_keys: bool
) -> int:
    """Collect the clusters of an inventory (read-only) into snapshots.

    Reads each node over the Proxmox API (HTTPS, verified) and SSH (host keys verified), with the
    allow-list of docs/collection.md. Exit code 3 when something could not be collected (the
    snapshot is still written, with every gap in its manifest; a node that could not be read keeps
    its last good data, marked stale); then `netdoc build OUT` (every cluster's latest snapshot).
    """
    from rich.console import Console

    from netdoc.console import ConsoleProgress, results_table
    from netdoc.pipeline import collect_inventory

    err = Console(stderr=True)
    with ConsoleProgress(err) as progress:
        results = collect_inventory(
            inventory_path,
            cluster_name=cluster_name,
            out_dir=out_dir,
            accept_new_host_keys=accept_new_host_keys,
            progress=progress,
            on_warning=lambda w: _err(f"warning: {w}"),
            keep=keep,
        )
    out = Console(highlight=False)
    for result in results:
        out.print(results_table(result, out.is_terminal))
        if not result.became_latest:
            _err(
                f"{result.cluster}: nothing could be read; the previous snapshot stays latest "
                f"(this run is kept as {result.snapshot})"
            )
            continue
        if result.carried_over:
            _err(
                f"{result.cluster}: {', '.join(result.carried_over)} could not be read: their last good "
                "data is shown, marked stale"
            )
        click.echo(f"snapshot: {result.snapshot}   build the site: netdoc build {out_dir}")
    partial = [r.cluster for r in results if r.partial]
    if partial:
        _err(f"partial collection: {', '.join(partial)} (the gaps are listed in each manifest.json)")
        return EXIT_PARTIAL
    return EXIT_OK


@cli.command("demo")
@click.option(
    "--scenario", default="starwars", show_default=True, help="The lab scenario to simulate and document."
)
@_site_option("Where to publish the topology site.")
@click.option(
    "--snapshots",
    "snapshot_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("snapshots/demo"),
    show_default=True,
    help="Where the collected snapshots are kept (one folder per cluster).",
)
@_config_options
def demo_cmd(
    scenario: str, site_dir: Path, snapshot_dir: Path, config_file: Path | None, no_config: bool
) -> int:
    """Simulate a Proxmox VE cluster on loopback, collect it with the real collectors, build the site.

    Starts the lab (HTTPS API and one SSH server per node, scenario `starwars` by default; `demo`
    is every scenario in one site), collects it over HTTPS and SSH exactly as `netdoc collect` does
    a real cluster, stops the lab and builds one site for all its clusters (with ./mkdocs.yml or
    --config FILE, as `netdoc build`). Nothing leaves this machine.
    """
    from rich.console import Console

    from netdoc.console import ConsoleProgress, results_table
    from netdoc.pipeline import run_demo

    config = _config_file(config_file, no_config)
    with ConsoleProgress(Console(stderr=True)) as progress:
        demo = run_demo(
            scenario, site_dir=site_dir, snapshot_dir=snapshot_dir, progress=progress, config_file=config
        )
    out = Console(highlight=False)
    for result in demo.results:
        out.print(results_table(result, out.is_terminal))
    for build in demo.builds:
        _echo_built(build)
    site = demo.builds[0].site_dir if len(demo.builds) == 1 else site_dir
    click.echo(f"browse it: netdoc serve --site {site}   (then open http://127.0.0.1:8000/)")
    return EXIT_PARTIAL if any(r.partial for r in demo.results) else EXIT_OK


@cli.command("init")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path), default=Path())
@click.option("--force", is_flag=True, help="Replace an existing mkdocs.yml (notes are never replaced).")
def init_cmd(folder: Path, force: bool) -> None:
    """Start a site's configuration in FOLDER (default: here): mkdocs.yml and notes/.

    Writes FOLDER/mkdocs.yml (commented: theme, palette, logo, extra CSS, plugins, nav; see
    docs/site.md) and FOLDER/notes/index.md, the first of your own pages. An existing mkdocs.yml
    is kept unless --force. Then run `netdoc build SNAPSHOT...` in FOLDER (or with --config).
    """
    from netdoc.pipeline import init_site

    for path in init_site(folder, force=force):
        click.echo(f"written: {path}")
    here = folder.resolve() == Path.cwd().resolve()
    where = "" if here else f" --config {folder / 'mkdocs.yml'}"
    click.echo(f"next: edit mkdocs.yml and notes/, then `netdoc build{where} SNAPSHOT...`")


@cli.command("report")
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
    from netdoc.pipeline import make_report, write_report

    report, site = make_report(_snapshot_args(snapshots, example), waivers_file=waivers_file)
    for path in write_report(report, site, fmt, output):
        click.echo(f"report written: {path} ({fmt}, {path.stat().st_size} bytes)")


@cli.command("diff")
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
    from netdoc.pipeline import diff_snapshots
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


@cli.command("run")
@click.option(
    "-i", "--inventory", "inventory_path", required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("snapshots"),
    show_default=True,
    help="The snapshot histories (one folder per cluster).",
)
@_site_option("Where to publish the site (replaced atomically; left as it was when nothing changed).")
@click.option(
    "--reports",
    "reports_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Where to publish the reports (replaced atomically).",
)
@click.option(
    "--report-formats",
    default=",".join(("html", "pdf", "json", "xlsx", "junit")),
    show_default=True,
    help="Comma-separated report formats, or none.",
)
@click.option(
    "--keep", type=click.IntRange(min=1), default=30, show_default=True, help="Snapshots kept per cluster."
)
@click.option(
    "--fail-on",
    type=click.Choice(_SEVERITIES, case_sensitive=False),
    default="high",
    show_default=True,
    help="Exit 1 when a finding has this severity or a higher one ('never': never).",
)
@click.option(
    "--waivers",
    "waivers_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Accepted findings (docs/checks.md).",
)
@click.option(
    "--notes",
    "notes_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Your own Markdown pages for the site.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The site's mkdocs.yml (docs/site.md); default ./mkdocs.yml when it exists.",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How progress is logged on stderr (json: one object per line, for log collectors).",
)
@click.option(
    "--notify-command",
    metavar="CMD",
    help="Run CMD with the summary on its standard input when something changed or failed (no shell).",
)
@click.option(
    "--git",
    "use_git",
    is_flag=True,
    help="Commit the snapshots, the site and the reports into the git repository of the current folder.",
)
@click.option(
    "--accept-new-host-keys",
    is_flag=True,
    help="Trust unknown SSH host keys on first use (a changed key is always refused).",
)
def run_cmd(
    *,
    inventory_path: Path,
    out_dir: Path,
    site_dir: Path,
    reports_dir: Path,
    report_formats: str,
    keep: int,
    fail_on: str,
    waivers_file: Path | None,
    notes_dir: Path | None,
    config_file: Path | None,
    log_format: str,
    notify_command: str | None,
    use_git: bool,
    accept_new_host_keys: bool,
) -> int:
    """The nightly job: collect every cluster, say what changed, build the site, audit, report, publish.

    For cron or a systemd timer (docs/deployment.md). One run at a time (a second one exits 2);
    the summary on stdout is fit for a cron mail. Exit codes: 0 ok, 1 findings at or above
    --fail-on, 3 partial collection (the site is still published, with the gaps shown).
    """
    from netdoc.audit.finding import Severity
    from netdoc.nightly import EventLog, RunOptions, run_nightly
    from netdoc.nightly import report_formats as parse_formats

    if config_file is None and Path("mkdocs.yml").is_file():
        config_file = Path("mkdocs.yml")
    opts = RunOptions(
        inventory=inventory_path,
        out_dir=out_dir,
        site_dir=site_dir,
        reports_dir=reports_dir,
        report_formats=parse_formats(report_formats),
        keep=keep,
        fail_on=None if fail_on == "never" else Severity.parse(fail_on),
        waivers_file=waivers_file,
        notes_dir=notes_dir,
        config_file=config_file,
        notify_command=notify_command,
        git=use_git,
        accept_new_host_keys=accept_new_host_keys,
    )
    result = run_nightly(opts, EventLog(log_format))
    click.echo(result.summary, nl=False)
    return result.exit_code


@cli.group("inventory")
def inventory_group() -> None:
    """Check an inventory file, or print its JSON Schema (docs/inventory.md)."""


@inventory_group.command("check")
@click.argument("file", type=click.Path(path_type=Path))
def inventory_check_cmd(file: Path) -> None:
    """Validate an inventory FILE: every problem with its line, exit code 2 when there is one."""
    from netdoc.config import load_inventory

    inv = load_inventory(file)
    for warning in inv.warnings():
        _err(f"{file}: warning: {warning}")
    clusters = len(inv.clusters)
    nodes = sum(len(c.nodes or ()) for c in inv.clusters)
    click.echo(
        f"{file}: ok, {clusters} cluster{'s' if clusters != 1 else ''}, "
        f"{nodes} node{'s' if nodes != 1 else ''} listed"
    )


@inventory_group.command("schema")
def inventory_schema_cmd() -> None:
    """Print the inventory's JSON Schema (for editor completion and checks)."""
    from netdoc.config import inventory_json_schema

    click.echo(json.dumps(inventory_json_schema(), indent=2, ensure_ascii=False))


@cli.group("lab")
def lab_group() -> None:
    """The simulated Proxmox lab: an HTTPS API and SSH per node, on loopback, with fault injection."""


@lab_group.command("serve")
@click.option("--scenario", default=None, help="Built-in scenario to serve (default: demo).")
@click.option(
    "--definition",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="A lab definition file to serve instead of a scenario.",
)
@click.option(
    "--write-inventory",
    "inventory",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the inventory for the running lab (default: inventory.yml in the state dir).",
)
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keys, certificates and secrets kept across restarts (default: ~/.local/state/netdoc/lab).",
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="SPEC",
    help="Inject a fault: kind=offline,node=pve2 or a JSON object (repeatable; docs/lab-servers.md).",
)
@click.option("--api-port", type=click.IntRange(0, 65535), default=0, help="API port (default: a free one).")
@click.option("--ssh-port", type=click.IntRange(0, 65535), default=0, help="SSH port (default: a free one).")
def lab_serve_cmd(
    *,
    scenario: str | None,
    definition: Path | None,
    inventory: Path | None,
    state_dir: Path | None,
    faults: tuple[str, ...],
    api_port: int,
    ssh_port: int,
) -> None:
    """Serve a simulated cluster until interrupted (Ctrl-C stops it cleanly)."""
    import signal
    import time

    from netdoc.lab.faults import parse_fault_option, parse_faults
    from netdoc.lab.loader import default_state_dir, load_world
    from netdoc.lab.runtime import LabRuntime

    specs = parse_faults([parse_fault_option(f) for f in faults], "--fault")
    world = load_world(scenario, definition)
    state = state_dir or default_state_dir()

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    with LabRuntime(world, state, faults=specs, api_port=api_port, ssh_port=ssh_port) as lab:
        written = lab.write_inventory(inventory or state / "inventory.yml")
        for line in lab.summary():
            click.echo(line)
        click.echo(f"inventory: {written}")
        click.echo("lab running; Ctrl-C stops it", err=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    click.echo("lab stopped", err=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and turn every error into one line and an exit code."""
    try:
        rv = cli.main(args=argv, prog_name="netdoc", standalone_mode=False)
    except click.exceptions.Abort:
        _err("interrupted")
        return 130
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except ConfigError as exc:
        for line in exc.lines():
            _err(line)
        return EXIT_USAGE
    except NetdocError as exc:
        if State.debug:
            raise
        _err(f"error: {exc.one_line()}")
        return int(getattr(exc, "exit_code", 1))
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except Exception as exc:
        if State.debug:
            raise
        _err(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
        return EXIT_INTERNAL
    return rv if isinstance(rv, int) else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
