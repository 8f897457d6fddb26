"""Snapshot -> model: every source of the bundled example lands in the model; breakage becomes gaps."""

from __future__ import annotations

import shutil
from pathlib import Path

from netdoc.examples import example_path
from netdoc.loader import load_cluster
from netdoc.render.site import site_pages
from netdoc.snapshot import open_snapshot


def test_example_loads_every_source() -> None:
    cluster = load_cluster(open_snapshot(example_path("starwars")))
    assert cluster.name == "starwars"
    assert [n.name for n in cluster.nodes] == ["proxmox1", "proxmox2", "proxmox3"]
    assert cluster.corosync is not None and len(cluster.corosync.nodes) == 3
    for node in cluster.nodes:
        assert node.interfaces is not None and node.interfaces.get("bond1") is not None
        assert [b.name for b in node.bonds] == ["bond1"]
        assert node.bonds[0].mode == "broadcast"
        assert node.ovs is not None and node.ovs.bridge("vubr0") is not None
        assert not node.gaps, node.gaps
    guests = {g.vmid: g for n in cluster.nodes for g in n.guests}
    tags = sorted(nic.vlan_tag for g in guests.values() for nic in g.nics if nic.vlan_tag is not None)
    assert {3, 4, 10} <= set(tags)
    assert any(nic.rate_mb_s and nic.firewall is False for g in guests.values() for nic in g.nics)


def test_pages_show_runtime_guests_and_corosync() -> None:
    from netdoc.pipeline.inputs import site_input

    pages = site_pages(site_input(example_path("starwars")))
    p1 = pages["starwars/nodes/proxmox1.md"]
    assert "## Bonds {#bonds}" in p1 and "| [**eno3**](proxmox1.md#iface-eno3) | up | 10000 Mb/s |" in p1
    assert "## Open vSwitch {#ovs}" in p1 and "**veth100i0**" in p1
    assert "## Guests (2) {#guests}" in p1
    assert "## Corosync {#corosync}" in pages["starwars/index.md"]
    assert "| **link0** | 20 |" in pages["starwars/index.md"]


def test_a_broken_file_becomes_a_gap_and_the_rest_is_kept(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    shutil.copytree(example_path("starwars"), snap)
    (snap / "manifest.json").unlink()  # its checksums would no longer match
    (snap / "nodes/proxmox2/proc/net/bonding/bond1").write_bytes(b"\x00\x01 not a bonding file")
    (snap / "nodes/proxmox3/commands/ovs-vsctl-show.txt").unlink()
    cluster = load_cluster(open_snapshot(snap))
    p2 = cluster.node("proxmox2")
    p3 = cluster.node("proxmox3")
    assert p2 is not None and p3 is not None
    assert p2.interfaces is not None, "the interfaces file is still read"
    assert p3.ovs is None and p3.interfaces is not None
    assert any(g.artifact == "manifest.json" for g in cluster.gaps)
    (gap,) = [g for g in p2.gaps if "bonding" in g.artifact]
    assert gap.status == "unparsed" and "no bonding line" in gap.message
    assert p2.bonds == ()


def test_api_only_snapshot_uses_the_api_view(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    shutil.copytree(example_path("starwars") / "api", snap / "api")
    cluster = load_cluster(open_snapshot(snap))
    assert [n.name for n in cluster.nodes] == ["proxmox1", "proxmox2", "proxmox3"]
    p1 = cluster.node("proxmox1")
    assert p1 is not None and p1.interfaces is not None
    bond1 = p1.interfaces.get("bond1")
    assert bond1 is not None and bond1.members == ("eno3", "eno4")
    assert bond1.source is not None and bond1.source.path.startswith("api:")
    assert p1.online is True
    assert p1.bonds == () and p1.ovs is None, "no runtime state without SSH"
    assert cluster.corosync is None
