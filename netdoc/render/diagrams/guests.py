"""Guest NICs on a diagram: one node each, a frame per bridge and VLAN, or one counted box.

A guest NIC's element is its graph id (`guest_gid`); guests group by bridge and VLAN
(`group_key`, -1: untagged or trunk), and a group or a node with many of them is drawn counted,
linking to the guest index or the VLAN's diagram.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from netdoc.model.netcluster import Attachment
from netdoc.render import links
from netdoc.render.diagrams.common import FILL, GREY, INK, edge_id, element_href, short, tooltip
from netdoc.render.diagrams.dot import Dot
from netdoc.render.diagrams.problems import Problems
from netdoc.topology import ids

# Guests of one bridge and VLAN on one node shown one by one up to this many; beyond, one counted node.
GUEST_GROUP_MAX = 12
# A node with more guest NICs than this shows one box per bridge and VLAN (count, first names,
# a link to the VLAN's diagram), in up to three columns: forty VLAN groups one guest at a time
# would make a node diagram several screens high.
NODE_GUESTS_MAX = 36


def guest_gid(cluster: str, att: Attachment) -> str:
    return f"nic:{cluster}:{att.vmid}:{att.nic.key}"


def guest_label(att: Attachment) -> str:
    kind = "VM" if att.guest.type == "qemu" else "CT"
    first = f"{kind} {att.vmid}" + (f" {short(att.guest.name, 28)}" if att.guest.name else "")
    extra = [att.nic.key]
    if att.nic.ip and att.nic.ip not in ("dhcp", "manual"):
        extra.append(att.nic.ip)
    if att.nic.trunks:
        extra.append(
            "trunks "
            + ",".join(f"{r.first}-{r.last}" if r.last != r.first else str(r.first) for r in att.nic.trunks)
        )
    return f"{first}\n{' · '.join(extra)}"


def guest_node(dot: Dot, page: str, cluster: str, att: Attachment, problems: Problems) -> str:
    gid = guest_gid(cluster, att)
    off = att.host_port_present is False or att.nic.link_down or att.guest.template
    why = (
        "template"
        if att.guest.template
        else "link down (link_down=1)"
        if att.nic.link_down
        else "not running (no host port)"
        if att.host_port_present is False
        else None
    )
    nic = att.nic
    colour = problems.colour(gid)
    dot.node(
        gid,
        id=gid,
        label=guest_label(att),
        URL=element_href(page, gid),
        tooltip=tooltip(
            att.label + (f" on {att.node}" if att.node else ""),
            f"MAC {nic.mac}" if nic.mac else None,
            f"bridge {att.bridge}" + (f", VLAN {att.vlan}" if att.vlan is not None else ""),
            f"IP {nic.ip}" if nic.ip else None,
            "firewall on" if nic.firewall else "firewall off",
            f"rate {nic.rate_mb_s} MB/s" if nic.rate_mb_s else None,
            why,
            *problems.notes(gid),
        ),
        fillcolor=FILL["guest"],
        color=colour or (GREY if off else None),
        fontcolor=GREY if off else None,
        style="rounded,filled,dashed" if off else None,
    )
    return gid


def _names(atts: Sequence[Attachment], limit: int) -> str:
    shown = ", ".join(f"{a.vmid} {a.guest.name or ''} {a.nic.key}".replace("  ", " ") for a in atts[:limit])
    return shown + (f" and {len(atts) - limit} more" if len(atts) > limit else "")


def collapsed_guests(dot: Dot, page: str, name: str, atts: Sequence[Attachment], where: str) -> str:
    """One node standing for many guest NICs, linking to the guest index."""
    shown, more = _names(atts, 15), ""
    dot.node(
        name,
        id=name,
        label=f"{len(atts)} guest NICs\n{where}\n(see the guest index)",
        URL=links.href(page, links.GUESTS),
        tooltip=tooltip(f"{len(atts)} guest NICs on {where}", shown + more),
        shape="box3d",
        fillcolor=FILL["guests"],
        style="filled",
    )
    return name


@dataclass(frozen=True)
class Group:
    """The guest NICs of one bridge and VLAN (-1: untagged or trunk) on one node."""

    cluster: str
    node: str
    bridge_gid: str  # the node drawn for the bridge (or a "missing bridge" placeholder)
    bridge: str
    vid: int
    atts: Sequence[Attachment]


def guest_group(dot: Dot, page: str, group: Group, problems: Problems) -> tuple[dict[str, str], bool]:
    """The guest NICs of one bridge and VLAN on one node, and the line from the bridge to them.

    Up to GUEST_GROUP_MAX a dashed frame with one node each (a column); beyond, one counted node
    linking to the guest index. Returns guest NIC id -> the node drawn for it, and whether collapsed.
    """
    cluster, node, bridge_gid, bridge, vid = (
        group.cluster,
        group.node,
        group.bridge_gid,
        group.bridge,
        group.vid,
    )
    atts = sorted(group.atts, key=lambda a: (a.vmid or 0, a.nic.key))
    key = f"guests:{cluster}:{node}:{bridge}:{vid}"
    where = f"{bridge or 'no bridge'} · {vlan_words(vid)}"
    if len(atts) > GUEST_GROUP_MAX:
        name = collapsed_guests(dot, page, key, atts, where)
        dot.edge(
            bridge_gid,
            name,
            id=edge_id(ids.ATTACHED_TO, key, bridge_gid),
            URL=links.href(page, links.GUESTS),
            tooltip=f"{len(atts)} guest NICs on {where}",
        )
        return {guest_gid(cluster, a): name for a in atts}, True
    vlan_gid = ids.vlan_id(cluster, vid) if vid >= 0 else bridge_gid
    dot.open_cluster(
        key,
        id=key,
        label=where,
        URL=element_href(page, vlan_gid),
        tooltip=f"{len(atts)} guest NIC(s) on {where}",
        style="rounded,dashed",
        color=GREY,
        fontcolor=INK,
        fontsize="10",
    )
    names = [guest_node(dot, page, cluster, a, problems) for a in atts]
    dot.same_rank(names)
    dot.close_cluster()
    dot.edge(
        bridge_gid,
        names[0],
        id=edge_id(ids.ATTACHED_TO, key, bridge_gid),
        lhead=f"cluster_{key}",
        URL=element_href(page, vlan_gid),
        tooltip=f"{len(atts)} guest NIC(s) on {where}",
    )
    return {n: n for n in names}, False


def guest_summary(dot: Dot, page: str, group: Group, problems: Problems, *, minlen: int = 1) -> str:
    """One box for a bridge and VLAN on a node with many guests: the count and the first names.

    It links to the VLAN's page (its diagram draws each guest NIC of every node), or to the guest
    index for untagged guests; the tooltip lists them all.
    """
    atts = sorted(group.atts, key=lambda a: (a.vmid or 0, a.nic.key))
    key = f"guests:{group.cluster}:{group.node}:{group.bridge}:{group.vid}"
    where = f"{group.bridge or 'no bridge'} · {vlan_words(group.vid)}"
    off = sum(1 for a in atts if a.host_port_present is False or a.nic.link_down or a.guest.template)
    names = ", ".join(a.guest.name or str(a.vmid) for a in atts[:3]) + (" …" if len(atts) > 3 else "")
    count = f"{len(atts)} guest NIC{'s' if len(atts) != 1 else ''}" + (f", {off} stopped" if off else "")
    target = element_href(page, ids.vlan_id(group.cluster, group.vid)) if group.vid >= 0 else None
    colour = next((c for a in atts if (c := problems.colour(guest_gid(group.cluster, a)))), None)
    dot.node(
        key,
        id=key,
        label=f"{where}\n{count}\n{short(names, 34)}",
        URL=target or links.href(page, links.GUESTS),
        tooltip=tooltip(f"{count} on {where}:", *(f"{a.label}" for a in atts[:40]), _more(atts, 40)),
        shape="box3d",
        style="filled",
        fillcolor=FILL["guests"],
        color=colour,
    )
    dot.edge(
        group.bridge_gid,
        key,
        id=edge_id(ids.ATTACHED_TO, key, group.bridge_gid),
        URL=target or links.href(page, links.GUESTS),
        tooltip=f"{count} on {where}",
        minlen=str(minlen) if minlen > 1 else None,
    )
    return key


def _more(atts: Sequence[Attachment], limit: int) -> str | None:
    return f"... and {len(atts) - limit} more" if len(atts) > limit else None


def group_key(att: Attachment) -> tuple[str, int]:
    """Guests group by bridge and VLAN (-1: untagged or trunk)."""
    return (att.port_bridge or att.bridge or "", att.vlan if att.vlan is not None else -1)


def vlan_words(vid: int) -> str:
    return "untagged / trunk" if vid < 0 else f"VLAN {vid}"
