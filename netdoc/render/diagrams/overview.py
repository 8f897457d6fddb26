"""The cluster overview, left to right: switches -> the nodes -> shared bridges, corosync, storage -> VLANs.

The nodes stand in one column inside a frame for the cluster (a 16-node cluster grows down, not
across). What every node has in common is one line from the frame: a bridge all nodes have, a
corosync link every node's ring address is held on, a storage every node reaches, a switch every
node is cabled to. The exceptions get a line per node, so they are what catches the eye: a bridge
on some nodes only (orange, with the nodes it misses), a ring address no interface holds (red,
dashed), a storage a node cannot reach (red, dashed). Mesh links join the nodes directly. Which
interface carries what is in the tooltips, and drawn for any size by the corosync, storage and
cabling diagrams. SDN's own bridges (VNets, interfaces.d/sdn) are left to the SDN tables, and the VLAN
bridges Proxmox makes at run time (vmbr0v100) to the node diagrams.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from netdoc.model.names import natural_key
from netdoc.model.net import Iface, lower_path
from netdoc.model.netcluster import ClusterNet
from netdoc.render import links
from netdoc.render.diagrams import common as c
from netdoc.render.diagrams.dot import Dot
from netdoc.render.diagrams.interfaces import kind_name, proxmox_vlan_bridges
from netdoc.render.diagrams.problems import Problems
from netdoc.render.siteinput import Diagram
from netdoc.topology import ids
from netdoc.topology.graph import Topology
from netdoc.topology.vlans import vlan_matrix

# Beyond this many VLANs in use, they are one box linking to the VLAN index (ids stay in the labels).
VLAN_NODES_MAX = 16


def _by_node(item: tuple[str, object]) -> tuple[tuple[str | int, ...], str]:
    return natural_key(item[0])


def vid_ranges(vids: Sequence[int]) -> str:
    """10, 20, 100-139: consecutive ids as ranges."""
    runs: list[list[int]] = []
    for vid in sorted(set(vids)):
        if runs and runs[-1][1] == vid - 1:
            runs[-1][1] = vid
        else:
            runs.append([vid, vid])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _sdn_bridge(cluster: ClusterNet, iface: Iface) -> bool:
    """A bridge SDN made (a VNet's, a zone's internals in interfaces.d/sdn)."""
    if cluster.vnet(iface.name) is not None:
        return True
    src = iface.config.source if iface.config is not None else None
    return src is not None and src.path.rstrip("/").endswith("interfaces.d/sdn")


@dataclass
class _Frame:
    """The cluster's frame: where a line "from every node" starts."""

    key: str  # the graphviz cluster name (for ltail)
    anchor: str  # the node in the middle of the column the line is drawn from
    nodes: tuple[str, ...]  # node names
    gid: str

    def all_of(self, names: set[str]) -> bool:
        return bool(self.nodes) and names >= set(self.nodes)


