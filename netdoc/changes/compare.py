"""Compare two estates (and their audits) into Change sentences, configuration and runtime apart.

Pure. What is compared: clusters and nodes; each interface's configuration (kind, members,
addresses, gateway, MTU, bond mode, VLAN awareness and VIDs, OVS tag and trunks) and runtime state
(up/down, present, runtime members, LACP partner, OVS errors, runtime MTU, LLDP cabling); guests
(added, removed, moved, and each NIC's bridge, VLAN, MAC, firewall, rate, address); corosync links
(added, removed, priority, addresses, the interface holding them); storage and its paths; SDN
VNets; and the audit's findings (new, resolved).
"""

from __future__ import annotations

from collections.abc import Iterator

from netdoc.audit.finding import Finding
from netdoc.changes.change import KINDS, Change
from netdoc.model.guest import GuestNic
from netdoc.model.net import HostNet, Iface
from netdoc.model.netcluster import Attachment, ClusterNet, Estate
from netdoc.topology import ids

_TOPICS = (
    "cluster",
    "node",
    "interface",
    "bond",
    "bridge",
    "guest",
    "corosync",
    "storage",
    "sdn",
    "cabling",
    "finding",
)


def _j(items: object) -> str:
    if isinstance(items, tuple | list):
        return ", ".join(str(i) for i in items) or "none"
    return "none" if items in (None, "") else str(items)


def _what(iface: Iface) -> str:
    if iface.is_bond:
        return "bond"
    if iface.is_bridge:
        return "bridge"
    return "interface"


# ------------------------------------------------------------------------------------------ interfaces


def _config_changes(cluster: str, node: str, old: Iface, new: Iface) -> Iterator[Change]:
    a, b = old.config, new.config
    sid = ids.iface_id(cluster, node, new.name)
    name = f"{new.name} on {node}"
    topic = _what(new) if _what(new) != "interface" else "interface"

    def change(sentence: str, before: object, after: object) -> Change:
        return Change(cluster, node, "config", topic, sid, sentence, _j(before), _j(after))

    if a is None or b is None:
        return
    if a.kind is not b.kind:
        yield change(f"{name} changed kind from {a.kind.value} to {b.kind.value}", a.kind.value, b.kind.value)
    lost = [m for m in a.members if m not in b.members]
    gained = [m for m in b.members if m not in a.members]
    role = "slave" if new.is_bond else "port" if new.is_bridge else "member"
    for m in lost:
        yield change(f"{name} lost {role} {m}", a.members, b.members)
    for m in gained:
        yield change(f"{name} gained {role} {m}", a.members, b.members)
    before, after = {x.cidr for x in a.addresses}, {x.cidr for x in b.addresses}
    if before != after:
        if len(before) == 1 and len(after) == 1:
            yield change(
                f"{name}: address {next(iter(before))} -> {next(iter(after))}", sorted(before), sorted(after)
            )
        else:
            for cidr in sorted(after - before):
                yield change(f"{name}: address {cidr} added", sorted(before), sorted(after))
            for cidr in sorted(before - after):
                yield change(f"{name}: address {cidr} removed", sorted(before), sorted(after))
    for label, x, y in (
        ("gateway", a.gateway, b.gateway),
        ("IPv6 gateway", a.gateway6, b.gateway6),
        ("MTU", a.mtu, b.mtu),
        ("bond mode", a.bond_mode, b.bond_mode),
        ("OVS tag", a.ovs_tag, b.ovs_tag),
    ):
        if x != y:
            yield change(f"{name}: {label} {_j(x)} -> {_j(y)}", x, y)
    if a.bridge_vlan_aware != b.bridge_vlan_aware:
        state = "now VLAN-aware" if b.bridge_vlan_aware else "no longer VLAN-aware"
        yield change(f"{name} is {state}", a.bridge_vlan_aware, b.bridge_vlan_aware)
    if a.bridge_vids != b.bridge_vids:
        yield change(
            f"{name}: bridge-vids {_j(' '.join(a.bridge_vids))} -> {_j(' '.join(b.bridge_vids))}",
            a.bridge_vids,
            b.bridge_vids,
        )
    if a.ovs_trunks != b.ovs_trunks:
        yield change(
            f"{name}: OVS trunks {_j(a.ovs_trunks)} -> {_j(b.ovs_trunks)}", a.ovs_trunks, b.ovs_trunks
        )


