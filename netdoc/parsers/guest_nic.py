"""Parse guest NIC property strings: qemu `netN`/`ipconfigN` and lxc `netN`, in any key order.

qemu: `[model=]<model>[=MAC] [,bridge=][,tag=][,trunks=10-20;30][,firewall=][,rate=MB/s][,mtu=]`
`[,queues=][,link_down=][,macaddr=]`; lxc: `name=,bridge=,hwaddr=,ip=,gw=,ip6=,gw6=,tag=,trunks=,`
`firewall=,rate=,mtu=,type=,link_down=,host-managed=`. Bad values are warnings; the raw string is kept.
"""

from __future__ import annotations

import dataclasses
import re

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.guest import QEMU_NIC_MODELS, GuestNic, VlanRange
from netdoc.parsers.pvetext import parse_bool, parse_float, parse_int, split_props

_MAC = re.compile(r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")
_TRUNK = re.compile(r"(\d{1,5})(?:-(\d{1,5}))?")
MAX_VLAN = 4094


class _Nic:
    """Collects one NIC's values and warnings while its property string is read."""

    def __init__(self, path: str, source: SourceRef | None, key: str) -> None:
        self.path = path
        self.source = source
        self.key = key
        self.warnings: list[ParseWarning] = []
        self.model: str | None = None
        self.name: str | None = None
        self.mac: str | None = None
        self.bridge: str | None = None
        self.vlan_tag: int | None = None
        self.trunks: tuple[VlanRange, ...] = ()
        self.firewall: bool | None = None
        self.rate_mb_s: float | None = None
        self.mtu: int | None = None
        self.queues: int | None = None
        self.link_down: bool = False
        self.host_managed: bool | None = None
        self.addr: dict[str, str] = {}  # ip, gw, ip6, gw6

    def warn(self, message: str, text: str = "") -> None:
        line = self.source.line if self.source else None
        self.warnings.append(ParseWarning(self.path, line, f"{self.key}: {message}", text))

    def integer(self, prop: str, value: str, low: int, high: int) -> int | None:
        number = parse_int(value)
        if number is None or not low <= number <= high:
            self.warn(f"{prop}={value!r} should be a whole number from {low} to {high}")
            return None
        return number

    def boolean(self, prop: str, value: str) -> bool | None:
        flag = parse_bool(value)
        if flag is None:
            self.warn(f"{prop}={value!r} should be 0 or 1")
        return flag

    def common(self, prop: str, value: str) -> bool:
        """The properties qemu and lxc share; False when `prop` is not one of them."""
        if prop == "bridge":
            self.bridge = value or None
        elif prop == "tag":
            self.vlan_tag = self.integer(prop, value, 1, MAX_VLAN)
        elif prop == "trunks":
            self.trunks = self.parse_trunks(value)
        elif prop == "firewall":
            self.firewall = self.boolean(prop, value)
        elif prop == "link_down":
            self.link_down = bool(self.boolean(prop, value))
        elif prop == "rate":
            rate = parse_float(value)
            if rate is None or rate < 0:
                self.warn(f"rate={value!r} should be megabytes per second (a number >= 0)")
            else:
                self.rate_mb_s = rate
        elif prop in ("ip", "gw", "ip6", "gw6"):
            self.addr[prop] = value
        else:
            return False
        return True

    def parse_trunks(self, value: str) -> tuple[VlanRange, ...]:
        ranges: list[VlanRange] = []
        for item in value.split(";"):
            m = _TRUNK.fullmatch(item.strip())
            if not m:
                self.warn(f"trunks item {item!r} is not a VLAN id or range")
                continue
            first = int(m.group(1))
            last = int(m.group(2)) if m.group(2) else first
            if not 1 <= first <= last <= MAX_VLAN:
                self.warn(f"trunks item {item!r} is outside 1-{MAX_VLAN} or reversed")
                continue
            ranges.append(VlanRange(first, last))
        return tuple(ranges)

    def set_mac(self, value: str) -> None:
        if not _MAC.fullmatch(value):
            self.warn(f"{value!r} is not a MAC address")
        self.mac = value

    def build(self, index: int, raw: str, *, user_mode_nat: bool = False) -> GuestNic:
        return GuestNic(
            index=index,
            key=f"net{index}",
            model=self.model,
            name=self.name,
            mac=self.mac,
            bridge=self.bridge,
            vlan_tag=self.vlan_tag,
            trunks=self.trunks,
            firewall=self.firewall,
            rate_mb_s=self.rate_mb_s,
            mtu=self.mtu,
            queues=self.queues,
            link_down=self.link_down,
            user_mode_nat=user_mode_nat,
            ip=self.addr.get("ip"),
            gw=self.addr.get("gw"),
            ip6=self.addr.get("ip6"),
            gw6=self.addr.get("gw6"),
            host_managed=self.host_managed,
            raw=raw,
            source=self.source,
        )


def parse_qemu_net(
    index: int, value: str, source: SourceRef | None, path: str
) -> tuple[GuestNic, list[ParseWarning]]:
    """A qemu `netN` value; the MAC may be the value of the model key (`virtio=BC:24:11:..`)."""
    nic = _Nic(path, source, f"net{index}")
    for prop, val in split_props(value):
        if prop is None:
            if val in QEMU_NIC_MODELS and nic.model is None:
                nic.model = val
            else:
                nic.warn(f"unexpected bare value {val!r}")
        elif prop in QEMU_NIC_MODELS:
            nic.model = prop
            if val:
                nic.set_mac(val)
        elif prop == "model":
            if val not in QEMU_NIC_MODELS:
                nic.warn(f"unknown NIC model {val!r}")
            nic.model = val
        elif prop == "macaddr":
            nic.set_mac(val)
        elif prop == "mtu":
            nic.mtu = nic.integer(prop, val, 1, 65520)
        elif prop == "queues":
            nic.queues = nic.integer(prop, val, 0, 64)
        elif prop in ("ip", "gw", "ip6", "gw6"):
            nic.warn(f"{prop}= belongs in ipconfig{index}, not in a qemu netN; ignored")
        elif nic.common(prop, val):
            pass
        elif _MAC.fullmatch(val) and nic.model is None:
            nic.warn(f"unknown NIC model {prop!r}")
            nic.model = prop
            nic.set_mac(val)
        else:
            nic.warn(f"unknown property {prop!r}")
    if nic.model is None:
        nic.warn("no NIC model")
    return nic.build(index, value, user_mode_nat=not nic.bridge), nic.warnings


def parse_lxc_net(
    index: int, value: str, source: SourceRef | None, path: str
) -> tuple[GuestNic, list[ParseWarning]]:
    """An lxc `netN` value; keys come in any order (name=eth0,bridge=... or bridge=...,name=eth0)."""
    nic = _Nic(path, source, f"net{index}")
    nic.model = "veth"
    for prop, val in split_props(value):
        if prop is None:
            nic.warn(f"unexpected bare value {val!r}")
        elif prop == "hwaddr":
            nic.set_mac(val)
        elif prop == "name":
            nic.name = val
        elif prop == "type":
            if val != "veth":
                nic.warn(f"type={val!r}: Proxmox knows only veth")
            nic.model = val
        elif prop == "mtu":
            nic.mtu = nic.integer(prop, val, 64, 65535)
        elif prop == "host-managed":
            nic.host_managed = nic.boolean(prop, val)
        elif not nic.common(prop, val):
            nic.warn(f"unknown property {prop!r}")
    if nic.name is None:
        nic.warn("no name= (the interface name inside the container is required)")
    if nic.bridge is None:
        nic.warn("no bridge= (the container NIC is attached to nothing)")
    return nic.build(index, value), nic.warnings


def apply_ipconfig(
    nic: GuestNic, value: str, source: SourceRef | None, path: str
) -> tuple[GuestNic, list[ParseWarning]]:
    """Fold a qemu cloud-init `ipconfigN` (ip=, gw=, ip6=, gw6=) into its NIC."""
    tmp = _Nic(path, source, f"ipconfig{nic.index}")
    updates: dict[str, str] = {}
    for prop, val in split_props(value):
        if prop in ("ip", "gw", "ip6", "gw6"):
            updates[prop] = val
        else:
            tmp.warn(f"unknown property {prop or val!r}")
    return (
        dataclasses.replace(
            nic,
            ip=updates.get("ip"),
            gw=updates.get("gw"),
            ip6=updates.get("ip6"),
            gw6=updates.get("gw6"),
            ipconfig_raw=value,
            ipconfig_source=source,
        ),
        tmp.warnings,
    )
