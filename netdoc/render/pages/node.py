"""The node page: its diagram, every interface with its configured and runtime state side by side,
bonds with per-slave LACP state; then (node_ovs.py) Open vSwitch and (node_net.py) addresses,
routes, NAT, LLDP, the failure impact table and the single points of failure.

Every interface has a row with the id `iface-<name>` (links.iface_anchor): links and diagram
elements about an interface land on it. Every row links the lines it was read from.
"""

from __future__ import annotations

from collections.abc import Iterable

from netdoc.audit.checks.bondstate import BondState, SlaveState, bond_states
from netdoc.model.bonding import LacpPdu, lacp_state_flags
from netdoc.model.interfaces import InterfaceKind
from netdoc.model.names import natural_key
from netdoc.model.net import HostNet, Iface
from netdoc.render import links
from netdoc.render.markdown import code, esc, table
from netdoc.render.pages import node_net, node_ovs
from netdoc.render.pages.common import (
    NONE,
    addr,
    diagram_block,
    front_matter,
    heading,
    kind_cell,
    link,
    row_id,
    state_cell,
    term,
    yes_no,
)
from netdoc.render.pages.context import ClusterCtx
from netdoc.render.pages.glossary import bond_mode_term
from netdoc.render.pages.home import gap_rows, is_absent_tool, real_gaps

IFACE_HEADERS = [
    "Interface",
    "Kind",
    "Configured",
    "Runtime",
    "State",
    "Addresses",
    "Addresses (runtime)",
    "MTU",
    "MTU (runtime)",
    "Comment",
    "Source",
]


def _names(cc: ClusterCtx, page: str, host: HostNet, names: tuple[str, ...]) -> str:
    return " ".join(cc.iface(page, host.name, n, code(n)) for n in names)


def _vlan_text(iface: Iface) -> str:
    if iface.vlan_id is not None:
        return f"VLAN {iface.vlan_id}"
    return iface.config.vlan_label if iface.config is not None else ""


def _configured(cc: ClusterCtx, page: str, host: HostNet, iface: Iface) -> str:
    cfg = iface.config
    if cfg is None:
        return "not configured"
    parts = []
    if iface.lower:
        parts.append("ports " + _names(cc, page, host, iface.lower))
    if iface.uppers:
        parts.append("in " + _names(cc, page, host, iface.uppers))
    if iface.parent:
        parts.append("on " + _names(cc, page, host, (iface.parent,)))
    vlan = _vlan_text(iface)
    if vlan:
        parts.append(esc(vlan))
    if cfg.bond_mode:
        mode = bond_mode_term(cfg.bond_mode)
        parts.append(term(page, mode, esc(cfg.bond_mode)) if mode else esc(cfg.bond_mode))
    start = [w for w in ("auto" if cfg.autostart else "", cfg.method or "") if w]
    if start:
        parts.append(esc(" ".join(start)))
    if iface.pending is not None and iface.pending != cfg:
        parts.append(link(page, page, "**pending change**", "pending"))
    return "<br>".join(parts)


def _runtime(cc: ClusterCtx, page: str, host: HostNet, iface: Iface) -> str:
    parts = []
    if iface.lower_runtime is not None:
        differs = set(iface.lower_runtime) != set(iface.lower)
        members = _names(cc, page, host, iface.lower_runtime) or "no port"
        parts.append(("**ports** " if differs else "ports ") + members)
    if iface.upper_runtime is not None:
        differs = iface.upper_runtime not in iface.uppers
        parts.append(("**in** " if differs else "in ") + _names(cc, page, host, (iface.upper_runtime,)))
    if iface.ovs_interface is not None and iface.ovs_interface.error:
        parts.append(f"**OVS error**: {esc(iface.ovs_interface.error)}")
    if iface.link is not None and iface.link.kind:
        parts.append(esc(iface.link.kind))
    if not parts:
        return "?" if not host.has_runtime and iface.ovs_port is None else NONE
    return "<br>".join(parts)


