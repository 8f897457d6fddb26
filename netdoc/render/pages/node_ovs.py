"""The Open vSwitch part of a node page: bridges, ports (their kind, tag, trunks, interfaces and
errors), sFlow probes, NetFlow exporters and port mirrors, as ovs-vsctl reports them.
"""

from __future__ import annotations

from netdoc.model.net import HostNet
from netdoc.model.ovs import OvsBridge, OvsMirror, OvsPort, OvsPortRef, OvsTopology
from netdoc.render.markdown import code, esc, table
from netdoc.render.pages.common import NONE, heading, term, yes_no
from netdoc.render.pages.context import ClusterCtx
from netdoc.render.pages.glossary import OVS_PORT_TERMS, bond_mode_term, ovs_port_kind


def _port_kind(port: OvsPort) -> str:
    first = port.interfaces[0].type if port.interfaces else None
    return ovs_port_kind(
        first, bond=port.bond or len(port.interfaces) > 1, fake_bridge=bool(port.fake_bridge)
    )


def _vlan(port: OvsPort) -> str:
    parts = []
    if port.tag is not None:
        parts.append(f"tag {port.tag}" + (" **(4095: dead VLAN)**" if port.tag == 4095 else ""))
    if port.trunks:
        parts.append("trunks " + ",".join(str(t) for t in port.trunks))
    if port.vlan_mode:
        parts.append(esc(port.vlan_mode))
    if not parts:
        return "every VLAN (trunk)"
    return " · ".join(parts)


def _interfaces(port: OvsPort) -> str:
    out = []
    for i in port.interfaces:
        facts = [f"**{esc(i.name)}**" if len(port.interfaces) > 1 else esc(i.name)]
        if i.type not in ("system", ""):
            facts.append(esc(i.type))
        peer = i.options.get("peer") or i.options.get("remote_ip")
        if peer:
            facts.append(f"→ {code(peer)}")
        if i.link_state:
            facts.append(esc(i.link_state) if i.link_state == "up" else f"**{esc(i.link_state)}**")
        if i.ofport == -1:
            facts.append("**ofport -1**")
        if i.error:
            facts.append(f"**error**: {esc(i.error)}")
        out.append(" ".join(facts))
    return "<br>".join(out) or NONE


def _bond(page: str, port: OvsPort) -> str:
    if not port.bond and len(port.interfaces) < 2:
        return NONE
    mode = port.bond_mode or "?"
    anchor = bond_mode_term(port.bond_mode)
    text = term(page, anchor, esc(mode)) if anchor else esc(mode)
    if port.lacp:
        text += f" lacp={esc(port.lacp)}"
    return text


def _bridge_rows(cc: ClusterCtx, page: str, host: HostNet, ovs: OvsTopology) -> list[list[str]]:
    rows = []
    for b in ovs.bridges:
        if not b.name:
            continue
        sflow = next((s for s in ovs.sflows if s.bridge == b.name), None)
        netflow = next((n for n in ovs.netflows if n.bridge == b.name), None)
        mirrors = [m for m in ovs.mirrors if m.bridge == b.name]
        controllers = " ".join(code(c.target) for c in b.controllers if c.target)
        stp = (
            "RSTP"
            if b.rstp_enable
            else ("STP" if b.stp_enable else ("off" if b.stp_enable is False else "?"))
        )
        rows.append(
            [
                cc.iface(page, host.name, b.name, f"**{esc(b.name)}**"),
                str(len(b.ports)),
                esc(b.fail_mode or "standalone"),
                esc(b.datapath_type or "system"),
                stp,
                controllers or NONE,
                "yes" if sflow else "no",
                "yes" if netflow else "no",
                str(len(mirrors)),
                cc.src.link(page, host.name, b.source),
            ]
        )
    return rows


def _port_rows(cc: ClusterCtx, page: str, host: HostNet, bridge: OvsBridge) -> list[list[str]]:
    rows = []
    for port in bridge.ports:
        kind = _port_kind(port)
        known = host.iface(port.name) is not None
        name = (
            cc.iface(page, host.name, port.name, f"**{esc(port.name)}**")
            if known
            else f"**{esc(port.name)}**"
        )
        rows.append(
            [
                esc(bridge.name),
                name,
                term(page, OVS_PORT_TERMS[kind], esc(kind)),
                _vlan(port),
                _interfaces(port),
                _bond(page, port),
                cc.src.link(page, host.name, port.source),
            ]
        )
    return rows


