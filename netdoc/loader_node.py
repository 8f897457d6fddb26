"""One node of a snapshot -> its sources in the model: which artifact feeds which parser.

Every source is optional; a file that cannot be parsed becomes a `Gap` of the node. Configured
state (interfaces, hooks, sysctl) and runtime state (bonding, OVS, iproute2, LLDP, iptables, the
API's active flags) are loaded side by side, each as its parser returned it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TypeVar

from netdoc.loader_common import parse_one, run_parser, warnings_of
from netdoc.model.bonding import BondStatus
from netdoc.model.cluster import Gap, Node
from netdoc.model.guest import Guest
from netdoc.model.hosts import HostsFile
from netdoc.model.interfaces import InterfacesConfig
from netdoc.model.nat import NatConfig, SysctlConfig
from netdoc.model.ovs import OvsTopology
from netdoc.model.pve import ApiNetwork
from netdoc.parsers.bonding import parse_bonding
from netdoc.parsers.hosts import parse_hosts
from netdoc.parsers.ifupdown import parse_interfaces
from netdoc.parsers.iproute2 import parse_bridge_vlan, parse_ip_addr, parse_ip_link
from netdoc.parsers.lldp import parse_lldp
from netdoc.parsers.nat import parse_iptables_save, parse_nat_hooks
from netdoc.parsers.ovs import parse_ovs_json, parse_ovs_show
from netdoc.parsers.pve_api import parse_api_network
from netdoc.parsers.pve_api_cluster import parse_api_hosts
from netdoc.parsers.sysctl import parse_sysctl
from netdoc.snapshot import Snapshot, api_artifact_path, command_path, node_file_path

INTERFACES = "/etc/network/interfaces"
INTERFACES_NEW = "/etc/network/interfaces.new"
BONDING_DIR = "/proc/net/bonding"
HOSTS = "/etc/hosts"
SYSCTL = "/etc/sysctl.conf"
SYSCTL_DIR = "/etc/sysctl.d"
OVS_SHOW = "ovs-vsctl-show.txt"
OVS_JSON = "ovs-vsctl-list-bridge.json"
IP_LINK = "ip-j-d-link.json"
IP_ADDR = "ip-j-addr.json"
BRIDGE_VLAN = "bridge-j-vlan-show.json"
LLDP = "lldpctl-f-json0.json"
T = TypeVar("T")
IPTABLES_NAT = "iptables-save-t-nat.txt"


def _load_ovs(snap: Snapshot, name: str, gaps: list[Gap]) -> OvsTopology | None:
    """Prefer the database's JSON lists (they hold vlan_mode, bond_mode, lacp); else `show`."""
    base = f"nodes/{name}/commands/"
    json_files = {
        f"{base}{f}": text
        for f in snap.command_names(name)
        if f.startswith("ovs-vsctl-list-")
        and f.endswith(".json")
        and (text := snap.command(name, f)) is not None
    }
    if f"{base}{OVS_JSON}" in json_files:
        entry = f"{base}{OVS_JSON}"
        db = run_parser(parse_ovs_json, json_files, entry, artifact=entry, node=name, gaps=gaps)
        if db is not None:
            return db.topology
    path = command_path(name, OVS_SHOW)
    return parse_one(parse_ovs_show, snap.command(name, OVS_SHOW), path, artifact=path, node=name, gaps=gaps)


def _api_network(snap: Snapshot, name: str, gaps: list[Gap]) -> ApiNetwork | None:
    api_path = f"/nodes/{name}/network"
    rel = api_artifact_path(api_path)
    return parse_one(parse_api_network, snap.api_text(api_path), rel, artifact=rel, node=name, gaps=gaps)


def _hosts(snap: Snapshot, name: str, gaps: list[Gap]) -> HostsFile | None:
    text = snap.node_file(name, HOSTS)
    if text is not None:
        return parse_one(parse_hosts, text, HOSTS, artifact=node_file_path(name, HOSTS), node=name, gaps=gaps)
    api_path = f"/nodes/{name}/hosts"
    rel = api_artifact_path(api_path)
    api = parse_one(parse_api_hosts, snap.api_text(api_path), rel, artifact=rel, node=name, gaps=gaps)
    return api.hosts if api is not None else None