def _nodes(dot: Dot, page: str, cluster: ClusterNet, problems: Problems) -> _Frame:
    mgmt = {m.node: m for m in cluster.management}
    cid = ids.cluster_id(cluster.name)
    key = f"nodes:{cluster.name}"
    dot.open_cluster(
        key,
        id=cid,
        label=f"cluster {cluster.name} · {len(cluster.hosts)} node{'s' if len(cluster.hosts) != 1 else ''}",
        URL=c.element_href(page, cid),
        tooltip=f"cluster {cluster.name}",
        style="rounded,filled",
        fillcolor="#f6f8fb",
        color="#9fb0c4",
        fontsize="11",
    )
    names = []
    for host in cluster.hosts:
        nid = ids.node_id(cluster.name, host.name)
        m = mgmt.get(host.name)
        guests = len(host.sources.guests)
        offline = host.sources.online is False
        lines = [
            host.name,
            m.address if m and m.address else None,
            f"{guests} guest{'s' if guests != 1 else ''}",
        ]
        if offline:
            lines.append("⚠ offline")
        colour = c.RED if offline else problems.colour(nid)
        dot.node(
            nid,
            id=nid,
            label="\n".join(x for x in lines if x),
            URL=c.element_href(page, nid),
            tooltip=c.tooltip(
                f"node {host.name}",
                f"management {m.address} on {m.iface or 'no interface'}" if m and m.address else None,
                "offline" if offline else None,
                *problems.notes(nid),
            ),
            shape="box3d",
            style="filled",
            fillcolor=c.FILL["node"],
            color=colour,
            fontcolor=c.RED if offline else None,
            penwidth="2" if colour else None,
            fontsize="11",
        )
        names.append(nid)
    if names:
        dot.same_rank(names)
    for a, b in itertools.pairwise(names):
        dot.edge(b, a, style="invis")  # keeps the nodes in name order, top to bottom (LR flips it)
    dot.close_cluster()
    anchor = names[(len(names) - 1) // 2] if names else cid
    return _Frame(f"cluster_{key}", anchor, tuple(h.name for h in cluster.hosts), cid)


def _from_all(dot: Dot, frame: _Frame, target: str, *, head: bool = True, **values: object | None) -> None:
    """One line from the cluster's frame (every node) to a shared thing (or from it, head=False)."""
    if head:
        dot.edge(frame.anchor, target, ltail=frame.key, **values)
    else:
        dot.edge(target, frame.anchor, lhead=frame.key, **values)


def _switches(dot: Dot, page: str, cluster: ClusterNet, frame: _Frame) -> bool:
    for switch in cluster.switches:
        sid = ids.switch_id(switch.name)
        dot.node(
            sid,
            id=sid,
            label="\n".join(x for x in (switch.name, c.short(switch.descr or "", 30) or None) if x),
            URL=c.element_href(page, sid),
            tooltip=c.tooltip(
                f"switch {switch.name} (LLDP)",
                switch.descr,
                ("management " + ", ".join(switch.mgmt_addresses)) if switch.mgmt_addresses else None,
            ),
            shape="component",
            style="filled",
            fillcolor=c.FILL["switch"],
        )
        per_node: dict[str, list[str]] = {}
        for link in switch.links:
            per_node.setdefault(link.node, []).append(f"{link.nic} - {link.port}")
        cables = [f"{node}: " + ", ".join(v) for node, v in sorted(per_node.items(), key=_by_node)]
        if frame.all_of(set(per_node)):
            nics = sorted({x.split(" - ")[0] for v in per_node.values() for x in v}, key=natural_key)
            _from_all(
                dot,
                frame,
                sid,
                head=False,
                id=c.edge_id(ids.LLDP_NEIGHBOR, frame.gid, sid),
                label=c.short("every node: " + ", ".join(nics), 30),
                URL=c.element_href(page, sid),
                tooltip=c.tooltip(f"cabled to {switch.name}:", *cables),
                color=c.BLUE,
            )
            continue
        for node, texts in sorted(per_node.items(), key=_by_node):
            nid = ids.node_id(cluster.name, node)
            dot.edge(
                sid,
                nid,
                id=c.edge_id(ids.LLDP_NEIGHBOR, nid, sid),
                label=c.short(", ".join(x.split(" - ")[0] for x in texts), 24),
                URL=c.element_href(page, sid),
                tooltip=c.tooltip(f"{node} to {switch.name}:", *texts),
                color=c.BLUE,
            )
    return bool(cluster.switches)


def _group(dot: Dot, cluster: str, key: str, label: str, tip: str) -> None:
    """A labelled box around one kind of thing (bridges, corosync links, storage) in the right column."""
    dot.open_cluster(
        f"{key}:{cluster}",
        id=f"group:{cluster}:{key}",
        label=label,
        tooltip=tip,
        style="rounded",
        color="#c8d0d8",
        fontcolor="#5a6877",
        fontsize="10",
    )


def _bridges(
    dot: Dot, page: str, cluster: ClusterNet, frame: _Frame
) -> tuple[dict[str, str], dict[str, set[int]]]:
    """Shared bridge boxes; returns bridge name -> box id, and bridge name -> VLANs it carries."""
    carried: dict[str, set[int]] = {}
    for row in vlan_matrix(cluster):
        for cell in row.cells:
            for bridge in cell.bridges:
                carried.setdefault(bridge, set()).add(row.vid)
    having: dict[str, list[tuple[str, Iface]]] = {}
    for host in cluster.hosts:
        made = {b.name for items in proxmox_vlan_bridges(host).values() for _, b, _ in items}
        for iface in host.ifaces:
            if iface.is_bridge and not _sdn_bridge(cluster, iface) and iface.name not in made:
                having.setdefault(iface.name, []).append((host.name, iface))
    if not having:
        return {}, carried
    boxes: dict[str, str] = {}
    total = len(cluster.hosts)
    _group(dot, cluster.name, "bridges", "bridges", "the bridges of the nodes, by name")
    for name, where in sorted(having.items()):
        bid = f"bridge:{cluster.name}:{name}"
        kinds = sorted({kind_name(i) for _, i in where})
        vlans = vid_ranges(sorted(carried.get(name, ())))
        missing = [n for n in frame.nodes if n not in {w for w, _ in where}]
        lines = [name, " / ".join(kinds)]
        if missing:
            lines.append(c.short(f"⚠ not on {', '.join(missing)}", 34))
        if vlans:
            lines.append(c.short(f"VLANs {vlans}", 34))
        dot.node(
            bid,
            id=bid,
            label="\n".join(lines),
            URL=links.href(page, links.cluster_page(cluster.name), "bridges"),
            tooltip=c.tooltip(
                f"bridge {name} on {len(where)} of {total} nodes: " + ", ".join(n for n, _ in where),
                f"missing on {', '.join(missing)}" if missing else None,
                f"VLANs in use: {vlans}" if vlans else None,
            ),
            fillcolor=c.FILL["ovs_bridge" if "OVS bridge" in kinds else "bridge"],
            color=c.ORANGE if missing else None,
            penwidth="2" if missing else None,
        )
        boxes[name] = bid
    dot.close_cluster()
    # lines after the group: an edge written inside a cluster pulls its other end into it
    for name, where in sorted(having.items()):
        bid = boxes[name]
        texts = []
        for node, iface in where:
            on = cluster.host(node)
            nics = lower_path(on, iface).nics if on is not None else ()
            texts.append(f"{node}: {kind_name(iface)}, uplinks {', '.join(nics) or 'none'}")
        if frame.all_of({n for n, _ in where}):
            _from_all(
                dot,
                frame,
                bid,
                id=c.edge_id("bridge", frame.gid, bid),
                color="#5c8a5c",
                URL=links.href(page, links.cluster_page(cluster.name), "bridges"),
                tooltip=c.tooltip(f"{name} on every node:", *texts),
            )
            continue
        for (node, _), text in zip(where, texts, strict=True):
            nid = ids.node_id(cluster.name, node)
            dot.edge(
                nid,
                bid,
                id=c.edge_id("bridge", nid, bid),
                color="#5c8a5c",
                tooltip=text,
                URL=c.element_href(page, ids.iface_id(cluster.name, node, name)),
            )
    return boxes, carried


def _vlans(
    dot: Dot, page: str, cluster: ClusterNet, boxes: dict[str, str], carried: dict[str, set[int]]
) -> None:
    vids = sorted({v for name in boxes for v in carried.get(name, ())})
    if not vids:
        return
    index = links.href(page, links.vlans_page(cluster.name))
    if len(vids) > VLAN_NODES_MAX:
        box = f"vlans:{cluster.name}"
        dot.node(
            box,
            id=box,
            label=f"{len(vids)} VLANs in use\n{c.short(vid_ranges(vids), 34)}",
            URL=index,
            tooltip=f"VLANs in use: {vid_ranges(vids)}",
            fillcolor=c.FILL["vlan"],
            shape="box3d",
            style="filled",
        )
        for name, bid in sorted(boxes.items()):
            if carried.get(name):
                dot.edge(
                    bid,
                    box,
                    id=c.edge_id(ids.CARRIES, bid, box),
                    URL=index,
                    color="#9b7fb8",
                    tooltip=f"{name} carries VLANs {vid_ranges(sorted(carried[name]))}",
                )
        return
    for vid in vids:
        gid = ids.vlan_id(cluster.name, vid)
        users = ", ".join(n for n in sorted(boxes) if vid in carried.get(n, ()))
        dot.node(
            gid,
            id=gid,
            label=f"VLAN {vid}",
            URL=c.element_href(page, gid),
            tooltip=f"VLAN {vid} on {users}",
            fillcolor=c.FILL["vlan"],
            style="filled",
            height="0.25",
        )
    for name, bid in sorted(boxes.items()):
        for vid in sorted(carried.get(name, ())):
            gid = ids.vlan_id(cluster.name, vid)
            dot.edge(
                bid,
                gid,
                id=c.edge_id(ids.CARRIES, bid, gid),
                URL=c.element_href(page, gid),
                tooltip=f"{name} carries VLAN {vid}",
                color="#9b7fb8",
            )


def _corosync(dot: Dot, page: str, cluster: ClusterNet, frame: _Frame, problems: Problems) -> None:
    if not cluster.corosync_links:
        return
    _group(
        dot,
        cluster.name,
        "corosync",
        "corosync",
        "the corosync (kronosnet) links: higher priority is preferred",
    )
    for link in cluster.corosync_links:
        cid = ids.corosync_id(cluster.name, link.number)
        prio = f"priority {link.priority}" if link.priority is not None else "no priority set"
        colour = problems.colour(cid)
        dot.node(
            cid,
            id=cid,
            label=f"link{link.number}\n{prio}",
            URL=c.element_href(page, cid),
            tooltip=c.tooltip(f"corosync (kronosnet) link{link.number}, {prio}", *problems.notes(cid)),
            shape="ellipse",
            style="filled",
            fillcolor=c.FILL["corosync"],
            color=colour or c.GREEN,
            penwidth="2" if colour else None,
        )
    dot.close_cluster()
    for link in cluster.corosync_links:
        cid = ids.corosync_id(cluster.name, link.number)
        texts = [
            f"{r.node}: {r.address} " + (f"on {r.iface}" if r.iface else "held by no interface")
            for r in link.addresses
        ]
        held = {r.node for r in link.addresses if r.iface is not None}
        if frame.all_of(held):
            _from_all(
                dot,
                frame,
                cid,
                id=c.edge_id(ids.COROSYNC_LINK, frame.gid, cid),
                color=c.GREEN,
                penwidth="1.4",
                URL=c.element_href(page, cid),
                tooltip=c.tooltip(f"link{link.number} on every node:", *texts),
            )
            continue
        for ring, text in zip(link.addresses, texts, strict=True):
            nid = ids.node_id(cluster.name, ring.node)
            ok = ring.iface is not None
            dot.edge(
                nid,
                cid,
                id=c.edge_id(ids.COROSYNC_LINK, nid, cid),
                label=None if ok else f"no interface holds {ring.ip or ring.address}",
                URL=c.element_href(page, cid),
                tooltip=f"link{link.number}: {text}",
                color=c.GREEN if ok else c.RED,
                fontcolor=None if ok else c.RED,
                style="solid" if ok else "dashed",
                penwidth="1.2" if ok else "2",
            )


def _storage(dot: Dot, page: str, cluster: ClusterNet, frame: _Frame, problems: Problems) -> None:
    storages = sorted({p.storage for p in cluster.storage_paths})
    if not storages:
        return
    _group(dot, cluster.name, "storage", "storage", "the network storages of storage.cfg")
    for storage in storages:
        sid = ids.storage_id(cluster.name, storage)
        paths = [p for p in cluster.storage_paths if p.storage == storage]
        hosts = sorted({p.host for p in paths})
        colour = problems.colour(sid)
        dot.node(
            sid,
            id=sid,
            label=f"{storage} ({paths[0].type})\n{c.short(', '.join(hosts), 30)}",
            URL=c.element_href(page, sid),
            tooltip=c.tooltip(
                f"storage {storage} ({paths[0].type}) at {', '.join(hosts)}", *problems.notes(sid)
            ),
            shape="cylinder",
            style="filled",
            fillcolor=c.FILL["storage"],
            color=colour,
            penwidth="2" if colour else None,
        )
    dot.close_cluster()
    for storage in storages:
        sid = ids.storage_id(cluster.name, storage)
        texts: dict[str, list[str]] = {}
        broken: set[str] = set()
        for p in cluster.storage_paths:
            if p.storage != storage:
                continue
            if p.egress is None:
                broken.add(p.node)
                texts.setdefault(p.node, []).append(f"{p.host}: not reached ({p.reason or 'no route'})")
            else:
                gw = f" via {p.egress.gateway}" if p.egress.gateway else ""
                texts.setdefault(p.node, []).append(f"{p.host} by {p.egress.iface} ({p.egress.via}{gw})")
        lines = [f"{n}: " + "; ".join(t) for n, t in sorted(texts.items(), key=_by_node)]
        if not broken and frame.all_of(set(texts)):
            _from_all(
                dot,
                frame,
                sid,
                id=c.edge_id(ids.REACHES_STORAGE, frame.gid, sid),
                color=c.ORANGE,
                URL=c.element_href(page, sid),
                tooltip=c.tooltip(f"{storage} from every node:", *lines),
            )
            continue
        for node, line in zip(sorted(texts, key=natural_key), lines, strict=True):
            nid = ids.node_id(cluster.name, node)
            bad = node in broken
            dot.edge(
                nid,
                sid,
                id=c.edge_id(ids.REACHES_STORAGE, nid, sid),
                label="not reached" if bad else None,
                URL=c.element_href(page, sid),
                tooltip=line,
                color=c.RED if bad else c.ORANGE,
                style="dashed" if bad else "solid",
                fontcolor=c.RED if bad else None,
            )


def _mesh(dot: Dot, page: str, cluster: ClusterNet) -> bool:
    seen: set[frozenset[str]] = set()
    for mesh in cluster.mesh_links:
        if mesh.peer is None or frozenset((mesh.node, mesh.peer)) in seen:
            continue
        seen.add(frozenset((mesh.node, mesh.peer)))
        a = ids.node_id(cluster.name, mesh.node)
        b = ids.node_id(cluster.name, mesh.peer)
        dot.edge(
            a,
            b,
            id=c.edge_id(ids.MESH_LINK, a, b),
            label=mesh.form,
            URL=c.element_href(page, ids.iface_id(cluster.name, mesh.node, mesh.nic or mesh.iface)),
            tooltip=f"mesh link {mesh.node} {mesh.nic or mesh.iface} - {mesh.peer} "
            f"{mesh.peer_nic or mesh.peer_iface or ''} ({mesh.form}, {mesh.network or ''})",
            color=c.PURPLE,
            fontcolor=c.PURPLE,
            penwidth="2",
            constraint="false",
        )
    return bool(seen)


def cluster_overview(topology: Topology, cluster: ClusterNet, problems: Problems | None = None) -> Diagram:
    problems = problems or Problems()
    page = links.cluster_page(cluster.name)
    dot = c.new_dot(
        f"cluster {cluster.name}", id=f"diagram:{cluster.name}:cluster", ranksep="0.6", nodesep="0.25"
    )
    frame = _nodes(dot, page, cluster, problems)
    switches = _switches(dot, page, cluster, frame)
    boxes, carried = _bridges(dot, page, cluster, frame)
    _vlans(dot, page, cluster, boxes, carried)
    _corosync(dot, page, cluster, frame, problems)
    _storage(dot, page, cluster, frame, problems)
    mesh = _mesh(dot, page, cluster)
    rows = [c.LEGEND_NODE, c.LEGEND_BRIDGE]
    if any("OVS bridge" in line for line in dot.lines):
        rows.append(c.LEGEND_OVS)
    if boxes:
        rows.append(("fill", c.FILL["vlan"], "VLAN in use (guests, interfaces)"))
    if switches:
        rows += [("fill", c.FILL["switch"], "switch (LLDP)"), c.LEGEND_LLDP]
    if cluster.corosync_links:
        rows.append(c.LEGEND_COROSYNC)
    if any(r.iface is None for lk in cluster.corosync_links for r in lk.addresses):
        rows.append(("dashed", c.RED, "ring address held by no interface"))
    if cluster.storage_paths:
        rows.append(c.LEGEND_STORAGE)
    if any(p.egress is None for p in cluster.storage_paths):
        rows.append(("dashed", c.RED, "storage not reached"))
    if mesh:
        rows.append(c.LEGEND_MESH)
    rows += [("line", "#5c8a5c", "one line from the frame: every node"), c.LEGEND_RED, c.LEGEND_ORANGE]
    c.legend(dot, rows)
    return Diagram(cluster.name, "cluster", f"Cluster {cluster.name}", page, dot.text())