def _addresses(iface: Iface) -> tuple[str, str]:
    running = set(iface.addresses_runtime or ())
    configured = []
    for cidr in iface.addresses:
        gone = iface.addresses_runtime is not None and cidr not in running
        configured.append(addr(cidr) + (" **not running**" if gone else ""))
    gateways = [g for g in ((iface.config.gateway, iface.config.gateway6) if iface.config else ()) if g]
    configured += [f"gw {addr(g)}" for g in gateways]
    if iface.addresses_runtime is None:
        runtime = "?"
    else:
        runtime = "<br>".join(
            addr(c) + ("" if c in iface.addresses else " (runtime only)") for c in iface.addresses_runtime
        )
    return "<br>".join(configured) or NONE, runtime or NONE


def _mtu(iface: Iface) -> tuple[str, str]:
    conf = esc(iface.mtu) if iface.mtu else NONE
    if iface.mtu_runtime is None:
        return conf, "?"
    run = esc(iface.mtu_runtime)
    return conf, f"**{run}**" if iface.mtu and iface.mtu != iface.mtu_runtime else run


def _sources(cc: ClusterCtx, page: str, host: HostNet, iface: Iface) -> str:
    refs = [
        getattr(obj, "source", None)
        for obj in (
            iface.config,
            iface.link,
            iface.addr,
            iface.bond,
            iface.ovs_port,
            iface.ovs_interface,
            iface.api,
        )
        if obj is not None
    ]
    return cc.src.links(page, host.name, *refs) or NONE


def _iface_row(cc: ClusterCtx, page: str, host: HostNet, iface: Iface) -> list[str]:
    addresses, runtime = _addresses(iface)
    mtu, mtu_run = _mtu(iface)
    comment = " ".join(c.text for c in iface.config.comments) if iface.config else ""
    return [
        row_id(links.iface_anchor(iface.name)) + f"**{esc(iface.name)}**",
        kind_cell(page, iface),
        _configured(cc, page, host, iface),
        _runtime(cc, page, host, iface),
        state_cell(iface),
        addresses,
        runtime,
        mtu,
        mtu_run,
        esc(comment) if comment else NONE,
        _sources(cc, page, host, iface),
    ]


def _interfaces(cc: ClusterCtx, page: str, host: HostNet) -> list[str]:
    out = [heading(2, "Interfaces", "interfaces")]
    if not host.ifaces:
        return [*out, "No network configuration or runtime state could be read for this node.\n"]
    out.append(
        "Each interface as the configuration declares it (/etc/network/interfaces, or the API) beside what "
        'the kernel and Open vSwitch report now; a difference is in bold. "?": no runtime source says.\n'
    )
    order = {k: n for n, k in enumerate(InterfaceKind)}
    ifaces = sorted(host.ifaces, key=lambda i: (order.get(i.kind, 99), natural_key(i.name)))
    out.append(table(IFACE_HEADERS, (_iface_row(cc, page, host, i) for i in ifaces)))
    return out


def _pdu_state(pdu: LacpPdu | None, number: int | None, flags: tuple[str, ...]) -> str:
    """An LACP port state as its number and the names of its bits."""
    if pdu is not None and pdu.port_state is not None:
        number, flags = pdu.port_state, pdu.port_state_flags or lacp_state_flags(pdu.port_state)
    if number is None and not flags:
        return NONE
    bad = {"defaulted", "expired"}
    names = " ".join(f"**{f}**" if f in bad else esc(f) for f in flags)
    return f"{number if number is not None else '?'}: {names}" if names else str(number)


