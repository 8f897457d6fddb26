"""Sources -> the assembled cluster: guests on bridges, VNets resolved, corosync and storage on links.

Pure and deterministic (the same Cluster always gives an equal ClusterNet). The rule for every
case where two sources disagree is written in docs/model.md; in short: configuration and runtime
are kept side by side, files win over API replies for configuration, and what cannot be resolved
is kept with its reason instead of being guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from netdoc.model.addressing import egress, holders, parse_ip, parse_network, resolve
from netdoc.model.assemble_node import assemble_node
from netdoc.model.base import SourceRef
from netdoc.model.ceph import CephConf
from netdoc.model.cluster import Cluster
from netdoc.model.guest import Guest, GuestNic
from netdoc.model.hosts import HostsFile
from netdoc.model.interfaces import InterfaceKind
from netdoc.model.lldp import LldpNeighbor
from netdoc.model.mesh import find_mesh_links
from netdoc.model.names import natural_key
from netdoc.model.net import HostNet
from netdoc.model.netcluster import (
    Attachment,
    CephNetwork,
    ClusterNet,
    CorosyncLinkView,
    Estate,
    Management,
    RingAddress,
    StoragePath,
    Switch,
    SwitchPortLink,
    VnetView,
)
from netdoc.model.sdn import SdnConfig
from netdoc.model.storage import Storage


def _hosts_order(cluster: Cluster, first: str | None) -> list[tuple[str, HostsFile | None]]:
    """The hosts files to resolve a name with: the node's own first, then the others by name."""
    files = [(n.name, n.hosts) for n in cluster.nodes]
    return sorted(files, key=lambda f: (f[0] != first, f[0]))


# ----------------------------------------------------------------------------------------- guests


def _attachment(
    cluster: str, guest: Guest, nic: GuestNic, host: HostNet | None, vnets: dict[str, VnetView]
) -> Attachment:
    port = guest.host_device(nic)
    base = Attachment(cluster, guest, nic, guest.node, nic.bridge, "none", host_port=port, vlan=nic.vlan_tag)
    if nic.bridge is None:
        return base
    runtime = host.guest_port(port) if host is not None and port else None
    present: bool | None = None
    if runtime is not None:
        present = True
    elif host is not None and host.has_runtime and port:
        # a firewalled NIC's tap sits in fwbr<vmid>i<n>, whose fwpr<vmid>p<n> is the bridge port
        present = host.guest_port(f"fwpr{guest.vmid}p{nic.index}") is not None
    base = replace(base, host_port_present=present, runtime_tag=runtime.ovs_tag if runtime else None)
    iface = host.iface(nic.bridge) if host is not None else None
    vnet = vnets.get(nic.bridge)
    if iface is not None and iface.is_bridge:
        kind = "ovs" if iface.kind is InterfaceKind.OVS_BRIDGE else "linux"
        if vnet is not None:
            vlan = nic.vlan_tag if nic.vlan_tag is not None else vnet.vlan
            return replace(base, bridge_kind=kind, port_bridge=nic.bridge, vnet=vnet.id, vlan=vlan)
        return replace(base, bridge_kind=kind, port_bridge=nic.bridge)
    if vnet is not None:
        vlan = nic.vlan_tag if nic.vlan_tag is not None else vnet.vlan
        return replace(base, bridge_kind="vnet", port_bridge=vnet.bridge, vnet=vnet.id, vlan=vlan)
    return replace(base, bridge_kind="missing")


def _attachments(
    cluster: Cluster, hosts: dict[str, HostNet], vnets: tuple[VnetView, ...]
) -> tuple[Attachment, ...]:
    by_id = {v.id: v for v in vnets}
    out = []
    for node in cluster.nodes:
        for guest in node.guests:
            for nic in guest.nics:
                out.append(_attachment(cluster.name, guest, nic, hosts.get(node.name), by_id))
    return tuple(sorted(out, key=lambda a: (a.guest.vmid or 0, a.node or "", a.nic.index)))


# ----------------------------------------------------------------------------------------- SDN


