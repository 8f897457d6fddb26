"""Cluster files under /etc/pve and a few /etc files, written the way Proxmox VE's writers do.

corosync.conf (keys sorted, 2-space indent, blank lines only between top-level sections, nodes by
name), storage.cfg and SDN *.cfg (SectionConfig: `type: id`, TAB-indented `key value`, `disable`
bare, then required keys sorted, then optional keys sorted, a blank line after each section),
datacenter.cfg, guest configs (keys sorted; `netN` property strings in PVE's order: the default key
first, the rest sorted), /etc/hosts and /etc/resolv.conf.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from netdoc.lab.devices import ClusterCtx, nic_index
from netdoc.lab.schema import Cluster, DirStorage, Guest, GuestNic, Storage

QEMU_BY_PVE = {6: "5.2.0", 7: "6.2.0", 8: "8.1.5"}  # the QEMU a guest created on that PVE release records
Section = tuple[str, str, dict[str, Any], dict[str, Any]]  # (type, id, required, optional)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


def section_config(sections: Iterable[Section]) -> str:
    """Proxmox SectionConfig text; list values repeat their key (array properties)."""
    out = []
    for typ, sid, required, optional in sections:
        lines = [f"{typ}: {sid}"]
        if optional.get("comment"):
            lines.append(f"\tcomment {optional['comment']}")
        if optional.get("disable"):
            lines.append("\tdisable")
        for group in (required, optional):
            for key in sorted(group):
                if key in ("comment", "disable") and group is optional:
                    continue
                value = group[key]
                if value is None or value == "":
                    continue
                for item in value if isinstance(value, list) else [value]:
                    lines.append(f"\t{key} {_value(item)}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out) + ("\n" if out else "")


# ------------------------------------------------------------------------------------------ corosync


def _corosync_block(name: str, items: Sequence[tuple[str, Any]], depth: int) -> list[str]:
    pad = "  " * depth
    lines = [f"{pad}{name} {{"]
    for key, value in items:
        if isinstance(value, list):  # sub-sections (node, interface)
            for sub in value:
                lines += _corosync_block(key, sub, depth + 1)
        else:
            lines.append(f"{pad}  {key}: {value}")
    lines.append(f"{pad}}}")
    return lines


def node_ids(cluster: Cluster) -> dict[str, int]:
    used = {n.nodeid for n in cluster.nodes if n.nodeid}
    out, nxt = {}, 1
    for n in cluster.nodes:
        if n.nodeid:
            out[n.name] = n.nodeid
            continue
        while nxt in used:
            nxt += 1
        out[n.name] = nxt
        used.add(nxt)
    return out


def corosync_conf(cluster: Cluster) -> str | None:
    if cluster.corosync is None:
        return None
    ids = node_ids(cluster)
    links = sorted(cluster.corosync.links, key=lambda link: link.number)
    nodes = []
    for n in sorted(cluster.nodes, key=lambda n: n.name):
        items: list[tuple[str, Any]] = [("name", n.name), ("nodeid", ids[n.name]), ("quorum_votes", 1)]
        items += [(f"ring{link.number}_addr", link.addresses[n.name]) for link in links]
        nodes.append(items)
    interfaces = []
    for link in links:
        iface: list[tuple[str, Any]] = []
        if link.priority is not None:
            iface.append(("knet_link_priority", link.priority))
        iface.append(("linknumber", link.number))
        interfaces.append(iface)
    totem: list[tuple[str, Any]] = [
        ("cluster_name", cluster.name),
        ("config_version", cluster.corosync.config_version),
        ("interface", interfaces),
        ("ip_version", "ipv4-6"),
        ("link_mode", "passive"),
        ("secauth", "on"),
        ("version", 2),
    ]
    blocks = [
        _corosync_block("logging", [("debug", "off"), ("to_syslog", "yes")], 0),
        _corosync_block("nodelist", [("node", nodes)], 0),
        _corosync_block("quorum", [("provider", "corosync_votequorum")], 0),
        _corosync_block("totem", totem, 0),
    ]
    return "\n\n".join("\n".join(b) for b in blocks) + "\n"


# ------------------------------------------------------------------------------------------ storage

_MOUNTED = ("nfs", "cifs", "cephfs")


def storages(cluster: Cluster) -> list[Storage]:
    """The cluster's storages; `local` is always there (Proxmox injects it when it is missing)."""
    out = list(cluster.storage)
    if not any(s.id == "local" for s in out):
        out.insert(
            0, DirStorage(id="local", type="dir", path="/var/lib/vz", content=("iso", "vztmpl", "backup"))
        )
    return out


