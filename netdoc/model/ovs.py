"""Open vSwitch runtime state: one topology model (bridges -> ports -> interfaces) for every source.

`ovs-vsctl show` and the database lists (`ovs-vsctl --format=json list <table>` or the plain text
`ovs-vsctl list <table>`) both produce `OvsTopology`, so that the two can be compared:
`OvsTopology.as_shown()` keeps exactly what `show` prints. Fields marked "database only" stay at
their empty value when the source is `show`. The raw tables are kept as `OvsdbTable` (evidence).
Names and collections are sorted, so a topology always serialises to the same bytes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from netdoc.model.base import ParseWarning, SourceRef


@dataclass(frozen=True, order=True)
class OvsUuid:
    """An OVSDB row reference (`["uuid", "..."]` on the wire); JSON form {"uuid": "..."}."""

    uuid: str

    def __str__(self) -> str:
        return self.uuid


# An OVSDB value: an atom, a set of atoms (tuple) or a map (keys as text). The wire format's
# one-element set is its bare atom, so a set column holds either; the typed model resolves that.
OvsAtom = str | int | float | bool | OvsUuid
OvsValue = OvsAtom | tuple[OvsAtom, ...] | Mapping[str, OvsAtom]


@dataclass(frozen=True)
class OvsdbRow:
    """One row of a listed table, every column decoded (see OvsValue)."""

    uuid: str | None
    columns: Mapping[str, OvsValue]
    source: SourceRef | None = None


@dataclass(frozen=True)
class OvsdbTable:
    """One listed table, as read: from `--format=json list` ("json") or plain `list` ("text")."""

    table: str | None  # "Bridge", "Port", "Interface", "Mirror", "sFlow", ...; None when unknown
    path: str
    encoding: str  # "json" | "text"
    headings: tuple[str, ...]  # columns in file order
    rows: tuple[OvsdbRow, ...]


@dataclass(frozen=True)
class OvsController:
    """An OpenFlow controller of a bridge (`Controller` row), or a manager (`Manager` row)."""

    target: str | None  # "tcp:192.0.2.9:6653", "ptcp:6640"; None when only the reference was read
    is_connected: bool | None = None  # show prints the line only when true: absent = False
    role: str | None = None  # database only (controllers): "other" | "master" | "slave"
    uuid: str | None = None  # database only
    source: SourceRef | None = None


@dataclass(frozen=True)
class OvsInterface:
    """An `Interface` row; `type` "system" also stands for the database's empty type."""

    name: str
    type: str = "system"  # system, internal, patch, vxlan, gre, geneve, dpdk, dpdkvhostuser, ...
    options: Mapping[str, str] = field(default_factory=dict)  # peer, remote_ip, key, dpdk-devargs...
    error: str | None = None  # "could not open network device eth9 (No such device)"
    bfd_status: Mapping[str, str] = field(default_factory=dict)
    # database only
    admin_state: str | None = None  # "up" | "down"
    link_state: str | None = None  # "up" | "down"
    link_speed_bps: int | None = None
    duplex: str | None = None
    mtu: int | None = None
    mtu_request: int | None = None
    mac: str | None = None  # the MAC asked for (column mac)
    mac_in_use: str | None = None
    ofport: int | None = None  # OpenFlow port number; -1 when the interface could not be added
    ofport_request: int | None = None
    ifindex: int | None = None
    lacp_current: bool | None = None
    link_resets: int | None = None
    statistics: Mapping[str, int] = field(default_factory=dict)  # rx_bytes, tx_packets, ... (counters)
    status: Mapping[str, str] = field(default_factory=dict)
    other_config: Mapping[str, str] = field(default_factory=dict)
    external_ids: Mapping[str, str] = field(default_factory=dict)
    uuid: str | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class OvsPort:
    """A `Port` row: an access port (tag), a trunk (trunks), or a bond (several interfaces)."""

    name: str
    interfaces: tuple[OvsInterface, ...] = ()  # sorted by name
    bond: bool = False  # an OVS bond: the port has more than one interface
    tag: int | None = None  # access VLAN (fake bridges are internal ports with a tag)
    trunks: tuple[int, ...] = ()  # empty: every VLAN (when no tag)
    # database only
    vlan_mode: str | None = None  # access | trunk | native-tagged | native-untagged | dot1q-tunnel
    bond_mode: str | None = None  # active-backup | balance-slb | balance-tcp
    lacp: str | None = None  # active | passive | off
    bond_updelay_ms: int | None = None
    bond_downdelay_ms: int | None = None
    bond_active_slave: str | None = None  # MAC of the active member (active-backup)
    fake_bridge: bool | None = None
    cvlans: tuple[int, ...] = ()
    mac: str | None = None
    other_config: Mapping[str, str] = field(default_factory=dict)  # lacp-time, bond-detect-mode, ...
    external_ids: Mapping[str, str] = field(default_factory=dict)
    status: Mapping[str, str] = field(default_factory=dict)
    uuid: str | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class OvsPortRef:
    """A reference to a port: its name when the Port table was read, always its uuid."""

    name: str | None
    uuid: str


