"""Commands that collect: collect, and run (the nightly job)."""

from __future__ import annotations

from pathlib import Path

import click

from netdoc.cli.app import (
    EXIT_OK,
    EXIT_PARTIAL,
    SEVERITIES,
    inventory_option,
    say_error,
    site_option,
)


@click.command("collect")
@inventory_option
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
    from netdoc.pipeline.collection import collect_inventory

    err = Console(stderr=True)
    if accept_new_host_keys:
        from netdoc.collectors.known_hosts import ACCEPT_NEW_WARNING

        say_error(f"warning: {ACCEPT_NEW_WARNING}")
    with ConsoleProgress(err) as progress:
        results = collect_inventory(
            inventory_path,
            cluster_name=cluster_name,
            out_dir=out_dir,
            accept_new_host_keys=accept_new_host_keys,
            progress=progress,
            on_warning=lambda w: say_error(f"warning: {w}"),
            keep=keep,
        )
    out = Console(highlight=False)
    for result in results:
        out.print(results_table(result, out.is_terminal))
        if not result.became_latest:
            say_error(
                f"{result.cluster}: nothing could be read; the previous snapshot stays latest "
                f"(this run is kept as {result.snapshot})"
            )
            continue
        if result.carried_over:
            say_error(
                f"{result.cluster}: {', '.join(result.carried_over)} could not be read: their last good "
                "data is shown, marked stale"
            )
        click.echo(f"snapshot: {result.snapshot}   build the site: netdoc build {out_dir}")
    partial = [r.cluster for r in results if r.partial]
    if partial:
        say_error(f"partial collection: {', '.join(partial)} (the gaps are listed in each manifest.json)")
        return EXIT_PARTIAL
    return EXIT_OK


@click.command("run")
@inventory_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("snapshots"),
    show_default=True,
    help="The snapshot histories (one folder per cluster).",
)
@site_option("Where to publish the site (replaced atomically; left as it was when nothing changed).")
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
    type=click.Choice(SEVERITIES, case_sensitive=False),
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
    import sys

    from netdoc.cli.progress import StepProgress

    # Progress on standard error: an updating line on a terminal (text log), else one event per step.
    on_terminal = log_format == "text" and sys.stderr.isatty()
    terminal = StepProgress(prefix="netdoc run: build") if on_terminal else None
    log = EventLog(log_format, before=terminal.clear if terminal is not None else None)
    if accept_new_host_keys:
        from netdoc.collectors.known_hosts import ACCEPT_NEW_WARNING

        log("warning", ACCEPT_NEW_WARNING)
    try:
        result = run_nightly(opts, log, progress=terminal)
    finally:
        if terminal is not None:
            terminal.clear()
    click.echo(result.summary, nl=False)
    return result.exit_code
