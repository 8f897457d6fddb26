"""Golden tests of every Proxmox-file kind, run through the kinds table (as `netdoc parse KIND` does).

A case is tests/fixtures/<kind>/<case>/ holding the input at its node path and expected.json;
`pytest --update-golden` rewrites expected.json for review.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netdoc.model.base import SourceRef, to_jsonable
from netdoc.parsers.kinds import KINDS
from netdoc.parsers.nat import parse_nat_commands
from tests.golden import case_params, check_golden
from tests.pvecases import case_input, hook_lines

KIND_NAMES = (
    "corosync",
    "storage",
    "sdn-cfg",
    "sdn-running",
    "datacenter",
    "ceph-conf",
    "qemu-config",
    "lxc-config",
    "qemu-config-json",
    "lxc-config-json",
    "guest-configs-bulk",
    "iptables-save",
    "sysctl",
    "hosts",
    "ha-groups",
    "ha-resources",
    "ha-rules",
)
CASES = [
    pytest.param(kind, p.values[0], id=f"{kind}/{p.id}") for kind in KIND_NAMES for p in case_params(kind)
]


def test_every_kind_has_cases() -> None:
    missing = [k for k in KIND_NAMES if not case_params(k)]
    assert not missing, f"kinds without golden cases: {missing}"
    assert len(case_params("nat-hooks")) >= 3


@pytest.mark.parametrize(("kind", "case"), CASES)
def test_golden(kind: str, case: Path, update_golden: bool) -> None:
    files, path = case_input(case)
    model = KINDS[kind].parser()(files, path)
    check_golden(case / "expected.json", to_jsonable(model), update_golden)


@pytest.mark.parametrize("case", case_params("nat-hooks"))
def test_golden_nat_hooks(case: Path, update_golden: bool) -> None:
    """Hook commands of an interfaces file (extracted line by line as the ifupdown parser keeps them)."""
    files, path = case_input(case)
    commands = [(text, SourceRef(path, line)) for text, line in hook_lines(files[path])]
    check_golden(case / "expected.json", to_jsonable(parse_nat_commands(commands)), update_golden)