def storage_properties(st: Storage) -> tuple[dict[str, Any], dict[str, Any]]:
    """(required, optional) properties of a storage as storage.cfg and GET /storage hold them."""
    data = st.model_dump(exclude={"id", "type", "content", "nodes", "disable"}, exclude_none=True)
    required_keys = {
        "dir": ("path",),
        "nfs": ("export", "path", "server"),
        "cifs": ("path", "server", "share"),
        "iscsi": ("portal", "target"),
        "pbs": ("datastore", "server"),
        "lvm": ("vgname",),
        "lvmthin": ("thinpool", "vgname"),
        "zfspool": ("pool",),
    }.get(st.type, ())
    if st.type in _MOUNTED:
        data["path"] = f"/mnt/pve/{st.id}"
    if "fs_name" in data:
        data["fs-name"] = data.pop("fs_name")
    if "monhost" in data:
        data["monhost"] = " ".join(data["monhost"])
        if not data["monhost"]:
            del data["monhost"]
    for flag in ("shared", "krbd", "sparse"):
        if data.get(flag) is False:
            del data[flag]
    if st.content:
        data["content"] = ",".join(st.content)
    if st.nodes:
        data["nodes"] = ",".join(st.nodes)
    if st.disable:
        data["disable"] = True
    required = {k: data.pop(k) for k in required_keys if k in data}
    return required, data


def storage_cfg(cluster: Cluster) -> str:
    return section_config((st.type, st.id, *storage_properties(st)) for st in storages(cluster))


# ------------------------------------------------------------------------------------------ misc files


def datacenter_cfg(cluster: Cluster) -> str:
    dc = cluster.datacenter
    items = {"keyboard": dc.keyboard or "en-us"}
    if dc.console:
        items["console"] = dc.console
    if dc.mac_prefix:
        items["mac_prefix"] = dc.mac_prefix
    if dc.migration_network:
        items["migration"] = f"type=secure,network={dc.migration_network}"
    return "".join(f"{k}: {items[k]}\n" for k in sorted(items))


def host_address(cluster: Cluster, node_name: str) -> str:
    node = next(n for n in cluster.nodes if n.name == node_name)
    if node.hosts_address:
        return node.hosts_address
    if cluster.corosync:
        link0 = min(cluster.corosync.links, key=lambda link: link.number)
        if node.name in link0.addresses:
            return link0.addresses[node.name]
    return node.address


def etc_hosts(cluster: Cluster) -> str:
    lines = ["127.0.0.1 localhost.localdomain localhost"]
    for n in cluster.nodes:
        lines.append(f"{host_address(cluster, n.name)} {n.name}.{cluster.dns.search} {n.name}")
    lines += [
        "",
        "# The following lines are desirable for IPv6 capable hosts",
        "",
        "::1     ip6-localhost ip6-loopback",
        "fe00::0 ip6-localnet",
        "ff00::0 ip6-mcastprefix",
        "ff02::1 ip6-allnodes",
        "ff02::2 ip6-allrouters",
        "ff02::3 ip6-allhosts",
    ]
    return "\n".join(lines) + "\n"


def members(cluster: Cluster, node_name: str) -> str | None:
    """/etc/pve/.members, pmxcfs's view of the membership as the node `node_name` sees it."""
    if cluster.corosync is None:
        return None
    ids = node_ids(cluster)
    online = sum(1 for n in cluster.nodes if n.online)
    quorate = 1 if online * 2 > len(cluster.nodes) else 0
    version = cluster.corosync.config_version + 2 * len(cluster.nodes)
    lines = [
        "{",
        f'"nodename": "{node_name}",',
        f'"version": {version},',
        f'"cluster": {{ "name": "{cluster.name}", "version": {cluster.corosync.config_version}, '
        f'"nodes": {len(cluster.nodes)}, "quorate": {quorate} }},',
        '"nodelist": {',
    ]
    entries = []
    for n in cluster.nodes:
        ip = host_address(cluster, n.name)
        entries.append(f'  "{n.name}": {{ "id": {ids[n.name]}, "online": {int(n.online)}, "ip": "{ip}"}}')
    lines += [",\n".join(entries), "  }", "}"]
    return "\n".join(lines) + "\n"


def resolv_conf(cluster: Cluster) -> str:
    return f"search {cluster.dns.search}\n" + "".join(f"nameserver {s}\n" for s in cluster.dns.servers)


# ------------------------------------------------------------------------------------------ guests


def _fmt_rate(rate: float) -> str:
    return f"{rate:g}"


def _nic_props(nic: GuestNic) -> dict[str, str]:
    """The properties qemu and lxc NICs write alike (each adds its own; keys are sorted on output)."""
    props: dict[str, str] = {"bridge": nic.bridge}
    if nic.firewall:
        props["firewall"] = "1"
    if nic.link_down:
        props["link_down"] = "1"
    if nic.mtu:
        props["mtu"] = str(nic.mtu)
    if nic.rate:
        props["rate"] = _fmt_rate(nic.rate)
    if nic.tag:
        props["tag"] = str(nic.tag)
    if nic.trunks:
        props["trunks"] = ";".join(str(t) for t in nic.trunks)
    return props


