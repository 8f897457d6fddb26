"""What each interface kind is called, on the pages and in the diagrams (one list for both)."""

from __future__ import annotations

from netdoc.model.interfaces import InterfaceKind

KIND_LABELS: dict[InterfaceKind, str] = {
    InterfaceKind.PHYSICAL: "NIC",
    InterfaceKind.BOND: "Linux bond",
    InterfaceKind.BRIDGE: "Linux bridge",
    InterfaceKind.VLAN: "VLAN",
    InterfaceKind.ALIAS: "alias",
    InterfaceKind.OVS_BRIDGE: "OVS bridge",
    InterfaceKind.OVS_BOND: "OVS bond",
    InterfaceKind.OVS_PORT: "OVS port",
    InterfaceKind.OVS_INTPORT: "OVS IntPort",
    InterfaceKind.VXLAN: "VXLAN",
    InterfaceKind.VRF: "VRF",
    InterfaceKind.VETH: "veth",
    InterfaceKind.DUMMY: "dummy",
    InterfaceKind.MACVLAN: "macvlan",
    InterfaceKind.LOOPBACK: "loopback",
    InterfaceKind.UNKNOWN: "unknown",
}
# A shape in a diagram says what it is; "unknown" there reads as a fault, "interface" does not.
DIAGRAM_KIND_NAMES: dict[InterfaceKind, str] = {**KIND_LABELS, InterfaceKind.UNKNOWN: "interface"}
