"""The cluster page, second half: storage networks (how each node reaches each server), Ceph
networks, SDN zones, VNets and subnets, the subnets in use, and the migration readiness matrix.

Section ids: `storage` (a row `storage-<id>` per network storage), `ceph`, `sdn`, `subnets`,
`migration`.
"""

from __future__ import annotations

from netdoc.model.sdn import SdnConfig
from netdoc.render import links
from netdoc.render.markdown import code, esc, table
from netdoc.render.pages.common import NONE, diagram_block, heading, link, row_id, term
from netdoc.render.pages.context import ClusterCtx
from netdoc.topology import ids
from netdoc.topology.migration import migration_readiness

# Beyond this many guests, those ready everywhere are listed in one line, not as rows of "ok".
MATRIX_ALL_ROWS = 50


def _storages(cc: ClusterCtx, page: str) -> list[list[str]]:
    cfg = cc.net.sources.storage
    storages = [s for s in (cfg.storages if cfg else ()) if s.is_network]
    known = {s.id for s in storages}
    rows = []
    for s in storages:
        where = (
            s.server
            or s.portal
            or " ".join(s.monhost)
            or ("the cluster's monitors" if "rbd" in s.type or "ceph" in s.type else "")
        )
        target = s.export or s.share or s.target or s.pool or s.datastore or s.path or ""
        rows.append(
            [
                row_id(links.storage_anchor(s.id)) + f"**{esc(s.id)}**",
                esc(s.type),
                code(where) if where else NONE,
                code(target) if target else NONE,
                esc(", ".join(s.content) or NONE),
                esc(", ".join(s.nodes) or "every node"),
                "disabled" if s.disabled else "enabled",
                cc.src.link(page, None, s.source),
            ]
        )
    # storages the graph knows but the configuration does not list (an API-only snapshot) keep their anchor
    for node_id in sorted(cc.site.topology.nodes_of(ids.STORAGE)):
        data = cc.site.topology.graph.nodes[node_id]
        name = str(data.get("name") or node_id.rsplit(":", 1)[-1])
        if data.get("cluster") == cc.name and name not in known:
            known.add(name)
            rows.append(
                [
                    row_id(links.storage_anchor(name)) + f"**{esc(name)}**",
                    esc(data.get("storage_type", "?")),
                    *[NONE] * 6,
                ]
            )
    return rows


def storage_section(cc: ClusterCtx, page: str) -> list[str]:
    out = [heading(2, "Storage networks", "storage")]
    out += diagram_block(cc.site, cc.name, "storage", page, own_ids=False)
    rows = _storages(cc, page)
    if not rows:
        return [*out, "No network storage in storage.cfg.\n"]
    out.append(
        table(["Storage", "Type", "Server", "Export / target", "Content", "Nodes", "State", "Source"], rows)
    )
    paths = []
    for p in sorted(cc.net.storage_paths, key=lambda p: (p.storage, p.node, p.host)):
        e = p.egress
        if e is None:
            leaves, via, by = f"**{esc(p.reason or 'no interface or route reaches it')}**", NONE, NONE
        else:
            leaves = cc.iface(page, p.node, e.iface, code(e.iface))
            via = term(page, "storage-paths", esc(e.via))
            if e.via == "default":
                via = f"**{via}**"
            by = (
                " ".join(
                    x
                    for x in (
                        code(e.network) if e.network else "",
                        f"gw {code(e.gateway)}" if e.gateway else "",
                    )
                    if x
                )
                or NONE
            )
        paths.append(
            [
                link(page, page, esc(p.storage), links.storage_anchor(p.storage)),
                cc.ctx.page(page, links.node_page(cc.name, p.node), esc(p.node)),
                code(p.host),
                code(p.ip) if p.ip else f"**unresolved** {esc(p.reason)}",
                leaves,
                via,
                by,
            ]
        )
    if paths:
        out.append(
            "How each node reaches each endpoint (the interface its traffic leaves by, as the kernel "
            "decides):\n"
        )
        out.append(
            table(["Storage", "Node", "Endpoint", "Address", "Leaves by", "How", "Network / gateway"], paths)
        )
    return out


