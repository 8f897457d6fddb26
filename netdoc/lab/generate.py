"""Definition -> LabWorld: every file, command output and API reply of every simulated node.

The composition step of the generators: it resolves each node's runtime network once
(netdoc/lab/resolve.py), then asks each format's generator for its text. /etc/pve is a cluster file
system, so its files are put on every node. Deterministic: the same definition gives byte-identical
worlds.
"""

from __future__ import annotations

from netdoc.lab.devices import ClusterCtx, NodeRuntime
from netdoc.lab.generate_api import cluster_api
from netdoc.lab.generate_bonding import bonding_files
from netdoc.lab.generate_ifupdown import interfaces_text
from netdoc.lab.generate_iproute2 import bridge_vlan, ip_addr, ip_link
from netdoc.lab.generate_lldp import iptables_save_nat, lldp_json0
from netdoc.lab.generate_ovs import ovs_lists, ovs_show
from netdoc.lab.generate_pve import (
    corosync_conf,
    datacenter_cfg,
    etc_hosts,
    guest_config_path,
    guest_config_text,
    members,
    resolv_conf,
    storage_cfg,
)
from netdoc.lab.generate_sdn import sdn_files, sdn_interfaces
from netdoc.lab.resolve import resolve_node
from netdoc.lab.schema import Cluster, Definition
from netdoc.lab.world import LabCluster, LabNode, LabWorld
from netdoc.snapshot import COMMANDS

CMD_OVS_SHOW = COMMANDS["ovs-vsctl-show.txt"]
# table -> command line, for every `ovs-vsctl --format=json list <Table>` of the snapshot contract
CMD_OVS_LIST = {
    cmd.rsplit(" ", 1)[1]: cmd for cmd in COMMANDS.values() if cmd.startswith("ovs-vsctl --format=json list ")
}
CMD_IP_LINK = COMMANDS["ip-j-d-link.json"]
CMD_IP_ADDR = COMMANDS["ip-j-addr.json"]
CMD_BRIDGE_VLAN = COMMANDS["bridge-j-vlan-show.json"]
CMD_LLDP = COMMANDS["lldpctl-f-json0.json"]
CMD_NAT = COMMANDS["iptables-save-t-nat.txt"]


def cluster_files(ctx: ClusterCtx) -> dict[str, str]:
    """The /etc/pve files every node of the cluster shows."""
    cluster = ctx.cluster
    files: dict[str, str] = {}
    conf = corosync_conf(cluster)
    if conf is not None:
        files["/etc/pve/corosync.conf"] = conf
    files["/etc/pve/storage.cfg"] = storage_cfg(cluster)
    files["/etc/pve/datacenter.cfg"] = datacenter_cfg(cluster)
    files.update(sdn_files(cluster))
    for guest in sorted(cluster.guests, key=lambda g: g.vmid):
        files[guest_config_path(guest)] = guest_config_text(ctx, guest)
    return files


def node_outputs(ctx: ClusterCtx, rt: NodeRuntime) -> tuple[dict[str, str], dict[str, str]]:
    """(files, commands) of one node, as text."""
    cluster, node = ctx.cluster, rt.node
    files = {
        "/etc/hostname": f"{node.name}\n",
        "/etc/hosts": etc_hosts(cluster),
        "/etc/resolv.conf": resolv_conf(cluster),
        "/etc/network/interfaces": interfaces_text(node),
    }
    pmxcfs = members(cluster, node.name)
    if pmxcfs is not None:
        files["/etc/pve/.members"] = pmxcfs
    sdn = sdn_interfaces(ctx, node)
    sdn_lines: list[str] = []
    if sdn is not None:
        files["/etc/network/interfaces.d/sdn"] = sdn
        sdn_lines = [line.strip() for line in sdn.splitlines() if line.startswith("\t")]
    files.update(bonding_files(cluster, node, rt))
    commands = {
        CMD_IP_LINK: ip_link(cluster, node, rt),
        CMD_IP_ADDR: ip_addr(rt),
        CMD_BRIDGE_VLAN: bridge_vlan(rt),
        CMD_NAT: iptables_save_nat(cluster, node, sdn_lines),
    }
    if node.ovs_bridges or rt.ovs:
        commands[CMD_OVS_SHOW] = ovs_show(ctx.seed, cluster.name, rt, cluster.ovs_version)
        for table, text in ovs_lists(ctx.seed, cluster.name, rt, cluster.ovs_version).items():
            if table in CMD_OVS_LIST:
                commands[CMD_OVS_LIST[table]] = text
    lldp = lldp_json0(ctx, node)
    if lldp is not None:
        commands[CMD_LLDP] = lldp
    return files, commands


def _encode(mapping: dict[str, str]) -> dict[str, bytes]:
    return {k: v.encode("utf-8") for k, v in sorted(mapping.items())}


def build_cluster(seed: int, cluster: Cluster) -> LabCluster:
    ctx = ClusterCtx(seed, cluster)
    runtimes = {n.name: resolve_node(ctx, n) for n in cluster.nodes}
    shared = cluster_files(ctx)
    nodes = []
    for n in cluster.nodes:
        files, commands = node_outputs(ctx, runtimes[n.name])
        nodes.append(
            LabNode(
                name=n.name,
                address=n.address,
                online=n.online,
                files=_encode({**shared, **files}),
                commands=_encode(commands),
            )
        )
    return LabCluster(
        name=cluster.name,
        nodes=tuple(nodes),
        api=cluster_api(ctx, runtimes),
        faults=tuple(cluster.faults),
    )


def build_world(definition: Definition) -> LabWorld:
    """Every cluster of the definition, fully derived."""
    return LabWorld(clusters=tuple(build_cluster(definition.seed, c) for c in definition.clusters))
