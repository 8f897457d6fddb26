"""The node shell emulation (pure), checked against real GNU coreutils and bash where it matters."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from netdoc.lab.shell import NodeFS, Unsupported, parse_batch, run_batch, run_command, split_words
from netdoc.lab.world import LabNode

FILES = {
    "/etc/network/interfaces": b"auto lo\niface lo inet loopback\n",
    "/etc/network/interfaces.d/sdn": b"x\ny",  # no final newline
    "/etc/network/interfaces.d/a": b"",
    "/etc/network/interfaces.d/.hidden": b"h\n",
    "/etc/network/interfaces.d/b c": b"space\n",
    "/proc/net/bonding/bond0": b"Bonding Mode: active-backup\n",
    "/proc/net/bonding/bond1": b"Bonding Mode: 802.3ad\n",
}
NODE = LabNode(
    "pve1", "127.0.77.1", files=FILES, commands={"ip -j addr": b"[]\n", "ovs-vsctl show": b"ovs\n"}
)


def test_exact_command_line() -> None:
    r = run_command(NODE, "ip -j addr")
    assert (r.stdout, r.stderr, r.status) == (b"[]\n", b"", 0)


def test_unknown_command_is_not_found_127() -> None:
    r = run_command(NODE, "lldpctl -f json0")
    assert (r.stdout, r.stderr, r.status) == (b"", b"bash: lldpctl: command not found\n", 127)


def test_known_program_other_arguments_says_so() -> None:
    r = run_command(NODE, "ip -j link")
    assert r.status == 1 and b"no recorded output" in r.stderr


def test_missing_program_hides_even_an_exact_line() -> None:
    r = run_command(NODE, "ovs-vsctl show", missing=frozenset({"ovs-vsctl"}))
    assert (r.stderr, r.status) == (b"bash: ovs-vsctl: command not found\n", 127)


def test_sudo_runs_the_rest() -> None:
    assert run_command(NODE, "sudo -n ip -j addr").stdout == b"[]\n"
    assert (
        run_command(NODE, "sudo -n cat -- /etc/network/interfaces").stdout == FILES["/etc/network/interfaces"]
    )


def test_sudo_denied() -> None:
    r = run_command(NODE, "sudo -n ip -j addr", sudo_allowed=False)
    assert (r.stdout, r.stderr, r.status) == (b"", b"sudo: a password is required\n", 1)
    r = run_command(NODE, "sudo ip -j addr", sudo_allowed=False)
    assert r.status == 1 and r.stderr.endswith(b"sudo: a password is required\n") and b"terminal" in r.stderr


def test_sudo_list_asks_without_running() -> None:
    """`sudo -n -l CMD` (sudo(8)): the full path and arguments when allowed, never the output."""
    r = run_command(NODE, "sudo -n -l ovs-vsctl show")
    assert (r.stdout, r.stderr, r.status) == (b"/usr/bin/ovs-vsctl show\n", b"", 0)
    node = LabNode("pve1", "127.0.77.1", commands={"iptables-save -t nat": b"*nat\n"})
    assert run_command(node, "sudo -n -l iptables-save -t nat").stdout == b"/usr/sbin/iptables-save -t nat\n"
    r = run_command(NODE, "sudo -n -l ovs-vsctl show", sudo_allowed=False)
    assert (r.stdout, r.stderr, r.status) == (b"", b"sudo: a password is required\n", 1)
    r = run_command(NODE, "sudo -n -l ovs-vsctl show", missing=frozenset({"ovs-vsctl"}))
    assert (r.stderr, r.status) == (b"sudo: ovs-vsctl: command not found\n", 1)


def test_sudo_of_a_missing_program_is_sudo_s_message() -> None:
    r = run_command(NODE, "sudo -n lldpctl", missing=frozenset())
    assert (r.stderr, r.status) == (b"sudo: lldpctl: command not found\n", 1)


def test_cat_forms() -> None:
    body = FILES["/etc/network/interfaces"]
    assert run_command(NODE, "cat -- /etc/network/interfaces").stdout == body
    assert run_command(NODE, "cat /etc/network/interfaces").stdout == body
    assert run_command(NODE, "cat '/etc/network/interfaces.d/b c'").stdout == b"space\n"
    assert run_command(NODE, r"cat /etc/network/interfaces.d/b\ c").stdout == b"space\n"


def test_cat_missing_and_directory() -> None:
    r = run_command(NODE, "cat -- /etc/nope /etc/network/interfaces /etc/network")
    assert r.stdout == FILES["/etc/network/interfaces"]
    assert r.stderr == b"cat: /etc/nope: No such file or directory\ncat: /etc/network: Is a directory\n"
    assert r.status == 1


def test_tail_glob_headers_and_separators() -> None:
    r = run_command(NODE, "tail -n +1 -- /proc/net/bonding/*")
    assert r.stdout == (
        b"==> /proc/net/bonding/bond0 <==\nBonding Mode: active-backup\n\n"
        b"==> /proc/net/bonding/bond1 <==\nBonding Mode: 802.3ad\n"
    )
    assert r.status == 0


def test_tail_single_file_has_no_header() -> None:
    assert (
        run_command(NODE, "tail -n +1 -- /etc/network/interfaces").stdout == FILES["/etc/network/interfaces"]
    )


def test_tail_unmatched_glob_is_an_error_but_matches_still_print() -> None:
    r = run_command(NODE, "tail -n +1 -- /proc/net/bonding/* /sys/class/net/*/bonding")
    assert r.status == 1
    assert (
        r.stderr == b"tail: cannot open '/sys/class/net/*/bonding' for reading: No such file or directory\n"
    )
    assert r.stdout.startswith(b"==> /proc/net/bonding/bond0 <==\n")


def test_quoted_glob_is_not_expanded() -> None:
    r = run_command(NODE, "tail -n +1 -- '/proc/net/bonding/*'")
    assert r.status == 1 and b"cannot open '/proc/net/bonding/*'" in r.stderr


def test_glob_skips_dot_files_and_sorts() -> None:
    fs = NodeFS(FILES)
    (word,) = split_words("/etc/network/interfaces.d/*")
    assert fs.glob(word) == [
        "/etc/network/interfaces.d/a",
        "/etc/network/interfaces.d/b c",
        "/etc/network/interfaces.d/sdn",
    ]
    (word,) = split_words("/etc/network/interfaces.d/.*")
    assert fs.glob(word) == ["/etc/network/interfaces.d/.hidden"]


def test_unsupported_syntax_is_reported_not_guessed() -> None:
    for line in ("cat /etc/hostname | grep x", "echo $(id)", "cat /x > /y", "a; b", "cat 'unterminated"):
        r = run_command(NODE, line)
        assert r.status == 2 and b"unsupported shell syntax" in r.stderr, line
    with pytest.raises(Unsupported):
        split_words('cat "$HOME"')


def test_empty_line_and_comment() -> None:
    assert run_command(NODE, "   ").status == 0
    assert run_command(NODE, "# just a comment").status == 0


def test_tail_counts() -> None:
    body = b"1\n2\n3\n4\n"
    node = LabNode("n", "127.0.77.9", files={"/f": body, "/g": b"a\nb"})
    assert run_command(node, "tail -n 2 /f").stdout == b"3\n4\n"
    assert run_command(node, "tail -n +3 /f").stdout == b"3\n4\n"
    assert run_command(node, "tail -n2 /g").stdout == b"a\nb"
    assert run_command(node, "tail /f").stdout == body
    assert run_command(node, "tail -n x /f").status == 1


# ------------------------------------------------------------------ against the real tools

CASES = [
    "tail -n +1 -- etc/network/interfaces.d/*",
    "tail -n +1 -- etc/network/interfaces nope/* etc/network/interfaces.d",
    "tail -n +1 -- proc/net/bonding/* etc/network/interfaces",
    "tail -n 1 -- etc/network/interfaces.d/sdn",
    "cat -- etc/network/interfaces etc/nope etc/network",
    "cat 'etc/network/interfaces.d/b c'",
]


@pytest.mark.skipif(
    not shutil.which("bash") or not shutil.which("tail"), reason="needs bash and GNU coreutils"
)
@pytest.mark.parametrize("line", CASES)
def test_same_output_as_bash_and_coreutils(tmp_path: Path, line: str) -> None:
    """Run the same line in real bash over the same files (relative to a folder standing for /)."""
    for path, content in FILES.items():
        target = tmp_path / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    real = subprocess.run(
        ["bash", "-c", line],
        cwd=tmp_path,
        capture_output=True,
        env={**os.environ, "LC_ALL": "C"},
        check=False,
    )
    # the lab resolves relative paths against /root; give it the same tree there
    node = LabNode("n", "127.0.77.9", files={f"/root{p}": c for p, c in FILES.items()})
    lab = run_command(node, line)
    assert (lab.stdout, lab.stderr, lab.status) == (real.stdout, real.stderr, real.returncode)


# ------------------------------------------------------------------ netdoc's batch (`bash -s`)

BATCH = [
    "tail -n +1 -- etc/network/interfaces.d/*",
    "tail -n +1 -- etc/network/interfaces nope/* etc/network/interfaces.d",
    "cat -- etc/network/interfaces etc/nope etc/network",
    "netdoc-not-installed -f json0",
    "cat -- 'etc/network/interfaces.d/b c'",
]


def _script(commands: list[str]) -> str:
    from netdoc.collectors.batch import batch_script

    return batch_script(commands, "netdoc-" + "5a" * 16)


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash and GNU coreutils")
def test_batch_same_output_as_bash_s(tmp_path: Path) -> None:
    """The whole batch, as real `bash -s` runs it over the same files: every byte, both streams."""
    for path, content in FILES.items():
        target = tmp_path / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    script = _script(BATCH)
    real = subprocess.run(
        ["bash", "-s"],
        input=script.encode(),
        cwd=tmp_path,
        capture_output=True,
        check=False,
        env={"LC_ALL": "C"},
    )
    node = LabNode("n", "127.0.77.9", files={f"/root{p}": c for p, c in FILES.items()})
    steps = parse_batch(script)
    assert steps is not None and [s.command for s in steps] == BATCH
    lab = run_batch(node, steps).result
    assert (lab.stdout, lab.stderr, lab.status) == (real.stdout, real.stderr, real.returncode)


def test_batch_statuses_offsets_and_replaced_output() -> None:
    steps = parse_batch(_script(["ip -j addr", "sudo -n ovs-vsctl show", "lldpctl -f json0"]))
    assert steps is not None
    ran = run_batch(NODE, steps, sudo_allowed=False, replaced={0: b"garbage"})
    assert ran.statuses == (0, 1, 127)
    out = ran.result.stdout
    assert out[ran.starts[0] : ran.starts[0] + 7] == b"garbage"
    assert out[: ran.starts[0]] == f"{steps[0].begin}\n".encode()
    assert b"sudo: a password is required\n" in ran.result.stderr
    assert b"bash: line 9: lldpctl: command not found\n" in ran.result.stderr  # its line in the script


def test_only_the_exact_batch_form_is_a_batch() -> None:
    good = _script(["ip -j addr"])
    assert parse_batch(good) is not None
    assert parse_batch("") == ()
    lines = good.splitlines()
    for bad in (
        "cat /etc/hosts\n",
        good.replace(" </dev/null", ""),  # the command would read the script
        good.replace("' >&2", "'"),  # marker on stdout only
        "\n".join(lines[:-1]),  # no status line
        good.replace("0 begin'; printf '%s\\n' 'netdoc", "0 begin'; printf '%s\\n' 'other"),
        good + "reboot </dev/null\n",
    ):
        assert parse_batch(bad) is None, bad