def _command(
    snap: Snapshot, name: str, command: str, parser: Callable[[Mapping[str, str], str], T], gaps: list[Gap]
) -> T | None:
    path = command_path(name, command)
    return parse_one(parser, snap.command(name, command), path, artifact=path, node=name, gaps=gaps)


def _sysctls(snap: Snapshot, name: str, gaps: list[Gap]) -> tuple[SysctlConfig, ...]:
    files = {p: t for p, t in snap.node_files(name, SYSCTL_DIR).items() if p.endswith(".conf")}
    main = snap.node_file(name, SYSCTL)
    if main is not None:
        files[SYSCTL] = main
    found = []
    for path in sorted(files, key=lambda p: (p != SYSCTL, p)):
        parsed = run_parser(
            parse_sysctl, files, path, artifact=node_file_path(name, path), node=name, gaps=gaps
        )
        if parsed is not None:
            found.append(parsed)
    return tuple(found)


def _nat_hooks(interfaces: InterfacesConfig | None) -> NatConfig | None:
    if interfaces is None:
        return None
    hooks = [h for iface in interfaces.interfaces for h in iface.hooks]
    return parse_nat_hooks(hooks) if hooks else None


def load_node(snap: Snapshot, name: str, guests: tuple[Guest, ...] = ()) -> Node:
    """Everything a snapshot says about one node."""
    gaps: list[Gap] = [
        Gap(node=name, artifact=a.path, status=a.status, message=a.error)
        for a in snap.artifacts_for(name)
        if a.status != "ok"
    ]
    files = snap.node_files(name, "/etc/network")
    api = _api_network(snap, name, gaps)
    interfaces: InterfacesConfig | None = None
    pending: InterfacesConfig | None = None
    ifaces_artifact = node_file_path(name, INTERFACES)
    if INTERFACES in files:
        interfaces = run_parser(
            parse_interfaces, files, INTERFACES, artifact=ifaces_artifact, node=name, gaps=gaps
        )
    elif api is not None:
        interfaces = api.config  # without the file (API-only collection), the API's view of it
    elif not any(g.artifact == ifaces_artifact for g in gaps):
        gaps.append(Gap(name, ifaces_artifact, "missing", "not in the snapshot"))
    if INTERFACES_NEW in files:
        pending = run_parser(
            parse_interfaces,
            files,
            INTERFACES_NEW,
            artifact=node_file_path(name, INTERFACES_NEW),
            node=name,
            gaps=gaps,
        )

    bonds: list[BondStatus] = []
    for path, text in sorted(snap.node_files(name, BONDING_DIR).items()):
        artifact = node_file_path(name, path)
        bond = parse_one(parse_bonding, text, path, artifact=artifact, node=name, gaps=gaps)
        if bond is not None:
            bonds.append(bond)

    ovs = _load_ovs(snap, name, gaps)
    hosts = _hosts(snap, name, gaps)
    nat_hooks = _nat_hooks(interfaces)
    node = Node(
        name=name,
        interfaces=interfaces,
        pending_interfaces=pending,
        api_states=api.states if api is not None else (),
        api_changes=api.changes if api is not None else None,
        bonds=tuple(bonds),
        ovs=ovs,
        ip_links=_command(snap, name, IP_LINK, parse_ip_link, gaps),
        ip_addrs=_command(snap, name, IP_ADDR, parse_ip_addr, gaps),
        bridge_vlans=_command(snap, name, BRIDGE_VLAN, parse_bridge_vlan, gaps),
        lldp=_command(snap, name, LLDP, parse_lldp, gaps),
        hosts=hosts,
        nat_hooks=nat_hooks,
        nat_runtime=_command(snap, name, IPTABLES_NAT, parse_iptables_save, gaps),
        sysctls=_sysctls(snap, name, gaps),
        guests=tuple(g for g in guests if g.node == name),
        gaps=tuple(gaps),
    )
    warnings = warnings_of(interfaces) + warnings_of(pending)
    for source in (*bonds, ovs, node.ip_links, node.ip_addrs, node.bridge_vlans, node.lldp, hosts):
        warnings += warnings_of(source)
    warnings += warnings_of(node.nat_runtime) + warnings_of(nat_hooks)
    for sysctl in node.sysctls:
        warnings += warnings_of(sysctl)
    return replace(node, warnings=warnings)
