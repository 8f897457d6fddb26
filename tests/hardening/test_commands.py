"""Command injection: nothing from the inventory or from collected data reaches a shell unquoted.

- The batch (collectors/batch.py): for arbitrary words, markers and file names around, a script
  of commands built with shlex.join, run by the real bash (`bash -s`, its stdin the script, as
  over SSH) with the program replaced by a function that prints its argv, gives back exactly the
  intended argv for each command, through the framing: no extra command, no expansion, no file
  made, and `bash -n` accepts it. A line break in a word is refused (a batched command is one line).
- The allow-list's command lines (plan.py) split into exactly the argv documented, with and
  without sudo, and hold no shell syntax besides their globs.
- `netdoc run --notify-command` (nightly._notify): shlex words, no shell; the summary (which
  holds names from the cluster) arrives on stdin byte for byte and is never run.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netdoc.collectors.batch import BATCH_COMMAND, batch_script, split_batch
from netdoc.collectors.plan import FILE_READS, NODE_COMMANDS
from netdoc.collectors.ssh import CommandResult
from netdoc.nightly import _notify

BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None, reason="bash is not installed")

# Words meant to do something in a shell if they were ever unquoted.
HOSTILE = [
    "$(touch pwned-subst)",
    "`touch pwned-backtick`",
    "; touch pwned-semicolon",
    "&& touch pwned-and",
    "| touch pwned-pipe",
    "> pwned-redirect",
    "*",
    "?",
    "[a-z]*",
    "~",
    "~root",
    "$HOME",
    "${PATH}",
    "$((1+1))",
    "!!",
    "'",
    '"',
    "\\",
    "{a,b}",
    "#comment",
    "a b\tc",
    "",
    "-n",
    "--",
    "</dev/null",
    "\x7f\x01",
]
WORD = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\n\r"), max_size=12),
)
MARKER = st.from_regex(r"\A[A-Za-z0-9-]{16,40}\Z", fullmatch=True)
ECHO = "argv"  # the program of every generated command: a bash function printing its arguments
PRELUDE = f'{ECHO}() {{ for a in "$@"; do printf "%s\\0" "$a"; done; }}\n'


def _run(script: str, cwd: Path) -> CommandResult:
    assert BASH is not None
    done = subprocess.run(
        [BASH, "-s"], input=(PRELUDE + script).encode(), cwd=cwd, capture_output=True, timeout=30, check=False
    )
    return CommandResult(BATCH_COMMAND, done.returncode, done.stdout, done.stderr, 0.0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argvs=st.lists(st.lists(WORD, max_size=6), min_size=1, max_size=5), marker=MARKER)
def test_a_batch_gives_each_command_exactly_its_argv(
    argvs: list[list[str]], marker: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cwd = tmp_path_factory.mktemp("batch")
    for name in ("a", "b", "pwned-existing"):  # files a glob would expand to, if it were unquoted
        (cwd / name).write_text("x")
    commands = [shlex.join([ECHO, *argv]) for argv in argvs]
    script = batch_script(commands, marker)
    assert BASH is not None
    syntax = subprocess.run([BASH, "-n"], input=script.encode(), capture_output=True, timeout=30, check=False)
    assert syntax.returncode == 0, syntax.stderr
    results = split_batch(_run(script, cwd), commands, marker)
    for argv, result in zip(argvs, results, strict=True):
        assert result is not None
        assert result.exit_status == 0, result.stderr
        got = result.stdout.split(b"\0")[:-1] if result.stdout else []
        assert got == [a.encode() for a in argv]
        assert result.stderr == b""
    assert sorted(p.name for p in cwd.iterdir()) == ["a", "b", "pwned-existing"]


@given(before=WORD, after=WORD)
def test_a_word_with_a_line_break_is_refused_not_batched(before: str, after: str) -> None:
    command = shlex.join([ECHO, f"{before}\n{after}"])
    with pytest.raises(ValueError, match="one non-empty line"):
        batch_script([command], "m" * 16)


@pytest.mark.parametrize("marker", ["short", "netdoc-'quote'-xxxxxxxx", "netdoc $(id) xxxxxxxxxx", "x" * 15])
def test_a_marker_that_is_not_plain_words_is_refused(marker: str) -> None:
    with pytest.raises(ValueError, match="marker"):
        batch_script(["true"], marker)


def test_the_allow_list_is_plain_words_and_globs(tmp_path: Path) -> None:
    for item in NODE_COMMANDS:
        for sudo in (False, True):
            line = item.command_line(sudo)
            argv = shlex.split(line)
            assert shlex.join(argv) == line  # nothing to quote: no shell syntax at all
            assert argv[:2] == (["sudo", "-n"] if sudo and item.needs_root else argv[:2])
    for read in FILE_READS:
        argv = shlex.split(read.command)
        assert argv[:4] == ["tail", "-n", "+1", "--"]
        assert [p.pattern for p in read.patterns] == argv[4:]
        for word in argv[4:]:
            assert set(word) <= set("abcdefghijklmnopqrstuvwxyz0123456789/.-_*")  # globs only: * in a path
    # the whole node batch goes through bash -n
    lines = [r.command for r in FILE_READS] + [c.command_line(True) for c in NODE_COMMANDS]
    assert BASH is not None
    done = subprocess.run(
        [BASH, "-n"], input=batch_script(lines, "m" * 32).encode(), capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_the_notify_command_runs_without_a_shell_and_gets_the_summary_on_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "record"
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    summary = (
        "starwars: 2 changes\n  node $(touch pwned1) `touch pwned2`; rm -rf pwned3 && touch pwned4 | x\n"
    )
    script = (
        "import sys, json, pathlib; "
        f"pathlib.Path({str(record)!r}).write_text(json.dumps([sys.argv[1:], sys.stdin.read()]))"
    )
    command = shlex.join([sys.executable, "-c", script, "arg; touch pwned5", "$(touch pwned6)"])
    events: list[str] = []
    _notify(command, summary, 3, 2, lambda step, message, **kw: events.append(message))
    argv, stdin = json.loads(record.read_text())
    assert argv == ["arg; touch pwned5", "$(touch pwned6)"]
    assert stdin == summary
    assert events == []
    assert list((tmp_path / "cwd").iterdir()) == []


def test_a_notify_command_that_is_not_shell_words_is_an_error_not_a_shell(tmp_path: Path) -> None:
    events: list[str] = []
    _notify("echo 'unclosed", "x", 0, 0, lambda step, message, **kw: events.append(message))
    assert events and "the notify command failed" in events[0]
