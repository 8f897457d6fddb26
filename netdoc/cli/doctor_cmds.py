"""`netdoc doctor`: check that every cluster and node of an inventory can be collected (docs/doctor.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from netdoc.cli.app import inventory_option, say_error

if TYPE_CHECKING:
    from netdoc.collectors.doctor_report import Check, DoctorReport

_MARK = {
    "ok": "ok",
    "warning": "WARN",
    "missing": "missing",
    "problem": "PROBLEM",
    "unreachable": "UNREACHABLE",
    "config": "CONFIG",
}
_VERDICT = {
    0: "everything can be collected",
    1: "some artifacts would be lost (exit 1)",
    2: "the inventory points at something that cannot be read (exit 2)",
    3: "a cluster or node cannot be reached (exit 3)",
}


@click.command("doctor")
@inventory_option
@click.option("--cluster", "cluster_name", metavar="NAME", help="Check only this cluster of the inventory.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output."
)
@click.option(
    "--all", "show_all", is_flag=True, help="List every check, not only a line per group of ok ones."
)
def doctor_cmd(inventory_path: Path, cluster_name: str | None, fmt: str, show_all: bool) -> int:
    """Check, without collecting, that netdoc can read every cluster and node of an inventory.

    Per cluster and node: the API connection, what TLS trusts, the host key, the login, the
    token's privileges for each allow-listed request, whether sudo allows each root command and
    which files can be read; every problem with the artifacts it would cost and its exact fix.
    Exit code 0 all good, 1 artifacts would be lost, 2 inventory or secret problem, 3 a cluster
    or node is unreachable.
    """
    from netdoc.collectors.doctor import diagnose
    from netdoc.config import load_inventory
    from netdoc.errors import UsageError

    inventory = load_inventory(inventory_path)
    if cluster_name is not None and inventory.cluster(cluster_name) is None:
        names = ", ".join(c.name for c in inventory.clusters)
        raise UsageError(f"{inventory_path}: no cluster named {cluster_name!r}; the inventory has: {names}")
    for warning in inventory.warnings():
        say_error(f"warning: {warning}")
    report = diagnose(inventory, cluster_names=[cluster_name] if cluster_name else None)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(report, show_all))
    return report.exit_code


def _groups(checks: list[Check], show_all: bool) -> list[tuple[str, str, str, str]]:
    """Table rows (node, check, status, detail): the checks that are not ok, a count for the rest."""
    rows: list[tuple[str, str, str, str]] = []
    done: dict[tuple[str, str], list[Check]] = {}
    for c in checks:
        done.setdefault((c.node, c.area), []).append(c)
    for (node, area), group in done.items():
        oks = [c for c in group if c.status == "ok"]
        if show_all or len(oks) == 1:
            rows += [(node or "-", area, "ok", f"{c.subject}: {c.detail}") for c in oks]
        elif oks:
            rows.append((node or "-", area, "ok", f"{len(oks)} of {len(group)} ok"))
        for c in group:
            if c.status != "ok":
                rows.append((node or "-", area, _MARK[c.status], f"{c.subject}: {c.detail}"))
    return rows


def render_text(report: DoctorReport, show_all: bool = False) -> str:
    out: list[str] = []
    clusters = list(dict.fromkeys(c.cluster for c in report.checks))
    for name in clusters:
        rows = _groups([c for c in report.checks if c.cluster == name], show_all)
        widths = [max(len(r[i]) for r in [*rows, ("NODE", "CHECK", "STATUS", "")]) for i in range(3)]
        out.append(f"cluster {name}")
        out.append(
            "  "
            + "  ".join(h.ljust(w) for h, w in zip(("NODE", "CHECK", "STATUS"), widths, strict=True))
            + "  DETAIL"
        )
        for row in rows:
            out.append(
                "  " + "  ".join(v.ljust(w) for v, w in zip(row[:3], widths, strict=True)) + "  " + row[3]
            )
        out.append("")
    fixes = report.fixes()
    if fixes:
        out.append("fixes:")
        for i, fix in enumerate(fixes, 1):
            out.append(f"  {i}. {fix.title} [{', '.join(fix.where)}]")
            out += [f"       {line}" for line in fix.lines]
            if fix.artifacts:
                shown = ", ".join(fix.artifacts[:6]) + (
                    f", ... ({len(fix.artifacts)} in all)" if len(fix.artifacts) > 6 else ""
                )
                out.append(f"       restores: {shown}")
        out.append("")
    out.append(f"netdoc doctor: {_VERDICT[report.exit_code]}")
    return "\n".join(out)
