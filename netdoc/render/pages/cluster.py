"""The cluster page, first half: overview diagram, nodes, bridges x nodes, VLAN x nodes, corosync,
mesh and cabling. Storage, Ceph, SDN, subnets and migration readiness are in cluster_services.py.

Section ids are fixed (links.element_page sends to them): `nodes`, `bridges`, `vlans`,
`corosync`, `mesh`, `cabling`, and those of cluster_services.py.
"""

from __future__ import annotations

from netdoc.audit.finding import Severity
from netdoc.model.net import HostNet, Iface
from netdoc.render import links
from netdoc.render.markdown import code, esc, table
from netdoc.render.pages import cluster_services
from netdoc.render.pages.common import (
    MATRIX_NODES,
    NONE,
    chunk_title,
    chunks,
    diagram_block,
    front_matter,
    heading,
    link,
    term,
    yes_no,
)
from netdoc.render.pages.context import ClusterCtx
from netdoc.render.pages.glossary import MESH_TERMS
from netdoc.render.pages.home import real_gaps
from netdoc.topology import ids
from netdoc.topology.vlans import VlanRow

SECTIONS = (
    ("nodes", "Nodes"),
    ("bridges", "Bridges"),
    ("vlans", "VLANs"),
    ("corosync", "Corosync"),
    ("mesh", "Mesh"),
    ("storage", "Storage"),
    ("ceph", "Ceph"),
    ("sdn", "SDN"),
    ("subnets", "Subnets"),
    ("cabling", "Cabling"),
    ("migration", "Migration"),
)


def _summary(cc: ClusterCtx, page: str) -> list[str]:
    src = cc.net.sources
    findings = [f for f in cc.site.audit.findings if f.cluster == cc.name]
    counts = ", ".join(
        f"{n} {s.value}"
        for s in sorted(Severity, key=lambda s: -s.rank)
        if (n := sum(1 for f in findings if f.severity is s))
    )
    when = (
        f"Collected at {esc(src.collected_at)}"
        + (f" by netdoc {esc(src.netdoc_version)}" if src.netdoc_version else "")
        if src.collected_at
        else "Collection time unknown (the snapshot has no manifest)"
    )
    gaps = real_gaps(list(src.gaps) + [g for n in src.nodes for g in n.gaps])
    out = [
        f"{when}. {len(cc.net.hosts)} node(s), {sum(len(h.sources.guests) for h in cc.net.hosts)} guest(s). "
        + link(page, links.findings_page(cc.name), f"Findings: {esc(counts or 'none')}")
        + " · "
        + link(page, links.sources_index(cc.name), "source files")
        + " · "
        + link(page, links.vlans_page(cc.name), "VLANs")
        + "\n"
    ]
    if gaps:
        out.append(
            f'!!! warning "Incomplete: {len(gaps)} source(s) not collected"\n'
            "    The pages show what could be read; see "
            + link(page, links.gaps_page(cc.name), "what is missing")
            + ".\n"
        )
    out.append("On this page: " + " · ".join(f"[{title}](#{anchor})" for anchor, title in SECTIONS) + "\n")
    return out


def _count(host: HostNet, *, physical: bool = False, bond: bool = False, bridge: bool = False) -> int:
    return sum(
        1
        for i in host.ifaces
        if (physical and i.is_physical) or (bond and i.is_bond) or (bridge and i.is_bridge)
    )


def _nodes(cc: ClusterCtx, page: str) -> list[str]:
    mgmt = {m.node: m for m in cc.net.management}
    rows = []
    for host in cc.net.hosts:
        m = mgmt.get(host.name)
        address = NONE
        if m is not None and m.address:
            held = (
                cc.iface(page, host.name, m.iface, code(m.iface)) if m.iface else "**no interface holds it**"
            )
            address = f"{code(m.address)} on {held}"
        findings = sum(1 for f in cc.site.audit.findings if f.cluster == cc.name and f.node == host.name)
        gaps = real_gaps(host.sources.gaps)
        rows.append(
            [
                link(page, links.node_page(cc.name, host.name), f"**{esc(host.name)}**"),
                yes_no(host.sources.online, "online", "**offline**"),
                address,
                str(_count(host, physical=True)),
                str(_count(host, bond=True)),
                str(_count(host, bridge=True)),
                str(len(host.sources.guests)),
                str(findings),
                f"{len(gaps)} gap(s)" if gaps else "complete",
            ]
        )
    headers = [
        "Node",
        "State",
        "Management address",
        "NICs",
        "Bonds",
        "Bridges",
        "Guests",
        "Findings",
        "Collection",
    ]
    return [heading(2, f"Nodes ({len(rows)})", "nodes"), table(headers, rows)]


def _uplinks(host: HostNet, bridge: Iface) -> tuple[str, ...]:
    members = bridge.lower_runtime if bridge.lower_runtime is not None else bridge.lower
    return tuple(
        m for m in members if (i := host.iface(m)) is not None and not i.kind.value.startswith("ovs_int")
    )


