"""Open vSwitch outputs of a node: `ovs-vsctl show` and `ovs-vsctl --format=json list Bridge|Port|Interface`.

Both are printed from one set of rows with deterministic UUIDs, so they agree. `show` follows
lib/db-ctl-base.c: 4-space indentation, the Open_vSwitch UUID first, rows of a set in UUID order,
only non-default columns, OVSDB string quoting (digits bare since OVS 2.13), ovs_version last. The
JSON is OVSDB wire format as ovs-vsctl prints it: `{"data": [...], "headings": [...]}` with
["uuid", ...], ["set", [...]] (a one-element set as the bare atom), ["map", [[k, v], ...]].
Runtime columns (ofport, ifindex, link_state, lacp_current, mac_in_use...) are filled as a running
ovs-vswitchd would.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from netdoc.lab import ids
from netdoc.lab.devices import NodeRuntime, OvsBridgeRt, OvsPortRt

BRIDGE_COLUMNS = [
    "_uuid",
    "auto_attach",
    "controller",
    "datapath_id",
    "datapath_type",
    "datapath_version",
    "external_ids",
    "fail_mode",
    "flood_vlans",
    "flow_tables",
    "ipfix",
    "mcast_snooping_enable",
    "mirrors",
    "name",
    "netflow",
    "other_config",
    "ports",
    "protocols",
    "rstp_enable",
    "rstp_status",
    "sflow",
    "status",
    "stp_enable",
]
PORT_COLUMNS = [
    "_uuid",
    "bond_active_slave",
    "bond_downdelay",
    "bond_fake_iface",
    "bond_mode",
    "bond_updelay",
    "cvlans",
    "external_ids",
    "fake_bridge",
    "interfaces",
    "lacp",
    "mac",
    "name",
    "other_config",
    "protected",
    "qos",
    "rstp_statistics",
    "rstp_status",
    "statistics",
    "status",
    "tag",
    "trunks",
    "vlan_mode",
]
INTERFACE_COLUMNS = [
    "_uuid",
    "admin_state",
    "bfd",
    "bfd_status",
    "cfm_fault",
    "cfm_fault_status",
    "cfm_flap_count",
    "cfm_health",
    "cfm_mpid",
    "cfm_remote_mpids",
    "cfm_remote_opstate",
    "duplex",
    "error",
    "external_ids",
    "ifindex",
    "ingress_policing_burst",
    "ingress_policing_kpkts_burst",
    "ingress_policing_kpkts_rate",
    "ingress_policing_rate",
    "lacp_current",
    "link_resets",
    "link_speed",
    "link_state",
    "lldp",
    "mac",
    "mac_in_use",
    "mtu",
    "mtu_request",
    "name",
    "ofport",
    "ofport_request",
    "options",
    "other_config",
    "statistics",
    "status",
    "type",
]
OPEN_VSWITCH_COLUMNS = [
    "_uuid",
    "bridges",
    "cur_cfg",
    "datapath_types",
    "datapaths",
    "db_version",
    "dpdk_initialized",
    "dpdk_version",
    "external_ids",
    "iface_types",
    "manager_options",
    "next_cfg",
    "other_config",
    "ovs_version",
    "ssl",
    "statistics",
    "system_type",
    "system_version",
]
MIRROR_COLUMNS = [
    "_uuid",
    "external_ids",
    "name",
    "output_port",
    "output_vlan",
    "select_all",
    "select_dst_port",
    "select_src_port",
    "select_vlan",
    "snaplen",
    "statistics",
]
SFLOW_COLUMNS = ["_uuid", "agent", "external_ids", "header", "polling", "sampling", "targets"]
NETFLOW_COLUMNS = [
    "_uuid",
    "active_timeout",
    "add_id_to_interface",
    "engine_id",
    "engine_type",
    "external_ids",
    "targets",
]
CONTROLLER_COLUMNS = [
    "_uuid",
    "connection_mode",
    "controller_burst_limit",
    "controller_queue_size",
    "controller_rate_limit",
    "enable_async_messages",
    "external_ids",
    "inactivity_probe",
    "is_connected",
    "local_gateway",
    "local_ip",
    "local_netmask",
    "max_backoff",
    "other_config",
    "role",
    "status",
    "target",
    "type",
]
MANAGER_COLUMNS = [
    "_uuid",
    "connection_mode",
    "external_ids",
    "inactivity_probe",
    "is_connected",
    "max_backoff",
    "other_config",
    "status",
    "target",
]
OVS_DB_VERSION: dict[tuple[int, ...], str] = {
    (2, 15): "8.2.0",
    (2, 17): "8.3.0",
    (3, 1): "8.3.1",
}  # vswitch.ovsschema of each release
LOCAL_OFPORT = 65534
EMPTY_SET: list[Any] = ["set", []]
EMPTY_MAP: list[Any] = ["map", []]
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def uuid_atom(u: str) -> list[str]:
    return ["uuid", u]


def oset(items: list[Any]) -> Any:
    """An OVSDB set in wire JSON: a single element is written as the bare atom."""
    return items[0] if len(items) == 1 else ["set", items]


def omap(pairs: dict[str, Any]) -> list[Any]:
    return ["map", [[k, pairs[k]] for k in sorted(pairs)]]


def needs_quotes(s: str, version: tuple[int, ...]) -> bool:
    """lib/ovsdb-data.c string_needs_quotes; digits became bare characters in OVS 2.13."""
    if not s or s in ("true", "false") or _UUID.match(s):
        return True
    allowed = r"[A-Za-z0-9_.-]" if version >= (2, 13) else r"[A-Za-z_.-]"
    return not (re.match(r"^[A-Za-z_]", s) and re.fullmatch(f"{allowed}*", s))


def ovs_string(s: str, version: tuple[int, ...]) -> str:
    return json.dumps(s) if needs_quotes(s, version) else s


def parse_version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


@dataclass
class Row:
    uuid: str
    cols: dict[str, Any] = field(default_factory=dict)


class _Tables:
    def __init__(self, seed: int, cluster: str, rt: NodeRuntime) -> None:
        self.seed, self.cluster, self.rt = seed, cluster, rt
        self.node = rt.node.name
        self.bridges: list[tuple[Row, list[tuple[Row, list[Row]]]]] = []
        self.extra: dict[str, list[Row]] = {"sFlow": [], "Mirror": []}

    def uuid(self, table: str, name: str) -> str:
        return ids.make_uuid(self.seed, self.cluster, self.node, "ovs", table, name)

    def build(self) -> _Tables:
        for br in self.rt.ovs:
            self.bridges.append(self._bridge(br))
        return self

    def _iface(self, name: str, port: OvsPortRt, ofport: int) -> Row:
        dev = self.rt.dev(name)
        internal = port.iface_type == "internal"
        up = dev is not None and (dev.up or internal)
        cols: dict[str, Any] = dict.fromkeys(INTERFACE_COLUMNS, EMPTY_SET)
        cols.update(
            _uuid=uuid_atom(self.uuid("Interface", name)),
            admin_state="up" if dev is not None and dev.admin_up else "down",
            bfd=EMPTY_MAP,
            bfd_status=EMPTY_MAP,
            external_ids=EMPTY_MAP,
            ingress_policing_burst=0,
            ingress_policing_kpkts_burst=0,
            ingress_policing_kpkts_rate=0,
            ingress_policing_rate=0,
            link_resets=0 if up else 1,
            link_state="up" if up else "down",
            lldp=EMPTY_MAP,
            mtu=dev.mtu if dev else 1500,
            name=name,
            ofport=ofport,
            options=EMPTY_MAP,
            other_config=EMPTY_MAP,
            statistics=omap(
                dict.fromkeys(
                    (
                        "collisions",
                        "rx_bytes",
                        "rx_dropped",
                        "rx_errors",
                        "rx_packets",
                        "tx_bytes",
                        "tx_dropped",
                        "tx_errors",
                        "tx_packets",
                    ),
                    0,
                )
            ),
            type="internal" if internal else "",
        )
        if dev is not None:
            cols["ifindex"] = dev.ifindex
            cols["mac_in_use"] = dev.mac
        if internal:
            cols["status"] = omap({"driver_name": "openvswitch"})
        elif dev is not None and dev.kind == "ether":
            cols["status"] = omap(
                {"driver_name": "igb", "driver_version": "6.8.0", "firmware_version": "1.63"}
            )
            cols["duplex"] = "full" if up else EMPTY_SET
            cols["link_speed"] = (dev.speed or 1000) * 1_000_000 if up else EMPTY_SET
        elif dev is not None:
            cols["status"] = omap({"driver_name": "tun" if dev.kind == "tun" else "veth"})
            cols["duplex"] = "full"
            cols["link_speed"] = 10_000_000_000
        if port.bond_mode and port.lacp and port.lacp != "off":
            cols["lacp_current"] = up and port.lacp_negotiated
        error = port.errors.get(name)
        if error:  # vswitchd could not open it: no datapath port, no runtime state
            for column in (
                "admin_state",
                "duplex",
                "ifindex",
                "lacp_current",
                "link_speed",
                "link_state",
                "mac_in_use",
                "mtu",
                "status",
            ):
                cols[column] = EMPTY_MAP if column == "status" else EMPTY_SET
            cols.update(error=error, ofport=-1, statistics=EMPTY_MAP)
        return Row(self.uuid("Interface", name), cols)

    def _port(self, port: OvsPortRt, ifaces: list[Row]) -> Row:
        cols: dict[str, Any] = dict.fromkeys(PORT_COLUMNS, EMPTY_SET)
        cols.update(
            _uuid=uuid_atom(self.uuid("Port", port.name)),
            bond_downdelay=0,
            bond_fake_iface=False,
            bond_updelay=0,
            external_ids=EMPTY_MAP,
            fake_bridge=False,
            interfaces=oset([uuid_atom(r.uuid) for r in sorted(ifaces, key=lambda r: r.uuid)]),
            name=port.name,
            other_config=EMPTY_MAP,
            protected=False,
            rstp_statistics=EMPTY_MAP,
            rstp_status=EMPTY_MAP,
            statistics=EMPTY_MAP,
            status=EMPTY_MAP,
        )
        if port.bond_mode:
            cols["bond_mode"] = port.bond_mode
            if port.lacp:
                cols["lacp"] = port.lacp
            if port.lacp_time:
                cols["other_config"] = omap({"lacp-time": port.lacp_time})
            if port.bond_mode == "active-backup":
                active = next((n for n in port.interfaces if (d := self.rt.dev(n)) and d.up), None)
                if active:
                    cols["bond_active_slave"] = self.rt.devs[active].mac
        if port.tag is not None:
            cols["tag"] = port.tag
        if port.trunks:
            cols["trunks"] = oset(sorted(port.trunks))
        return Row(self.uuid("Port", port.name), cols)

    def _bridge(self, br: OvsBridgeRt) -> tuple[Row, list[tuple[Row, list[Row]]]]:
        ports = []
        ofport = 1
        for port in br.ports:
            ifaces = []
            for name in port.interfaces:
                number = LOCAL_OFPORT if name == br.name else ofport
                if name != br.name:
                    ofport += 1
                ifaces.append(self._iface(name, port, number))
            ports.append((self._port(port, ifaces), ifaces))
        dev = self.rt.dev(br.name)
        mac = dev.mac if dev else "00:00:00:00:00:00"
        cols: dict[str, Any] = dict.fromkeys(BRIDGE_COLUMNS, EMPTY_SET)
        cols.update(
            _uuid=uuid_atom(self.uuid("Bridge", br.name)),
            datapath_id="0000" + mac.replace(":", ""),
            datapath_type="",
            datapath_version="<built-in>",
            external_ids=EMPTY_MAP,
            flow_tables=EMPTY_MAP,
            mcast_snooping_enable=False,
            name=br.name,
            other_config=EMPTY_MAP,
            ports=oset([uuid_atom(p.uuid) for p, _ in sorted(ports, key=lambda p: p[0].uuid)]),
            rstp_enable=False,
            rstp_status=EMPTY_MAP,
            status=EMPTY_MAP,
            stp_enable=False,
        )
        d = br.definition
        if d is not None and d.fail_mode:
            cols["fail_mode"] = d.fail_mode
        if d is not None and d.sflow:
            u = self.uuid("sFlow", br.name)
            cols["sflow"] = uuid_atom(u)
            sf = d.sflow
            self.extra["sFlow"].append(
                Row(
                    u,
                    {
                        "_uuid": uuid_atom(u),
                        "agent": sf.agent,
                        "external_ids": EMPTY_MAP,
                        "header": sf.header,
                        "polling": sf.polling,
                        "sampling": sf.sampling,
                        "targets": oset(sorted(sf.targets)),
                    },
                )
            )
        if d is not None and d.mirrors:
            mirrors = []
            for m in d.mirrors:
                u = self.uuid("Mirror", f"{br.name}/{m.name}")
                mirrors.append(u)
                selected = oset([uuid_atom(self.uuid("Port", p)) for p in sorted(m.select_ports)])
                self.extra["Mirror"].append(
                    Row(
                        u,
                        {
                            "_uuid": uuid_atom(u),
                            "external_ids": EMPTY_MAP,
                            "name": m.name,
                            "output_port": uuid_atom(self.uuid("Port", m.output_port)),
                            "output_vlan": EMPTY_SET,
                            "select_all": m.select_all,
                            "select_dst_port": selected,
                            "select_src_port": selected,
                            "select_vlan": EMPTY_SET,
                            "snaplen": EMPTY_SET,
                            "statistics": omap({"tx_bytes": 0, "tx_packets": 0}),
                        },
                    )
                )
            cols["mirrors"] = oset([uuid_atom(u) for u in sorted(mirrors)])
        return Row(self.uuid("Bridge", br.name), cols), ports


def _tables(seed: int, cluster: str, rt: NodeRuntime) -> _Tables:
    return _Tables(seed, cluster, rt).build()


def ovs_show(seed: int, cluster: str, rt: NodeRuntime, ovs_version: str) -> str:
    version = parse_version(ovs_version)
    t = _tables(seed, cluster, rt)

    def q(s: str) -> str:
        return ovs_string(s, version)

    lines = [ids.make_uuid(seed, cluster, rt.node.name, "ovs", "Open_vSwitch", ".")]
    for brow, ports in sorted(t.bridges, key=lambda b: b[0].uuid):
        lines.append(f"    Bridge {q(brow.cols['name'])}")
        if brow.cols["fail_mode"] != EMPTY_SET:
            lines.append(f"        fail_mode: {brow.cols['fail_mode']}")
        for prow, ifaces in sorted(ports, key=lambda p: p[0].uuid):
            lines.append(f"        Port {q(prow.cols['name'])}")
            if prow.cols["tag"] != EMPTY_SET:
                lines.append(f"            tag: {prow.cols['tag']}")
            trunks = prow.cols["trunks"]
            if trunks != EMPTY_SET:
                values = trunks[1] if isinstance(trunks, list) else [trunks]
                lines.append(f"            trunks: [{', '.join(str(v) for v in values)}]")
            for irow in sorted(ifaces, key=lambda r: r.uuid):
                lines.append(f"            Interface {q(irow.cols['name'])}")
                if irow.cols["type"]:
                    lines.append(f"                type: {irow.cols['type']}")
                if irow.cols["error"] != EMPTY_SET:
                    lines.append(f"                error: {json.dumps(irow.cols['error'])}")
    lines.append(f'    ovs_version: "{ovs_version}"')
    return "\n".join(lines) + "\n"


def _json_table(rows: list[Row], columns: list[str]) -> str:
    data = [[r.cols[c] for c in columns] for r in sorted(rows, key=lambda r: r.uuid)]
    return json.dumps({"data": data, "headings": columns}, separators=(",", ":")) + "\n"


def _open_vswitch(seed: int, cluster: str, rt: NodeRuntime, ovs_version: str, bridges: list[Row]) -> Row:
    u = ids.make_uuid(seed, cluster, rt.node.name, "ovs", "Open_vSwitch", ".")
    cfg = 2 + len(bridges) + sum(len(b.ports) for b in rt.ovs)
    cols: dict[str, Any] = {
        "_uuid": uuid_atom(u),
        "bridges": oset([uuid_atom(b.uuid) for b in sorted(bridges, key=lambda r: r.uuid)]),
        "cur_cfg": cfg,
        "datapath_types": ["set", ["netdev", "system"]],
        "datapaths": EMPTY_MAP,
        "db_version": OVS_DB_VERSION.get(tuple(parse_version(ovs_version)[:2]), "8.3.1"),
        "dpdk_initialized": False,
        "dpdk_version": EMPTY_SET,
        "external_ids": omap(
            {
                "hostname": rt.node.name,
                "rundir": "/var/run/openvswitch",
                "system-id": ids.make_uuid(seed, cluster, rt.node.name, "ovs", "system-id"),
            }
        ),
        "iface_types": [
            "set",
            [
                "bareudp",
                "erspan",
                "geneve",
                "gre",
                "gtpu",
                "internal",
                "ip6erspan",
                "ip6gre",
                "lisp",
                "patch",
                "stt",
                "system",
                "tap",
                "vxlan",
            ],
        ],
        "manager_options": EMPTY_SET,
        "next_cfg": cfg,
        "other_config": EMPTY_MAP,
        "ovs_version": ovs_version,
        "ssl": EMPTY_SET,
        "statistics": EMPTY_MAP,
        "system_type": "debian",
        "system_version": "12" if parse_version(ovs_version) >= (3, 0) else "11",
    }
    return Row(u, cols)


def ovs_lists(seed: int, cluster: str, rt: NodeRuntime, ovs_version: str) -> dict[str, str]:
    """Every `ovs-vsctl --format=json list <Table>` output netdoc collects, keyed by table name."""
    t = _tables(seed, cluster, rt)
    bridges = [b for b, _ in t.bridges]
    ports = [p for _, ps in t.bridges for p, _ in ps]
    ifaces = [i for _, ps in t.bridges for _, its in ps for i in its]
    return {
        "Open_vSwitch": _json_table(
            [_open_vswitch(seed, cluster, rt, ovs_version, bridges)], OPEN_VSWITCH_COLUMNS
        ),
        "Bridge": _json_table(bridges, BRIDGE_COLUMNS),
        "Port": _json_table(ports, PORT_COLUMNS),
        "Interface": _json_table(ifaces, INTERFACE_COLUMNS),
        "Mirror": _json_table(t.extra["Mirror"], MIRROR_COLUMNS),
        "sFlow": _json_table(t.extra["sFlow"], SFLOW_COLUMNS),
        "NetFlow": _json_table([], NETFLOW_COLUMNS),
        "Controller": _json_table([], CONTROLLER_COLUMNS),
        "Manager": _json_table([], MANAGER_COLUMNS),
    }
