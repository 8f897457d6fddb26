"""Parse Proxmox SDN: /etc/pve/sdn/*.cfg (kind `sdn-cfg`) and the applied .running-config (`sdn-running`).

The `.cfg` files are SectionConfig (read by sectionconfig.py); the running config is JSON with the
same objects under `{zones,vnets,subnets,controllers,fabrics,...}.ids`. Both become SdnConfig through
the same typed builders, so configured and applied SDN can be compared field by field.
"""

from __future__ import annotations

import ipaddress
import posixpath
from collections.abc import Mapping
from typing import Any

from netdoc.errors import ParseError
from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.pveconf import ConfigOption, Section
from netdoc.model.sdn import (
    CONTROLLER_TYPES,
    DNS_TYPES,
    IPAM_TYPES,
    ZONE_TYPES,
    SdnConfig,
    SdnController,
    SdnDhcpRange,
    SdnObject,
    SdnSubnet,
    SdnVnet,
    SdnZone,
)
from netdoc.parsers.jsonvalues import entry_text, load_json
from netdoc.parsers.pvetext import json_key_line, parse_bool, parse_int, redact, split_list, split_props
from netdoc.parsers.sectionconfig import read_section_config

SOURCE = "sdn"
GROUPS = ("zones", "vnets", "subnets", "controllers", "ipams", "dns", "fabrics")
ARRAY_KEYS = frozenset({"dhcp-range", "interfaces"})
MAX_ZONE_ID = 8


