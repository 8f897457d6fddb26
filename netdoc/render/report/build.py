"""The report's content from the graph, the audit and the raw files: scope, summary, inventory,
findings, waivers, diagrams, and an appendix of the source configuration.

Pure: reads a SiteInput (the same input the site is built from), returns a Report.
"""

from __future__ import annotations

from collections.abc import Iterable

from netdoc import __version__
from netdoc.audit.checks import ALL_CHECKS, META_CHECKS
from netdoc.audit.finding import Finding, Severity
from netdoc.audit.run import AuditResult
from netdoc.model.net import HostNet, Iface
from netdoc.model.netcluster import ClusterNet
from netdoc.render.report.document import Figure, Report, Section, SourceFile, Table
from netdoc.render.siteinput import SiteInput
from netdoc.topology.vlans import vlan_matrix

_CHECKS = {c.code: c for c in (*ALL_CHECKS, *META_CHECKS)}


def _b(value: bool | None) -> str:
    return {True: "yes", False: "no", None: ""}[value]


def _j(items: Iterable[object]) -> str:
    return ", ".join(str(i) for i in items if i not in (None, ""))


def _state(iface: Iface) -> str:
    if iface.present is False:
        return "absent"
    return {True: "up", False: "down", None: ""}[iface.up]


# ------------------------------------------------------------------------------------ scope, summary


def _gaps(net: ClusterNet) -> list[tuple[str, ...]]:
    src = net.sources
    rows: list[tuple[str, ...]] = [
        (net.name, g.node or "(cluster)", g.artifact, g.status, g.message) for g in src.gaps
    ]
    rows += [(net.name, n.name, g.artifact, g.status, g.message) for n in src.nodes for g in n.gaps]
    return rows


def scope_section(site: SiteInput) -> Section:
    clusters = site.topology.estate.clusters
    rows = tuple(
        (
            c.name,
            str(len(c.hosts)),
            _j(h.name for h in c.hosts),
            c.sources.collected_at or "unknown (no manifest)",
            "; ".join(f"{k}: {v}" for k, v in c.sources.accounts) or "not recorded",
            c.sources.netdoc_version or "",
            str(len(_gaps(c))),
        )
        for c in clusters
    )
    gaps = tuple(row for c in clusters for row in _gaps(c))
    return Section(
        "scope",
        "Scope",
        (
            "What this report covers: the clusters below, read from their snapshots (read-only "
            "collection over the Proxmox API and SSH), and what could not be read.",
        ),
        (
            Table(
                "clusters",
                "Clusters",
                (
                    "Cluster",
                    "Nodes",
                    "Node names",
                    "Collected at (UTC)",
                    "Collected by",
                    "netdoc version",
                    "Gaps",
                ),
                rows,
            ),
            Table(
                "gaps",
                "What could not be collected or parsed",
                ("Cluster", "Node", "Artifact", "Status", "Message"),
                gaps,
                "" if gaps else "Nothing: every source netdoc looks for was read.",
            ),
        ),
    )


def _counts(audit: AuditResult, cluster: str) -> dict[Severity, int]:
    return {s: sum(1 for f in audit.findings if f.cluster == cluster and f.severity is s) for s in Severity}


def summary_section(site: SiteInput, previous: AuditResult | None) -> Section:
    order = sorted(Severity, key=lambda s: -s.rank)
    rows = []
    for c in site.topology.estate.clusters:
        now = _counts(site.audit, c.name)
        before = _counts(previous, c.name) if previous is not None else None
        cells = [c.name]
        for s in order:
            changed = before is not None and before[s] != now[s]
            cells.append(f"{now[s]} (was {before[s]})" if changed and before is not None else str(now[s]))
        rows.append(tuple(cells))
    text = (
        f"{len(site.audit.findings)} finding(s), {len(site.audit.waived)} waived, "
        f"from {len(site.audit.checks)} checks (docs/checks.md)."
    )
    if previous is not None:
        new, resolved = _trend(previous, site.audit)
        text += f" Since the previous run: {len(new)} new, {len(resolved)} resolved."
    return Section(
        "summary",
        "Summary",
        (text,),
        (Table("summary", "Findings by severity", ("Cluster", *(s.value for s in order)), tuple(rows)),),
    )


