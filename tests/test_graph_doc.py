"""docs/graph.md documents every node and edge kind the graph uses, and the graph uses no other."""

from __future__ import annotations

from pathlib import Path

from netdoc.examples import example_path
from netdoc.topology import ids
from tests.audit.snapshots import topology

DOC = (Path(__file__).resolve().parents[1] / "docs" / "graph.md").read_text(encoding="utf-8")


def test_every_kind_is_documented() -> None:
    for kind, what in (*ids.NODE_KINDS.items(), *ids.EDGE_KINDS.items()):
        assert f"| `{kind}` |" in DOC, kind
        assert what in DOC, kind


def test_the_graph_uses_documented_kinds_only() -> None:
    graph = topology(example_path("starwars")).graph
    assert {d["kind"] for _, d in graph.nodes(data=True)} <= set(ids.NODE_KINDS)
    assert {k for _, _, k in graph.edges(keys=True)} <= set(ids.EDGE_KINDS)
    for node, data in graph.nodes(data=True):
        assert node.split(":", 1)[0] == data["kind"], node
