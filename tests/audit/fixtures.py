"""Runtime captures written for the audit tests: /proc/net/bonding files, `ip -j -d link`, lab snapshots.

The texts follow the kernel's and iproute2's formats (see /work/shared/reference/linux/FORMATS.md)
with documentation MACs (00:00:5e:00:53:xx) and the bundled example's interface names; they are
composed here, not copied from any capture. `lab_audit(scenario)` audits a lab scenario written as
a snapshot (built offline, once per test session).
"""

from __future__ import annotations

import functools
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netdoc.audit.run import AuditResult
from tests.audit.snapshots import audit
from tests.lab.scenario_worlds import world
from tests.lab.test_snapshot_load import write_snapshot

SWITCH_A = "00:00:5e:00:53:f0"
SWITCH_B = "00:00:5e:00:53:f1"
ZERO = "00:00:00:00:00:00"


@dataclass(frozen=True)
class Slave:
    """One `Slave Interface:` block of a bonding file."""

    name: str
    mii: str = "up"
    speed: int | None = 10000  # None: "Unknown" (a down slave)
    failures: int = 0
    aggregator: int | None = 1
    partner: str | None = SWITCH_A  # the partner PDU's system MAC; None: no details (unprivileged)
    actor_churn: str = "none"
    partner_churn: str = "none"


def bonding(
    slaves: tuple[Slave, ...],
    *,
    mode: str = "802.3ad",
    rate: str = "fast",
    active: int | None = 1,  # the active aggregator; None: "bond X has no active aggregator"
    partner: str = SWITCH_A,  # the active aggregator's partner MAC
    name: str = "bond1",
) -> str:
    """A /proc/net/bonding/<bond> text as a 6.x kernel prints it to root."""
    modes = {
        "802.3ad": "IEEE 802.3ad Dynamic link aggregation",
        "broadcast": "fault-tolerance (broadcast)",
        "active-backup": "fault-tolerance (active-backup)",
    }
    out = [
        "Ethernet Channel Bonding Driver: v6.8.12-4-pve",
        "",
        f"Bonding Mode: {modes[mode]}",
    ]
    if mode == "802.3ad":
        out.append("Transmit Hash Policy: layer3+4 (1)")
    out += [
        "MII Status: up",
        "MII Polling Interval (ms): 100",
        "Up Delay (ms): 0",
        "Down Delay (ms): 0",
        "Peer Notification Delay (ms): 0",
    ]
    if mode == "802.3ad":
        out += [
            "",
            "802.3ad info",
            "LACP active: on",
            f"LACP rate: {rate}",
            "Min links: 0",
            "Aggregator selection policy (ad_select): stable",
            "System priority: 65535",
            "System MAC address: 00:00:5e:00:53:13",
        ]
        if active is None:
            out.append(f"bond {name} has no active aggregator")
        else:
            ports = sum(1 for s in slaves if s.aggregator == active)
            out += [
                "Active Aggregator Info:",
                f"\tAggregator ID: {active}",
                f"\tNumber of ports: {ports}",
                "\tActor Key: 15",
                "\tPartner Key: 7",
                f"\tPartner Mac Address: {partner}",
            ]
    for n, s in enumerate(slaves, 1):
        out += [
            "",
            f"Slave Interface: {s.name}",
            f"MII Status: {s.mii}",
            f"Speed: {s.speed} Mbps" if s.speed else "Speed: Unknown",
            "Duplex: full" if s.speed else "Duplex: Unknown",
            f"Link Failure Count: {s.failures}",
            f"Permanent HW addr: 00:00:5e:00:53:{0x12 + n:02x}",
            "Slave queue ID: 0",
        ]
        if mode != "802.3ad":
            continue
        out += [
            f"Aggregator ID: {s.aggregator}" if s.aggregator is not None else "Aggregator ID: N/A",
            f"Actor Churn State: {s.actor_churn}",
            f"Partner Churn State: {s.partner_churn}",
            f"Actor Churned Count: {int(s.actor_churn == 'churned')}",
            f"Partner Churned Count: {int(s.partner_churn == 'churned')}",
        ]
        if s.partner is not None:
            heard = s.partner != ZERO
            out += [
                "details actor lacp pdu:",
                "    system priority: 65535",
                "    system mac address: 00:00:5e:00:53:13",
                "    port key: 15",
                "    port priority: 255",
                f"    port number: {n}",
                f"    port state: {63 if heard else 77}",  # 77: in sync on defaults, "defaulted"
                "details partner lacp pdu:",
                f"    system priority: {32768 if heard else 65535}",
                f"    system mac address: {s.partner}",
                "    oper key: 7" if heard else "    oper key: 1",
                "    port priority: 32768" if heard else "    port priority: 255",
                f"    port number: {20 + n if heard else 1}",
                f"    port state: {63 if heard else 1}",
            ]
    return "\n".join(out) + "\n"


def ip_link(*links: dict[str, Any]) -> str:
    """`ip -j -d link` output: one compact JSON line, ifindex in order."""
    entries = []
    for n, given in enumerate(links, 1):
        link = dict(given)
        up = link.pop("up", True)
        entry: dict[str, Any] = {
            "ifindex": n,
            "ifname": link.pop("ifname"),
            "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"] if up else ["BROADCAST", "MULTICAST"],
            "mtu": link.pop("mtu", 1500),
            "operstate": "UP" if up else "DOWN",
            "link_type": "ether",
            "address": f"00:00:5e:00:53:{0x40 + n:02x}",
        }
        entry.update(link)
        entries.append(entry)
    return json.dumps(entries) + "\n"


def lab_snapshot(scenario: str, dest: Path) -> list[Path]:
    """The scenario's clusters written as snapshots under dest (one folder per cluster)."""
    return [write_snapshot(c, dest / c.name) for c in world(scenario).clusters]


@functools.cache
def lab_audit(scenario: str) -> AuditResult:
    """The audit of a lab scenario (the snapshot is written to a temporary folder and removed)."""
    with tempfile.TemporaryDirectory() as tmp:
        return audit(*lab_snapshot(scenario, Path(tmp)))
