"""Diagrams as an editable draw.io file (diagrams.net): one page per diagram, one shape per element.

Built from graphviz's own layout (`dot -Tjson` of the diagram's DOT, render/graphviz_run.py), so
the shapes sit where the SVG has them: one vertex per node and per frame (graphviz cluster), one
edge per line (source and target set, so moving a shape in draw.io drags its lines along), and the
legend as a text box. Graphviz's y axis points up, draw.io's down: y is flipped. Labels are plain
text (the lines graphviz drew, `_ldraw_`), escaped as XML attribute values; each element keeps
its link (a draw.io UserObject `link`: a path inside the site, or an absolute URL under
`base_url`) and its tooltip. Invisible helpers (ordering lines, rank groups) are left out.
Deterministic: no dates, ids are the diagram's element ids.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping, Sequence
from typing import Any

from netdoc.errors import RenderError
from netdoc.render.siteinput import Diagram

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHAPES = {
    "ellipse": "ellipse;",
    "cylinder": "shape=cylinder3;boundedLbl=1;size=6;",
    "box3d": "shape=cube;size=6;",
    "component": "shape=component;",
    "note": "shape=note;size=10;",
}
PT = 72.0  # graphviz sizes are in inches, positions in points; draw.io works in points (px at 100 %)


def attr(value: object) -> str:
    """An XML attribute value: markup escaped, newlines kept as character references."""
    s = _XML_BAD.sub("", str(value))
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return s.replace("\r", "").replace("\n", "&#10;").replace("\t", "&#9;")


_ESCAPE = re.compile(r"\\(.)", re.S)
_ESCAPES = {"n": "\n", "l": "\n", "r": "\n", "\\": "\\", '"': '"'}


def _unescape(text: str) -> str:
    """One level of DOT and graphviz string escapes undone (backslash, n, l, r, quote); others kept."""
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def _tooltip(obj: Mapping[str, Any]) -> str:
    """The tooltip as netdoc wrote it: dot.value doubled its backslashes for graphviz, then quoted."""
    return _unescape(_unescape(str(obj.get("tooltip", "")))).replace("&amp;", "&")


def _id(obj: Mapping[str, Any], default: str) -> str:
    return _unescape(str(obj.get("id") or default)).replace("&amp;", "&")  # dot.quote's `&amp;`


def _text(obj: Mapping[str, Any], key: str = "_ldraw_") -> str:
    """The lines graphviz drew for a label, as plain text."""
    return "\n".join(op["text"] for op in obj.get(key, ()) if op.get("op") == "T" and "text" in op)


def site_link(page: str, href: str, base_url: str | None = None) -> str:
    """A diagram link (relative to the page showing it) as a path inside the site, or under base_url."""
    if not href or "://" in href:
        return href
    path, _, fragment = href.partition("#")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
    if target.endswith(".md"):
        target = target[:-3] + ".html"
    full = f"{target}#{fragment}" if fragment else target
    return f"{base_url.rstrip('/')}/{full}" if base_url else full


def _style(obj: Mapping[str, Any], *, edge: bool = False) -> str:
    styles = set(str(obj.get("style", "")).replace(" ", "").split(","))
    out = "html=0;whiteSpace=wrap;"
    if edge:
        out += "edgeStyle=none;rounded=0;"
        direction = obj.get("dir", "forward")
        out += {"none": "endArrow=none;startArrow=none;", "back": "endArrow=none;startArrow=block;"}.get(
            str(direction), "endArrow=block;startArrow=none;"
        )
    else:
        out += _SHAPES.get(str(obj.get("shape", "box")), "")
        if "rounded" in styles:
            out += "rounded=1;arcSize=20;"
        fill = obj.get("fillcolor") if "filled" in styles else None
        out += f"fillColor={fill};" if fill else "fillColor=none;"
    if obj.get("color"):
        out += f"strokeColor={obj['color']};"
    if obj.get("fontcolor"):
        out += f"fontColor={obj['fontcolor']};"
    if "dashed" in styles:
        out += "dashed=1;"
    if "dotted" in styles:
        out += "dashed=1;dashPattern=1 3;"
    if obj.get("penwidth"):
        out += f"strokeWidth={obj['penwidth']};"
    size = obj.get("fontsize")
    if size:
        out += f"fontSize={size};"
    return out


def _cell(
    cid: str,
    label: str,
    style: str,
    geometry: str,
    *,
    vertex: bool,
    link: str,
    tooltip: str,
    source: str = "",
    target: str = "",
) -> str:
    kind = 'vertex="1"' if vertex else f'edge="1" source="{attr(source)}" target="{attr(target)}"'
    inner = f'<mxCell style="{attr(style)}" {kind} parent="1">{geometry}</mxCell>'
    extra = f' link="{attr(link)}"' if link else ""
    extra += f' tooltip="{attr(tooltip)}"' if tooltip else ""
    return f'<UserObject id="{attr(cid)}" label="{attr(label)}"{extra}>{inner}</UserObject>'


def _box(x: float, y: float, w: float, h: float) -> str:
    return f'<mxGeometry x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" as="geometry"/>'


def drawio_page(diagram: Diagram, layout: str, *, base_url: str | None = None) -> str:
    """One <diagram> page from a diagram and its graphviz JSON layout."""
    try:
        doc = json.loads(layout)
    except ValueError as exc:
        raise RenderError(
            f"diagram {diagram.cluster}/{diagram.name}: graphviz gave no JSON layout ({exc})"
        ) from None
    x0, y0, x1, y1 = (float(v) for v in str(doc.get("bb", "0,0,0,0")).split(","))
    height = y1

    def flip(y: float) -> float:
        return height - y

    objects: list[dict[str, Any]] = doc.get("objects", [])
    ids: dict[int, str] = {}
    used = {"0", "1"}

    def unique(name: str) -> str:
        out, n = name, 2
        while out in used:
            out, n = f"{name}#{n}", n + 1
        used.add(out)
        return out

    cells: list[str] = []
    frames = [o for o in objects if str(o.get("name", "")).startswith("cluster") and "bb" in o]
    nodes = [o for o in objects if "pos" in o and "invis" not in str(o.get("style", ""))]
    for obj in frames:  # frames first: draw.io paints in document order, frames behind their nodes
        bx0, by0, bx1, by1 = (float(v) for v in str(obj["bb"]).split(","))
        cid = unique(_id(obj, str(obj["name"])))
        style = _style(obj) + "verticalAlign=top;align=center;container=0;"
        cells.append(
            _cell(
                cid,
                _text(obj),
                style,
                _box(bx0, flip(by1), bx1 - bx0, by1 - by0),
                vertex=True,
                link=site_link(diagram.page, str(obj.get("URL", "")), base_url),
                tooltip=_tooltip(obj),
            )
        )
    for obj in nodes:
        px, py = (float(v) for v in str(obj["pos"]).split(","))
        w, h = float(obj.get("width", 0.75)) * PT, float(obj.get("height", 0.5)) * PT
        cid = unique(_id(obj, str(obj.get("name"))))
        ids[int(obj["_gvid"])] = cid
        cells.append(
            _cell(
                cid,
                _text(obj),
                _style(obj),
                _box(px - w / 2, flip(py) - h / 2, w, h),
                vertex=True,
                link=site_link(diagram.page, str(obj.get("URL", "")), base_url),
                tooltip=_tooltip(obj),
            )
        )
    for n, edge in enumerate(doc.get("edges", [])):
        if "invis" in str(edge.get("style", "")):
            continue
        source, target = ids.get(int(edge["tail"])), ids.get(int(edge["head"]))
        if source is None or target is None:
            continue
        cid = unique(_id(edge, f"edge{n}"))
        cells.append(
            _cell(
                cid,
                _text(edge),
                _style(edge, edge=True),
                '<mxGeometry relative="1" as="geometry"/>',
                vertex=False,
                link=site_link(diagram.page, str(edge.get("URL", "")), base_url),
                tooltip=_tooltip(edge),
                source=source,
                target=target,
            )
        )
    legend = _text(doc)
    if legend and "lp" in doc:
        lx, ly = (float(v) for v in str(doc["lp"]).split(","))
        w, h = float(doc.get("lwidth", 3)) * PT, float(doc.get("lheight", 1)) * PT
        cells.append(
            _cell(
                unique("legend"),
                legend,
                "text;html=0;whiteSpace=wrap;align=left;verticalAlign=top;"
                "strokeColor=#b0b8c0;fillColor=#ffffff;fontSize=9;",
                _box(lx - w / 2, flip(ly) - h / 2, w, h),
                vertex=True,
                link="",
                tooltip="",
            )
        )
    name = f"{diagram.cluster} {diagram.name}"
    model = (
        '<mxGraphModel dx="0" dy="0" grid="0" gridSize="10" guides="1" tooltips="1" connect="1" arrows="1" '
        f'fold="1" page="0" pageScale="1" pageWidth="{x1 - x0:.0f}" pageHeight="{y1 - y0:.0f}" '
        'math="0" shadow="0">'
        '<root><mxCell id="0"/><mxCell id="1" parent="0"/>' + "".join(cells) + "</root></mxGraphModel>"
    )
    return f'<diagram id="{attr(diagram.cluster + "-" + diagram.name)}" name="{attr(name)}">{model}</diagram>'


def drawio_file(pages: Sequence[tuple[Diagram, str]], *, base_url: str | None = None) -> str:
    """An mxfile with one page per (diagram, graphviz JSON layout), in the given order."""
    body = "\n".join("  " + drawio_page(d, layout, base_url=base_url) for d, layout in pages)
    return f'<mxfile host="netdoc" type="device" pages="{len(pages)}">\n{body}\n</mxfile>\n'