def ceph_section(cc: ClusterCtx, page: str) -> list[str]:
    out = [heading(2, "Ceph networks", "ceph")]
    if not cc.net.ceph_networks:
        return [*out, "No Ceph configuration (ceph.conf) in the snapshot.\n"]
    rows = [
        [
            esc(c.role),
            code(c.cidr),
            cc.ctx.page(page, links.node_page(cc.name, c.node), esc(c.node)),
            cc.iface(page, c.node, c.iface, code(c.iface)) if c.iface else "**no interface in it**",
            cc.src.link(page, None, c.source),
        ]
        for c in cc.net.ceph_networks
    ]
    return [*out, table(["Network", "CIDR", "Node", "Interface", "Source"], rows)]


def _zones(cc: ClusterCtx, page: str, sdn: SdnConfig) -> str:
    rows = []
    for z in sdn.zones:
        how = []
        if z.bridge:
            how.append(f"bridge {code(z.bridge)}")
        if z.tag is not None:
            how.append(f"service VLAN {z.tag}" + (f" ({esc(z.vlan_protocol)})" if z.vlan_protocol else ""))
        if z.peers:
            how.append("peers " + " ".join(code(p) for p in z.peers))
        if z.controller:
            how.append(f"controller {code(z.controller)}")
        rows.append(
            [
                f"**{esc(z.id)}**",
                esc(z.type),
                "<br>".join(how) or NONE,
                esc(z.mtu or NONE),
                esc(", ".join(z.nodes) or "every node"),
                esc(z.ipam or NONE),
                cc.src.link(page, None, z.source),
            ]
        )
    return table(["Zone", "Type", "Underlay", "MTU", "Nodes", "IPAM", "Source"], rows)


def _vnets(cc: ClusterCtx, page: str) -> str:
    rows = []
    for v in cc.net.vnets:
        wire = []
        if v.bridge:
            wire.append(f"on {code(v.bridge)}")
        if v.vlan is not None:
            wire.append("VLAN " + cc.vlan(page, v.vlan))
        if v.inner_vlan is not None:
            wire.append(f"customer VLAN {v.inner_vlan}")
        if v.vni is not None:
            wire.append(f"VNI {v.vni}")
        subnets = "<br>".join(code(c) + (f" gw {code(g)}" if g else "") for c, g in v.subnets)
        guests = sum(1 for a in cc.net.attachments if a.vnet == v.id)
        rows.append(
            [
                f"**{esc(v.id)}**",
                esc(v.zone or "?") + (f" ({esc(v.zone_type)})" if v.zone_type else ""),
                " ".join(wire) or NONE,
                subnets or NONE,
                esc(v.mtu or NONE),
                str(guests),
                cc.src.link(page, None, v.source),
            ]
        )
    return table(["VNet", "Zone", "On the wire", "Subnets", "MTU", "Guest NICs", "Source"], rows)


def _subnet_rows(cc: ClusterCtx, page: str, sdn: SdnConfig) -> str:
    rows = []
    for s in sdn.subnets:
        ranges = " ".join(f"{code(r.start)}-{code(r.end)}" for r in s.dhcp_ranges if r.start and r.end)
        rows.append(
            [
                code(s.cidr or s.id),
                esc(s.vnet or "?"),
                code(s.gateway) if s.gateway else NONE,
                "yes" if s.snat else "no",
                ranges or NONE,
                cc.src.link(page, None, s.source),
            ]
        )
    return table(["Subnet", "VNet", "Gateway", "SNAT", "DHCP ranges", "Source"], rows)


