"""Rendered diagrams: byte-identical SVG from the same snapshot, every element linked to its page, ids kept.

Rendering needs graphviz's `dot` (scripts/setup installs it); these tests run it for real.
"""

from __future__ import annotations

import re

import pytest

from netdoc.render.diagrams import all_diagrams
from netdoc.render.graphviz_run import render_svg
from tests.diagrams.cases import CASES, diagram, diagrams, estate
from tests.diagrams.svg import elements, resolve

# The ids graphviz makes up for an element given none: every element must carry its own.
_GRAPHVIZ_ID = re.compile(r"^(node|edge|clust)\d+$")


@pytest.mark.parametrize("case", ["example", "lacp-vlans"])
def test_same_snapshot_renders_byte_identical_svg(case: str) -> None:
    first = [render_svg(d.dot) for d in all_diagrams(*estate(case))]
    again = [render_svg(d.dot) for d in all_diagrams(*estate(case))]
    assert first == again


@pytest.mark.parametrize("case", CASES)
def test_every_element_links_into_the_site(case: str) -> None:
    for d in diagrams(case):
        found = elements(render_svg(d.dot))
        assert found, d.name
        for el in found:
            where = f"{case} {d.name} {el.kind} {el.id}"
            assert el.id and not _GRAPHVIZ_ID.match(el.id), f"{where}: no id of its own"
            if el.kind == "cluster" and el.id.startswith("group:"):
                continue  # a labelled box around bridges, corosync or storage: no page of its own
            assert el.href, f"{where}: no link"
            assert ":" not in el.href.split("#")[0], f"{where}: {el.href} is not a relative link"
            target = resolve(d.page, el.href)
            assert re.fullmatch(r"[A-Za-z0-9._/-]+\.html(#[A-Za-z0-9._-]+)?", target), f"{where}: {target}"
            assert not target.startswith(".."), f"{where}: {el.href} leaves the site"
            assert el.title, f"{where}: no tooltip"


def _hrefs(case: str, name: str) -> dict[str, str]:
    d = diagram(case, name)
    return {el.id: resolve(d.page, el.href or "") for el in elements(render_svg(d.dot))}


def test_known_elements_open_their_pages() -> None:
    overview = _hrefs("example", "cluster")
    assert diagram("example", "cluster").page == "starwars/index.md"
    assert overview["node:starwars:proxmox1"] == "starwars/nodes/proxmox1.html"
    assert overview["corosync:starwars:link1"] == "starwars/index.html#corosync"
    assert overview["storage:starwars:nas-vms"] == "starwars/index.html#storage-nas-vms"
    assert overview["vlan:starwars:10"] == "starwars/vlans/10.html"
    assert overview["cluster:starwars"] == "starwars/index.html"
    node = _hrefs("example", "node-proxmox1")
    assert node["iface:starwars:proxmox1:eno1"] == "starwars/nodes/proxmox1.html#iface-eno1"
    assert node["iface:starwars:proxmox1:bond0"] == "starwars/nodes/proxmox1.html#iface-bond0"
    assert node["nic:starwars:100:net0"] == "guests.html#nic-starwars-100-net0"
    vlan = _hrefs("example", "vlan-10")
    assert vlan["node:starwars:proxmox2"] == "starwars/nodes/proxmox2.html"
    assert vlan["nic:starwars:300:net0"] == "guests.html#nic-starwars-300-net0"
    cabling = _hrefs("lacp-vlans", "cabling")
    assert cabling["switch:sw-core"] == "index.html#switch-sw-core"
    assert cabling["iface:lacp-vlans:pve2:eno2"] == "lacp-vlans/nodes/pve2.html#iface-eno2"


def test_the_link_sits_on_the_shape_itself() -> None:
    """graphviz writes <g id=graph id class=node><g id=a_...><a xlink:href=...>: a click on the shape opens it."""
    svg = render_svg(diagram("example", "cluster").dot)
    assert '<g id="node:starwars:proxmox1" class="node">' in svg
    block = svg.split('<g id="node:starwars:proxmox1" class="node">', 1)[1].split("</g>", 1)[0]
    assert 'xlink:href="nodes/proxmox1.html"' in block
