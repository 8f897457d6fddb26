"""The table of source kinds that `netdoc parse KIND FILE` and the snapshot reader understand.

Each kind names its parser as "module:function" and is imported only when used, so the CLI
starts fast and a parser's dependencies load only for that parser. Every parser has the same
signature: `parse(files: Mapping[str, str], path: str) -> model`, where `files` maps paths to
text and `path` is the entry file (multi-file kinds such as interfaces follow their includes
inside `files`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import cast

from netdoc.errors import UsageError

ParseFn = Callable[[Mapping[str, str], str], object]


@dataclass(frozen=True)
class Kind:
    """One kind of source: its name on the command line, what it reads, and its parser."""

    name: str
    summary: str
    target: str  # "package.module:function"
    multi_file: bool = False  # the parser follows includes (the caller supplies the whole tree)

    def parser(self) -> ParseFn:
        module_name, _, func_name = self.target.partition(":")
        module = importlib.import_module(module_name)
        return cast(ParseFn, getattr(module, func_name))


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "interfaces",
            "/etc/network/interfaces (ifupdown, ifupdown2, Proxmox), with its source includes",
            "netdoc.parsers.ifupdown:parse_interfaces",
            multi_file=True,
        ),
        Kind(
            "bonding",
            "/proc/net/bonding/<bond>: a Linux bond's runtime state",
            "netdoc.parsers.bonding:parse_bonding",
        ),
        Kind(
            "ovs-show",
            "`ovs-vsctl show`: Open vSwitch bridges, ports, interfaces",
            "netdoc.parsers.ovs:parse_ovs_show",
        ),
        Kind(
            "ovs-json",
            "`ovs-vsctl --format=json list <table>` (+ the other tables of its set in the same folder)",
            "netdoc.parsers.ovs:parse_ovs_json",
            multi_file=True,
        ),
        Kind(
            "ovs-list",
            "plain `ovs-vsctl list <table>` (Bridge, Port, Interface, Mirror, sFlow, NetFlow, ...)",
            "netdoc.parsers.ovs:parse_ovs_list",
            multi_file=True,
        ),
        Kind(
            "corosync",
            "/etc/pve/corosync.conf: nodes, links, totem, quorum",
            "netdoc.parsers.corosync:parse_corosync",
        ),
        Kind(
            "storage",
            "/etc/pve/storage.cfg: storages and the hosts they reach",
            "netdoc.parsers.storage:parse_storage",
        ),
        Kind(
            "sdn-cfg",
            "/etc/pve/sdn/{zones,vnets,subnets,...}.cfg (configured SDN)",
            "netdoc.parsers.sdn:parse_sdn_cfg",
        ),
        Kind(
            "sdn-running",
            "/etc/pve/sdn/.running-config (applied SDN, JSON)",
            "netdoc.parsers.sdn:parse_sdn_running",
        ),
        Kind(
            "datacenter",
            "/etc/pve/datacenter.cfg: migration network, MAC prefix",
            "netdoc.parsers.datacenter:parse_datacenter",
        ),
        Kind(
            "ceph-conf",
            "/etc/pve/ceph.conf: public/cluster networks, monitors",
            "netdoc.parsers.ceph:parse_ceph",
        ),
        Kind(
            "ha-groups",
            "/etc/pve/ha/groups.cfg: HA groups and their nodes",
            "netdoc.parsers.ha:parse_ha_groups",
        ),
        Kind(
            "ha-resources",
            "/etc/pve/ha/resources.cfg: guests under HA and their group",
            "netdoc.parsers.ha:parse_ha_resources",
        ),
        Kind(
            "ha-rules",
            "/etc/pve/ha/rules.cfg: HA node and resource affinity rules (Proxmox VE 9)",
            "netdoc.parsers.ha:parse_ha_rules",
        ),
        Kind(
            "qemu-config",
            "/etc/pve/qemu-server/<vmid>.conf: a VM and its NICs",
            "netdoc.parsers.guest_config:parse_qemu_config",
        ),
        Kind(
            "lxc-config",
            "/etc/pve/lxc/<vmid>.conf: a container and its NICs",
            "netdoc.parsers.guest_config:parse_lxc_config",
        ),
        Kind(
            "qemu-config-json",
            "API /nodes/{node}/qemu/{vmid}/config (JSON)",
            "netdoc.parsers.guest_config:parse_qemu_config_json",
        ),
        Kind(
            "lxc-config-json",
            "API /nodes/{node}/lxc/{vmid}/config (JSON)",
            "netdoc.parsers.guest_config:parse_lxc_config_json",
        ),
        Kind(
            "guest-configs-bulk",
            "`tail -n +1 -- /etc/pve/nodes/*/{qemu-server,lxc}/*.conf` output",
            "netdoc.parsers.guest_config:parse_guest_configs_bulk",
        ),
        Kind(
            "iptables-save",
            "`iptables-save -t nat` output: NAT rules and chains",
            "netdoc.parsers.nat:parse_iptables_save",
        ),
        Kind(
            "sysctl",
            "/etc/sysctl.conf, /etc/sysctl.d/*.conf: forwarding settings",
            "netdoc.parsers.sysctl:parse_sysctl",
        ),
        Kind(
            "hosts", "/etc/hosts (or the API's /nodes/{node}/hosts JSON)", "netdoc.parsers.hosts:parse_hosts"
        ),
        Kind(
            "api-network",
            "GET /nodes/{node}/network (or /network/{iface}) reply",
            "netdoc.parsers.pve_api:parse_api_network",
        ),
        Kind(
            "api-cluster-status",
            "GET /cluster/status reply",
            "netdoc.parsers.pve_api_cluster:parse_api_cluster_status",
        ),
        Kind(
            "api-cluster-nodes",
            "GET /cluster/config/nodes reply (corosync nodelist)",
            "netdoc.parsers.pve_api_cluster:parse_api_cluster_nodes",
        ),
        Kind(
            "api-totem",
            "GET /cluster/config/totem reply (corosync totem)",
            "netdoc.parsers.pve_api_cluster:parse_api_totem",
        ),
        Kind(
            "api-resources",
            "GET /cluster/resources reply",
            "netdoc.parsers.pve_api_cluster:parse_api_resources",
        ),
        Kind("api-nodes", "GET /nodes reply", "netdoc.parsers.pve_api_cluster:parse_api_nodes"),
        Kind(
            "api-cluster-options",
            "GET /cluster/options reply (datacenter.cfg)",
            "netdoc.parsers.pve_api_cluster:parse_api_cluster_options",
        ),
        Kind("api-dns", "GET /nodes/{node}/dns reply", "netdoc.parsers.pve_api_cluster:parse_api_dns"),
        Kind(
            "api-hosts",
            "GET /nodes/{node}/hosts reply (/etc/hosts text)",
            "netdoc.parsers.pve_api_cluster:parse_api_hosts",
        ),
        Kind(
            "api-version",
            "GET /version or /nodes/{node}/version reply",
            "netdoc.parsers.pve_api_cluster:parse_api_version",
        ),
        Kind(
            "api-storage", "GET /storage reply (storage.cfg)", "netdoc.parsers.pve_api_sdn:parse_api_storage"
        ),
        Kind(
            "api-sdn-zones", "GET /cluster/sdn/zones reply", "netdoc.parsers.pve_api_sdn:parse_api_sdn_zones"
        ),
        Kind(
            "api-sdn-vnets", "GET /cluster/sdn/vnets reply", "netdoc.parsers.pve_api_sdn:parse_api_sdn_vnets"
        ),
        Kind(
            "api-sdn-subnets",
            "GET /cluster/sdn/vnets/{vnet}/subnets reply",
            "netdoc.parsers.pve_api_sdn:parse_api_sdn_subnets",
        ),
        Kind(
            "api-sdn-controllers",
            "GET /cluster/sdn/controllers reply",
            "netdoc.parsers.pve_api_sdn:parse_api_sdn_controllers",
        ),
        Kind(
            "ip-link",
            "`ip -j -d link` output (runtime devices, bonds, bridges, VLANs, VXLANs)",
            "netdoc.parsers.iproute2:parse_ip_link",
        ),
        Kind("ip-addr", "`ip -j addr` output (runtime addresses)", "netdoc.parsers.iproute2:parse_ip_addr"),
        Kind(
            "bridge-vlan",
            "`bridge -j vlan show` output (both JSON shapes)",
            "netdoc.parsers.iproute2:parse_bridge_vlan",
        ),
        Kind(
            "lldp",
            "`lldpctl -f json0|json|keyvalue` neighbours (format detected)",
            "netdoc.parsers.lldp:parse_lldp",
        ),
        Kind("lldp-json0", "`lldpctl -f json0` neighbours", "netdoc.parsers.lldp:parse_lldp_json0"),
        Kind(
            "lldp-json",
            "`lldpctl -f json` neighbours (shape varies with their number)",
            "netdoc.parsers.lldp:parse_lldp_json",
        ),
        Kind("lldp-keyvalue", "`lldpctl -f keyvalue` neighbours", "netdoc.parsers.lldp:parse_lldp_keyvalue"),
    )
}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise UsageError(f"unknown kind {name!r}; known kinds: {known}") from None
