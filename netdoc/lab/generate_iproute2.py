"""iproute2 JSON of a node: `ip -j -d link`, `ip -j addr` and `bridge -j vlan show`.

Compact single-line JSON with iproute2's key names and order (iproute2_json_keys_from_source.md,
infix/cloud-init captures): link flags in iproute2's order, `master`, `operstate`, `linkinfo` with
`info_kind`/`info_data` and `info_slave_kind`/`info_slave_data` (bond, bridge, openvswitch, vrf
ports), `link` for a VLAN parent or veth peer, `link_index` + `link_netnsid` for a container's peer.
`bridge -j vlan show` is the post-4.19 list shape; every Linux bridge and port appears (default
PVID 1), VLAN-aware bridges carry their bridge-vids.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from netdoc.lab.devices import Dev, NodeRuntime
from netdoc.lab.generate_bonding import actor_key, aggregator_ids, partner_mac, port_states
from netdoc.lab.schema import Cluster, Node

FOREVER = 4294967295
LACP_STATE_BITS = (
    (1, "active"),
    (2, "short_timeout"),
    (4, "aggregating"),
    (8, "in_sync"),
    (16, "collecting"),
    (32, "distributing"),
    (64, "defaulted"),
    (128, "expired"),
)


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":")) + "\n"


def _unpadded(mac: str) -> str:
    return ":".join(f"{int(p, 16):x}" for p in mac.split(":"))


def _flags(dev: Dev, rt: NodeRuntime) -> list[str]:
    out = []
    if dev.admin_up and not dev.carrier and dev.kind not in ("tun", "openvswitch", "loopback", "vxlan"):
        out.append("NO-CARRIER")
    if dev.kind == "loopback":
        out.append("LOOPBACK")
    elif dev.kind == "vrf":
        out += ["NOARP", "MASTER"]
    else:
        out += ["BROADCAST", "MULTICAST"]
        if dev.master and dev.slave_kind in ("bridge", "openvswitch"):
            out.append("PROMISC")
        if dev.kind == "bond":
            out.append("MASTER")
        if dev.slave_kind == "bond":
            out.append("SLAVE")
    if dev.admin_up:
        out.append("UP")
        if dev.carrier or dev.kind in ("tun", "openvswitch", "loopback", "vxlan"):
            out.append("LOWER_UP")
    return out


def _operstate(dev: Dev, rt: NodeRuntime) -> str:
    if not dev.admin_up:
        return "DOWN"
    if dev.kind in ("loopback", "tun", "openvswitch", "vxlan"):
        return "UNKNOWN"
    if dev.kind == "vlan" and not dev.carrier:
        return "LOWERLAYERDOWN"
    return "UP" if dev.carrier else "DOWN"


def _qdisc(dev: Dev) -> str:
    if not dev.admin_up:
        return "noop"
    if dev.kind == "ether":
        return "mq"
    if dev.kind == "tun":
        return "pfifo_fast"
    return "noqueue"


def _lacp_state(value: int) -> list[str]:
    return [name for bit, name in LACP_STATE_BITS if value & bit]


def _bond_data(dev: Dev, cluster: Cluster, node: Node, rt: NodeRuntime) -> dict[str, Any]:
    bond = next(b for b in node.bonds if b.name == dev.name)
    slaves = [d for d in rt.devs.values() if d.master == dev.name]
    data: dict[str, Any] = {"mode": bond.mode}
    if bond.mode == "active-backup":
        active = bond.runtime.active_slave or next((s.name for s in slaves if s.carrier), None)
        if active:
            data["active_slave"] = active
    data.update(
        miimon=bond.miimon,
        updelay=0,
        downdelay=0,
        peer_notify_delay=0,
        use_carrier=1,
        arp_interval=0,
        arp_missed_max=2,
        arp_validate=None,
        arp_all_targets="any",
    )
    if bond.primary:
        data["primary"] = bond.primary
    data.update(
        primary_reselect="always",
        fail_over_mac="none",
        xmit_hash_policy=bond.xmit_hash_policy or "layer2",
        resend_igmp=1,
        num_peer_notif=1,
        all_slaves_active=0,
        min_links=0,
        lp_interval=1,
        packets_per_slave=1,
        ad_lacp_active="on",
        ad_lacp_rate=bond.lacp_rate,
        ad_select="stable",
        tlb_dynamic_lb=1,
    )
    if bond.mode == "802.3ad":
        up = [s for s in slaves if s.carrier]
        negotiated = bond.runtime.lacp == "negotiated"
        if up:
            data["ad_info"] = {
                "aggregator": 1,
                "num_ports": len(up) if negotiated else 1,
                "actor_key": actor_key(up[0].speed),
                "partner_key": 1,
                "partner_mac": partner_mac(cluster, node, bond, rt) if negotiated else "00:00:00:00:00:00",
            }
        data.update(ad_actor_sys_prio=65535, ad_user_port_key=0, ad_actor_system="00:00:00:00:00:00")
    return data


def _bond_slave_data(dev: Dev, node: Node, rt: NodeRuntime) -> dict[str, Any]:
    bond = next(b for b in node.bonds if b.name == dev.master)
    slaves = [d.name for d in rt.devs.values() if d.master == bond.name]
    up = {s for s in slaves if rt.devs[s].carrier}
    active = dev.carrier
    if bond.mode == "active-backup":
        current = (
            bond.runtime.active_slave
            if bond.runtime.active_slave in up
            else next((s for s in slaves if s in up), None)
        )
        active = dev.name == current
    data: dict[str, Any] = {
        "state": "ACTIVE" if active else "BACKUP",
        "mii_status": "UP" if dev.carrier else "DOWN",
        "link_failure_count": 0 if dev.carrier else 1,
        "perm_hwaddr": dev.perm_mac or dev.mac,
        "queue_id": 0,
        "prio": 0,
    }
    if bond.mode == "802.3ad":
        negotiated = bond.runtime.lacp == "negotiated"
        agg = aggregator_ids(slaves, up, negotiated)[dev.name]
        actor, partner = port_states(dev.carrier and negotiated, dev.carrier, bond.lacp_rate == "fast")
        data.update(
            ad_aggregator_id=agg,
            ad_actor_oper_port_state=actor,
            ad_actor_oper_port_state_str=_lacp_state(actor),
            ad_partner_oper_port_state=partner,
            ad_partner_oper_port_state_str=_lacp_state(partner),
        )
    return data


def _bridge_data(dev: Dev, rt: NodeRuntime, node: Node) -> dict[str, Any]:
    br = next((b for b in node.bridges if b.name == dev.name), None)
    bid = f"8000.{_unpadded(dev.mac)}"
    return {
        "forward_delay": (br.fd if br else 0) * 100,
        "hello_time": 200,
        "max_age": 2000,
        "ageing_time": 30000,
        "stp_state": 1 if br and br.stp else 0,
        "priority": 32768,
        "vlan_filtering": 1 if dev.vlan_filtering else 0,
        "vlan_protocol": "802.1Q",
        "bridge_id": bid,
        "root_id": bid,
        "root_port": 0,
        "root_path_cost": 0,
        "topology_change": 0,
        "topology_change_detected": 0,
        "hello_timer": 0.0,
        "tcn_timer": 0.0,
        "topology_change_timer": 0.0,
        "gc_timer": 0.0,
        "vlan_default_pvid": 1,
        "vlan_stats_enabled": 0,
        "vlan_stats_per_port": 0,
        "group_fwd_mask": "0",
        "group_addr": "01:80:c2:00:00:00",
        "mcast_snooping": 1,
        "no_linklocal_learn": 0,
        "mcast_vlan_snooping": 0,
        "mcast_router": 1,
        "mcast_query_use_ifaddr": 0,
        "mcast_querier": 0,
        "mcast_hash_elasticity": 16,
        "mcast_hash_max": 4096,
        "mcast_last_member_cnt": 2,
        "mcast_startup_query_cnt": 2,
        "mcast_last_member_intvl": 100,
        "mcast_membership_intvl": 26000,
        "mcast_querier_intvl": 25500,
        "mcast_query_intvl": 12500,
        "mcast_query_response_intvl": 1000,
        "mcast_startup_query_intvl": 3125,
        "mcast_stats_enabled": 0,
        "mcast_igmp_version": 2,
        "mcast_mld_version": 1,
        "nf_call_iptables": 0,
        "nf_call_ip6tables": 0,
        "nf_call_arptables": 0,
    }


def _bridge_port_data(dev: Dev, rt: NodeRuntime, number: int) -> dict[str, Any]:
    master = rt.devs[dev.master or ""]
    bid = f"8000.{_unpadded(master.mac)}"
    return {
        "state": "forwarding" if dev.up or dev.kind in ("tun", "openvswitch", "vxlan") else "disabled",
        "priority": 32,
        "cost": 100 if dev.kind == "ether" and (dev.speed or 0) <= 1000 else 2,
        "hairpin": False,
        "guard": False,
        "root_block": False,
        "fastleave": False,
        "learning": dev.kind != "vxlan",
        "flood": True,
        "id": f"0x{0x8000 + number:x}",
        "no": f"0x{number:x}",
        "designated_port": 0x8000 + number,
        "designated_cost": 0,
        "bridge_id": bid,
        "root_id": bid,
        "hold_timer": 0.0,
        "message_age_timer": 0.0,
        "forward_delay_timer": 0.0,
        "topology_change_ack": 0,
        "config_pending": 0,
        "proxy_arp": False,
        "proxy_arp_wifi": False,
        "multicast_router": 1,
        "mcast_flood": True,
        "bcast_flood": True,
        "mcast_to_unicast": False,
        "neigh_suppress": dev.kind == "vxlan",
        "group_fwd_mask": "0",
        "group_fwd_mask_str": "0x0",
        "vlan_tunnel": False,
        "isolated": False,
        "locked": False,
        "mab": False,
    }


def _linkinfo(
    dev: Dev, rt: NodeRuntime, cluster: Cluster, node: Node, port_numbers: dict[str, int]
) -> dict[str, Any] | None:
    info: dict[str, Any] = {}
    if dev.kind == "bond":
        info = {"info_kind": "bond", "info_data": _bond_data(dev, cluster, node, rt)}
    elif dev.kind == "bridge":
        info = {"info_kind": "bridge", "info_data": _bridge_data(dev, rt, node)}
    elif dev.kind == "vlan":
        info = {
            "info_kind": "vlan",
            "info_data": {"protocol": dev.vlan_protocol, "id": dev.vlan_id, "flags": ["REORDER_HDR"]},
        }
    elif dev.kind == "veth":
        info = {"info_kind": "veth"}
    elif dev.kind == "tun":
        info = {
            "info_kind": "tun",
            "info_data": {
                "type": "tap",
                "pi": False,
                "vnet_hdr": True,
                "multi_queue": False,
                "persist": False,
            },
        }
    elif dev.kind == "openvswitch":
        info = {"info_kind": "openvswitch"}
    elif dev.kind == "vrf":
        info = {"info_kind": "vrf", "info_data": {"table": dev.info.get("table", 1001)}}
    elif dev.kind == "vxlan":
        data: dict[str, Any] = {"id": dev.info.get("id")}
        if dev.info.get("local"):
            data["local"] = dev.info["local"]
        data.update(
            port_range={"low": 0, "high": 0},
            port=4789,
            ttl=0,
            df="unset",
            ageing=300,
            external=False,
            learning=not dev.info.get("local"),
            proxy=False,
            rsc=False,
            l2miss=False,
            l3miss=False,
            udp_csum=True,
            udp_zero_csum6_tx=False,
            udp_zero_csum6_rx=False,
            remcsum_tx=False,
            remcsum_rx=False,
            localbypass=True,
        )
        info = {"info_kind": "vxlan", "info_data": data}
    if dev.master and dev.slave_kind == "bond":
        info.update(info_slave_kind="bond", info_slave_data=_bond_slave_data(dev, node, rt))
    elif dev.master and dev.slave_kind == "bridge" and dev.master in rt.devs:
        info.update(
            info_slave_kind="bridge",
            info_slave_data=_bridge_port_data(dev, rt, port_numbers.get(dev.name, 1)),
        )
    elif dev.master and dev.slave_kind == "openvswitch":
        info["info_slave_kind"] = "openvswitch"
    elif dev.master and dev.slave_kind == "vrf":
        info.update(
            info_slave_kind="vrf", info_slave_data={"table": rt.devs[dev.master].info.get("table", 1001)}
        )
    return info or None


def _max_mtu(dev: Dev) -> int:
    return {"loopback": 0, "ether": 9216, "tun": 65521, "vrf": 65575}.get(dev.kind, 65535)


def _head(dev: Dev, rt: NodeRuntime) -> dict[str, Any]:
    out: dict[str, Any] = {"ifindex": dev.ifindex}
    if dev.peer_in_container:
        out["link_index"] = 2
    elif dev.link and dev.link in rt.devs:
        out["link"] = dev.link
    out.update(ifname=dev.name, flags=_flags(dev, rt), mtu=dev.mtu, qdisc=_qdisc(dev))
    if dev.master:
        out["master"] = dev.master
    out.update(operstate=_operstate(dev, rt), linkmode="DEFAULT", group="default", txqlen=1000)
    loop = dev.kind == "loopback"
    out.update(
        link_type="loopback" if loop else "ether",
        address=dev.mac,
        broadcast="00:00:00:00:00:00" if loop else "ff:ff:ff:ff:ff:ff",
    )
    if dev.perm_mac and dev.perm_mac != dev.mac:
        out["permaddr"] = dev.perm_mac
    if dev.peer_in_container:
        out["link_netnsid"] = 0
    return out


def _port_numbers(rt: NodeRuntime) -> dict[str, int]:
    counters: dict[str, int] = {}
    out = {}
    for dev in rt.devs.values():
        if dev.master and dev.slave_kind == "bridge":
            counters[dev.master] = counters.get(dev.master, 0) + 1
            out[dev.name] = counters[dev.master]
    return out


def ip_link(cluster: Cluster, node: Node, rt: NodeRuntime) -> str:
    """`ip -j -d link`."""
    numbers = _port_numbers(rt)
    out = []
    for dev in rt.devs.values():
        d = _head(dev, rt)
        ports = dev.master is not None and dev.slave_kind in ("bridge", "openvswitch")
        d.update(
            promiscuity=1 if ports else 0,
            allmulti=1 if ports else 0,
            min_mtu=0 if dev.kind in ("loopback", "vlan") else 68,
            max_mtu=_max_mtu(dev),
        )
        info = _linkinfo(dev, rt, cluster, node, numbers)
        if info:
            d["linkinfo"] = info
        d.update(
            inet6_addr_gen_mode="eui64",
            num_tx_queues=8 if dev.kind == "ether" else 1,
            num_rx_queues=8 if dev.kind == "ether" else 1,
            gso_max_size=65536,
            gso_max_segs=65535,
            tso_max_size=65536,
            tso_max_segs=65535,
            gro_max_size=65536,
            gso_ipv4_max_size=65536,
            gro_ipv4_max_size=65536,
        )
        if dev.pci:
            d.update(parentbus="pci", parentdev=dev.pci)
        if dev.altnames:
            d["altnames"] = list(dev.altnames)
        out.append(d)
    return _dumps(out)


def _link_local(mac: str) -> str:
    b = [int(p, 16) for p in mac.split(":")]
    b[0] ^= 0x02
    eui = [*b[:3], 0xFF, 0xFE, *b[3:]]
    groups = [f"{(eui[i] << 8) | eui[i + 1]:x}" for i in range(0, 8, 2)]
    return str(ipaddress.IPv6Address("fe80::" + ":".join(groups)))


def ip_addr(rt: NodeRuntime) -> str:
    """`ip -j addr`."""
    out = []
    for dev in rt.devs.values():
        d = _head(dev, rt)
        infos: list[dict[str, Any]] = []
        if dev.kind == "loopback":
            infos.append(
                {
                    "family": "inet",
                    "local": "127.0.0.1",
                    "prefixlen": 8,
                    "scope": "host",
                    "label": "lo",
                    "valid_life_time": FOREVER,
                    "preferred_life_time": FOREVER,
                }
            )
            infos.append(
                {
                    "family": "inet6",
                    "local": "::1",
                    "prefixlen": 128,
                    "scope": "host",
                    "valid_life_time": FOREVER,
                    "preferred_life_time": FOREVER,
                }
            )
        else:
            for cidr in dev.addrs:
                iface = ipaddress.ip_interface(cidr)
                entry: dict[str, Any] = {
                    "family": "inet",
                    "local": str(iface.ip),
                    "prefixlen": iface.network.prefixlen,
                }
                if iface.network.prefixlen < 31:
                    entry["broadcast"] = str(iface.network.broadcast_address)
                entry.update(
                    scope="global", label=dev.name, valid_life_time=FOREVER, preferred_life_time=FOREVER
                )
                infos.append(entry)
            if dev.addrs and dev.admin_up:
                infos.append(
                    {
                        "family": "inet6",
                        "local": _link_local(dev.mac),
                        "prefixlen": 64,
                        "scope": "link",
                        "valid_life_time": FOREVER,
                        "preferred_life_time": FOREVER,
                    }
                )
        d["addr_info"] = infos
        out.append(d)
    return _dumps(out)


def bridge_vlan(rt: NodeRuntime) -> str:
    """`bridge -j vlan show`: Linux bridges and their ports, in ifindex order."""
    out = []
    for dev in rt.devs.values():
        is_port = dev.master and dev.slave_kind == "bridge" and dev.master in rt.devs
        if not (dev.kind == "bridge" or is_port) or not dev.bridge_vlans:
            continue
        vlans = []
        for vid, pvid, untagged in dev.bridge_vlans:
            entry: dict[str, Any] = {"vlan": vid}
            flags = (["PVID"] if pvid else []) + (["Egress Untagged"] if untagged else [])
            if flags:
                entry["flags"] = flags
            vlans.append(entry)
        out.append({"ifname": dev.name, "vlans": vlans})
    return _dumps(out)