def _trend(previous: AuditResult, now: AuditResult) -> tuple[list[Finding], list[Finding]]:
    keys_before = {(f.code, f.key) for f in previous.findings}
    keys_now = {(f.code, f.key) for f in now.findings}
    new = [f for f in now.findings if (f.code, f.key) not in keys_before]
    resolved = [f for f in previous.findings if (f.code, f.key) not in keys_now]
    return new, resolved


# ------------------------------------------------------------------------------------ inventory


def _nodes(clusters: tuple[ClusterNet, ...]) -> Table:
    rows = []
    for c in clusters:
        mgmt = {m.node: m for m in c.management}
        for h in c.hosts:
            m = mgmt.get(h.name)
            rows.append(
                (
                    c.name,
                    h.name,
                    _b(h.sources.online),
                    (m.address or "") if m else "",
                    (m.iface or "") if m else "",
                    str(sum(1 for i in h.ifaces if i.is_physical)),
                    str(sum(1 for i in h.ifaces if i.is_bond)),
                    str(sum(1 for i in h.ifaces if i.is_bridge)),
                    str(len(h.sources.guests)),
                )
            )
    headers = ("Cluster", "Node", "Online", "Address", "Interface", "NICs", "Bonds", "Bridges", "Guests")
    return Table("nodes", "Nodes", headers, tuple(rows))


def _interfaces(clusters: tuple[ClusterNet, ...]) -> Table:
    rows = []
    for c in clusters:
        for h in c.hosts:
            for i in h.ifaces:
                rows.append(
                    (
                        c.name,
                        h.name,
                        i.name,
                        i.kind.value,
                        _j(i.lower) or _j(i.uppers),
                        _j(i.lower_runtime or ()) or (i.upper_runtime or ""),
                        _j(i.addresses),
                        _j(i.addresses_runtime or ()),
                        str(i.mtu or ""),
                        str(i.mtu_runtime or ""),
                        _state(i),
                        str(i.source or ""),
                    )
                )
    headers = (
        "Cluster",
        "Node",
        "Interface",
        "Kind",
        "Members or master (configured)",
        "Members or master (runtime)",
        "Addresses (configured)",
        "Addresses (runtime)",
        "MTU",
        "MTU (runtime)",
        "State",
        "Source",
    )
    return Table("interfaces", "Interfaces: configured and runtime state side by side", headers, tuple(rows))


def _partner(host: HostNet, bond: Iface) -> str:
    status = bond.bond
    if status is None or status.lacp is None:
        return ""
    agg = status.lacp.active_aggregator
    if status.lacp.has_active_aggregator is False:
        return "no active aggregator"
    if agg is None or agg.partner_mac is None:
        return ""
    return "none (not negotiated)" if agg.partner_mac == "00:00:00:00:00:00" else agg.partner_mac


def _bonds(clusters: tuple[ClusterNet, ...]) -> Table:
    rows = []
    for c in clusters:
        for h in c.hosts:
            for b in h.ifaces:
                if not b.is_bond:
                    continue
                configured = (b.config.bond_mode if b.config else None) or ""
                runtime = (
                    (b.bond.mode if b.bond else None) or (b.ovs_port.bond_mode if b.ovs_port else None) or ""
                )
                slaves = b.bond.slaves if b.bond else ()
                if not slaves:
                    rows.append(
                        (c.name, h.name, b.name, configured, runtime, _j(b.lower), "", "", "", "", "")
                    )
                for s in slaves:
                    rows.append(
                        (
                            c.name,
                            h.name,
                            b.name,
                            configured,
                            runtime,
                            s.name,
                            s.mii_status or "",
                            f"{s.speed_mbps} Mb/s" if s.speed_mbps else "",
                            str(s.link_failure_count if s.link_failure_count is not None else ""),
                            _partner(h, b),
                            str(s.aggregator_id if s.aggregator_id is not None else ""),
                        )
                    )
    headers = (
        "Cluster",
        "Node",
        "Bond",
        "Mode (configured)",
        "Mode (runtime)",
        "Slave",
        "MII",
        "Speed",
        "Link failures",
        "LACP partner",
        "Aggregator",
    )
    return Table("bonds", "Bonds with their runtime state", headers, tuple(rows))


