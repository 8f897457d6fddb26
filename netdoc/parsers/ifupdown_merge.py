"""Turn the stanzas read from interfaces files into merged `Interface` objects.

Every stanza of a name (inet + inet6, the main file + interfaces.d/sdn) adds to one interface:
lists accumulate, a repeated single value keeps the last one with a warning. Kind detection,
addresses, members, VLAN ids and OVS options are interpreted here; option lines stay verbatim.
Imports only netdoc.model (the parsers' leaf rule).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.bonding import BOND_MODE_NAMES
from netdoc.model.interfaces import (
    HOOKS,
    LINK_TYPES,
    Address,
    Comment,
    CommentPlacement,
    Interface,
    InterfaceKind,
    Option,
    Stanza,
    alias_base,
)
from netdoc.parsers.ifupdown_values import bad_name, netmask_prefix, parse_address, port_list, unique
from netdoc.parsers.pvetext import parse_bool

__all__ = ["RawStanza", "bad_name", "declared_kind", "merge_stanzas"]

BOND_MODES = {str(number): name for number, name in enumerate(BOND_MODE_NAMES)}
_SLAVES = ("bond-slaves", "slaves", "bond-ports")  # bond-ports: ifupdown2 alias; slaves: ifenslave/PVE
_MTU = ("mtu", "ovs-mtu")
_EOL_COMMENT = re.compile(r"\s#")
_PHYSICAL = re.compile(r"^(?:eth\d+|en[^:.]+|ib[^:.]+|(?:nic|if)\d+)$")  # pve-common's PHYSICAL_NIC_RE
_VLAN_NAME = re.compile(r"^(\S+)\.(\d+)$")
_LEGACY_VLAN_BRIDGE = re.compile(r"^vmbr\d+v(\d+)$")
_VLAN_N = re.compile(r"^vlan(\d+)$")
_BOND_NAME = re.compile(r"^bond\d+$")
OVS_KINDS = {
    "OVSBridge": InterfaceKind.OVS_BRIDGE,
    "OVSBond": InterfaceKind.OVS_BOND,
    "OVSIntPort": InterfaceKind.OVS_INTPORT,
    "OVSPort": InterfaceKind.OVS_PORT,
    "OVSPatchPort": InterfaceKind.OVS_PORT,
    "OVSTunnel": InterfaceKind.OVS_PORT,
}


@dataclass
class RawStanza:
    """One iface stanza as read, before merging."""

    name: str
    family: str | None
    method: str | None
    inherits: str | None
    source: SourceRef
    options: list[Option] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


@dataclass
class _Acc:
    """The mutable accumulator of one interface while its stanzas are merged."""

    name: str
    stanzas: list[RawStanza]
    warnings: list[ParseWarning]
    options: list[Option] = field(default_factory=list)
    hooks: list[Option] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    scalars: dict[str, tuple[str, SourceRef | None]] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)  # bridge-ports, slaves, ovs-ports, ...
    gateways: dict[str, str] = field(default_factory=dict)

    def warn(self, ref: SourceRef | None, message: str, text: str = "") -> None:
        self.warnings.append(
            ParseWarning(ref.path if ref else "", ref.line if ref else None, f"{self.name}: {message}", text)
        )

    def scalar(self, key: str, value: str, ref: SourceRef | None) -> None:
        old = self.scalars.get(key)
        if old is not None and old[0] != value:
            self.warn(ref, f"{key} given twice ({old[0]!r} at {old[1]}, then {value!r}); the last applies")
        self.scalars[key] = (value, ref)

    def get(self, key: str) -> str | None:
        got = self.scalars.get(key)
        return got[0] if got else None

    def ref(self, key: str) -> SourceRef | None:
        got = self.scalars.get(key)
        return got[1] if got else None

    # -- options

    def read(self) -> None:
        for st in self.stanzas:
            self.comments.extend(st.comments)
            last_addr: int | None = None
            for opt in st.options:
                self.options.append(opt)
                if opt.name in HOOKS:
                    self.hooks.append(opt)  # shell commands: a `#` there is the shell's comment
                    continue
                value = self._cut_comment(opt)
                last_addr = self._interpret(st, opt, value, last_addr)

    def _cut_comment(self, opt: Option) -> str:
        m = _EOL_COMMENT.search(opt.value)
        if not m:
            return opt.value
        remark = opt.value[m.start() + 1 :].lstrip("#").strip()
        self.comments.append(Comment(remark, opt.source, CommentPlacement.END_OF_LINE))
        self.warn(
            opt.source,
            f"'#' after the value of {opt.spelled} is not a comment for ifupdown or ifupdown2 (they pass "
            f"it on as part of the value); netdoc reads the value as {opt.value[: m.start()].strip()!r}",
            opt.value,
        )
        return opt.value[: m.start()].strip()

    def _interpret(self, st: RawStanza, opt: Option, value: str, last_addr: int | None) -> int | None:
        name, ref = opt.name, opt.source
        if name == "address":
            return self._address(st, value, ref, last_addr)
        if name == "netmask":
            self._netmask(value, ref, last_addr)
        elif name == "gateway":
            self._gateway(value, ref)
        elif name in _MTU or name in ("bridge-ports", "ovs-ports", "ovs-bonds") or name in _SLAVES:
            key = "slaves" if name in _SLAVES else name
            if name in _MTU:
                self.scalar("mtu", value, ref)
            else:
                names, problems = port_list(value)
                if name == "slaves":
                    problems.append(
                        "`slaves` is the old ifenslave spelling (Proxmox reads it); ifupdown2 documents "
                        "bond-slaves: write bond-slaves"
                    )
                for p in problems:
                    self.warn(ref, p)
                for n in names:
                    bad = bad_name(n)
                    if bad:
                        self.warn(ref, f"member {n!r} {bad}")
                self.lists.setdefault(key, []).extend(names)
        elif name in (
            "bond-master",
            "bond-mode",
            "vlan-raw-device",
            "vlan-id",
            "vlan-protocol",
            "bridge-vlan-aware",
            "ovs-type",
            "ovs-bridge",
            "ovs-options",
            "vxlan-id",
            "vxlan-physdev",
            "link-type",
            "veth-peer-name",
            "macvlan-physdev",
            "vrf",
            "vrf-table",
        ):
            self.scalar(name, value, ref)
        elif name in ("bridge-vids", "bridge-trunk"):
            self.lists.setdefault("bridge-vids", []).extend(value.split())
        return last_addr

    def _address(self, st: RawStanza, value: str, ref: SourceRef | None, last: int | None) -> int | None:
        words = value.split()
        if len(words) != 1:
            self.warn(ref, f"address {value!r} is not one address; ignored")
            return None
        parsed = parse_address(words[0])
        if parsed is None:
            self.warn(ref, f"address {words[0]!r} is not an IP address; ignored")
            return None
        ip, given = parsed
        family = "inet6" if ip.version == 6 else "inet"
        if st.family in ("inet", "inet6") and st.family != family:
            self.warn(ref, f"{family} address {words[0]} in an {st.family} stanza")
        self.addresses.append(Address(str(ip), family, given, ref))
        return len(self.addresses) - 1

    def _netmask(self, value: str, ref: SourceRef | None, last: int | None) -> None:
        word = value.split(maxsplit=1)[0] if value.split() else ""
        prefix = netmask_prefix(word) if word else None
        if last is None:
            self.warn(ref, "netmask without a preceding address in its stanza; ignored")
            return
        addr = self.addresses[last]
        if prefix is None:
            self.warn(ref, f"netmask {value!r} not understood; ignored")
            return
        host = addr.cidr.split("/")[0]
        if addr.prefix_given:
            current = int(addr.cidr.rsplit("/", 1)[1])
            if current != prefix:
                self.warn(
                    ref,
                    f"netmask /{prefix} contradicts the prefix of {addr.cidr}; the prefix applies "
                    "(ifupdown2, Proxmox; classic ifupdown would take the netmask)",
                )
            return
        try:
            ip = ipaddress.ip_interface(f"{host}/{prefix}")
        except ValueError:
            self.warn(ref, f"netmask {value!r} does not fit {host}; ignored")
            return
        self.addresses[last] = Address(str(ip), addr.family, True, addr.source)

    def _gateway(self, value: str, ref: SourceRef | None) -> None:
        word = value.split(maxsplit=1)[0] if value.split() else value
        family = "inet6" if ":" in word else "inet"
        if word in self.gateways.values():
            return
        if family in self.gateways:
            self.warn(
                ref,
                f"a second {family} gateway {word} (first {self.gateways[family]}); the model keeps "
                "the first",
            )
            return
        self.gateways[family] = word

    # -- result

    def methods(self, family: str) -> str | None:
        found = [st.method for st in self.stanzas if st.family == family and st.method]
        if len(set(found)) > 1:
            self.warn(self.stanzas[0].source, f"{family} methods differ between stanzas: {', '.join(found)}")
        return found[-1] if found else None

    def kind(self) -> InterfaceKind:
        ovs_type = self.get("ovs-type")
        if "bridge-ports" in self.lists:
            if ovs_type:
                self.warn(
                    self.ref("ovs-type"),
                    f"has both bridge-ports and ovs_type {ovs_type}; taken as a Linux bridge",
                )
            return InterfaceKind.BRIDGE
        if ovs_type:
            if ovs_type in OVS_KINDS:
                return OVS_KINDS[ovs_type]
            self.warn(self.ref("ovs-type"), f"unknown ovs_type {ovs_type!r}")
        if "slaves" in self.lists or self.get("bond-mode") or _BOND_NAME.match(self.name):
            return InterfaceKind.BOND
        if alias_base(self.name):
            return InterfaceKind.ALIAS
        if _VLAN_NAME.match(self.name) or self.get("vlan-raw-device"):
            return InterfaceKind.VLAN
        if self.get("vxlan-id"):
            return InterfaceKind.VXLAN
        declared = declared_kind(self.get)
        if declared is not None:
            return declared
        link_type = self.get("link-type")
        if link_type is not None:
            self.warn(
                self.ref("link-type"),
                f"link-type {link_type!r} is not one netdoc knows (dummy, veth, macvlan)",
            )
        if self.name == "lo" or any(st.method == "loopback" for st in self.stanzas):
            return InterfaceKind.LOOPBACK
        if _PHYSICAL.match(self.name):
            return InterfaceKind.PHYSICAL
        return InterfaceKind.UNKNOWN

    def vlan(self, kind: InterfaceKind) -> tuple[int | None, str | None]:
        vid: int | None = None
        raw: str | None = None
        m = _VLAN_NAME.match(self.name)
        if kind == InterfaceKind.VLAN and m:
            raw, vid = m.group(1), int(m.group(2))
        elif kind == InterfaceKind.VLAN and _VLAN_N.match(self.name):
            vid = int(self.name[4:])
        elif kind == InterfaceKind.BRIDGE and _LEGACY_VLAN_BRIDGE.match(self.name):
            vid = int(_LEGACY_VLAN_BRIDGE.match(self.name).group(1))  # type: ignore[union-attr]
        explicit = self.get("vlan-id")
        if explicit is not None:
            if explicit.isdigit():
                if vid is not None and int(explicit) != vid:
                    self.warn(
                        self.ref("vlan-id"),
                        f"vlan-id {explicit} differs from the name's {vid}; vlan-id applies",
                    )
                vid = int(explicit)
            else:
                self.warn(self.ref("vlan-id"), f"vlan-id {explicit!r} is not a number")
        declared_raw = self.get("vlan-raw-device")
        if declared_raw:
            if raw is not None and declared_raw != raw:
                self.warn(
                    self.ref("vlan-raw-device"),
                    f"vlan-raw-device {declared_raw} differs from the name's {raw}",
                )
            raw = declared_raw
        if vid is not None and not 1 <= vid <= 4094:
            self.warn(self.ref("vlan-id") or self.stanzas[0].source, f"VLAN id {vid} is outside 1-4094")
            vid = None
        return vid, raw

    def build(self, auto: bool, allow: tuple[str, ...]) -> Interface:
        self.read()
        kind = self.kind()
        vid, raw = self.vlan(kind)
        members = self._members(kind)
        mtu = self._int("mtu", 68, 65535)
        mode = self.get("bond-mode")
        if mode is not None:
            mode = BOND_MODES.get(mode, mode)
        ovs = _OvsOptions.parse(self.get("ovs-options") or "", self)
        if mode is None and ovs.bond_mode is not None:
            mode = ovs.bond_mode
        aware = self.get("bridge-vlan-aware")
        vlan_aware = parse_bool(aware) if aware is not None else False
        if vlan_aware is None:
            self.warn(self.ref("bridge-vlan-aware"), f"bridge-vlan-aware {aware!r} is not yes/no")
        master = self.get("bond-master") or self.get("ovs-bridge")
        vrf_table = self.get("vrf-table")
        if vrf_table is not None and vrf_table != "auto" and not vrf_table.isdigit():
            self.warn(self.ref("vrf-table"), f"vrf-table {vrf_table!r} is neither auto nor a table number")
        return Interface(
            name=self.name,
            kind=kind,
            auto=auto,
            allow=allow,
            stanzas=tuple(Stanza(s.family, s.method, s.source, s.inherits) for s in self.stanzas),
            method=self.methods("inet"),
            method6=self.methods("inet6"),
            addresses=tuple(self.addresses),
            gateway=self.gateways.get("inet"),
            gateway6=self.gateways.get("inet6"),
            mtu=mtu,
            members=members,
            master=master.split()[0] if master else None,
            parent=self._parent(kind, raw),
            peer=_first_word(self.get("veth-peer-name")),
            vrf=_first_word(self.get("vrf")),
            vrf_table=vrf_table,
            vlan_id=vid,
            vlan_raw_device=raw,
            vlan_protocol=self.get("vlan-protocol"),
            bridge_vlan_aware=bool(vlan_aware),
            bridge_vids=tuple(self.lists.get("bridge-vids", ())),
            bond_mode=mode,
            ovs_type=self.get("ovs-type"),
            ovs_bridge=self.get("ovs-bridge"),
            ovs_options=self.get("ovs-options"),
            ovs_tag=ovs.tag,
            ovs_trunks=ovs.trunks,
            ovs_lacp=ovs.lacp,
            hooks=tuple(self.hooks),
            options=tuple(self.options),
            comments=tuple(self.comments),
            source=self.stanzas[0].source,
        )

    def _parent(self, kind: InterfaceKind, raw_device: str | None) -> str | None:
        if kind == InterfaceKind.ALIAS:
            return alias_base(self.name)
        if kind == InterfaceKind.VLAN:
            return raw_device
        if kind == InterfaceKind.MACVLAN:
            return _first_word(self.get("macvlan-physdev"))
        if kind == InterfaceKind.VXLAN:
            return _first_word(self.get("vxlan-physdev"))
        return None

    def _members(self, kind: InterfaceKind) -> tuple[str, ...]:
        keys = {
            InterfaceKind.BRIDGE: ("bridge-ports",),
            InterfaceKind.BOND: ("slaves",),
            InterfaceKind.OVS_BRIDGE: ("ovs-ports",),
            InterfaceKind.OVS_BOND: ("ovs-bonds",),
        }.get(kind, ())
        for other in ("bridge-ports", "slaves", "ovs-ports", "ovs-bonds"):
            if other in self.lists and other not in keys and self.lists[other]:
                self.warn(
                    self.stanzas[0].source, f"{other} given on a {kind.value} interface; not taken as members"
                )
        return unique(m for k in keys for m in self.lists.get(k, ()))

    def _int(self, key: str, low: int, high: int) -> int | None:
        value = self.get(key)
        if value is None:
            return None
        if value.isdigit() and low <= int(value) <= high:
            return int(value)
        self.warn(self.ref(key), f"{key} {value!r} is not a number between {low} and {high}")
        return None


@dataclass
class _OvsOptions:
    """The facts netdoc reads from `ovs_options` (free-form ovs-vsctl arguments, kept verbatim)."""

    tag: int | None = None
    trunks: tuple[int, ...] = ()
    bond_mode: str | None = None
    lacp: str | None = None

    @classmethod
    def parse(cls, value: str, acc: _Acc) -> _OvsOptions:
        out = cls()
        ref = acc.ref("ovs-options")
        for token in value.split():
            key, sep, val = token.partition("=")
            if not sep:
                continue
            if key == "tag":
                if val.isdigit() and 0 <= int(val) <= 4095:
                    out.tag = int(val)
                else:
                    acc.warn(ref, f"ovs_options tag={val!r} is not a VLAN id")
            elif key == "trunks":
                out.trunks = cls._trunks(val, acc, ref)
            elif key == "bond_mode":
                out.bond_mode = val
            elif key == "lacp":
                out.lacp = val
        return out

    @staticmethod
    def _trunks(value: str, acc: _Acc, ref: SourceRef | None) -> tuple[int, ...]:
        vids: list[int] = []
        for part in value.strip("\"'").split(","):
            lo, dash, hi = part.partition("-")
            if lo.isdigit() and (not dash or hi.isdigit()):
                a, b = int(lo), int(hi) if dash else int(lo)
                if a <= b <= 4095:
                    vids.extend(range(a, b + 1))
                    continue
            if part:
                acc.warn(ref, f"ovs_options trunks part {part!r} is not a VLAN id or range")
        return _unique_ints(vids)


def _unique_ints(items: Iterable[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(items))


def _first_word(value: str | None) -> str | None:
    words = value.split() if value else []
    return words[0] if words else None


def declared_kind(get: Callable[[str], str | None]) -> InterfaceKind | None:
    """The kind an interface's own options declare, beyond bridges, bonds, VLANs and VXLANs: a VRF
    (`vrf-table`), what `link-type` creates (veth, dummy, macvlan), a macvlan (`macvlan-physdev`).

    `get` returns an option's value by its dashed name (None when absent). Shared with the API
    parser, whose items carry the same options (`link-type` as a key, the others as option lines).
    """
    if get("vrf-table"):
        return InterfaceKind.VRF
    link_type = _first_word(get("link-type"))
    if link_type in LINK_TYPES:
        return LINK_TYPES[link_type]
    if get("macvlan-physdev"):
        return InterfaceKind.MACVLAN
    return None


def merge_stanzas(
    stanzas: list[RawStanza], auto: Mapping[str, SourceRef], allow: Mapping[str, list[str]], auto_all: bool
) -> tuple[tuple[Interface, ...], tuple[ParseWarning, ...]]:
    """Merge stanzas by name (order of first appearance) and cross-check memberships."""
    groups: dict[str, list[RawStanza]] = {}
    for st in stanzas:
        groups.setdefault(st.name, []).append(st)
    warnings: list[ParseWarning] = []
    built = {
        name: _Acc(name, group, warnings).build(auto_all or name in auto, tuple(allow.get(name, ())))
        for name, group in groups.items()
    }
    built = _link_members(built, warnings)
    return tuple(built.values()), tuple(warnings)


def _check_veth_peers(ifaces: Mapping[str, Interface], warn: Callable[[Interface, str, str], None]) -> None:
    """Both ends of a veth pair, when both have a stanza, must name each other."""
    for iface in ifaces.values():
        other = ifaces.get(iface.peer) if iface.peer else None
        if other is not None and other.peer is not None and other.peer != iface.name:
            warn(
                iface,
                f"{iface.name}: its veth peer {other.name} names {other.peer} as its peer",
                "veth-peer-name",
            )


def _link_members(ifaces: dict[str, Interface], warnings: list[ParseWarning]) -> dict[str, Interface]:
    """Add members declared from the other side (bond-master, ovs_bridge, a VRF's `vrf` slaves) and
    report drift."""

    def warn(iface: Interface, message: str, option: str = "") -> None:
        """A warning at the interface's first iface line, or at its `option` line when it has one."""
        src = next((o.source for o in iface.options if o.name == option and o.source), iface.source)
        warnings.append(ParseWarning(src.path if src else "", src.line if src else None, message))

    declared = {name: set(i.members) for name, i in ifaces.items()}
    added: dict[str, list[str]] = {}
    for iface in ifaces.values():
        parent = iface.master
        if parent is None:
            continue
        if parent not in ifaces:
            warn(iface, f"{iface.name}: its master {parent} has no iface stanza")
            continue
        p = ifaces[parent]
        if (
            iface.ovs_bridge
            and p.kind == InterfaceKind.OVS_BRIDGE
            and declared[parent]
            and iface.name not in declared[parent]
        ):
            warn(
                iface,
                f"{iface.name} names ovs_bridge {parent}, but {parent}'s ovs_ports does not list it",
            )
        if iface.name not in declared[parent]:
            added.setdefault(parent, []).append(iface.name)
    for iface in ifaces.values():
        if iface.vrf is None or iface.kind == InterfaceKind.VRF:
            continue
        vrf = ifaces.get(iface.vrf)
        if vrf is None:
            warn(iface, f"{iface.name}: its vrf {iface.vrf} has no iface stanza", "vrf")
        elif vrf.kind != InterfaceKind.VRF:
            warn(
                iface,
                f"{iface.name}: its vrf {iface.vrf} is a {vrf.kind.value}, not a VRF (no vrf-table)",
                "vrf",
            )
        elif iface.name not in declared[vrf.name]:
            added.setdefault(vrf.name, []).append(iface.name)
    _check_veth_peers(ifaces, warn)
    out = {
        name: replace(i, members=unique(i.members + tuple(added.get(name, ())))) if name in added else i
        for name, i in ifaces.items()
    }
    # A port belongs to one Linux master (bridge or bond) and to one OVS bridge or bond; an OVS
    # internal port that is also a Linux bridge port is Proxmox SDN's normal wiring, not drift.
    parents: dict[tuple[str, bool], list[str]] = {}
    for name, iface in out.items():
        ovs_parent = iface.kind in (InterfaceKind.OVS_BRIDGE, InterfaceKind.OVS_BOND)
        for m in iface.members:
            parents.setdefault((m, ovs_parent), []).append(name)
            member = out.get(m)
            if member is None or member.master is None or member.master == name:
                continue
            declared_ovs = member.ovs_bridge is not None and member.master == member.ovs_bridge.split()[0]
            if declared_ovs == ovs_parent:
                warn(iface, f"{name} lists {m} as a member, but {m} names {member.master} as its master")
    for (m, _ovs), ps in parents.items():
        if len(ps) > 1:
            warn(out[ps[1]], f"{m} is a member of several interfaces: {', '.join(ps)}")
    return out