def _slave_row(cc: ClusterCtx, page: str, host: HostNet, bond: BondState, slave: SlaveState) -> list[str]:
    iface = host.iface(slave.name)
    file = bond.iface.bond.slave(slave.name) if bond.iface.bond is not None else None
    ip = iface.link.bond_slave if iface is not None and iface.link is not None else None
    actor = _pdu_state(
        file.actor_lacp_pdu if file else None,
        ip.ad_actor_oper_port_state if ip else None,
        ip.ad_actor_oper_port_state_str if ip else (),
    )
    partner = _pdu_state(
        file.partner_lacp_pdu if file else None,
        ip.ad_partner_oper_port_state if ip else None,
        ip.ad_partner_oper_port_state_str if ip else (),
    )
    if bond.ovs:
        actor = f"LACP current: {yes_no(slave.lacp_current)}" if bond.lacp else NONE
        partner = NONE
    mii = esc(slave.mii or "?")
    churn = " / ".join(esc(c) for c in (slave.actor_churn, slave.partner_churn) if c)
    agg = esc(slave.aggregator) if slave.aggregator is not None else NONE
    if (
        slave.aggregator is not None
        and bond.active_aggregator is not None
        and slave.aggregator != bond.active_aggregator
    ):
        agg = f"**{agg}** (not the active {bond.active_aggregator})"
    return [
        cc.iface(page, host.name, bond.name, code(bond.name)),
        cc.iface(page, host.name, slave.name, f"**{esc(slave.name)}**"),
        mii if slave.mii in ("up", None) else f"**{mii}**",
        esc(f"{slave.speed_mbps} Mb/s") if slave.speed_mbps else "?",
        esc(slave.link_failures) if slave.link_failures is not None else "?",
        agg,
        actor,
        partner,
        churn or NONE,
        "<br>".join(cc.src.evidence(page, e) for e in slave.evidence) or NONE,
    ]


def _bond_row(cc: ClusterCtx, page: str, host: HostNet, bond: BondState) -> list[str]:
    def mode(text: str | None) -> str:
        anchor = bond_mode_term(text)
        return (term(page, anchor, esc(text)) if anchor else esc(text)) if text else "?"

    running = mode(bond.mode_runtime)
    if bond.mode and bond.mode_runtime and bond.mode != bond.mode_runtime:
        running = f"**{running}**"
    if bond.ovs:
        lacp = esc(bond.ovs_lacp or "?") + (" (fallback active-backup)" if bond.ovs_fallback_ab else "")
    else:
        lacp = esc(bond.lacp_rate or "") if bond.lacp else NONE
    partner = NONE
    if bond.lacp and not bond.ovs:
        if bond.no_partner:
            partner = "**none: LACP not negotiated**"
        elif bond.partner_mac:
            partner = code(bond.partner_mac)
        else:
            partner = "?"
    return [
        cc.iface(page, host.name, bond.name, f"**{esc(bond.name)}**"),
        "OVS" if bond.ovs else "Linux",
        mode(bond.mode),
        running,
        lacp,
        esc(bond.active_aggregator) if bond.active_aggregator is not None else NONE,
        partner,
        _names(cc, page, host, bond.configured_slaves) or NONE,
        cc.src.links(
            page,
            host.name,
            bond.iface.config.source if bond.iface.config else None,
            bond.iface.bond.source if bond.iface.bond else None,
        )
        or NONE,
    ]


def _bonds(cc: ClusterCtx, page: str, host: HostNet) -> list[str]:
    bonds = bond_states(host)
    out = [heading(2, "Bonds", "bonds")]
    if not bonds:
        return [*out, "No bond on this node.\n"]
    out.append(
        "Each " + term(page, "bond-modes", "bond") + " as configured and as it runs (/proc/net/bonding, "
        "`ip -d link`, Open vSwitch); " + term(page, "lacp", "LACP") + " partner and aggregator per bond.\n"
    )
    headers = [
        "Bond",
        "Kind",
        "Mode",
        "Mode (runtime)",
        "LACP",
        "Aggregator",
        "Partner",
        "Slaves configured",
        "Source",
    ]
    out.append(table(headers, (_bond_row(cc, page, host, b) for b in bonds)))
    rows = [_slave_row(cc, page, host, b, s) for b in bonds for s in b.slaves]
    if rows:
        state = term(page, "lacp-states", "LACP state")
        out.append("Slaves at run time:\n")
        headers = [
            "Bond",
            "Slave",
            "MII",
            "Speed",
            "Failures",
            "Aggregator",
            f"Actor {state}",
            f"Partner {state}",
            "Churn",
            "Source",
        ]
        out.append(table(headers, rows))
    return out


