"""Reading rendered diagrams back: the SVG's elements with their ids and links, the draw.io file's cells."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from dataclasses import dataclass

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"


@dataclass(frozen=True)
class Element:
    kind: str  # "node" | "edge" | "cluster"
    id: str
    href: str | None
    title: str | None  # the tooltip


def elements(svg: str) -> list[Element]:
    """Every node, edge and cluster group of a graphviz SVG, with the link graphviz wrapped it in."""
    root = ET.fromstring(svg)
    out = []
    for g in root.iter(f"{SVG}g"):
        kind = g.get("class")
        if kind not in ("node", "edge", "cluster"):
            continue
        a = g.find(f".//{SVG}a")
        href = a.get(XLINK) if a is not None else None
        title = a.get("{http://www.w3.org/1999/xlink}title") if a is not None else None
        out.append(Element(kind, g.get("id") or "", href, title))
    return out


def resolve(page: str, href: str) -> str:
    """Where a link relative to a page (docs path, .md) lands, as a site path (.html#anchor)."""
    path, _, fragment = href.partition("#")
    base = posixpath.dirname(page)
    target = posixpath.normpath(posixpath.join(base, path)) if path else page.replace(".md", ".html")
    return f"{target}#{fragment}" if fragment else target
