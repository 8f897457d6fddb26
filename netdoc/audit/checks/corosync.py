"""Checks on corosync: links that do not exist where the configuration says, false redundancy.

kronosnet keeps a cluster together only as well as its links are independent: one link, or two
links over one NIC or bond, fail together; a link sharing its NICs with storage or guest traffic
sees the latency spikes that make corosync lose its token.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from netdoc.audit.context import AuditContext, ev
from netdoc.audit.finding import Check, Hit, Severity
from netdoc.audit.netfacts import guest_bridges, path_of
from netdoc.model.net import Evidence, HostNet
from netdoc.model.netcluster import CorosyncLinkView, RingAddress
from netdoc.topology.ids import corosync_id, storage_id


def _ring_unheld(ctx: AuditContext) -> Iterator[Hit]:
    links = ctx.cluster.corosync_links
    for link in links:
        for ring in link.addresses:
            host = ctx.cluster.host(ring.node)
            if host is None or ring.iface is not None:
                continue
            others = [
                lk.number
                for lk in links
                if lk.number != link.number
                and any(a.node == ring.node and a.iface is not None for a in lk.addresses)
            ]
            left = (
                f"; {ring.node} is left with link{', link'.join(map(str, others))} only, so "
                f"link{link.number} adds no redundancy there"
                if others
                else f"; {ring.node} has no working corosync link at all"
            )
            resolved = "" if ring.ip == ring.address else f" ({ring.address} resolves to {ring.ip})"
            yield Hit(
                f"link{link.number}/{ring.node}",
                f"corosync link{link.number}: {ring.node}'s address {ring.ip or ring.address}{resolved}"
                f" is held by no interface of {ring.node}{left}",
                ev(None, ring.source, f"ring{link.number}_addr of {ring.node}"),
                ring.node,
                (corosync_id(ctx.name, link.number), *ctx.node_ids(ring.node)),
            )


RING_ADDRESS_UNHELD = Check(
    "corosync-address-unheld",
    Severity.HIGH,
    "corosync",
    "A corosync ring address is held by no interface of its node",
    "kronosnet binds each link to the node's ringN_addr; when no interface holds that address the link "
    "never comes up on that node, and the redundancy corosync.conf promises is not there.",
    "Give the node an interface with that address on the link's network, or correct ringN_addr "
    "(pvecm, then corosync.conf's config_version).",
    _ring_unheld,
)


def _single_link(ctx: AuditContext) -> Iterator[Hit]:
    conf = ctx.cluster.sources.corosync
    if conf is None or len(conf.nodes) < 2:
        return  # no cluster, or one node: no peer to lose
    numbers = sorted({link.number for node in conf.nodes for link in node.links})
    if len(numbers) != 1:
        return
    (number,) = numbers
    view = next((lk for lk in ctx.cluster.corosync_links if lk.number == number), None)
    where = ""
    if view is not None:
        held = [f"{a.node} {a.iface}" for a in view.addresses if a.iface]
        where = f" ({', '.join(held)})" if held else ""
    first = next((lk.source for node in conf.nodes for lk in node.links if lk.source is not None), None)
    yield Hit(
        f"link{number}",
        f"corosync has one link only (link{number}{where}): when its network fails or stalls, every node "
        "loses quorum at once (and HA fences them); corosync.conf declares no second link to fail over to",
        ev(None, first or (conf.totem.source if conf.totem else None), f"ring{number}_addr"),
        None,
        (corosync_id(ctx.name, number),),
    )


def _held(ctx: AuditContext, link: CorosyncLinkView) -> Iterator[tuple[HostNet, RingAddress]]:
    for ring in link.addresses:
        host = ctx.cluster.host(ring.node)
        if host is not None and ring.iface is not None:
            yield host, ring


def _carriers(host: HostNet, iface_name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(physical NICs, bonds) under an interface, at run time where a runtime source says."""
    iface = host.iface(iface_name)
    if iface is None:
        return (), ()
    path = path_of(host, iface)
    return path.nics, path.bonds(host)


