"""The `netdoc` command line: thin click commands over pipeline/ and nightly.py.

The only package that prints to the terminal and maps errors to exit codes (netdoc.cli.app).
Each command lives in the module of its topic; they are attached to the group here, in the
order `netdoc --help` lists them.
"""

from __future__ import annotations

from netdoc.cli import admin_cmds, doctor_cmds, inspect_cmds, nightly_cmds, reports_cmds, site_cmds
from netdoc.cli.app import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, State, cli, main

__all__ = ["EXIT_FINDINGS", "EXIT_INTERNAL", "EXIT_OK", "EXIT_PARTIAL", "EXIT_USAGE", "State", "cli", "main"]

cli.add_command(inspect_cmds.parse_cmd)
cli.add_command(inspect_cmds.kinds_cmd)
cli.add_command(inspect_cmds.check_cmd)
cli.add_command(inspect_cmds.checks_cmd)
cli.add_command(inspect_cmds.export_cmd)
cli.add_command(site_cmds.build_cmd)
cli.add_command(site_cmds.serve_cmd)
cli.add_command(site_cmds.init_cmd)
cli.add_command(site_cmds.demo_cmd)
cli.add_command(nightly_cmds.collect_cmd)
cli.add_command(nightly_cmds.run_cmd)
cli.add_command(doctor_cmds.doctor_cmd)
cli.add_command(reports_cmds.report_cmd)
cli.add_command(reports_cmds.diff_cmd)
cli.add_command(admin_cmds.inventory_group)
cli.add_command(admin_cmds.lab_group)
