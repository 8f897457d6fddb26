"""Names and comments crafted as markup stay text: in the DOT, in the SVG graphviz makes, in draw.io.

An interface comment, a bridge comment and a guest name of the example are replaced with strings
that would be markup or DOT syntax if pasted raw; the diagrams must render (graphviz accepts the
DOT), the SVG and the draw.io file must parse as XML with no element the cluster wrote, and the
text must come back as the same text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from netdoc.estate import check_estate
from netdoc.render.diagrams import all_diagrams
from netdoc.render.drawio import drawio_file
from netdoc.render.graphviz_run import render_svg, run_dot
from tests.audit.snapshots import edit_example, example_with

HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(1)> {{ x }} ]]> "]; x [label=<b>] \\N -->'
IFACES = "nodes/proxmox1/etc/network/interfaces"
GUEST = "nodes/proxmox1/etc/pve/nodes/proxmox1/lxc/100.conf"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = edit_example(IFACES, "auto eno3\n", f"# {HOSTILE}\nauto eno3\n")
    text = text.replace("# As in the talk:", f"# {HOSTILE} As in the talk:")
    guest = edit_example(GUEST, "hostname: freeradius", f"hostname: {HOSTILE}")
    return example_with(tmp_path_factory.mktemp("hostile"), {IFACES: text, GUEST: guest})


def test_crafted_text_is_inert_in_dot_svg_and_drawio(hostile: Path) -> None:
    topology, audit = check_estate([hostile])
    diagrams = all_diagrams(topology, audit)
    node = next(d for d in diagrams if d.name == "node-proxmox1")
    # DOT: the text is inside quoted strings only; graphviz reads it back as one node per element
    assert '"]; x [label=<b>]' not in node.dot.replace('\\"', "")
    seen_svg = False
    for d in diagrams:
        svg = render_svg(d.dot)
        assert "<script" not in svg and "<img" not in svg, d.name
        ET.fromstring(svg)  # well-formed: no markup broke out of an attribute or a text
        if "alert(1)" in svg:
            seen_svg = True
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg or "&lt;script&gt;" in svg
    assert seen_svg, "the crafted text is shown somewhere (labels or tooltips)"
    svg = render_svg(node.dot)
    texts = "".join(t.text or "" for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"))
    assert "<script>alert(1)</script>" in texts or "CT 100 <script>" in texts  # shown as text
    titles = [a.get("{http://www.w3.org/1999/xlink}title") or "" for a in ET.fromstring(svg).iter()]
    assert any(HOSTILE in t for t in titles), "the whole comment, backslash and all, is in a tooltip"
    drawio = drawio_file([(d, run_dot(d.dot, "json")) for d in diagrams])
    assert "<script" not in drawio and "<img" not in drawio
    root = ET.fromstring(drawio)
    labels = [o.get("label", "") + o.get("tooltip", "") for o in root.iter("UserObject")]
    assert any(HOSTILE in text for text in labels), "round trip: the same text in draw.io"