def _links_share_nic(ctx: AuditContext) -> Iterator[Hit]:
    links = ctx.cluster.corosync_links
    for a, b in combinations(links, 2):
        rings_b = {r.node: r for _, r in _held(ctx, b)}
        for host, ra in _held(ctx, a):
            rb = rings_b.get(host.name)
            if rb is None or ra.iface is None or rb.iface is None:
                continue
            nics_a, bonds_a = _carriers(host, ra.iface)
            nics_b, bonds_b = _carriers(host, rb.iface)
            shared_nics = sorted(set(nics_a) & set(nics_b))
            shared_bonds = sorted(set(bonds_a) & set(bonds_b))
            if ra.iface != rb.iface and not shared_nics and not shared_bonds:
                continue
            nics = (
                f"NIC{'s' if len(shared_nics) != 1 else ''} {', '.join(shared_nics)}" if shared_nics else ""
            )
            if shared_bonds:
                over = f"{', '.join(shared_bonds)}" + (f" ({nics})" if nics else "")
            else:
                over = nics or f"the same interface {ra.iface}"
            yield Hit(
                f"link{a.number}+link{b.number}/{host.name}",
                f"{host.name}: corosync link{a.number} ({ra.iface}) and link{b.number} ({rb.iface}) both run "
                f"over {over}: one failure takes both links down, so the second link is no redundancy",
                ev(None, ra.source, f"ring{a.number}_addr of {host.name}")
                + ev(None, rb.source, f"ring{b.number}_addr of {host.name}"),
                host.name,
                (
                    corosync_id(ctx.name, a.number),
                    corosync_id(ctx.name, b.number),
                    *ctx.iface_ids(
                        host.name, *dict.fromkeys((ra.iface, rb.iface, *shared_bonds, *shared_nics))
                    ),
                ),
            )


@dataclass(frozen=True)
class _Use:
    """Other traffic on a NIC: what it is, the line that says so, and its graph id."""

    label: str
    evidence: tuple[Evidence, ...] = ()
    ids: tuple[str, ...] = ()


def _traffic_nics(ctx: AuditContext, host: HostNet) -> dict[str, list[_Use]]:
    """NIC -> the storage and guest traffic it carries on this node (runtime membership where known)."""
    found: dict[str, list[_Use]] = {}
    storages: dict[tuple[str, str], _Use] = {}
    for path in ctx.cluster.storage_paths:
        # A storage endpoint the node holds itself (its own Ceph monitor) is reached without a NIC.
        if path.node == host.name and path.egress is not None and path.egress.via != "local":
            storages.setdefault(
                (path.egress.iface, path.storage),
                _Use(
                    f"storage {path.storage} (via {path.egress.iface})",
                    ev(None, path.source, f"storage {path.storage}"),
                    (storage_id(ctx.name, path.storage),),
                ),
            )
    for (iface_name, _), use in sorted(storages.items()):
        for nic in _carriers(host, iface_name)[0]:
            found.setdefault(nic, []).append(use)
    for bridge, atts in sorted(guest_bridges(ctx.cluster).items()):
        iface = host.iface(bridge)
        if iface is None or not iface.is_bridge:
            continue
        here = sum(1 for a in atts if a.node == host.name)
        count = f"{here} guest NIC{'s' if here != 1 else ''} here, {len(atts)} in the cluster"
        use = _Use(f"guests on {bridge} ({count})", (), ctx.iface_ids(host.name, bridge))
        for nic in _carriers(host, bridge)[0]:
            found.setdefault(nic, []).append(use)
    return found


def _shares_traffic(ctx: AuditContext) -> Iterator[Hit]:
    links = ctx.cluster.corosync_links
    for link in links:
        for host, ring in _held(ctx, link):
            assert ring.iface is not None
            nics, _ = _carriers(host, ring.iface)
            traffic = _traffic_nics(ctx, host)
            uses = list(dict.fromkeys(u for nic in nics for u in traffic.get(nic, [])))
            if not uses:
                continue
            others = [
                lk.number
                for lk in links
                if lk.number != link.number and any(r.node == host.name for _, r in _held(ctx, lk))
            ]
            spare = (
                f"; {host.name} also has link{', link'.join(map(str, others))}"
                if others
                else f"; {host.name} has no other corosync link"
            )
            yield Hit(
                f"link{link.number}/{host.name}",
                f"{host.name}: corosync link{link.number} ({ring.iface}, over {', '.join(nics)}) shares its "
                f"NICs with {', '.join(u.label for u in uses)}: bulk traffic there delays corosync's token"
                f"{spare}",
                ev(None, ring.source, f"ring{link.number}_addr of {host.name}")
                + tuple(dict.fromkeys(e for u in uses for e in u.evidence))[:3],
                host.name,
                tuple(
                    dict.fromkeys(
                        (
                            corosync_id(ctx.name, link.number),
                            *ctx.iface_ids(host.name, ring.iface, *nics),
                            *(i for u in uses for i in u.ids),
                        )
                    )
                ),
            )


