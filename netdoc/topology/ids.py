"""Stable graph ids and the documented node and edge kinds (docs/graph.md has one row for each).

Every id starts with its kind and carries the cluster for what belongs to one cluster, so that an
id never changes when another cluster joins the estate (every lab names its nodes pve1, pve2...).
Switches are physical boxes several clusters may share: their ids carry no cluster.
"""

from __future__ import annotations

# Node kinds.
CLUSTER = "cluster"
NODE = "node"
IFACE = "iface"
GUEST = "guest"
NIC = "nic"
VLAN = "vlan"
SUBNET = "subnet"
SWITCH = "switch"
SWITCHPORT = "switchport"
STORAGE = "storage"
COROSYNC = "corosync"
VNET = "vnet"
ZONE = "zone"

NODE_KINDS: dict[str, str] = {
    CLUSTER: "a cluster (one snapshot)",
    NODE: "a Proxmox node",
    IFACE: "a network interface of a node (NIC, bond, bridge, VLAN, OVS port, ...)",
    GUEST: "a VM or container",
    NIC: "a guest's network card (netN)",
    VLAN: "a VLAN id in use in a cluster (by a guest, an interface, an OVS port or a VNet)",
    SUBNET: "an IP subnet an interface or a guest has an address in (or an SDN subnet)",
    SWITCH: "a switch seen over LLDP (shared by every cluster cabled to it)",
    SWITCHPORT: "a port of a switch, as LLDP names it",
    STORAGE: "a network storage of storage.cfg (NFS, CIFS, iSCSI, PBS, Ceph, ...)",
    COROSYNC: "a corosync (kronosnet) link of a cluster",
    VNET: "an SDN VNet",
    ZONE: "an SDN zone",
}

# Edge kinds (the MultiDiGraph key of each edge; every edge goes from `source` to `target`).
IN_CLUSTER = "in_cluster"
ON_NODE = "on_node"
MEMBER_OF = "member_of"
PORT_OF = "port_of"
UPLINK_OF = "uplink_of"
NIC_OF = "nic_of"
ATTACHED_TO = "attached_to"
TAGGED = "tagged"
CARRIES = "carries"
ADDRESSED_IN = "addressed_in"
COROSYNC_LINK = "corosync_link"
MESH_LINK = "mesh_link"
LLDP_NEIGHBOR = "lldp_neighbor"
PORT_ON = "port_on"
REACHES_STORAGE = "reaches_storage"
CEPH_NETWORK = "ceph_network"
IN_VNET = "in_vnet"
IN_ZONE = "in_zone"
UNDERLAY = "underlay"
SUBNET_OF = "subnet_of"
NAT_VIA = "nat_via"
PORT_FORWARD = "port_forward"
VETH_PEER = "veth_peer"

EDGE_KINDS: dict[str, str] = {
    IN_CLUSTER: "node -> cluster",
    ON_NODE: "iface or guest -> the node it is on",
    MEMBER_OF: "NIC -> the bond (Linux or OVS) it is a slave of",
    PORT_OF: "iface -> the bridge (Linux or OVS) it is a port of",
    UPLINK_OF: "iface -> an interface built on it (VLAN on its raw device, alias on its base, ...)",
    NIC_OF: "guest NIC -> its guest",
    ATTACHED_TO: "guest NIC -> the bridge it is plugged into on its node",
    TAGGED: "guest NIC, VLAN interface, OVS port or VNet -> the VLAN its frames carry",
    CARRIES: "bridge -> a VLAN that something on it uses",
    ADDRESSED_IN: "iface or guest NIC -> the subnet of one of its addresses",
    COROSYNC_LINK: "iface holding a ring address -> the corosync link (node -> link when no iface holds it)",
    MESH_LINK: "mesh iface (or NIC) -> the peer node's mesh iface (or NIC)",
    LLDP_NEIGHBOR: "NIC -> the switch port LLDP says it is cabled to",
    PORT_ON: "switch port -> its switch",
    REACHES_STORAGE: "iface traffic to a storage endpoint leaves by -> the storage",
    CEPH_NETWORK: "iface with an address in a Ceph public or cluster network -> that subnet",
    IN_VNET: "guest NIC -> the SDN VNet it names",
    IN_ZONE: "VNet -> its zone",
    UNDERLAY: "zone -> the bridge of a node its VNets ride on (VLAN and QinQ zones)",
    SUBNET_OF: "SDN subnet -> its VNet",
    NAT_VIA: "iface whose subnet is masqueraded (or SNATed) -> the iface it leaves by (the routed setup)",
    PORT_FORWARD: "iface a DNAT port forward arrives on -> the guest NIC (or iface) it forwards to",
    VETH_PEER: "one end of a veth pair -> the other (once per pair): SDN VLAN and QinQ zones' ln_/pr_",
}


def cluster_id(cluster: str) -> str:
    return f"{CLUSTER}:{cluster}"


def node_id(cluster: str, node: str) -> str:
    return f"{NODE}:{cluster}:{node}"


def iface_id(cluster: str, node: str, iface: str) -> str:
    return f"{IFACE}:{cluster}:{node}:{iface}"


def guest_id(cluster: str, vmid: int | None) -> str:
    return f"{GUEST}:{cluster}:{vmid}"


def nic_id(cluster: str, vmid: int | None, key: str) -> str:
    return f"{NIC}:{cluster}:{vmid}:{key}"


def vlan_id(cluster: str, vid: int) -> str:
    return f"{VLAN}:{cluster}:{vid}"


def subnet_id(cluster: str, cidr: str) -> str:
    return f"{SUBNET}:{cluster}:{cidr}"


def switch_id(name: str) -> str:
    return f"{SWITCH}:{name}"


def switchport_id(switch: str, port: str) -> str:
    return f"{SWITCHPORT}:{switch}:{port}"


def storage_id(cluster: str, storage: str) -> str:
    return f"{STORAGE}:{cluster}:{storage}"


def corosync_id(cluster: str, number: int) -> str:
    return f"{COROSYNC}:{cluster}:link{number}"


def vnet_id(cluster: str, vnet: str) -> str:
    return f"{VNET}:{cluster}:{vnet}"


def zone_id(cluster: str, zone: str) -> str:
    return f"{ZONE}:{cluster}:{zone}"


def kind_of_id(node: str) -> str:
    return node.split(":", 1)[0]
