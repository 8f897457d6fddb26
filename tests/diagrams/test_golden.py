"""Golden DOT for the bundled example and every lab scenario, and the diagrams each case must have.

tests/fixtures/diagrams/<case>/<cluster>-<name>.dot holds each diagram's source as netdoc writes
it (the DOT is deterministic text, so no canonicalisation is needed); `pytest --update-golden`
rewrites them for review in `git diff`. A diagram that disappears or appears fails too.
"""

from __future__ import annotations

import pytest

from netdoc.render.links import slug
from tests.diagrams.cases import CASES, GOLDEN, check_text, diagrams


@pytest.mark.parametrize("case", CASES)
def test_golden_dot(case: str, update_golden: bool) -> None:
    made = {f"{slug(d.cluster)}-{slug(d.name)}.dot": d.dot for d in diagrams(case)}
    folder = GOLDEN / case
    if update_golden:
        for old in folder.glob("*.dot") if folder.is_dir() else ():
            if old.name not in made:
                old.unlink()
    else:
        assert sorted(p.name for p in folder.glob("*.dot")) == sorted(made), (
            "diagrams appeared or disappeared"
        )
    for name, text in made.items():
        check_text(folder / name, text, update_golden)


def test_example_has_every_view_but_cabling() -> None:
    names = [d.name for d in diagrams("example")]
    # the example has no LLDP: no cabling diagram (the site checks for None)
    assert names == [
        "cluster",
        "corosync",
        "storage",
        "node-proxmox1",
        "node-proxmox2",
        "node-proxmox3",
        "vlan-3",
        "vlan-4",
        "vlan-10",
    ]
    assert all(d.page.startswith("starwars/") for d in diagrams("example"))


def test_lab_with_lldp_has_cabling() -> None:
    assert "cabling" in [d.name for d in diagrams("starwars")]
    assert "cabling" in [d.name for d in diagrams("lacp-vlans")]


def test_same_model_same_dot() -> None:
    from netdoc.render.diagrams import all_diagrams
    from tests.diagrams.cases import estate

    for case in ("example", "sdn"):
        assert [d.dot for d in all_diagrams(*estate(case))] == [d.dot for d in diagrams(case)]


def test_every_graph_node_has_a_kind() -> None:
    """A VNet a guest NIC names before the VNets are added still gets its kind (the views pick by kind)."""
    from tests.diagrams.cases import estate

    topology, _ = estate("sdn")
    assert all("kind" in data for _, data in topology.graph.nodes(data=True))
    assert "vnet:sdn:vnet110" in topology.nodes_of("vnet")


def test_each_diagram_is_shown_by_the_page_the_url_scheme_names() -> None:
    """links.diagram_page says where a diagram is shown; its files sit beside that page."""
    from netdoc.render import links
    from tests.diagrams.cases import CASES

    for case in CASES:
        for d in diagrams(case):
            assert d.page == links.diagram_page(d.cluster, d.name), (case, d.name)
            assert links.diagram_file(d.cluster, d.name, "svg").rsplit("/", 1)[0] == d.page.rsplit("/", 1)[0]