def _ref(ref: OvsPortRef | None) -> str:
    if ref is None:
        return NONE
    return code(ref.name) if ref.name else code(ref.uuid[:8])


def _mirror_row(cc: ClusterCtx, page: str, host: HostNet, m: OvsMirror) -> list[str]:
    if m.select_all:
        selects = "every port"
    else:
        parts = []
        if m.select_src_ports:
            parts.append("from " + " ".join(_ref(r) for r in m.select_src_ports))
        if m.select_dst_ports:
            parts.append("to " + " ".join(_ref(r) for r in m.select_dst_ports))
        if m.select_vlans:
            parts.append("VLANs " + ",".join(str(v) for v in m.select_vlans))
        selects = "<br>".join(parts) or NONE
    output = (
        _ref(m.output_port)
        if m.output_port
        else (f"VLAN {m.output_vlan}" if m.output_vlan is not None else NONE)
    )
    return [esc(m.name or "?"), esc(m.bridge or "?"), selects, output, cc.src.link(page, host.name, m.source)]


def ovs_section(cc: ClusterCtx, page: str, host: HostNet) -> list[str]:
    ovs = host.sources.ovs
    if ovs is None:
        return []
    version = f" {esc(ovs.ovs_version)}" if ovs.ovs_version else ""
    out = [
        heading(2, "Open vSwitch", "ovs"),
        f"Open vSwitch{version} as it runs (`ovs-vsctl`"
        + (
            ", database lists"
            if ovs.origin != "show"
            else " show only: tags, trunks and errors, no bond modes"
        )
        + "). "
        + term(page, "bridge-vs-ovs", "Linux bridge or Open vSwitch")
        + " · "
        + term(page, "ovs-port-kinds", "port kinds")
        + " · "
        + term(page, "ovs-tag-trunks", "access and trunk ports")
        + "\n",
    ]
    bridges = _bridge_rows(cc, page, host, ovs)
    if bridges:
        headers = [
            "Bridge",
            "Ports",
            "Fail mode",
            "Datapath",
            "STP",
            "Controllers",
            "sFlow",
            "NetFlow",
            "Mirrors",
            "Source",
        ]
        out.append(table(headers, bridges))
    ports = [r for b in ovs.bridges for r in _port_rows(cc, page, host, b)]
    if ports:
        out.append("### Ports\n")
        out.append(table(["Bridge", "Port", "Kind", "VLAN", "Interfaces", "Bond", "Source"], ports))
    if ovs.sflows:
        out.append(heading(3, "sFlow", "sflow"))
        rows = [
            [
                esc(s.bridge or "?"),
                code(s.agent) if s.agent else NONE,
                " ".join(code(t) for t in s.targets) or NONE,
                esc(f"1 in {s.sampling}") if s.sampling else "?",
                esc(f"{s.polling_s} s") if s.polling_s else "?",
                esc(s.header_bytes or "?"),
                cc.src.link(page, host.name, s.source),
            ]
            for s in ovs.sflows
        ]
        out.append(term(page, "ovs-monitoring", "sFlow") + " probes:\n")
        out.append(
            table(["Bridge", "Agent", "Targets", "Sampling", "Polling", "Header bytes", "Source"], rows)
        )
    if ovs.netflows:
        out.append(heading(3, "NetFlow", "netflow"))
        rows = [
            [
                esc(n.bridge or "?"),
                " ".join(code(t) for t in n.targets) or NONE,
                esc(n.active_timeout_s if n.active_timeout_s is not None else "default"),
                esc(n.engine_id if n.engine_id is not None else NONE),
                yes_no(n.add_id_to_interface),
                cc.src.link(page, host.name, n.source),
            ]
            for n in ovs.netflows
        ]
        out.append(
            table(["Bridge", "Targets", "Active timeout (s)", "Engine", "Id in interface", "Source"], rows)
        )
    if ovs.mirrors:
        out.append(heading(3, "Port mirrors", "mirrors"))
        rows = [_mirror_row(cc, page, host, m) for m in ovs.mirrors]
        out.append(table(["Mirror", "Bridge", "Selects", "Output", "Source"], rows))
    return out