@dataclass(frozen=True)
class OvsMirror:
    """A port mirror (SPAN/RSPAN): what it selects and where it sends the copies."""

    name: str | None
    bridge: str | None  # the bridge listing it, when the Bridge table was read
    select_all: bool = False
    select_src_ports: tuple[OvsPortRef, ...] = ()
    select_dst_ports: tuple[OvsPortRef, ...] = ()
    select_vlans: tuple[int, ...] = ()
    output_port: OvsPortRef | None = None
    output_vlan: int | None = None
    snaplen: int | None = None
    statistics: Mapping[str, int] = field(default_factory=dict)
    external_ids: Mapping[str, str] = field(default_factory=dict)
    uuid: str | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class OvsSflow:
    """An sFlow probe: sample 1 packet in `sampling`, poll counters every `polling_s` seconds."""

    bridge: str | None
    agent: str | None = None  # interface or address the datagrams come from
    targets: tuple[str, ...] = ()  # "192.0.2.5:6343"
    sampling: int | None = None
    polling_s: int | None = None
    header_bytes: int | None = None
    external_ids: Mapping[str, str] = field(default_factory=dict)
    uuid: str | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class OvsNetflow:
    """A NetFlow exporter of a bridge."""

    bridge: str | None
    targets: tuple[str, ...] = ()  # "192.0.2.7:2055"
    active_timeout_s: int | None = None  # 0 = the default (600 s), -1 = disabled
    add_id_to_interface: bool | None = None
    engine_id: int | None = None
    engine_type: int | None = None
    external_ids: Mapping[str, str] = field(default_factory=dict)
    uuid: str | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class OvsBridge:
    """A `Bridge` row with its ports; mirrors, sFlow and NetFlow sit in OvsTopology by bridge name."""

    name: str  # "" for ports found outside any Bridge line (damaged or partial show output)
    ports: tuple[OvsPort, ...] = ()  # sorted by name
    controllers: tuple[OvsController, ...] = ()
    fail_mode: str | None = None  # "secure" | "standalone"; None = the default (standalone)
    datapath_type: str | None = None  # "system" | "netdev"; None = the default (system)
    # database only
    datapath_id: str | None = None
    stp_enable: bool | None = None
    rstp_enable: bool | None = None
    mcast_snooping_enable: bool | None = None
    protocols: tuple[str, ...] = ()
    flood_vlans: tuple[int, ...] = ()
    other_config: Mapping[str, str] = field(default_factory=dict)
    external_ids: Mapping[str, str] = field(default_factory=dict)
    uuid: str | None = None
    source: SourceRef | None = None

    def port(self, name: str) -> OvsPort | None:
        return next((p for p in self.ports if p.name == name), None)


