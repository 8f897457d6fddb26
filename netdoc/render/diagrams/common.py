"""What every diagram shares: colours, the graphviz defaults, element links and ids, tooltips, legends.

An *element* is a graph element (topology/ids.py) drawn as one node or cluster: its graphviz `id`
is the graph id (graphviz writes it as the SVG element's id), its `URL` the page render/links.py
gives it, relative to the page that shows the diagram, its tooltip what it is. What is drawn for
an interface and its node is in interfaces.py, for guest NICs in guests.py; the audit's findings
by graph id in problems.py.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from netdoc.render import links
from netdoc.render.diagrams.dot import Dot, html_label

# Edge labels (addresses, interfaces) on cluster-wide diagrams up to this many nodes; beyond, tooltips.
LABEL_NODES_MAX = 6

RED = "#c0392b"
ORANGE = "#d35400"
GREY = "#8c8c8c"
INK = "#1f2d3d"
GREEN = "#2a7a2a"
PURPLE = "#7d3c98"
BLUE = "#2e5c8a"

FILL = {
    "node": "#dde7f7",
    "nic": "#e8f1fb",
    "bond": "#fdf0dc",
    "bridge": "#e3f4e1",
    "ovs_bridge": "#daf0ef",
    "vlan": "#efe6f7",
    "other": "#f2f2f2",
    "guest": "#ffffff",
    "guests": "#f7f7f7",
    "switch": "#eeeeee",
    "storage": "#fcf5c7",
    "corosync": "#fbe6ef",
    "legend": "#ffffff",
}

GRAPH_DEFAULTS: dict[str, object | None] = {
    "rankdir": "LR",
    "nodesep": "0.18",
    "ranksep": "0.4",
    "compound": "true",
    "newrank": "true",
    "pad": "0.2",
    "bgcolor": "white",
}


@functools.lru_cache(maxsize=65536)
def element_href(page: str, gid: str) -> str:
    """links.element_href, remembered: a big cluster asks for the same links thousands of times."""
    return links.element_href(page, gid)


def new_dot(name: str, **graph: object | None) -> Dot:
    """A left-to-right diagram: long chains read across, many elements stack down (the page scrolls)."""
    dot = Dot(name, graph_attrs={**GRAPH_DEFAULTS, **graph})
    dot.defaults(
        "node",
        shape="box",
        style="rounded,filled",
        color=INK,
        fontcolor=INK,
        penwidth="1",
        margin="0.1,0.04",
        height="0.3",
    )
    dot.defaults("edge", dir="none", color="#4d5b6a", arrowsize="0.6", fontcolor="#33414f")
    return dot


def edge_id(kind: str, a: str, b: str) -> str:
    """A stable id for an edge of a diagram (graph edges have none of their own)."""
    return f"{kind}:{a}->{b}"


def tooltip(*lines: str | None) -> str:
    return "\n".join(line for line in lines if line)


def short(text: str, width: int = 44) -> str:
    """One line of a label: cut with an ellipsis (the tooltip keeps the whole text)."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# ----------------------------------------------------------------------------- legend

Row = tuple[str, str, str]  # (swatch kind, colour, text): see dot.html_label

LEGEND_NODE: Row = ("fill", FILL["node"], "Proxmox node")
LEGEND_NIC: Row = ("fill", FILL["nic"], "physical NIC (speed, MTU)")
LEGEND_BOND: Row = ("fill", FILL["bond"], "bond (mode, LACP, hash policy)")
LEGEND_BRIDGE: Row = ("fill", FILL["bridge"], "Linux bridge")
LEGEND_OVS: Row = ("fill", FILL["ovs_bridge"], "Open vSwitch bridge")
LEGEND_VLAN: Row = ("fill", FILL["vlan"], "VLAN interface, OVS IntPort, alias")
LEGEND_OTHER: Row = ("fill", FILL["other"], "VXLAN, veth, VRF, dummy, ...")
LEGEND_GUEST: Row = ("fill", FILL["guest"], "guest NIC (VM/CT id, name, netN, IP)")
LEGEND_GUESTS: Row = ("fill", FILL["guests"], "guest NICs counted: click for the list")
LEGEND_SWITCH: Row = ("fill", FILL["switch"], "switch port (LLDP)")
LEGEND_STORAGE: Row = ("fill", FILL["storage"], "network storage")
LEGEND_COROSYNC: Row = ("fill", FILL["corosync"], "corosync link (higher priority wins)")
LEGEND_RED: Row = ("border", RED, "broken now: down, refused, no LACP partner")
LEGEND_ORANGE: Row = ("border", ORANGE, "subject of a medium finding")
LEGEND_GREY: Row = ("border", GREY, "down but unused; guest stopped")
LEGEND_RED_LINE: Row = ("dashed", RED, "configured, not working at run time")
LEGEND_MESH: Row = ("line", PURPLE, "mesh link (direct cable)")
LEGEND_LLDP: Row = ("line", BLUE, "cable seen over LLDP")
LEGEND_NAT: Row = ("dashed", PURPLE, "NAT out, port forward in")


def legend(dot: Dot, rows: Iterable[Row]) -> None:
    """The legend as the diagram's own label (bottom left): it takes no place in the layout.

    Written last: a cluster inherits the graph attributes set before it, and must not inherit this.
    """
    label = html_label(list(dict.fromkeys(rows)), title="Legend · hover for details, click to open")
    dot.lines.append(f'  graph [label={label}, labelloc="b", labeljust="l"];')