def _pending(cc: ClusterCtx, page: str, host: HostNet) -> list[str]:
    changed = [i for i in host.ifaces if i.pending is not None and i.pending != i.config]
    if not changed:
        return []
    rows = []
    for iface in changed:
        new = iface.pending
        assert new is not None
        old = iface.config
        rows.append(
            [
                cc.iface(page, host.name, iface.name, f"**{esc(iface.name)}**"),
                "new" if old is None else "changed",
                codes_of(old.members if old else ()) + " → " + codes_of(new.members),
                codes_of(a.cidr for a in old.addresses) if old else NONE,
                codes_of(a.cidr for a in new.addresses),
                esc(new.mtu or NONE),
                cc.src.link(page, host.name, new.source),
            ]
        )
    return [
        heading(2, "Pending changes", "pending"),
        "/etc/network/interfaces.new: what the next apply (`ifreload -a`, or Apply Configuration) changes.\n",
        table(
            [
                "Interface",
                "Change",
                "Ports (now → pending)",
                "Addresses now",
                "Addresses pending",
                "MTU pending",
                "Source",
            ],
            rows,
        ),
    ]


def codes_of(items: Iterable[str]) -> str:
    return " ".join(code(v) for v in items) or NONE


def _header(cc: ClusterCtx, page: str, host: HostNet) -> list[str]:
    mgmt = next((m for m in cc.net.management if m.node == host.name), None)
    facts = [yes_no(host.sources.online, "online", "**offline**")]
    if mgmt is not None and mgmt.address:
        facts.append(f"management {code(mgmt.address)}" + (f" on {code(mgmt.iface)}" if mgmt.iface else ""))
    facts.append(
        f"{sum(1 for i in host.ifaces if i.is_physical)} NIC(s), {len(host.sources.guests)} guest(s)"
    )
    findings = sum(1 for f in cc.site.audit.findings if f.cluster == cc.name and f.node == host.name)
    facts.append(link(page, links.findings_page(cc.name), f"{findings} finding(s)"))
    facts.append(link(page, links.cluster_page(cc.name), f"cluster {esc(cc.name)}"))
    out = [f"# Node {esc(host.name)}\n", " · ".join(facts) + "\n"]
    gaps = real_gaps(host.sources.gaps)
    if gaps:
        out.append(
            f'!!! warning "{len(gaps)} source(s) missing for this node"\n'
            "    What follows is what could be read; the missing sources are listed at the end of this "
            "page.\n"
        )
    return out


def _footer(cc: ClusterCtx, page: str, host: HostNet) -> list[str]:
    node = host.sources
    out = []
    if node.warnings:
        out.append(heading(2, "Parse warnings", "warnings"))
        rows = [[code(f"{w.path}:{w.line}" if w.line else w.path), esc(w.message)] for w in node.warnings]
        out.append(table(["Where", "Warning"], rows))
    gaps = real_gaps(node.gaps)
    if gaps:
        out.append(heading(2, "Missing sources", "missing"))
        out.append(table(["Node", "Artifact", "Status", "Message"], gap_rows(gaps)))
    absent = sorted({g.artifact.rsplit("/", 1)[-1] for g in node.gaps if is_absent_tool(g)})
    if absent:
        out.append(
            "Not available on this node (tool not installed): " + ", ".join(code(a) for a in absent) + "\n"
        )
    own = [a for a in cc.src.pages if a.startswith(f"nodes/{host.name}/") and "/etc/pve/" not in a]
    if own:
        out.append(heading(2, "Source files", "sources"))
        out.append(" · ".join(link(page, cc.src.pages[a], code(a.split("/", 2)[2])) for a in own) + "\n")
    return out


def node_page(cc: ClusterCtx, host: HostNet) -> str:
    page = links.node_page(cc.name, host.name)
    lines = _header(cc, page, host)
    lines += diagram_block(cc.site, cc.name, f"node-{links.slug(host.name)}", page)
    lines += _interfaces(cc, page, host)
    lines += _bonds(cc, page, host)
    lines += node_ovs.ovs_section(cc, page, host)
    lines += node_net.addresses_section(cc, page, host)
    lines += node_net.routes_section(cc, page, host)
    lines += node_net.nat_section(cc, page, host)
    lines += node_net.lldp_section(cc, page, host)
    lines += node_net.impact_section(cc, page, host)
    lines += node_net.spof_section(cc, page, host)
    lines += node_net.guests_section(cc, page, host)
    lines += _pending(cc, page, host)
    lines += _footer(cc, page, host)
    return front_matter(f"Node {host.name}", wide=True) + "\n".join(lines)