def _partner(iface: Iface) -> str | None:
    lacp = iface.bond.lacp if iface.bond is not None else None
    if lacp is None:
        return None
    if lacp.has_active_aggregator is False:
        return "none"
    agg = lacp.active_aggregator
    if agg is None or agg.partner_mac is None:
        return None
    return "none" if agg.partner_mac == "00:00:00:00:00:00" else agg.partner_mac


def _switch_port(iface: Iface) -> str | None:
    for nb in iface.lldp:
        return f"{nb.chassis_name or nb.chassis_id or '?'} {nb.port_id or nb.port_descr or '?'}"
    return None


def _runtime_changes(cluster: str, host: HostNet, old: Iface, new: Iface) -> Iterator[Change]:
    node = host.name
    sid = ids.iface_id(cluster, node, new.name)
    topic = _what(new)

    def change(sentence: str, before: object, after: object, topic_: str = topic) -> Change:
        return Change(cluster, node, "runtime", topic_, sid, sentence, _j(before), _j(after))

    bond = host.iface(new.upper_runtime or new.upper)
    owner = (
        f"slave {new.name} of {bond.name} on {node}"
        if bond is not None and bond.is_bond
        else f"{new.name} on {node}"
    )
    if old.present is not False and new.present is False and old.present is not None:
        yield change(f"{owner} disappeared", "present", "absent")
    elif old.present is False and new.present:
        yield change(f"{owner} appeared", "absent", "present")
    if old.up is True and new.up is False and new.present is not False:
        yield change(f"{owner} went down", "up", "down")
    elif old.up is False and new.up is True:
        yield change(f"{owner} came up", "down", "up")
    if new.is_bond and old.lower_runtime is not None and new.lower_runtime is not None:
        for m in [m for m in old.lower_runtime if m not in new.lower_runtime]:
            yield change(f"{new.name} on {node} no longer runs on {m}", old.lower_runtime, new.lower_runtime)
        for m in [m for m in new.lower_runtime if m not in old.lower_runtime]:
            yield change(f"{new.name} on {node} now also runs on {m}", old.lower_runtime, new.lower_runtime)
    before, after = _partner(old), _partner(new)
    if before != after and before is not None and after is not None:
        if after == "none":
            yield change(f"{new.name} on {node} lost its LACP partner ({before})", before, after)
        elif before == "none":
            yield change(f"{new.name} on {node} negotiated LACP with {after}", before, after)
        else:
            yield change(f"{new.name} on {node}: LACP partner {before} -> {after}", before, after)
    err_old = old.ovs_interface.error if old.ovs_interface else None
    err_new = new.ovs_interface.error if new.ovs_interface else None
    if err_new and err_new != err_old:
        yield change(f"Open vSwitch reports an error on {new.name} on {node}: {err_new}", err_old, err_new)
    elif err_old and not err_new and new.ovs_interface is not None:
        yield change(f"the Open vSwitch error on {new.name} on {node} is gone", err_old, None)
    if old.mtu_runtime and new.mtu_runtime and old.mtu_runtime != new.mtu_runtime:
        yield change(
            f"{new.name} on {node} runs at MTU {new.mtu_runtime} (was {old.mtu_runtime})",
            old.mtu_runtime,
            new.mtu_runtime,
        )
    cab_old, cab_new = _switch_port(old), _switch_port(new)
    if cab_old and cab_new and cab_old != cab_new:
        yield change(
            f"{new.name} on {node} is now cabled to {cab_new} (was {cab_old})", cab_old, cab_new, "cabling"
        )


def _host_changes(cluster: str, old: HostNet, new: HostNet) -> Iterator[Change]:
    node = new.name
    before = {i.name: i for i in old.ifaces}
    after = {i.name: i for i in new.ifaces}
    for name in sorted(after.keys() - before.keys()):
        iface = after[name]
        kind = "config" if iface.config is not None else "runtime"
        verb = "added" if kind == "config" else "appeared"
        yield Change(
            cluster,
            node,
            kind,
            _what(iface),
            ids.iface_id(cluster, node, name),
            f"{_what(iface)} {name} {verb} on {node}" if kind == "runtime" else f"{name} added on {node}",
            None,
            iface.kind.value,
        )
    for name in sorted(before.keys() - after.keys()):
        iface = before[name]
        kind = "config" if iface.config is not None else "runtime"
        verb = "removed from" if kind == "config" else "disappeared from"
        yield Change(
            cluster,
            node,
            kind,
            _what(iface),
            ids.iface_id(cluster, node, name),
            f"{name} {verb} {node}",
            iface.kind.value,
            None,
        )
    for name in sorted(before.keys() & after.keys()):
        was, now = before[name], after[name]
        if (was.config is None) != (now.config is None):
            state = "now configured" if now.config is not None else "no longer configured"
            yield Change(
                cluster,
                node,
                "config",
                _what(now),
                ids.iface_id(cluster, node, name),
                f"{name} on {node} is {state}",
            )
        yield from _config_changes(cluster, node, was, now)
        yield from _runtime_changes(cluster, new, was, now)


