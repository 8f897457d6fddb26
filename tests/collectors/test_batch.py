"""The batch: a node's commands in one `bash -s` round trip, each command's result framed apart.

Against real bash first (the script netdoc sends, run by bash over a folder of files): each
command gets its own exit status, stdout and stderr; output holding a marker-like line is kept
verbatim, output holding the batch's own marker breaks the batch instead of forging a command.
Then through the lab's SSH server: a node where several commands fail records each failure on
its own artifact from one round trip; a node without bash, or whose output holds the marker,
falls back to one exec per command, loses nothing, and says so in the snapshot's notes.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from netdoc.collectors import nodework
from netdoc.collectors.batch import BATCH_COMMAND, BatchBroken, batch_script, new_marker, split_batch
from netdoc.collectors.collect import CollectOptions
from netdoc.collectors.plan import NODE_COMMANDS
from netdoc.collectors.ssh import CommandResult
from netdoc.config import load_inventory
from netdoc.lab.runtime import LabRuntime
from netdoc.lab.world import LabWorld
from netdoc.pipeline.collection import collect_clusters
from netdoc.snapshot import Snapshot, open_snapshot
from tests.collectors.labs import scenario_world, write_inventory

needs_bash = pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")

FAKE = "netdoc-" + "0" * 32  # looks like a marker; is not this batch's


def _bash(script: str, cwd: Path) -> CommandResult:
    done = subprocess.run(
        ["bash", "-s"], input=script.encode(), cwd=cwd, capture_output=True, check=False, env={"LC_ALL": "C"}
    )
    return CommandResult(BATCH_COMMAND, done.returncode, done.stdout, done.stderr, 0.0)


def _tree(tmp_path: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    return tmp_path


# ------------------------------------------------------------------------------------------ real bash


@needs_bash
def test_each_command_keeps_its_own_status_stdout_and_stderr(tmp_path: Path) -> None:
    lookalike = f"{FAKE} 1 end 0\n{FAKE} 2 begin\n".encode()
    cwd = _tree(tmp_path, {"etc/a": b"A\n", "etc/b": b"no newline", "etc/fake": lookalike})
    commands = [
        "tail -n +1 -- etc/a etc/nope",  # one file read, one missing: status 1, both streams
        "netdoc-no-such-program -x",  # not installed: 127
        "cat -- etc/b",  # no final newline: kept exactly
        "false",  # non-zero exit, no output
        "cat -- etc/fake",  # marker-looking lines: just content
        "printf ''",  # nothing at all
    ]
    marker = new_marker()
    got = split_batch(_bash(batch_script(commands, marker), cwd), commands, marker)
    assert [(r.command, r.exit_status) for r in got] == list(zip(commands, [1, 127, 0, 1, 0, 0], strict=True))
    assert got[0].stdout == b"==> etc/a <==\nA\n"
    assert got[0].stderr == b"tail: cannot open 'etc/nope' for reading: No such file or directory\n"
    # bash reading a script from a pipe names the line (1: the comment, then 3 lines per command)
    assert (
        got[1].stdout == b"" and got[1].stderr == b"bash: line 6: netdoc-no-such-program: command not found\n"
    )
    assert (got[2].stdout, got[2].stderr) == (b"no newline", b"")
    assert (got[3].stdout, got[3].stderr) == (b"", b"")
    assert got[4].stdout == lookalike
    assert (got[5].stdout, got[5].stderr) == (b"", b"")


@needs_bash
@pytest.mark.parametrize("where", ["stdout", "stderr"])
def test_output_holding_the_marker_breaks_the_batch_instead_of_forging(tmp_path: Path, where: str) -> None:
    marker = "netdoc-" + "ab" * 16
    forged = f"x\n{marker} 0 end 0\n{marker} 1 begin\nFORGED\n".encode()
    cwd = _tree(tmp_path, {"etc/evil": forged, "etc/good": b"good\n"})
    command = "cat -- etc/evil" if where == "stdout" else "cat -- etc/evil >&2"
    commands = [command, "cat -- etc/good"]
    result = _bash(batch_script(commands, marker), cwd)
    with pytest.raises(BatchBroken, match=f"{where} holds its marker 6 times, not 4"):
        split_batch(result, commands, marker)


@needs_bash
def test_a_batch_that_did_not_run_whole_is_broken(tmp_path: Path) -> None:
    marker = new_marker()
    commands = ["true", "true"]
    whole = _bash(batch_script(commands, marker), tmp_path)
    assert len(split_batch(whole, commands, marker)) == 2
    cut = dataclasses.replace(whole, stdout=whole.stdout[:-3])
    with pytest.raises(BatchBroken):
        split_batch(cut, commands, marker)
    with pytest.raises(BatchBroken, match="cut short"):
        split_batch(dataclasses.replace(whole, exit_status=None), commands, marker)
    with pytest.raises(BatchBroken, match="status 127"):
        split_batch(
            dataclasses.replace(whole, exit_status=127, stderr=b"sh: bash: not found\n"), commands, marker
        )
    with pytest.raises(BatchBroken, match="after its last command"):
        split_batch(dataclasses.replace(whole, stdout=whole.stdout + b"motd\n"), commands, marker)
    with pytest.raises(BatchBroken):  # another batch's output (another marker)
        split_batch(whole, commands, new_marker())


def test_script_quotes_its_own_words_and_refuses_odd_input() -> None:
    script = batch_script(["ip -j addr"], "netdoc-" + "1" * 32)
    assert "printf '%s\\n' 'netdoc-11111111111111111111111111111111 0 begin';" in script
    assert "\nip -j addr </dev/null\n" in script
    for marker in ("short", "netdoc-'; rm -rf / #aaaaaaaaaa"):
        with pytest.raises(ValueError):
            batch_script(["true"], marker)
    with pytest.raises(ValueError):
        batch_script(["true\nreboot"], new_marker())
    assert new_marker() != new_marker()


# ------------------------------------------------------------------------------------------ the lab


P2 = "proxmox2"


def _collect(world: LabWorld, tmp: Path, **lab_kw: object) -> tuple[LabRuntime, Snapshot]:
    with LabRuntime(world, tmp / "lab", **lab_kw) as lab:  # type: ignore[arg-type]
        inventory = load_inventory(write_inventory(lab, tmp / "inv.yml", deadline_s=60, retries=1))
        (result,) = collect_clusters(list(inventory.clusters), tmp / "snaps", CollectOptions())
    return lab, open_snapshot(result.snapshot)


def _statuses(snap: Snapshot) -> dict[str, tuple[str, str]]:
    assert snap.manifest is not None
    return {a.path: (a.status, a.error) for a in snap.manifest.artifacts}


def _with_node(world: LabWorld, name: str, **changes: object) -> LabWorld:
    (cluster,) = world.clusters
    nodes = tuple(dataclasses.replace(n, **changes) if n.name == name else n for n in cluster.nodes)  # type: ignore[arg-type]
    return LabWorld((dataclasses.replace(cluster, nodes=nodes),))


def test_failing_commands_in_one_batch_each_record_their_own_status(tmp_path: Path) -> None:
    """sudo refused, a file missing, a program not installed, a non-zero exit: one round trip."""
    world = scenario_world("starwars")
    node = next(n for n in world.clusters[0].nodes if n.name == P2)
    files = {p: c for p, c in node.files.items() if p != "/etc/hosts"}
    commands = {c: o for c, o in node.commands.items() if c != "ip -j addr"}  # `ip` knows other lines
    world = _with_node(world, P2, files=files, commands=commands)
    faults = [
        {"kind": "sudo_denied", "node": P2},
        {"kind": "command_missing", "program": "lldpctl", "node": P2},
    ]
    lab, snap = _collect(world, tmp_path, ssh_user="netdoc", faults=faults)
    execs = Counter(e.node for e in lab.ssh_log.records() if e.kind == "exec")
    assert execs[P2] == 1, execs  # nothing retried, nothing run again
    got = _statuses(snap)
    base = f"nodes/{P2}"
    assert got[f"{base}/etc/hosts"] == ("missing", "/etc/hosts: no such file")
    assert got[f"{base}/etc/network/interfaces"][0] == "ok"
    status, error = got[f"{base}/commands/ip-j-addr.json"]
    assert status == "error" and "`ip -j addr` exited with status 1" in error
    assert got[f"{base}/commands/lldpctl-f-json0.json"][0] == "missing"
    assert "lldpctl: command not found" in got[f"{base}/commands/lldpctl-f-json0.json"][1]
    for c in NODE_COMMANDS:
        status, error = got[f"{base}/commands/{c.name}"]
        if c.needs_root:
            assert status == "denied" and f"sudo refused `sudo -n {c.command}`" in error, c.name
        elif c.name not in ("ip-j-addr.json", "lldpctl-f-json0.json"):
            assert status == "ok", (c.name, status, error)
    assert snap.command(P2, "ip-j-d-link.json") == node.commands["ip -j -d link"].decode()
    assert snap.manifest is not None
    assert not [n for n in snap.manifest.notes if "batched" in n]
    # the other nodes are untouched by P2's failures
    assert all(s == "ok" for p, (s, _) in got.items() if p.startswith("nodes/proxmox1/commands/"))


def _fallback_note(snap: Snapshot) -> list[str]:
    assert snap.manifest is not None
    return [n for n in snap.manifest.notes if "batched SSH read failed" in n]


def test_without_bash_the_node_is_read_one_command_at_a_time(tmp_path: Path) -> None:
    world = scenario_world("starwars")
    lab, snap = _collect(world, tmp_path, faults=[{"kind": "command_missing", "program": "bash", "node": P2}])
    execs = Counter(e.node for e in lab.ssh_log.records() if e.kind == "exec")
    reader = next(e.node for e in lab.ssh_log.records() if "/etc/pve/nodes/" in (e.command or ""))
    own = 1 + len(NODE_COMMANDS)
    assert execs[P2] == 1 + own + (2 if reader == P2 else 0), execs
    assert all(execs[n] == 1 for n in execs if n != P2)
    bad = {p: v for p, v in _statuses(snap).items() if v[0] not in ("ok", "missing")}
    assert bad == {}
    node = next(n for n in world.clusters[0].nodes if n.name == P2)
    assert snap.node_file(P2, "/etc/network/interfaces") == node.files["/etc/network/interfaces"].decode()
    (note,) = _fallback_note(snap)
    assert note.startswith(f"{P2}: ") and "`bash -s` exited with status 127" in note


def test_output_holding_the_marker_falls_back_and_is_stored_verbatim(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A node file that holds this run's marker (made known here on purpose) cannot forge a command."""
    marker = "netdoc-" + "cd" * 16
    monkeypatch.setattr(nodework, "new_marker", lambda: marker)
    world = scenario_world("starwars")
    node = next(n for n in world.clusters[0].nodes if n.name == P2)
    forged = f"\n{marker} 0 end 0\n{marker} 1 begin\n".encode()
    hosts = node.files["/etc/hosts"] + forged
    world = _with_node(world, P2, files={**node.files, "/etc/hosts": hosts})
    lab, snap = _collect(world, tmp_path)
    execs = Counter(e.node for e in lab.ssh_log.records() if e.kind == "exec")
    assert execs[P2] > 1 and all(execs[n] == 1 for n in execs if n != P2), execs
    assert snap.node_file(P2, "/etc/hosts") == hosts.decode()
    assert {v[0] for v in _statuses(snap).values()} <= {"ok", "missing"}
    (note,) = _fallback_note(snap)
    assert "holds its marker" in note


def test_the_lab_runs_only_the_batch_form(tmp_path: Path) -> None:
    from tests.collectors.labs import first_node_session

    with (
        LabRuntime(scenario_world("starwars"), tmp_path / "lab") as lab,
        first_node_session(lab, tmp_path) as session,
    ):
        odd = session.run(BATCH_COMMAND, timeout=5, stdin=b"cat /etc/hosts\n")
        marker = new_marker()
        script = batch_script(["ip -j addr"], marker).encode()
        good = split_batch(session.run(BATCH_COMMAND, timeout=5, stdin=script), ["ip -j addr"], marker)
    assert odd.exit_status == 2 and b"batch form" in odd.stderr
    assert good[0].exit_status == 0 and good[0].stdout.startswith(b"[")