class _Builder:
    """Turns generic sections into typed SDN objects, collecting warnings."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.warnings: list[ParseWarning] = []
        self.groups: dict[str, list[Any]] = {g: [] for g in (*GROUPS, "others")}

    def warn(self, source: SourceRef | None, message: str) -> None:
        self.warnings.append(ParseWarning(self.path, source.line if source else None, message))

    def value(self, section: Section, key: str) -> str | None:
        opt = section.get(key)
        return opt.value if opt is not None else None

    def int_value(self, section: Section, key: str) -> int | None:
        opt = section.get(key)
        if opt is None:
            return None
        number = parse_int(opt.value)
        if number is None:
            self.warn(opt.source, f"'{key}' of '{section.id}' should be a whole number, got {opt.value!r}")
        return number

    def flag(self, section: Section, key: str) -> bool:
        opt = section.get(key)
        if opt is None:
            return False
        value = parse_bool(opt.value)
        if value is None:
            self.warn(opt.source, f"'{key}' of '{section.id}' should be 0 or 1, got {opt.value!r}")
        return bool(value)

    def add(self, group: str, section: Section) -> None:
        """Put a section into `group` ("zones", ...), checking that its type belongs there."""
        expected = {
            "zones": ZONE_TYPES,
            "vnets": {"vnet"},
            "subnets": {"subnet"},
            "controllers": CONTROLLER_TYPES,
            "ipams": IPAM_TYPES,
            "dns": DNS_TYPES,
        }.get(group)
        if expected is not None and section.type not in expected:
            self.warn(
                section.source, f"'{section.type}: {section.id}' is not a {group[:-1]} type; kept aside"
            )
            self.groups["others"].append(SdnObject(section.id, section.type, section.options, section.source))
            return
        if group == "zones":
            self.groups[group].append(self.zone(section))
        elif group == "vnets":
            self.groups[group].append(self.vnet(section))
        elif group == "subnets":
            self.groups[group].append(self.subnet(section))
        elif group == "controllers":
            self.groups[group].append(self.controller(section))
        else:
            self.groups[group].append(SdnObject(section.id, section.type, section.options, section.source))

    def zone(self, s: Section) -> SdnZone:
        if len(s.id) > MAX_ZONE_ID:
            self.warn(
                s.source, f"zone id '{s.id}' is longer than {MAX_ZONE_ID} characters (Proxmox refuses it)"
            )
        if s.type in ("vlan", "qinq") and not self.value(s, "bridge"):
            self.warn(s.source, f"{s.type} zone '{s.id}' has no bridge")
        if s.type == "vxlan" and not self.value(s, "peers") and not self.value(s, "fabric"):
            self.warn(s.source, f"vxlan zone '{s.id}' has neither peers nor fabric")
        if s.type == "evpn" and not self.value(s, "controller"):
            self.warn(s.source, f"evpn zone '{s.id}' has no controller")
        return SdnZone(
            id=s.id,
            type=s.type,
            bridge=self.value(s, "bridge"),
            tag=self.int_value(s, "tag"),
            vlan_protocol=self.value(s, "vlan-protocol"),
            peers=split_list(self.value(s, "peers")),
            controller=self.value(s, "controller"),
            vrf_vxlan=self.int_value(s, "vrf-vxlan"),
            exitnodes=split_list(self.value(s, "exitnodes")),
            mac=self.value(s, "mac"),
            mtu=self.int_value(s, "mtu"),
            ipam=self.value(s, "ipam"),
            dns=self.value(s, "dns"),
            dhcp=self.value(s, "dhcp"),
            fabric=self.value(s, "fabric"),
            nodes=split_list(self.value(s, "nodes")),
            options=s.options,
            source=s.source,
        )

    def vnet(self, s: Section) -> SdnVnet:
        if not self.value(s, "zone"):
            self.warn(s.source, f"vnet '{s.id}' has no zone")
        return SdnVnet(
            id=s.id,
            zone=self.value(s, "zone"),
            tag=self.int_value(s, "tag"),
            alias=self.value(s, "alias"),
            vlanaware=self.flag(s, "vlanaware"),
            isolate_ports=self.flag(s, "isolate-ports"),
            options=s.options,
            source=s.source,
        )

    def subnet(self, s: Section) -> SdnSubnet:
        zone, cidr = _split_subnet_id(s.id)
        network = None
        if cidr is None:
            self.warn(s.source, f"subnet id '{s.id}' is not '<zone>-<network>-<prefix>'")
        else:
            network = ipaddress.ip_network(cidr, strict=False)
        ranges = []
        for opt in s.options:
            if opt.key != "dhcp-range" or opt.value is None:
                continue
            props = dict(split_props(opt.value))
            rng = SdnDhcpRange(props.get("start-address"), props.get("end-address"))
            ranges.append(rng)
            for addr in (rng.start, rng.end):
                if not _inside(addr, network):
                    self.warn(opt.source, f"dhcp-range address {addr!r} is not inside {cidr} ({s.id})")
        gateway = self.value(s, "gateway")
        if gateway is not None and not _inside(gateway, network):
            self.warn(s.source, f"gateway {gateway} is not inside {cidr} ({s.id})")
        if not self.value(s, "vnet"):
            self.warn(s.source, f"subnet '{s.id}' has no vnet")
        return SdnSubnet(
            id=s.id,
            cidr=cidr,
            zone=zone,
            vnet=self.value(s, "vnet"),
            gateway=gateway,
            snat=self.flag(s, "snat"),
            dhcp_ranges=tuple(ranges),
            dhcp_dns_server=self.value(s, "dhcp-dns-server"),
            dnszoneprefix=self.value(s, "dnszoneprefix"),
            options=s.options,
            source=s.source,
        )

    def controller(self, s: Section) -> SdnController:
        return SdnController(
            id=s.id,
            type=s.type,
            asn=self.int_value(s, "asn"),
            peers=split_list(self.value(s, "peers")),
            node=self.value(s, "node"),
            loopback=self.value(s, "loopback"),
            options=s.options,
            source=s.source,
        )

    def result(self, origin: str, **extra: Any) -> SdnConfig:
        g = self.groups
        return SdnConfig(
            path=self.path,
            origin=origin,
            zones=tuple(g["zones"]),
            vnets=tuple(g["vnets"]),
            subnets=tuple(g["subnets"]),
            controllers=tuple(g["controllers"]),
            ipams=tuple(g["ipams"]),
            dns=tuple(g["dns"]),
            fabrics=tuple(g["fabrics"]),
            others=tuple(g["others"]),
            warnings=tuple(sorted(self.warnings, key=lambda w: w.line or 0)),
            **extra,
        )


def _split_subnet_id(subnet_id: str) -> tuple[str | None, str | None]:
    """`zone1-192.0.2.0-24` -> ("zone1", "192.0.2.0/24"); zone ids hold no dash, so split at the first."""
    zone, dash, rest = subnet_id.partition("-")
    network, dash2, prefix = rest.rpartition("-")
    if not dash or not dash2:
        return None, None
    try:
        net = ipaddress.ip_network(f"{network}/{prefix}", strict=False)
    except ValueError:
        return zone or None, None
    return zone, str(net)


def _inside(address: str | None, network: ipaddress.IPv4Network | ipaddress.IPv6Network | None) -> bool:
    if address is None or network is None:
        return True  # nothing to check against; missing parts are reported elsewhere
    try:
        return ipaddress.ip_address(address.strip()) in network
    except ValueError:
        return False


def _group_of(path: str, sections: tuple[Section, ...]) -> tuple[str, bool]:
    """The file's group from its name (zones.cfg -> "zones"); guessed from section types otherwise."""
    base = posixpath.basename(path.replace("\\", "/"))
    stem = base[:-4] if base.endswith(".cfg") else base
    if stem in GROUPS:
        return stem, True
    types = {s.type for s in sections}
    if types and types <= {"vnet"}:
        return "vnets", False
    if types and types <= {"subnet"}:
        return "subnets", False
    return "zones", False


