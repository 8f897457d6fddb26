"""The collectors against the lab, over real HTTPS and SSH, for every lab scenario (and a 16-node one).

Each collected snapshot must build (`build_site`) and match the lab's definition: every bridge,
bond and its members, VLAN interface, OVS bridge, bond and internal port, every bond's runtime
state, and every guest NIC (bridge and tag) is in the parsed model. And the lab's logs prove the
collectors stayed on the allow-list: every API request a GET of a listed path (or the ticket
login), every SSH command one of plan.ssh_commands() (alone, or inside the one batch exec of a
node), no write method ever. And the round trips per node are the same at every size.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from netdoc.collectors.collect import CollectOptions
from netdoc.collectors.plan import BATCH_COMMAND, NODE_COMMANDS, api_allowed, ssh_commands
from netdoc.config import load_inventory
from netdoc.lab.runtime import LabRuntime
from netdoc.lab.world import LabWorld
from netdoc.loader import load_cluster
from netdoc.model.cluster import Cluster
from netdoc.pipeline.collection import collect_clusters
from netdoc.pipeline.site import build_site
from netdoc.snapshot import open_snapshot
from tests.collectors.labs import scenario_names, scenario_world, sized_world, write_inventory

pytestmark = pytest.mark.integration

SCENARIOS = scenario_names()


def _definition(name: str) -> Any:
    from netdoc.lab.definition import scenario

    return scenario(name)


def collect_lab(world: LabWorld, tmp: Path, **lab_kw: Any) -> tuple[LabRuntime, list[Any]]:
    with LabRuntime(world, tmp / "lab", **lab_kw) as lab:
        inventory = load_inventory(write_inventory(lab, tmp / "inventory.yml", deadline_s=120))
        results = collect_clusters(list(inventory.clusters), tmp / "snapshots", CollectOptions())
    return lab, results


def check_against_definition(model: Cluster, defined: Any) -> None:
    """Everything the definition says the network has is in the model built from the snapshot."""
    assert sorted(n.name for n in model.nodes) == sorted(n.name for n in defined.nodes)
    for d in defined.nodes:
        node = model.node(d.name)
        assert node is not None and node.interfaces is not None, d.name
        ifaces = {i.name: i for i in node.interfaces.interfaces}
        for bridge in d.bridges:
            assert bridge.name in ifaces, (d.name, bridge.name)
            assert set(bridge.ports) <= set(ifaces[bridge.name].members), (d.name, bridge.name)
            assert ifaces[bridge.name].bridge_vlan_aware == bridge.vlan_aware
        for bond in d.bonds:
            assert bond.name in ifaces, (d.name, bond.name)
            assert set(bond.slaves) <= set(ifaces[bond.name].members), (d.name, bond.name)
        assert {b.name for b in node.bonds} == {b.name for b in d.bonds}, d.name  # runtime state
        for vlan in d.vlans:
            assert vlan.name in ifaces, (d.name, vlan.name)
        for ovs in d.ovs_bridges:
            assert ovs.name in ifaces, (d.name, ovs.name)
            for ob in ovs.bonds:
                assert ob.name in ifaces and set(ob.slaves) <= set(ifaces[ob.name].members), (d.name, ob.name)
            for port in ovs.intports:
                assert port.name in ifaces, (d.name, port.name)
        assert (node.ovs is not None) == bool(d.ovs_bridges), d.name
    guests = {(g.vmid, g.type): g for n in model.nodes for g in n.guests}
    for g in defined.guests:
        got = guests.get((g.vmid, g.type))
        assert got is not None and got.node == g.node, (g.vmid, g.type)
        nics = {nic.index: nic for nic in got.nics}
        for i, nic in enumerate(g.nics):
            index = nic.index if nic.index is not None else i
            assert index in nics, (g.vmid, index)
            assert nics[index].bridge == nic.bridge and nics[index].vlan_tag == nic.tag, (g.vmid, index)


def check_allow_list(lab: LabRuntime, sudo: bool) -> None:
    requests = lab.api_log.records()
    assert requests, "the lab saw no API request"
    off = [(r.method, r.path) for r in requests if not api_allowed(r.method, r.path)]
    assert off == [], off
    assert {r.method for r in requests} <= {"GET", "POST"}
    assert all(r.path == "/access/ticket" for r in requests if r.method != "GET")
    allowed = set(ssh_commands(sudo))
    execs = [e.command for e in lab.ssh_log.records() if e.kind == "exec"]
    assert execs and set(execs) <= allowed, set(execs) - allowed
    # what the batches ran (the lab answers `bash -s` only for a script of exactly the batch form)
    batched = {e.command for e in lab.ssh_log.records() if e.kind == "batch_command"}
    assert BATCH_COMMAND not in execs or batched, "a batch exec without its commands logged"
    assert batched <= allowed - {BATCH_COMMAND}, batched - allowed
    assert not [e for e in lab.ssh_log.records() if e.kind == "refused_request"]  # no shell, pty, sftp


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_collected_builds_and_matches_the_definition(scenario: str, tmp_path: Path) -> None:
    lab, results = collect_lab(scenario_world(scenario), tmp_path)
    check_allow_list(lab, sudo=False)
    definition = _definition(scenario)
    for result, defined in zip(results, definition.clusters, strict=True):
        assert result.cluster == defined.name
        assert not result.partial, [(r.name, r.state, r.problem) for r in result.rows]
        snap = open_snapshot(result.snapshot)
        assert snap.manifest is not None
        bad = [
            (a.path, a.status, a.error) for a in snap.manifest.artifacts if a.status not in ("ok", "missing")
        ]
        assert bad == []
        # `missing` only for what the node really lacks: a program not installed
        for a in snap.manifest.artifacts:
            if a.status == "missing":
                assert "not installed" in a.error, (a.path, a.error)
        model = load_cluster(snap)
        check_against_definition(model, defined)
        assert not [g for g in model.gaps if g.status != "missing"]
        built = build_site(result.snapshot, tmp_path / "site" / result.cluster)
        assert (built.site_dir / "index.html").exists()


def test_user_with_sudo_sends_sudo_only_for_root_commands(tmp_path: Path) -> None:
    lab, results = collect_lab(scenario_world("starwars"), tmp_path, ssh_user="netdoc")
    check_allow_list(lab, sudo=True)
    ran = {e.command for e in lab.ssh_log.records() if e.kind in ("exec", "batch_command")}
    sudo = {c for c in ran if c and c.startswith("sudo")}
    assert sudo and all(c.split()[2] in ("ovs-vsctl", "iptables-save") for c in sudo)
    assert not results[0].partial


def _round_trips(lab: LabRuntime) -> tuple[Counter[str | None], Counter[str], Counter[str]]:
    """API requests per node (None: cluster-wide), SSH exec round trips and connections per node."""
    api = Counter(r.node for r in lab.api_log.records())
    execs = Counter(e.node for e in lab.ssh_log.records() if e.kind == "exec")
    connects = Counter(e.node for e in lab.ssh_log.records() if e.kind == "connect")
    return api, execs, connects


def test_round_trips_per_node_are_the_same_at_every_size(tmp_path: Path) -> None:
    """starwars (3 nodes, 4 guests) and 16 nodes with 1,000 guests: per node the same 6 API requests,
    1 SSH connection and 1 exec (the node's reads and commands, and /etc/pve for one of them, batched)."""
    small, _ = collect_lab(scenario_world("starwars"), tmp_path / "small")
    lab, results = collect_lab(sized_world(16, guests=1000), tmp_path / "large")
    (result,) = results
    assert not result.partial, [(r.name, r.problem) for r in result.rows if r.state != "ok"]
    sizes = {}
    for name, ran in (("starwars", small), ("16x1000", lab)):
        api, execs, connects = _round_trips(ran)
        cluster_wide = api.pop(None)
        sizes[name] = (set(api.values()), set(execs.values()), set(connects.values()))
        assert len(execs) == len(api) == len(connects), name  # every node, each over one connection
        assert cluster_wide == 11, name  # no SDN vnet in either: 11 requests, 0 per vnet
        batched = Counter(e.node for e in ran.ssh_log.records() if e.kind == "batch_command")
        # each node's batch holds its file read and every command; one node's also the 2 /etc/pve reads
        assert sorted(batched.values()) == [1 + len(NODE_COMMANDS)] * (len(execs) - 1) + [
            3 + len(NODE_COMMANDS)
        ]
    assert sizes["starwars"] == sizes["16x1000"] == ({6}, {1}, {1}), sizes


def test_requests_grow_with_nodes_not_guests(tmp_path: Path) -> None:
    """16 nodes, 100 guests or 10: the same requests and round trips, in total and per node."""
    lab, results = collect_lab(sized_world(16, guests=100), tmp_path / "a")
    (result,) = results
    assert not result.partial, [(r.name, r.problem) for r in result.rows if r.state != "ok"]
    lab2, _ = collect_lab(sized_world(16, guests=10), tmp_path / "b")
    assert _round_trips(lab) == _round_trips(lab2)
    assert lab.ssh_log.count(lambda e: e.kind == "batch_command") == lab2.ssh_log.count(
        lambda e: e.kind == "batch_command"
    )


def _inventory_without(lab: LabRuntime, path: Path, section: str) -> Path:
    import yaml

    write_inventory(lab, path, deadline_s=60)
    data = yaml.safe_load(path.read_text())
    for cluster in data["clusters"]:
        del cluster[section]
        if section == "ssh":  # API-only: the nodes are discovered, their SSH ports mean nothing
            del cluster["nodes"]
    path.write_text(yaml.safe_dump(data))
    return path


def test_api_only_reads_guest_configs_over_the_api(tmp_path: Path) -> None:
    world = scenario_world("starwars")
    with LabRuntime(world, tmp_path / "lab") as lab:
        inventory = load_inventory(_inventory_without(lab, tmp_path / "inv.yml", "ssh"))
        (result,) = collect_clusters(list(inventory.clusters), tmp_path / "snaps", CollectOptions())
        assert lab.ssh_log.count() == 0
        guest_calls = [r.path for r in lab.api_log.records() if r.path.endswith("/config")]
    assert not result.partial
    defined = _definition("starwars").clusters[0]
    assert len(guest_calls) == len(defined.guests)  # the fallback: one request per guest
    model = load_cluster(open_snapshot(result.snapshot))
    assert {g.vmid for n in model.nodes for g in n.guests} == {g.vmid for g in defined.guests}
    assert (build_site(result.snapshot, tmp_path / "site").site_dir / "index.html").exists()


def test_ssh_only_reads_etc_pve_once(tmp_path: Path) -> None:
    world = scenario_world("starwars")
    with LabRuntime(world, tmp_path / "lab") as lab:
        inventory = load_inventory(_inventory_without(lab, tmp_path / "inv.yml", "api"))
        (result,) = collect_clusters(list(inventory.clusters), tmp_path / "snaps", CollectOptions())
        assert lab.api_log.count() == 0
        ran = [e.command or "" for e in lab.ssh_log.records() if e.kind in ("exec", "batch_command")]
    assert not result.partial
    assert sum(c.startswith("tail -n +1 -- /etc/pve/") for c in ran) == 2
    check_against_definition(
        load_cluster(open_snapshot(result.snapshot)), _definition("starwars").clusters[0]
    )


def test_several_clusters_at_once_and_one_chosen(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from netdoc.cli import main
    from netdoc.lab.loader import load_world

    world = load_world()  # the `demo` definition: every scenario's cluster, side by side
    assert len(world.clusters) >= 2
    with LabRuntime(world, tmp_path / "lab") as lab:
        inventory = write_inventory(lab, tmp_path / "inv.yml", deadline_s=120)
        assert main(["collect", "-i", str(inventory), "--out", str(tmp_path / "all")]) == 0
        one = world.clusters[1].name
        assert main(["collect", "-i", str(inventory), "--cluster", one, "--out", str(tmp_path / "one")]) == 0
        assert main(["collect", "-i", str(inventory), "--cluster", "nope"]) == 2
    captured = capsys.readouterr()
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == sorted(c.name for c in world.clusters)
    assert [p.name for p in (tmp_path / "one").iterdir()] == [one]
    assert "no cluster named 'nope'" in captured.err
    # plain progress lines (not a terminal) and one table per cluster
    assert f"{one} (cluster): " in captured.err and "reads done" in captured.err
    assert captured.out.count("artifacts ok/total") == len(world.clusters) + 1
