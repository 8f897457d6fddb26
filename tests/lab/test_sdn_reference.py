"""interfaces.d/sdn compared byte for byte with pve-network's own expected outputs.

reference/proxmox/sdn/<case>/ holds the host's interfaces file and the `expected_sdn_interfaces`
pve-network's tests expect; each case is rebuilt here as a lab definition of one node.
Skipped when the reference corpus is absent.
"""

from __future__ import annotations

from typing import Any

import pytest

from netdoc.lab.generate import build_world
from netdoc.lab.load import parse_definition
from tests.golden import REFERENCE

SDN = REFERENCE / "proxmox" / "sdn"

VMBR0_ETH0: dict[str, Any] = {"nics": [{"name": "eth0"}], "bridges": [{"name": "vmbr0", "ports": ["eth0"]}]}
VMBR0_ADDR = {
    "nics": [{"name": "eth0"}],
    "bridges": [
        {"name": "vmbr0", "ports": ["eth0"], "address": "192.168.0.1/24", "gateway": "192.168.0.254"}
    ],
}

CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "simple_basic": (
        VMBR0_ETH0,
        {"zones": [{"id": "myzone", "type": "simple"}], "vnets": [{"id": "myvnet", "zone": "myzone"}]},
    ),
    "vlan_bridge_vlanaware": (
        {"nics": [{"name": "eth0"}], "bridges": [{"name": "vmbr0", "ports": ["eth0"], "vlan_aware": True}]},
        {
            "zones": [{"id": "myzone", "type": "vlan", "bridge": "vmbr0"}],
            "vnets": [{"id": "myvnet", "zone": "myzone", "tag": 100}],
        },
    ),
    "vlan_bridge": (
        VMBR0_ETH0,
        {
            "zones": [{"id": "myzone", "type": "vlan", "bridge": "vmbr0", "mtu": 9200}],
            "vnets": [{"id": "myvnet", "zone": "myzone", "tag": 100}],
        },
    ),
    "vlan_ovs": (
        {"nics": [{"name": "eth0"}], "ovs_bridges": [{"name": "vmbr0", "ports": [{"name": "eth0"}]}]},
        {
            "zones": [{"id": "myzone", "type": "vlan", "bridge": "vmbr0"}],
            "vnets": [{"id": "myvnet", "zone": "myzone", "tag": 100}],
        },
    ),
    "vxlan_basic": (
        VMBR0_ADDR,
        {
            "zones": [
                {
                    "id": "myzone",
                    "type": "vxlan",
                    "peers": ["192.168.0.1", "192.168.0.2", "192.168.0.3"],
                    "mtu": 1450,
                }
            ],
            "vnets": [{"id": "myvnet", "zone": "myzone", "tag": 100}],
        },
    ),
    "qinq_bridge": (
        VMBR0_ETH0,
        {
            "zones": [
                {"id": "myzone", "type": "qinq", "bridge": "vmbr0", "tag": 10},
                {"id": "myzone2", "type": "qinq", "bridge": "vmbr0", "tag": 20},
            ],
            "vnets": [
                {"id": "myvnet", "zone": "myzone", "tag": 100},
                {"id": "myvnet2", "zone": "myzone", "tag": 101},
                {"id": "myvnet3", "zone": "myzone2", "tag": 100},
            ],
        },
    ),
    "evpn_advertise_subnets": (
        VMBR0_ADDR,
        {
            "controllers": [
                {
                    "id": "evpnctl",
                    "type": "evpn",
                    "asn": 65000,
                    "peers": ["192.168.0.1", "192.168.0.2", "192.168.0.3"],
                }
            ],
            "zones": [
                {
                    "id": "myzone",
                    "type": "evpn",
                    "controller": "evpnctl",
                    "vrf_vxlan": 1000,
                    "mac": "A2:1D:CB:1A:C0:8B",
                }
            ],
            "vnets": [{"id": "myvnet", "zone": "myzone", "tag": 100}],
            "subnets": [{"vnet": "myvnet", "cidr": "10.0.0.0/24", "gateway": "10.0.0.1"}],
        },
    ),
}


def sdn_text(node: dict[str, Any], sdn: dict[str, Any]) -> str:
    data = {
        "clusters": [{"name": "ref", "nodes": [{"name": "pve", "address": "127.0.5.1", **node}], "sdn": sdn}]
    }
    world = build_world(parse_definition(data))
    return world.clusters[0].nodes[0].files["/etc/network/interfaces.d/sdn"].decode()


@pytest.mark.parametrize("case", sorted(CASES))
def test_sdn_file_matches_pve_network(case: str) -> None:
    expected = SDN / case / "expected_sdn_interfaces"
    if not expected.is_file():
        pytest.skip(f"reference {expected} is absent")
    node, sdn = CASES[case]
    assert sdn_text(node, sdn) == expected.read_text(encoding="utf-8")


def test_every_reference_case_is_covered() -> None:
    if not SDN.is_dir():
        pytest.skip("reference corpus absent")
    assert {p.name for p in SDN.iterdir() if p.is_dir()} <= set(CASES)
