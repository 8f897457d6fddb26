"""Resource limits against the real lab (HTTPS API, SSH): huge, endless and too-deep input is a gap.

A 1 GB command output or file, a 1 GB API reply, an API reply that never ends, a 100,000-line
`ovs-vsctl show` and JSON nested 10,000 deep: each ends as one artifact's gap with a message that
names the limit (collect.max_output_mib, the reply time), the rest of the node is collected, the
memory stays bounded (the lab makes the huge outputs as it sends them) and the run takes seconds.
docs/hardening.md#resource-limits has the numbers.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from netdoc.cli import main
from netdoc.collectors.outcome import Failed
from netdoc.collectors.proxmox_api import ApiClient
from netdoc.estate import load_clusters
from netdoc.lab.runtime import LabRuntime
from netdoc.lab.world import LabWorld
from netdoc.parsers.ovs_show import parse_show_text
from netdoc.snapshot import Artifact, open_snapshot
from tests.collectors.labs import scenario_world, write_inventory

pytestmark = pytest.mark.integration

GB = 2**30
P1, P2 = "proxmox1", "proxmox2"


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def _peak_rss() -> Iterator[list[int]]:
    """The most the process's resident memory grew while the block ran (sampled every 20 ms)."""
    base, peak, stop = _rss(), [0], threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            peak[0] = max(peak[0], _rss() - base)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        yield peak
    finally:
        stop.set()
        t.join()
        peak[0] = max(peak[0], _rss() - base)


def _collect(
    tmp: Path, faults: list[dict[str, Any]], world: LabWorld | None = None, **collect: Any
) -> tuple[int, float, dict[str, Artifact], list[str]]:
    timeout = collect.pop("timeout_s", 2.0)
    with LabRuntime(world or scenario_world("starwars"), tmp / "lab", faults=faults) as lab:
        inventory = write_inventory(
            lab, tmp / "inv.yml", timeout_s=timeout, deadline_s=30, retries=1, **collect
        )
        start = time.monotonic()
        code = main(["collect", "-i", str(inventory), "--out", str(tmp / "snaps")])
        wall = time.monotonic() - start
        assert not lab.errors(), lab.errors()
    snap = open_snapshot(tmp / "snaps" / "starwars")
    assert snap.manifest is not None
    return code, wall, {a.path: a for a in snap.manifest.artifacts}, list(snap.manifest.notes)


def _node_ok_except(arts: dict[str, Artifact], node: str, bad: set[str]) -> None:
    """Every artifact of the node is `ok` but the ones named (its commands, files and API replies)."""
    others = [a for p, a in arts.items() if a.node == node and p not in bad]
    assert len(others) > 15
    assert [(a.path, a.status, a.error) for a in others if a.status != "ok"] == []


def test_a_1_gb_command_output_is_cut_at_the_default_limit_in_bounded_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fault = {"kind": "huge", "bytes": GB, "target": "ssh", "command": "*ovs-vsctl show", "node": P2}
    with _peak_rss() as peak:
        code, wall, arts, notes = _collect(tmp_path, [fault])
    shown = f"nodes/{P2}/commands/ovs-vsctl-show.txt"
    assert code == 3
    assert arts[shown].status == "error"
    assert "passed the limit of 64 MiB (67108864 bytes, collect.max_output_mib)" in arts[shown].error
    _node_ok_except(arts, P2, {shown})
    assert any("batched SSH read was cut at 67108864 bytes" in n for n in notes)
    assert "partial collection: starwars" in capsys.readouterr().err
    assert peak[0] < 200 * 2**20, f"memory grew by {peak[0] / 2**20:.0f} MiB"
    assert wall < 20


