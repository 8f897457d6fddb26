"""A lab definition of any size, for demos and benchmarks: `generate(nodes, guests, clusters, seed)`.

`nodes` and `guests` are per cluster. Each cluster gets one network style, as real clusters are
uniform: `lacp` (Linux LACP bond + VLAN-aware bridge + VLAN interfaces, sometimes an SDN VLAN
zone), `legacy` (active-backup bond + VLAN-unaware bridge, guests on vmbr0v<tag>), `ovs` (OVS LACP
bond + IntPorts) or `simple` (one NIC bridge + a routed NAT bridge). Guests (60 % VMs) are spread
over the nodes with VLAN tags, trunks, firewall on or off and a few stopped; a slave down or LACP not
negotiated here and there gives the audit something to find. The same arguments always give the
same definition.
"""

from __future__ import annotations

import random
from typing import Any

from netdoc.errors import ConfigError, ConfigProblem
from netdoc.lab.load import parse_definition
from netdoc.lab.schema import Definition

STYLES = ("lacp", "legacy", "ovs", "simple")
ROLES = ("web", "db", "app", "cache", "mq", "dns", "proxy", "ci", "mon", "log", "mail", "git", "vpn", "files")
MAX_NODES = 200
MAX_CLUSTERS = 150


class _Cluster:
    def __init__(self, rng: random.Random, index: int, nodes: int, guests: int, style: str) -> None:
        self.rng, self.c, self.n_nodes, self.n_guests, self.style = rng, index, nodes, guests, style
        self.name = f"gen{index + 1}"
        self.node_names = [f"{self.name}-pve{i + 1}" for i in range(nodes)]
        self.guest_vlans = list(range(100, 100 + max(4, min(40, guests // 20 + 1))))
        self.use_sdn = style == "lacp" and guests >= 20 and rng.random() < 0.5

    def net(self, vlan: int, host: int) -> str:
        return f"10.{self.c}.{vlan}.{host}"

    def switches(self) -> list[dict[str, Any]]:
        return [
            {
                "name": f"{self.name}-sw{s}",
                "descr": "Arista Networks EOS version 4.30.2F",
                "capabilities": ["Bridge"],
                "mgmt_ip": self.net(10, 240 + s),
            }
            for s in (1, 2)
        ]

    def lldp(self, sw: int, i: int, vlans: list[int]) -> dict[str, Any]:
        return {"switch": f"{self.name}-sw{sw}", "port": f"Ethernet{i + 1}/1", "vlans": vlans[:8]}

    def node(self, i: int) -> dict[str, Any]:
        name = self.node_names[i]
        host = 11 + i
        trunk = [10, 20, 30, *self.guest_vlans]
        node: dict[str, Any] = {"name": name, "address": f"127.{100 + self.c}.{i // 250}.{i % 250 + 1}"}
        down: dict[str, Any] = (
            {"down_slaves": ["eno2" if self.style != "ovs" else "enp1s0f1"]} if i == 1 else {}
        )
        if i == 3 and self.n_nodes > 4:
            down = {"lacp": "not_negotiated"}
        if self.style == "lacp":
            node["nics"] = [
                {"name": "eno1", "speed": 25000, "lldp": self.lldp(1, i, trunk)},
                {
                    "name": "eno2",
                    "speed": 25000,
                    "lldp": self.lldp(2, i, trunk),
                    "link": "down" if down.get("down_slaves") else "up",
                },
                {"name": "eno3", "speed": 1000, "address": f"{self.net(21, host)}/24"},
                {"name": "eno4", "speed": 1000, "link": "down"},
            ]
            node["bonds"] = [
                {
                    "name": "bond0",
                    "mode": "802.3ad",
                    "slaves": ["eno1", "eno2"],
                    "xmit_hash_policy": "layer3+4",
                    "mtu": 9000,
                    "runtime": down,
                }
            ]
            vids = "10 20 30 " + f"{self.guest_vlans[0]}-{self.guest_vlans[-1]}"
            node["bridges"] = [
                {"name": "vmbr0", "ports": ["bond0"], "vlan_aware": True, "vids": vids, "mtu": 9000}
            ]
            node["vlans"] = [
                {"name": "vmbr0.10", "address": f"{self.net(10, host)}/24", "gateway": self.net(10, 1)},
                {"name": "vmbr0.20", "address": f"{self.net(20, host)}/24"},
                {"name": "vmbr0.30", "address": f"{self.net(30, host)}/24", "mtu": 9000},
            ]
        elif self.style == "legacy":
            node["nics"] = [
                {"name": "eno1", "speed": 10000, "lldp": self.lldp(1, i, trunk)},
                {
                    "name": "eno2",
                    "speed": 10000,
                    "lldp": self.lldp(2, i, trunk),
                    "link": "down" if down.get("down_slaves") else "up",
                },
                {"name": "eno3", "speed": 1000, "address": f"{self.net(21, host)}/24"},
            ]
            node["bonds"] = [
                {
                    "name": "bond0",
                    "mode": "active-backup",
                    "slaves": ["eno1", "eno2"],
                    "primary": "eno1",
                    "runtime": {"down_slaves": down.get("down_slaves", [])},
                }
            ]
            node["bridges"] = [
                {
                    "name": "vmbr0",
                    "ports": ["bond0"],
                    "address": f"{self.net(10, host)}/24",
                    "gateway": self.net(10, 1),
                }
            ]
            node["vlans"] = [
                {"name": "bond0.20", "address": f"{self.net(20, host)}/24"},
                {"name": "bond0.30", "address": f"{self.net(30, host)}/24"},
            ]
        elif self.style == "ovs":
            node["nics"] = [
                {"name": "enp1s0f0", "speed": 25000, "lldp": self.lldp(1, i, trunk)},
                {
                    "name": "enp1s0f1",
                    "speed": 25000,
                    "lldp": self.lldp(2, i, trunk),
                    "link": "down" if down.get("down_slaves") else "up",
                },
                {"name": "eno1", "speed": 1000, "address": f"{self.net(21, host)}/24"},
            ]
            node["ovs_bridges"] = [
                {
                    "name": "vmbr0",
                    "bonds": [
                        {
                            "name": "bond0",
                            "slaves": ["enp1s0f0", "enp1s0f1"],
                            "bond_mode": "balance-tcp",
                            "lacp": "active",
                            "runtime": down,
                        }
                    ],
                    "intports": [
                        {
                            "name": "mgmt",
                            "tag": 10,
                            "address": f"{self.net(10, host)}/24",
                            "gateway": self.net(10, 1),
                        },
                        {"name": "cluster", "tag": 20, "address": f"{self.net(20, host)}/24"},
                        {"name": "storage", "tag": 30, "address": f"{self.net(30, host)}/24"},
                    ],
                }
            ]
        else:
            node["nics"] = [
                {"name": "eno1", "speed": 1000, "lldp": self.lldp(1, i, [10])},
                {"name": "eno2", "speed": 1000, "address": f"{self.net(20, host)}/24"},
            ]
            node["bridges"] = [
                {
                    "name": "vmbr0",
                    "ports": ["eno1"],
                    "address": f"{self.net(10, host)}/24",
                    "gateway": self.net(10, 1),
                },
                {
                    "name": "vmbr1",
                    "address": f"10.{self.c}.200.1/24",
                    "nat": {"masquerade": [{"source": f"10.{self.c}.200.0/24", "out": "vmbr0"}]},
                },
            ]
        return node

    def guest(self, vmid: int, ip_counter: dict[int, int]) -> dict[str, Any]:
        rng = self.rng
        kind = "qemu" if rng.random() < 0.6 else "lxc"
        role = rng.choice(ROLES)
        guest: dict[str, Any] = {
            "vmid": vmid,
            "type": kind,
            "name": f"{role}{vmid}",
            "node": rng.choice(self.node_names),
            "cores": rng.choice((1, 2, 2, 4, 8)),
            "memory_mb": rng.choice((512, 1024, 2048, 4096, 8192)),
            "disk_gb": rng.choice((8, 16, 32, 64)),
        }
        if rng.random() < 0.1:
            guest["status"] = "stopped"
        if rng.random() < 0.3:
            guest["tags"] = [role, rng.choice(("prod", "test", "dev"))]
        nics = []
        for _ in range(2 if rng.random() < 0.2 else 1):
            nic: dict[str, Any] = {"bridge": "vmbr0", "firewall": rng.random() < 0.7}
            tag = rng.choice(self.guest_vlans)
            if self.style == "simple":
                if rng.random() < 0.5:
                    nic["bridge"] = "vmbr1"
                    tag = 200
                else:
                    tag = 0
            elif self.use_sdn and rng.random() < 0.2:
                nic["bridge"] = rng.choice(("vnet1", "vnet2"))
                tag = 0
            elif rng.random() < 0.05 and self.style != "legacy":
                nic["trunks"] = sorted(rng.sample(self.guest_vlans, 3))
                tag = 0
            if tag and nic["bridge"] == "vmbr0":
                nic["tag"] = tag
            if kind == "lxc":
                if nic["bridge"] == "vmbr1":
                    ip_counter[200] = ip_counter.get(200, 9) + 1
                    nic["ip"] = f"10.{self.c}.200.{ip_counter[200] % 250 + 2}/24"
                    nic["gw"] = f"10.{self.c}.200.1"
                elif rng.random() < 0.5 or not tag:
                    nic["ip"] = "dhcp"
                else:
                    ip_counter[tag] = ip_counter.get(tag, 9) + 1
                    n = ip_counter[tag]
                    nic["ip"] = f"172.{16 + self.c % 16}.{tag % 256}.{n % 250 + 2}/24"
            if rng.random() < 0.05:
                nic["rate"] = rng.choice((10, 12.5, 50, 100))
            nics.append(nic)
        if kind == "lxc":
            for j, nic in enumerate(nics):
                nic["name"] = f"eth{j}"
        guest["nics"] = nics
        return guest

    def build(self) -> dict[str, Any]:
        nodes = [self.node(i) for i in range(self.n_nodes)]
        host = {name: 11 + i for i, name in enumerate(self.node_names)}
        cluster: dict[str, Any] = {
            "name": self.name,
            "dns": {"search": f"{self.name}.lab.example", "servers": [self.net(10, 2)]},
            "datacenter": {"migration_network": f"10.{self.c}.20.0/24"},
            "switches": self.switches(),
            "nodes": nodes,
            "storage": [
                {"id": "local", "type": "dir", "path": "/var/lib/vz", "content": ["iso", "vztmpl", "backup"]},
                {
                    "id": "local-lvm",
                    "type": "lvmthin",
                    "vgname": "pve",
                    "thinpool": "data",
                    "content": ["rootdir", "images"],
                },
                {
                    "id": "nfs",
                    "type": "nfs",
                    "server": self.net(30, 250),
                    "export": "/export/pve",
                    "content": ["images", "iso", "backup"],
                },
            ],
        }
        if self.style == "ovs":
            cluster["storage"].append(
                {
                    "id": "ceph",
                    "type": "rbd",
                    "pool": "vms",
                    "content": ["images"],
                    "monhost": [self.net(30, 251), self.net(30, 252), self.net(30, 253)],
                }
            )
        if self.n_nodes > 1:
            links: list[dict[str, Any]] = [
                {
                    "number": 0,
                    "priority": 20,
                    "addresses": {n: self.net(20, host[n]) for n in self.node_names},
                }
            ]
            if self.style != "simple":
                links.append(
                    {
                        "number": 1,
                        "priority": 10,
                        "addresses": {n: self.net(21, host[n]) for n in self.node_names},
                    }
                )
            cluster["corosync"] = {"config_version": self.n_nodes + 1, "links": links}
        if self.use_sdn:
            cluster["sdn"] = {
                "zones": [{"id": "vlanz", "type": "vlan", "bridge": "vmbr0"}],
                "vnets": [
                    {"id": "vnet1", "zone": "vlanz", "tag": 3001},
                    {"id": "vnet2", "zone": "vlanz", "tag": 3002},
                ],
                "subnets": [
                    {"vnet": "vnet1", "cidr": f"10.{self.c}.201.0/24", "gateway": f"10.{self.c}.201.1"}
                ],
            }
        ip_counter: dict[int, int] = {}
        cluster["guests"] = [self.guest(100 + g, ip_counter) for g in range(self.n_guests)]
        return cluster


def generate(nodes: int = 3, guests: int = 10, clusters: int = 1, seed: int = 0) -> Definition:
    """A deterministic definition with `clusters` clusters of `nodes` nodes and `guests` guests each."""
    problems = []
    if not 1 <= nodes <= MAX_NODES:
        problems.append(ConfigProblem("nodes", f"must be between 1 and {MAX_NODES}, not {nodes}"))
    if guests < 0:
        problems.append(ConfigProblem("guests", f"must be 0 or more, not {guests}"))
    if not 1 <= clusters <= MAX_CLUSTERS:
        problems.append(ConfigProblem("clusters", f"must be between 1 and {MAX_CLUSTERS}, not {clusters}"))
    if problems:
        raise ConfigError("lab generator", problems)
    rng = random.Random(seed)  # noqa: S311  # reproducible test data, not secrets
    first = rng.randrange(len(STYLES))
    data = {
        "seed": seed,
        "clusters": [
            _Cluster(rng, c, nodes, guests, STYLES[(first + c) % len(STYLES)]).build()
            for c in range(clusters)
        ],
    }
    return parse_definition(
        data, f"generated lab (nodes={nodes}, guests={guests}, clusters={clusters}, seed={seed})"
    )