def _bridges(clusters: tuple[ClusterNet, ...]) -> Table:
    rows = []
    for c in clusters:
        for h in c.hosts:
            for b in h.ifaces:
                if not b.is_bridge:
                    continue
                cfg = b.config
                rows.append(
                    (
                        c.name,
                        h.name,
                        b.name,
                        "OVS" if b.kind.value == "ovs_bridge" else "Linux",
                        _j(b.lower),
                        _b(cfg.bridge_vlan_aware) if cfg else "",
                        " ".join(cfg.bridge_vids) if cfg else "",
                        str(b.mtu or b.mtu_runtime or ""),
                        _j(b.all_addresses),
                    )
                )
    headers = ("Cluster", "Node", "Bridge", "Type", "Ports", "VLAN-aware", "VIDs", "MTU", "Addresses")
    return Table("bridges", "Bridges", headers, tuple(rows))


def _vlans(clusters: tuple[ClusterNet, ...]) -> Table:
    rows = []
    for c in clusters:
        for row in vlan_matrix(c):
            for cell in row.cells:
                if cell.empty:
                    continue
                rows.append(
                    (c.name, str(row.vid), cell.node, _j(cell.bridges), _j(cell.ifaces), _j(cell.guests))
                )
    headers = ("Cluster", "VLAN", "Node", "Bridges", "Interfaces", "Guests")
    return Table("vlans", "VLANs by node", headers, tuple(rows))


def _guest_nics(clusters: tuple[ClusterNet, ...]) -> Table:
    rows = []
    for c in clusters:
        for a in c.attachments:
            nic = a.nic
            rows.append(
                (
                    c.name,
                    str(a.vmid),
                    a.guest.name or "",
                    "VM" if a.guest.type == "qemu" else "CT",
                    a.node or "",
                    nic.key,
                    nic.mac or "",
                    nic.bridge or "",
                    str(a.vlan if a.vlan is not None else ""),
                    _j(f"{r.first}-{r.last}" if r.last != r.first else r.first for r in nic.trunks),
                    _j((nic.ip, nic.ip6)),
                    {True: "on", False: "off", None: "off (default)"}[nic.firewall],
                    f"{nic.rate_mb_s:g}" if nic.rate_mb_s is not None else "",
                    str(nic.mtu or ""),
                )
            )
    headers = (
        "Cluster",
        "VMID",
        "Name",
        "Type",
        "Node",
        "NIC",
        "MAC",
        "Bridge",
        "VLAN",
        "Trunks",
        "Addresses",
        "Firewall",
        "Rate (MB/s)",
        "MTU",
    )
    return Table("guest_nics", "Guest NICs", headers, tuple(rows))


def _corosync(clusters: tuple[ClusterNet, ...]) -> Table:
    rows = tuple(
        (
            c.name,
            f"link{lk.number}",
            str(lk.priority if lk.priority is not None else ""),
            r.node,
            r.address,
            r.ip or "",
            r.iface or "held by no interface",
        )
        for c in clusters
        for lk in c.corosync_links
        for r in lk.addresses
    )
    headers = ("Cluster", "Link", "Priority", "Node", "Address", "IP", "Interface")
    return Table("corosync_links", "Corosync links", headers, rows)


def _mesh(clusters: tuple[ClusterNet, ...]) -> Table:
    rows = tuple(
        (
            c.name,
            m.node,
            m.form,
            m.iface,
            m.nic or "(not known without LLDP)",
            m.peer or "",
            m.peer_nic or m.peer_iface or "",
            m.network or "",
        )
        for c in clusters
        for m in c.mesh_links
    )
    headers = ("Cluster", "Node", "Form", "Interface", "NIC", "Peer", "Peer interface", "Network")
    return Table("mesh_links", "Mesh links", headers, rows)


def _storage(clusters: tuple[ClusterNet, ...]) -> Table:
    rows = tuple(
        (
            c.name,
            p.storage,
            p.type,
            p.node,
            p.host,
            p.ip or "",
            p.egress.iface if p.egress else "",
            p.egress.via if p.egress else "",
            (p.egress.gateway or "") if p.egress else "",
            p.reason,
        )
        for c in clusters
        for p in c.storage_paths
    )
    headers = (
        "Cluster",
        "Storage",
        "Type",
        "Node",
        "Endpoint",
        "IP",
        "Interface",
        "Via",
        "Gateway",
        "Problem",
    )
    return Table("storage_paths", "Storage networks", headers, rows)


