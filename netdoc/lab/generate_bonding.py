"""/proc/net/bonding/<bond> as a kernel 6.x bonding driver prints it to root (BOND_PROCFS_FORMAT.md).

Header (mode, hash policy, primary/active slave, MII, delays), the 802.3ad block with system
priority/MAC and the active aggregator, then one block per slave in enslavement order, with the
churn lines and the actor/partner LACPDU details in 802.3ad mode. LACP runtime comes from the
definition: negotiated (one aggregator, the switch as partner) or not (one aggregator per port,
partner 00:00:00:00:00:00, churned), and slaves that are down.
"""

from __future__ import annotations

from netdoc.lab.devices import NodeRuntime
from netdoc.lab.schema import Bond, Cluster, Node
from netdoc.model.bonding import BOND_MODE_TEXT

HASH_NUMBERS = {"layer2": 0, "layer3+4": 1, "layer2+3": 2}
# The 802.3ad speed code of the actor key: key = speed_code << 1 | full duplex.
AD_SPEED_CODE = {
    10: 2,
    100: 3,
    1000: 4,
    2500: 5,
    5000: 6,
    10000: 7,
    14000: 8,
    20000: 9,
    25000: 10,
    40000: 11,
    50000: 12,
    56000: 13,
    100000: 14,
}
STATE_IN_SYNC = 61  # activity, aggregation, sync, collecting, distributing
STATE_FAST = 2  # LACP timeout bit: short (fast) timeout
STATE_DEFAULTED_UP = 77  # no partner heard: activity, aggregation, sync, defaulted
STATE_DEFAULTED_DOWN = 69  # port down: activity, aggregation, expired/defaulted


def actor_key(speed: int | None) -> int:
    return (AD_SPEED_CODE.get(speed or 0, 4) << 1) | 1


def aggregator_ids(slaves: list[str], up: set[str], negotiated: bool) -> dict[str, int]:
    """802.3ad aggregator of each slave: the up ones share aggregator 1 when LACP is negotiated;
    otherwise (and for down ports) each port sits alone in its own aggregator."""
    out: dict[str, int] = {}
    next_id = 1
    if negotiated and up:
        out = {s: 1 for s in slaves if s in up}
        next_id = 2
    for s in slaves:
        if s not in out:
            out[s] = next_id
            next_id += 1
    return out


def port_states(in_sync: bool, is_up: bool, fast: bool) -> tuple[int, int]:
    """(actor, partner) LACP port state bytes of a slave."""
    if in_sync:
        state = STATE_IN_SYNC | (STATE_FAST if fast else 0)
        return state, state
    return (STATE_DEFAULTED_UP if is_up else STATE_DEFAULTED_DOWN), 1


def partner_mac(cluster: Cluster, node: Node, bond: Bond, rt: NodeRuntime) -> str:
    """The LACP partner: the switch LLDP sees behind the first slave, else a MAC derived for it."""
    from netdoc.lab import ids

    for slave in bond.slaves:
        nic = next((n for n in node.nics if n.name == slave), None)
        if nic and nic.lldp:
            sw = next((s for s in cluster.switches if s.name == nic.lldp.switch), None)
            if sw is not None:
                return (sw.mac or ids.nic_mac(0, "switch", cluster.name, sw.name)).lower()
    return ids.nic_mac(0, "partner", cluster.name, node.name, bond.name)


def switch_port_number(port: str | None, fallback: int) -> int:
    digits = "".join(ch if ch.isdigit() else " " for ch in port or "").split()
    return int(digits[-1]) if digits else fallback


