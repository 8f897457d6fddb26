"""`netdoc run` against the lab: two nights with a change between, a night with nothing new, a night
with nothing reachable, two runs at once, and the lock of a killed run."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from netdoc.cli import main
from netdoc.lab.definition import build_world
from netdoc.lab.runtime import LabRuntime
from netdoc.lab.schema import Definition
from netdoc.nightly import LOCK_NAME
from tests.collectors.labs import write_inventory
from tests.lab.scenario_worlds import definition


def _changed(base: Definition) -> Definition:
    data: dict[str, Any] = base.model_dump(mode="python", exclude_unset=True)
    cluster = data["clusters"][0]
    for guest in cluster["guests"]:
        if guest["vmid"] == 105:
            guest["nics"][0]["tag"] = 30
    for node in cluster["nodes"]:
        if node["name"] == "pve1":
            node["bonds"][0]["runtime"] = {"down_slaves": ("eno2",)}
    cluster["corosync"]["links"][1]["priority"] = 20
    return Definition.model_validate(data)


def _run(tmp: Path, defn: Definition, *extra: str, faults: list[dict[str, object]] | None = None) -> int:
    with LabRuntime(build_world(defn), tmp / "lab", faults=faults or []) as lab:
        inventory = write_inventory(lab, tmp / "inv.yml", timeout_s=3, deadline_s=30, retries=0)
        return main(
            [
                "run",
                "-i",
                str(inventory),
                "--out",
                str(tmp / "snaps"),
                "--site",
                str(tmp / "site"),
                "--reports",
                str(tmp / "reports"),
                "--report-formats",
                "html,json",
                "--fail-on",
                "never",
                "--accept-new-host-keys",
                *extra,
            ]
        )


def _site(tmp: Path) -> dict[str, bytes]:
    root = tmp / "site"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_nights_a_quiet_night_and_an_unreachable_night(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = definition("lacp-vlans")
    # Night 1: everything is new.
    assert _run(tmp_path, base) == 0
    out = capsys.readouterr().out
    assert "cluster lacp-vlans added" in out and "site: published" in out
    assert (tmp_path / "reports" / "report.html").is_file() and (
        tmp_path / "reports" / "report.json"
    ).is_file()
    # Night 2: a guest moved VLAN, a bond slave went down, a corosync priority changed.
    assert _run(tmp_path, _changed(base)) == 0  # a down slave is a finding, not a collection failure
    out = capsys.readouterr().out
    assert "VM 105 (win-ad1) net0 moved from VLAN 50 to VLAN 30 on vmbr0" in out
    assert "slave eno2 of bond0 on pve1 went down" in out
    assert "corosync link1 priority 10 -> 20" in out
    assert "new findings: " in out and "bond-slave-down lacp-vlans/pve1/bond0/eno2" in out
    changes_page = (tmp_path / "site" / "changes.html").read_text()
    assert "VM 105 (win-ad1) net0 moved from VLAN 50 to VLAN 30 on vmbr0" in changes_page
    site_before = _site(tmp_path)
    reports_before = (tmp_path / "reports" / "report.json").read_bytes()
    # Night 3: nothing changed: the site and the reports are left exactly as they were.
    _run(tmp_path, _changed(base))
    out = capsys.readouterr().out
    assert "no change" in out and "site: unchanged" in out
    assert (
        _site(tmp_path) == site_before
        and (tmp_path / "reports" / "report.json").read_bytes() == reports_before
    )
    # Night 4: the cluster unreachable: previous site, reports and snapshot intact, exit 3.
    code = _run(tmp_path, base, faults=[{"kind": "auth_failure"}, {"kind": "ssh_refused"}])
    assert code == 3
    err = capsys.readouterr().err
    assert "nothing could be collected: the previous site and reports stay as they were" in err
    assert _site(tmp_path) == site_before


def test_two_runs_at_once_and_a_killed_runs_lock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = definition("starwars")
    codes: list[int] = []
    with LabRuntime(build_world(base), tmp_path / "lab", faults=[{"kind": "latency", "ms": 300}]) as lab:
        inventory = write_inventory(lab, tmp_path / "inv.yml", timeout_s=5, deadline_s=30, retries=0)
        args = [
            "run",
            "-i",
            str(inventory),
            "--out",
            str(tmp_path / "snaps"),
            "--site",
            str(tmp_path / "site"),
            "--reports",
            str(tmp_path / "reports"),
            "--report-formats",
            "none",
            "--fail-on",
            "never",
        ]
        first = threading.Thread(target=lambda: codes.append(main(args)))
        first.start()
        deadline = time.monotonic() + 10
        while (
            not (tmp_path / "snaps" / LOCK_NAME).exists() or not (tmp_path / "snaps" / LOCK_NAME).read_text()
        ):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert main(args) == 2
        first.join(60)
    err = capsys.readouterr().err
    assert "another netdoc run holds" in err and "this one does nothing" in err
    assert codes == [0]
    assert (tmp_path / "snaps" / LOCK_NAME).read_text() == "", "a clean end leaves no note"
    # A killed run leaves its note in the lock file; the kernel released its lock: taken over.
    (tmp_path / "snaps" / LOCK_NAME).write_text("pid 999999 on elsewhere, started 2026-12-01T02:00:00+00:00")
    assert _run(tmp_path, base) == 0
    err = capsys.readouterr().err
    assert "a previous run did not finish (pid 999999 on elsewhere" in err and "its lock is taken over" in err
