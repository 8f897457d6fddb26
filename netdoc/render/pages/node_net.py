"""The layer-3 and failure parts of a node page: addresses, routes, forwarding, NAT and port
forwards (configured in hooks beside loaded in iptables), LLDP neighbours, the impact table ("if
eno1 fails: ... loses connectivity, ... loses redundancy"), the single points of failure, and the
node's guests (linked to their rows in the guest index).
"""

from __future__ import annotations

from netdoc.model.addressing import parse_iface
from netdoc.model.nat import NatRule
from netdoc.model.net import HostNet
from netdoc.render import links
from netdoc.render.markdown import code, esc, table
from netdoc.render.pages.common import NONE, addr, heading, link, term, yes_no
from netdoc.render.pages.context import ClusterCtx
from netdoc.render.pages.guests import guest_label
from netdoc.topology import ids
from netdoc.topology.failure import Service, node_impacts, single_points_of_failure


def addresses_section(cc: ClusterCtx, page: str, host: HostNet) -> list[str]:
    rows = []
    for iface in host.ifaces:
        running = set(iface.addresses_runtime or ())
        lines = {a.cidr: a.source for a in (iface.config.addresses if iface.config else ())}
        for cidr in iface.all_addresses:
            parsed = parse_iface(cidr)
            configured = cidr in iface.addresses
            at_runtime = "?" if iface.addresses_runtime is None else yes_no(cidr in running)
            if configured and at_runtime == "no":
                at_runtime = "**no**"
            refs = [
                lines.get(cidr),
                iface.addr.source if iface.addr is not None and cidr in running else None,
            ]
            rows.append(
                [
                    addr(cidr),
                    cc.iface(page, host.name, iface.name, code(iface.name)),
                    "yes" if configured else "no (runtime only)",
                    at_runtime,
                    code(parsed.network) if parsed is not None else NONE,
                    cc.src.links(page, host.name, *refs) or NONE,
                ]
            )
    if not rows:
        return []
    return [
        heading(2, "Addresses", "addresses"),
        table(["Address", "Interface", "Configured", "Running", "Subnet", "Source"], rows),
    ]


def routes_section(cc: ClusterCtx, page: str, host: HostNet) -> list[str]:
    if not host.routes:
        return []
    rows = [
        [
            code(r.destination),
            code(r.gateway) if r.gateway else NONE,
            cc.iface(page, host.name, r.dev, code(r.dev)) if r.dev else NONE,
            esc(r.family),
            esc("gateway line" if r.origin == "gateway" else "hook (ip route add)"),
            "yes" if r.usable else "**no: the gateway is on no subnet of the interface**",
            esc(
                " ".join(x for x in (f"table {r.table}" if r.table else "", r.route_type or "") if x)
                or "main"
            ),
            cc.src.link(page, host.name, r.source),
        ]
        for r in host.routes
    ]
    return [
        heading(2, "Routes", "routes"),
        table(["Destination", "Gateway", "Device", "Family", "From", "Usable", "Table", "Source"], rows),
    ]


def _rule_row(cc: ClusterCtx, page: str, host: HostNet, rule: NatRule, loaded: str) -> list[str]:
    match = []
    for label, value in (("in", rule.in_interface), ("out", rule.out_interface)):
        if value:
            name = value.lstrip("!")
            neg = "not " if value.startswith("!") else ""
            match.append(f"{label} {neg}{cc.iface(page, host.name, name, code(name))}")
    for label, value in (
        ("proto", rule.protocol),
        ("from", rule.src),
        ("to", rule.dst),
        ("dport", rule.dport),
    ):
        if value:
            match.append(f"{label} {code(value)}")
    to = " ".join(code(x) for x in (rule.to_source, rule.to_address) if x)
    if rule.to_port:
        to += f" port {code(rule.to_port)}"
    what = term(page, "nat", esc(rule.kind))
    return [
        esc(rule.chain),
        what,
        "<br>".join(match) or NONE,
        to or NONE,
        esc(rule.comment or ""),
        loaded,
        cc.src.link(page, host.name, rule.source),
    ]


