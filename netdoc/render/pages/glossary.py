"""The glossary: what admins forget after years, in the words of the talk netdoc grew from.

"Réseaux, Hyperviseurs, Stockages, relions-les tous !" (J. Colombet, Journées Proxmox et Ceph 2022)
names the vocabulary: NIC names, the seven bond modes, LACP, bridges and Open vSwitch, corosync
links and their priorities, the three mesh methods. Every page links its terms here
(`links.glossary_anchor`): a bond mode cell links `glossary#bond-mode-802-3ad`.
"""

from __future__ import annotations

from netdoc.model.bonding import BOND_MODE_NAMES, LACP_STATE_BITS
from netdoc.render import links
from netdoc.render.markdown import table
from netdoc.render.pages.common import heading, row_id

# Bond mode -> (mode number, what it does, what it needs from the switch).
LINUX_BOND_MODES: dict[str, tuple[int, str, str]] = {
    "balance-rr": (
        0,
        "Round robin: packets leave on each active slave in turn. More bandwidth and fault tolerance, "
        "but one flow's packets can arrive out of order.",
        "A static aggregation (EtherChannel `mode on`, a static LAG) on the switch ports; without it "
        "the switch sees the bond's MAC flap between ports.",
    ),
    "active-backup": (
        1,
        "One slave carries everything; another takes over when it fails. Fault tolerance only.",
        "Nothing: the slaves may even go to two different switches.",
    ),
    "balance-xor": (
        2,
        "Each destination (a hash of MAC addresses, or of the `xmit_hash_policy`) always leaves by the "
        "same slave.",
        "A static aggregation (static LAG) on the switch ports.",
    ),
    "broadcast": (
        3,
        "Every frame leaves on every slave. Fault tolerance only; Proxmox's full-mesh "
        "[broadcast bond](#mesh-broadcast-bond) cables each slave straight to another node.",
        "Nothing when each slave is cabled to a different node (a mesh); on a switch it duplicates "
        "every frame.",
    ),
    "802.3ad": (
        4,
        "LACP (IEEE 802.3ad, now 802.1AX): the slaves are aggregated dynamically with the switch, which "
        "adds bandwidth (per flow) and fault tolerance. The slaves must have the same speed and duplex "
        "(mii-tool / ethtool must report them).",
        "LACP on the same ports, in one aggregation group (HP: `link-aggregation mode dynamic`; Cisco: "
        "`channel-group N mode active`); on two switches only if they form one (MLAG, IRF, stack).",
    ),
    "balance-tlb": (
        5,
        "Transmit load balancing: outgoing traffic is spread by each slave's load and speed; incoming "
        "traffic arrives on the current slave, and another takes its MAC address when it fails.",
        "Nothing.",
    ),
    "balance-alb": (
        6,
        "Adaptive load balancing: balance-tlb plus receive balancing (ARP replies steer each peer to a "
        "slave), for IPv4 traffic only.",
        "Nothing; the NICs must let the driver change their MAC address.",
    ),
}
OVS_BOND_MODES: dict[str, tuple[str, str]] = {
    "balance-slb": (
        "Open vSwitch: traffic balanced by source MAC and VLAN, rebalanced from time to time.",
        "Nothing (no aggregation on the switch).",
    ),
    "balance-tcp": (
        "Open vSwitch: traffic balanced by L3/L4 headers (addresses and ports).",
        "LACP: `lacp=active` on the bond and LACP on the switch ports (Proxmox writes "
        "`ovs_options bond_mode=balance-tcp lacp=active`).",
    ),
}
LACP_BIT_MEANING: dict[str, str] = {
    "activity": "1: active LACP (sends LACPDUs on its own); 0: passive (answers only)",
    "timeout": "1: short timeout (fast rate, a PDU every second); 0: long (slow, every 30 s)",
    "aggregation": "1: the port can be aggregated; 0: an individual link",
    "synchronization": "1: in sync: the port is in the right aggregator",
    "collecting": "1: frames arriving on the port are accepted",
    "distributing": "1: frames are sent on the port",
    "defaulted": "1: no LACPDU heard from the partner: the actor uses default partner values",
    "expired": "1: the partner's information has expired (no PDU within the timeout)",
}
MESH_TERMS = {"broadcast-bond": "mesh-broadcast-bond", "rstp": "mesh-rstp", "routed": "mesh-routed"}
OVS_PORT_TERMS = {
    "internal": "ovs-port-internal",
    "patch": "ovs-port-patch",
    "bond": "ovs-port-bond",
    "tunnel": "ovs-port-tunnel",
    "fake bridge": "ovs-fake-bridge",
    "system": "ovs-port-system",
}
TUNNEL_TYPES = frozenset({"vxlan", "gre", "geneve", "stt", "lisp", "erspan", "ip6gre", "ip6erspan", "gtpu"})


