"""Differential test against a real Open vSwitch database: the lab's ovs-vsctl outputs must be what
ovs-vsctl itself prints for the same bridges, ports, bonds, tags and trunks.

The generated Port/Interface rows are replayed into a fresh ovsdb-server (no vswitchd: every write
uses --no-wait), then `ovs-vsctl show` and `--format=json list` of the real database are compared
with the lab's: the same lines (the order of rows follows UUIDs, which differ), the same headings,
the same configuration cells. Runtime columns (ofport, link_state...) stay empty without vswitchd
and are not compared. Skipped without ovsdb-server (fails under NETDOC_REQUIRE_ORACLES=1).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.lab.scenario_worlds import command, command_json, nodes
from tests.oracles import require

SCHEMA = Path("/usr/share/openvswitch/vswitch.ovsschema")
STATIC_PORT_COLUMNS = ("name", "tag", "trunks", "bond_mode", "lacp", "other_config", "vlan_mode")
STATIC_IFACE_COLUMNS = ("name", "type", "options")


class Ovsdb:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sock = folder / "db.sock"

    def vsctl(self, *args: str) -> str:
        out = subprocess.run(
            ["ovs-vsctl", f"--db=unix:{self.sock}", "--no-wait", "--timeout=10", *args],
            check=True,
            capture_output=True,
            text=True,
            timeout=30,
        )
        return out.stdout


@pytest.fixture
def ovsdb(tmp_path: Path) -> Iterator[Ovsdb]:
    available = bool(shutil.which("ovsdb-server") and shutil.which("ovsdb-tool") and SCHEMA.is_file())
    require("ovsdb-server", available, "apt-get install openvswitch-switch")
    db = tmp_path / "conf.db"
    subprocess.run(["ovsdb-tool", "create", str(db), str(SCHEMA)], check=True, timeout=30)
    pidfile = tmp_path / "ovsdb.pid"
    subprocess.run(
        [
            "ovsdb-server",
            str(db),
            f"--remote=punix:{tmp_path / 'db.sock'}",
            f"--pidfile={pidfile}",
            f"--unixctl={tmp_path / 'ctl'}",
            f"--log-file={tmp_path / 'log'}",
            "--detach",
            "--no-chdir",
        ],
        check=True,
        timeout=30,
    )
    try:
        handle = Ovsdb(tmp_path)
        for _ in range(50):
            if handle.sock.exists():
                break
            time.sleep(0.1)
        handle.vsctl("init")
        yield handle
    finally:
        if pidfile.is_file():
            os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)


def rows(table: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(zip(table["headings"], r, strict=True)) for r in table["data"]]


def atoms(cell: Any) -> list[Any]:
    if isinstance(cell, list) and cell and cell[0] == "set":
        return list(cell[1])
    return [cell]


def replay(db: Ovsdb, lab: dict[str, dict[str, Any]], version: str) -> None:
    """Create in the real database what the lab's JSON lists describe."""
    db.vsctl("set", "Open_vSwitch", ".", f"ovs_version={version}")
    ifaces = {r["_uuid"][1]: r for r in rows(lab["Interface"])}
    ports = {r["_uuid"][1]: r for r in rows(lab["Port"])}
    for br in rows(lab["Bridge"]):
        db.vsctl("add-br", br["name"])
        for ref in atoms(br["ports"]):
            port = ports[ref[1]]
            if port["name"] == br["name"]:
                continue
            members = [ifaces[i[1]] for i in atoms(port["interfaces"])]
            settings = []
            if port["tag"] != ["set", []]:
                settings.append(f"tag={port['tag']}")
            if port["trunks"] != ["set", []]:
                settings.append("trunks=" + ",".join(str(t) for t in atoms(port["trunks"])))
            if port["bond_mode"] != ["set", []]:
                settings.append(f"bond_mode={port['bond_mode']}")
            if port["lacp"] != ["set", []]:
                settings.append(f"lacp={port['lacp']}")
            for k, v in port["other_config"][1]:
                settings.append(f"other_config:{k}={v}")
            if len(members) > 1:
                db.vsctl("add-bond", br["name"], port["name"], *(m["name"] for m in members), *settings)
            else:
                extra = ["--", "set", "Interface", members[0]["name"], f"type={members[0]['type']}"]
                db.vsctl(
                    "add-port", br["name"], port["name"], *settings, *(extra if members[0]["type"] else [])
                )


def ovs_nodes() -> list[Any]:
    return [
        pytest.param(s, n.name, id=f"{s}-{n.name}")
        for s in ("starwars", "ovs")
        for c, n in nodes(s)
        if "ovs-vsctl show" in n.commands
    ]


@pytest.mark.integration
@pytest.mark.parametrize(("scenario", "name"), ovs_nodes())
def test_lab_ovs_outputs_equal_real_ovs_vsctl(ovsdb: Ovsdb, scenario: str, name: str) -> None:
    (node,) = [n for _, n in nodes(scenario) if n.name == name]
    (cluster,) = [c for c, n in nodes(scenario) if n.name == name]
    lab = {
        t: command_json(node, f"ovs-vsctl --format=json list {t}") for t in ("Bridge", "Port", "Interface")
    }
    version = command(node, "ovs-vsctl show").splitlines()[-1].split('"')[1]
    replay(ovsdb, lab, version)

    real_show = ovsdb.vsctl("show").splitlines()
    # `error:` is written by ovs-vswitchd, which does not run here
    lab_show = [
        ln for ln in command(node, "ovs-vsctl show").splitlines() if not ln.strip().startswith("error: ")
    ]
    # installed ovs-vsctl quotes by its own (>= 2.13) rules; the lab quotes by the cluster's version
    if tuple(int(x) for x in version.split(".")[:2]) >= (2, 13):
        assert sorted(real_show[1:]) == sorted(lab_show[1:])
    assert len(real_show) == len(lab_show)

    for table, static in (("Port", STATIC_PORT_COLUMNS), ("Interface", STATIC_IFACE_COLUMNS)):
        real = json.loads(ovsdb.vsctl("--format=json", "list", table))
        assert real["headings"] == lab[table]["headings"], f"{table} columns differ from OVS {version}"
        real_rows = {r["name"]: {c: r[c] for c in static} for r in rows(real)}
        lab_rows = {r["name"]: {c: r[c] for c in static} for r in rows(lab[table])}
        assert real_rows == lab_rows
    for cmd in node.commands:
        if cmd.startswith("ovs-vsctl --format=json list "):
            table = cmd.rsplit(" ", 1)[1]
            real = json.loads(ovsdb.vsctl("--format=json", "list", table))
            assert real["headings"] == command_json(node, cmd)["headings"], f"{table} columns differ"
    assert cluster.name
