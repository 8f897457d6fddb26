"""The command line: help everywhere, version, one-line errors and the documented exit codes."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from netdoc import __version__
from netdoc.cli import cli, main


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix]
    for name, cmd in sorted(group.commands.items()):
        if isinstance(cmd, click.Group):
            out += _all_commands(cmd, (*prefix, name))
        else:
            out.append((*prefix, name))
    return out


@pytest.mark.parametrize("words", _all_commands(cli), ids=lambda w: " ".join(w) or "netdoc")
def test_every_command_has_help(words: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*words, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Usage:" in out and len(out.splitlines()) >= 3


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_unknown_kind_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "x"
    f.write_text("x")
    assert main(["parse", "no-such-kind", str(f)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown kind 'no-such-kind'" in err and "interfaces" in err


def test_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "interfaces", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "Traceback" not in err


def test_build_needs_exactly_one_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build"]) == 2
    assert "give SNAPSHOT folders (or folders of snapshots) or --example NAME" in capsys.readouterr().err


def test_build_missing_snapshot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(tmp_path / "nope"), "--site", str(tmp_path / "site")]) == 2
    err = capsys.readouterr().err
    assert "no such folder" in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()


def test_bad_option_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--no-such-option"]) == 2
    assert "No such option" in capsys.readouterr().err


def test_kinds_lists_interfaces(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kinds"]) == 0
    assert "interfaces" in capsys.readouterr().out


def test_serve_refuses_a_folder_without_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--site", str(tmp_path)]) == 2
    assert "no built site" in capsys.readouterr().err
