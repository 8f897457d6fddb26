"""Hand-built clusters whose answers are known: written as snapshot folders from a few texts.

Each builder writes interfaces files (and, where the case needs them, bonding files, LLDP output,
corosync.conf, storage.cfg, guest configs) with documentation addresses, and returns the folder.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.audit.snapshots import snapshot_of

HEADER = "auto lo\niface lo inet loopback\n\n"


def lldp_json0(neighbors: list[tuple[str, str, str]]) -> str:
    """`lldpctl -f json0` for (local port, switch name, switch port) triples."""
    interfaces = [
        {
            "name": local,
            "via": "LLDP",
            "chassis": [
                {
                    "id": [{"type": "mac", "value": f"02:00:00:00:{abs(hash(switch)) % 256:02x}:01"}],
                    "name": [{"value": switch}],
                }
            ],
            "port": [{"id": [{"type": "ifname", "value": port}]}],
        }
        for local, switch, port in neighbors
    ]
    return json.dumps({"lldp": [{"interface": interfaces}]})


def corosync(links: dict[str, list[str]]) -> str:
    """corosync.conf with one node per key, ringN_addr from the list (link N = index)."""
    nodes = []
    for i, (name, addrs) in enumerate(sorted(links.items()), start=1):
        rings = "".join(f"    ring{n}_addr: {a}\n" for n, a in enumerate(addrs))
        nodes.append(f"  node {{\n    name: {name}\n    nodeid: {i}\n    quorum_votes: 1\n{rings}  }}\n")
    count = max(len(a) for a in links.values())
    interfaces = "".join(f"  interface {{\n    linknumber: {n}\n  }}\n" for n in range(count))
    return (
        "nodelist {\n" + "".join(nodes) + "}\n\nquorum {\n  provider: corosync_votequorum\n}\n\n"
        "totem {\n  cluster_name: test\n  config_version: 1\n" + interfaces + "  version: 2\n}\n"
    )


def routed_mesh(tmp: Path) -> Path:
    """Three nodes, each pair joined by a /30 on dedicated NICs (ens19, ens20), OSPF /32 on lo:ospf.

    n1-n2 10.15.15.0/30, n1-n3 10.15.15.4/30, n2-n3 10.15.15.8/30; management on vmbr0 (eno1 only).
    """
    pairs = {
        "n1": [("ens19", "10.15.15.1/30"), ("ens20", "10.15.15.5/30")],
        "n2": [("ens19", "10.15.15.2/30"), ("ens20", "10.15.15.9/30")],
        "n3": [("ens19", "10.15.15.6/30"), ("ens20", "10.15.15.10/30")],
    }
    files: dict[str, str | None] = {}
    for i, (node, nics) in enumerate(sorted(pairs.items()), start=1):
        text = HEADER + f"auto lo:ospf\niface lo:ospf inet static\n\taddress 10.15.16.{i}/32\n\n"
        text += "auto eno1\niface eno1 inet manual\n\n"
        for nic, cidr in nics:
            text += f"auto {nic}\niface {nic} inet static\n\taddress {cidr}\n\tmtu 9000\n\n"
        text += (
            f"auto vmbr0\niface vmbr0 inet static\n\taddress 192.0.2.1{i}/24\n\tgateway 192.0.2.1\n"
            "\tbridge-ports eno1\n\tbridge-stp off\n\tbridge-fd 0\n"
        )
        files[f"nodes/{node}/etc/network/interfaces"] = text
        files[f"nodes/{node}/etc/hosts"] = f"127.0.0.1 localhost\n192.0.2.1{i} {node}.example.org {node}\n"
    files["nodes/n1/etc/pve/corosync.conf"] = corosync(
        {
            "n1": ["192.0.2.11", "10.15.15.1"],
            "n2": ["192.0.2.12", "10.15.15.2"],
            "n3": ["192.0.2.13", "10.15.15.6"],
        }
    )
    return snapshot_of(tmp, files, "routed-mesh")


def lacp_pair(
    tmp: Path, *, switches: tuple[str, str] = ("sw1", "sw2"), eno2_down: bool = False, name: str = "lacp-pair"
) -> Path:
    """Two nodes: bond0 (802.3ad) of eno1+eno2 under VLAN-aware vmbr0; eno1/eno2 cabled to `switches`.

    a: vmbr0 MTU 9000, bridge-vids 10 20 30, vmbr1 (routed, NAT); b: vmbr0 MTU 1500, bridge-vids
    10 20, no vmbr1. Guests on a: VM 101 (vmbr0 tag 30), VM 102 (vmbr1), VM 103 (vmbr0 tag 10).
    """
    files: dict[str, str | None] = {}
    for node, mtu, vids, extra in (
        ("a", 9000, "10 20 30", True),
        ("b", 1500, "10 20", False),
    ):
        last = "1" if node == "a" else "2"
        text = HEADER + "auto eno1\niface eno1 inet manual\n\nauto eno2\niface eno2 inet manual\n\n"
        text += (
            "auto bond0\niface bond0 inet manual\n\tbond-slaves eno1 eno2\n\tbond-miimon 100\n"
            f"\tbond-mode 802.3ad\n\tmtu {mtu}\n\n"
            f"auto vmbr0\niface vmbr0 inet manual\n\tbridge-ports bond0\n\tbridge-stp off\n\tbridge-fd 0\n"
            f"\tbridge-vlan-aware yes\n\tbridge-vids {vids}\n\tmtu {mtu}\n\n"
            f"auto vmbr0.10\niface vmbr0.10 inet static\n\taddress 192.0.2.{last}/24\n\tgateway 192.0.2.254\n\n"
        )
        if extra:
            text += (
                "auto vmbr1\niface vmbr1 inet static\n\taddress 10.10.10.1/24\n\tbridge-ports none\n"
                "\tbridge-stp off\n\tbridge-fd 0\n"
                "\tpost-up echo 1 > /proc/sys/net/ipv4/ip_forward\n"
                "\tpost-up iptables -t nat -A POSTROUTING -s 10.10.10.0/24 -o vmbr0.10 -j MASQUERADE\n"
            )
        files[f"nodes/{node}/etc/network/interfaces"] = text
        files[f"nodes/{node}/etc/hosts"] = f"127.0.0.1 localhost\n192.0.2.{last} {node}\n"
        files[f"nodes/{node}/commands/lldpctl-f-json0.json"] = lldp_json0(
            [("eno1", switches[0], f"Ethernet1/{last}"), ("eno2", switches[1], f"Ethernet2/{last}")]
        )
        files[f"nodes/{node}/proc/net/bonding/bond0"] = bonding_8023ad(
            {"eno1": "up", "eno2": "down" if eno2_down and node == "a" else "up"}
        )
    guests = {
        "101": "name: web\nnet0: virtio=00:00:5E:00:53:01,bridge=vmbr0,firewall=1,tag=30\n",
        "102": "name: mail\nnet0: virtio=00:00:5E:00:53:02,bridge=vmbr1,firewall=1\n",
        "103": "name: dns\nnet0: virtio=00:00:5E:00:53:03,bridge=vmbr0,firewall=1,tag=10\n",
    }
    for vmid, conf in guests.items():
        files[f"nodes/a/etc/pve/nodes/a/qemu-server/{vmid}.conf"] = conf
    files["nodes/a/etc/pve/corosync.conf"] = corosync({"a": ["192.0.2.1"], "b": ["192.0.2.2"]})
    return snapshot_of(tmp, files, name)


def bonding_8023ad(slaves: dict[str, str]) -> str:
    """A /proc/net/bonding file of an 802.3ad bond with these slaves and MII states."""
    text = (
        "Ethernet Channel Bonding Driver: v6.8.12-1-pve\n\n"
        "Bonding Mode: IEEE 802.3ad Dynamic link aggregation\n"
        "Transmit Hash Policy: layer3+4 (1)\nMII Status: up\nMII Polling Interval (ms): 100\n"
        "Up Delay (ms): 0\nDown Delay (ms): 0\nPeer Notification Delay (ms): 0\n\n"
        "802.3ad info\nLACP active: on\nLACP rate: fast\nMin links: 0\nAggregator selection policy (ad_select): stable\n"
    )
    for i, (name, state) in enumerate(slaves.items(), start=1):
        text += (
            f"\nSlave Interface: {name}\nMII Status: {state}\nSpeed: 10000 Mbps\nDuplex: full\n"
            f"Link Failure Count: 0\nPermanent HW addr: 00:00:5e:00:53:{i:02x}\nSlave queue ID: 0\n"
            "Aggregator ID: 1\n"
        )
    return text


def rstp_mesh(tmp: Path) -> Path:
    """Three nodes cabled in a ring, each with vmbr1 over ens19 + ens20 and STP on (the RSTP mesh).

    n1 ens19 - n2 ens20, n2 ens19 - n3 ens20, n3 ens19 - n1 ens20; LLDP names the peer node and its
    port. vmbr1 holds 10.15.15.N/24 (corosync link1); management on vmbr0 (eno1 only).
    """
    cabling = {"n1": ("n2", "n3"), "n2": ("n3", "n1"), "n3": ("n1", "n2")}
    files: dict[str, str | None] = {}
    for i, (node, (right, left)) in enumerate(sorted(cabling.items()), start=1):
        text = HEADER
        text += "auto eno1\niface eno1 inet manual\n\n"
        for nic in ("ens19", "ens20"):
            text += f"auto {nic}\niface {nic} inet manual\n\tmtu 9000\n\n"
        text += (
            f"auto vmbr0\niface vmbr0 inet static\n\taddress 192.0.2.1{i}/24\n\tgateway 192.0.2.1\n"
            "\tbridge-ports eno1\n\tbridge-stp off\n\tbridge-fd 0\n\n"
            f"auto vmbr1\niface vmbr1 inet static\n\taddress 10.15.15.{i}/24\n\tbridge-ports ens19 ens20\n"
            "\tbridge-stp on\n\tbridge-fd 2\n\tmtu 9000\n"
        )
        files[f"nodes/{node}/etc/network/interfaces"] = text
        files[f"nodes/{node}/etc/hosts"] = f"127.0.0.1 localhost\n192.0.2.1{i} {node}.example.org {node}\n"
        files[f"nodes/{node}/commands/lldpctl-f-json0.json"] = lldp_json0(
            [("ens19", right, "ens20"), ("ens20", left, "ens19")]
        )
    files["nodes/n1/etc/pve/corosync.conf"] = corosync(
        {
            "n1": ["192.0.2.11", "10.15.15.1"],
            "n2": ["192.0.2.12", "10.15.15.2"],
            "n3": ["192.0.2.13", "10.15.15.3"],
        }
    )
    return snapshot_of(tmp, files, "rstp-mesh")


def wiki_routed_mesh(tmp: Path) -> Path:
    """The Proxmox wiki's "routed setup (simple)" full mesh: each node holds ONE address on both
    dedicated NICs (10.15.15.5N/24 on ens19 and ens20), with a /32 route to each peer on the NIC
    cabled to it. n1 ens19 - n2 ens19, n1 ens20 - n3 ens19, n2 ens20 - n3 ens20."""
    routes = {"n1": ("51", "52"), "n2": ("50", "52"), "n3": ("50", "51")}
    files: dict[str, str | None] = {}
    for i, (node, (via19, via20)) in enumerate(sorted(routes.items())):
        me = 50 + i
        text = HEADER
        for nic, peer in (("ens19", via19), ("ens20", via20)):
            text += (
                f"auto {nic}\niface {nic} inet static\n\taddress 10.15.15.{me}\n\tnetmask 255.255.255.0\n"
                f"\tup ip route add 10.15.15.{peer}/32 dev {nic}\n\tdown ip route del 10.15.15.{peer}/32\n\n"
            )
        files[f"nodes/{node}/etc/network/interfaces"] = text
    return snapshot_of(tmp, files, "wiki-mesh")


def ovs_rstp_mesh(tmp: Path, rstp: bool = True) -> Path:
    """The Proxmox wiki's RSTP loop setup with Open vSwitch: vmbr1 (OVSBridge) over ens19 + ens20,
    RSTP turned on by an `up ovs-vsctl set Bridge ${IFACE} rstp_enable=true` line; no LLDP."""
    port = (
        "auto {nic}\niface {nic} inet manual\n\tovs_type OVSPort\n\tovs_bridge vmbr1\n\tovs_mtu 9000\n"
        "\tovs_options other_config:rstp-enable=true other_config:rstp-path-cost=150\n\n"
    )
    up = "\tup ovs-vsctl set Bridge ${IFACE} rstp_enable=true other_config:rstp-priority=32768\n"
    files: dict[str, str | None] = {}
    for i, node in enumerate(("n1", "n2", "n3")):
        text = HEADER + port.format(nic="ens19") + port.format(nic="ens20")
        text += (
            f"auto vmbr1\niface vmbr1 inet static\n\taddress 10.15.15.5{i}/24\n\tovs_type OVSBridge\n"
            f"\tovs_ports ens19 ens20\n\tovs_mtu 9000\n{up if rstp else ''}"
        )
        files[f"nodes/{node}/etc/network/interfaces"] = text
    return snapshot_of(tmp, files, "ovs-rstp")
