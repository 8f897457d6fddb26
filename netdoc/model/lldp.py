"""LLDP neighbours as lldpd reports them (`lldpctl -f json0|json|keyvalue`): one record per neighbour.

Runtime only (what the switch said at collection time). One shape whatever the input format.
Evidence: SourceRef(path, line): the line of the neighbour's first key for keyvalue, the 1-based
position of the neighbour in the output's interface list for the JSON formats.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef


@dataclass(frozen=True)
class LldpCapability:
    """A system capability the neighbour advertises (Bridge, Router, Wlan, Station, ...)."""

    name: str
    enabled: bool


@dataclass(frozen=True)
class LldpVlan:
    """A VLAN the neighbour announces on the port (802.1 VLAN name TLV, or the PVID)."""

    vid: int | None
    name: str | None = None
    pvid: bool = False  # this VLAN is the port's PVID (native/untagged VLAN)


@dataclass(frozen=True)
class LldpPpvid:
    """A port-and-protocol VLAN id (802.1 PPVID TLV)."""

    ppvid: int | None
    supported: bool | None = None
    enabled: bool | None = None


@dataclass(frozen=True)
class LldpNeighbor:
    """What one neighbour announced on one local port."""

    local_port: str  # our interface (eno1, nic0, ...)
    via: str | None = None  # LLDP, CDPv2, ...
    rid: int | None = None  # lldpd's remote index
    age: str | None = None  # verbatim, "0 day, 05:09:02"
    age_s: int | None = None  # the same in seconds
    chassis_name: str | None = None  # SysName
    chassis_id: str | None = None
    chassis_id_subtype: str | None = None  # mac, local, ifname, ip, ...
    chassis_descr: str | None = None  # SysDescr (may span several lines)
    mgmt_addresses: tuple[str, ...] = ()
    capabilities: tuple[LldpCapability, ...] = ()
    port_id: str | None = None
    port_id_subtype: str | None = None  # ifname, mac, local, ifalias, ip, ...
    port_descr: str | None = None  # the switch port name may only be here (port id subtype local)
    ttl_s: int | None = None
    mfs_bytes: int | None = None  # maximum frame size (802.3 TLV)
    pvid: int | None = None  # the port VLAN id announced (from the VLAN flagged pvid)
    vlans: tuple[LldpVlan, ...] = ()
    ppvids: tuple[LldpPpvid, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class LldpNeighbors:
    """Every neighbour of one lldpctl output; `format` is json0, json or keyvalue."""

    path: str
    format: str
    neighbors: tuple[LldpNeighbor, ...] = ()  # in output order
    warnings: tuple[ParseWarning, ...] = ()

    def on(self, local_port: str) -> tuple[LldpNeighbor, ...]:
        return tuple(n for n in self.neighbors if n.local_port == local_port)