def _vnets(sdn: SdnConfig | None) -> tuple[VnetView, ...]:
    if sdn is None:
        return ()
    zones = {z.id: z for z in sdn.zones}
    out = []
    for vnet in sdn.vnets:
        zone = zones.get(vnet.zone or "")
        ztype = zone.type if zone else None
        subnets = tuple((s.cidr or s.id, s.gateway) for s in sdn.subnets if s.vnet == vnet.id)
        out.append(
            VnetView(
                id=vnet.id,
                zone=vnet.zone,
                zone_type=ztype,
                bridge=zone.bridge if zone and ztype in ("vlan", "qinq") else None,
                vlan=vnet.tag if ztype == "vlan" else zone.tag if zone and ztype == "qinq" else None,
                inner_vlan=vnet.tag if ztype == "qinq" else None,
                vni=vnet.tag if ztype in ("vxlan", "evpn") else None,
                peers=zone.peers if zone else (),
                subnets=subnets,
                mtu=zone.mtu if zone else None,
                nodes=zone.nodes if zone else (),
                vlanaware=vnet.vlanaware,
                source=vnet.source,
            )
        )
    return tuple(sorted(out, key=lambda v: v.id))


# ----------------------------------------------------------------------------------------- corosync


def _corosync(cluster: Cluster, hosts: dict[str, HostNet]) -> tuple[CorosyncLinkView, ...]:
    conf = cluster.corosync
    if conf is None:
        return ()
    priorities = {i.number: i for i in (conf.totem.interfaces if conf.totem else ()) if i.number is not None}
    numbers = sorted({link.number for n in conf.nodes for link in n.links})
    views = []
    for number in numbers:
        addresses = []
        for cnode in conf.nodes:
            for link in cnode.links:
                if link.number != number:
                    continue
                label = cnode.label
                ip, how = resolve(link.address, _hosts_order(cluster, label))
                host, parsed = hosts.get(label), parse_ip(ip)
                held = holders(host, parsed) if host is not None and parsed is not None else ()
                addresses.append(
                    RingAddress(number, label, link.address, ip, how, held[0] if held else None, link.source)
                )
        block = priorities.get(number)
        views.append(
            CorosyncLinkView(
                number,
                block.knet_link_priority if block else None,
                tuple(sorted(addresses, key=lambda a: natural_key(a.node))),
                block.source if block else None,
            )
        )
    return tuple(views)


# ----------------------------------------------------------------------------------------- storage


def _storage_nodes(storage: Storage, cluster: Cluster) -> list[str]:
    names = [n.name for n in cluster.nodes]
    return [n for n in names if not storage.nodes or n in storage.nodes]


def _endpoints(storage: Storage, cluster: Cluster) -> tuple[str, ...]:
    if storage.remote_hosts:
        return storage.remote_hosts
    if storage.type in ("rbd", "cephfs") and cluster.ceph is not None:
        return cluster.ceph.mon_hosts  # hyper-converged: the cluster's own monitors
    return ()


def _storage_paths(cluster: Cluster, hosts: dict[str, HostNet]) -> tuple[StoragePath, ...]:
    if cluster.storage is None:
        return ()
    out = []
    for storage in cluster.storage.storages:
        if not storage.is_network:
            continue
        for endpoint in _endpoints(storage, cluster):
            for name in _storage_nodes(storage, cluster):
                host = hosts.get(name)
                ip_text, _ = resolve(endpoint, _hosts_order(cluster, name))
                ip = parse_ip(ip_text)
                if host is None:
                    continue
                if ip is None:
                    reason = f"{endpoint} is named in no /etc/hosts (netdoc does not query DNS)"
                    out.append(
                        StoragePath(
                            storage.id, storage.type, name, endpoint, None, None, reason, storage.source
                        )
                    )
                    continue
                found = egress(host, ip)
                reason = "" if found else f"no interface, route or default gateway of {name} reaches {ip}"
                out.append(
                    StoragePath(
                        storage.id, storage.type, name, endpoint, str(ip), found, reason, storage.source
                    )
                )
    return tuple(out)


