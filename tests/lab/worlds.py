"""Small LabWorld objects for the lab's server tests (documentation addresses only)."""

from __future__ import annotations

from typing import Any

from netdoc.lab.world import LabCluster, LabNode, LabWorld

INTERFACES = b"""auto lo
iface lo inet loopback

auto vmbr0
iface vmbr0 inet static
\taddress 192.0.2.11/24
\tgateway 192.0.2.1
\tbridge-ports eno1
\tbridge-stp off
\tbridge-fd 0

source /etc/network/interfaces.d/*
"""
SDN = b"auto vnet1\niface vnet1\n\tbridge_ports vmbr0.100\n"
BOND = (
    b"Ethernet Channel Bonding Driver: v6.8.12-4-pve\n\nBonding Mode: IEEE 802.3ad Dynamic link aggregation\n"
)
OVS_SHOW = b'c0ffee00-0000-4000-8000-000000000001\n    Bridge vmbr1\n        Port bond1\n            Interface eno2\n    ovs_version: "3.1.0"\n'


def _node_api(name: str, index: int) -> dict[str, Any]:
    return {
        f"/nodes/{name}/network": {
            "data": [
                {
                    "iface": "vmbr0",
                    "type": "bridge",
                    "method": "static",
                    "cidr": f"192.0.2.{10 + index}/24",
                    "bridge_ports": "eno1",
                    "active": 1,
                    "priority": 3,
                },
                {"iface": "eno1", "type": "eth", "method": "manual", "active": 1, "exists": 1, "priority": 2},
                {"iface": "bond0", "type": "bond", "method": "manual", "slaves": "eno2 eno3", "priority": 4},
            ]
        },
        f"/nodes/{name}/hosts": {
            "data": {
                "data": "".join(f"192.0.2.{i} host{i}.example.org host{i}\n" for i in range(1, 80)),
                "digest": "0f",
            }
        },
        f"/nodes/{name}/version": {"data": {"version": "8.2.4", "release": "8.2", "repoid": "faa83925"}},
        f"/nodes/{name}/qemu": {"data": [{"vmid": 100 + index, "name": f"vm{index}", "status": "running"}]},
        f"/nodes/{name}/qemu/{100 + index}/config": {
            "data": {"net0": "virtio=BC:24:11:00:00:01,bridge=vmbr0"}
        },
    }


def cluster(
    name: str = "lab1", base: str = "127.0.77", count: int = 3, *, faults: tuple[dict[str, Any], ...] = ()
) -> LabCluster:
    names = [f"pve{i}" for i in range(1, count + 1)]
    nodes = []
    for i, n in enumerate(names, start=1):
        files = {"/etc/network/interfaces": INTERFACES, "/etc/hostname": f"{n}\n".encode()}
        commands = {"ip -j addr": b'[{"ifname":"lo"}]\n', "ip -j -d link": b"[]\n"}
        if i == 1:
            files |= {
                "/etc/network/interfaces.d/sdn": SDN,
                "/proc/net/bonding/bond0": BOND,
                "/etc/pve/corosync.conf": b"totem {\n}\n",
            }
            commands["ovs-vsctl show"] = OVS_SHOW
        nodes.append(LabNode(n, f"{base}.{i}", files=files, commands=commands))
    api: dict[str, Any] = {
        "/version": {"data": {"version": "8.2.4", "release": "8.2", "repoid": "faa83925"}},
        "/cluster/status": {
            "data": [
                {
                    "type": "cluster",
                    "id": "cluster",
                    "name": name,
                    "nodes": count,
                    "quorate": 1,
                    "version": count,
                }
            ]
            + [
                {
                    "type": "node",
                    "id": f"node/{n}",
                    "name": n,
                    "nodeid": i,
                    "online": 1,
                    "local": int(i == 1),
                    "ip": f"192.0.2.{10 + i}",
                    "level": "",
                }
                for i, n in enumerate(names, start=1)
            ]
        },
        "/nodes": {
            "data": [
                {
                    "node": n,
                    "status": "online",
                    "id": f"node/{n}",
                    "type": "node",
                    "cpu": 0.01,
                    "maxcpu": 8,
                    "mem": 1,
                    "maxmem": 2,
                    "uptime": 100,
                    "level": "",
                    "ssl_fingerprint": "00:11",
                }
                for n in names
            ]
        },
        "/cluster/resources": {
            "data": [
                {"id": f"node/{n}", "type": "node", "node": n, "status": "online", "cpu": 0.1} for n in names
            ]
            + [
                {"id": f"qemu/{100 + i}", "type": "qemu", "node": n, "vmid": 100 + i, "status": "running"}
                for i, n in enumerate(names, start=1)
            ]
            + [
                {"id": "lxc/200", "type": "lxc", "node": names[0], "vmid": 200, "status": "running"},
                {
                    "id": f"storage/{names[0]}/local",
                    "type": "storage",
                    "node": names[0],
                    "storage": "local",
                    "status": "available",
                },
            ]
        },
        "/storage": {
            "data": [
                {"storage": "local", "type": "dir", "path": "/var/lib/vz", "content": "iso,backup"},
                {"storage": "nfs1", "type": "nfs", "server": "198.51.100.5", "export": "/export"},
            ]
        },
        "/nodes/pve1/network?type=bridge": {"data": [{"iface": "vmbr0", "type": "bridge", "exact": 1}]},
        "/cluster/sdn/vnets": {
            "data": [{"vnet": "vnet1", "zone": "z1", "tag": 100, "type": "vnet"}],
            "changes": "--- a\n+++ b\n",
        },
    }
    for i, n in enumerate(names, start=1):
        api |= _node_api(n, i)
    return LabCluster(name, tuple(nodes), api, faults)


def world(*clusters: LabCluster) -> LabWorld:
    return LabWorld(clusters or (cluster(),))
