"""Checks on bridges and Open vSwitch: loops, NICs claimed twice, VLANs not allowed, OVS errors."""

from __future__ import annotations

from collections.abc import Iterator

from netdoc.audit.context import AuditContext, ev, iface_evidence
from netdoc.audit.finding import Check, Hit, Severity
from netdoc.model.net import HostNet, Iface


def _claims(host: HostNet, iface: Iface) -> list[str]:
    """Every configured bridge or bond listing this interface as its port or slave."""
    return [u for u in iface.uppers if (up := host.iface(u)) is not None and (up.is_bridge or up.is_bond)]


def claimed_twice(host: HostNet) -> dict[str, list[str]]:
    """NIC -> the two (or more) bridges and bonds that claim it."""
    return {i.name: c for i in host.ifaces if i.is_physical and len(c := _claims(host, i)) > 1}


def _nic_claimed_twice(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        for name, claimants in sorted(claimed_twice(host).items()):
            iface = host.iface(name)
            assert iface is not None
            kinds = []
            evidence = iface_evidence(iface, "the NIC")
            for c in claimants:
                up = host.iface(c)
                assert up is not None
                kinds.append(f"{c} ({up.kind.value.replace('_', ' ')})")
                evidence += iface_evidence(up, f"{c} lists {name}")
            detail = ""
            ovs = iface.ovs_interface
            if ovs is not None and ovs.error:
                detail = f"; at run time Open vSwitch refused it: {ovs.error}"
                evidence += ev(host.name, ovs.source, "OVS error")
            yield Hit(
                f"{host.name}/{name}",
                f"{host.name}: {name} is claimed by {' and '.join(kinds)}: a NIC can be a port of one "
                f"bridge or bond only{detail}",
                evidence,
                host.name,
                ctx.iface_ids(host.name, name, *claimants),
            )


def _ovs_interface_error(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        explained = set(claimed_twice(host))
        for iface in host.ifaces:
            ovs = iface.ovs_interface
            if ovs is None or not ovs.error or iface.name in explained:
                continue  # a NIC claimed twice: that finding explains its error
            yield Hit(
                f"{host.name}/{iface.name}",
                f"{host.name}: Open vSwitch reports an error on {iface.name}: {ovs.error}",
                ev(host.name, ovs.source, "OVS error") + iface_evidence(iface),
                host.name,
                ctx.iface_ids(host.name, iface.name),
            )


NIC_CLAIMED_TWICE = Check(
    "nic-claimed-twice",
    Severity.HIGH,
    "bridges",
    "A NIC is claimed by two bridges or bonds",
    "A NIC can be enslaved once: when a Linux bridge and an OVS bond (or two bridges) both list it, the "
    "first to come up takes it and the other runs without it, so its redundancy or uplink is not there.",
    "Remove the NIC from all but one bridge or bond (and give the other its own NIC).",
    _nic_claimed_twice,
)
OVS_INTERFACE_ERROR = Check(
    "ovs-interface-error",
    Severity.HIGH,
    "bridges",
    "Open vSwitch reports an interface error",
    "An OVS interface with an error (no such device, device busy) is not in the datapath: its port or "
    "bond carries no traffic over it.",
    "Read the error in `ovs-vsctl show`; fix the device (name, driver, a second owner) or remove the port.",
    _ovs_interface_error,
)

CHECKS = (NIC_CLAIMED_TWICE, OVS_INTERFACE_ERROR)