def sdn_section(cc: ClusterCtx, page: str) -> list[str]:
    out = [heading(2, "SDN", "sdn")]
    sdn = cc.net.sources.sdn
    if sdn is None and not cc.net.vnets:
        return [*out, "No " + term(page, "sdn", "SDN") + " configuration in the snapshot.\n"]
    out.append(term(page, "sdn", "SDN") + " zones, VNets (the bridges guests attach to) and their subnets.\n")
    running = cc.net.sources.sdn_running
    if sdn is not None and running is not None:
        pending = {v.id for v in sdn.vnets} ^ {v.id for v in running.vnets}
        pending |= {z.id for z in sdn.zones} ^ {z.id for z in running.zones}
        if pending:
            out.append(
                "**Not applied yet**: "
                + ", ".join(code(p) for p in sorted(pending))
                + " differ between the configuration and `.running-config` (SDN apply pending).\n"
            )
    if sdn is not None and sdn.zones:
        out += [heading(3, "Zones", "sdn-zones"), _zones(cc, page, sdn)]
    if cc.net.vnets:
        out += [heading(3, "VNets", "sdn-vnets"), _vnets(cc, page)]
    if sdn is not None and sdn.subnets:
        out += [heading(3, "Subnets", "sdn-subnets"), _subnet_rows(cc, page, sdn)]
    return out


def subnets_section(cc: ClusterCtx, page: str) -> list[str]:
    """Every IP subnet the graph knows in this cluster, and who has an address in it."""
    topo = cc.site.topology
    holders: dict[str, tuple[list[str], int]] = {}
    for source, target, _ in topo.edges_of(ids.ADDRESSED_IN):
        data = topo.graph.nodes[target]
        if data.get("cluster") != cc.name:
            continue
        ifaces, guests = holders.get(target, ([], 0))
        if ids.kind_of_id(source) == ids.IFACE:
            _, _, node, name = source.split(":", 3)
            ifaces.append(cc.iface(page, node, name, code(f"{node}/{name}")))
        else:
            guests += 1
        holders[target] = (ifaces, guests)
    out = [heading(2, "Subnets", "subnets")]
    if not holders:
        return [*out, "No address known.\n"]
    rows = []
    for subnet in sorted(holders, key=lambda s: str(topo.graph.nodes[s].get("cidr", s))):
        ifaces, guests = holders[subnet]
        cidr = str(topo.graph.nodes[subnet].get("cidr") or subnet.split(":", 2)[-1])
        rows.append([code(cidr), " ".join(ifaces) or NONE, str(guests)])
    return [*out, table(["Subnet", "Node interfaces in it", "Guest NICs in it"], rows)]


def migration_section(cc: ClusterCtx, page: str) -> list[str]:
    out = [heading(2, "Migration readiness", "migration")]
    moves = migration_readiness(cc.net)
    if not moves or len(cc.net.hosts) < 2:
        return [*out, "Nothing to migrate (fewer than two nodes, or no guest with a network card).\n"]
    nodes = [h.name for h in cc.net.hosts]
    first_nic: dict[tuple[int | None, str | None], str] = {}
    for att in sorted(cc.net.attachments, key=lambda a: a.nic.index):
        first_nic.setdefault((att.vmid, att.node), att.nic.key)
    rows = []
    everywhere = []
    collapse = len(moves) > MATRIX_ALL_ROWS
    for move in moves:
        anchor = links.guest_anchor(cc.name, move.vmid, first_nic.get((move.vmid, move.node), "net0"))
        guest = cc.ctx.page(page, links.GUESTS, esc(move.label), anchor)
        reasons = [
            f"{esc(t.node)}: " + "; ".join(esc(r) for r in t.reasons) for t in move.targets if not t.ready
        ]
        if collapse and not reasons:
            everywhere.append(guest)
            continue
        targets = {t.node: t for t in move.targets}
        cells = []
        for node in nodes:
            if node == move.node:
                cells.append("here")
            elif node in targets:
                cells.append("ok" if targets[node].ready else "**no**")
            else:
                cells.append(NONE)
        rows.append([guest, *cells, "<br>".join(reasons) or NONE])
    blocked = sum(1 for m in moves if not all(t.ready for t in m.targets))
    out.append(
        f"Where each guest could run with all its networks (bridge or VNet there, VLAN allowed, MTU not "
        f"smaller, node online, HA rules): {blocked} of {len(moves)} guest(s) cannot go everywhere. "
        '"here": where it runs; "no": the reasons follow.\n'
    )
    if rows:
        out.append(table(["Guest", *(esc(n) for n in nodes), "Why not"], rows))
    if everywhere:
        out.append(f"Ready on every other node ({len(everywhere)}): " + ", ".join(everywhere) + "\n")
    return out