def parse_sdn_cfg_text(text: str, path: str) -> SdnConfig:
    """Parse one /etc/pve/sdn/<group>.cfg; the group comes from the file name."""
    raw = read_section_config(text, path, array_keys=ARRAY_KEYS)
    builder = _Builder(path)
    builder.warnings.extend(raw.warnings)
    group, known = _group_of(path, raw.sections)
    if not known and raw.sections:
        builder.warn(None, f"file name does not say which SDN file this is; read as {group}.cfg")
    for section in raw.sections:
        builder.add(group, section)
    return builder.result(group, comments=raw.comments)


def parse_sdn_cfg(files: Mapping[str, str], path: str) -> SdnConfig:
    """Kind `sdn-cfg`: /etc/pve/sdn/{zones,vnets,subnets,controllers,ipams,dns,fabrics}.cfg."""
    return parse_sdn_cfg_text(entry_text(files, path, SOURCE), path)


# ----------------------------------------------------------------------------- running config


def _json_values(value: Any) -> list[str]:
    """A running-config value as the option value(s) the .cfg would hold (an array: one per item)."""
    if isinstance(value, list):
        return [_json_value(item) for item in value if item is not None]
    return [] if value is None else [_json_value(value)]


def _json_value(value: Any) -> str:
    if isinstance(value, dict):
        if all(v in (1, True, "1") for v in value.values()):
            return ",".join(str(k) for k in value)  # a node set such as exitnodes {pve1: 1}
        return ",".join(f"{k}={_leaf(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ",".join(_leaf(v) for v in value)
    return _leaf(value)


def _leaf(value: Any) -> str:
    """A scalar as text; deeper nesting has no .cfg form (and must not recurse without bound)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str | int | float):
        return str(value)
    return "" if value is None else "<nested>"


def _running_sections(
    data: Mapping[str, Any], group: str, text: str, path: str, builder: _Builder
) -> list[Section]:
    block = data.get(group)
    if block is None:
        return []
    ids = block.get("ids") if isinstance(block, dict) else None
    if not isinstance(ids, dict):
        builder.warn(
            SourceRef(path, json_key_line(text, group)[0]), f"'{group}' has no 'ids' object; skipped"
        )
        return []
    _, group_pos = json_key_line(text, group)
    sections = []
    for obj_id, props in ids.items():
        id_line, id_pos = json_key_line(text, str(obj_id), group_pos)
        if not isinstance(props, dict):
            builder.warn(SourceRef(path, id_line), f"{group} entry '{obj_id}' is not an object; skipped")
            continue
        options = []
        for key, value in props.items():
            if key == "type":
                continue
            line, _ = json_key_line(text, str(key), id_pos)
            for item in _json_values(value):
                shown, redacted = redact(str(key), item)
                options.append(ConfigOption(str(key), shown, SourceRef(path, line), redacted))
        sec_type = str(props.get("type") or {"vnets": "vnet", "subnets": "subnet"}.get(group, ""))
        if not sec_type:
            builder.warn(SourceRef(path, id_line), f"{group} entry '{obj_id}' has no type")
        sections.append(Section(sec_type, str(obj_id), tuple(options), SourceRef(path, id_line)))
    return sections


def parse_sdn_running_text(text: str, path: str) -> SdnConfig:
    """Parse the applied SDN config (JSON); invalid JSON is a ParseError, odd entries are warnings."""
    data = load_json(text, path, SOURCE)
    if isinstance(data, dict) and isinstance(data.get("data"), dict) and "version" not in data:
        data = data["data"]  # an API reply's envelope, tolerated
    if not isinstance(data, dict):
        raise ParseError("the SDN running config is not a JSON object", source=SOURCE, path=path)
    builder = _Builder(path)
    for group in GROUPS:
        for section in _running_sections(data, group, text, path, builder):
            builder.add(group, section)
    for key in data:
        if key not in GROUPS and key != "version":
            builder.warn(
                SourceRef(path, json_key_line(text, str(key))[0]), f"unknown top-level key '{key}'; ignored"
            )
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int | str):
        version = None
    return builder.result("running", version=parse_int(str(version)) if version is not None else None)


def parse_sdn_running(files: Mapping[str, str], path: str) -> SdnConfig:
    """Kind `sdn-running`: /etc/pve/sdn/.running-config (JSON)."""
    return parse_sdn_running_text(entry_text(files, path, SOURCE), path)
