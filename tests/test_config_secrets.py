"""Secret references: read only at use time, with clear errors, and never shown (repr, str, errors, dumps)."""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path

import pytest

from netdoc.config import SecretRef, parse_inventory
from netdoc.errors import ConfigError

VALUE = "0b8e5d2a-9f1c-4b7e-a1d3-6c2f8e9b4a70"


def inventory(secret: str, base_dir: Path | None = None) -> str:
    return textwrap.dedent(
        f"""\
        clusters:
          - name: c1
            api:
              host: pve1.example.org
              user: netdoc@pve
              token_id: netdoc
              token_secret: {secret}
        """
    )


def token(secret: str, base_dir: Path | None = None) -> SecretRef:
    api = parse_inventory(inventory(secret), "inv.yml", base_dir).clusters[0].api
    assert api is not None and api.token_secret is not None
    return api.token_secret


def test_env_secret_is_read_at_use_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NETDOC_TEST_TOKEN", raising=False)
    ref = token("env:NETDOC_TEST_TOKEN")  # loading does not need the variable yet
    monkeypatch.setenv("NETDOC_TEST_TOKEN", VALUE)
    assert ref.reveal() == VALUE
    monkeypatch.setenv("NETDOC_TEST_TOKEN", "rotated")
    assert ref.reveal() == "rotated"


def test_unset_or_empty_variable_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NETDOC_TEST_TOKEN", raising=False)
    ref = token("env:NETDOC_TEST_TOKEN")
    with pytest.raises(ConfigError) as info:
        ref.reveal()
    assert info.value.lines() == [
        "inv.yml: line 7: clusters[0].api.token_secret: env:NETDOC_TEST_TOKEN: "
        "environment variable NETDOC_TEST_TOKEN is not set"
    ]
    monkeypatch.setenv("NETDOC_TEST_TOKEN", "")
    with pytest.raises(ConfigError, match="is empty"):
        ref.reveal()


def test_file_secret_relative_to_the_inventory(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    secret_file = tmp_path / "secrets" / "token"
    secret_file.write_text(VALUE + "\n")
    secret_file.chmod(0o600)
    ref = token("file:secrets/token", tmp_path)
    assert ref.path == secret_file
    assert ref.reveal() == VALUE  # the trailing newline of the file is not part of the secret


def test_file_secret_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        token(f"file:{tmp_path}/absent").reveal()
    with pytest.raises(ConfigError, match="not a regular file"):
        token(f"file:{tmp_path}").reveal()
    empty = tmp_path / "empty"
    empty.write_text("\n")
    with pytest.raises(ConfigError, match="is empty"):
        token(f"file:{empty}").reveal()
    big = tmp_path / "big"
    big.write_bytes(b"x" * (64 * 1024 + 1))
    with pytest.raises(ConfigError, match="too large"):
        token(f"file:{big}").reveal()


def test_unreadable_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.write_text(VALUE)
    locked.chmod(0o600)

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    # Tests may run as root, who reads any file: simulate the refusal at the read itself.
    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(ConfigError, match=r"cannot read .*locked: Permission denied"):
        token(f"file:{locked}").reveal()


def test_file_readable_by_others_is_warned(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    secret_file = tmp_path / "token"
    secret_file.write_text(VALUE)
    secret_file.chmod(0o600)
    ref = token(f"file:{secret_file}")
    with caplog.at_level(logging.WARNING, logger="netdoc.config"):
        ref.reveal()
    assert caplog.records == []
    secret_file.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="netdoc.config"):
        assert ref.reveal() == VALUE
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "readable by every user (mode 0644)" in message
    assert "line 7: clusters[0].api.token_secret" in message and VALUE not in message


def test_secret_never_shown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NETDOC_TEST_TOKEN", VALUE)
    inv = parse_inventory(inventory("env:NETDOC_TEST_TOKEN"), "inv.yml")
    api = inv.clusters[0].api
    assert api is not None and api.token_secret is not None
    assert api.token_secret.reveal() == VALUE
    assert str(api.token_secret) == "env:NETDOC_TEST_TOKEN"
    assert repr(api.token_secret) == "SecretRef('env:NETDOC_TEST_TOKEN')"
    for shown in (repr(inv), str(inv), inv.model_dump_json(), repr(inv.model_dump())):
        assert VALUE not in shown
        assert "env:NETDOC_TEST_TOKEN" in shown
    assert inv.model_dump()["clusters"][0]["api"]["token_secret"] == "env:NETDOC_TEST_TOKEN"


def test_literal_secret_never_echoed() -> None:
    with pytest.raises(ConfigError) as info:
        parse_inventory(inventory(VALUE), "inv.yml")
    err = info.value
    assert len(err.problems) == 1 and err.problems[0].key_path == "clusters[0].api.token_secret"
    for shown in (str(err), repr(err), *err.lines(), repr(err.problems)):
        assert VALUE not in shown
    assert err.__cause__ is None and err.__context__ is None  # no pydantic error (with the input) chained


def test_literal_secret_among_other_problems_is_never_echoed() -> None:
    text = inventory(VALUE).replace("pve1.example.org", "https://x") + "      password: hunter2-literal\n"
    with pytest.raises(ConfigError) as info:
        parse_inventory(text, "inv.yml")
    shown = "\n".join(info.value.lines())
    assert len(info.value.problems) == 4
    assert VALUE not in shown and "hunter2" not in shown


def test_secret_refs_compare_by_reference() -> None:
    assert SecretRef.parse("env:A") == SecretRef.parse("env:A") != SecretRef.parse("env:B")
    assert len({SecretRef.parse("env:A"), SecretRef.parse("env:A")}) == 1