@dataclass(frozen=True)
class OvsTopology:
    """Everything known about one node's Open vSwitch."""

    origin: str  # "show" | "ovsdb-json" | "ovsdb-text"
    uuid: str | None = None  # the Open_vSwitch row (first line of `show`)
    ovs_version: str | None = None  # None when never set (sandboxes) or not read
    managers: tuple[OvsController, ...] = ()
    bridges: tuple[OvsBridge, ...] = ()  # sorted by name
    mirrors: tuple[OvsMirror, ...] = ()  # database only
    sflows: tuple[OvsSflow, ...] = ()  # database only
    netflows: tuple[OvsNetflow, ...] = ()  # database only
    # database only (Open_vSwitch row)
    db_version: str | None = None
    system_type: str | None = None
    system_version: str | None = None
    other_config: Mapping[str, str] = field(default_factory=dict)
    external_ids: Mapping[str, str] = field(default_factory=dict)  # hostname, system-id, ovn-*
    files: tuple[str, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()

    def bridge(self, name: str) -> OvsBridge | None:
        return next((b for b in self.bridges if b.name == name), None)

    def as_shown(self) -> OvsTopology:
        """Only what `ovs-vsctl show` prints, without evidence: two sources compare equal here."""

        def controller(c: OvsController) -> OvsController:
            return OvsController(target=c.target, is_connected=bool(c.is_connected))

        def interface(i: OvsInterface) -> OvsInterface:
            return OvsInterface(
                name=i.name,
                type=i.type,
                options=dict(i.options),
                error=i.error,
                bfd_status=dict(i.bfd_status),
            )

        def port(p: OvsPort) -> OvsPort:
            return OvsPort(
                name=p.name,
                interfaces=tuple(interface(i) for i in p.interfaces),
                bond=p.bond,
                tag=p.tag,
                trunks=p.trunks,
            )

        def bridge(b: OvsBridge) -> OvsBridge:
            return OvsBridge(
                name=b.name,
                ports=tuple(port(p) for p in b.ports),
                controllers=tuple(controller(c) for c in b.controllers),
                fail_mode=b.fail_mode,
                datapath_type=b.datapath_type,
            )

        return OvsTopology(
            origin="show",
            uuid=self.uuid,
            ovs_version=self.ovs_version,
            managers=tuple(controller(m) for m in self.managers),
            bridges=tuple(bridge(b) for b in self.bridges),
        )


@dataclass(frozen=True)
class OvsDatabase:
    """The parse of listed OVSDB tables (`ovs-json`, `ovs-list`): the tables and the topology they give."""

    files: tuple[str, ...]
    tables: tuple[OvsdbTable, ...]
    topology: OvsTopology

    @property
    def warnings(self) -> tuple[ParseWarning, ...]:
        return self.topology.warnings

    def table(self, name: str) -> tuple[OvsdbTable, ...]:
        return tuple(t for t in self.tables if t.table == name)


def replace_sorted(topology: OvsTopology) -> OvsTopology:
    """The same topology with bridges, ports, interfaces and controllers in name order."""

    def key(name: str | None) -> str:
        return name or ""

    bridges = []
    for b in topology.bridges:
        ports = tuple(
            sorted(
                (
                    dataclasses.replace(p, interfaces=tuple(sorted(p.interfaces, key=lambda i: i.name)))
                    for p in b.ports
                ),
                key=lambda p: p.name,
            )
        )
        controllers = tuple(sorted(b.controllers, key=lambda c: key(c.target)))
        bridges.append(dataclasses.replace(b, ports=ports, controllers=controllers))
    return dataclasses.replace(
        topology,
        bridges=tuple(sorted(bridges, key=lambda b: b.name)),
        managers=tuple(sorted(topology.managers, key=lambda m: key(m.target))),
        mirrors=tuple(sorted(topology.mirrors, key=lambda m: (key(m.bridge), key(m.name), key(m.uuid)))),
        sflows=tuple(sorted(topology.sflows, key=lambda s: (key(s.bridge), key(s.uuid)))),
        netflows=tuple(sorted(topology.netflows, key=lambda n: (key(n.bridge), key(n.uuid)))),
    )
