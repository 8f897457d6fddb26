"""Parse iproute2 JSON output (`ip -j -d link`, `ip -j addr`, `bridge -j vlan show`); pure, no I/O.

Kinds `ip-link`, `ip-addr` and `bridge-vlan`. The key inventory comes from iproute2's source
(reference/linux/iproute2/iproute2_json_keys_from_source.md); flags are booleans in recent versions
and 0/1 integers in older ones, both are read. Shapes in docs/parsers/iproute2.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from netdoc.errors import ParseError
from netdoc.model.base import SourceRef
from netdoc.model.iproute2 import (
    BridgeVlan,
    BridgeVlanPort,
    BridgeVlans,
    IpAddress,
    IpAddrInterface,
    IpAddrs,
    IpBond,
    IpBondSlave,
    IpBridge,
    IpBridgePort,
    IpLink,
    IpLinks,
    IpVlan,
    IpVxlan,
)
from netdoc.parsers.jsonvalues import Item, Warnings, as_int, entry_text, load_json, value_text

_FOREVER = 4294967295  # INFINITY_LIFE_TIME: printed as a number in JSON
_HEX_RE = re.compile(r"^[0-9a-fA-F]{1,2}$")


def _array(files: Mapping[str, str], path: str, source: str) -> list[Any]:
    data = load_json(entry_text(files, path, source), path, source)
    if not isinstance(data, list):
        raise ParseError("expected a JSON array (the output of `-j`)", source=source, path=path)
    return data


def _entries(data: list[Any], warnings: Warnings) -> list[tuple[int, Item, str]]:
    out = []
    for index, raw in enumerate(data):
        name = raw.get("ifname") if isinstance(raw, dict) else None
        if not isinstance(raw, dict) or not isinstance(name, str) or not name:
            warnings.add(index + 1, f"entry {index + 1} is not an object with an ifname; skipped")
            continue
        item = Item(raw, warnings.at(index + 1, f"{name}: "), bools="json")
        item.used.add("ifname")
        out.append((index, item, name))
    return out


def mac_padded(text: str | None) -> str | None:
    """`0:a0:85:0:3:0` (how iproute2 prints bridge ids) -> `00:a0:85:00:03:00`; None if not a MAC."""
    if not text:
        return None
    parts = text.split(":")
    if len(parts) != 6 or not all(_HEX_RE.match(p) for p in parts):
        return None
    return ":".join(p.lower().rjust(2, "0") for p in parts)


def _id_mac(bridge_id: str | None) -> str | None:
    """`8000.0:a0:85:0:3:0` -> the MAC part, zero-padded."""
    if not bridge_id or "." not in bridge_id:
        return None
    return mac_padded(bridge_id.split(".", 1)[1])


# ------------------------------------------------------------------------------- ip -j -d link


def parse_ip_link(files: Mapping[str, str], path: str) -> IpLinks:
    warnings = Warnings(path)
    links = []
    for index, item, name in _entries(_array(files, path, "ip-link"), warnings):
        links.append(_link(item, name, SourceRef(path, index + 1)))
    return IpLinks(path, tuple(links), warnings.freeze())


def _sub(item: Item, key: str) -> Item | None:
    raw = item.raw(key)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        item.warn(f"{key}: expected an object; ignored")
        return None
    return Item(raw, item.warn, bools="json")


def _link(item: Item, name: str, ref: SourceRef) -> IpLink:
    flags = item.strings("flags")
    info = _sub(item, "linkinfo")
    kind = slave_kind = None
    data = slave = None
    if info is not None:
        kind, slave_kind = info.text("info_kind"), info.text("info_slave_kind")
        data, slave = _sub(info, "info_data"), _sub(info, "info_slave_data")
    return IpLink(
        ifname=name,
        ifindex=item.integer("ifindex"),
        flags=flags,
        admin_up="UP" in flags,
        lower_up="LOWER_UP" in flags,
        mtu=item.integer("mtu"),
        operstate=item.text("operstate"),
        link_type=item.text("link_type"),
        address=item.text("address"),
        broadcast=item.text("broadcast"),
        permaddr=item.text("permaddr"),
        master=item.text("master"),
        link=item.text("link"),
        link_index=item.integer("link_index"),
        link_netnsid=item.integer("link_netnsid"),
        altnames=item.strings("altnames"),
        ifalias=item.text("ifalias"),
        parentbus=item.text("parentbus"),
        parentdev=item.text("parentdev"),
        promiscuity=item.integer("promiscuity"),
        min_mtu=item.integer("min_mtu"),
        max_mtu=item.integer("max_mtu"),
        kind=kind,
        slave_kind=slave_kind,
        bond=_bond(data) if data is not None and kind == "bond" else None,
        bond_slave=_bond_slave(slave) if slave is not None and slave_kind == "bond" else None,
        bridge=_bridge(data) if data is not None and kind == "bridge" else None,
        bridge_port=_bridge_port(slave) if slave is not None and slave_kind == "bridge" else None,
        vlan=_vlan(data) if data is not None and kind == "vlan" else None,
        vxlan=_vxlan(data) if data is not None and kind == "vxlan" else None,
        info_data=data.props() if data is not None else (),
        info_slave_data=slave.props() if slave is not None else (),
        source=ref,
    )


def _bond(d: Item) -> IpBond:
    ad = _sub(d, "ad_info") or Item({}, d.warn)
    return IpBond(
        mode=d.text("mode"),
        miimon_ms=d.integer("miimon"),
        updelay_ms=d.integer("updelay"),
        downdelay_ms=d.integer("downdelay"),
        peer_notify_delay_ms=d.integer("peer_notify_delay"),
        use_carrier=d.boolean("use_carrier"),
        arp_interval_ms=d.integer("arp_interval"),
        arp_ip_targets=d.words("arp_ip_target"),
        arp_validate=d.text("arp_validate"),
        arp_all_targets=d.text("arp_all_targets"),
        primary=d.text("primary"),
        primary_reselect=d.text("primary_reselect"),
        active_slave=d.text("active_slave"),
        fail_over_mac=d.text("fail_over_mac"),
        xmit_hash_policy=d.text("xmit_hash_policy"),
        min_links=d.integer("min_links"),
        ad_lacp_rate=d.text("ad_lacp_rate"),
        ad_lacp_active=d.text("ad_lacp_active"),
        ad_select=d.text("ad_select"),
        ad_actor_sys_prio=d.integer("ad_actor_sys_prio"),
        ad_user_port_key=d.integer("ad_user_port_key"),
        ad_actor_system=d.text("ad_actor_system"),
        ad_aggregator=ad.integer("aggregator"),
        ad_num_ports=ad.integer("num_ports"),
        ad_actor_key=ad.integer("actor_key"),
        ad_partner_key=ad.integer("partner_key"),
        ad_partner_mac=ad.text("partner_mac"),
    )


def _bond_slave(d: Item) -> IpBondSlave:
    return IpBondSlave(
        state=d.text("state"),
        mii_status=d.text("mii_status"),
        link_failure_count=d.integer("link_failure_count"),
        perm_hwaddr=d.text("perm_hwaddr"),
        queue_id=d.integer("queue_id"),
        prio=d.integer("prio"),
        ad_aggregator_id=d.integer("ad_aggregator_id"),
        ad_actor_oper_port_state=d.integer("ad_actor_oper_port_state"),
        ad_actor_oper_port_state_str=d.words("ad_actor_oper_port_state_str"),
        ad_partner_oper_port_state=d.integer("ad_partner_oper_port_state"),
        ad_partner_oper_port_state_str=d.words("ad_partner_oper_port_state_str"),
        churn_actor_state=d.text("churn_actor_state"),
        churn_partner_state=d.text("churn_partner_state"),
    )


def _bridge(d: Item) -> IpBridge:
    bridge_id, root_id = d.text("bridge_id"), d.text("root_id")
    return IpBridge(
        stp_state=d.integer("stp_state"),
        vlan_filtering=d.boolean("vlan_filtering"),
        vlan_protocol=d.text("vlan_protocol"),
        vlan_default_pvid=d.integer("vlan_default_pvid"),
        priority=d.integer("priority"),
        bridge_id=bridge_id,
        bridge_mac=_id_mac(bridge_id),
        root_id=root_id,
        root_mac=_id_mac(root_id),
        root_port=d.integer("root_port"),
        root_path_cost=d.integer("root_path_cost"),
        forward_delay_cs=d.integer("forward_delay"),
        hello_time_cs=d.integer("hello_time"),
        max_age_cs=d.integer("max_age"),
        ageing_time_cs=d.integer("ageing_time"),
        mcast_snooping=d.boolean("mcast_snooping"),
    )


def _bridge_port(d: Item) -> IpBridgePort:
    return IpBridgePort(
        state=d.text("state"),
        priority=d.integer("priority"),
        cost=d.integer("cost"),
        port_id=d.text("id"),
        port_no=d.text("no"),
        designated_port=d.integer("designated_port"),
        designated_cost=d.integer("designated_cost"),
        bridge_id=d.text("bridge_id"),
        root_id=d.text("root_id"),
        hairpin=d.boolean("hairpin"),
        guard=d.boolean("guard"),
        root_block=d.boolean("root_block"),
        fastleave=d.boolean("fastleave"),
        learning=d.boolean("learning"),
        flood=d.boolean("flood"),
        mcast_flood=d.boolean("mcast_flood"),
        bcast_flood=d.boolean("bcast_flood"),
        proxy_arp=d.boolean("proxy_arp"),
        neigh_suppress=d.boolean("neigh_suppress"),
        vlan_tunnel=d.boolean("vlan_tunnel"),
        isolated=d.boolean("isolated"),
    )


def _vlan(d: Item) -> IpVlan:
    return IpVlan(protocol=d.text("protocol"), id=d.integer("id"), flags=d.words("flags"))


def _vxlan(d: Item) -> IpVxlan:
    return IpVxlan(
        id=d.integer("id"),
        local=d.text("local") or d.text("local6"),
        remote=d.text("remote") or d.text("remote6"),
        group=d.text("group") or d.text("group6"),
        port=d.integer("port"),
        dev=d.text("link"),
        ttl=d.integer("ttl"),
        learning=d.boolean("learning"),
        external=d.boolean("external"),
    )


# ------------------------------------------------------------------------------- ip -j addr


def parse_ip_addr(files: Mapping[str, str], path: str) -> IpAddrs:
    warnings = Warnings(path)
    out = []
    for index, item, name in _entries(_array(files, path, "ip-addr"), warnings):
        addresses = []
        raw = item.raw("addr_info")
        if raw is not None and not isinstance(raw, list):
            item.warn("addr_info: expected an array; ignored")
            raw = []
        for number, entry in enumerate(raw or [], start=1):
            address = _address(entry, item.warn, number)
            if address is not None:
                addresses.append(address)
        out.append(
            IpAddrInterface(
                ifname=name,
                ifindex=item.integer("ifindex"),
                flags=item.strings("flags"),
                mtu=item.integer("mtu"),
                operstate=item.text("operstate"),
                link_type=item.text("link_type"),
                address=item.text("address"),
                master=item.text("master"),
                addresses=tuple(addresses),
                source=SourceRef(path, index + 1),
            )
        )
    return IpAddrs(path, tuple(out), warnings.freeze())


def _address(entry: Any, warn: Callable[[str], None], number: int) -> IpAddress | None:
    if not isinstance(entry, dict):
        warn(f"addr_info[{number}]: not an object; skipped")
        return None
    a = Item(entry, lambda m: warn(f"addr_info[{number}]: {m}"), bools="json")
    local, family = a.text("local"), a.text("family")
    if not local or not family:
        # `ip -j addr` prints stubs such as {} for deleted addresses: nothing to keep
        if entry:
            warn(f"addr_info[{number}]: no local address or family; skipped")
        return None
    prefixlen = a.integer("prefixlen")
    return IpAddress(
        family=family,
        local=local,
        prefixlen=prefixlen,
        cidr=f"{local}/{prefixlen}" if prefixlen is not None else None,
        peer=a.text("address"),
        broadcast=a.text("broadcast"),
        scope=a.text("scope"),
        label=a.text("label"),
        dynamic=a.flag("dynamic"),
        secondary=a.flag("secondary"),
        tentative=a.flag("tentative"),
        deprecated=a.flag("deprecated"),
        dadfailed=a.flag("dadfailed"),
        noprefixroute=a.flag("noprefixroute"),
        mngtmpaddr=a.flag("mngtmpaddr"),
        temporary=a.flag("temporary"),
        metric=a.integer("metric"),
        protocol=a.text("protocol"),
        valid_life_time_s=_lifetime(a.raw("valid_life_time")),
        preferred_life_time_s=_lifetime(a.raw("preferred_life_time")),
    )


def _lifetime(value: Any) -> int | None:
    seconds = as_int(value)
    return None if seconds is None or seconds >= _FOREVER else seconds


# ------------------------------------------------------------------------------- bridge -j vlan show


def parse_bridge_vlan(files: Mapping[str, str], path: str) -> BridgeVlans:
    """Both shapes: `[{"ifname", "vlans": [...]}]` (>= 4.19) and `{"<ifname>": [...]}` (4.9 .. 4.18)."""
    source = "bridge-vlan"
    data = load_json(entry_text(files, path, source), path, source)
    warnings = Warnings(path)
    ports: list[BridgeVlanPort] = []
    if isinstance(data, list):
        shape = "list"
        for index, raw in enumerate(data):
            if not isinstance(raw, dict) or not isinstance(raw.get("ifname"), str) or not raw["ifname"]:
                warnings.add(index + 1, f"entry {index + 1} is not an object with an ifname; skipped")
                continue
            name = raw["ifname"]
            ports.append(_vlan_port(name, raw.get("vlans"), SourceRef(path, index + 1), warnings, index + 1))
    elif isinstance(data, dict):
        shape = "by-ifname"
        for index, (name, vlans) in enumerate(data.items()):
            ports.append(_vlan_port(str(name), vlans, SourceRef(path, index + 1), warnings, index + 1))
    else:
        raise ParseError("expected a JSON array or object", source=source, path=path)
    return BridgeVlans(path, shape, tuple(ports), warnings.freeze())


def _vlan_port(name: str, raw: Any, ref: SourceRef, warnings: Warnings, line: int) -> BridgeVlanPort:
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        warnings.add(line, f"{name}: vlans is not an array; ignored")
        raw = []
    vlans = []
    for entry in raw:
        if not isinstance(entry, dict):
            warnings.add(line, f"{name}: vlan entry {value_text(entry)[:40]!r} is not an object; skipped")
            continue
        vid = as_int(entry.get("vlan"))
        if vid is None:
            warnings.add(line, f"{name}: vlan entry without a VLAN number; skipped")
            continue
        flags_raw = entry.get("flags")
        flags = tuple(str(f) for f in flags_raw) if isinstance(flags_raw, list) else ()
        # iproute2 4.18 printed one key per flag ("pvid": null, "untagged": null) instead of `flags`
        pvid = "PVID" in flags or ("pvid" in entry and entry["pvid"] is not False)
        untagged = "Egress Untagged" in flags or ("untagged" in entry and entry["untagged"] is not False)
        vlans.append(
            BridgeVlan(
                vid=vid,
                vid_end=as_int(entry.get("vlanEnd")),
                pvid=pvid,
                untagged=untagged,
                flags=flags,
            )
        )
    return BridgeVlanPort(name, tuple(vlans), ref)
