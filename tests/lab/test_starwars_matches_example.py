"""The lab's `starwars` scenario and the bundled example snapshot tell the same story.

Both come from the talk: the example was written by hand as a snapshot, the lab derives its files
from a definition. Parsed into netdoc's model, they must agree on every network fact a page shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from netdoc.examples import example_path
from netdoc.loader import load_cluster
from netdoc.model.cluster import Cluster
from netdoc.snapshot import open_snapshot
from tests.lab.scenario_worlds import world
from tests.lab.test_snapshot_load import write_snapshot


def facts(cluster: Cluster) -> dict[str, Any]:
    out: dict[str, Any] = {"name": cluster.name}
    for node in cluster.nodes:
        assert node.interfaces is not None, node.name
        out[node.name] = {
            "interfaces": {
                i.name: (
                    i.kind.value,
                    tuple(sorted(i.members)),
                    tuple(a.cidr for a in i.addresses),
                    i.gateway,
                    i.bond_mode,
                    i.ovs_bridge,
                )
                for i in node.interfaces.interfaces
            },
            "bonds": {b.name: (b.mode, tuple(sorted(s.name for s in b.slaves))) for b in node.bonds},
            "ovs_ports": sorted(
                (br.name, p.name, p.tag, tuple(sorted(i.name for i in p.interfaces)))
                for br in (node.ovs.bridges if node.ovs else ())
                for p in br.ports
            ),
            "guests": sorted(
                (g.vmid, g.type, n.bridge, n.vlan_tag, bool(n.firewall), n.rate_mb_s)
                for g in node.guests
                for n in g.nics
            ),
        }
    assert cluster.corosync is not None
    out["corosync"] = sorted(
        (n.name, n.nodeid, tuple((link.number, link.address) for link in n.links))
        for n in cluster.corosync.nodes
    )
    out["priorities"] = sorted(
        (i.number, i.knet_link_priority)
        for i in (cluster.corosync.totem.interfaces if cluster.corosync.totem else ())
    )
    return out  # firewall: absent and "firewall=0" both mean off


def test_lab_starwars_equals_the_bundled_example(tmp_path: Path) -> None:
    (lab_cluster,) = world("starwars").clusters
    lab = load_cluster(open_snapshot(write_snapshot(lab_cluster, tmp_path / "lab")))
    example = load_cluster(open_snapshot(example_path("starwars")))
    got, want = facts(lab), facts(example)
    for key in want:
        assert got[key] == want[key], key
    assert set(got) == set(want)