def _ceph_source(ceph: CephConf, key: str) -> SourceRef | None:
    for section in ceph.sections:
        for opt in section.options:
            if opt.key == key:
                return opt.source
    return None


def _ceph_networks(cluster: Cluster, hosts: dict[str, HostNet]) -> tuple[CephNetwork, ...]:
    ceph = cluster.ceph
    if ceph is None:
        return ()
    out = []
    for role, cidrs in (("public", ceph.public_networks), ("cluster", ceph.cluster_networks)):
        source = _ceph_source(ceph, f"{role}_network")
        for cidr in cidrs:
            net = parse_network(cidr)
            for name in sorted(hosts, key=natural_key):
                iface = None
                for candidate in hosts[name].ifaces if net is not None else ():
                    ips = (parse_ip(c.split("/")[0]) for c in candidate.all_addresses)
                    if any(ip is not None and net is not None and ip in net for ip in ips):
                        iface = candidate.name
                        break
                out.append(CephNetwork(role, cidr, name, iface, source))
    return tuple(out)


# ----------------------------------------------------------------------------------------- LLDP, management


def _switches(cluster: Cluster, hosts: dict[str, HostNet]) -> tuple[Switch, ...]:
    node_names = {n.name for n in cluster.nodes}
    first: dict[str, LldpNeighbor] = {}
    links: dict[str, list[SwitchPortLink]] = {}
    for host in hosts.values():
        for iface in host.ifaces:
            for nb in iface.lldp:
                name = nb.chassis_name or nb.chassis_id or "?"
                if name.split(".", 1)[0] in node_names:
                    continue  # a peer node (a mesh cable), not a switch
                first.setdefault(name, nb)
                port = nb.port_id or nb.port_descr or "?"
                links.setdefault(name, []).append(SwitchPortLink(name, port, host.name, iface.name, nb))
    return tuple(
        Switch(
            name,
            first[name].chassis_id,
            first[name].chassis_descr,
            first[name].mgmt_addresses,
            tuple(sorted(links[name], key=lambda lk: (natural_key(lk.node), natural_key(lk.nic)))),
        )
        for name in sorted(first, key=natural_key)
    )


def _management(cluster: Cluster, hosts: dict[str, HostNet]) -> tuple[Management, ...]:
    """The node's address from /cluster/status when an interface holds it, else its own /etc/hosts."""
    out = []
    for node in cluster.nodes:
        host = hosts[node.name]
        candidates: list[tuple[str | None, str]] = [(node.address, "cluster-status")]
        candidates.append((resolve(node.name, [(node.name, node.hosts)])[0], "hosts"))
        chosen = Management(node.name, node.address, "cluster-status" if node.address else None, None)
        for address, how in candidates:
            ip = parse_ip(address)
            held = holders(host, ip) if ip is not None else ()
            if held:
                chosen = Management(node.name, address, how, held[0])
                break
        out.append(chosen)
    return tuple(out)


# ----------------------------------------------------------------------------------------- entry


def assemble(cluster: Cluster) -> ClusterNet:
    """The assembled model of one cluster."""
    hosts = {n.name: assemble_node(n) for n in cluster.nodes}
    vnets = _vnets(cluster.sdn or cluster.sdn_running)
    return ClusterNet(
        name=cluster.name,
        sources=cluster,
        hosts=tuple(hosts[n] for n in sorted(hosts, key=natural_key)),
        attachments=_attachments(cluster, hosts, vnets),
        corosync_links=_corosync(cluster, hosts),
        storage_paths=_storage_paths(cluster, hosts),
        ceph_networks=_ceph_networks(cluster, hosts),
        vnets=vnets,
        mesh_links=find_mesh_links(cluster, hosts),
        switches=_switches(cluster, hosts),
        management=_management(cluster, hosts),
    )


def assemble_estate(clusters: Iterable[Cluster]) -> Estate:
    """Several clusters (a folder of snapshots), by name."""
    return Estate(tuple(sorted((assemble(c) for c in clusters), key=lambda c: natural_key(c.name))))