def bond_mode_term(mode: str | None) -> str | None:
    """The glossary entry of a bond mode ("802.3ad", "4", "balance-tcp lacp=active"); None: unknown."""
    if not mode:
        return None
    name = mode.split()[0].lower()
    if name.isdigit() and int(name) < len(BOND_MODE_NAMES):
        name = BOND_MODE_NAMES[int(name)]
    name = {"lacp": "802.3ad", "4": "802.3ad"}.get(name, name)
    if name in LINUX_BOND_MODES or name in OVS_BOND_MODES:
        return links.glossary_anchor("bond-mode", name)
    return None


def ovs_port_kind(interface_type: str | None, *, bond: bool = False, fake_bridge: bool = False) -> str:
    """The kind of an OVS port, as the glossary names them."""
    if bond:
        return "bond"
    if fake_bridge:
        return "fake bridge"
    kind = (interface_type or "system").lower()
    if kind in TUNNEL_TYPES:
        return "tunnel"
    return kind if kind in OVS_PORT_TERMS else "system"


def _nic_names() -> list[str]:
    prefixes = [
        ("en", "Ethernet", "eno1, ens18, enp1s0f0"),
        ("wl", "wireless LAN (Wi-Fi)", "wlp2s0"),
        ("ww", "wireless WAN (mobile broadband)", "wwp0s20f0u6"),
        ("ib", "InfiniBand", "ibp65s0"),
        ("sl", "serial line IP (SLIP)", "sl0"),
    ]
    parts = [
        (
            "o",
            "o<index>",
            "on-board device index number (the firmware numbers on-board NICs)",
            "eno1: on-board NIC 1",
        ),
        (
            "s",
            "s<slot>",
            "hotplug slot index number (PCI Express slot)",
            "ens18: slot 18 (a VM's virtio NIC)",
        ),
        ("p", "p<bus>s<slot>", "PCI location: bus number, then slot on that bus", "enp7s0: bus 7, slot 0"),
        (
            "f",
            "f<function>",
            "function of a multi-function PCI device: one port of a multi-port card",
            "enp7s0f1: function 1",
        ),
        ("d", "d<dev_port>", "device port of a device with several ports on one function", "enp1s0d1"),
        ("u", "u<port>", "USB port number (a chain of them for hubs)", "enp0s20u1u2"),
        ("x", "x<MAC>", "the MAC address, when nothing better is known", "enx0011223344ff"),
    ]
    out = [
        heading(2, "NIC names", "nic-names"),
        "`enoX`, `ensX`: a physical interface named by systemd/udev from where the hardware sits "
        "(predictable interface names). Two letters give the type, then come the parts that locate it.\n",
        table(
            ["Prefix", "Type", "Example"],
            [[row_id(links.glossary_anchor("nic-name", p)) + f"`{p}`", t, e] for p, t, e in prefixes],
        ),
        table(
            ["Part", "Form", "Means", "Example"],
            [
                [row_id(links.glossary_anchor("nic-name-part", p)) + f"`{p}`", f"`{f}`", m, e]
                for p, f, m, e in parts
            ],
        ),
        "`eth0`, `eth1`: the kernel's old names, in probe order (they can change when a card is added). "
        "Do not return to them with `net.ifnames=0 biosdevname=0`: the names would no longer say where "
        "the NIC is, and the configuration of every bridge and bond would have to follow. Recent "
        "Proxmox VE can pin names (`nic0`, `nic1`) with `pve-network-interface-pinning`.\n",
        heading(2, "Other interfaces of a node", "interfaces"),
        table(
            ["Name", "What it is"],
            [
                [
                    row_id("vlan-interface") + "VLAN (`eno1.50`, `bond1.30`)",
                    "a VLAN on a physical interface or "
                    "bond, the VLAN id after the dot (`vlan-raw-device` names the parent otherwise)",
                ],
                [
                    row_id("bonding") + "bond (`bond0`)",
                    "several physical interfaces aggregated into one "
                    "logical interface ([modes](#bond-modes))",
                ],
                [
                    row_id("vmbr") + "`vmbr0` ... `vmbr4094`",
                    "a bridge joining `ethX`/`enoX`, bonds, `tapX` "
                    "and `vethX` ([Linux bridge](#linux-bridge))",
                ],
                [row_id("tap") + "`tap<vmid>i<n>`", "the host side of a KVM virtual machine's NIC `net<n>`"],
                [row_id("veth") + "`veth<vmid>i<n>`", "the host side of an LXC container's NIC `net<n>`"],
                [
                    row_id("firewall-bridge") + "`fwbr`, `fwpr`, `fwln`",
                    "the firewall bridge Proxmox puts between "
                    "a guest NIC with `firewall=1` and its bridge (iptables sees bridged frames there)",
                ],
                [
                    row_id("vxlan") + "VXLAN",
                    "a layer-2 network carried in UDP between nodes (SDN VXLAN and EVPN zones)",
                ],
            ],
        ),
    ]
    return out