def _bridge_cell(cc: ClusterCtx, page: str, host: HostNet, name: str, guests: int) -> str:
    bridge = host.iface(name)
    if bridge is None:
        return f"**missing** ({guests} guest NIC(s) name it)" if guests else NONE
    kind = "OVS" if bridge.kind.value.startswith("ovs") else "Linux"
    facts = [cc.iface(page, host.name, name, kind)]
    uplinks = _uplinks(host, bridge)
    facts.append(" ".join(code(u) for u in uplinks) if uplinks else "no uplink")
    mtu = bridge.mtu or bridge.mtu_runtime
    if mtu:
        facts.append(f"MTU {mtu}")
    if bridge.config is not None and bridge.config.bridge_vlan_aware:
        facts.append(term(page, "vlan-aware-bridge", "VLAN-aware"))
    if guests:
        facts.append(f"{guests} guest NIC" + ("s" if guests > 1 else ""))
    return "<br>".join(facts)


def _bridges(cc: ClusterCtx, page: str) -> list[str]:
    names = sorted({i.name for h in cc.net.hosts for i in h.ifaces if i.is_bridge})
    guests: dict[tuple[str, str], int] = {}
    for att in cc.net.attachments:
        if att.node and att.bridge and att.bridge_kind != "vnet":
            guests[(att.bridge, att.node)] = guests.get((att.bridge, att.node), 0) + 1
    names += sorted({b for b, _ in guests if b not in names})
    out = [
        heading(2, "Bridges x nodes", "bridges"),
        "Every "
        + term(page, "linux-bridge", "Linux bridge")
        + " and "
        + term(page, "ovs-bridge", "OVS bridge")
        + " on every node: its uplinks (at run time when known), MTU and guests. A bridge missing on a node "
        "its guests could move to is a migration blocker.\n",
    ]
    if not names:
        return [*out, "No bridge.\n"]
    for n, hosts in enumerate(chunks(cc.net.hosts)):
        rows = [
            [f"**{esc(b)}**", *(_bridge_cell(cc, page, h, b, guests.get((b, h.name), 0)) for h in hosts)]
            for b in names
        ]
        out.append(chunk_title(hosts, len(cc.net.hosts), n * MATRIX_NODES))
        out.append(table(["Bridge", *(esc(h.name) for h in hosts)], rows))
    return out


def _vlan_cell(row: VlanRow, node: str) -> str:
    cell = row.cell(node)
    if cell is None or cell.empty:
        return NONE
    parts = [" ".join(code(b) for b in cell.bridges)] if cell.bridges else []
    if cell.ifaces:
        parts.append("own: " + " ".join(code(i) for i in cell.ifaces))
    if cell.guests:
        parts.append(f"{len(cell.guests)} guest NIC" + ("s" if len(cell.guests) > 1 else ""))
    return "<br>".join(parts)


def _vlans(cc: ClusterCtx, page: str) -> list[str]:
    out = [
        heading(2, "VLANs x nodes", "vlans"),
        "Which bridges carry each VLAN on each node, the node's own interfaces in it and how many guest NICs "
        "use it; each VLAN's page lists them ("
        + link(page, links.vlans_page(cc.name), "every VLAN")
        + ").\n",
    ]
    if not cc.matrix:
        return [*out, "No VLAN is in use.\n"]
    for n, hosts in enumerate(chunks(cc.net.hosts)):
        rows = []
        for row in cc.matrix:
            vnets = " ".join(code(v) for v in row.vnets)
            vlan = cc.vlan(page, row.vid, f"**{row.vid}**") + (f"<br>{vnets}" if vnets else "")
            rows.append([vlan, *(_vlan_cell(row, h.name) for h in hosts)])
        out.append(chunk_title(hosts, len(cc.net.hosts), n * MATRIX_NODES))
        out.append(table(["VLAN", *(esc(h.name) for h in hosts)], rows))
    return out


def _corosync(cc: ClusterCtx, page: str) -> list[str]:
    out = [heading(2, "Corosync", "corosync")]
    out += diagram_block(cc.site, cc.name, "corosync", page, own_ids=False)
    if not cc.net.corosync_links:
        out.append(
            "No corosync configuration in the snapshot (a single node, or corosync.conf not collected).\n"
        )
        return out
    rows = []
    for lk in cc.net.corosync_links:
        for n, ring in enumerate(lk.addresses):
            node = cc.ctx.page(page, links.node_page(cc.name, ring.node), esc(ring.node))
            held = (
                cc.iface(page, ring.node, ring.iface, code(ring.iface))
                if ring.iface
                else "**no interface holds it: the link does not come up here**"
            )
            resolved = code(ring.ip) if ring.ip else "**unresolved**"
            if ring.ip and ring.resolved_by and ring.resolved_by != "literal":
                resolved += f" ({esc(ring.resolved_by)})"
            first = f"**link{lk.number}**" if n == 0 else ""
            prio = esc(lk.priority if lk.priority is not None else "default") if n == 0 else ""
            rows.append(
                [
                    first,
                    prio,
                    node,
                    code(ring.address),
                    resolved,
                    held,
                    cc.src.link(page, ring.node, ring.source),
                ]
            )
    out.append(
        "Each "
        + term(page, "corosync-links", "corosync link")
        + " (kronosnet) and the interface of each node "
        "holding its ring address; the up link with the highest "
        + term(page, "corosync-link-priority", "priority")
        + " carries the traffic.\n"
    )
    headers = ["Link", "Priority", "Node", "Ring address", "Resolves to", "Interface", "Source"]
    out.append(table(headers, rows))
    return out


