"""Transport: TLS and SSH host key verification are on by default; turning either down needs an
explicit option and is warned about on every run (`collect`, `run`; `doctor` in tests/doctor).

Already covered elsewhere, and kept there: tests/collectors/test_api_tls.py (verify, pin, a wrong
pin refused, the password never sent before the pin is checked, `collect` warning about
`insecure: true` on every run), tests/collectors/test_ssh_openssh.py (an unknown host refused
with how to add it, a changed key always refused, --accept-new-host-keys recording on first use),
tests/doctor/test_doctor.py (doctor: an unknown or changed host key, insecure TLS as a warning).
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest
import yaml

from netdoc.cli import main
from netdoc.cli.app import cli
from netdoc.collectors.collect import CollectOptions
from netdoc.collectors.known_hosts import ACCEPT_NEW_WARNING
from netdoc.collectors.proxmox_api import verify_setting
from netdoc.config.models import ApiConfig
from netdoc.lab.runtime import LabRuntime
from netdoc.nightly import RunOptions
from netdoc.snapshot import open_snapshot
from tests.collectors.labs import scenario_world, write_inventory

pytestmark = pytest.mark.integration


def test_the_defaults_verify_tls_and_host_keys() -> None:
    api = ApiConfig.model_validate({"host": "pve.example.org", "user": "netdoc@pve", "password": "env:X"})
    assert (api.tls_mode, api.insecure) == ("verify", False)
    assert verify_setting(api) is not False
    assert CollectOptions().accept_new_host_keys is False
    assert RunOptions(inventory=Path("i.yml")).accept_new_host_keys is False
    for name in ("collect", "run"):
        command = cli.commands[name]
        flag = next(p for p in command.params if p.name == "accept_new_host_keys")
        assert isinstance(flag, click.Option) and flag.is_flag, name
        assert flag.get_default(click.Context(command)) in (False, None), name


def _insecure_api_only(lab: LabRuntime, path: Path) -> Path:
    inventory = write_inventory(lab, path, timeout_s=3, deadline_s=30, retries=0)
    data = yaml.safe_load(inventory.read_text())
    for cluster in data["clusters"]:
        for key in ("ca_file", "fingerprint", "verify_tls"):
            cluster["api"].pop(key, None)
        cluster["api"]["insecure"] = True
    inventory.write_text(yaml.safe_dump(data))
    return inventory


def _run(inventory: Path, tmp: Path, *extra: str) -> int:
    return main(
        [
            "run",
            "-i",
            str(inventory),
            "--out",
            str(tmp / "snaps"),
            "--site",
            str(tmp / "site"),
            "--reports",
            str(tmp / "reports"),
            "--report-formats",
            "json",
            "--fail-on",
            "never",
            *extra,
        ]
    )


def test_run_warns_about_insecure_tls_and_accept_new_host_keys_on_every_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with LabRuntime(scenario_world("starwars"), tmp_path / "lab") as lab:
        inventory = _insecure_api_only(lab, tmp_path / "inv.yml")
        for night in range(2):
            assert _run(inventory, tmp_path, "--accept-new-host-keys") in (0, 3)
            err = capsys.readouterr().err
            assert err.count("cluster starwars: TLS verification of the API is off (insecure: true)") == 1, (
                night
            )
            assert err.count(ACCEPT_NEW_WARNING) == 1, night
    snap = open_snapshot(tmp_path / "snaps" / "starwars")
    assert snap.manifest is not None
    assert any("was not verified (insecure: true)" in n for n in snap.manifest.notes)


def test_collect_warns_about_accept_new_host_keys_on_every_run_and_not_without_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with LabRuntime(scenario_world("starwars"), tmp_path / "lab") as lab:
        inventory = write_inventory(lab, tmp_path / "inv.yml", timeout_s=3, deadline_s=30, retries=0)
        for flags in (["--accept-new-host-keys"], ["--accept-new-host-keys"], []):
            main(["collect", "-i", str(inventory), "--out", str(tmp_path / "snaps"), *flags])
            err = capsys.readouterr().err
            assert err.count(ACCEPT_NEW_WARNING) == (1 if flags else 0)
            assert "TLS verification of the API is off" not in err