def _bond_modes() -> list[str]:
    rows = []
    for name, (number, does, needs) in LINUX_BOND_MODES.items():
        rows.append(
            [row_id(links.glossary_anchor("bond-mode", name)) + f"{number}", f"`{name}`", does, needs]
        )
    for name, (does, needs) in OVS_BOND_MODES.items():
        rows.append([row_id(links.glossary_anchor("bond-mode", name)) + "OVS", f"`{name}`", does, needs])
    return [
        heading(2, "Bond modes", "bond-modes"),
        "Link aggregation groups several physical interfaces under one virtual interface. Linux has "
        "seven modes (`bond-mode`, by name or number); an Open vSwitch bond has its own. What the switch "
        "must do is the part that is forgotten:\n",
        table(["Mode", "Name", "What it does", "What the switch needs"], rows),
        "`/proc/net/bonding/<bond>` shows what runs: the mode, the MII status of the bond and each slave, "
        "and for 802.3ad the LACP rate, the aggregator of each slave and the partner (the switch).\n",
    ]


def _lacp() -> list[str]:
    bits = [
        [f"{bit}", f"{1 << bit}", f"`{name}`", LACP_BIT_MEANING[name]]
        for bit, name in enumerate(LACP_STATE_BITS)
    ]
    return [
        heading(2, "LACP", "lacp"),
        "The Link Aggregation Control Protocol (802.3ad mode, OVS `lacp=active`): each end (the *actor*) "
        "sends LACPDUs to the other (the *partner*). Slaves that agree land in one *aggregator*; the bond "
        "uses the active aggregator only. A partner MAC of `00:00:00:00:00:00` means nobody answered: the "
        "switch ports do not run LACP, or are not in the same group. The *rate* is how often PDUs go: "
        "`slow` every 30 s, `fast` every second (`bond-lacp-rate`); both ends should agree.\n",
        heading(3, "LACP port states", "lacp-states"),
        "Each slave's actor and partner *port state* is a byte of eight bits (shown as a number in "
        "`/proc/net/bonding`, as names by `ip -d link`). A healthy port is 61 (slow) or 63 (fast): "
        "activity, aggregation, synchronization, collecting, distributing. A state with `defaulted` "
        "means no PDU was heard.\n",
        table(["Bit", "Value", "Name", "When set"], bits),
        "*Churned*: the actor or partner churn state says the port could not agree with the other end "
        "in time (a misconfigured switch port, or a port in another group).\n",
    ]


