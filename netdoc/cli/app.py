"""The command line's frame: the `netdoc` group, exit codes, options shared by several commands,
and `main`, which turns every error into one line and an exit code.

0 ok; 1 findings at or above --fail-on; 2 usage or configuration error; 3 partial collection
(the outputs are still written, with the gaps marked); 4 internal error (a bug: please report it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from netdoc import __version__
from netdoc.errors import ConfigError, NetdocError

if TYPE_CHECKING:
    from netdoc.pipeline.site import BuildResult

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_INTERNAL = 4


class State:
    debug = False


def say_error(message: str) -> None:
    click.echo(f"netdoc: {message}", err=True)


def site_option(help_text: str) -> Callable[[F], F]:
    """`--site DIR` (default site/), shared by build, serve and demo."""
    return click.option(
        "--site",
        "site_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("site"),
        show_default=True,
        help=help_text,
    )


inventory_option = click.option(
    "-i",
    "--inventory",
    "inventory_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The inventory file (docs/inventory.md).",
)
"""`-i/--inventory FILE`, shared by collect, run and doctor."""


def echo_built(build: BuildResult) -> None:
    clusters = ", ".join(build.clusters)
    click.echo(
        f"site built: {build.site_dir}/index.html ({build.pages} pages, {build.diagrams} diagrams, "
        f"cluster{'s' if len(build.clusters) != 1 else ''} {clusters})"
    )
    click.echo(f"  configuration: {build.config_file or 'netdoc defaults (no mkdocs.yml)'}")


DEFAULT_CONFIG = Path("mkdocs.yml")


def config_options(f: F) -> F:
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


def resolve_config_file(config_file: Path | None, no_config: bool) -> Path | None:
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

    Collect clusters into snapshots, then build a topology site, audit them, report and say what
    changed; `netdoc run` does it all every night. Run `netdoc demo` to see it work on a
    simulated cluster.
    """
    State.debug = debug
    setup_logging(debug)


def setup_logging(debug: bool) -> None:
    """Warnings of netdoc on stderr; paramiko's own transport chatter only with --debug."""
    import logging

    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING, format="netdoc: %(name)s: %(message)s"
    )
    logging.getLogger("paramiko").setLevel(logging.DEBUG if debug else logging.CRITICAL)
    for noisy in ("urllib3", "proxmoxer"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if debug else logging.ERROR)


def snapshot_args(snapshots: tuple[Path, ...], example: str | None) -> list[Path]:
    from netdoc.errors import UsageError

    if bool(snapshots) == (example is not None):
        raise UsageError("give SNAPSHOT folders (or folders of snapshots) or --example NAME")
    if example is not None:
        from netdoc.examples import example_path

        return [example_path(example)]
    return list(snapshots)


SEVERITIES = ["info", "low", "medium", "high", "critical", "never"]


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and turn every error into one line and an exit code."""
    try:
        rv = cli.main(args=argv, prog_name="netdoc", standalone_mode=False)
    except click.exceptions.Abort:
        say_error("interrupted")
        return 130
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except ConfigError as exc:
        for line in exc.lines():
            say_error(line)
        return EXIT_USAGE
    except NetdocError as exc:
        if State.debug:
            raise
        say_error(f"error: {exc.one_line()}")
        return int(getattr(exc, "exit_code", 1))
    except KeyboardInterrupt:
        say_error("interrupted")
        return 130
    except Exception as exc:
        if State.debug:
            raise
        say_error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
        return EXIT_INTERNAL
    return rv if isinstance(rv, int) else EXIT_OK
