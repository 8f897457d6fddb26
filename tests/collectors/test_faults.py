"""One test per fault the lab injects, through `netdoc collect` (cli.main) against scenario starwars.

For each: the manifest says what happened to the affected artifacts (status and message), the
exit code is 3 when something could not be collected (0 when nothing was lost: latency under the
timeout, a program that is not installed), the site still builds and lists the gap, and the run
ends on time (wall time under the deadline plus a margin) even when a node hangs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from netdoc.cli import main
from netdoc.lab.runtime import LabRuntime
from netdoc.pipeline.site import build_site
from netdoc.snapshot import Artifact, open_snapshot
from tests.collectors.labs import scenario_world, write_inventory

pytestmark = pytest.mark.integration

DEADLINE_S = 6.0
TIMEOUT_S = 1.5
MARGIN_S = 3.0  # committing the snapshot, closing connections, interpreter noise on 2 shared cores


@dataclass(frozen=True)
class Case:
    fault: dict[str, Any]
    path: str  # an artifact the fault must show on (snapshot path)
    status: str
    message: str  # a part of its message
    exit_code: int = 3
    lab: dict[str, Any] = field(default_factory=dict)
    row_state: tuple[str, str] | None = None  # (row, state) in the end-of-run table


P2 = "proxmox2"
CASES = {
    "latency-under-timeout": Case(
        {"kind": "latency", "ms": 200, "target": "both"}, "api/cluster/status.json", "ok", "", exit_code=0
    ),
    "latency-past-timeout": Case(
        {"kind": "latency", "ms": 4000, "target": "api", "path": "/cluster/options"},
        "api/cluster/options.json",
        "timeout",
        "timed out",
    ),
    "node-offline": Case(
        {"kind": "offline", "node": P2},
        f"nodes/{P2}/etc/network/interfaces",
        "missing",
        "offline in the cluster",
        row_state=(P2, "offline"),
    ),
    "auth-failure": Case(
        {"kind": "auth_failure"}, "api/cluster/status.json", "denied", "authentication failed: 401"
    ),
    "missing-privilege": Case(
        {"kind": "forbidden", "path": f"/nodes/{P2}/*", "privilege": "Sys.Audit", "acl_path": f"/nodes/{P2}"},
        f"api/nodes/{P2}/network.json",
        "denied",
        f"403 Permission check failed (/nodes/{P2}, Sys.Audit)",
    ),
    "ssh-refused": Case(
        {"kind": "ssh_refused", "node": P2},
        f"nodes/{P2}/etc/network/interfaces",
        "error",
        "connection refused",
    ),
    "ssh-timing-out": Case(
        {"kind": "ssh_hang", "node": P2}, f"nodes/{P2}/commands/ip-j-addr.json", "timeout", "no SSH banner"
    ),
    "host-key-changed": Case(
        {"kind": "host_key_changed", "node": P2}, f"nodes/{P2}/etc/hosts", "error", "has CHANGED"
    ),
    "sudo-denied": Case(
        {"kind": "sudo_denied", "node": P2},
        f"nodes/{P2}/commands/ovs-vsctl-show.txt",
        "denied",
        "sudo refused",
        lab={"ssh_user": "netdoc"},
    ),
    "command-missing": Case(
        {"kind": "command_missing", "program": "lldpctl", "node": P2},
        f"nodes/{P2}/commands/lldpctl-f-json0.json",
        "missing",
        "command not found",
        exit_code=0,
    ),
    "truncated-ssh": Case(
        {"kind": "truncated", "bytes": 40, "target": "ssh", "command": "ip -j -d link", "node": P2},
        f"nodes/{P2}/commands/ip-j-d-link.json",
        "error",
        "cut before",
    ),
    "truncated-api": Case(
        {"kind": "truncated", "bytes": 40, "target": "api", "path": "/cluster/resources"},
        "api/cluster/resources.json",
        "error",
        "cut short",
    ),
    "garbage-ssh": Case(
        {"kind": "garbage", "target": "ssh", "command": "ip -j addr", "node": P2},
        f"nodes/{P2}/commands/ip-j-addr.json",
        "error",
        "not JSON",
    ),
    "garbage-api": Case(
        {"kind": "garbage", "target": "api", "path": f"/nodes/{P2}/network"},
        f"api/nodes/{P2}/network.json",
        "error",
        "not JSON",
    ),
    "very-slow-node": Case(
        {"kind": "slow_node", "node": P2, "ms": 1200},
        f"nodes/{P2}/commands/iptables-save-t-nat.txt",
        "timeout",
        "deadline",
    ),
}


def _artifact(snapshot: Path, path: str) -> Artifact:
    snap = open_snapshot(snapshot)
    assert snap.manifest is not None
    found = [a for a in snap.manifest.artifacts if a.path == path]
    assert len(found) == 1, (path, [a.path for a in snap.manifest.artifacts if a.status != "ok"])
    return found[0]


@pytest.mark.parametrize("name", list(CASES))
def test_fault(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[name]
    with LabRuntime(scenario_world("starwars"), tmp_path / "lab", faults=[case.fault], **case.lab) as lab:
        inventory = write_inventory(
            lab, tmp_path / "inv.yml", timeout_s=TIMEOUT_S, deadline_s=DEADLINE_S, retries=1
        )
        start = time.monotonic()
        code = main(["collect", "-i", str(inventory), "--out", str(tmp_path / "snaps")])
        wall = time.monotonic() - start
        hit = len(lab.faults.all()) > 0
    out = capsys.readouterr()
    assert hit
    assert wall < DEADLINE_S + MARGIN_S, f"the run took {wall:.1f} s"
    assert code == case.exit_code, out.err
    snapshot = tmp_path / "snaps" / "starwars"
    art = _artifact(snapshot, case.path)
    assert art.status == case.status, (art.status, art.error)
    assert case.message in art.error
    if case.exit_code == 3:
        assert "partial collection: starwars" in out.err
    if case.row_state is not None:
        row, state = case.row_state
        assert any(
            line.split("|")[1:3] == [f" {row} ", f" {state} "] or (row in line and state in line)
            for line in out.out.splitlines()
        )
    # The site is built from what was collected, and shows the gap.
    built = build_site(snapshot, tmp_path / "site")
    assert (built.site_dir / "index.html").exists()
    if case.status != "ok":
        assert any(case.path in gap and case.status in gap for gap in built.gaps), built.gaps
        site_text = "".join(p.read_text(errors="replace") for p in built.site_dir.rglob("*.html"))
        assert case.path in site_text


def test_a_hanging_node_does_not_hold_the_run_past_its_deadline(tmp_path: Path) -> None:
    """Every node hangs before the SSH banner and the API is slow: the run still ends on time."""
    faults = [{"kind": "ssh_hang"}, {"kind": "latency", "ms": 20000, "target": "api", "path": "/nodes/*"}]
    with LabRuntime(scenario_world("starwars"), tmp_path / "lab", faults=faults) as lab:
        inventory = write_inventory(lab, tmp_path / "inv.yml", timeout_s=30, deadline_s=3, retries=5)
        start = time.monotonic()
        code = main(["collect", "-i", str(inventory), "--out", str(tmp_path / "snaps")])
        wall = time.monotonic() - start
    assert code == 3
    assert wall < 3 + MARGIN_S, f"the run took {wall:.1f} s"
    snap = open_snapshot(tmp_path / "snaps" / "starwars")
    assert snap.manifest is not None
    timeouts = [a for a in snap.manifest.artifacts if a.status == "timeout"]
    assert any("deadline" in a.error for a in timeouts)
    assert _artifact(tmp_path / "snaps" / "starwars", "api/cluster/status.json").status == "ok"


def test_interrupted_run_keeps_the_previous_snapshot(tmp_path: Path) -> None:
    """Ctrl-C (the cancel event) stops every run within a second; nothing half-done replaces anything."""
    import threading

    from netdoc.collectors.collect import CollectOptions
    from netdoc.config import load_inventory
    from netdoc.pipeline.collection import collect_clusters

    out = tmp_path / "snaps"
    previous = out / "starwars" / "20260101T000000Z"
    previous.mkdir(parents=True)
    (previous / "manifest.json").write_text("{}")  # the previous snapshot
    (out / "starwars" / "latest").symlink_to(previous.name)
    with LabRuntime(
        scenario_world("starwars"), tmp_path / "lab", faults=[{"kind": "latency", "ms": 800}]
    ) as lab:
        inventory = load_inventory(write_inventory(lab, tmp_path / "inv.yml", timeout_s=5, deadline_s=60))
        cancel = threading.Event()
        threading.Timer(1.0, cancel.set).start()
        start = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            collect_clusters(list(inventory.clusters), out, CollectOptions(cancel=cancel))
        assert time.monotonic() - start < 1.0 + 2.0
    assert (out / "starwars" / "latest" / "manifest.json").read_text() == "{}"
    assert sorted(p.name for p in out.iterdir()) == ["starwars"]
    assert sorted(p.name for p in (out / "starwars").iterdir()) == ["20260101T000000Z", "latest"], (
        "no staging folder and no new snapshot left behind"
    )
