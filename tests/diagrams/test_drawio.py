"""The draw.io export: an mxfile with one page per diagram and one cell per element, laid out by graphviz.

Every node and frame graphviz laid out is one vertex, every visible line one edge whose source and
target are vertices of the page, the legend one text box; positions are graphviz's with y flipped
(inside the page, frames around their nodes); links are paths inside the site.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from netdoc.render.drawio import drawio_file, site_link
from netdoc.render.graphviz_run import run_dot
from tests.diagrams.cases import diagram, diagrams


def _page_counts(layout: str) -> tuple[int, int]:
    doc = json.loads(layout)
    objects = doc.get("objects", [])
    frames = [o for o in objects if str(o.get("name", "")).startswith("cluster") and "bb" in o]
    nodes = [o for o in objects if "pos" in o and "invis" not in str(o.get("style", ""))]
    edges = [e for e in doc.get("edges", []) if "invis" not in str(e.get("style", ""))]
    return len(frames) + len(nodes) + 1, len(edges)  # + the legend


@pytest.mark.parametrize("case", ["example", "lacp-vlans", "sdn"])
def test_one_cell_per_element(case: str) -> None:
    pages = [(d, run_dot(d.dot, "json")) for d in diagrams(case)]
    root = ET.fromstring(drawio_file(pages))
    assert root.tag == "mxfile" and root.get("pages") == str(len(pages))
    for (d, layout), page in zip(pages, root.findall("diagram"), strict=True):
        assert page.get("name") == f"{d.cluster} {d.name}"
        cells = list(page.iter("mxCell"))
        vertices = [c for c in cells if c.get("vertex") == "1"]
        edges = [c for c in cells if c.get("edge") == "1"]
        assert (len(vertices), len(edges)) == _page_counts(layout), d.name
        ids = {o.get("id") for o in page.iter("UserObject")}
        assert len(ids) == len(list(page.iter("UserObject"))), "ids unique in a page"
        for edge in edges:
            assert edge.get("source") in ids and edge.get("target") in ids, d.name
        width, height = float(page[0].get("pageWidth", 0)), float(page[0].get("pageHeight", 0))
        for v in vertices:
            g = v.find("mxGeometry")
            assert g is not None
            x, y = float(g.get("x", 0)), float(g.get("y", 0))
            assert -1 <= x <= width + 1 and -1 <= y <= height + 1, (d.name, x, y)


def test_labels_links_and_positions_of_the_overview() -> None:
    d = diagram("example", "cluster")
    page = ET.fromstring(drawio_file([(d, run_dot(d.dot, "json"))])).find("diagram")
    assert page is not None
    objs = {o.get("id"): o for o in page.iter("UserObject")}
    node = objs["node:starwars:proxmox1"]
    assert node.get("label") == "proxmox1\n172.16.0.1\n2 guests"
    assert node.get("link") == "starwars/nodes/proxmox1.html"
    assert "node proxmox1" in (node.get("tooltip") or "")
    frame = objs["cluster:starwars"]

    def box(o: ET.Element) -> tuple[float, float, float, float]:
        g = o.find("mxCell/mxGeometry")
        assert g is not None
        return tuple(float(g.get(k, 0)) for k in ("x", "y", "width", "height"))  # type: ignore[return-value]

    fx, fy, fw, fh = box(frame)
    for name in ("proxmox1", "proxmox2", "proxmox3"):
        x, y, w, h = box(objs[f"node:starwars:{name}"])
        assert fx <= x and x + w <= fx + fw and fy <= y and y + h <= fy + fh, f"{name} inside its frame"
    ys = [box(objs[f"node:starwars:proxmox{n}"])[1] for n in (1, 2, 3)]
    assert ys == sorted(ys), "y grows downwards, as in the SVG: proxmox1 on top"


def test_site_links_resolve_against_the_page() -> None:
    assert site_link("starwars/nodes/proxmox1.md", "../../guests.html#nic-x") == "guests.html#nic-x"
    assert site_link("starwars/index.md", "nodes/a.html") == "starwars/nodes/a.html"
    assert site_link("starwars/index.md", "nodes/a.html", "https://doc.example/net/") == (
        "https://doc.example/net/starwars/nodes/a.html"
    )
    assert site_link("starwars/index.md", "") == ""


def test_same_diagrams_same_file() -> None:
    pages = [(d, run_dot(d.dot, "json")) for d in diagrams("example")]
    again = [(d, run_dot(d.dot, "json")) for d in diagrams("example")]
    assert drawio_file(pages) == drawio_file(again)
