"""The allow-list: every API path, file and command netdoc asks a cluster for, and why.

Nothing outside these tables is ever requested (tests/collectors check the lab's logs against
them); everything is read-only (GET, `tail`, listing commands). docs/collection.md shows the same
tables for admins. A node's reads and commands go in one batch (`BATCH_COMMAND`, batch.py), or
one by one when the batch fails. The plan is per cluster, once (cluster-wide API, /etc/pve read over SSH from
one node) plus per node (node API, node files, commands), so the number of requests grows with
nodes, not with guests: per-guest API calls are only the fallback when /etc/pve cannot be read
over SSH.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from dataclasses import dataclass

from netdoc.snapshot import COMMANDS

# --------------------------------------------------------------------------------------------- API


@dataclass(frozen=True)
class ApiItem:
    """One GET below /api2/json; `{node}`, `{vnet}`, `{vmid}` are filled in per node/object."""

    path: str
    why: str


CLUSTER_API: tuple[ApiItem, ...] = (
    ApiItem("/cluster/status", "cluster name and quorum; every node with its online state and address"),
    ApiItem("/version", "Proxmox VE release of the node answering the API"),
    ApiItem("/cluster/config/nodes", "corosync's node list with every link address"),
    ApiItem("/cluster/config/totem", "corosync totem: cluster name, links, transport (no key)"),
    ApiItem("/cluster/resources", "every guest, storage and SDN object with its node and state"),
    ApiItem("/cluster/options", "datacenter options: MAC prefix, migration network, bandwidth limits"),
    ApiItem("/nodes", "nodes with their status and certificate fingerprints"),
    ApiItem("/storage", "storage definitions: which NFS, iSCSI, Ceph or PBS server is reached"),
    ApiItem("/cluster/sdn/zones", "SDN zones (VLAN, QinQ, VXLAN, EVPN) as applied"),
    ApiItem("/cluster/sdn/vnets", "SDN vnets: their zone, tag and VLAN awareness"),
    ApiItem("/cluster/sdn/controllers", "SDN controllers (EVPN, BGP, ISIS) and their peers"),
)
VNET_SUBNETS = ApiItem("/cluster/sdn/vnets/{vnet}/subnets", "the subnets and gateways of each SDN vnet")

NODE_API: tuple[ApiItem, ...] = (
    ApiItem("/nodes/{node}/network", "interfaces as Proxmox sees them (configured and active)"),
    ApiItem("/nodes/{node}/dns", "DNS servers and search domain"),
    ApiItem("/nodes/{node}/hosts", "the node's /etc/hosts (names of the cluster's addresses)"),
    ApiItem("/nodes/{node}/version", "the node's Proxmox VE release"),
    ApiItem("/nodes/{node}/qemu", "the node's VMs (vmid, name, state)"),
    ApiItem("/nodes/{node}/lxc", "the node's containers (vmid, name, state)"),
)
# Only when the guest configurations cannot be read from /etc/pve over SSH.
GUEST_API: tuple[ApiItem, ...] = (
    ApiItem("/nodes/{node}/qemu/{vmid}/config", "a VM's NICs (bridge, tag, firewall, rate)"),
    ApiItem("/nodes/{node}/lxc/{vmid}/config", "a container's NICs (bridge, tag, addresses)"),
)
# Authentication with a password (a token needs no request); the only non-GET netdoc sends.
TICKET_PATH = "/access/ticket"


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-z]+\})", template)
    body = "".join(
        r"(?:[A-Za-z0-9][A-Za-z0-9._-]*)" if p.startswith("{") else re.escape(p) for p in parts if p
    )
    return re.compile(f"^{body}$")


_API_PATTERNS = tuple(_template_regex(i.path) for i in (*CLUSTER_API, VNET_SUBNETS, *NODE_API, *GUEST_API))


def api_allowed(method: str, path: str) -> bool:
    """Is this request on the allow-list? (GET of a listed path, or the ticket login.)"""
    path = path.split("?", 1)[0]
    if method == "POST" and path == TICKET_PATH:
        return True
    return method == "GET" and any(p.match(path) for p in _API_PATTERNS)


# --------------------------------------------------------------------------------------------- files


@dataclass(frozen=True)
class FilePattern:
    """A file (or a glob) read over SSH.

    `record_missing`: an absent file is recorded as `missing` in the manifest (for a file every
    node has); otherwise its absence is normal (no bond, no pending change) and not recorded.
    """

    pattern: str
    why: str
    record_missing: bool = False

    @property
    def is_glob(self) -> bool:
        return any(c in self.pattern for c in "*?[")

    @property
    def folder(self) -> str:
        """The fixed folder a glob lives in (where a failed read is recorded)."""
        if not self.is_glob:
            return self.pattern
        parts = self.pattern.split("/")
        fixed = list(parts[: next(i for i, p in enumerate(parts) if any(c in p for c in "*?["))])
        return "/".join(fixed) or "/"

    def matches(self, path: str) -> bool:
        """Does a path named by tail match this pattern (component by component, as bash globs)?"""
        if not self.is_glob:
            return path == self.pattern
        want, got = self.pattern.split("/"), posixpath.normpath(path).split("/")
        return len(want) == len(got) and all(
            fnmatch.fnmatchcase(g, w) and not (g.startswith(".") and not w.startswith("."))
            for g, w in zip(got, want, strict=True)
        )


@dataclass(frozen=True)
class FileRead:
    """Several files read with ONE `tail -n +1 --` command (GNU tail heads each with `==> path <==`)."""

    name: str
    patterns: tuple[FilePattern, ...]

    @property
    def command(self) -> str:
        # At least two arguments, so that tail always prints the headers the output is split by.
        assert len(self.patterns) >= 2
        return "tail -n +1 -- " + " ".join(p.pattern for p in self.patterns)

    def pattern_for(self, path: str) -> FilePattern | None:
        return next((p for p in self.patterns if p.matches(path)), None)


# /etc/pve is one cluster file system: read once, from one reachable node.
PVE_FILES = FileRead(
    "pve-files",
    (
        FilePattern("/etc/pve/corosync.conf", "corosync links and rings (absent on a standalone node)", True),
        FilePattern("/etc/pve/storage.cfg", "storage definitions (server addresses, exports)", True),
        FilePattern("/etc/pve/datacenter.cfg", "datacenter options (migration network, MAC prefix)"),
        FilePattern("/etc/pve/.members", "cluster members with their addresses and online state"),
        FilePattern("/etc/pve/ceph.conf", "Ceph public and cluster networks, monitors"),
        FilePattern("/etc/pve/sdn/*.cfg", "SDN configuration (zones, vnets, subnets, controllers)"),
        FilePattern("/etc/pve/sdn/.running-config", "the SDN configuration as last applied"),
        FilePattern("/etc/pve/ha/groups.cfg", "HA groups: the nodes an HA guest may move to"),
        FilePattern("/etc/pve/ha/resources.cfg", "the guests under HA and their group"),
        FilePattern("/etc/pve/ha/rules.cfg", "HA node-affinity rules (Proxmox VE 9)"),
    ),
)
GUEST_FILES = FileRead(
    "guest-configs",
    (
        FilePattern("/etc/pve/nodes/*/qemu-server/*.conf", "every VM's NICs, in bulk"),
        FilePattern("/etc/pve/nodes/*/lxc/*.conf", "every container's NICs, in bulk"),
    ),
)
NODE_FILES = FileRead(
    "node-files",
    (
        FilePattern("/etc/network/interfaces", "the node's network configuration", True),
        FilePattern("/etc/network/interfaces.d/*", "configuration sourced by it (SDN writes `sdn` here)"),
        FilePattern("/etc/network/interfaces.new", "changes pending until the next apply or reboot"),
        FilePattern("/proc/net/bonding/*", "each bond's runtime state: mode, LACP partner, members"),
        FilePattern("/etc/hosts", "the names of the cluster's addresses", True),
        FilePattern("/etc/sysctl.conf", "forwarding and other network settings"),
        FilePattern("/etc/sysctl.d/*.conf", "forwarding and other network settings"),
    ),
)
FILE_READS = (PVE_FILES, GUEST_FILES, NODE_FILES)

# Never read: the private half of the cluster file system (keys, tokens, passwords).
FORBIDDEN_PREFIXES = ("/etc/pve/priv", "/etc/pve/local/", "/root", "/etc/shadow", "/etc/ssh")

# ------------------------------------------------------------------------------------------ commands


@dataclass(frozen=True)
class CommandItem:
    """A read-only command; its stdout is stored as nodes/<node>/commands/<name>."""

    name: str
    command: str
    needs_root: bool
    why: str
    absent_when: str  # what `missing` means for this command

    def command_line(self, sudo: bool) -> str:
        """The exact line sent; `sudo -n` (never prompting) only for what needs root."""
        return f"sudo -n {self.command}" if sudo and self.needs_root else self.command


_OVS = "Open vSwitch is not installed or not running"
_IPROUTE = "iproute2 is not installed"
_WHY = {
    "ovs-vsctl-show.txt": ("Open vSwitch bridges, ports, bonds and tags as running", _OVS),
    "ovs-vsctl-list-bridge.json": ("OVS bridges with every column", _OVS),
    "ovs-vsctl-list-port.json": ("OVS ports: tag, trunks, bond mode, LACP", _OVS),
    "ovs-vsctl-list-interface.json": ("OVS interfaces: type, link state, MAC", _OVS),
    "ovs-vsctl-list-open_vswitch.json": ("OVS version and the bridges of the switch", _OVS),
    "ovs-vsctl-list-mirror.json": ("OVS port mirrors (what copies whose traffic)", _OVS),
    "ovs-vsctl-list-sflow.json": ("OVS sFlow exports (collector addresses)", _OVS),
    "ovs-vsctl-list-netflow.json": ("OVS NetFlow exports (collector addresses)", _OVS),
    "ovs-vsctl-list-controller.json": ("OpenFlow controllers a bridge obeys", _OVS),
    "ovs-vsctl-list-manager.json": ("OVSDB managers (remote configuration access)", _OVS),
    "ip-j-d-link.json": ("every link as running: bridges, bonds, VLANs, MTU, state", _IPROUTE),
    "ip-j-addr.json": ("every address as running", _IPROUTE),
    "bridge-j-vlan-show.json": ("VLANs on the ports of VLAN-aware bridges", _IPROUTE),
    "lldpctl-f-json0.json": (
        "LLDP neighbours: which switch port each NIC is cabled to",
        "lldpd is not installed or not running",
    ),
    "iptables-save-t-nat.txt": ("NAT rules (masquerading of routed setups)", "iptables is not installed"),
}
_ROOT = {"ovs-vsctl", "iptables-save"}

NODE_COMMANDS: tuple[CommandItem, ...] = tuple(
    CommandItem(
        name=name,
        command=line,
        needs_root=line.split()[0] in _ROOT,
        why=_WHY.get(name, ("(not described yet)", ""))[0],
        absent_when=_WHY.get(name, ("", f"{line.split()[0]} is not installed"))[1],
    )
    for name, line in COMMANDS.items()
)


# The one other exec line: bash reading a batch of the commands above from stdin (batch.py), so
# that a node is read in one round trip. The script holds nothing but these command lines, each
# framed by `printf` lines of a random marker (docs/collection.md shows the form).
BATCH_COMMAND = "bash -s"


def ssh_commands(sudo: bool) -> tuple[str, ...]:
    """Every command line netdoc may send over SSH, alone or in a batch (for the allow-list check)."""
    lines = [r.command for r in FILE_READS]
    lines += [c.command_line(sudo) for c in NODE_COMMANDS]
    return (*lines, BATCH_COMMAND)


def sudoers_lines(user: str = "netdoc") -> list[str]:
    """What an admin puts in /etc/sudoers.d/netdoc: exactly the root commands, nothing more."""
    paths = {"ovs-vsctl": "/usr/bin/ovs-vsctl", "iptables-save": "/usr/sbin/iptables-save"}
    out = []
    for c in NODE_COMMANDS:
        if c.needs_root:
            prog, _, args = c.command.partition(" ")
            args = re.sub(r"([,:=\\])", r"\\\1", args)  # special in sudoers: escaped in arguments
            out.append(f"{user} ALL=(root) NOPASSWD: {paths[prog]} {args}".rstrip())
    return out
