"""Fault specs: validation (every problem at once, with its key path) and what applies where."""

from __future__ import annotations

import pytest

from netdoc.errors import ConfigError
from netdoc.lab.faults import KINDS, Fault, FaultSet, check_scope, parse_fault_option, parse_faults


def test_every_problem_reported_at_once_with_key_paths() -> None:
    with pytest.raises(ConfigError) as info:
        parse_faults(
            [
                {"kind": "latency"},
                {"kind": "nope"},
                {"kind": "offline", "node": "pve2", "colour": "red"},
                {"kind": "truncated", "bytes": -1},
                {"kind": "garbage", "target": "disk"},
                "offline",
                {"kind": "forbidden", "path": "nodes/*"},
                {"kind": "latency", "ms": True},
            ]
        )
    lines = info.value.lines()
    assert lines == [
        "faults: faults[0].ms: required for kind 'latency'",
        "faults: faults[1].kind: 'nope'; expected one of: " + ", ".join(KINDS),
        "faults: faults[2].colour: unknown key for kind 'offline'; allowed: cluster, kind, node",
        "faults: faults[3].bytes: must be between 0 and 2147483648, got -1",
        "faults: faults[4].target: 'disk'; expected one of: api, ssh, both",
        "faults: faults[5]: must be a mapping with a `kind`, got str",
        "faults: faults[6].path: an API path below /api2/json starting with '/', got 'nodes/*'",
        "faults: faults[7].ms: must be an integer, got True",
    ]


def test_valid_specs_round_trip() -> None:
    specs = [
        {"kind": "latency", "ms": 50, "target": "api", "path": "/nodes/*/network"},
        {"kind": "slow_node", "node": "pve2", "ms": 300},
        {"kind": "garbage", "bytes": 64, "seed": 7, "command": "ip *"},
        {"kind": "truncated", "bytes": 10},
    ]
    assert [f.spec() for f in parse_faults(specs)] == specs


def test_cli_option_forms() -> None:
    assert parse_fault_option("kind=offline,node=pve2") == {"kind": "offline", "node": "pve2"}
    assert parse_fault_option("kind=latency, ms=200") == {"kind": "latency", "ms": 200}
    assert parse_fault_option('{"kind": "truncated", "bytes": 5}') == {"kind": "truncated", "bytes": 5}
    for bad in ("kind", "{not json", "[1]"):
        with pytest.raises(ConfigError):
            parse_fault_option(bad)


def test_scope_check_catches_typos() -> None:
    faults = parse_faults([{"kind": "offline", "node": "pve9"}, {"kind": "ssh_hang", "cluster": "lab9"}])
    with pytest.raises(ConfigError) as info:
        check_scope(faults, {"lab1": ["pve1", "pve2"]}, "faults")
    assert [p.key_path for p in info.value.problems] == ["faults[0].node", "faults[1].cluster"]


def test_queries() -> None:
    fs = FaultSet(
        parse_faults(
            [
                {"kind": "offline", "node": "pve2"},
                {"kind": "ssh_hang", "node": "pve3"},
                {"kind": "latency", "ms": 100, "path": "/cluster/*"},
                {"kind": "latency", "ms": 20, "command": "ip *"},
                {"kind": "slow_node", "node": "pve1", "ms": 500},
                {"kind": "forbidden", "path": "/nodes/pve1/*"},
                {"kind": "command_missing", "program": "ovs-vsctl", "cluster": "lab1"},
                {"kind": "truncated", "bytes": 3, "target": "ssh"},
            ]
        )
    )
    assert fs.offline("lab1", "pve2") and not fs.offline("lab1", "pve1")
    assert fs.ssh_mode("lab1", "pve2") == "refused" and fs.ssh_mode("lab1", "pve3") == "hang"
    assert fs.ssh_mode("lab1", "pve1") == "ok"
    assert fs.api_delay_s("lab1", "/cluster/status", None) == pytest.approx(0.1)
    assert fs.api_delay_s("lab1", "/nodes/pve1/network", "pve1") == pytest.approx(0.5)  # slow node only
    assert fs.api_delay_s("lab1", "/version", None) == 0
    assert fs.ssh_delay_s("lab1", "pve2", "ip -j addr") == pytest.approx(0.02)
    assert fs.ssh_delay_s("lab1", "pve1", "cat /x") == pytest.approx(0.5)
    assert fs.ssh_banner_delay_s("lab1", "pve1") == pytest.approx(0.5)
    assert fs.forbidden("lab1", "/nodes/pve1/network", "pve1") is not None
    assert fs.forbidden("lab1", "/nodes/pve2/network", "pve2") is None
    assert fs.missing_programs("lab1", "pve1") == {"ovs-vsctl"}
    assert fs.missing_programs("lab2", "pve1") == frozenset()
    assert fs.ssh_output("lab1", "pve1", "cat /x") is not None
    assert fs.api_output("lab1", "/version", None) is None


def test_faults_of_a_batch_per_round_trip_or_per_command() -> None:
    """No `command` glob: the batch exec as a whole, once; a glob: each command of it that matches."""
    batch = ["tail -n +1 -- /etc/hosts /etc/sysctl.conf", "ip -j addr", "ip -j -d link", "lldpctl -f json0"]
    fs = FaultSet(
        parse_faults(
            [
                {"kind": "latency", "ms": 20},  # the network: once per round trip
                {"kind": "latency", "ms": 100, "command": "ip -j *"},  # slow `ip`: twice here
                {"kind": "latency", "ms": 7, "target": "api"},  # not SSH
                {"kind": "slow_node", "node": "pve2", "ms": 50},  # every command of pve2
            ]
        )
    )
    assert fs.ssh_batch_delay_s("lab1", "pve1", batch) == pytest.approx(0.02 + 0.2)
    assert fs.ssh_batch_delay_s("lab1", "pve2", batch) == pytest.approx(0.02 + 0.2 + 4 * 0.05)
    assert fs.ssh_batch_delay_s("lab1", "pve1", []) == pytest.approx(0.02)
    out = FaultSet(
        parse_faults(
            [
                {"kind": "truncated", "bytes": 10, "target": "ssh", "command": "ip -j addr"},
                {"kind": "garbage", "target": "ssh", "node": "pve2"},
            ]
        )
    )
    item = out.ssh_batch_output("lab1", "pve1", "ip -j addr")
    assert item is not None and item.kind == "truncated"
    assert out.ssh_batch_output("lab1", "pve1", "ip -j -d link") is None
    assert out.ssh_batch_output("lab1", "pve1", None) is None  # a glob never hits the batch whole
    whole = out.ssh_batch_output("lab1", "pve2", None)
    assert whole is not None and whole.kind == "garbage"
    assert out.ssh_batch_output("lab1", "pve2", "lldpctl -f json0") is None  # no glob: not per command


def test_changes_notify_and_clear() -> None:
    fs = FaultSet()
    seen: list[int] = []
    fs.on_change(lambda: seen.append(len(fs.all())))
    (fault,) = fs.add({"kind": "sudo_denied"})
    assert fs.sudo_denied("lab1", "pve1")
    fs.remove(fault)
    fs.replace([{"kind": "auth_failure"}, Fault("ssh_refused")])
    fs.clear()
    assert seen == [1, 0, 2, 0]


def test_garbage_is_seeded() -> None:
    (f,) = parse_faults([{"kind": "garbage", "bytes": 32, "seed": 3}])
    assert f.garbage("a") == f.garbage("a") != f.garbage("b")
    assert len(f.garbage("a")) == 32