def test_a_1_gb_file_keeps_the_other_files_of_the_read(tmp_path: Path) -> None:
    # the filler goes after the read's last file: that file is the huge one
    fault = {
        "kind": "huge",
        "bytes": GB,
        "target": "ssh",
        "command": "tail -n +1 -- /etc/network/interfaces *",
    }
    code, wall, arts, _ = _collect(tmp_path, [fault], max_output_mib=1)
    assert code == 3
    for node in (P1, P2):
        cut = [a for a in arts.values() if a.node == node and a.status != "ok"]
        assert len(cut) == 1, [(a.path, a.error) for a in cut]
        assert cut[0].path.startswith(f"nodes/{node}/etc/") or cut[0].path.startswith(f"nodes/{node}/proc/")
        assert (
            f"{cut[0].path.removeprefix(f'nodes/{node}')}: the output passed the limit of 1 MiB"
            in cut[0].error
        )
        assert arts[f"nodes/{node}/etc/network/interfaces"].status == "ok"
        assert arts[f"nodes/{node}/commands/ip-j-addr.json"].status == "ok"
    assert wall < 15


def test_a_1_gb_api_reply_is_cut_at_the_limit(tmp_path: Path) -> None:
    fault = {"kind": "huge", "bytes": GB, "target": "api", "path": f"/nodes/{P1}/network"}
    with _peak_rss() as peak:
        code, wall, arts, _ = _collect(tmp_path, [fault], max_output_mib=2)
    bad = f"api/nodes/{P1}/network.json"
    assert code == 3
    assert arts[bad].status == "error"
    assert "the reply passed the limit of 2 MiB (2097152 bytes, collect.max_output_mib)" in arts[bad].error
    _node_ok_except(arts, P1, {bad})
    assert peak[0] < 100 * 2**20
    assert wall < 15


def test_an_api_reply_under_the_limit_is_kept(tmp_path: Path) -> None:
    fault = {"kind": "huge", "bytes": 3 * 2**20, "target": "api", "path": "/cluster/options"}
    code, _, arts, _ = _collect(tmp_path, [fault], max_output_mib=4)
    assert code == 0
    assert arts["api/cluster/options.json"].status == "ok"
    assert arts["api/cluster/options.json"].bytes > 3 * 2**20


def test_an_api_reply_that_never_ends_is_cut_at_three_times_the_timeout(tmp_path: Path) -> None:
    fault = {"kind": "trickle", "ms": 50, "target": "api", "path": f"/nodes/{P2}/dns"}
    code, wall, arts, _ = _collect(tmp_path, [fault], timeout_s=1.0)
    bad = f"api/nodes/{P2}/dns.json"
    assert code == 3
    assert arts[bad].status == "timeout"
    assert "the reply was not whole within 3 s" in arts[bad].error
    assert "3 x the request's timeout" in arts[bad].error
    _node_ok_except(arts, P2, {bad})
    assert wall < 10  # never retried: a reply that trickles would trickle again


def _with_command(world: LabWorld, node: str, command: str, output: bytes) -> LabWorld:
    cluster = world.clusters[0]
    nodes = tuple(
        dataclasses.replace(n, commands={**n.commands, command: output}) if n.name == node else n
        for n in cluster.nodes
    )
    return LabWorld((dataclasses.replace(cluster, nodes=nodes), *world.clusters[1:]))


def _big_ovs_show(lines: int) -> bytes:
    out = [
        "0b2a4c6e-1111-2222-3333-444455556666",
        "    Bridge vmbr9",
        "        Port vmbr9",
        "            Interface vmbr9",
        "                type: internal",
    ]
    i = 0
    while len(out) < lines - 1:
        out += [
            f"        Port tap{i}i0",
            f"            tag: {i % 4000 + 1}",
            f"            Interface tap{i}i0",
        ]
        i += 1
    out.append('    ovs_version: "3.1.0"')
    return ("\n".join(out) + "\n").encode()


