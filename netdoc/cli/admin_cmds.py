"""Command groups: inventory (check, schema) and lab (serve)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from netdoc.cli.app import (
    say_error,
)


@click.group("inventory")
def inventory_group() -> None:
    """Check an inventory file, or print its JSON Schema (docs/inventory.md)."""


@inventory_group.command("check")
@click.argument("file", type=click.Path(path_type=Path))
def inventory_check_cmd(file: Path) -> None:
    """Validate an inventory FILE: every problem with its line, exit code 2 when there is one."""
    from netdoc.config import load_inventory

    inv = load_inventory(file)
    for warning in inv.warnings():
        say_error(f"{file}: warning: {warning}")
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


@click.group("lab")
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
