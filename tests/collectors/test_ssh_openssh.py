"""SSH against a real OpenSSH sshd on loopback, host key verification on.

Known host accepted; unknown host refused with how to add it; changed key refused (even with
--accept-new-host-keys), other key types only known refused as a change; --accept-new-host-keys
records in netdoc's own known_hosts and the next run accepts from there. Commands: exit status,
stdout, stderr, a command timeout, many connections at once. And a whole SSH-only `netdoc collect`.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from netdoc.cli import main
from netdoc.collectors.known_hosts import HostKeyPolicy, load_host_keys, netdoc_known_hosts
from netdoc.collectors.outcome import HostKeyRejected, TimedOut
from netdoc.collectors.ssh import SshSession, SshTarget
from netdoc.config import SshConfig
from netdoc.snapshot import open_snapshot
from tests.collectors.sshd import ADDRESSES, Sshd, keygen, write_node

pytestmark = pytest.mark.integration

INTERFACES = b"auto lo\niface lo inet loopback\n\nauto vmbr0\niface vmbr0 inet static\n\taddress 192.0.2.10/24\n\tbridge-ports eno1\n\tbridge-stp off\n\tbridge-fd 0\n"


def _cfg(sshd: Sshd, known_hosts: Path, **extra: object) -> SshConfig:
    return SshConfig.model_validate(
        {
            "user": "root",
            "port": sshd.port,
            "key_file": str(sshd.client_key),
            "use_agent": False,
            "known_hosts": str(known_hosts),
            "timeout_s": 5,
            **extra,
        }
    )


def _policy(known: Path, own: Path, accept_new: bool = False) -> HostKeyPolicy:
    files = (known, own)
    return HostKeyPolicy(load_host_keys(files), files, own, accept_new)


def _open(
    sshd: Sshd, known: Path, own: Path, *, accept_new: bool = False, address: str = "127.0.0.1"
) -> SshSession:
    return SshSession.open(
        SshTarget("n1", address, sshd.port), _cfg(sshd, known), _policy(known, own, accept_new), timeout=5
    )


def test_known_host_is_accepted_and_commands_give_status_stdout_stderr(sshd: Sshd, tmp_path: Path) -> None:
    write_node(sshd.node_root("127.0.0.1"), {"/etc/network/interfaces": INTERFACES}, {"ip -j addr": b"[]\n"})
    known = tmp_path / "known_hosts"
    known.write_text(sshd.host_key_line("127.0.0.1"))
    with _open(sshd, known, tmp_path / "own") as s:
        ok = s.run("ip -j addr", timeout=5)
        missing = s.run("lldpctl -f json0", timeout=5)
        tail = s.run("tail -n +1 -- /etc/network/interfaces /etc/hosts", timeout=5)
    assert (ok.exit_status, ok.stdout, ok.stderr) == (0, b"[]\n", b"")
    assert missing.exit_status == 127 and b"command not found" in missing.stderr
    assert tail.exit_status == 1 and tail.stdout.startswith(b"==> /etc/network/interfaces <==\n")
    assert b"cannot open '/etc/hosts'" in tail.stderr
    assert not (tmp_path / "own").exists()  # nothing recorded for a known host


def test_unknown_host_is_refused_with_how_to_add_it(sshd: Sshd, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    known.write_text("")
    with pytest.raises(HostKeyRejected) as info:
        _open(sshd, known, tmp_path / "own")
    message = info.value.message
    assert "is not known" in message and "ssh-keyscan -p" in message and "--accept-new-host-keys" in message
    assert "SHA256:" in message
    assert not (tmp_path / "own").exists()


@pytest.mark.parametrize("accept_new", [False, True], ids=["strict", "accept-new"])
def test_changed_key_is_always_refused(sshd: Sshd, tmp_path: Path, accept_new: bool) -> None:
    known = tmp_path / "known_hosts"
    known.write_text(sshd.host_key_line("127.0.0.1", sshd.other_host_key))
    own = tmp_path / "own"
    with pytest.raises(HostKeyRejected) as info:
        _open(sshd, known, own, accept_new=accept_new)
    assert "has CHANGED" in info.value.message and "ssh-keygen -R" in info.value.message
    assert not own.exists()


def test_known_with_another_key_type_only_is_refused_as_a_change(sshd: Sshd, tmp_path: Path) -> None:
    rsa = keygen(tmp_path / "rsa", "rsa")
    known = tmp_path / "known_hosts"
    known.write_text(sshd.host_key_line("127.0.0.1", rsa))
    with pytest.raises(HostKeyRejected) as info:
        _open(sshd, known, tmp_path / "own", accept_new=True)
    assert "has CHANGED" in info.value.message and "ssh-ed25519" in info.value.message


def test_accept_new_records_in_netdocs_own_file_then_accepts_from_it(sshd: Sshd, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"  # the user's file: never written
    own = tmp_path / "state" / "netdoc" / "known_hosts"
    with _open(sshd, known, own, accept_new=True) as s:
        assert s.run("true", timeout=5).exit_status == 127  # connected; the fixture knows no `true`
    recorded = own.read_text()
    assert recorded == sshd.host_key_line("127.0.0.1")
    assert own.stat().st_mode & 0o777 == 0o600
    assert not known.exists()
    with _open(sshd, known, own, accept_new=False) as s:  # next run: known from netdoc's own file
        assert s.alive
    assert own.read_text() == recorded  # not recorded twice


def test_default_own_known_hosts_is_under_xdg_state_home(_own_state: Path) -> None:
    assert netdoc_known_hosts() == _own_state / "netdoc" / "known_hosts"


def test_command_timeout_is_enforced(sshd: Sshd, tmp_path: Path) -> None:
    root = sshd.node_root("127.0.0.1")
    write_node(root, {}, {"ip -j -d link": b"[]\n"})
    (root / ".commands" / "ip_-j_-d_link.sleep").write_text("5")
    known = tmp_path / "known_hosts"
    known.write_text(sshd.host_key_line("127.0.0.1"))
    with _open(sshd, known, tmp_path / "own") as s:
        start = time.monotonic()
        with pytest.raises(TimedOut):
            s.run("ip -j -d link", timeout=1)
        assert time.monotonic() - start < 2.5
        assert s.run("lldpctl -f json0", timeout=5).exit_status == 127  # the connection still works
    (root / ".commands" / "ip_-j_-d_link.sleep").unlink()


def test_forty_connections_at_once(sshd: Sshd, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    known.write_text(sshd.host_key_line("127.0.0.1"))

    def one(_: int) -> int | None:
        with _open(sshd, known, tmp_path / "own") as s:
            return s.run("lldpctl -f json0", timeout=10).exit_status

    with ThreadPoolExecutor(max_workers=20) as ex:
        assert list(ex.map(one, range(40))) == [127] * 40


def _node_fixture(sshd: Sshd, address: str, name: str) -> None:
    files = {
        "/etc/network/interfaces": INTERFACES,
        "/etc/hosts": b"192.0.2.10 pve1\n192.0.2.11 pve2\n",
        "/proc/net/bonding/bond0": b"Bonding Mode: fault-tolerance (active-backup)\n",
    }
    if True:  # /etc/pve is one cluster file system: the same on every node
        files |= {
            "/etc/pve/corosync.conf": b"totem {\n  cluster_name: sshonly\n  token: 3000\n}\n",
            "/etc/pve/storage.cfg": b"dir: local\n\tpath /var/lib/vz\n\npbs: backup\n\tserver 192.0.2.80\n\tpassword hunter2-secret\n",
            "/etc/pve/nodes/pve1/qemu-server/100.conf": b"name: vm100\nnet0: virtio=00:00:5E:00:53:01,bridge=vmbr0,tag=10\ncipassword: $5$abc$hashhash\n",
            "/etc/pve/nodes/pve2/lxc/200.conf": b"hostname: ct200\nnet0: name=eth0,bridge=vmbr0,hwaddr=00:00:5E:00:53:02,ip=dhcp,type=veth\n",
        }
    commands = {
        "ip -j addr": b"[]\n",
        "ip -j -d link": b"[]\n",
        "bridge -j vlan show": b"[]\n",
        "iptables-save -t nat": b"*nat\nCOMMIT\n",
    }
    write_node(sshd.node_root(address), files, commands)


def test_ssh_only_collect_end_to_end_with_accept_new_host_keys(
    sshd: Sshd, tmp_path: Path, capsys: pytest.CaptureFixture[str], _own_state: Path
) -> None:
    for name, address in zip(("pve1", "pve2"), ADDRESSES, strict=True):
        _node_fixture(sshd, address, name)
    (sshd.root / "commands.log").unlink(missing_ok=True)
    known = tmp_path / "known_hosts"
    known.write_text("")
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(
        yaml.safe_dump(
            {
                "clusters": [
                    {
                        "name": "sshonly",
                        "ssh": {
                            "user": "root",
                            "port": sshd.port,
                            "key_file": str(sshd.client_key),
                            "use_agent": False,
                            "known_hosts": str(known),
                            "sudo": True,
                            "timeout_s": 5,
                        },
                        "nodes": [
                            {"name": "pve1", "address": ADDRESSES[0]},
                            {"name": "pve2", "address": ADDRESSES[1]},
                        ],
                        "collect": {"deadline_s": 60, "retries": 0},
                    }
                ]
            }
        )
    )
    out = tmp_path / "snaps"
    # 1. Unknown hosts: refused, exit 3, and the snapshot says why.
    assert main(["collect", "-i", str(inventory), "--out", str(out)]) == 3
    captured = capsys.readouterr()
    assert "partial collection" in captured.err
    assert "nothing could be read; the previous snapshot stays latest" in captured.err
    (failed,) = (out / "sshonly").glob("*.failed")  # a run that read nothing never becomes latest
    snap = open_snapshot(failed)
    assert snap.manifest is not None
    errors = {a.error for a in snap.manifest.artifacts if a.status == "error"}
    assert any("is not known" in e and "--accept-new-host-keys" in e for e in errors)
    # 2. --accept-new-host-keys: recorded in $XDG_STATE_HOME/netdoc/known_hosts, collected.
    assert main(["collect", "-i", str(inventory), "--out", str(out), "--accept-new-host-keys"]) == 0
    own = (_own_state / "netdoc" / "known_hosts").read_text()
    assert own == sshd.host_key_line(ADDRESSES[0]) + sshd.host_key_line(ADDRESSES[1]) or sorted(
        own.splitlines()
    ) == sorted((sshd.host_key_line(ADDRESSES[0]) + sshd.host_key_line(ADDRESSES[1])).splitlines())
    # 3. Next run without the flag: known now.
    capsys.readouterr()
    assert main(["collect", "-i", str(inventory), "--out", str(out)]) == 0
    snap = open_snapshot(out / "sshonly")
    assert snap.manifest is not None
    statuses = {a.path: a.status for a in snap.manifest.artifacts}
    assert statuses["nodes/pve1/etc/network/interfaces"] == "ok"
    assert statuses["nodes/pve2/proc/net/bonding/bond0"] == "ok"
    assert statuses["nodes/pve1/commands/lldpctl-f-json0.json"] == "missing"
    # /etc/pve read once, from one node: every file of it is under that node.
    readers = {p.split("/")[1] for p in statuses if "/etc/pve/" in p}
    assert len(readers) == 1
    reader = readers.pop()
    assert statuses[f"nodes/{reader}/etc/pve/corosync.conf"] == "ok"
    assert statuses[f"nodes/{reader}/etc/pve/nodes/pve2/lxc/200.conf"] == "ok"
    assert snap.node_file("pve1", "/etc/network/interfaces") == INTERFACES.decode()
    # Secrets in what was read are redacted, the rest kept verbatim.
    storage = snap.node_file(reader, "/etc/pve/storage.cfg") or ""
    assert "hunter2-secret" not in storage and "password [redacted]" in storage
    guest = snap.node_file(reader, "/etc/pve/nodes/pve1/qemu-server/100.conf") or ""
    assert "hashhash" not in guest and "bridge=vmbr0,tag=10" in guest
    assert "token: 3000" in (snap.node_file(reader, "/etc/pve/corosync.conf") or "")
    assert any("redacted" in n for n in snap.manifest.notes)
    # Only allowed commands were sent; no sudo for root even with `sudo: true`.
    from netdoc.collectors.plan import ssh_commands

    sent = sshd.commands()
    assert set(sent) == set(ssh_commands(sudo=False))
    assert not any(c.startswith("sudo") for c in sent)
    # The guest configurations are read once per run (runs 2 and 3; run 1 never logged in).
    assert sum(c.startswith("tail -n +1 -- /etc/pve/nodes/") for c in sent) == 2
