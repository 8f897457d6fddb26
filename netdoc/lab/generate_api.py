"""The Proxmox VE API replies of a simulated cluster: path (below /api2/json) -> whole JSON body.

Types follow the real API (reference/proxmox/FORMATS.md, api-samples): booleans as 1/0 and false
keys left out, values read from config text as strings (netmask, mtu, bridge_fd, corosync ids),
`vmid` an integer except in GET /nodes/{n}/lxc (a string there, as PVE returns it), `lo` absent
from the network list. Every reply is {"data": ...}. Replies of offline nodes are generated too;
the API server answers 595 for them.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from netdoc.lab import ids
from netdoc.lab.devices import ClusterCtx, NodeRuntime
from netdoc.lab.generate_ifupdown import network_api
from netdoc.lab.generate_pve import (
    etc_hosts,
    guest_config,
    guest_config_text,
    node_ids,
    pve_major,
    storage_cfg,
    storage_properties,
    storages,
)
from netdoc.lab.generate_sdn import sdn_files, subnet_id, vnet_fields, zone_fields
from netdoc.lab.schema import Cluster, Guest

GIB = 1024**3
SHARED_TYPES = ("nfs", "cifs", "iscsi", "rbd", "cephfs", "pbs")
INT_KEYS_QEMU = ("cores", "numa", "onboot", "sockets", "template")
INT_KEYS_LXC = ("cores", "memory", "onboot", "swap", "template", "unprivileged")
SDN_INT_KEYS = ("tag", "mtu", "vrf-vxlan", "asn", "vlanaware", "snat")


def _data(value: Any) -> dict[str, Any]:
    return {"data": value}


def repoid(version: str) -> str:
    return ids.digest(0, "repoid", version).hex()[:16]


def version_info(cluster: Cluster) -> dict[str, Any]:
    major, minor = cluster.pve_version.replace("-", ".").split(".")[:2]
    rid = cluster.repoid or repoid(cluster.pve_version)
    return {"release": f"{major}.{minor}", "repoid": rid, "version": cluster.pve_version}


def _frac(ctx: ClusterCtx, *parts: object) -> float:
    return ids.number(ctx.seed, ctx.cluster.name, *parts, modulo=10_000) / 10_000


def _guest_stats(ctx: ClusterCtx, g: Guest, online: bool) -> dict[str, Any]:
    running = g.status == "running" and online
    maxmem, maxdisk = g.memory_mb * 1024 * 1024, g.disk_gb * GIB
    out: dict[str, Any] = {
        "cpu": round(_frac(ctx, g.vmid, "cpu") * 0.2, 6) if running else 0,
        "cpus": g.cores,
        "disk": 0,
        "diskread": int(_frac(ctx, g.vmid, "dr") * 4 * GIB) if running else 0,
        "diskwrite": int(_frac(ctx, g.vmid, "dw") * 2 * GIB) if running else 0,
        "maxdisk": maxdisk,
        "maxmem": maxmem,
        "mem": int(maxmem * (0.2 + 0.6 * _frac(ctx, g.vmid, "mem"))) if running else 0,
        "name": g.name,
        "netin": int(_frac(ctx, g.vmid, "in") * GIB) if running else 0,
        "netout": int(_frac(ctx, g.vmid, "out") * GIB) if running else 0,
        "status": g.status if online else "unknown",
        "uptime": 3600 + ids.number(ctx.seed, g.vmid, "up", modulo=2_000_000) if running else 0,
    }
    if running:
        out["pid"] = 1000 + ids.number(ctx.seed, g.vmid, "pid", modulo=4_000_000)
    if g.template:
        out["template"] = 1
    if g.tags:
        out["tags"] = ";".join(g.tags)
    return out


def _node_stats(ctx: ClusterCtx, name: str) -> dict[str, Any]:
    node = ctx.nodes[name]
    maxmem = node.memory_gb * GIB
    return {
        "cpu": round(0.02 + 0.3 * _frac(ctx, name, "cpu"), 6),
        "disk": int(100 * GIB * (0.1 + 0.5 * _frac(ctx, name, "disk"))),
        "maxcpu": node.cpus,
        "maxdisk": 100 * GIB,
        "maxmem": maxmem,
        "mem": int(maxmem * (0.2 + 0.5 * _frac(ctx, name, "mem"))),
        "uptime": 86400 + ids.number(ctx.seed, name, "uptime", modulo=10_000_000),
    }


def _typed_config(ctx: ClusterCtx, g: Guest) -> dict[str, Any]:
    conf: dict[str, Any] = dict(guest_config(ctx, g))
    for key in INT_KEYS_QEMU if g.type == "qemu" else INT_KEYS_LXC:
        if key in conf:
            conf[key] = int(conf[key])
    if g.type == "qemu" and pve_major(ctx.cluster) < 8:
        conf["memory"] = int(conf["memory"])
    if g.description:
        conf["description"] = g.description + "\n"
    conf["digest"] = ids.sha1_hex(guest_config_text(ctx, g))
    return conf


def _storage_api(cluster: Cluster) -> list[dict[str, Any]]:
    digest = ids.sha1_hex(storage_cfg(cluster))
    out = []
    for st in storages(cluster):
        req, opt = storage_properties(st)
        item: dict[str, Any] = {"storage": st.id, "type": st.type, "digest": digest}
        for key, value in {**req, **opt}.items():
            item[key] = 1 if value is True else value
        out.append(item)
    return out


def _storage_on(st: Any, node: str) -> bool:
    return not st.nodes or node in st.nodes


def _node_storage(ctx: ClusterCtx, node: str) -> list[dict[str, Any]]:
    out = []
    for st in storages(ctx.cluster):
        if not _storage_on(st, node) or st.disable:
            continue
        shared = st.type in SHARED_TYPES or bool(getattr(st, "shared", False))
        total = (4096 if shared else 512) * GIB
        used = int(total * (0.05 + 0.7 * _frac(ctx, node if not shared else "", st.id, "used")))
        out.append(
            {
                "active": 1,
                "avail": total - used,
                "content": ",".join(st.content),
                "enabled": 1,
                "shared": 1 if shared else 0,
                "storage": st.id,
                "total": total,
                "type": st.type,
                "used": used,
                "used_fraction": round(used / total, 6),
            }
        )
    return out


def _sdn_api(cluster: Cluster) -> dict[str, Any]:
    out: dict[str, Any] = {}
    sdn = cluster.sdn
    files = sdn_files(cluster)

    def typed(d: dict[str, Any]) -> dict[str, Any]:
        return {k: int(v) if k in SDN_INT_KEYS and v is not None else v for k, v in d.items()}

    zones_digest = ids.sha1_hex(files.get("/etc/pve/sdn/zones.cfg", ""))
    vnets_digest = ids.sha1_hex(files.get("/etc/pve/sdn/vnets.cfg", ""))
    subnets_digest = ids.sha1_hex(files.get("/etc/pve/sdn/subnets.cfg", ""))
    ctl_digest = ids.sha1_hex(files.get("/etc/pve/sdn/controllers.cfg", ""))
    zones: list[dict[str, Any]] = []
    vnets: list[dict[str, Any]] = []
    controllers: list[dict[str, Any]] = []
    if sdn is not None:
        for z in sdn.zones:
            req, opt = zone_fields(z)
            zones.append({"zone": z.id, "type": z.type, "digest": zones_digest, **typed({**req, **opt})})
        for v in sdn.vnets:
            req, opt = vnet_fields(v)
            vnets.append({"vnet": v.id, "type": "vnet", "digest": vnets_digest, **typed({**req, **opt})})
        for c in sdn.controllers:
            controllers.append(
                {
                    "controller": c.id,
                    "type": c.type,
                    "digest": ctl_digest,
                    "asn": c.asn,
                    "peers": ",".join(c.peers),
                }
            )
    out["/cluster/sdn/zones"] = _data(zones)
    out["/cluster/sdn/vnets"] = _data(vnets)
    out["/cluster/sdn/controllers"] = _data(controllers)
    for v in sdn.vnets if sdn else ():
        subs = []
        for s in sdn.subnets if sdn else ():
            if s.vnet != v.id:
                continue
            net = ipaddress.ip_network(s.cidr)
            sid = subnet_id(cluster, s.vnet, s.cidr)
            item: dict[str, Any] = {"cidr": s.cidr, "digest": subnets_digest}
            item["dhcp-range"] = [{"end-address": r.end, "start-address": r.start} for r in s.dhcp_ranges]
            if s.gateway:
                item["gateway"] = s.gateway
            item.update(id=sid, mask=str(net.prefixlen), network=str(net.network_address))
            if s.snat:
                item["snat"] = 1
            item.update(subnet=sid, type="subnet", vnet=s.vnet, zone=v.zone)
            subs.append(item)
        out[f"/cluster/sdn/vnets/{v.id}/subnets"] = _data(subs)
    return out


def cluster_api(ctx: ClusterCtx, runtimes: dict[str, NodeRuntime]) -> dict[str, Any]:
    """Every API reply netdoc reads, for one cluster."""
    cluster = ctx.cluster
    api: dict[str, Any] = {}
    online = {n.name: n.online for n in cluster.nodes}
    serving = next((n.name for n in cluster.nodes if n.online), cluster.nodes[0].name)
    nodeids = node_ids(cluster)
    api["/version"] = _data(version_info(cluster))
    status: list[dict[str, Any]] = []
    if cluster.corosync is not None:
        quorate = sum(online.values()) * 2 > len(online)
        status.append(
            {
                "id": "cluster",
                "name": cluster.name,
                "nodes": len(cluster.nodes),
                "quorate": 1 if quorate else 0,
                "type": "cluster",
                "version": cluster.corosync.config_version,
            }
        )
    for n in sorted(cluster.nodes, key=lambda n: n.name):
        status.append(
            {
                "id": f"node/{n.name}",
                "ip": n.address,
                "level": "",
                "local": 1 if n.name == serving else 0,
                "name": n.name,
                "nodeid": nodeids[n.name] if cluster.corosync else 0,
                "online": 1 if n.online else 0,
                "type": "node",
            }
        )
    api["/cluster/status"] = _data(status)
    if cluster.corosync is not None:
        links = sorted(cluster.corosync.links, key=lambda link: link.number)
        cfg_nodes = []
        for n in sorted(cluster.nodes, key=lambda n: n.name):
            entry = {"name": n.name, "node": n.name, "nodeid": str(nodeids[n.name]), "quorum_votes": "1"}
            entry.update({f"ring{link.number}_addr": link.addresses[n.name] for link in links})
            cfg_nodes.append(entry)
        api["/cluster/config/nodes"] = _data(cfg_nodes)
        interfaces = {}
        for link in links:
            iface = {"linknumber": str(link.number)}
            if link.priority is not None:
                iface["knet_link_priority"] = str(link.priority)
            interfaces[str(link.number)] = iface
        api["/cluster/config/totem"] = _data(
            {
                "cluster_name": cluster.name,
                "config_version": str(cluster.corosync.config_version),
                "interface": interfaces,
                "ip_version": "ipv4-6",
                "link_mode": "passive",
                "secauth": "on",
                "version": "2",
            }
        )
    dc = cluster.datacenter
    options: dict[str, Any] = {"keyboard": dc.keyboard or "en-us"}
    if dc.console:
        options["console"] = dc.console
    if dc.mac_prefix:
        options["mac_prefix"] = dc.mac_prefix
    if dc.migration_network:
        options["migration"] = {"network": dc.migration_network, "type": "secure"}
    api["/cluster/options"] = _data(options)

    node_items, guest_items, storage_items, sdn_items = [], [], [], []
    for n in cluster.nodes:
        base = {"id": f"node/{n.name}", "node": n.name, "type": "node"}
        if n.online:
            node_items.append(
                {
                    **base,
                    "level": "",
                    "ssl_fingerprint": ids.fingerprint(ctx.seed, n.name),
                    "status": "online",
                    **_node_stats(ctx, n.name),
                }
            )
        else:
            node_items.append({**base, "status": "offline"})
    api["/nodes"] = _data(node_items)
    res_nodes = [
        {**{k: v for k, v in item.items() if k != "ssl_fingerprint"}, "cgroup-mode": 2}
        if item["status"] == "online"
        else item
        for item in node_items
    ]
    for g in sorted(cluster.guests, key=lambda g: g.vmid):
        item: dict[str, Any] = {"id": f"{g.type}/{g.vmid}", "node": g.node, "type": g.type, "vmid": g.vmid}
        item.update(_guest_stats(ctx, g, online.get(g.node, False)))
        item["maxcpu"] = item.pop("cpus")
        item.setdefault("template", 0)
        item.pop("pid", None)
        guest_items.append(dict(sorted(item.items())))
    for n in cluster.nodes:
        for st in storages(cluster):
            if not _storage_on(st, n.name):
                continue
            shared = st.type in SHARED_TYPES or bool(getattr(st, "shared", False))
            storage_items.append(
                {
                    "content": ",".join(st.content),
                    "id": f"storage/{n.name}/{st.id}",
                    "node": n.name,
                    "plugintype": st.type,
                    "shared": 1 if shared else 0,
                    "status": "available" if n.online else "unknown",
                    "storage": st.id,
                    "type": "storage",
                }
            )
        if cluster.sdn:
            for z in cluster.sdn.zones:
                if not z.nodes or n.name in z.nodes:
                    sdn_items.append(
                        {
                            "id": f"sdn/{n.name}/{z.id}",
                            "node": n.name,
                            "sdn": z.id,
                            "status": "ok" if n.online else "unknown",
                            "type": "sdn",
                        }
                    )
    api["/cluster/resources"] = _data(guest_items + res_nodes + storage_items + sdn_items)
    api["/cluster/resources?type=vm"] = _data(guest_items)
    api["/cluster/resources?type=node"] = _data(res_nodes)
    api["/cluster/resources?type=storage"] = _data(storage_items)
    api["/cluster/resources?type=sdn"] = _data(sdn_items)
    api["/storage"] = _data(_storage_api(cluster))
    api.update(_sdn_api(cluster))

    hosts = etc_hosts(cluster)
    for n in cluster.nodes:
        p = f"/nodes/{n.name}"
        api[f"{p}/version"] = _data(version_info(cluster))
        dns: dict[str, Any] = {"search": cluster.dns.search}
        for i, server in enumerate(cluster.dns.servers[:3], start=1):
            dns[f"dns{i}"] = server
        api[f"{p}/dns"] = _data(dns)
        api[f"{p}/hosts"] = _data({"data": hosts, "digest": ids.sha1_hex(hosts)})
        net = network_api(n, runtimes[n.name])
        api[f"{p}/network"] = _data(net)
        for item in net:
            api[f"{p}/network/{item['iface']}"] = _data({k: v for k, v in item.items() if k != "iface"})
        api[f"{p}/storage"] = _data(_node_storage(ctx, n.name))
        qemu, lxc = [], []
        for g in sorted(cluster.guests, key=lambda g: g.vmid):
            if g.node != n.name:
                continue
            stats = _guest_stats(ctx, g, True)
            if g.type == "qemu":
                qemu.append({**stats, "vmid": g.vmid})
                api[f"{p}/qemu/{g.vmid}/config"] = _data(_typed_config(ctx, g))
            else:
                lxc.append(
                    {**stats, "maxswap": 512 * 1024 * 1024, "swap": 0, "type": "lxc", "vmid": str(g.vmid)}
                )
                api[f"{p}/lxc/{g.vmid}/config"] = _data(_typed_config(ctx, g))
        api[f"{p}/qemu"] = _data(qemu)
        api[f"{p}/lxc"] = _data(lxc)
    return dict(sorted(api.items()))
