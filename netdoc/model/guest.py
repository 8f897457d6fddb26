"""Guests (QEMU VMs and LXC containers) and their network cards, from config files or the API.

One model for both sources: /etc/pve/{qemu-server,lxc}/<vmid>.conf text and the API's
/nodes/{node}/{qemu,lxc}/{vmid}/config JSON. Only the top section of a config file is the current
state; `[PENDING]` values are kept apart, snapshot sections are named but not parsed.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.pveconf import ConfigOption

QEMU_NIC_MODELS = frozenset(
    {"e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e", "i82551", "i82557b", "i82559er"}
    | {"ne2k_isa", "ne2k_pci", "pcnet", "rtl8139", "virtio", "vmxnet3"}
)


@dataclass(frozen=True, order=True)
class VlanRange:
    """A VLAN id or range from `trunks=10-20;30` (a single id has first == last)."""

    first: int
    last: int


@dataclass(frozen=True)
class GuestNic:
    """One `netN` of a guest, with the matching qemu `ipconfigN` folded in.

    `bridge` is a Linux or OVS bridge, or an SDN VNet name (Proxmox has no separate `vnet=` key).
    A qemu NIC without bridge uses QEMU user-mode networking (NAT behind 10.0.2.2): `user_mode_nat`.
    `rate_mb_s` is megabytes per second for both qemu and lxc (Proxmox multiplies by 1024*1024 and
    applies it with tc in bytes per second; the lxc schema's "mbps" label means the same unit).
    `mtu` 1 on a qemu NIC means "use the bridge's MTU".
    """

    index: int
    key: str  # "net0"
    model: str | None  # qemu: virtio, e1000, ...; lxc: the `type` (veth)
    name: str | None = None  # lxc: the interface name inside the container (eth0)
    mac: str | None = None  # as written (qemu `virtio=MAC` or `macaddr=`, lxc `hwaddr=`)
    bridge: str | None = None
    vlan_tag: int | None = None
    trunks: tuple[VlanRange, ...] = ()
    firewall: bool | None = None
    rate_mb_s: float | None = None
    mtu: int | None = None
    queues: int | None = None  # qemu multiqueue
    link_down: bool = False
    user_mode_nat: bool = False
    ip: str | None = None  # CIDR, "dhcp" or "manual" (lxc `ip=`, qemu `ipconfigN` ip=)
    gw: str | None = None
    ip6: str | None = None  # CIDR, "auto", "dhcp" or "manual"
    gw6: str | None = None
    host_managed: bool | None = None  # lxc: the host configures the address
    raw: str = ""  # the netN value, verbatim
    ipconfig_raw: str | None = None  # the ipconfigN value, verbatim
    source: SourceRef | None = None  # the netN line
    ipconfig_source: SourceRef | None = None


@dataclass(frozen=True)
class Guest:
    """A VM or container as its configuration describes it."""

    vmid: int | None  # from the file name (NNN.conf) or the API path
    type: str  # "qemu" | "lxc"
    node: str | None = None  # from /etc/pve/nodes/<node>/... or the API path
    name: str | None = None  # qemu `name`, lxc `hostname`
    tags: tuple[str, ...] = ()
    template: bool = False
    description: str | None = None  # the leading `#` lines of a file, or the API's `description`
    nics: tuple[GuestNic, ...] = ()  # current state, by index
    pending_nics: tuple[GuestNic, ...] = ()  # netN values in [PENDING] (applied at the next restart)
    pending_delete: tuple[str, ...] = ()  # keys [PENDING] will delete ("net1", ...)
    snapshots: tuple[str, ...] = ()  # names of snapshot sections (their NICs are history, not parsed)
    parent: str | None = None  # the snapshot the current state derives from
    options: tuple[ConfigOption, ...] = ()  # the top section verbatim (secrets such as cipassword redacted)
    pending_options: tuple[ConfigOption, ...] = ()
    origin: str = "file"  # "file" | "api"
    source: SourceRef | None = None
    warnings: tuple[ParseWarning, ...] = ()

    def host_device(self, nic: GuestNic) -> str | None:
        """The host side of a NIC: tap<vmid>i<N> for a VM, veth<vmid>i<N> for a container."""
        if self.vmid is None:
            return None
        return f"{'tap' if self.type == 'qemu' else 'veth'}{self.vmid}i{nic.index}"


@dataclass(frozen=True)
class GuestConfigs:
    """Every guest config of a cluster read in one go (the bulk `tail` output)."""

    path: str
    guests: tuple[Guest, ...] = ()  # sorted by vmid
    files: tuple[str, ...] = ()  # every config path found, in output order
    warnings: tuple[ParseWarning, ...] = ()  # the split's own warnings and every guest's

    def get(self, vmid: int) -> Guest | None:
        for guest in self.guests:
            if guest.vmid == vmid:
                return guest
        return None