def _bridges() -> list[str]:
    return [
        heading(2, "Linux bridge", "linux-bridge"),
        "A software switch in the kernel (`vmbrN`, the Proxmox default): `bridge-ports` lists its uplinks "
        "(a NIC, a bond, or `none` for a bridge internal to the node), guests plug their `tap`/`veth` into "
        "it. `bridge-stp off` is the usual setting: with STP off, two uplinks make a loop.\n",
        heading(3, "VLAN-aware bridge", "vlan-aware-bridge"),
        "`bridge-vlan-aware yes`: the bridge tags and filters frames itself; a guest NIC's `tag=` puts it "
        "in that VLAN, and `bridge-vids` lists the VLANs the bridge lets through its uplink (2-4094 by "
        "default). Without it, each VLAN needs its own VLAN interface and bridge (`eno1.10` in `vmbr10`).\n",
        heading(2, "Open vSwitch bridge", "ovs-bridge"),
        "Open vSwitch (OVS) is a multilayer software switch: 802.1Q VLANs (trunk and access ports), bonds "
        "with or without LACP, QoS, and monitoring probes (NetFlow, sFlow, port mirroring). In Proxmox an "
        "`OVSBridge` holds *ports*; `ovs-vsctl show` lists them as it runs.\n",
        heading(3, "Linux bridge or Open vSwitch", "bridge-vs-ovs"),
        table(
            ["", "Linux bridge", "Open vSwitch"],
            [
                [
                    "Configured in",
                    "`/etc/network/interfaces` only",
                    "`/etc/network/interfaces` (OVSBridge, "
                    "OVSPort, OVSBond, OVSIntPort), applied to the OVS database",
                ],
                [
                    "VLANs",
                    "VLAN-aware bridge with `bridge-vids`, or one bridge per VLAN",
                    "`tag=` (access) and `trunks=` per port",
                ],
                [
                    "Bonds",
                    "a Linux bond as a bridge port",
                    "an OVS bond port (`balance-slb`, `balance-tcp`, `active-backup`)",
                ],
                [
                    "Host addresses",
                    "on the bridge itself or a VLAN interface",
                    "on an internal port (OVSIntPort)",
                ],
                ["Monitoring", "none built in", "sFlow, NetFlow, port mirrors"],
                ["What runs", "`ip -d link`, `bridge vlan show`", "`ovs-vsctl show`, `ovs-vsctl list ...`"],
            ],
        ),
        heading(3, "Open vSwitch port kinds", "ovs-port-kinds"),
        table(
            ["Kind", "What it is"],
            [
                [row_id("ovs-port-system") + "system (OVSPort)", "a NIC (or Linux bond) added to the bridge"],
                [
                    row_id("ovs-port-internal") + "internal (OVSIntPort)",
                    "an interface of the node on the bridge, "
                    "where its addresses live; with a `tag` it is in that VLAN",
                ],
                [
                    row_id("ovs-port-patch") + "patch",
                    "one end of a pair joining two OVS bridges (`options:peer`)",
                ],
                [
                    row_id("ovs-port-bond") + "bond (OVSBond)",
                    "one port over several NICs (`bond_mode`, `lacp`)",
                ],
                [
                    row_id("ovs-port-tunnel") + "tunnel",
                    "VXLAN, GRE or Geneve to a remote address (`options:remote_ip`)",
                ],
                [
                    row_id("ovs-fake-bridge") + "fake bridge",
                    "a bridge inside a bridge for one VLAN "
                    "(`ovs-vsctl add-br child parent VLAN`): an internal port with that tag",
                ],
            ],
        ),
        heading(3, "Access and trunk ports", "ovs-tag-trunks"),
        "`tag=3`: an access port in VLAN 3 (frames leave untagged). `trunks=2,3,4`: a trunk carrying those "
        "VLANs tagged; no tag and no trunks: every VLAN. VLAN 4095 is reserved: a port there carries "
        "nothing.\n",
        heading(3, "sFlow, NetFlow, mirrors", "ovs-monitoring"),
        "sFlow samples one packet in `sampling` and polls counters every `polling` seconds, sent to the "
        "targets (`host:6343`) from the `agent` interface. NetFlow exports flow records to its targets. A "
        "mirror copies the traffic of the ports (or VLANs) it selects to an output port or VLAN "
        "(`ovs-vsctl -- --id=@m create mirror name=mirror0 select-all=true output-port=@p`).\n",
    ]


