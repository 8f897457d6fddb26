"""The cluster overview: nodes, the switches LLDP sees, mesh links, corosync links, storage servers."""

from __future__ import annotations

from netdoc.model.netcluster import ClusterNet
from netdoc.render import links
from netdoc.render.diagrams.dot import Dot
from netdoc.render.siteinput import Diagram
from netdoc.topology import ids
from netdoc.topology.graph import Topology


def cluster_overview(topology: Topology, cluster: ClusterNet) -> Diagram:
    page = links.cluster_page(cluster.name)
    dot = Dot(f"cluster {cluster.name}", rankdir="TB", splines="true", nodesep="0.4")
    for host in cluster.hosts:
        nid = ids.node_id(cluster.name, host.name)
        dot.node(
            nid,
            label=f"{host.name}\n{len(host.sources.guests)} guest(s)",
            shape="box3d",
            style="filled",
            fillcolor="#e8eefc",
            URL=links.element_href(page, nid),
            tooltip=f"node {host.name}",
        )
    for switch in cluster.switches:
        sid = ids.switch_id(switch.name)
        dot.node(sid, label=switch.name, shape="component", style="filled", fillcolor="#f3f3f3")
        for link in switch.links:
            dot.edge(
                ids.node_id(cluster.name, link.node), sid, label=f"{link.nic} - {link.port}", color="#777777"
            )
    for lk in cluster.corosync_links:
        cid = ids.corosync_id(cluster.name, lk.number)
        prio = f" (priority {lk.priority})" if lk.priority is not None else ""
        dot.node(
            cid,
            label=f"corosync link{lk.number}{prio}",
            shape="ellipse",
            color="#2a7a2a",
            fontcolor="#2a7a2a",
            URL=links.element_href(page, cid),
        )
        for ring in lk.addresses:
            held = ring.iface is not None
            dot.edge(
                ids.node_id(cluster.name, ring.node),
                cid,
                label=f"{ring.iface or 'no interface'} {ring.ip or ring.address}",
                color="#2a7a2a" if held else "#c0392b",
                style="solid" if held else "dashed",
            )
    seen: set[tuple[str, str]] = set()
    for mesh in cluster.mesh_links:
        if mesh.peer is None or (mesh.peer, mesh.node) in seen:
            continue
        seen.add((mesh.node, mesh.peer))
        dot.edge(
            ids.node_id(cluster.name, mesh.node),
            ids.node_id(cluster.name, mesh.peer),
            label=f"mesh ({mesh.form})",
            color="#8e44ad",
            penwidth="2",
        )
    storages = sorted({p.storage for p in cluster.storage_paths})
    for storage in storages:
        sid = ids.storage_id(cluster.name, storage)
        hosts = sorted({p.host for p in cluster.storage_paths if p.storage == storage})
        dot.node(
            sid,
            label=f"{storage}\n{', '.join(hosts)}",
            shape="cylinder",
            style="filled",
            fillcolor="#fdf2e9",
            URL=links.element_href(page, sid),
        )
        for path in cluster.storage_paths:
            if path.storage == storage and path.egress is not None:
                dot.edge(ids.node_id(cluster.name, path.node), sid, label=path.egress.iface, color="#d35400")
    return Diagram(cluster.name, "cluster", f"Cluster {cluster.name}", page, dot.text())