def _nodes_differ(ctx: AuditContext) -> Iterator[Hit]:
    conf = ctx.cluster.sources.corosync
    if conf is None or not conf.nodes:
        return
    corosync = {n.label: n for n in conf.nodes}
    status = ctx.cluster.sources.status
    members = {n.name: n for n in status.nodes} if status is not None and not status.standalone else None
    # The snapshot's nodes include every /cluster/status member (snapshot.node_names).
    snapshot = {n.name for n in ctx.cluster.sources.nodes}
    for name in sorted(set(corosync) | set(members or ()) | snapshot):
        in_conf = name in corosync
        problems = []
        if members is not None and in_conf and name not in members:
            problems.append("in corosync.conf but not among the API's cluster members (/cluster/status)")
        if members is not None and not in_conf and name in members:
            problems.append("an API cluster member (/cluster/status) missing from corosync.conf's nodelist")
        if members is None and in_conf and name not in snapshot:
            problems.append("in corosync.conf but no node of that name is in the snapshot")
        if not in_conf and name in snapshot and (members is None or name not in members):
            problems.append("a node of the snapshot missing from corosync.conf's nodelist")
        if not problems:
            continue
        evidence: tuple[Evidence, ...] = ()
        if in_conf:
            evidence += ev(None, corosync[name].source, f"corosync node {name}")
        if members is not None and name in members:
            evidence += ev(None, members[name].source, f"cluster member {name}")
        if not evidence:
            evidence = ev(None, conf.nodes[0].source, "corosync nodelist")
        yield Hit(
            f"corosync/{name}",
            f"{name} is {' and '.join(problems)}: corosync's nodelist decides the expected votes and who may "
            "join, so a stale or missing entry changes the quorum arithmetic (or keeps a node out)",
            evidence,
            name if name in snapshot else None,
            ctx.node_ids(name) if name in snapshot else (corosync_id(ctx.name, 0),),
        )


SINGLE_LINK = Check(
    "corosync-single-link",
    Severity.MEDIUM,
    "corosync",
    "corosync has a single link",
    "With one kronosnet link, any failure of its network (a NIC, a cable, a switch, a saturated uplink) "
    "cuts every node off from the others at once; with HA, nodes fence themselves. Proxmox recommends a "
    "second link on an independent network (pvecm --link1).",
    "Add a second corosync link on another NIC and switch (ring1_addr for every node, a totem interface "
    "block, config_version bumped), ideally a dedicated one.",
    _single_link,
)
LINKS_SHARE_NIC = Check(
    "corosync-links-share-nic",
    Severity.MEDIUM,
    "corosync",
    "Two corosync links of a node run over the same NIC or bond",
    "A second link is redundancy only when it fails independently: two links over one interface, one "
    "bond or the same physical NIC (VLANs of one bond, two internal ports of one OVS bridge) go down "
    "together. The NICs are resolved at run time where a runtime source tells (an OVS member with an "
    "error carries nothing), else as configured.",
    "Put each link on its own physical NIC (and switch); a dedicated 1G NIC per link is enough.",
    _links_share_nic,
)
SHARES_TRAFFIC = Check(
    "corosync-shares-traffic",
    Severity.MEDIUM,
    "corosync",
    "A corosync link shares its NICs with storage or guest traffic",
    "corosync needs low, steady latency; Proxmox's documentation asks for a separate network because "
    "storage and guest traffic (backups, migrations, NFS/iSCSI/Ceph) saturate a link and delay the token "
    "until nodes leave the membership. Storage traffic is the egress interface towards each storage "
    "endpoint; guest traffic is every bridge some guest of the cluster uses; both are resolved to physical "
    "NICs with runtime membership where known (an OVS interface with an error carries nothing).",
    "Give corosync a NIC of its own (at least for one link, with the highest knet_link_priority), or "
    "move the storage or guest traffic off its NICs.",
    _shares_traffic,
)
NODES_DIFFER = Check(
    "corosync-nodes-differ",
    Severity.MEDIUM,
    "corosync",
    "corosync's nodes differ from the cluster's members",
    "The nodelist of corosync.conf sets the expected votes and which nodes may join. A node listed there "
    "but not a member the API knows (or not in the snapshot) is a stale entry that still counts towards "
    "quorum; a member or node missing from it cannot take part in the cluster as configured.",
    "Remove departed nodes with `pvecm delnode`, or add the missing node with `pvecm add`; check that "
    "the snapshot covers every node.",
    _nodes_differ,
)

CHECKS = (RING_ADDRESS_UNHELD, SINGLE_LINK, LINKS_SHARE_NIC, SHARES_TRAFFIC, NODES_DIFFER)