def inventory_section(site: SiteInput) -> Section:
    clusters = site.topology.estate.clusters
    tables = (
        _nodes(clusters),
        _interfaces(clusters),
        _bonds(clusters),
        _bridges(clusters),
        _vlans(clusters),
        _guest_nics(clusters),
        _corosync(clusters),
        _mesh(clusters),
        _storage(clusters),
    )
    return Section(
        "inventory", "Inventory", ("The network as read, configured and runtime state side by side.",), tables
    )


# ------------------------------------------------------------------------------------ findings, waivers


def _evidence(site: SiteInput, f: Finding) -> str:
    net = site.topology.estate.cluster(f.cluster)
    pve = net.sources.pve_files_node if net is not None else None
    parts = []
    for e in f.evidence:
        where = e.artifact(pve) or e.ref.path
        parts.append(f"{where}:{e.ref.line}" + (f" ({e.note})" if e.note else ""))
    return "; ".join(parts)


def findings_section(site: SiteInput) -> Section:
    rows = tuple(
        (
            f.severity.value,
            f.code,
            f.cluster,
            f.subject,
            f.message,
            _evidence(site, f),
            _CHECKS[f.code].remediation if f.code in _CHECKS else "",
        )
        for f in site.audit.findings
    )
    headers = (
        "Severity",
        "Check",
        "Cluster",
        "Subject",
        "Finding",
        "Evidence (snapshot file:line)",
        "Remediation",
    )
    waived = tuple(
        (
            w.finding.code,
            w.finding.key,
            w.finding.message,
            w.waiver.reason,
            w.waiver.expires.isoformat(),
            w.waiver.where,
        )
        for w in site.audit.waived
    )
    return Section(
        "findings",
        "Findings",
        (
            "Most severe first. Each finding names the files and lines that show it "
            "(the appendix holds the files).",
        ),
        (
            Table("findings", "Findings", headers, rows, "" if rows else "No finding: every check passed."),
            Table(
                "waivers",
                "Waived findings",
                ("Check", "Subject", "Finding", "Reason", "Expires", "Waiver"),
                waived,
                "" if waived else "No waiver applies.",
            ),
        ),
    )


def diagrams_section(site: SiteInput) -> Section:
    figures = tuple(
        Figure(d.title, d.svg, node=d.name.startswith("node-"))
        for d in site.diagrams
        if d.svg and not d.name.startswith("vlan-")
    )
    text = "The cluster, corosync, storage, cabling and node diagrams (the site has one per VLAN too)."
    return Section("diagrams", "Diagrams", (text,) if figures else ("No diagram.",), (), figures)


def appendix(site: SiteInput) -> tuple[SourceFile, ...]:
    """The configuration files of each snapshot (nodes/<node>/etc/...: not runtime state or commands)."""
    out = []
    for cluster in sorted(site.sources):
        for path, text in sorted(site.sources[cluster].items()):
            parts = path.split("/")
            if len(parts) > 3 and parts[0] == "nodes" and parts[2] == "etc":
                out.append(SourceFile(cluster, path, text))
    return tuple(out)


def build_report(site: SiteInput, previous: AuditResult | None = None) -> Report:
    """The whole report (previous: the audit of the last run, for the trend)."""
    clusters = site.topology.estate.clusters
    names = tuple(c.name for c in clusters)
    title = "Network audit: " + (names[0] if len(names) == 1 else ", ".join(names))
    sections = (
        scope_section(site),
        summary_section(site, previous),
        findings_section(site),
        inventory_section(site),
        diagrams_section(site),
    )
    return Report(
        title=title,
        clusters=names,
        generated_from=tuple((c.name, c.sources.collected_at) for c in clusters),
        netdoc_version=__version__,
        sections=sections,
        findings=site.audit.findings,
        checks=tuple((c.code, c.severity.value, c.title) for c in site.audit.checks),
        appendix=appendix(site),
        waived=tuple(
            (w.finding.cluster, w.finding.code, w.finding.subject, w.waiver.reason) for w in site.audit.waived
        ),
    )
