"""Readable at scale: guests beyond GUEST_GROUP_MAX per bridge and VLAN collapse into one counted node;
a node with more than NODE_GUESTS_MAX guest NICs shows one summary box per bridge and VLAN."""

from __future__ import annotations

import re

from netdoc.render.diagrams import all_diagrams
from netdoc.render.diagrams.guests import GUEST_GROUP_MAX, NODE_GUESTS_MAX, group_key
from netdoc.render.graphviz_run import render_svg
from netdoc.render.links import GUESTS
from tests.diagrams.cases import sized
from tests.diagrams.svg import elements, resolve


def test_big_guest_groups_collapse_small_ones_do_not() -> None:
    topology, audit = sized(2, 60)
    cluster = topology.estate.clusters[0]
    counts: dict[tuple[str, str, int], int] = {}
    for att in cluster.attachments:
        group = (att.node or "", *group_key(att))
        counts[group] = counts.get(group, 0) + 1
    assert max(counts.values()) > GUEST_GROUP_MAX, "the generated cluster has a big group"
    totals = {node: sum(n for (on, _, _), n in counts.items() if on == node) for node, _, _ in counts}
    assert min(totals.values()) <= NODE_GUESTS_MAX < max(totals.values()), "one node of each kind"
    made = {d.name: d for d in all_diagrams(topology, audit)}
    for (node, bridge, vid), n in counts.items():
        d = made[f"node-{node}"]
        key = f"guests:{cluster.name}:{node}:{bridge}:{vid}"
        members = [a for a in cluster.attachments if (a.node, *group_key(a)) == (node, bridge, vid)]
        drawn = [f'"nic:{cluster.name}:{a.vmid}:{a.nic.key}" [' in d.dot for a in members]
        if totals[node] > NODE_GUESTS_MAX:
            assert not any(drawn), key
            assert re.search(rf'"{re.escape(key)}" \[id="[^"]+", label="[^"]+\\n{n} guest NICs', d.dot), key
        elif n > GUEST_GROUP_MAX:
            assert f'"{key}" [' in d.dot and not any(drawn), key
            assert re.search(rf'"{re.escape(key)}" \[id="[^"]+", label="{n} guest NICs', d.dot), key
            svg = {e.id: e for e in elements(render_svg(d.dot))}
            assert resolve(d.page, svg[key].href or "") == GUESTS.replace(".md", ".html")
        else:
            assert all(drawn), key


def test_collapsed_guests_keep_the_port_forward_target() -> None:
    """A port forward to a guest that is folded into a counted node points at that node."""
    topology, audit = sized(2, 60)
    for d in all_diagrams(topology, audit):
        for line in d.dot.splitlines():
            if "port_forward:" in line:
                target = line.split(" -> ")[1].split(" [")[0].strip('"')
                assert f'"{target}" [' in d.dot, f"{d.name}: the forward's target {target} is drawn"


def test_proxmox_vlan_bridges_fold_into_one_box() -> None:
    """A VLAN-unaware bridge with tagged guests: one vmbr0vN bridge per VLAN at run time, one box."""
    topology, audit = sized(2, 60, seed=1)
    cluster = topology.estate.clusters[0]
    host = cluster.hosts[0]
    made = [i.name for i in host.ifaces if i.is_bridge and i.config is None and "v" in i.name]
    assert len(made) > 2, "the legacy style runs VLAN bridges"
    d = next(x for x in all_diagrams(topology, audit) if x.name == f"node-{host.name}")
    assert f'"vlanbridges:{cluster.name}:{host.name}:vmbr0" [' in d.dot
    assert not any(f'"iface:{cluster.name}:{host.name}:{name}" [' in d.dot for name in made)
    overview = next(x for x in all_diagrams(topology, audit) if x.name == "cluster")
    assert not any(f'"bridge:{cluster.name}:{name}" [' in overview.dot for name in made)