def _same(a: NatRule, b: NatRule) -> bool:
    keys = (
        "chain",
        "kind",
        "protocol",
        "src",
        "dst",
        "in_interface",
        "out_interface",
        "dport",
        "to_address",
        "to_port",
    )
    return all(getattr(a, k) == getattr(b, k) for k in keys)


def nat_section(cc: ClusterCtx, page: str, host: HostNet) -> list[str]:
    fwd = host.forwarding
    runtime = host.nat_rules_runtime
    if not host.nat_rules and not runtime and fwd.ipv4 is None and not host.forwarding_ifaces:
        return []
    out = [heading(2, "Forwarding, NAT and port forwards", "nat")]
    facts = [
        f"IPv4 forwarding {yes_no(fwd.ipv4, 'on', 'off')}",
        f"IPv6 forwarding {yes_no(fwd.ipv6, 'on', 'off')}",
    ]
    if host.forwarding_ifaces:
        facts.append("per interface: " + " ".join(code(i) for i in host.forwarding_ifaces))
    if fwd.proxy_arp:
        facts.append("proxy ARP on " + " ".join(code(i) for i in fwd.proxy_arp))
    out.append(
        " · ".join(facts) + ". The " + term(page, "nat", "routed setup") + ": rules from the interfaces "
        "hooks (configured) beside what `iptables-save -t nat` shows loaded.\n"
    )
    rows = []
    for rule in host.nat_rules:
        loaded = "?" if runtime is None else ("yes" if any(_same(rule, r) for r in runtime) else "**no**")
        rows.append(_rule_row(cc, page, host, rule, loaded))
    for rule in runtime or ():
        if not any(_same(rule, r) for r in host.nat_rules) and rule.kind != "other":
            rows.append(_rule_row(cc, page, host, rule, "loaded, not in the hooks"))
    if rows:
        out.append(table(["Chain", "Rule", "Matches", "Translates to", "Comment", "Loaded", "Source"], rows))
    else:
        out.append("No NAT rule.\n")
    return out


def lldp_section(cc: ClusterCtx, page: str, host: HostNet) -> list[str]:
    lldp = host.sources.lldp
    if lldp is None:
        return []
    out = [heading(2, "LLDP neighbours", "lldp")]
    if not lldp.neighbors:
        return [*out, "No neighbour: nothing announces itself on this node's ports.\n"]
    nodes = {h.name for h in cc.net.hosts}
    switches = {sw.name for sw in cc.net.switches}
    rows = []
    for n in lldp.neighbors:
        name = n.chassis_name or n.chassis_id or "?"
        short = name.split(".", 1)[0]  # lldpd on a node announces its FQDN
        if name in switches:
            who = cc.ctx.element(page, ids.switch_id(name), f"**{esc(name)}**")
        elif short in nodes:
            who = link(page, links.node_page(cc.name, short), esc(name)) + " (node)"
        else:
            who = f"**{esc(name)}**"
        rows.append(
            [
                cc.iface(page, host.name, n.local_port, code(n.local_port)),
                who,
                code(n.port_id) if n.port_id else NONE,
                esc(n.port_descr or NONE),
                esc(n.pvid if n.pvid is not None else NONE),
                esc(" ".join(str(v.vid) for v in n.vlans if v.vid is not None) or NONE),
                " ".join(code(a) for a in n.mgmt_addresses) or NONE,
                esc(n.mfs_bytes or NONE),
                esc(n.age or NONE),
                cc.src.link(page, host.name, n.source),
            ]
        )
    headers = [
        "Local port",
        "Neighbour",
        "Port",
        "Port description",
        "PVID",
        "VLANs",
        "Management",
        "Max frame",
        "Age",
        "Source",
    ]
    return [*out, "What each " + term(page, "lldp", "LLDP") + " neighbour announces.\n", table(headers, rows)]


def _service(cc: ClusterCtx, page: str, service: Service) -> str:
    text = esc(service.label)
    return cc.ctx.element(page, service.ids[0], text) if service.ids else text


