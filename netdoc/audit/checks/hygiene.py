"""Hygiene checks: pending changes, unused NICs, state differing from configuration, informational facts."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from netdoc.audit.context import AuditContext, ev, iface_evidence
from netdoc.audit.finding import Check, Hit, Severity
from netdoc.audit.netfacts import aggregates, bond_mode, comment_text, is_nic
from netdoc.model.interfaces import Interface, InterfaceKind
from netdoc.model.lldp import LldpNeighbor
from netdoc.model.nat import NatRule
from netdoc.model.net import Evidence, HostNet, Iface
from netdoc.topology.ids import nic_id, storage_id, switch_id


def _used(host: HostNet, iface: Iface) -> bool:
    if iface.uppers or iface.upper_runtime or iface.all_addresses:
        return True
    return any(other.parent == iface.name for other in host.ifaces)


def _nic_unused(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        for iface in host.ifaces:
            if not iface.is_physical or _used(host, iface):
                continue
            state = {True: "up", False: "down", None: "state unknown"}[iface.up]
            yield Hit(
                f"{host.name}/{iface.name}",
                f"{host.name}: NIC {iface.name} is in no bridge or bond and has no address ({state})",
                iface_evidence(iface),
                host.name,
                ctx.iface_ids(host.name, iface.name),
            )


def _firewall_off(ctx: AuditContext) -> Iterator[Hit]:
    for att in ctx.cluster.attachments:
        if att.nic.firewall:
            continue
        how = "firewall=0" if att.nic.firewall is False else "no firewall option (off by default)"
        yield Hit(
            f"{att.vmid}/{att.nic.key}",
            f"{att.label} on {att.node}: the Proxmox firewall is off for this NIC ({how})",
            ev(att.node, att.nic.source, att.nic.key),
            att.node,
            (nic_id(ctx.name, att.vmid, att.nic.key),),
        )


def _storage_shared(ctx: AuditContext) -> Iterator[Hit]:
    by_storage: dict[str, list[str]] = {}
    sources = {}
    for path in ctx.cluster.storage_paths:
        if path.egress is not None and path.egress.via == "default":
            by_storage.setdefault(path.storage, []).append(f"{path.node} via {path.egress.iface}")
            sources[path.storage] = path.source
    for storage, routes in sorted(by_storage.items()):
        yield Hit(
            f"storage/{storage}",
            f"storage {storage} is reached through the default gateway ({', '.join(sorted(set(routes)))}):"
            " its traffic shares the uplink of everything else the default route carries",
            ev(None, sources[storage], storage),
            None,
            (storage_id(ctx.name, storage),),
        )


NIC_UNUSED = Check(
    "nic-unused",
    Severity.LOW,
    "hygiene",
    "A physical NIC is unused",
    "A NIC in no bridge or bond and without address carries nothing: a spare, a forgotten cable, or a "
    "bond member that was meant to be there.",
    "Add it where it was meant to go (a second bond member is redundancy), or document it as a spare "
    "with a waiver.",
    _nic_unused,
)
GUEST_FIREWALL_OFF = Check(
    "guest-firewall-off",
    Severity.INFO,
    "hygiene",
    "A guest NIC has the Proxmox firewall off (informational)",
    "Informational: with firewall off, the node's firewall rules (datacenter, node, guest) do not apply "
    "to this NIC; often on purpose (a router VM, a container with its own filtering).",
    "Nothing if intended; otherwise set firewall=1 on the NIC and define the guest's rules.",
    _firewall_off,
)
STORAGE_NO_DEDICATED_NETWORK = Check(
    "storage-no-dedicated-network",
    Severity.INFO,
    "hygiene",
    "A network storage has no dedicated network (informational)",
    "Informational: the storage server is on no subnet of the node, so its traffic is routed through the "
    "default gateway and competes with management and guest traffic on that uplink.",
    "Consider a storage VLAN or NIC with an address in the storage server's subnet.",
    _storage_shared,
)


# ------------------------------------------------------------------------------------ pending changes


def _signature(iface: Interface) -> tuple[object, ...]:
    """What an apply would change about an interface (lines and their order in the file aside)."""
    return (
        iface.kind,
        iface.autostart,
        iface.method,
        iface.method6,
        tuple(sorted((o.name, o.value) for o in iface.options)),
        tuple(c.text for c in iface.comments),
    )


def _changed_options(old: Interface, new: Interface) -> list[str]:
    """The option names (and auto, method, comment) an apply would change."""
    before = {(o.name, o.value) for o in old.options}
    after = {(o.name, o.value) for o in new.options}
    names = sorted({n for n, _ in before ^ after})
    if (old.method, old.method6) != (new.method, new.method6):
        names.insert(0, "method")
    if old.autostart != new.autostart:
        names.insert(0, "auto")
    if [c.text for c in old.comments] != [c.text for c in new.comments]:
        names.append("comment")
    return names or ["kind"]


def _pending(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        pending = host.sources.pending_interfaces
        if pending is None:
            continue
        current = host.sources.interfaces
        now = {i.name: i for i in (current.interfaces if current is not None else ())}
        new = {i.name: i for i in pending.interfaces}
        changed = [n for n in sorted(set(now) & set(new)) if _signature(now[n]) != _signature(new[n])]
        changes = [f"{n} added" for n in sorted(set(new) - set(now))]
        changes += [f"{n} removed" for n in sorted(set(now) - set(new))]
        changes += [f"{n} changed ({', '.join(_changed_options(now[n], new[n]))})" for n in changed]
        what = "; ".join(changes) if changes else "no interface differs from the running file (a leftover)"
        first = pending.interfaces[0].source if pending.interfaces else None
        touched = sorted(set(now) ^ set(new) | set(changed))
        yield Hit(
            f"{host.name}/interfaces.new",
            f"{host.name}: /etc/network/interfaces.new holds network changes that are not applied: {what}. "
            "They take effect at the next `ifreload -a` (Apply Configuration) or reboot, unreviewed",
            ev(host.name, first, "interfaces.new"),
            host.name,
            ctx.node_ids(host.name) + ctx.iface_ids(host.name, *touched),
        )


# ------------------------------------------------------------------------------------ configured vs running

# Kinds that are no kernel device of their own: an OVS bond lives in ovs-vswitchd, an alias label
# is an address on its base interface.
_NOT_DEVICES = frozenset({InterfaceKind.OVS_BOND, InterfaceKind.ALIAS, InterfaceKind.LOOPBACK})
# Kinds whose carrier is their own cable: down without carrier is a fault. A bridge or VLAN without
# carrier only reflects its ports (an empty NAT bridge has none, and is fine).
_CARRIER_KINDS = frozenset({InterfaceKind.PHYSICAL, InterfaceKind.BOND, InterfaceKind.OVS_BOND})


def _explained_elsewhere(host: HostNet, iface: Iface) -> bool:
    """A member of a bond some runtime source reports on (the bond checks judge its members' state),
    or an OVS interface with an error (the bridges checks report it)."""
    if iface.ovs_interface is not None and iface.ovs_interface.error:
        return True
    for name in (*iface.uppers, iface.upper_runtime):
        bond = host.iface(name)
        if bond is None or not bond.is_bond:
            continue
        if bond.bond is not None or bond.ovs_port is not None or (bond.link is not None and bond.link.bond):
            return True
    return False


def _not_running(host: HostNet, iface: Iface) -> tuple[str, tuple[Evidence, ...]] | None:
    """Why a runtime source says the interface is not running (None: running, or nothing says)."""
    link = iface.link
    if link is not None:
        ref = ev(host.name, link.source, "ip link")
        if not link.admin_up:
            return "administratively down (ip link)", ref
        if (iface.kind in _CARRIER_KINDS or is_nic(iface)) and not link.lower_up:
            return "up but without carrier: no link (ip link)", ref
        return None
    if host.has_runtime and iface.kind not in _NOT_DEVICES:
        return "absent: no such device at run time (ip link)", ()
    if iface.bond is not None and iface.bond.mii_status == "down":
        return "down (MII status down in /proc/net/bonding)", ev(host.name, iface.bond.source, "MII status")
    ovs = iface.ovs_interface
    if ovs is not None and ovs.link_state == "down" and is_nic(iface):
        return "down (Open vSwitch link_state down)", ev(host.name, ovs.source, "link_state")
    if iface.kind is InterfaceKind.OVS_BOND and iface.ovs_port is not None and iface.ovs_port.interfaces:
        states = [i.link_state for i in iface.ovs_port.interfaces]
        if states and all(st == "down" for st in states):
            return "down (every member's Open vSwitch link_state is down)", ev(
                host.name, iface.ovs_port.source, "bond"
            )
    api = iface.api
    if api is not None and not api.active and host.sources.interfaces is not None:
        return "not active (the API's /nodes/{node}/network)", ev(host.name, api.source, "active")
    return None


def _configured_not_running(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        for iface in host.ifaces:
            cfg = iface.config
            if cfg is None or not cfg.autostart or _explained_elsewhere(host, iface):
                continue
            found = _not_running(host, iface)
            if found is None:
                continue
            why, evidence = found
            yield Hit(
                f"{host.name}/{iface.name}",
                f"{host.name}: {iface.name} is configured to start at boot (auto) but is {why}: what depends "
                "on it (addresses, bridge ports, bond members) is not there",
                iface_evidence(iface, "auto") + evidence,
                host.name,
                ctx.iface_ids(host.name, iface.name),
            )


def _named_in_config(host: HostNet, name: str) -> bool:
    cfg = host.sources.interfaces
    if cfg is None:
        return False
    for iface in cfg.interfaces:
        if iface.name == name or name in iface.members or iface.master == name:
            return True
        if name in (iface.parent, iface.vlan_raw_device, iface.peer):
            return True
        if any(
            name in o.value.split() for o in iface.options if o.name in ("vxlan-physdev", "macvlan-physdev")
        ):
            return True
    return False


def _proxmox_made(ctx: AuditContext, host: HostNet, iface: Iface) -> bool:
    """Bridges Proxmox creates itself: vmbrXvY for a tag on a VLAN-unaware bridge, SDN VNet bridges."""
    if ctx.cluster.vnet(iface.name) is not None:
        return True
    m = re.match(r"^(.+)v(\d+)$", iface.name)
    return m is not None and (base := host.iface(m.group(1))) is not None and base.configured


def _running_not_configured(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        if not host.has_runtime or host.sources.interfaces is None:
            continue  # absence from the configuration means something only when it was read
        for iface in host.ifaces:
            link = iface.link
            if iface.configured or link is None or _named_in_config(host, iface.name):
                continue
            if is_nic(iface):
                if not link.lower_up:
                    continue  # an unused, unplugged NIC is nic-unused's matter
                what = f"physical NIC {iface.name} has a link at run time"
            elif iface.is_bridge or iface.is_bond:
                if _proxmox_made(ctx, host, iface):
                    continue
                if iface.is_bond and not link.admin_up and not iface.lower_runtime:
                    continue  # bond0 the bonding module creates by itself (max_bonds), never used
                members = f" with {', '.join(iface.lower_runtime)}" if iface.lower_runtime else ""
                what = f"{iface.kind.value.replace('_', ' ')} {iface.name} exists at run time{members}"
            else:
                continue
            yield Hit(
                f"{host.name}/{iface.name}",
                f"{host.name}: {what} but appears nowhere in /etc/network/interfaces: it was set up by hand "
                "(or by another tool) and is gone after the next reboot or ifreload, or differs from what "
                "the documentation of this node says",
                ev(host.name, link.source, "ip link"),
                host.name,
                ctx.iface_ids(host.name, iface.name),
            )


# ------------------------------------------------------------------------------------ NAT


def _rule_key(rule: NatRule) -> tuple[object, ...]:
    return (
        rule.family,
        rule.chain,
        rule.kind,
        rule.protocol,
        rule.src,
        rule.dst,
        rule.in_interface,
        rule.out_interface,
        rule.dport,
        rule.to_source,
        rule.to_address,
        rule.to_port,
    )


def _local_net(host: HostNet, src: str | None) -> str | None:
    """The interface whose subnet is the NAT rule's source (the masqueraded bridge)."""
    try:
        net = ipaddress.ip_network(src or "", strict=False)
    except ValueError:
        return None
    for iface in host.ifaces:
        for cidr in iface.all_addresses:
            try:
                if ipaddress.ip_interface(cidr).network == net:
                    return iface.name
            except ValueError:
                continue
    return None


def _describe(host: HostNet, rule: NatRule) -> str:
    if rule.kind in ("masquerade", "snat"):
        bridge = _local_net(host, rule.src)
        source = f"{bridge} ({rule.src})" if bridge and rule.src else rule.src or "everything"
        out = f" out of {rule.out_interface}" if rule.out_interface else ""
        how = "masqueraded" if rule.kind == "masquerade" else f"SNATed to {rule.to_source}"
        return f"{source} {how}{out}"
    if rule.kind == "dnat":
        port = f"{rule.protocol or 'any'}/{rule.dport}" if rule.dport else rule.protocol or "all"
        into = f" on {rule.in_interface}" if rule.in_interface else ""
        dest = rule.to_address or "?"
        if rule.to_port:
            dest += f":{rule.to_port}"
        return f"{port}{into} forwarded to {dest}"
    if rule.kind == "redirect":
        return f"{rule.protocol or 'all'}/{rule.dport or '*'} redirected to local port {rule.to_port or '?'}"
    return rule.text.strip()


def _forwarding_note(host: HostNet) -> str:
    per_iface = sorted(
        i.name
        for i in host.ifaces
        if i.config is not None
        and any(o.name == "ip-forward" and o.value in ("on", "1", "yes") for o in i.config.options)
    )
    fwd = host.forwarding
    on = [f for f, v in (("IPv4", fwd.ipv4), ("IPv6", fwd.ipv6)) if v]
    if on:
        state = f"{' and '.join(on)} forwarding on"
    elif per_iface:
        state = f"forwarding on for {', '.join(per_iface)} (ip-forward on)"
    elif fwd.ipv4 is False:
        state = "IP forwarding off, so routed guest traffic does not pass"
    else:
        state = "IP forwarding set by no sysctl file or hook (the kernel's default is off)"
    if fwd.proxy_arp:
        state += f", proxy ARP on {', '.join(fwd.proxy_arp)}"
    return state


def _rule_evidence(host: HostNet, rules: list[NatRule], note: str) -> tuple[Evidence, ...]:
    return tuple(e for r in rules[:4] for e in ev(host.name, r.source, note))


def _nat(ctx: AuditContext) -> Iterator[Hit]:
    for host in ctx.hosts:
        configured = [r for r in host.nat_rules if r.kind != "other"]
        runtime = [r for r in host.nat_rules_runtime or () if r.kind != "other"]
        fwd = host.forwarding
        if not configured and not runtime:
            if fwd.ipv4 or fwd.ipv6:
                hooks = host.sources.nat_hooks
                settings = [
                    *(st for c in host.sources.sysctls for st in c.settings),
                    *(hooks.sysctls if hooks else ()),
                ]
                sysctl = [st for st in settings if "forwarding" in st.key or "ip_forward" in st.key]
                yield Hit(
                    f"{host.name}/nat",
                    f"{host.name} routes between its interfaces ({_forwarding_note(host)}), without NAT "
                    "rules: guests behind it are reached through routes to this node",
                    tuple(e for st in sysctl[:2] for e in ev(host.name, st.source, st.key)),
                    host.name,
                    ctx.node_ids(host.name),
                )
            continue
        rules = configured or runtime
        shown = list(dict.fromkeys(_describe(host, r) for r in rules))
        differences = []
        if host.nat_rules_runtime is not None:
            loaded = {_rule_key(r) for r in runtime}
            hooked = {_rule_key(r) for r in configured}
            missing = [r for r in configured if _rule_key(r) not in loaded]
            extra = [r for r in runtime if _rule_key(r) not in hooked]
            if missing:
                differences.append(
                    "in the hooks but not loaded: "
                    + "; ".join(dict.fromkeys(_describe(host, r) for r in missing))
                )
            if extra and configured:
                differences.append(
                    "loaded but in no hook (gone at the next reboot): "
                    + "; ".join(dict.fromkeys(_describe(host, r) for r in extra))
                )
        else:
            missing, extra = [], []
        if not configured:
            origin = "loaded (iptables-save), in no interfaces hook"
        elif host.nat_rules_runtime is None:
            origin = "the interfaces hooks (iptables-save not read: whether they are loaded is unknown)"
        else:
            origin = "the interfaces hooks"
        evidence = _rule_evidence(host, rules, "NAT rule")
        evidence += _rule_evidence(host, missing, "not loaded") + _rule_evidence(host, extra, "in no hook")
        named = (n for r in rules for n in (r.in_interface, r.out_interface, _local_net(host, r.src)))
        yield Hit(
            f"{host.name}/nat",
            f"{host.name} NATs guest traffic ({_forwarding_note(host)}); from {origin}: "
            + "; ".join(shown)
            + (f". Differences: {'; '.join(differences)}" if differences else ""),
            tuple(dict.fromkeys(evidence)),
            host.name,
            ctx.node_ids(host.name)
            + ctx.iface_ids(host.name, *dict.fromkeys(n for n in named if n and host.iface(n))),
        )


# ------------------------------------------------------------------------------------ switch redundancy

# What states that two switches act as one for a bond (MLAG), or that one chassis is several units.
_MLAG_WORDS = re.compile(r"\b(mlag|mc-?lag|vpc|vsx|vlt|clag|irf|stack(?:ed)?|virtual[- ]chassis|vss)\b")


def _switch_of(nb: LldpNeighbor) -> str:
    return nb.chassis_id or nb.chassis_name or "?"


def _switch_name(nb: LldpNeighbor) -> str:
    return nb.chassis_name or nb.chassis_id or "?"


# unit/slot/port: GigabitEthernet2/0/1 (Comware IRF, Cisco StackWise), ge-1/0/1 (Juniper Virtual
# Chassis), ethernet1/1/1 (Dell OS10). Two-part names (Arista Ethernet1/1, NX-OS Ethernet1/1) carry
# no unit: their first number is a port or a module of one chassis.
_UNIT_PORT = re.compile(r"(\d+)/\d+/\d+")


def _stack_unit(nb: LldpNeighbor) -> str | None:
    """The stack member a switch port is on, from a three-part port name (None: the name has none)."""
    for name in (nb.port_id, nb.port_descr):
        m = _UNIT_PORT.search(name or "")
        if m:
            return m.group(1)
    return None


def _lacp_partners(iface: Iface) -> set[str]:
    """The LACP partner system MACs the bond's slaves hear (one: the switches act as one system)."""
    if iface.bond is None:
        return set()
    macs = set()
    for slave in iface.bond.slaves:
        pdu = slave.partner_lacp_pdu
        if pdu is not None and pdu.system_mac and pdu.system_mac != "00:00:00:00:00:00":
            macs.add(pdu.system_mac.lower())
    return macs


def _bond_switches(ctx: AuditContext) -> Iterator[Hit]:
    node_names = {h.name for h in ctx.hosts}
    for host in ctx.hosts:
        for bond in host.ifaces:
            if not bond.is_bond:
                continue
            members = [m for m in bond.lower if (i := host.iface(m)) is not None and is_nic(i)]
            if len(members) < 2:
                continue  # fewer than two members: the bonds checks' matter
            seen: dict[str, LldpNeighbor] = {}
            for member in members:
                iface = host.iface(member)
                assert iface is not None
                switches = [nb for nb in iface.lldp if _switch_name(nb).split(".", 1)[0] not in node_names]
                if iface.lldp and not switches:
                    break  # cabled to another node: a mesh, not a switch uplink
                if not switches:
                    break  # a member without LLDP: which switch it reaches is unknown
                seen[member] = switches[0]
            else:
                yield from _judge(ctx, host, bond, seen)


def _judge(ctx: AuditContext, host: HostNet, bond: Iface, seen: dict[str, LldpNeighbor]) -> Iterator[Hit]:
    chassis = {_switch_of(nb) for nb in seen.values()}
    ports = ", ".join(
        f"{m} -> {_switch_name(nb)} {nb.port_id or nb.port_descr or '?'}" for m, nb in seen.items()
    )
    bridges = [host.iface(u) for u in bond.uppers]
    said = comment_text(bond, *bridges, *(host.iface(m) for m in seen))
    stated = _MLAG_WORDS.search(said)
    evidence = iface_evidence(bond, bond.name) + tuple(
        e for m, nb in seen.items() for e in ev(host.name, nb.source, f"LLDP on {m}")
    )
    ids = ctx.iface_ids(host.name, bond.name, *seen) + tuple(
        dict.fromkeys(switch_id(_switch_name(nb)) for nb in seen.values())
    )
    mode = bond_mode(bond)
    if len(chassis) == 1:
        if stated:
            return  # one chassis id of a stack or virtual chassis, as the comment says
        units = {_stack_unit(nb) for nb in seen.values()}
        if None not in units and len(units) > 1:
            return  # ports on different members of a stack (IRF, StackWise, Virtual Chassis)
        name = _switch_name(next(iter(seen.values())))
        yield Hit(
            f"{host.name}/{bond.name}",
            f"{host.name}: every member of {bond.name} is cabled to the same switch {name} ({ports}; one "
            "chassis, and no second stack unit in the port names): the switch is a single point of failure "
            "for the bond. If it is a stack or an MLAG pair announcing one chassis, say so in the bond's "
            'comment ("stack", "MLAG")',
            evidence,
            host.name,
            ids,
        )
        return
    if not aggregates(mode) or stated:
        return  # active-backup and friends need nothing from the switches; or MLAG is stated
    partners = _lacp_partners(bond)
    if len(partners) == 1:
        return  # every slave hears one LACP system: the two switches act as one (MLAG) at run time
    names = ", ".join(sorted({_switch_name(nb) for nb in seen.values()}))
    yield Hit(
        f"{host.name}/{bond.name}",
        f"{host.name}: {bond.name} ({mode}) has its members on different switches ({ports}) and nothing "
        f"states that {names} form an MLAG pair: without MLAG the switches do not bundle the links, so "
        "only the ports on one switch carry traffic (or the bond flaps). State it in the bond's comment "
        '("MLAG", "vPC") or use active-backup',
        evidence,
        host.name,
        ids,
    )


PENDING_NETWORK_CHANGES = Check(
    "pending-network-changes",
    Severity.LOW,
    "hygiene",
    "Network changes are pending (interfaces.new not applied)",
    "Proxmox writes edits made in the GUI or API to /etc/network/interfaces.new and applies them only on "
    "`ifreload -a` (Apply Configuration) or at the next boot. Until then the running network differs from "
    "what the GUI shows, and a reboot applies changes nobody reviewed. Only the file counts: the API's "
    "`changes` diff is not kept by the loader yet.",
    "Review the pending changes (the GUI's network page shows the diff), then apply them or revert them "
    "(delete interfaces.new).",
    _pending,
)
IFACE_CONFIGURED_NOT_RUNNING = Check(
    "iface-configured-not-running",
    Severity.MEDIUM,
    "hygiene",
    "An interface configured to start is absent or down",
    "An interface with `auto` (or allow-hotplug/allow-ovs) should exist and be up. A runtime source says it "
    "is not: absent from `ip -j link`, administratively down, a NIC or bond without carrier, down in "
    "/proc/net/bonding or Open vSwitch, or not active in the API. Interfaces without auto, guest ports, "
    "and bond slaves or OVS members whose state the bond and OVS checks report are left out.",
    "Find out why it did not come up (`ifreload -a` output, journalctl -u networking, the cable), or "
    "remove `auto` if it is not meant to run.",
    _configured_not_running,
)
IFACE_RUNNING_NOT_CONFIGURED = Check(
    "iface-running-not-configured",
    Severity.LOW,
    "hygiene",
    "An interface runs that the configuration does not know",
    "With `ip -j link` read: a physical NIC with a link, or a bridge or bond that exists, but named "
    "nowhere in /etc/network/interfaces, was set up by hand or by another tool; it disappears at the next "
    "reboot or ifreload. Bridges Proxmox makes itself (vmbrXvY, SDN VNets) and the bond0 the bonding "
    "module creates unasked (down, no slaves) are left out.",
    "Add it to /etc/network/interfaces if it is meant to stay, or remove it.",
    _running_not_configured,
)
NAT_FORWARDING = Check(
    "nat-forwarding",
    Severity.INFO,
    "hygiene",
    "A node routes (and NATs) guest traffic (informational)",
    "Informational: with IP forwarding and NAT rules (MASQUERADE/SNAT of a guest bridge, DNAT port "
    "forwards), the node is the guests' router, as in Proxmox's masquerading setup; this documents which "
    "bridge goes out of which interface and which ports are forwarded (and, with forwarding on and no NAT "
    "rule, that the node routes: Proxmox's routed setup). Rules in the interfaces hooks are compared with "
    "iptables-save when both were read: a hook rule not loaded, or a loaded rule in no hook, is named. "
    "Forwarding is read from sysctl files, hooks and ifupdown2's per-interface `ip-forward on`.",
    "Nothing if intended. Keep each rule in a post-up hook (with its post-down), so that what runs is "
    "what the configuration says.",
    _nat,
)
BOND_SWITCH_REDUNDANCY = Check(
    "bond-switch-redundancy",
    Severity.MEDIUM,
    "hygiene",
    "A bond's members are on one switch, or on two switches without a stated MLAG",
    "With LLDP on every member: all members on one switch (one LLDP chassis id) make the switch a single "
    "point of failure. A stack or virtual chassis shows one chassis id too: it counts as a stack when the "
    "members' switch ports are on different stack units (the first number of a three-part port name: "
    "GigabitEthernet1/0/1 and GigabitEthernet2/0/1, ge-0/0/1 and ge-1/0/1), or when a comment of the bond, "
    "its bridge or its NICs says so (stack, virtual chassis, IRF, VSS, MLAG). "
    "Members on two switches are fine for modes that need nothing from the switch (active-backup, "
    "balance-tlb/alb); an aggregating mode (802.3ad, balance-rr/xor, OVS balance-tcp or LACP) needs the "
    "switches to act as one, which counts as stated by such a comment (MLAG, MC-LAG, vPC, VSX, VLT, CLAG) or "
    "by every slave hearing the same LACP partner system at run time. Members without LLDP, or cabled to "
    "other nodes (a mesh), are not judged.",
    "Spread the members over two switches that form an MLAG pair (or a stack), or use active-backup; "
    "then state it in the bond's comment.",
    _bond_switches,
)

CHECKS = (
    NIC_UNUSED,
    GUEST_FIREWALL_OFF,
    STORAGE_NO_DEDICATED_NETWORK,
    PENDING_NETWORK_CHANGES,
    IFACE_CONFIGURED_NOT_RUNNING,
    IFACE_RUNNING_NOT_CONFIGURED,
    NAT_FORWARDING,
    BOND_SWITCH_REDUNDANCY,
)
