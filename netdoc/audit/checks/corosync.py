"""Checks on corosync: links that do not exist where the configuration says, false redundancy."""

from __future__ import annotations

from collections.abc import Iterator

from netdoc.audit.context import AuditContext, ev
from netdoc.audit.finding import Check, Hit, Severity
from netdoc.topology.ids import corosync_id


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

CHECKS = (RING_ADDRESS_UNHELD,)
