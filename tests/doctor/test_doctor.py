"""`netdoc doctor` against the real lab (HTTPS API, paramiko SSH), one fault at a time.

The lab's SSH user is `netdoc` (not root), so the inventory uses sudo and the root commands are
checked through it. Each case asserts the exit code, the artifacts named and the exact fix.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from netdoc.cli import main
from netdoc.collectors.doctor_ssh import _sudo_list_verdict
from netdoc.collectors.plan import sudoers_lines
from netdoc.collectors.ssh import CommandResult
from netdoc.lab.runtime import LabRuntime
from tests.collectors.labs import scenario_world, write_inventory

pytestmark = pytest.mark.integration
P2, P3 = "proxmox2", "proxmox3"


@pytest.fixture(autouse=True)
def _own_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabRuntime]:
    with LabRuntime(scenario_world("starwars"), tmp_path_factory.mktemp("lab"), ssh_user="netdoc") as running:
        yield running
        assert running.errors() == []


@contextlib.contextmanager
def faults(lab: LabRuntime, *specs: dict[str, Any]) -> Iterator[None]:
    added = [lab.add_fault(**s) for s in specs]
    try:
        yield
    finally:
        for f in added:
            lab.faults.remove(f)


def inventory(lab: LabRuntime, tmp_path: Path, **ssh: Any) -> Path:
    path = write_inventory(lab, tmp_path / "inv.yml", timeout_s=2)
    if ssh:
        data = yaml.safe_load(path.read_text())
        data["clusters"][0]["ssh"].update(ssh)
        path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def doctor(inv: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    code = main(["doctor", "-i", str(inv), "--format", "json", *args])
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def problems(report: dict[str, Any], status: str = "problem") -> list[dict[str, Any]]:
    return [c for c in report["checks"] if c["status"] == status]


def test_a_healthy_lab_is_all_good(
    lab: LabRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["doctor", "-i", str(inventory(lab, tmp_path))])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "netdoc doctor: everything can be collected" in text
    assert "verified: chain and host name against the CA file" in text
    for node in ("proxmox1", P2, P3):
        assert f"{node}  commands" in text
    code, report, _ = doctor(inventory(lab, tmp_path), capsys)
    assert code == 0 and report["format"] == "netdoc-doctor/1"
    assert {c["status"] for c in report["checks"]} == {"ok"}
    subjects = {c["subject"] for c in report["checks"] if c["node"] == P2}
    assert "sudo -n ovs-vsctl show" in subjects and "GET /nodes/proxmox2/dns" in subjects
    # a root command is asked of sudo (sudo -n -l), not run
    (ovs,) = [c for c in report["checks"] if c["node"] == P2 and c["subject"] == "sudo -n ovs-vsctl show"]
    assert ovs["detail"] == "allowed by sudo (sudo -n -l)", ovs
    assert any(c["subject"] == "SDN.Audit on /sdn" for c in report["checks"])


def test_nothing_is_collected_and_no_secret_is_printed(
    lab: LabRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inv = inventory(lab, tmp_path)
    lab.api_log.clear()
    lab.ssh_log.clear()
    code, report, err = doctor(inv, capsys)
    assert code == 0
    secret = lab.clusters["starwars"].credentials.token_secret
    assert secret not in json.dumps(report) and secret not in err
    assert {r.method for r in lab.api_log.records()} == {"GET"}
    execs = [e.command for e in lab.ssh_log.records() if e.kind == "exec"]
    assert all(
        c.startswith("tail -n 0 -- ") for c in execs if c and c.startswith("tail")
    )  # no file content read


def test_a_missing_privilege_names_the_artifact_and_the_pveum_fix(
    lab: LabRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fault = {
        "kind": "forbidden",
        "path": f"/nodes/{P2}/*",
        "privilege": "Sys.Audit",
        "acl_path": f"/nodes/{P2}",
    }
    with faults(lab, fault):
        code, report, _ = doctor(inventory(lab, tmp_path), capsys)
    assert code == 1
    dns = next(c for c in problems(report) if c["subject"] == f"GET /nodes/{P2}/dns")
    assert dns["artifacts"] == [f"api/nodes/{P2}/dns.json"]
    assert "403 Permission check failed (/nodes/proxmox2, Sys.Audit)" in dns["detail"]
    grant = (
        f"pveum acl modify /nodes/{P2} --users netdoc@pve --tokens 'netdoc@pve!collect' --roles PVEAuditor"
    )
    assert dns["fix"] == grant
    (fix,) = [f for f in report["fixes"] if grant in f["lines"]]
    assert f"api/nodes/{P2}/dns.json" in fix["artifacts"]


def test_a_silently_filtered_list_is_found_through_access_permissions(
    lab: LabRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the fault denies VM.Audit on /vms; GET /nodes/X/qemu would still answer 200 on a real cluster
    with faults(lab, {"kind": "forbidden", "path": "/vms/*", "privilege": "VM.Audit", "acl_path": "/vms"}):
        code, report, _ = doctor(inventory(lab, tmp_path), capsys)
    assert code == 1
    (check,) = [c for c in problems(report) if c["subject"] == "VM.Audit on /vms"]
    assert f"api/nodes/{P2}/qemu.json" in check["artifacts"]
    assert (
        check["fix"]
        == "pveum acl modify /vms --users netdoc@pve --tokens 'netdoc@pve!collect' --roles PVEAuditor"
    )


def test_sudo_denied_gives_the_sudoers_lines(
    lab: LabRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with faults(lab, {"kind": "sudo_denied", "node": P3}):
        code, report, _ = doctor(inventory(lab, tmp_path), capsys)
        text_code = main(["doctor", "-i", str(inventory(lab, tmp_path))])
        text = capsys.readouterr().out
    assert code == text_code == 1
    denied = [c for c in problems(report) if c["node"] == P3]
    assert {c["subject"] for c in denied} >= {"sudo -n ovs-vsctl show", "sudo -n iptables-save -t nat"}
    assert {c["fix"] for c in denied} == set(sudoers_lines("netdoc"))
    assert {c["detail"] for c in denied} == {"sudo does not allow it (sudo -n -l)"}, "asked, not run"
    assert f"nodes/{P3}/commands/iptables-save-t-nat.txt" in {a for c in denied for a in c["artifacts"]}
    assert not [c for c in problems(report) if c["node"] != P3]
    assert "netdoc ALL=(root) NOPASSWD: /usr/bin/ovs-vsctl show" in text
    assert "/etc/sudoers.d/netdoc" in text


def test_root_commands_without_sudo_in_the_inventory(
    lab: LabRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with faults(lab, {"kind": "sudo_denied"}):  # the lab's user runs everything; say so without sudo
        code, report, _ = doctor(inventory(lab, tmp_path, sudo=False), capsys)
    assert code == 0  # the lab lets its user run ovs-vsctl without sudo: nothing would be lost
    assert not problems(report)


def test_an_unknown_host_key_gives_the_keyscan_line(
    lab: LabRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    code, report, _ = doctor(inventory(lab, tmp_path, known_hosts=str(empty)), capsys)
    assert code == 1
    keys = [c for c in problems(report) if c["area"] == "host key"]
    assert {c["node"] for c in keys} == {"proxmox1", P2, P3}
    p2 = next(c for c in keys if c["node"] == P2)
    node = next(n for n in lab.clusters["starwars"].nodes if n.name == P2)
    assert p2["fix"] == f"ssh-keyscan -p {node.ssh_port} -t ed25519 {node.address} >> {empty}"
    assert (
        "SHA256:" in p2["fix_title"] and "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub" in p2["fix_title"]
    )
    assert f"nodes/{P2}/etc/network/interfaces" in p2["artifacts"]
    assert empty.read_text() == ""  # doctor never records a key


def test_a_changed_host_key_is_refused_with_the_fix(
    lab: LabRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with faults(lab, {"kind": "host_key_changed", "node": P2}):
        code, report, _ = doctor(inventory(lab, tmp_path), capsys)
    assert code == 1
    (check,) = [c for c in problems(report) if c["area"] == "host key"]
    assert check["node"] == P2 and "CHANGED" in check["detail"]
    assert check["fix"].startswith("ssh-keygen -R '[127.")


def test_an_unreachable_node_is_exit_3_and_the_rest_is_still_checked(
    lab: LabRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with faults(lab, {"kind": "ssh_refused", "node": P2}, {"kind": "sudo_denied", "node": P3}):
        code, report, _ = doctor(inventory(lab, tmp_path), capsys)
    assert code == 3
    (down,) = problems(report, "unreachable")
    assert down["node"] == P2 and "connection refused" in down["detail"]
    assert problems(report)  # proxmox3's sudo problem is still found
    assert any(
        c["node"] == "proxmox1" and c["area"] == "commands" and c["status"] == "ok" for c in report["checks"]
    )


def test_a_node_offline_in_the_cluster(
    lab: LabRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with faults(lab, {"kind": "offline", "node": P3}):
        code, report, _ = doctor(inventory(lab, tmp_path), capsys)
    assert code == 3
    (down,) = problems(report, "unreachable")
    assert down["node"] == P3 and "offline in the cluster" in down["detail"]


def test_a_refused_token_is_a_problem_with_the_credentials_named(
    lab: LabRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with faults(lab, {"kind": "auth_failure"}):
        code, report, _ = doctor(inventory(lab, tmp_path), capsys)
    assert code == 1
    (auth,) = [c for c in problems(report) if c["subject"] == "GET /version"]
    assert "authentication failed: 401" in auth["detail"]
    assert "file:" in auth["fix"]  # the secret by its reference
    assert lab.clusters["starwars"].credentials.token_secret not in json.dumps(report)


def test_an_unreadable_secret_is_exit_2(
    lab: LabRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inv = inventory(lab, tmp_path)
    data = yaml.safe_load(inv.read_text())
    data["clusters"][0]["api"]["token_secret"] = "env:NETDOC_DOCTOR_UNSET"
    inv.write_text(yaml.safe_dump(data, sort_keys=False))
    code, report, _ = doctor(inv, capsys)
    assert code == 2
    (cfg,) = problems(report, "config")
    assert "NETDOC_DOCTOR_UNSET is not set" in cfg["detail"]
    assert cfg["fix"].startswith("export NETDOC_DOCTOR_UNSET=")
    assert any(c["area"] == "commands" and c["status"] == "ok" for c in report["checks"])  # SSH still checked


def test_insecure_tls_is_a_warning_with_the_fingerprint_to_pin(
    lab: LabRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inv = inventory(lab, tmp_path)
    data = yaml.safe_load(inv.read_text())
    api = data["clusters"][0]["api"]
    for key in ("ca_file", "fingerprint", "verify_tls"):
        api.pop(key)
    api["insecure"] = True
    inv.write_text(yaml.safe_dump(data, sort_keys=False))
    code, report, _ = doctor(inv, capsys)
    assert code == 0
    (warn,) = problems(report, "warning")
    assert warn["area"] == "tls" and lab.clusters["starwars"].fingerprint in warn["fix"]


def test_usage_errors_are_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "inv.yml"
    bad.write_text("clusters: [{name: x, api: {host: h, user: u@pve, tokn: 1}}]\n")
    assert main(["doctor", "-i", str(bad)]) == 2
    assert "tokn" in capsys.readouterr().err


def _result(status: int | None, out: bytes = b"", err: bytes = b"") -> CommandResult:
    return CommandResult("sudo -n -l ovs-vsctl show", status, out, err, 0.0)


@pytest.mark.parametrize(
    ("result", "verdict"),
    [
        (_result(0, b"/usr/bin/ovs-vsctl show\n"), "ok"),
        (_result(1, err=b"sudo: a password is required\n"), "denied"),
        (_result(1, err=b"Sorry, user netdoc may not run sudo on pve1.\n"), "denied"),
        (_result(1), "denied"),  # sudoers allows other commands, not this one
        (_result(1, err=b"sudo: ovs-vsctl: command not found\n"), "missing"),
        (_result(1, err=b"sudo: option '-l' is not simulated by netdoc lab\n"), "unknown"),
        (_result(None), "unknown"),
    ],
)
def test_sudo_list_answers(result: CommandResult, verdict: str) -> None:
    """What real sudo prints for `sudo -n -l COMMAND` (sudo(8), -l with a command)."""
    assert _sudo_list_verdict(result) == verdict