def qemu_net(nic: GuestNic, mac: str) -> str:
    props = _nic_props(nic)
    if nic.queues:
        props["queues"] = str(nic.queues)
    return ",".join([f"{nic.model}={mac}", *(f"{k}={props[k]}" for k in sorted(props))])


def lxc_net(nic: GuestNic, index: int, mac: str) -> str:
    props = {**_nic_props(nic), "hwaddr": mac, "type": "veth"}
    if nic.ip:
        props["ip"] = nic.ip
    if nic.gw:
        props["gw"] = nic.gw
    name = nic.name or f"eth{index}"
    return ",".join([f"name={name}", *(f"{k}={props[k]}" for k in sorted(props))])


FILE_STORAGES = ("dir", "nfs", "cifs", "cephfs")


def volume(ctx: ClusterCtx, guest: Guest, name: str, fmt: str) -> str:
    """A volume id: `store:vm-100-disk-0` on block storage, `store:100/vm-100-disk-0.raw` on file storage."""
    st = next((s for s in storages(ctx.cluster) if s.id == guest.storage), None)
    if st is not None and st.type in FILE_STORAGES:
        return f"{guest.storage}:{guest.vmid}/{name}.{fmt}"
    return f"{guest.storage}:{name}"


def guest_config(ctx: ClusterCtx, guest: Guest) -> dict[str, str]:
    """The guest's configuration as key -> value (the file's top section and the API's map)."""
    conf: dict[str, str] = {}
    vmid = guest.vmid
    if guest.type == "qemu":
        major = pve_major(ctx.cluster)
        conf.update(
            boot="order=scsi0;net0" if guest.nics else "order=scsi0",
            cores=str(guest.cores),
            memory=str(guest.memory_mb),
            meta=f"creation-qemu={QEMU_BY_PVE.get(major, '9.0.2')},ctime={1650000000 + vmid}",
            name=guest.name,
            numa="0",
            ostype=guest.ostype or "l26",
            scsi0=f"{volume(ctx, guest, f'vm-{vmid}-disk-0', 'qcow2')},iothread=1,size={guest.disk_gb}G",
            scsihw="virtio-scsi-single" if major >= 8 else "virtio-scsi-pci",
            smbios1=f"uuid={ctx_uuid(ctx, 'smbios', vmid)}",
            sockets="1",
            vmgenid=ctx_uuid(ctx, "vmgenid", vmid),
        )
        if major >= 8:
            conf["cpu"] = "x86-64-v2-AES"  # the default the PVE 8 wizard writes
        cloudinit = False
        for pos, nic in enumerate(guest.nics):
            idx = nic_index(nic, pos)
            conf[f"net{idx}"] = qemu_net(nic, ctx.guest_mac(guest, idx, nic))
            if nic.ip:
                cloudinit = True
                ipc = f"ip={nic.ip}" + (f",gw={nic.gw}" if nic.gw else "")
                conf[f"ipconfig{idx}"] = ipc
        if cloudinit:
            conf["ide2"] = f"{guest.storage}:vm-{vmid}-cloudinit,media=cdrom"
    else:
        conf.update(
            arch="amd64",
            cores=str(guest.cores),
            features="nesting=1",
            hostname=guest.name,
            memory=str(guest.memory_mb),
            ostype=guest.ostype or "debian",
            rootfs=f"{volume(ctx, guest, f'vm-{vmid}-disk-0', 'raw')},size={guest.disk_gb}G",
            swap="512",
            unprivileged="1",
        )
        for pos, nic in enumerate(guest.nics):
            idx = nic_index(nic, pos)
            conf[f"net{idx}"] = lxc_net(nic, idx, ctx.guest_mac(guest, idx, nic))
    if guest.onboot:
        conf["onboot"] = "1"
    if guest.template:
        conf["template"] = "1"
    if guest.tags:
        conf["tags"] = ";".join(guest.tags)
    return dict(sorted(conf.items()))


def pve_major(cluster: Cluster) -> int:
    return int(cluster.pve_version.split(".")[0])


def ctx_uuid(ctx: ClusterCtx, *parts: object) -> str:
    from netdoc.lab import ids

    return ids.make_uuid(ctx.seed, ctx.cluster.name, *parts)


def guest_config_text(ctx: ClusterCtx, guest: Guest) -> str:
    head = "".join(f"#{line}\n" for line in (guest.description or "").splitlines())
    return head + "".join(f"{k}: {v}\n" for k, v in guest_config(ctx, guest).items())


def guest_config_path(guest: Guest) -> str:
    folder = "qemu-server" if guest.type == "qemu" else "lxc"
    return f"/etc/pve/nodes/{guest.node}/{folder}/{guest.vmid}.conf"
