"""Checks on addresses: duplicates, gateways, default routes, overlapping subnets, /etc/hosts, MACs."""

from __future__ import annotations

from collections.abc import Iterator

from netdoc.audit.context import AuditContext, ev, iface_evidence, option_ref
from netdoc.audit.finding import Check, Hit, Severity
from netdoc.model.addressing import parse_iface
from netdoc.model.assemble_node import gateway_on_link


def _gateway_outside(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        for iface in host.ifaces:
            cfg = iface.config
            if cfg is None:
                continue
            for gateway in (cfg.gateway, cfg.gateway6):
                if gateway and not gateway_on_link(iface, gateway):
                    nets = ", ".join(str(p.network) for c in iface.addresses if (p := parse_iface(c)))
                    yield Hit(
                        f"{host.name}/{iface.name}",
                        f"{host.name}: {iface.name} has gateway {gateway}, outside its subnet"
                        f" {nets or '(no address)'}: the kernel refuses this route, so it never works",
                        ev(host.name, option_ref(iface, "gateway"), f"gateway {gateway}")
                        + iface_evidence(iface, "its addresses"),
                        host.name,
                        ctx.iface_ids(host.name, iface.name),
                    )


def _default_gateways(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        for family in ("inet", "inet6"):
            defaults = [
                r
                for r in host.routes
                if r.destination == "default" and r.family == family and r.main_unicast and r.gateway
            ]
            if len(defaults) < 2:
                continue
            shown = ", ".join(f"{r.gateway} on {r.dev}" for r in defaults)
            yield Hit(
                f"{host.name}/default-{family}",
                f"{host.name} declares {len(defaults)} default gateways ({shown}): only one {family}"
                " default route can be installed; which one wins depends on the order interfaces come up",
                tuple(e for r in defaults for e in ev(host.name, r.source, f"gateway {r.gateway}")),
                host.name,
                ctx.iface_ids(host.name, *[r.dev for r in defaults if r.dev]),
            )


GATEWAY_OUTSIDE_SUBNET = Check(
    "gateway-outside-subnet",
    Severity.MEDIUM,
    "addressing",
    "A gateway is outside its interface's subnet",
    "A gateway must be reachable on the link; one outside every subnet of its interface is refused by "
    "the kernel (ifupdown2 reports 'Nexthop has invalid gateway'), so the route silently does not exist.",
    "Correct the gateway (or the address's prefix length), or remove the gateway line.",
    _gateway_outside,
)
MULTIPLE_DEFAULT_GATEWAYS = Check(
    "multiple-default-gateways",
    Severity.MEDIUM,
    "addressing",
    "A node has more than one default gateway",
    "Proxmox allows one gateway per address family; with several, the route that exists depends on "
    "interface order, and traffic may leave by an unexpected path after a reboot.",
    "Keep one `gateway` line per family; reach other networks with explicit routes.",
    _default_gateways,
)

CHECKS = (GATEWAY_OUTSIDE_SUBNET, MULTIPLE_DEFAULT_GATEWAYS)