# ------------------------------------------------------------------------------------------ guests


def _guest_label(att: Attachment) -> str:
    kind = "VM" if att.guest.type == "qemu" else "CT"
    return f"{kind} {att.vmid}" + (f" ({att.guest.name})" if att.guest.name else "")


def _nic_changes(
    cluster: str, label: str, node: str | None, a: Attachment, b: Attachment
) -> Iterator[Change]:
    sid = ids.nic_id(cluster, b.vmid, b.nic.key)
    x, y = a.nic, b.nic
    who = f"{label} {y.key}"

    def change(sentence: str, before: object, after: object) -> Change:
        return Change(cluster, node, "config", "guest", sid, sentence, _j(before), _j(after))

    if x.bridge != y.bridge:
        yield change(f"{who} moved from {_j(x.bridge)} to {_j(y.bridge)}", x.bridge, y.bridge)
    if a.vlan != b.vlan:
        where = f" on {y.bridge}" if x.bridge == y.bridge and y.bridge else ""
        if a.vlan is None:
            yield change(f"{who} now in VLAN {b.vlan}{where} (was untagged)", a.vlan, b.vlan)
        elif b.vlan is None:
            yield change(f"{who} is now untagged{where} (was VLAN {a.vlan})", a.vlan, b.vlan)
        else:
            yield change(f"{who} moved from VLAN {a.vlan} to VLAN {b.vlan}{where}", a.vlan, b.vlan)
    if (x.mac or "").lower() != (y.mac or "").lower():
        yield change(f"{who}: MAC {_j(x.mac)} -> {_j(y.mac)}", x.mac, y.mac)
    if bool(x.firewall) != bool(y.firewall):
        yield change(
            f"{who}: firewall turned {'on' if y.firewall else 'off'}", bool(x.firewall), bool(y.firewall)
        )
    if x.rate_mb_s != y.rate_mb_s:
        yield change(f"{who}: rate limit {_rate(x)} -> {_rate(y)}", x.rate_mb_s, y.rate_mb_s)
    if x.ip != y.ip:
        yield change(f"{who}: address {_j(x.ip)} -> {_j(y.ip)}", x.ip, y.ip)
    if x.link_down != y.link_down:
        yield change(
            f"{who}: link {'disconnected' if y.link_down else 'connected'}", x.link_down, y.link_down
        )


def _rate(nic: GuestNic) -> str:
    return f"{nic.rate_mb_s:g} MB/s" if nic.rate_mb_s is not None else "none"


def _guest_changes(old: ClusterNet, new: ClusterNet) -> Iterator[Change]:
    cluster = new.name

    def by_guest(net: ClusterNet) -> dict[int | None, list[Attachment]]:
        out: dict[int | None, list[Attachment]] = {}
        for att in net.attachments:
            out.setdefault(att.vmid, []).append(att)
        return out

    before, after = by_guest(old), by_guest(new)
    for vmid in sorted((after.keys() - before.keys()), key=lambda v: v or 0):
        att = after[vmid][0]
        yield Change(
            cluster,
            att.node,
            "config",
            "guest",
            ids.guest_id(cluster, vmid),
            f"{_guest_label(att)} added on {att.node}",
        )
    for vmid in sorted((before.keys() - after.keys()), key=lambda v: v or 0):
        att = before[vmid][0]
        yield Change(
            cluster,
            att.node,
            "config",
            "guest",
            ids.guest_id(cluster, vmid),
            f"{_guest_label(att)} removed (was on {att.node})",
        )
    for vmid in sorted((before.keys() & after.keys()), key=lambda v: v or 0):
        a, b = before[vmid], after[vmid]
        label = _guest_label(b[0])
        if a[0].node != b[0].node:
            yield Change(
                cluster,
                b[0].node,
                "config",
                "guest",
                ids.guest_id(cluster, vmid),
                f"{label} moved from {a[0].node} to {b[0].node}",
                a[0].node,
                b[0].node,
            )
        nics_a = {x.nic.key: x for x in a}
        nics_b = {x.nic.key: x for x in b}
        for key in sorted(nics_b.keys() - nics_a.keys()):
            att = nics_b[key]
            yield Change(
                cluster,
                att.node,
                "config",
                "guest",
                ids.nic_id(cluster, vmid, key),
                f"{label} {key} added on {_j(att.nic.bridge)}"
                + (f", VLAN {att.vlan}" if att.vlan is not None else ""),
            )
        for key in sorted(nics_a.keys() - nics_b.keys()):
            yield Change(
                cluster,
                b[0].node,
                "config",
                "guest",
                ids.nic_id(cluster, vmid, key),
                f"{label} {key} removed",
            )
        for key in sorted(nics_a.keys() & nics_b.keys()):
            yield from _nic_changes(cluster, label, b[0].node, nics_a[key], nics_b[key])