def test_a_100000_line_ovs_vsctl_show_is_collected_and_parsed_in_seconds(tmp_path: Path) -> None:
    big = _big_ovs_show(100_000)
    assert big.count(b"\n") >= 100_000
    world = _with_command(scenario_world("starwars"), P1, "ovs-vsctl show", big)
    code, wall, arts, _ = _collect(tmp_path, [], world)
    shown = arts[f"nodes/{P1}/commands/ovs-vsctl-show.txt"]
    assert (code, shown.status, shown.bytes) == (0, "ok", len(big))
    assert wall < 15
    start = time.monotonic()
    (cluster,) = load_clusters([tmp_path / "snaps" / "starwars"])
    assert time.monotonic() - start < 15
    assert P1 in {n.name for n in cluster.nodes}
    start = time.monotonic()
    topology = parse_show_text(big.decode(), "ovs-vsctl-show.txt")
    assert time.monotonic() - start < 5
    assert len(next(b for b in topology.bridges if b.name == "vmbr9").ports) > 30_000


DEEP = b"[" * 10_000 + b"]" * 10_000


def test_json_nested_10000_deep_from_a_node_is_a_gap(tmp_path: Path) -> None:
    world = _with_command(scenario_world("starwars"), P2, "ip -j addr", DEEP)
    code, _, arts, _ = _collect(tmp_path, [], world)
    bad = f"nodes/{P2}/commands/ip-j-addr.json"
    assert code == 3
    assert (arts[bad].status, arts[bad].error) == (
        "error",
        f"`ip -j addr` printed JSON nested too deep to read ({len(DEEP)} bytes)",
    )
    _node_ok_except(arts, P2, {bad})


def test_an_api_reply_nested_10000_deep_is_refused_with_its_reason() -> None:
    client = ApiClient.__new__(ApiClient)
    with pytest.raises(Failed, match=r"/cluster/options: the reply is JSON nested too deep to read"):
        client._data(b'{"data": ' + DEEP + b"}", "/cluster/options")


def test_the_loader_reports_json_nested_too_deep_as_a_gap_with_file_and_reason(tmp_path: Path) -> None:
    import shutil

    from netdoc.examples import example_path

    snap = tmp_path / "snap"
    shutil.copytree(example_path("starwars"), snap)
    (snap / "api/cluster/resources.json").write_bytes(b'{"a": ' * 10_000 + b"1" + b"}" * 10_000)
    (snap / f"nodes/{P1}/commands").mkdir(parents=True, exist_ok=True)
    (snap / f"nodes/{P1}/commands/ip-j-addr.json").write_bytes(DEEP)
    (cluster,) = load_clusters([snap])
    gaps = {g.artifact: g for g in cluster.gaps}
    for n in cluster.nodes:
        gaps.update({g.artifact: g for g in n.gaps})
    for path in ("api/cluster/resources.json", f"nodes/{P1}/commands/ip-j-addr.json"):
        assert gaps[path].status == "unparsed"
        assert gaps[path].message == f"{path}: invalid JSON: nested too deeply"


def test_replies_cut_at_the_limit_leave_the_connection_usable(tmp_path: Path) -> None:
    """A reply cut at the limit closes its channel while the server still sends. With select() on the
    channel, paramiko's transport thread could then die ("Bad file descriptor" in the channel's
    pipe, or EOFError from the close), failing every other read of the node as an internal error:
    one collection in three or four did. Twenty cuts in a row on one connection, each followed by a
    command that must still work."""
    from tests.collectors.labs import first_node_session

    fault = {"kind": "huge", "bytes": GB, "target": "ssh", "command": "ovs-vsctl show"}
    with (
        LabRuntime(scenario_world("starwars"), tmp_path / "lab", faults=[fault]) as lab,
        first_node_session(lab, tmp_path) as session,
    ):
        for _ in range(20):
            cut = session.run("ovs-vsctl show", timeout=5, limit=2**20)
            assert cut.cut_at == 2**20 and cut.exit_status is None
            after = session.run("ip -j addr", timeout=5)
            assert after.exit_status == 0 and after.stdout.startswith(b"[")