def _failed(cc: ClusterCtx, page: str, host: HostNet, graph_id: str, label: str) -> str:
    if ids.kind_of_id(graph_id) == ids.IFACE:
        name = graph_id.split(":", 3)[3]
        return f"{esc(label.split(' ', 1)[0])} " + cc.iface(page, host.name, name, f"**{esc(name)}**")
    return cc.ctx.element(page, graph_id, f"**{esc(label)}**")


def impact_section(cc: ClusterCtx, page: str, host: HostNet) -> list[str]:
    impacts = node_impacts(cc.net, host.name)
    out = [heading(2, "If a NIC, bond or switch fails", "impact")]
    if not impacts:
        return [*out, "Nothing to fail: no NIC is known on this node.\n"]
    rows = [
        [
            _failed(cc, page, host, i.failed, i.label),
            "<br>".join(_service(cc, page, s) for s in i.lost) or NONE,
            "<br>".join(_service(cc, page, s) for s in i.degraded) or NONE,
        ]
        for i in impacts
    ]
    out.append(
        "What each single "
        + term(page, "failures", "failure")
        + " does: what loses connectivity (works now, "
        "stops), what loses redundancy (still works, but one more failure would stop it).\n"
    )
    return [*out, table(["If this fails", "Loses connectivity", "Loses redundancy"], rows)]


def spof_section(cc: ClusterCtx, page: str, host: HostNet) -> list[str]:
    points = single_points_of_failure(cc.net, host.name)
    out = [heading(2, "Single points of failure", "spof")]
    if not points:
        return [*out, "No service to evaluate on this node.\n"]
    rows = []
    for p in points:
        if not p.alive:
            verdict = "**down now**"
        elif p.single_points:
            verdict = "**single point of failure**"
        else:
            verdict = "redundant" + ("" if p.switches_known else " (switches unknown: no LLDP)")
        spof = " ".join(_failed(cc, page, host, s, cc_label(s)) for s in p.single_points) or NONE
        rows.append([_service(cc, page, p.service), esc(p.service.kind), verdict, spof])
    return [
        *out,
        "For each service of the node, the NICs and switches whose failure alone stops it "
        "(" + term(page, "failures", "single point of failure") + ").\n",
        table(["Service", "Kind", "Verdict", "Fails with"], rows),
    ]


def cc_label(graph_id: str) -> str:
    kind = ids.kind_of_id(graph_id)
    if kind == ids.SWITCH:
        return f"switch {graph_id.split(':', 1)[1]}"
    return f"NIC {graph_id.rsplit(':', 1)[-1]}"


def guests_section(cc: ClusterCtx, page: str, host: HostNet) -> list[str]:
    atts = sorted(
        (a for a in cc.net.attachments if a.node == host.name), key=lambda a: (a.vmid or 0, a.nic.index)
    )
    if not atts and not host.sources.guests:
        return []
    rows = []
    for a in atts:
        anchor = links.guest_anchor(cc.name, a.vmid, a.nic.key)
        bridge = (
            cc.iface(page, host.name, a.port_bridge, code(a.bridge or a.port_bridge))
            if a.port_bridge
            else esc(a.bridge or NONE)
        )
        rows.append(
            [
                link(page, links.GUESTS, esc(guest_label(a.guest)), anchor),
                esc(a.nic.key),
                bridge + (f" (VNet {code(a.vnet)})" if a.vnet else ""),
                cc.vlan(page, a.vlan) or NONE,
                "?"
                if a.host_port_present is None
                else ("plugged" if a.host_port_present else "**not plugged**"),
                cc.src.link(page, host.name, a.nic.source) or NONE,
            ]
        )
    return [
        heading(2, f"Guests ({len(host.sources.guests)})", "guests"),
        "Every guest NIC on this node (the "
        + link(page, links.GUESTS, "guest index")
        + " has their MACs and addresses).\n",
        table(["Guest", "NIC", "Bridge", "VLAN", "Host port", "Source"], rows) if rows else "No guest NIC.\n",
    ]
