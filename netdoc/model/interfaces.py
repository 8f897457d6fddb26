"""A node's configured network: interfaces as declared in /etc/network/interfaces or by the API.

One model, two sources: the ifupdown parser and the /nodes/{node}/network parser both produce
`Interface`. Every item keeps its evidence (file and line, or API path and index).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from netdoc.model.base import ParseWarning, SourceRef

# The hook options of a stanza, in the order ifupdown runs them; kept verbatim in Interface.hooks.
UP_HOOKS = ("pre-up", "up", "post-up")
DOWN_HOOKS = ("pre-down", "down", "post-down")
HOOKS = UP_HOOKS + DOWN_HOOKS


class InterfaceKind(StrEnum):
    """What an interface is, in netdoc's vocabulary (Proxmox's API names map onto these)."""

    PHYSICAL = "physical"
    BOND = "bond"
    BRIDGE = "bridge"
    VLAN = "vlan"
    ALIAS = "alias"
    OVS_BRIDGE = "ovs_bridge"
    OVS_BOND = "ovs_bond"
    OVS_PORT = "ovs_port"
    OVS_INTPORT = "ovs_intport"
    VXLAN = "vxlan"
    VRF = "vrf"  # a VRF device: `vrf-table`
    VETH = "veth"  # one end of a veth pair: `link-type veth` (Proxmox SDN's ln_/pr_ pairs)
    DUMMY = "dummy"  # `link-type dummy` (routed /32 loopbacks, SDN fabrics' dummy_<fabric>)
    MACVLAN = "macvlan"  # `link-type macvlan` or `macvlan-physdev`
    LOOPBACK = "loopback"
    UNKNOWN = "unknown"


# `link-type` values and the kind each creates (ifupdown2's link addon knows dummy and veth).
LINK_TYPES: dict[str, InterfaceKind] = {
    "veth": InterfaceKind.VETH,
    "dummy": InterfaceKind.DUMMY,
    "macvlan": InterfaceKind.MACVLAN,
}
_ALIAS_NAME = re.compile(r"^([^:\s]+):([^:\s]+)$")


def alias_base(name: str) -> str | None:
    """The base interface of an alias label: `eno1` for `eno1:1` or `eno1:mgmt`, `lo` for `lo:ospf`;
    None when `name` is no `NAME:LABEL`."""
    m = _ALIAS_NAME.match(name)
    return m.group(1) if m else None


@dataclass(frozen=True)
class Address:
    """One configured address; `cidr` is normalised ("192.0.2.1/24"), the host part is kept."""

    cidr: str
    family: str  # "inet" | "inet6"
    prefix_given: bool  # False when written bare (then /32 or /128 is assumed, as Proxmox does)
    source: SourceRef | None = None


@dataclass(frozen=True)
class Option:
    """One option line of a stanza, verbatim: canonical (dashed) name, value, spelling, family."""

    name: str
    value: str
    spelled: str
    family: str | None = None  # "inet", "inet6", or None for a stanza without family
    source: SourceRef | None = None


class CommentPlacement(StrEnum):
    """Where a comment sat relative to its stanza (see docs/parsers/interfaces.md)."""

    INSIDE = "inside"  # a comment line within the stanza: what Proxmox shows as the comment
    BEFORE = "before"  # comment lines directly above the iface line (only auto/allow-* between)
    END_OF_LINE = "end-of-line"  # text after " #" on an option line (NOT a comment for ifupdown)


@dataclass(frozen=True)
class Comment:
    """A comment about an interface; `text` is what follows the `#`, without surrounding blanks."""

    text: str
    source: SourceRef | None = None
    placement: CommentPlacement = CommentPlacement.INSIDE


@dataclass(frozen=True)
class Stanza:
    """One `iface` line: the same interface may have several (inet + inet6, several files)."""

    family: str | None
    method: str | None
    source: SourceRef | None = None
    inherits: str | None = None  # ifupdown's `iface X inet static inherits T` (recorded, not applied)


@dataclass(frozen=True)
class Interface:
    """An interface with everything declared about it, merged over all its stanzas."""

    name: str
    kind: InterfaceKind
    auto: bool = False
    allow: tuple[str, ...] = ()  # allow-<class> lines naming it ("hotplug", "ovs", "vmbr0")
    stanzas: tuple[Stanza, ...] = ()
    method: str | None = None  # inet method (static, manual, dhcp, loopback, ...)
    method6: str | None = None
    addresses: tuple[Address, ...] = ()
    gateway: str | None = None
    gateway6: str | None = None
    mtu: int | None = None
    members: tuple[str, ...] = ()  # bridge ports, bond slaves, OVS bridge ports or OVS bond interfaces
    master: str | None = None  # declared parent: bond-master, ovs_bridge
    # The interface this one is built on: an alias label's base (`eno1` for `eno1:1`, `lo` for
    # `lo:ospf`), a VLAN's raw device, a macvlan's `macvlan-physdev`, a VXLAN's `vxlan-physdev`.
    parent: str | None = None
    peer: str | None = None  # the other end of a veth pair: `veth-peer-name`
    vrf: str | None = None  # the VRF this interface is enslaved to: its `vrf NAME` option
    vrf_table: str | None = None  # a VRF's routing table: `vrf-table` as written, "auto" or a number
    vlan_id: int | None = None
    vlan_raw_device: str | None = None
    vlan_protocol: str | None = None
    bridge_vlan_aware: bool = False
    bridge_vids: tuple[str, ...] = ()  # as written ("2-4094", "10")
    bond_mode: str | None = None  # by name ("802.3ad"), numeric modes translated; OVS: "balance-tcp"
    ovs_type: str | None = None
    ovs_bridge: str | None = None
    ovs_options: str | None = None
    ovs_tag: int | None = None
    ovs_trunks: tuple[int, ...] = ()
    ovs_lacp: str | None = None
    hooks: tuple[Option, ...] = ()  # pre-up/up/post-up/pre-down/down/post-down, verbatim, in order
    options: tuple[Option, ...] = ()  # every option line, verbatim, in file order
    comments: tuple[Comment, ...] = ()
    source: SourceRef | None = None  # the first iface line

    @property
    def autostart(self) -> bool:
        """Brought up at boot, as Proxmox counts it: `auto`, `allow-auto`, `allow-hotplug`, `allow-ovs`."""
        return self.auto or "hotplug" in self.allow or "ovs" in self.allow

    @property
    def vlan_label(self) -> str:
        """The VLAN facts worth a table cell: a VLAN id, an OVS tag, or a bridge's VLAN list."""
        if self.vlan_id is not None:
            return str(self.vlan_id)
        if self.ovs_tag is not None:
            return f"tag {self.ovs_tag}"
        if self.ovs_trunks:
            return "trunks " + ",".join(str(v) for v in self.ovs_trunks)
        if self.bridge_vlan_aware:
            return "aware " + " ".join(self.bridge_vids) if self.bridge_vids else "aware"
        return ""


@dataclass(frozen=True)
class Include:
    """A `source` or `source-directory` line and the files it resolved to."""

    directive: str  # "source" | "source-directory"
    pattern: str
    resolved: tuple[str, ...]
    source: SourceRef | None = None


@dataclass(frozen=True)
class Directive:
    """A top-level line other than `iface` and `source`: auto, allow-*, mapping, rename, vlan, ...

    Kept in file order so that nothing the file says is lost; `mapping` and ifupdown2 `vlan`
    stanzas carry their option lines.
    """

    keyword: str
    value: str
    options: tuple[Option, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class InterfacesConfig:
    """The parse of one interfaces file and everything it includes."""

    entry: str
    files: tuple[str, ...] = ()  # every file read, in reading order
    interfaces: tuple[Interface, ...] = ()  # in order of first appearance
    includes: tuple[Include, ...] = ()
    directives: tuple[Directive, ...] = ()  # in reading order
    warnings: tuple[ParseWarning, ...] = field(default=())

    def get(self, name: str) -> Interface | None:
        for iface in self.interfaces:
            if iface.name == name:
                return iface
        return None