# ------------------------------------------------------------------------------------------ cluster-wide


def _corosync_changes(old: ClusterNet, new: ClusterNet) -> Iterator[Change]:
    cluster = new.name
    before = {lk.number: lk for lk in old.corosync_links}
    after = {lk.number: lk for lk in new.corosync_links}
    for n in sorted(after.keys() - before.keys()):
        yield Change(
            cluster, None, "config", "corosync", ids.corosync_id(cluster, n), f"corosync link{n} added"
        )
    for n in sorted(before.keys() - after.keys()):
        yield Change(
            cluster, None, "config", "corosync", ids.corosync_id(cluster, n), f"corosync link{n} removed"
        )
    for n in sorted(before.keys() & after.keys()):
        a, b = before[n], after[n]
        sid = ids.corosync_id(cluster, n)
        if a.priority != b.priority:
            yield Change(
                cluster,
                None,
                "config",
                "corosync",
                sid,
                f"corosync link{n} priority {_j(a.priority)} -> {_j(b.priority)}",
                _j(a.priority),
                _j(b.priority),
            )
        ra = {r.node: r for r in a.addresses}
        rb = {r.node: r for r in b.addresses}
        for node in sorted(ra.keys() & rb.keys()):
            x, y = ra[node], rb[node]
            if x.address != y.address:
                yield Change(
                    cluster,
                    node,
                    "config",
                    "corosync",
                    sid,
                    f"corosync link{n} of {node}: {x.address} -> {y.address}",
                    x.address,
                    y.address,
                )
            elif x.iface != y.iface:
                sentence = (
                    f"corosync link{n} of {node} is now held by {y.iface}"
                    if y.iface
                    else f"corosync link{n} of {node}: no interface holds {y.ip or y.address} any more"
                )
                yield Change(cluster, node, "config", "corosync", sid, sentence, _j(x.iface), _j(y.iface))


def _storage_changes(old: ClusterNet, new: ClusterNet) -> Iterator[Change]:
    cluster = new.name
    a = {s.id: s for s in (old.sources.storage.storages if old.sources.storage else ())}
    b = {s.id: s for s in (new.sources.storage.storages if new.sources.storage else ())}
    for sid in sorted(b.keys() - a.keys()):
        yield Change(
            cluster,
            None,
            "config",
            "storage",
            ids.storage_id(cluster, sid),
            f"storage {sid} ({b[sid].type}) added",
        )
    for sid in sorted(a.keys() - b.keys()):
        yield Change(
            cluster,
            None,
            "config",
            "storage",
            ids.storage_id(cluster, sid),
            f"storage {sid} ({a[sid].type}) removed",
        )
    for sid in sorted(a.keys() & b.keys()):
        if a[sid].remote_hosts != b[sid].remote_hosts:
            yield Change(
                cluster,
                None,
                "config",
                "storage",
                ids.storage_id(cluster, sid),
                f"storage {sid}: server {_j(a[sid].remote_hosts)} -> {_j(b[sid].remote_hosts)}",
                _j(a[sid].remote_hosts),
                _j(b[sid].remote_hosts),
            )
    pa = {(p.storage, p.node, p.host): p for p in old.storage_paths}
    pb = {(p.storage, p.node, p.host): p for p in new.storage_paths}
    for key in sorted(pa.keys() & pb.keys()):
        x = e.iface if (e := pa[key].egress) is not None else None
        y = e.iface if (e := pb[key].egress) is not None else None
        if x != y:
            storage, node, host = key
            sentence = (
                f"storage {storage} ({host}) is now reached from {node} via {y}"
                if y
                else f"storage {storage} ({host}) is no longer reachable from {node}"
            )
            yield Change(
                cluster, node, "config", "storage", ids.storage_id(cluster, storage), sentence, _j(x), _j(y)
            )


