"""Node and cluster page sections beyond the interfaces table: runtime bonds, Open vSwitch, guests,
corosync links. Each returns Markdown lines; empty when the source was not in the snapshot.
"""

from __future__ import annotations

from netdoc.model.bonding import BondStatus
from netdoc.model.cluster import Cluster
from netdoc.model.guest import Guest, GuestNic
from netdoc.model.ovs import OvsTopology
from netdoc.render.markdown import code, esc, table


def _lacp_partner(bond: BondStatus) -> str:
    lacp = bond.lacp
    if lacp is None:
        return ""
    if lacp.has_active_aggregator is False:
        return "no active aggregator"
    agg = lacp.active_aggregator
    if agg is None or agg.partner_mac is None:
        return "unknown"
    if agg.partner_mac == "00:00:00:00:00:00":
        return "not negotiated (no partner)"
    return f"partner {agg.partner_mac}, {agg.number_of_ports} port(s)"


def bonds_section(bonds: tuple[BondStatus, ...]) -> list[str]:
    if not bonds:
        return []
    rows = []
    for bond in bonds:
        slaves = "<br>".join(
            esc(
                f"{s.name}: {s.mii_status or '?'}"
                + (f", {s.speed_mbps} Mb/s" if s.speed_mbps else "")
                + (f", {s.link_failure_count} failure(s)" if s.link_failure_count else "")
                + (f", aggregator {s.aggregator_id}" if s.aggregator_id is not None else "")
            )
            for s in bond.slaves
        )
        rows.append(
            [
                f"**{esc(bond.name)}**",
                esc(bond.mode or bond.mode_text or "?"),
                esc(bond.mii_status or "?"),
                slaves or esc("no slaves"),
                esc(bond.transmit_hash_policy or ""),
                esc(_lacp_partner(bond)),
                code(bond.path),
            ]
        )
    return [
        "## Bonds (runtime)\n",
        "What the kernel reports now (/proc/net/bonding), next to what the configuration declares above.\n",
        table(["Bond", "Mode", "MII", "Slaves", "Hash policy", "LACP", "Source"], rows),
    ]


def ovs_section(ovs: OvsTopology | None) -> list[str]:
    if ovs is None:
        return []
    rows = []
    for bridge in ovs.bridges:
        for port in bridge.ports:
            ifaces = "<br>".join(
                esc(i.name + (f" ({i.type})" if i.type not in ("system", "") else ""))
                + (f" <br>**error**: {esc(i.error)}" if i.error else "")
                for i in port.interfaces
            )
            vlan = (
                f"tag {port.tag}"
                if port.tag is not None
                else ("trunks " + ",".join(map(str, port.trunks)) if port.trunks else "all (trunk)")
            )
            bond = ""
            if port.bond:
                bond = " ".join(
                    x for x in (port.bond_mode or "bond", f"lacp={port.lacp}" if port.lacp else "") if x
                )
            rows.append([esc(bridge.name), f"**{esc(port.name)}**", ifaces, esc(vlan), esc(bond)])
    version = f" (Open vSwitch {esc(ovs.ovs_version)})" if ovs.ovs_version else ""
    return [
        f"## Open vSwitch (runtime){version}\n",
        table(["Bridge", "Port", "Interfaces", "VLAN", "Bond"], rows),
    ]


def _nic_cells(guest: Guest, nic: GuestNic) -> list[str]:
    vlan = str(nic.vlan_tag) if nic.vlan_tag is not None else ""
    if nic.trunks:
        vlan += (
            (" " if vlan else "")
            + "trunks "
            + ";".join(str(r.first) if r.first == r.last else f"{r.first}-{r.last}" for r in nic.trunks)
        )
    firewall = "" if nic.firewall is None else ("on" if nic.firewall else "off")
    return [
        esc(guest.vmid if guest.vmid is not None else "?"),
        esc(guest.name or ""),
        esc("VM" if guest.type == "qemu" else "CT"),
        esc(nic.key + (f" ({nic.name})" if nic.name else "")),
        esc(nic.bridge or ("user-mode NAT" if nic.user_mode_nat else "")),
        esc(vlan),
        code(nic.mac) if nic.mac else "",
        esc(firewall),
        esc(f"{nic.rate_mb_s:g} MB/s" if nic.rate_mb_s else ""),
        esc(" ".join(x for x in (nic.ip, nic.ip6) if x)),
        code(nic.source) if nic.source else "",
    ]


GUEST_HEADERS = ["VMID", "Name", "Type", "NIC", "Bridge", "VLAN", "MAC", "Firewall", "Rate", "IP", "Source"]


def guests_section(guests: tuple[Guest, ...]) -> list[str]:
    if not guests:
        return []
    rows = [_nic_cells(g, nic) for g in guests for nic in g.nics]
    nicless = [g for g in guests if not g.nics]
    out = [f"## Guests ({len(guests)})\n", table(GUEST_HEADERS, rows)]
    if nicless:
        out.append(
            "Without network: " + ", ".join(esc(f"{g.vmid} {g.name or ''}".strip()) for g in nicless) + "\n"
        )
    return out


def corosync_section(cluster: Cluster) -> list[str]:
    cfg = cluster.corosync
    if cfg is None:
        return []
    priorities = {
        i.number: i.knet_link_priority
        for i in (cfg.totem.interfaces if cfg.totem else ())
        if i.number is not None
    }
    numbers = sorted({link.number for n in cfg.nodes for link in n.links})
    headers = ["Node", "ID", "Votes"] + [
        f"link{k}" + (f" (priority {priorities[k]})" if priorities.get(k) is not None else "")
        for k in numbers
    ]
    rows = []
    for n in cfg.nodes:
        by_number = {link.number: link.address for link in n.links}
        rows.append(
            [
                esc(n.name or "?"),
                esc(n.nodeid if n.nodeid is not None else ""),
                esc(n.quorum_votes if n.quorum_votes is not None else ""),
                *(code(by_number[k]) if k in by_number else "" for k in numbers),
            ]
        )
    return [f"## Corosync links ({code(cfg.path)})\n", table(headers, rows)]