def _mesh(cc: ClusterCtx, page: str) -> list[str]:
    out = [heading(2, "Mesh links", "mesh")]
    if not cc.net.mesh_links:
        return [*out, "No mesh: the nodes meet through switches.\n"]
    rows = []
    for m in cc.net.mesh_links:
        form = term(page, MESH_TERMS.get(m.form, "mesh"), esc(m.form))
        peer = cc.ctx.page(page, links.node_page(cc.name, m.peer), esc(m.peer)) if m.peer else "? (no LLDP)"
        rows.append(
            [
                form,
                link(page, links.node_page(cc.name, m.node), esc(m.node)),
                cc.iface(page, m.node, m.iface, code(m.iface)),
                cc.iface(page, m.node, m.nic, code(m.nic)) if m.nic else "?",
                peer,
                cc.iface(page, m.peer, m.peer_nic, code(m.peer_nic)) if m.peer and m.peer_nic else "?",
                code(m.address) if m.address else NONE,
                code(m.peer_address) if m.peer_address else NONE,
                code(m.network) if m.network else NONE,
            ]
        )
    headers = ["Method", "Node", "Interface", "NIC", "Peer", "Peer NIC", "Address", "Peer address", "Network"]
    return [
        *out,
        "Direct cables between nodes (" + term(page, "mesh", "mesh methods") + '); a NIC is "?" when '
        "no LLDP tells which cable reaches which peer.\n",
        table(headers, rows),
    ]


def _cabling(cc: ClusterCtx, page: str) -> list[str]:
    out = [heading(2, "Cabling", "cabling")]
    out += diagram_block(cc.site, cc.name, "cabling", page, own_ids=False)
    rows = []
    for switch in cc.net.switches:
        sw = cc.ctx.element(page, ids.switch_id(switch.name), f"**{esc(switch.name)}**")
        for lk in switch.links:
            n = lk.neighbor
            vlans = " ".join(str(v.vid) for v in n.vlans if v.vid is not None)
            rows.append(
                [
                    sw,
                    code(lk.port)
                    + (f"<br>{esc(n.port_descr)}" if n.port_descr and n.port_descr != lk.port else ""),
                    link(page, links.node_page(cc.name, lk.node), esc(lk.node)),
                    cc.iface(page, lk.node, lk.nic, code(lk.nic)),
                    esc(n.pvid if n.pvid is not None else NONE),
                    esc(vlans or NONE),
                    esc(n.mfs_bytes or NONE),
                    cc.src.link(page, lk.node, n.source),
                ]
            )
    if not rows:
        return [
            *out,
            "No switch seen over " + term(page, "lldp", "LLDP") + " (lldpd not running, or not collected).\n",
        ]
    headers = ["Switch", "Port", "Node", "NIC", "PVID", "VLANs", "Max frame", "Source"]
    return [
        *out,
        "What " + term(page, "lldp", "LLDP") + " says each NIC is cabled to.\n",
        table(headers, rows),
    ]


def cluster_page(cc: ClusterCtx) -> str:
    page = links.cluster_page(cc.name)
    lines = [f"# Cluster {esc(cc.name)}\n", *_summary(cc, page)]
    lines += diagram_block(cc.site, cc.name, "cluster", page)
    lines += _nodes(cc, page)
    lines += _bridges(cc, page)
    lines += _vlans(cc, page)
    lines += _corosync(cc, page)
    lines += _mesh(cc, page)
    lines += cluster_services.storage_section(cc, page)
    lines += cluster_services.ceph_section(cc, page)
    lines += cluster_services.sdn_section(cc, page)
    lines += cluster_services.subnets_section(cc, page)
    lines += _cabling(cc, page)
    lines += cluster_services.migration_section(cc, page)
    return front_matter(f"Cluster {cc.name}", wide=True) + "\n".join(lines)


def nodes_index_page(cc: ClusterCtx) -> str:
    page = links.nodes_index(cc.name)
    lines = [f"# Nodes: {esc(cc.name)}\n", *_nodes(cc, page)[1:]]
    return front_matter(f"Nodes: {cc.name}", wide=True) + "\n".join(lines)
