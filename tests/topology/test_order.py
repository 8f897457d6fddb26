"""Names with numbers are shown in number order: pve2 before pve10, eno2 before eno10, on every page."""

from __future__ import annotations

from pathlib import Path

from netdoc.model.names import natural_key
from tests.audit.snapshots import cluster_net, snapshot_of
from tests.topology.nets import HEADER


def test_natural_key() -> None:
    names = ["pve10", "pve2", "pve1", "pve", "pve01", "vmbr0.100", "vmbr0.20", "vmbr0", "eno1", "ENO2"]
    assert sorted(names, key=natural_key) == [
        "ENO2",
        "eno1",
        "pve",
        "pve01",
        "pve1",
        "pve2",
        "pve10",
        "vmbr0",
        "vmbr0.20",
        "vmbr0.100",
    ]


def test_nodes_and_interfaces_in_number_order(tmp_path: Path) -> None:
    nics = "".join(f"auto eno{i}\niface eno{i} inet manual\n\n" for i in (1, 2, 10))
    files: dict[str, str | None] = {
        f"nodes/pve{n}/etc/network/interfaces": HEADER + nics for n in (1, 2, 10, 11)
    }
    net = cluster_net(snapshot_of(tmp_path, files, "order"))
    assert [h.name for h in net.hosts] == ["pve1", "pve2", "pve10", "pve11"]
    assert [n.name for n in net.sources.nodes] == ["pve1", "pve2", "pve10", "pve11"]
    assert [i.name for i in net.hosts[0].ifaces] == ["eno1", "eno2", "eno10", "lo"]
