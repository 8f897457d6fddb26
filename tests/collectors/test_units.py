"""The collectors' pure parts: the allow-list, redaction, judging command results, retries, the recorder."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdoc.collectors.outcome import Deadline, Denied, Failed, TimedOut, Unreachable, final, with_retries
from netdoc.collectors.plan import (
    _WHY,
    CLUSTER_API,
    FILE_READS,
    FORBIDDEN_PREFIXES,
    GUEST_FILES,
    NODE_API,
    NODE_COMMANDS,
    NODE_FILES,
    PVE_FILES,
    api_allowed,
    ssh_commands,
    sudoers_lines,
)
from netdoc.collectors.recorder import Recorder, Unit
from netdoc.collectors.redact import REDACTED, redact_bytes, redact_json, redact_json_bytes, redact_text
from netdoc.collectors.results import judge_command, judge_read
from netdoc.collectors.ssh import CommandResult
from netdoc.parsers.tail import split_tail_output, tail_errors
from netdoc.snapshot import COMMANDS, SnapshotWriter, open_snapshot

# ------------------------------------------------------------------------------------------ the plan


def test_every_snapshot_command_is_planned_with_a_reason() -> None:
    assert {c.name for c in NODE_COMMANDS} == set(COMMANDS)
    assert set(_WHY) == set(COMMANDS)  # no command without its documented reason
    assert all(c.why and c.absent_when for c in NODE_COMMANDS)


def test_only_ovs_vsctl_and_iptables_save_get_sudo() -> None:
    root = {c.command.split()[0] for c in NODE_COMMANDS if c.needs_root}
    assert root == {"ovs-vsctl", "iptables-save"}
    with_sudo = ssh_commands(sudo=True)
    assert all(line.split()[2] in root for line in with_sudo if line.startswith("sudo"))
    assert "sudo -n ip -j addr" not in with_sudo and "ip -j addr" in with_sudo
    assert not any(line.startswith("sudo") for line in ssh_commands(sudo=False))
    lines = sudoers_lines("netdoc")
    assert "netdoc ALL=(root) NOPASSWD: /usr/sbin/iptables-save -t nat" in lines
    assert "netdoc ALL=(root) NOPASSWD: /usr/bin/ovs-vsctl --format\\=json list Port" in lines
    assert all("NOPASSWD: /usr/bin/ovs-vsctl " in x or "iptables-save" in x for x in lines)


def test_reads_are_read_only_and_never_touch_private_files() -> None:
    for read in FILE_READS:
        assert read.command.startswith("tail -n +1 -- ")
        assert len(read.patterns) >= 2  # tail prints headers only for two or more arguments
        for p in read.patterns:
            assert p.pattern.startswith("/") and not p.pattern.startswith(FORBIDDEN_PREFIXES)
            assert not re.search(r"[;&|`$<>()]", p.pattern)
    assert GUEST_FILES.command == (
        "tail -n +1 -- /etc/pve/nodes/*/qemu-server/*.conf /etc/pve/nodes/*/lxc/*.conf"
    )
    assert PVE_FILES.pattern_for("/etc/pve/sdn/zones.cfg") is not None
    assert PVE_FILES.pattern_for("/etc/pve/priv/token.cfg") is None
    assert GUEST_FILES.pattern_for("/etc/pve/nodes/pve1/qemu-server/100.conf") is not None
    assert GUEST_FILES.pattern_for("/etc/pve/nodes/pve1/qemu-server/sub/100.conf") is None
    assert NODE_FILES.pattern_for("/etc/network/interfaces.d/.hidden") is None  # bash skips dot files


def test_api_allow_list() -> None:
    assert CLUSTER_API[0].path == "/cluster/status"  # asked first: it names the nodes
    for item in (*CLUSTER_API, *NODE_API):
        assert api_allowed("GET", item.path.format(node="pve1"))
    assert api_allowed("GET", "/cluster/sdn/vnets/vnet1/subnets")
    assert api_allowed("GET", "/nodes/pve1/qemu/100/config")
    assert api_allowed("POST", "/access/ticket")
    assert not api_allowed("POST", "/nodes/pve1/qemu/100/status/start")
    assert not api_allowed("PUT", "/nodes/pve1/network")
    assert not api_allowed("DELETE", "/nodes/pve1/qemu/100")
    assert not api_allowed("GET", "/access/users")
    assert not api_allowed("GET", "/nodes/pve1/../access/users")
    assert not api_allowed("GET", "/nodes/pve1/qemu/100/agent/exec")


# ------------------------------------------------------------------------------------------ redaction


@pytest.mark.parametrize(
    ("text", "secret", "kept"),
    [
        ("iface wlan0 inet dhcp\n    wpa-psk s3cr3t-psk\n", "s3cr3t-psk", "wpa-psk"),
        ("cifs: share\n\tpassword hunter2\n\tserver 192.0.2.5\n", "hunter2", "server 192.0.2.5"),
        (
            "cipassword: $5$salt$hash\nnet0: virtio=00:00:5E:00:53:01,bridge=vmbr0\n",
            "$5$salt$hash",
            "bridge=vmbr0",
        ),
        ("[client.admin]\n\tkey = AQBsecretkey==\n", "AQBsecretkey==", "[client.admin]"),
        ("ipam: netbox\n\ttoken 0123abcd\n\turl https://192.0.2.7\n", "0123abcd", "url https"),
        ('options: {psk=swordfish, remote_ip="192.0.2.1"}\n', "swordfish", 'remote_ip="192.0.2.1"'),
    ],
)
def test_secret_values_are_redacted(text: str, secret: str, kept: str) -> None:
    out, names = redact_text(text)
    assert secret not in out and kept in out and REDACTED in out and names


@pytest.mark.parametrize(
    "text",
    [
        "totem {\n  token: 3000\n  token_retransmits_before_loss_const: 10\n}\n",  # a timeout
        'options: {key=flow, remote_ip="192.0.2.1"}\n',  # a VXLAN key
        "auto vmbr0\niface vmbr0 inet static\n\taddress 192.0.2.1/24\n",
        "192.0.2.1 pve1.example.org pve1\n",
        "keyboard: de\nmigration: secure,network=198.51.100.0/24\n",
    ],
)
def test_what_is_not_secret_is_kept_verbatim(text: str) -> None:
    assert redact_text(text) == (text, [])
    assert redact_bytes(text.encode()) == (text.encode(), [])


def test_json_redaction_keeps_bytes_when_nothing_is_secret() -> None:
    data = b'[{"ifname": "eno1", "mtu": 1500}]\n'
    assert redact_json_bytes(data) == (data, [])
    ovs = b'{"data": [[["map", [["psk", "x1"], ["key", "flow"]]]]], "headings": ["options"]}'
    red, names = redact_json_bytes(ovs)
    assert names == ["psk"] and b"x1" not in red and b'"flow"' in red
    api, names = redact_json({"password": "p", "keyboard": "fr", "nested": [{"cipassword": "h"}]})
    assert api == {"password": REDACTED, "keyboard": "fr", "nested": [{"cipassword": REDACTED}]}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300))
def test_redaction_never_fails_and_is_idempotent(text: str) -> None:
    once, _ = redact_text(text)
    assert redact_text(once) == (once, [])


@given(st.from_regex(r"[A-Za-z][A-Za-z0-9+/=_.-]{4,30}", fullmatch=True))
def test_any_wpa_psk_value_is_removed(value: str) -> None:
    out, _ = redact_text(f"iface wlan0 inet dhcp\n\twpa-psk {value}\n")
    assert f"wpa-psk {REDACTED}" in out and value not in out.replace(REDACTED, "")


# ------------------------------------------------------------------------------------------ results


def _result(command: str, status: int | None, out: bytes = b"", err: bytes = b"") -> CommandResult:
    return CommandResult(command, status, out, err, 0.01)


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": "\\u0070sk=hunter2"}',  # a JSON escape spells the name
        '{"pa\u017f\u017fword": "hunter2"}'.encode(),  # long s: IGNORECASE folds it to s
        '{"\u212aEY": "hunter2"}'.encode(),  # Kelvin sign: a K for IGNORECASE
    ],
)
def test_quick_no_secret_check_misses_no_name(data: bytes) -> None:
    """Output without a secret name is stored unparsed; names spelt otherwise are still found."""
    import json

    slow, names = redact_json(json.loads(data))
    fast, fast_names = redact_json_bytes(data)
    assert names and fast_names == names
    assert json.loads(fast) == slow and b"hunter2" not in fast


def test_output_without_any_secret_name_is_kept_byte_for_byte() -> None:
    data = b'[{"ifname": "tap100i0", "mtu": 1500, "address": "bc:24:11:00:00:01"}]' * 1000
    assert redact_json_bytes(data) == (data, [])
    assert redact_bytes(data) == (data, [])


def test_judge_command_statuses() -> None:
    show, lldp = (
        next(c for c in NODE_COMMANDS if c.name == n) for n in ("ovs-vsctl-show.txt", "lldpctl-f-json0.json")
    )
    assert judge_command(show, _result("ovs-vsctl show", 0, b"x\n")) == b"x\n"
    missing = pytest.raises(Exception)
    with missing as info:
        judge_command(show, _result("ovs-vsctl show", 127, err=b"bash: ovs-vsctl: command not found\n"))
    assert getattr(info.value, "status", "") == "missing"
    with pytest.raises(Exception) as info:
        judge_command(
            show,
            _result(
                "ovs-vsctl show",
                1,
                err=b"ovs-vsctl: unix:/var/run/openvswitch/db.sock: "
                b"database connection failed (No such file or directory)\n",
            ),
        )
    assert getattr(info.value, "status", "") == "missing"
    with pytest.raises(Denied, match="sudoers"):
        judge_command(show, _result("sudo -n ovs-vsctl show", 1, err=b"sudo: a password is required\n"))
    with pytest.raises(Denied):
        judge_command(
            lldp, _result("lldpctl -f json0", 1, err=b"lldpctl: unable to connect: Permission denied\n")
        )
    with pytest.raises(Unreachable, match="no exit status"):
        judge_command(show, _result("ovs-vsctl show", None, b"partial"))
    with pytest.raises(Failed, match="not JSON"):
        judge_command(lldp, _result("lldpctl -f json0", 0, b"\x00garbage"))
    with pytest.raises(Failed, match="exited with status 2"):
        judge_command(show, _result("ovs-vsctl show", 2, err=b"weird\n"))


def test_judge_read_splits_files_and_judges_each() -> None:
    out = (
        b"==> /etc/network/interfaces <==\nauto lo\n\n==> /proc/net/bonding/bond0 <==\nBonding Mode: x"
        b"\n==> /etc/hosts <==\n127.0.0.1 localhost\n\n==> /etc/shadow <==\nroot:x\n"
    )
    err = (
        b"tail: cannot open '/etc/network/interfaces.d/*' for reading: No such file or directory\n"
        b"tail: cannot open '/etc/network/interfaces.new' for reading: No such file or directory\n"
        b"tail: cannot open '/etc/sysctl.conf' for reading: Permission denied\n"
    )
    got = judge_read(NODE_FILES, _result(NODE_FILES.command, 1, out, err))
    assert got.files == {
        "/etc/network/interfaces": b"auto lo\n",
        "/proc/net/bonding/bond0": b"Bonding Mode: x",
        "/etc/hosts": b"127.0.0.1 localhost\n",
    }
    assert got.ignored == ["/etc/shadow"]  # never asked for: never stored
    assert [(p, f.status) for p, f in got.failures] == [("/etc/sysctl.conf", "denied")]


def test_judge_read_records_missing_only_for_files_every_node_has() -> None:
    err = b"tail: cannot open '/etc/network/interfaces' for reading: No such file or directory\n"
    got = judge_read(NODE_FILES, _result(NODE_FILES.command, 1, b"", err))
    assert [(p, f.status) for p, f in got.failures] == [("/etc/network/interfaces", "missing")]


def test_judge_read_refuses_output_without_headers() -> None:
    with pytest.raises(Failed, match="without"):
        judge_read(GUEST_FILES, _result(GUEST_FILES.command, 0, b"\x89garbage with no header"))
    with pytest.raises(Unreachable):
        judge_read(
            GUEST_FILES, _result(GUEST_FILES.command, None, b"==> /etc/pve/nodes/a/lxc/1.conf <==\nar")
        )


def test_tail_split_round_trip() -> None:
    files = {"/a": "one\n", "/b": "no newline", "/c": "", "/d": "two\n\n"}
    text = "\n".join(f"==> {p} <==\n{body}" for p, body in files.items())
    assert split_tail_output(text) == files
    assert tail_errors("tail: cannot open ‘/x’ for reading: No such file or directory\n") == {
        "/x": "No such file or directory"
    }


# ------------------------------------------------------------------------------------------ retries


def test_retries_only_transient_failures_with_backoff() -> None:
    calls: list[float] = []

    def flaky() -> str:
        calls.append(time.monotonic())
        if len(calls) < 3:
            raise TimedOut("slow")
        return "ok"

    assert with_retries(flaky, retries=2, deadline=Deadline(30)) == "ok"
    assert len(calls) == 3 and calls[1] - calls[0] >= 0.25 and calls[2] - calls[1] >= 0.5
    for exc in (Denied("401"), Failed("bad"), Unreachable("gone", transient=False)):
        count = 0

        def fails(e: Exception = exc) -> None:
            nonlocal count
            count += 1
            raise e

        with pytest.raises(type(exc)):
            with_retries(fails, retries=5, deadline=Deadline(30))
        assert count == 1
    assert final(TimedOut("x")).transient is False


def test_retries_stop_at_the_deadline() -> None:
    start = time.monotonic()
    with pytest.raises(TimedOut):
        with_retries(lambda: (_ for _ in ()).throw(TimedOut("x")), retries=10, deadline=Deadline(1.2))
    assert time.monotonic() - start < 1.5


# ------------------------------------------------------------------------------------------ recorder


def test_recorder_settles_once_and_closes_pending_as_timeout(tmp_path: Path) -> None:
    writer = SnapshotWriter(tmp_path / "snap", "c1")
    rec = Recorder(writer, "c1")
    a, b = rec.plan(
        [
            Unit("pve1", "api", "/nodes/pve1/dns", (("api/nodes/pve1/dns.json", "pve1"),)),
            Unit("pve1", "api", "/nodes/pve1/hosts", (("api/nodes/pve1/hosts.json", "pve1"),)),
        ]
    )
    assert rec.settle(a, api=("/nodes/pve1/dns", {"search": "example.org"}, "pve1"))
    assert not rec.settle(a, api=("/nodes/pve1/dns", {}, "pve1"))  # settled already
    assert rec.close("timeout", "deadline passed") == 1
    assert not rec.fail(b, "error", "too late")  # after close: dropped
    writer.commit()
    snap = open_snapshot(tmp_path / "snap")
    assert snap.manifest is not None
    assert [(x.path, x.status) for x in snap.manifest.artifacts] == [
        ("api/nodes/pve1/dns.json", "ok"),
        ("api/nodes/pve1/hosts.json", "timeout"),
    ]


def test_recorder_settles_a_unit_once_from_many_threads_and_close_waits_for_writes(tmp_path: Path) -> None:
    """Files are written outside the recorder's lock: still once per unit, and never after close()."""
    import threading

    from netdoc.collectors.recorder import FileWrite

    writer = SnapshotWriter(tmp_path / "snap", "c1")
    rec = Recorder(writer, "c1")
    (unit,) = rec.plan([Unit("pve1", "ssh", "tail", (("nodes/pve1/etc/pve", "pve1"),))])
    files = [FileWrite("pve1", f"/etc/pve/nodes/pve1/qemu-server/{i}.conf", b"net0: x\n") for i in range(300)]
    results: list[bool] = []
    start = threading.Barrier(8)

    def settle() -> None:
        start.wait()
        results.append(rec.settle(unit, files=files))

    threads = [threading.Thread(target=settle) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.001)
    failed = rec.close("timeout", "deadline passed")
    at_close = sum(1 for a in writer.artifacts if a.status == "ok")  # writes under way were waited for
    assert at_close in (0, 300)
    assert failed == (0 if unit.claimed else 1)
    for t in threads:
        t.join()
    assert results.count(True) <= 1
    written = sum(1 for a in writer.artifacts if a.status == "ok")
    assert written == at_close and rec.writing == 0
    if results.count(True) == 1:
        assert written == 300 and unit.done and unit.status == "ok"


# ------------------------------------------------------------------------------------------ docs


def test_docs_list_the_whole_allow_list() -> None:
    """docs/collection.md shows admins exactly what plan.py allows (and the sudoers lines to paste)."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "collection.md").read_text()
    from netdoc.collectors.plan import GUEST_API, VNET_SUBNETS

    for item in (*CLUSTER_API, VNET_SUBNETS, *NODE_API, *GUEST_API):
        assert f"`GET {item.path}`" in doc, item.path
    for read in FILE_READS:
        assert f"`{read.command}`" in doc
        for p in read.patterns:
            assert f"| `{p.pattern}` | {p.why} |" in doc, p.pattern
    for c in NODE_COMMANDS:
        assert f"| `{c.name}` | `{c.command}` | {'yes' if c.needs_root else 'no'} | {c.why} |" in doc, c.name
    for line in sudoers_lines("netdoc"):
        assert line in doc
