"""The lab definition: loading, schema errors with key paths and lines, cross-reference checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdoc.errors import ConfigError
from netdoc.lab.load import key_path, load_definition, scenario, scenario_names
from netdoc.lab.schema import parse_vids
from tests.lab.scenario_worlds import world

MINIMAL = """\
clusters:
  - name: tiny
    nodes:
      - name: pve1
        address: 127.0.9.1
        nics:
          - {name: eno1}
        bridges:
          - {name: vmbr0, ports: [eno1], address: 192.0.2.10/24, gateway: 192.0.2.1}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_definition(text)
    return info.value.lines()


def test_scenarios_are_bundled() -> None:
    assert {"starwars", "lacp-vlans", "ovs", "sdn"} <= set(scenario_names())


def test_minimal_definition_loads_from_text_and_from_a_file(tmp_path: Path) -> None:
    from_text = load_definition(MINIMAL)
    path = tmp_path / "lab.yml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert load_definition(path) == from_text
    assert load_definition(str(path)) == from_text
    node = from_text.clusters[0].nodes[0]
    assert node.bridges[0].ports == ("eno1",)
    assert from_text.clusters[0].corosync is None


def test_unknown_key_is_refused_with_its_path_and_line() -> None:
    lines = problems(MINIMAL.replace("{name: eno1}", "{name: eno1, colour: blue}"))
    assert len(lines) == 1
    assert "clusters[0].nodes[0].nics[0].colour" in lines[0]
    assert "line 7" in lines[0]
    assert "unknown key" in lines[0]


def test_every_problem_is_reported_at_once() -> None:
    bad = MINIMAL.replace("address: 127.0.9.1", "address: 10.0.0.1").replace(
        "192.0.2.10/24", "192.0.2.300/24"
    )
    lines = problems(bad)
    assert len(lines) == 2
    assert any("nodes[0].address" in p and "loopback" in p for p in lines)
    assert any("bridges[0].address" in p and "192.0.2.300/24" in p for p in lines)


def test_missing_required_key() -> None:
    lines = problems(MINIMAL.replace("        address: 127.0.9.1\n", ""))
    assert any("nodes[0].address" in p and "missing" in p for p in lines)


def test_discriminated_storage_errors_keep_a_readable_path() -> None:
    text = MINIMAL + "    storage:\n      - {id: nas, type: nfs, server: 192.0.2.5}\n"
    lines = problems(text)
    assert lines == [lines[0]]
    assert "clusters[0].storage[0].export" in lines[0] and "missing" in lines[0]


def test_cross_references_are_checked() -> None:
    text = MINIMAL.replace("ports: [eno1]", "ports: [eno9]") + (
        "    guests:\n"
        "      - {vmid: 100, type: qemu, name: a, node: pve1, nics: [{bridge: vmbr7}]}\n"
        "      - {vmid: 100, type: lxc, name: b, node: pve2}\n"
        "    corosync:\n"
        "      links: [{number: 0, addresses: {pve1: 192.0.2.10, ghost: 192.0.2.11}}]\n"
    )
    lines = problems(text)
    joined = "\n".join(lines)
    assert "bridges[0].ports: port 'eno9' is not an interface of node pve1" in joined
    assert "guests[0].nics[0].bridge" in joined
    assert "vmid 100 is used twice" in joined
    assert "guests[1].node" in joined
    assert "addresses.ghost" in joined


def test_yaml_syntax_error_names_the_line() -> None:
    lines = problems("clusters:\n  - name: x\n    nodes: [\n")
    assert len(lines) == 1 and "invalid YAML" in lines[0] and "line" in lines[0]


def test_the_top_level_must_be_a_mapping() -> None:
    assert "mapping" in problems("- just\n- a list\n")[0]


def test_unknown_scenario() -> None:
    with pytest.raises(ConfigError, match="starwars"):
        scenario("no-such-lab")


def test_faults_pass_through_untouched() -> None:
    text = MINIMAL + "    faults:\n      - {kind: latency, node: pve1, ms: 250, paths: [/nodes]}\n"
    definition = load_definition(text)
    assert definition.clusters[0].faults == (
        {"kind": "latency", "node": "pve1", "ms": 250, "paths": ["/nodes"]},
    )
    from netdoc.lab.generate import build_world

    assert build_world(definition).clusters[0].faults == definition.clusters[0].faults


def test_parse_vids() -> None:
    assert parse_vids("2-5 10,12;4094") == (2, 3, 4, 5, 10, 12, 4094)
    with pytest.raises(ValueError):
        parse_vids("0-5")
    with pytest.raises(ValueError):
        parse_vids("ten")


def test_key_path() -> None:
    assert key_path(("clusters", 0, "nodes", 2, "name")) == "clusters[0].nodes[2].name"


def test_loopback_addresses_are_unique_across_clusters() -> None:
    second = MINIMAL.replace("name: tiny", "name: tiny2").split("clusters:\n", 1)[1]
    lines = problems(MINIMAL + second)
    assert any("127.0.9.1 is given to two nodes" in p for p in lines)


def test_starwars_follows_the_talk() -> None:
    d = scenario("starwars")
    (c,) = d.clusters
    assert c.name == "starwars"
    assert [n.name for n in c.nodes] == ["proxmox1", "proxmox2", "proxmox3"]
    for i, n in enumerate(c.nodes, start=1):
        assert {x.name for x in n.nics} >= {"eno1", "eno2", "eno3", "eno4", "enp7s0f0", "enp7s0f1"}
        (bond1,) = n.bonds
        assert (bond1.mode, bond1.slaves, bond1.address) == (
            "broadcast",
            ("eno3", "eno4"),
            f"172.16.0.{i}/24",
        )
        (vubr0,) = n.ovs_bridges
        (bond0,) = vubr0.bonds
        assert (bond0.slaves, bond0.bond_mode, bond0.lacp) == (("eno1", "eno2"), "balance-tcp", "active")
        (internal,) = vubr0.intports
        assert (internal.name, internal.address, internal.gateway) == (
            "internal",
            f"10.0.0.{i}/24",
            "10.0.0.254",
        )
    vswtch0 = c.nodes[0].bridges[0]
    assert (vswtch0.name, vswtch0.ports, vswtch0.address, vswtch0.gateway) == (
        "vswtch0",
        ("eno1",),
        "192.168.131.1/24",
        "192.168.1.254",
    )
    assert c.corosync is not None
    assert [(link.number, link.priority) for link in c.corosync.links] == [(0, 20), (1, 15)]
    tags = sorted(nic.tag for g in c.guests if g.type == "lxc" for nic in g.nics if nic.tag)
    assert tags == [3, 4, 10]
    (vm,) = [g for g in c.guests if g.type == "qemu"]
    assert vm.nics[0].rate and not vm.nics[0].firewall
    hosts = world("starwars").clusters[0].nodes[0].files["/etc/hosts"].decode()
    for i in (1, 2, 3):
        assert f"172.16.0.{i} proxmox{i}" in hosts
