"""VLAN pages: the VLAN x node matrix of a cluster (its section index page), and one page per VLAN
with its diagram and, on each node, the bridges and interfaces carrying it and the guests in it.
"""

from __future__ import annotations

from netdoc.model.netcluster import Attachment
from netdoc.render import links
from netdoc.render.markdown import code, esc, table
from netdoc.render.pages.common import (
    MATRIX_NODES,
    NONE,
    chunk_title,
    chunks,
    diagram_block,
    front_matter,
    link,
    term,
)
from netdoc.render.pages.context import ClusterCtx
from netdoc.render.pages.guests import guest_label
from netdoc.topology.vlans import VlanCell, VlanRow

# A matrix cell lists its guests up to this many, then counts them.
CELL_GUESTS = 4


def _guests(cc: ClusterCtx, page: str, atts: list[Attachment], limit: int | None = None) -> str:
    shown = atts if limit is None else atts[:limit]
    out = [
        cc.ctx.page(
            page,
            links.GUESTS,
            esc(f"{guest_label(a.guest)} {a.nic.key}"),
            links.guest_anchor(cc.name, a.vmid, a.nic.key),
        )
        for a in shown
    ]
    if len(atts) > len(shown):
        out.append(
            cc.ctx.page(page, links.vlan_page(cc.name, atts[0].vlan or 0), f"{len(atts) - len(shown)} more")
        )
    return "<br>".join(out)


def _attachments(cc: ClusterCtx, vid: int, node: str) -> list[Attachment]:
    return sorted(
        (a for a in cc.net.attachments if a.vlan == vid and a.node == node),
        key=lambda a: (a.vmid or 0, a.nic.index),
    )


def matrix_cell(cc: ClusterCtx, page: str, vid: int, cell: VlanCell | None, *, limit: int | None) -> str:
    """What carries a VLAN on one node: bridges, the node's own interfaces in it, its guests."""
    if cell is None or cell.empty:
        return NONE
    parts = []
    if cell.bridges:
        parts.append(" ".join(cc.iface(page, cell.node, b, code(b)) for b in cell.bridges))
    if cell.ifaces:
        parts.append("own: " + " ".join(cc.iface(page, cell.node, i, code(i)) for i in cell.ifaces))
    atts = _attachments(cc, vid, cell.node)
    if atts:
        parts.append(_guests(cc, page, atts, limit))
    return "<br>".join(parts)


def _row_of(cc: ClusterCtx, vid: int) -> VlanRow | None:
    return next((r for r in cc.matrix if r.vid == vid), None)


def vlans_index_page(cc: ClusterCtx, vids: list[int]) -> str:
    page = links.vlans_page(cc.name)
    lines = [
        f"# VLANs: {esc(cc.name)}\n",
        "Every " + term(page, "vlan-interface", "VLAN") + " in use (by a guest, an interface, an OVS port "
        "or a VNet), and on each node the bridges carrying it, the node's own interfaces in it and its "
        "guests. " + link(page, links.cluster_page(cc.name), "Back to the cluster") + ".\n",
    ]
    if not vids:
        return front_matter(f"VLANs: {cc.name}", wide=True) + "\n".join([*lines, "No VLAN is in use.\n"])
    for n, hosts in enumerate(chunks(cc.net.hosts)):
        rows = []
        for vid in vids:
            row = _row_of(cc, vid)
            cells = [
                matrix_cell(cc, page, vid, row.cell(h.name) if row else None, limit=CELL_GUESTS)
                for h in hosts
            ]
            vnets = ", ".join(code(v) for v in row.vnets) if row and row.vnets else NONE
            rows.append([link(page, links.vlan_page(cc.name, vid), f"**{vid}**"), vnets, *cells])
        lines.append(chunk_title(hosts, len(cc.net.hosts), n * MATRIX_NODES))
        lines.append(table(["VLAN", "VNets", *(esc(h.name) for h in hosts)], rows))
    return front_matter(f"VLANs: {cc.name}", wide=True) + "\n".join(lines)


def vlan_page(cc: ClusterCtx, vid: int) -> str:
    page = links.vlan_page(cc.name, vid)
    row = _row_of(cc, vid)
    lines = [
        f"# VLAN {vid}: {esc(cc.name)}\n",
        link(page, links.vlans_page(cc.name), "Every VLAN")
        + " · "
        + link(page, links.cluster_page(cc.name), "the cluster")
        + "\n",
    ]
    lines += diagram_block(cc.site, cc.name, f"vlan-{vid}", page)
    if row is not None and row.vnets:
        lines.append("SDN VNets in this VLAN: " + ", ".join(code(v) for v in row.vnets) + "\n")
    rows = []
    for host in cc.net.hosts:
        cell = row.cell(host.name) if row else None
        atts = _attachments(cc, vid, host.name)
        if (cell is None or cell.empty) and not atts:
            continue
        rows.append(
            [
                link(page, links.node_page(cc.name, host.name), esc(host.name)),
                " ".join(cc.iface(page, host.name, b, code(b)) for b in (cell.bridges if cell else ()))
                or NONE,
                " ".join(cc.iface(page, host.name, i, code(i)) for i in (cell.ifaces if cell else ()))
                or NONE,
                _guests(cc, page, atts) or NONE,
            ]
        )
    lines.append("## On each node\n")
    lines.append(
        table(["Node", "Bridges carrying it", "Own interfaces", "Guests"], rows)
        if rows
        else "Nothing carries it.\n"
    )
    return front_matter(f"VLAN {vid}: {cc.name}", wide=True) + "\n".join(lines)