def _sdn_changes(old: ClusterNet, new: ClusterNet) -> Iterator[Change]:
    cluster = new.name
    a = {v.id: v for v in old.vnets}
    b = {v.id: v for v in new.vnets}
    for vid in sorted(b.keys() - a.keys()):
        yield Change(
            cluster,
            None,
            "config",
            "sdn",
            ids.vnet_id(cluster, vid),
            f"VNet {vid} added (zone {_j(b[vid].zone)})",
        )
    for vid in sorted(a.keys() - b.keys()):
        yield Change(cluster, None, "config", "sdn", ids.vnet_id(cluster, vid), f"VNet {vid} removed")
    for vid in sorted(a.keys() & b.keys()):
        x, y = a[vid], b[vid]
        if (x.vlan, x.vni, x.zone) != (y.vlan, y.vni, y.zone):
            before = f"zone {x.zone}, tag {_j(x.vlan or x.vni)}"
            after = f"zone {y.zone}, tag {_j(y.vlan or y.vni)}"
            yield Change(
                cluster,
                None,
                "config",
                "sdn",
                ids.vnet_id(cluster, vid),
                f"VNet {vid}: {before} -> {after}",
                before,
                after,
            )


def _finding_changes(cluster: str, old: list[Finding], new: list[Finding]) -> Iterator[Change]:
    before = {(f.code, f.subject): f for f in old}
    after = {(f.code, f.subject): f for f in new}
    for key in sorted(after.keys() - before.keys()):
        f = after[key]
        yield Change(
            cluster,
            f.node,
            "finding",
            "finding",
            f"{f.code} {f.subject}",
            f"new finding {f.code} ({f.severity.value}) on {f.subject}: {f.message}",
            None,
            f.severity.value,
        )
    for key in sorted(before.keys() - after.keys()):
        f = before[key]
        yield Change(
            cluster,
            f.node,
            "finding",
            "finding",
            f"{f.code} {f.subject}",
            f"finding {f.code} on {f.subject} resolved",
            f.severity.value,
            None,
        )


def _cluster_changes(old: ClusterNet, new: ClusterNet) -> Iterator[Change]:
    cluster = new.name
    a = {h.name: h for h in old.hosts}
    b = {h.name: h for h in new.hosts}
    for node in sorted(b.keys() - a.keys()):
        yield Change(cluster, node, "config", "node", ids.node_id(cluster, node), f"node {node} added")
    for node in sorted(a.keys() - b.keys()):
        yield Change(cluster, node, "config", "node", ids.node_id(cluster, node), f"node {node} removed")
    for node in sorted(a.keys() & b.keys()):
        if a[node].sources.online is True and b[node].sources.online is False:
            yield Change(
                cluster, node, "runtime", "node", ids.node_id(cluster, node), f"node {node} went offline"
            )
        elif a[node].sources.online is False and b[node].sources.online is True:
            yield Change(
                cluster, node, "runtime", "node", ids.node_id(cluster, node), f"node {node} is back online"
            )
        yield from _host_changes(cluster, a[node], b[node])
    yield from _guest_changes(old, new)
    yield from _corosync_changes(old, new)
    yield from _storage_changes(old, new)
    yield from _sdn_changes(old, new)


def _order(c: Change) -> tuple[object, ...]:
    return (
        c.cluster,
        KINDS.index(c.kind) if c.kind in KINDS else 9,
        c.node or "",
        _TOPICS.index(c.topic) if c.topic in _TOPICS else 99,
        c.subject,
        c.sentence,
    )


def compare(
    old: Estate,
    new: Estate,
    old_findings: tuple[Finding, ...] = (),
    new_findings: tuple[Finding, ...] = (),
) -> tuple[Change, ...]:
    """Every change from `old` to `new`, sorted: cluster, then configuration, runtime, findings."""
    out: list[Change] = []
    a = {c.name: c for c in old.clusters}
    b = {c.name: c for c in new.clusters}
    for name in sorted(b.keys() - a.keys()):
        out.append(Change(name, None, "config", "cluster", ids.cluster_id(name), f"cluster {name} added"))
    for name in sorted(a.keys() - b.keys()):
        out.append(Change(name, None, "config", "cluster", ids.cluster_id(name), f"cluster {name} removed"))
    for name in sorted(a.keys() & b.keys()):
        out += _cluster_changes(a[name], b[name])
        out += _finding_changes(
            name,
            [f for f in old_findings if f.cluster == name],
            [f for f in new_findings if f.cluster == name],
        )
    unique = list(dict.fromkeys(out))
    return tuple(sorted(unique, key=_order))
