"""Commands for the topology site: build, serve, init, demo."""

from __future__ import annotations

from pathlib import Path

import click

from netdoc.cli.app import (
    EXIT_OK,
    EXIT_PARTIAL,
    config_options,
    echo_built,
    resolve_config_file,
    site_option,
    snapshot_args,
)


@click.command("build")
@click.argument("snapshots", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--example", metavar="NAME", help="Build a bundled example instead of SNAPSHOTs (e.g. starwars)."
)
@site_option("Where to publish the topology site (replaced atomically when complete).")
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
@config_options
@click.option(
    "--force", is_flag=True, help="Build even when every input is the same as the published site's."
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where rendered diagrams are cached (default $XDG_CACHE_HOME/netdoc, else ~/.cache/netdoc).",
)
@click.option("--no-cache", is_flag=True, help="Render every diagram again; read and write no cache.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Graphviz processes at once (default: the cores this process may use).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress on standard error.")
def build_cmd(
    *,
    snapshots: tuple[Path, ...],
    example: str | None,
    site_dir: Path,
    notes_dir: Path | None,
    waivers_file: Path | None,
    config_file: Path | None,
    no_config: bool,
    force: bool,
    cache_dir: Path | None,
    no_cache: bool,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Build one topology site from SNAPSHOT folders (or folders of snapshots, one per cluster).

    Any subset of a snapshot works: what is missing is shown as a gap. Every cluster gets its pages
    and diagrams under one home page. The site's settings come from ./mkdocs.yml (or --config FILE),
    merged with what netdoc generates; the notes folder defaults to notes/ beside it. When every
    input is the same as the published site's, the site is left as it is ("nothing changed").
    Progress goes to standard error: one updating line on a terminal, a line per step otherwise.
    """
    from netdoc.cli.progress import StepProgress
    from netdoc.pipeline.site import build_site

    with StepProgress(quiet=quiet) as progress:
        result = build_site(
            snapshot_args(snapshots, example),
            site_dir,
            notes_dir=notes_dir,
            waivers_file=waivers_file,
            config_file=resolve_config_file(config_file, no_config),
            cache_dir=cache_dir,
            use_cache=not no_cache,
            force=force,
            workers=jobs,
            progress=progress,
        )
    if result.unchanged:
        click.echo(
            f"nothing changed: {result.site_dir} was built from the same inputs and is left as it is "
            "(--force builds it again)"
        )
        return
    echo_built(result)
    for gap in result.gaps:
        click.echo(f"  gap: {gap}")
    click.echo(f"browse it: netdoc serve --site {result.site_dir}   (or open {result.site_dir}/index.html)")


@click.command("serve")
@site_option("The built site to serve.")
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


@click.command("init")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path), default=Path())
@click.option(
    "--force", is_flag=True, help="Replace an existing mkdocs.yml (your other files are never replaced)."
)
def init_cmd(folder: Path, force: bool) -> None:
    """Start a documentation repository in FOLDER (default: here).

    Writes mkdocs.yml (commented: theme, palette, logo, extra CSS, plugins, nav; docs/site.md),
    notes/index.md (the first of your own pages), inventory.yml (commented, secrets by
    reference), waivers.yml, a .gitignore, and deploy/ with the systemd service and timer and
    the cron line of docs/deployment.md. An existing mkdocs.yml is kept unless --force; any
    other file already there is always kept.
    """
    from netdoc.pipeline.site import init_site

    written, kept = init_site(folder, force=force)
    for path in written:
        click.echo(f"written: {path}")
    for path in kept:
        click.echo(f"kept:    {path} (already there)")
    here = folder.resolve() == Path.cwd().resolve()
    where = "" if here else f"cd {folder} && "
    click.echo(
        f"next: edit inventory.yml (docs/inventory.md), then `{where}netdoc inventory check inventory.yml`"
        " and `netdoc run -i inventory.yml` (docs/deployment.md)"
    )


@click.command("demo")
@click.option(
    "--scenario", default="starwars", show_default=True, help="The lab scenario to simulate and document."
)
@site_option("Where to publish the topology site.")
@click.option(
    "--snapshots",
    "snapshot_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("snapshots/demo"),
    show_default=True,
    help="Where the collected snapshots are kept (one folder per cluster).",
)
@config_options
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
    from netdoc.pipeline.collection import run_demo

    config = resolve_config_file(config_file, no_config)
    with ConsoleProgress(Console(stderr=True)) as progress:
        demo = run_demo(
            scenario, site_dir=site_dir, snapshot_dir=snapshot_dir, progress=progress, config_file=config
        )
    out = Console(highlight=False)
    for result in demo.results:
        out.print(results_table(result, out.is_terminal))
    for build in demo.builds:
        echo_built(build)
    site = demo.builds[0].site_dir if len(demo.builds) == 1 else site_dir
    click.echo(f"browse it: netdoc serve --site {site}   (then open http://127.0.0.1:8000/)")
    return EXIT_PARTIAL if any(r.partial for r in demo.results) else EXIT_OK