def bonding_file(cluster: Cluster, node: Node, bond: Bond, rt: NodeRuntime, kernel: str) -> str:
    slaves = [s for s in bond.slaves if (d := rt.dev(s)) is not None and d.master == bond.name]
    up = {s for s in slaves if rt.devs[s].carrier}
    dev = rt.devs[bond.name]
    lines = [f"Ethernet Channel Bonding Driver: v{kernel}", "", f"Bonding Mode: {BOND_MODE_TEXT[bond.mode]}"]
    if bond.mode in ("balance-xor", "802.3ad"):
        policy = bond.xmit_hash_policy or "layer2"
        lines.append(f"Transmit Hash Policy: {policy} ({HASH_NUMBERS[policy]})")
    if bond.mode in ("active-backup", "balance-tlb", "balance-alb"):
        primary = bond.primary if bond.mode == "active-backup" else None
        lines.append(f"Primary Slave: {primary + ' (primary_reselect always)' if primary else 'None'}")
        active = bond.runtime.active_slave
        if active is None or active not in up:
            active = primary if primary in up else next((s for s in slaves if s in up), None)
        lines.append(f"Currently Active Slave: {active or 'None'}")
    lines += [
        f"MII Status: {'up' if up else 'down'}",
        f"MII Polling Interval (ms): {bond.miimon}",
        "Up Delay (ms): 0",
        "Down Delay (ms): 0",
        "Peer Notification Delay (ms): 0",
    ]
    negotiated = bond.runtime.lacp == "negotiated"
    partner = partner_mac(cluster, node, bond, rt) if negotiated else "00:00:00:00:00:00"
    fast = bond.lacp_rate == "fast"
    aggregator = aggregator_ids(slaves, up, negotiated)
    if bond.mode == "802.3ad":
        key = actor_key(rt.devs[slaves[0]].speed) if slaves else 0
        lines += [
            "",
            "802.3ad info",
            "LACP active: on",
            f"LACP rate: {bond.lacp_rate}",
            "Min links: 0",
            "Aggregator selection policy (ad_select): stable",
            "System priority: 65535",
            f"System MAC address: {dev.mac}",
        ]
        if up:
            members = [s for s in slaves if aggregator[s] == 1]
            lines += [
                "Active Aggregator Info:",
                "\tAggregator ID: 1",
                f"\tNumber of ports: {len(members)}",
                f"\tActor Key: {key}",
                "\tPartner Key: 1",
                f"\tPartner Mac Address: {partner}",
            ]
        else:
            lines.append(f"bond {bond.name} has no active aggregator")
    for number, s in enumerate(slaves, start=1):
        sd = rt.devs[s]
        is_up = s in up
        lines += [
            "",
            f"Slave Interface: {s}",
            f"MII Status: {'up' if is_up else 'down'}",
            f"Speed: {sd.speed} Mbps" if is_up and sd.speed else "Speed: Unknown",
            "Duplex: full" if is_up else "Duplex: Unknown",
            f"Link Failure Count: {0 if is_up else 1}",
            f"Permanent HW addr: {sd.perm_mac or sd.mac}",
            "Slave queue ID: 0",
        ]
        if bond.mode != "802.3ad":
            continue
        in_sync = is_up and negotiated
        churned = not in_sync
        lines += [
            f"Aggregator ID: {aggregator[s]}",
            f"Actor Churn State: {'churned' if not is_up else 'none'}",
            f"Partner Churn State: {'churned' if churned else 'none'}",
            f"Actor Churned Count: {0 if is_up else 1}",
            f"Partner Churned Count: {1 if churned else 0}",
            "details actor lacp pdu:",
            "    system priority: 65535",
            f"    system mac address: {dev.mac}",
            f"    port key: {actor_key(sd.speed) if is_up else 0}",
            "    port priority: 255",
            f"    port number: {number}",
        ]
        actor_state, partner_state = port_states(in_sync, is_up, fast)
        lines.append(f"    port state: {actor_state}")
        nic = next((n for n in node.nics if n.name == s), None)
        port_no = switch_port_number(nic.lldp.port if nic and nic.lldp else None, number)
        lines += ["details partner lacp pdu:"]
        if in_sync:
            lines += [
                "    system priority: 32768",
                f"    system mac address: {partner}",
                "    oper key: 1",
                "    port priority: 32768",
                f"    port number: {port_no}",
                f"    port state: {partner_state}",
            ]
        else:
            lines += [
                "    system priority: 65535",
                "    system mac address: 00:00:00:00:00:00",
                "    oper key: 1",
                "    port priority: 255",
                "    port number: 1",
                "    port state: 1",
            ]
    return "\n".join(lines) + "\n"


def bonding_files(cluster: Cluster, node: Node, rt: NodeRuntime) -> dict[str, str]:
    return {
        f"/proc/net/bonding/{b.name}": bonding_file(cluster, node, b, rt, cluster.kernel)
        for b in node.bonds
        if b.name in rt.devs
    }
