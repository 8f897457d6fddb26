"""Differential test against a real ovsdb-server: `ovs-vsctl show` and the JSON listings of the same
database must give the same topology (`OvsTopology.as_shown()`), over many random topologies.

One ovsdb-server (no ovs-vswitchd, no kernel datapath) serves the whole run; each topology is
written in one ovs-vsctl transaction, after one that clears the database. NETDOC_OVS_TOPOLOGIES sets
how many topologies (default 200), NETDOC_OVS_SEED the first seed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import string
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from netdoc.model.base import to_jsonable
from netdoc.model.ovs import OvsTopology
from netdoc.parsers.ovs import parse_ovs_json, parse_ovs_list, parse_ovs_show
from tests.oracles import require, require_program

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
TOPOLOGIES = int(os.environ.get("NETDOC_OVS_TOPOLOGIES", "200"))
FIRST_SEED = int(os.environ.get("NETDOC_OVS_SEED", "1"))
LIST_TABLES = (
    "Open_vSwitch",
    "Bridge",
    "Port",
    "Interface",
    "Controller",
    "Manager",
    "Mirror",
    "sFlow",
    "NetFlow",
)


@dataclass
class Vsctl:
    program: str
    socket: Path

    def __call__(self, *args: str) -> str:
        cmd = [self.program, f"--db=unix:{self.socket}", "--no-wait", "--timeout=20", *args]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            pytest.fail(f"ovs-vsctl failed ({done.returncode}): {done.stderr.strip()}\n{cmd}")
        return done.stdout


@pytest.fixture(scope="module")
def vsctl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vsctl]:
    hint = "apt-get install openvswitch-switch (scripts/setup --test)"
    server, tool, program = (require_program(p, hint) for p in ("ovsdb-server", "ovsdb-tool", "ovs-vsctl"))
    require(SCHEMA, Path(SCHEMA).is_file(), hint)
    schema = SCHEMA
    d = tmp_path_factory.mktemp("ovsdb")
    db, sock, pidfile = d / "conf.db", d / "db.sock", d / "ovsdb-server.pid"
    subprocess.run([tool, "create", str(db), schema], check=True, capture_output=True)
    subprocess.run(
        [
            server,
            str(db),
            f"--remote=punix:{sock}",
            f"--pidfile={pidfile}",
            f"--unixctl={d / 'ovsdb-server.ctl'}",
            f"--log-file={d / 'ovsdb-server.log'}",
            "--detach",
            "--no-chdir",
        ],
        check=True,
        capture_output=True,
    )
    pid = int(pidfile.read_text().strip())
    try:
        yield Vsctl(program, sock)
    finally:
        os.kill(pid, signal.SIGTERM)


# ------------------------------------------------------------------------------ the generator


@dataclass
class Topology:
    """The ovs-vsctl commands of one random topology, and what it should contain."""

    commands: list[list[str]] = field(default_factory=list)
    bridges: list[str] = field(default_factory=list)
    ports: int = 0  # ports on real bridges, fake bridges' internal ports included
    interfaces: int = 0

    def add(self, *cmd: str) -> None:
        self.commands.append(list(cmd))

    def argv(self) -> list[str]:
        out: list[str] = []
        for cmd in self.commands:
            out += ["--", *cmd]
        return out


class Names:
    """Unique names with digits, dashes, dots and spaces (ports, interfaces, bridges share one space)."""

    CHARS = string.ascii_lowercase + string.digits + "-. "

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def new(self, prefix: str) -> str:
        while True:
            body = "".join(self.rng.choice(self.CHARS) for _ in range(self.rng.randint(0, 8))).rstrip()
            name = prefix + body if self.rng.random() < 0.8 else f"{self.rng.randint(0, 99)}{prefix}{body}"
            if name not in self.used:
                self.used.add(name)
                return name


def q(value: str) -> str:
    """An OVSDB string in the ovs-vsctl argument syntax (quoted, with JSON escapes)."""
    return json.dumps(value)


def ip(rng: random.Random) -> str:
    return f"{rng.choice(('192.0.2', '198.51.100', '203.0.113'))}.{rng.randint(1, 254)}"


def generate(seed: int) -> Topology:
    rng = random.Random(seed)
    names = Names(rng)
    t = Topology()
    if rng.random() < 0.5:
        t.add("set", "Open_vSwitch", ".", f"ovs_version={q(rng.choice(['2.17.9', '3.1.0', '3.4.0-2.fc41']))}")
    if rng.random() < 0.3:
        targets = [f"ptcp:{rng.randint(6640, 6650)}", f"tcp:{ip(rng)}:6640"][: rng.randint(1, 2)]
        t.add("set-manager", *targets)
        if rng.random() < 0.5:
            t.add("set", "Manager", targets[0], "is_connected=true")
    for _ in range(rng.randint(1, 3)):
        br = names.new("br")
        t.bridges.append(br)
        t.add("add-br", br)
        t.ports += 1  # the bridge's own internal port
        t.interfaces += 1
        if rng.random() < 0.3:
            t.add("set-fail-mode", br, rng.choice(["secure", "standalone"]))
        if rng.random() < 0.3:
            t.add("set", "Bridge", br, f"datapath_type={rng.choice(['system', 'netdev'])}")
        if rng.random() < 0.25:
            ctls = [f"tcp:{ip(rng)}:6653", "ptcp:6634"][: rng.randint(1, 2)]
            t.add("set-controller", br, *ctls)
            if len(ctls) == 1 and rng.random() < 0.5:
                t.add("set", "Controller", br, "is_connected=true")
        for _ in range(rng.randint(0, 6)):
            _add_port(rng, names, t, br)
    if len(t.bridges) > 1 and rng.random() < 0.6:
        a, b = rng.sample(t.bridges, 2)
        pa, pb = names.new("patch-"), names.new("patch-")
        t.add("add-port", a, pa)
        t.add("set", "Interface", pa, "type=patch", f"options:peer={q(pb)}")
        t.add("add-port", b, pb)
        t.add("set", "Interface", pb, "type=patch", f"options:peer={q(pa)}")
        t.ports += 2
        t.interfaces += 2
    return t


def _add_port(rng: random.Random, names: Names, t: Topology, br: str) -> None:
    kind = rng.choice(["access", "trunk", "bond", "internal", "tunnel", "fake", "plain"])
    if kind == "bond":
        port = names.new("bond")
        members = [names.new("eth") for _ in range(rng.randint(2, 4))]
        opts = [f"bond_mode={rng.choice(['active-backup', 'balance-slb', 'balance-tcp'])}"]
        if rng.random() < 0.5:
            opts.append(f"lacp={rng.choice(['active', 'passive', 'off'])}")
        if rng.random() < 0.3:
            opts.append(f"tag={rng.randint(1, 4094)}")
        t.add("add-bond", br, port, *members, *opts)
        t.ports += 1
        t.interfaces += len(members)
        iface = members[0]
    elif kind == "fake":
        port = names.new("fake")
        t.add("add-br", port, br, str(rng.randint(1, 4094)))
        t.ports += 1
        t.interfaces += 1
        return
    else:
        port = iface = names.new(rng.choice(["eth", "tap", "vnet", "p"]))
        args: list[str] = []
        if kind == "access":
            args.append(f"tag={rng.randint(0, 4095)}")
            if rng.random() < 0.3:
                args.append("vlan_mode=access")
        elif kind == "trunk":
            vlans = sorted(rng.sample(range(1, 4095), rng.randint(1, 5)))
            args.append("trunks=" + ",".join(str(v) for v in vlans))
            if rng.random() < 0.3:
                args += [f"tag={vlans[0]}", "vlan_mode=native-untagged"]
        t.add("add-port", br, port, *args)
        t.ports += 1
        t.interfaces += 1
        if kind == "internal":
            t.add("set", "Interface", iface, "type=internal")
            if rng.random() < 0.5:
                t.add("set", "Port", port, f"tag={rng.randint(1, 4094)}")
        elif kind == "tunnel":
            kind_of = rng.choice(["vxlan", "gre", "geneve"])
            opts = [f"options:remote_ip={q(ip(rng))}"]
            if rng.random() < 0.5:
                opts.append(f"options:key={q(rng.choice(['flow', str(rng.randint(1, 9999))]))}")
            if rng.random() < 0.3:
                opts.append(f"options:local_ip={q(ip(rng))}")
            if rng.random() < 0.3:  # values with the characters the show syntax uses
                note = rng.choice(["a,b=c:d", "x y", "{z}", 'say "hi"', "back\\slash"])
                opts.append(f"options:note={q(note)}")
            t.add("set", "Interface", iface, f"type={kind_of}", *opts)
    if rng.random() < 0.08:
        t.add(
            "set", "Interface", iface, f"error={q(f'could not open network device {iface} (No such device)')}"
        )
    if rng.random() < 0.05:
        t.add("set", "Interface", iface, "bfd_status:state=up", f"bfd_status:diagnostic={q('No Diagnostic')}")


# ------------------------------------------------------------------------------- the test


def _listings(vsctl: Vsctl, split: bool, folder: str) -> tuple[dict[str, str], str]:
    """The JSON listings as files: one file of several tables, or one file per table (a set)."""
    argv = ["--format=json"]
    for table in LIST_TABLES:
        argv += ["--", "list", table]
    docs = [line for line in vsctl(*argv).splitlines() if line.strip()]
    assert len(docs) == len(LIST_TABLES)
    if not split:
        path = f"{folder}/ovs-vsctl-list.json"
        return {path: "\n".join(docs) + "\n"}, path
    files = {f"{folder}/ovs-vsctl-list-{t.lower()}.json": d for t, d in zip(LIST_TABLES, docs, strict=True)}
    return files, f"{folder}/ovs-vsctl-list-bridge.json"


def _diff(a: OvsTopology, b: OvsTopology) -> str:
    import difflib

    ja = json.dumps(to_jsonable(a), indent=1).splitlines()
    jb = json.dumps(to_jsonable(b), indent=1).splitlines()
    return "\n".join(difflib.unified_diff(ja, jb, "show", "json", lineterm="", n=3))


RESET = ("clear", "Open_vSwitch", ".", "bridges", "manager_options", "ovs_version")


def _load(vsctl: Vsctl, topo: Topology) -> None:
    # The reset is its own transaction: rows it drops are collected only at commit, and ovs-vsctl
    # would still find an old bridge of the same name in the same transaction.
    vsctl(*RESET)
    vsctl(*topo.argv())


def _check_one(vsctl: Vsctl, seed: int) -> None:
    topo = generate(seed)
    _load(vsctl, topo)
    show_text = vsctl("show")
    files, entry = _listings(vsctl, split=seed % 2 == 1, folder=f"/seed{seed}")
    shown = parse_ovs_show({"/show.txt": show_text}, "/show.txt")
    db = parse_ovs_json(files, entry)
    where = f"seed {seed}: ovs-vsctl {' '.join(json.dumps(a) for a in topo.argv())}"
    assert not shown.warnings, f"{where}\nshow warnings: {shown.warnings}"
    assert not db.warnings, f"{where}\njson warnings: {db.warnings}"
    assert len(db.tables) == len(LIST_TABLES), where
    # The generator's intent is what both sides found (so the comparison is never vacuous).
    assert sorted(b.name for b in shown.bridges) == sorted(topo.bridges), where
    assert sum(len(b.ports) for b in shown.bridges) == topo.ports, where
    assert sum(len(p.interfaces) for b in shown.bridges for p in b.ports) == topo.interfaces, where
    a, b = shown.as_shown(), db.topology.as_shown()
    assert a == b, f"{where}\n{_diff(a, b)}\n--- show output:\n{show_text}"


def test_show_and_json_listings_agree(vsctl: Vsctl) -> None:
    started = time.monotonic()
    for seed in range(FIRST_SEED, FIRST_SEED + TOPOLOGIES):
        _check_one(vsctl, seed)
    elapsed = time.monotonic() - started
    print(f"\n{TOPOLOGIES} OVS topologies compared (show vs JSON listings) in {elapsed:.1f} s")


def test_text_listings_match_json_listings(vsctl: Vsctl) -> None:
    """Plain `ovs-vsctl list` and `--format=json list` of one database give the same full topology."""
    for seed in range(FIRST_SEED, FIRST_SEED + max(TOPOLOGIES // 10, 5)):
        topo = generate(seed)
        _load(vsctl, topo)
        json_files, entry = _listings(vsctl, split=True, folder="/j")
        text_files = {f"/t/ovs-vsctl-list-{t.lower()}.txt": vsctl("list", t) for t in LIST_TABLES}
        from_json = parse_ovs_json(json_files, entry).topology
        from_text = parse_ovs_list(text_files, "/t/ovs-vsctl-list-bridge.txt").topology
        assert not from_text.warnings, from_text.warnings

        def strip(t: OvsTopology) -> object:
            data = to_jsonable(t)
            data.pop("origin"), data.pop("files")
            return _without_sources(data)

        assert strip(from_text) == strip(from_json), f"seed {seed}"


def _without_sources(data: object) -> object:
    if isinstance(data, dict):
        return {k: _without_sources(v) for k, v in data.items() if k != "source"}
    if isinstance(data, list):
        return [_without_sources(v) for v in data]
    return data


def test_a_difference_is_caught(vsctl: Vsctl) -> None:
    """The comparison can fail: a show output with one tag changed no longer matches the database."""
    topo = Topology()
    topo.add("add-br", "br0")
    topo.add("add-port", "br0", "eth0", "tag=10")
    _load(vsctl, topo)
    show_text = vsctl("show").replace("tag: 10", "tag: 11")
    files, entry = _listings(vsctl, split=False, folder="/x")
    shown = parse_ovs_show({"/s": show_text}, "/s").as_shown()
    assert shown != parse_ovs_json(files, entry).topology.as_shown()
