"""The guest index: one table of every guest NIC of every cluster, each row with its id.

The row of `net0` of guest 300 in cluster starwars holds the element `id="nic-starwars-300-net0"`
(links.guest_anchor), which is where links.element_page sends every link to that guest or NIC (a
diagram's guest box, a finding, the failure table). Its first cell names the guest; the row holds
the name, the MAC and the addresses as text, which is what the site's search finds (the page is
boosted in the search index, so that a guest's row comes first).
"""

from __future__ import annotations

from netdoc.model.guest import Guest, GuestNic, VlanRange
from netdoc.model.netcluster import Attachment
from netdoc.render import links
from netdoc.render.markdown import code, esc, table
from netdoc.render.pages.common import NONE, addr, front_matter, row_id
from netdoc.render.pages.context import ClusterCtx

HEADERS = [
    "Guest",
    "Cluster",
    "Node",
    "NIC",
    "MAC",
    "Bridge",
    "VLAN",
    "Addresses",
    "[Firewall](glossary.md#firewall-bridge)",  # the guest index sits at the top of the site
    "Rate",
    "Source",
]
# Boost of the guest index in the search: a guest's row before the pages that mention its name.
SEARCH_BOOST = 4


def guest_label(guest: Guest) -> str:
    kind = "VM" if guest.type == "qemu" else "CT"
    return f"{kind} {guest.vmid if guest.vmid is not None else '?'}" + (
        f" {guest.name}" if guest.name else ""
    )


def _ranges(trunks: tuple[VlanRange, ...]) -> str:
    return ";".join(str(r.first) if r.first == r.last else f"{r.first}-{r.last}" for r in trunks)


def _bridge(cc: ClusterCtx, page: str, att: Attachment) -> str:
    if att.bridge_kind == "none":
        return esc("none (QEMU user-mode NAT)")
    name = esc(att.bridge or "?")
    if att.bridge_kind == "missing":
        return f"**{name}** (missing on {esc(att.node or '?')})"
    if att.vnet is not None:
        vnet = cc.ctx.page(page, links.cluster_page(cc.name), name, "sdn")
        bridge = att.port_bridge
        on = (
            f" on {cc.iface(page, att.node, bridge, code(bridge))}"
            if bridge and att.node and bridge != att.vnet
            else ""
        )
        return f"VNet {vnet}{on}"
    kind = " (OVS)" if att.bridge_kind == "ovs" else ""
    if att.node and att.port_bridge:
        return cc.iface(page, att.node, att.port_bridge, code(att.bridge or att.port_bridge)) + kind
    return name + kind


def _vlan(cc: ClusterCtx, page: str, att: Attachment) -> str:
    nic = att.nic
    parts = []
    if att.vlan is not None:
        parts.append(cc.vlan(page, att.vlan))
    if att.runtime_tag is not None and att.runtime_tag != att.vlan:
        parts.append(f"**runs in {esc(att.runtime_tag)}**")
    if nic.trunks:
        parts.append(f"trunks {esc(_ranges(nic.trunks))}")
    return " ".join(parts) or NONE


def _nic(att: Attachment) -> str:
    nic = att.nic
    text = esc(nic.key + (f" ({nic.name})" if nic.name else ""))
    if nic.model:
        text += f" {esc(nic.model)}"
    if nic.link_down:
        text += " **link down**"
    if att.host_port_present is False:
        text += f"<br>**{esc(att.host_port or 'host port')} absent**"
    return text


def _addresses(nic: GuestNic) -> str:
    shown = []
    for ip, gw in ((nic.ip, nic.gw), (nic.ip6, nic.gw6)):
        if ip:
            shown.append(addr(ip) + (f" gw {addr(gw)}" if gw else ""))
    return "<br>".join(shown) or NONE


def guest_row(cc: ClusterCtx, page: str, att: Attachment, anchors: list[str]) -> list[str]:
    """One guest NIC; `anchors` are the ids its first cell carries (its own, and the guest's)."""
    nic = att.nic
    guest = att.guest
    node = cc.ctx.page(page, links.node_page(cc.name, att.node), esc(att.node)) if att.node else "?"
    firewall = "off (not set)" if nic.firewall is None else ("on" if nic.firewall else "off")
    template = " (template)" if guest.template else ""
    return [
        "".join(row_id(a) for a in anchors) + f"**{esc(guest_label(guest))}**{esc(template)}",
        cc.ctx.page(page, links.cluster_page(cc.name), esc(cc.name)),
        node,
        _nic(att),
        code(nic.mac) if nic.mac else NONE,
        _bridge(cc, page, att),
        _vlan(cc, page, att),
        _addresses(nic),
        esc(firewall),
        esc(f"{nic.rate_mb_s:g} MB/s") if nic.rate_mb_s else "unlimited",
        cc.src.link(page, att.node or guest.node, nic.source),
    ]


def _anchors(cc: ClusterCtx, att: Attachment, used: set[str], with_net0: set[int | None]) -> list[str]:
    """The NIC's id, and on a guest's first NIC the guest's own (links.element_page sends a guest to
    its net0, which a guest may not have); an id already given (a vmid twice) is not repeated."""
    wanted = [
        links.guest_anchor(cc.name, att.vmid, att.nic.key),
        links.guest_anchor(cc.name, att.vmid, "net0"),
    ]
    out = [a for a in dict.fromkeys(wanted) if a not in used]
    if len(out) == 2 and att.vmid in with_net0:
        out = out[:1]  # its net0 row comes later and holds that id
    used.update(out)
    return out


def guests_page(clusters: list[ClusterCtx]) -> str:
    page = links.GUESTS
    rows = []
    without: list[str] = []
    count = 0
    for cc in clusters:
        used: set[str] = set()
        atts = sorted(cc.net.attachments, key=lambda a: (a.vmid or 0, a.nic.index, a.node or ""))
        with_net0 = {a.vmid for a in atts if a.nic.key == "net0"}
        rows += [guest_row(cc, page, a, _anchors(cc, a, used, with_net0)) for a in atts]
        with_nic = {(a.vmid, a.node) for a in atts}
        for host in cc.net.hosts:
            count += len(host.sources.guests)
            for guest in host.sources.guests:
                if (guest.vmid, host.name) not in with_nic:
                    anchor = links.guest_anchor(cc.name, guest.vmid, "net0")
                    mark = row_id(anchor) if anchor not in used else ""
                    used.add(anchor)
                    without.append(f"{mark}{esc(cc.name)}: {esc(guest_label(guest))} on {esc(host.name)}")
    lines = [
        "# Guests\n",
        f"Every network card of every guest: {len(rows)} NIC(s) of {count} guest(s). The search box "
        "finds a guest by its name, its MAC address or its IP address, and opens its row.\n",
        table(HEADERS, rows),
    ]
    if without:
        lines.append("## Without a network card\n")
        lines.append(", ".join(sorted(without)) + "\n")
    return front_matter("Guests", wide=True, boost=SEARCH_BOOST) + "\n".join(lines)