def _cluster_terms() -> list[str]:
    return [
        heading(2, "Corosync links", "corosync-links"),
        "Corosync (with kronosnet, knet) keeps the cluster's membership and quorum. Each *link* (link0 ... "
        "link7) is one network between the nodes; each node has a *ring address* on each link "
        "(`ringN_addr` in `corosync.conf`). Kronosnet sends over the up link with the highest "
        "*priority* and fails over to the next: `pvecm create starwars -link0 172.16.0.1,priority=20 "
        "-link1 192.168.131.1,priority=15`. Corosync needs low latency, not bandwidth: a link sharing "
        "its NICs with storage or backups can lose quorum under load.\n",
        heading(3, "Link priority", "corosync-link-priority"),
        "`knet_link_priority` in the totem `interface` block: higher is preferred (passive mode, the "
        "default: one link at a time).\n",
        heading(2, "Mesh networks", "mesh"),
        "A mesh joins three (or more) nodes with direct cables instead of a switch (the poor man's "
        "network: one cable per pair). Three methods:\n",
        table(
            ["Method", "How"],
            [
                [
                    row_id("mesh-broadcast-bond") + "broadcast bond",
                    "a Linux bond in mode broadcast over the NICs "
                    "cabled to the other nodes, with one address per node on one subnet (the example's "
                    "`bond1`)",
                ],
                [
                    row_id("mesh-rstp") + "RSTP",
                    "a bridge with (R)STP over the cables: the spanning tree blocks "
                    "one cable of the loop; check that it is compatible with a proprietary STP (Juniper, "
                    "Cisco, HP)",
                ],
                [
                    row_id("mesh-routed") + "routed",
                    "each cable its own point-to-point subnet (or `ip route add "
                    "<peer>/32 dev <nic>`): traffic to a peer is routed over its cable",
                ],
                [
                    row_id("mesh-frr") + "routed with FRR",
                    "a routing daemon (FRR: OpenFabric or OSPF) announces "
                    "each node's /32 on a loopback alias (`lo:ospf`), and reroutes around a broken cable",
                ],
            ],
        ),
        heading(2, "Routed setup, NAT and port forwards", "nat"),
        "The typical VPS setup: the provider's address on `vbr0` (with the NIC), a private bridge `vbr1` "
        "without port (`bridge-ports none`), `ip_forward` on, and iptables rules in `post-up` hooks: "
        "MASQUERADE the private subnet out of `vbr0`, DNAT (port forward) a public port to a guest "
        "(`-p tcp --dport 443 -j DNAT --to 192.168.131.200:443`).\n",
        heading(2, "Failures", "failures"),
        "*Loses connectivity*: works now, stops when that one NIC, bond or switch fails. *Loses redundancy*: "
        "still works after the failure, but a second failure would now stop it. A *single point of failure* "
        "is a NIC or switch whose failure alone stops a service (management, a corosync link, a storage "
        "path, a mesh peer, the uplink of a bridge with guests). Switches are known only when LLDP "
        "names them.\n",
        heading(2, "SDN", "sdn"),
        "Proxmox SDN (`/etc/pve/sdn`): a *zone* says how its VNets reach the wire (simple: a bridge on each "
        "node; vlan: a VLAN on a bridge; qinq: a service VLAN holding customer VLANs; vxlan and evpn: "
        "VXLAN between the nodes), a *VNet* is the bridge guests attach to, a *subnet* its addresses and "
        "gateway. Nothing changes on the nodes until SDN is applied (`.running-config`).\n",
        heading(2, "Storage paths", "storage-paths"),
        "How a node reaches a network storage's server: *local* (the node holds the address), *connected* "
        "(a subnet of one of its interfaces), *route* (a hook's `ip route add`), *default* (the default "
        "gateway: storage traffic that leaves by the gateway is usually a mistake).\n",
        heading(2, "MTU", "mtu"),
        "The largest frame an interface sends. Jumbo frames (9000) must be set on the whole path: a "
        "bridge, bond or VLAN larger than the NIC under it, or a switch port left at 1500, drops the "
        "large frames silently (small pings pass, storage stalls).\n",
        heading(2, "LLDP", "lldp"),
        "Link Layer Discovery Protocol: a switch (or a node running lldpd) announces its name and the port "
        "a NIC is cabled to: it is how netdoc knows the cabling and which NICs share a switch.\n",
    ]


def glossary_page() -> str:
    lines = [
        "# Glossary\n",
        "What is forgotten after years of running a cluster, in the words of the talk netdoc grew from "
        "(*Réseaux, Hyperviseurs, Stockages, relions-les tous !*, Journées Proxmox et Ceph 2022).\n",
    ]
    for part in (_nic_names(), _bond_modes(), _lacp(), _bridges(), _cluster_terms()):
        lines += part
    return "\n".join(lines)
