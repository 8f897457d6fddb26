"""No secret leaves netdoc: the API token and the password never appear in any file written
(snapshot, manifest, site) nor in what netdoc prints or logs, even with --debug; and secret-looking
values read from the nodes are redacted before they are stored.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml

from netdoc.cli import main
from netdoc.lab.runtime import LabRuntime
from netdoc.lab.world import LabCluster, LabWorld
from netdoc.pipeline.site import build_site
from tests.collectors.labs import scenario_world, write_inventory

pytestmark = pytest.mark.integration

PSK = "wifi-psk-value-8c1f"
OVS_PSK = "ovs-ipsec-psk-41aa"


def _with_secrets_on_nodes(world: LabWorld) -> LabWorld:
    """Put secret-looking values where an admin might have them: interfaces, OVS, storage.cfg."""
    import dataclasses

    (cluster,) = world.clusters
    nodes = []
    for node in cluster.nodes:
        files = dict(node.files)
        files["/etc/network/interfaces"] = files["/etc/network/interfaces"] + (
            f"\nauto wlan0\niface wlan0 inet dhcp\n\twpa-ssid lab\n\twpa-psk {PSK}\n".encode()
        )
        commands = dict(node.commands)
        if "ovs-vsctl show" in commands:
            commands["ovs-vsctl show"] = commands["ovs-vsctl show"].replace(
                b"    ovs_version",
                f"        Port gre0\n            Interface gre0\n                type: gre\n"
                f'                options: {{psk={OVS_PSK}, remote_ip="192.0.2.99"}}\n    ovs_version'.encode(),
                1,
            )
        nodes.append(dataclasses.replace(node, files=files, commands=commands))
    return LabWorld((LabCluster(cluster.name, tuple(nodes), cluster.api, cluster.faults),))


def _scan(root: Path, secrets: list[str]) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}: {s[:4]}..." for s in secrets if s.encode() in data]
    return found


def test_no_secret_in_files_output_or_logs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with LabRuntime(_with_secrets_on_nodes(scenario_world("starwars")), tmp_path / "lab") as lab:
        creds = lab.clusters["starwars"].credentials
        secrets = [creds.token_secret, creds.password, PSK, OVS_PSK]
        # 1. Token authentication, everything logged (--debug).
        inventory = write_inventory(lab, tmp_path / "inv.yml")
        assert main(["--debug", "collect", "-i", str(inventory), "--out", str(tmp_path / "token")]) == 0
        # 2. Password (ticket) authentication.
        data = yaml.safe_load(inventory.read_text())
        api = data["clusters"][0]["api"]
        del api["token_id"], api["token_secret"]
        api["password"] = f"file:{lab.clusters['starwars'].password_file}"
        inventory.write_text(yaml.safe_dump(data))
        assert main(["--debug", "collect", "-i", str(inventory), "--out", str(tmp_path / "password")]) == 0
    out = capsys.readouterr()
    build_site(tmp_path / "token" / "starwars", tmp_path / "site")
    for folder in ("token", "password", "site"):
        assert _scan(tmp_path / folder, secrets) == []
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert len(caplog.records) > 10  # something was logged, so the check below means something
    for secret in secrets:
        assert secret not in out.out and secret not in out.err and secret not in logged
    assert str(lab.clusters["starwars"].token_file) not in logged  # not even where it is read from
    # The redacted values are gone, their names kept, and the manifest says so.
    interfaces = (tmp_path / "token/starwars/latest/nodes/proxmox1/etc/network/interfaces").read_text()
    assert "wpa-psk [redacted]" in interfaces and "wpa-ssid lab" in interfaces
    manifest = (tmp_path / "token/starwars/latest/manifest.json").read_text()
    assert "values of wpa-psk redacted" in manifest and "values of psk redacted" in manifest
