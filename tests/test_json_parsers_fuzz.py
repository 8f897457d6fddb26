"""Property tests for the JSON parsers (Proxmox API, iproute2, LLDP): whatever the input, a parser
returns a model or raises ParseError, nothing else; the model always serialises to JSON and parsing
is deterministic.

Three generators per kind: arbitrary text, arbitrary JSON values, and replies shaped like the real
thing (objects with the real key names and values of every JSON type), which reach deep paths.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netdoc.errors import ParseError
from netdoc.model.base import to_jsonable
from netdoc.parsers.kinds import get_kind

API_KINDS = [
    "api-network", "api-cluster-status", "api-cluster-nodes", "api-totem", "api-resources", "api-nodes",
    "api-storage", "api-sdn-zones", "api-sdn-vnets", "api-sdn-subnets", "api-sdn-controllers",
    "api-cluster-options", "api-dns", "api-hosts", "api-version",
]  # fmt: skip
IPROUTE2_KINDS = ["ip-link", "ip-addr", "bridge-vlan"]
LLDP_KINDS = ["lldp", "lldp-json0", "lldp-json", "lldp-keyvalue"]
ALL_KINDS = API_KINDS + IPROUTE2_KINDS + LLDP_KINDS

# A path in the snapshot shape, so node and vnet names are derived from it as in real use.
PATHS = {
    "api-network": "api/nodes/pve1/network.json",
    "api-sdn-subnets": "api/cluster/sdn/vnets/vnet1/subnets.json",
    "api-dns": "api/nodes/pve1/dns.json",
    "api-hosts": "api/nodes/pve1/hosts.json",
}

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SHAPED = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

INTERESTING = st.sampled_from(
    ["", " ", "0", "1", "4", "9", "24", "64", "yes", "no", "on", "off", "none", "true", "eno1", "eno1 eno2",
     "a,b;c", "192.0.2.1", "192.0.2.1/24", "2001:db8::1", "2001:db8::1/64", "255.255.255.0", "999.1.1.1",
     "lacp-balance-tcp", "lacp-balance-slb", "802.3ad", "tag=5 trunks=1,2,x lacp=active bond_mode=balance-slb",
     "vlan", "bridge", "bond", "OVSBond", "OVSBridge", "eth", "node", "cluster", "qemu/100", "/pool/p",
     "network/pve1/zone/z1", "storage/pve1/local", "zone1-192.0.2.0-24", "z-2001:db8::-64", "8000.0:a:b:c:d:e",
     "0 day, 00:00:01", "3 days, 01:02:03", "4294967295", "type=secure,network=192.0.2.0/24", "²", "٣",
     "start-address=192.0.2.1,end-address=192.0.2.9", "mac", "ifname", "local", "x" * 300]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 5000),
    st.integers(),
    st.floats(),
    st.text(max_size=10),
    INTERESTING,
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(st.one_of(INTERESTING, st.text(max_size=4)), SCALARS, max_size=3),
)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)

KEYS: dict[str, list[str]] = {
    "api-network": [
        "iface", "type", "method", "method6", "families", "priority", "active", "autostart", "exists", "address",
        "netmask", "cidr", "gateway", "address6", "netmask6", "cidr6", "gateway6", "comments", "comments6",
        "options", "options6", "mtu", "bridge_ports", "bridge_vlan_aware", "bridge_vids", "slaves", "bond_mode",
        "ovs_type", "ovs_bridge", "ovs_ports", "ovs_bonds", "ovs_tag", "ovs_options", "vlan-id",
        "vlan-raw-device", "vlan-protocol", "altnames", "bridge_stp", "bridge_fd", "vxlan-id", "link-type",
    ],
    "api-cluster-status": ["type", "id", "name", "nodes", "version", "quorate", "nodeid", "local", "online", "ip", "level"],
    "api-cluster-nodes": ["node", "name", "nodeid", "quorum_votes", "ring0_addr", "ring1_addr", "ring9_addr"],
    "api-totem": ["cluster_name", "config_version", "interface", "ip_version", "link_mode", "secauth", "version"],
    "api-resources": [
        "id", "type", "node", "name", "status", "vmid", "storage", "pool", "sdn", "network", "network-type",
        "zone-type", "content", "shared", "template", "tags", "cpu", "maxcpu", "mem", "maxmem", "uptime",
    ],
    "api-nodes": ["node", "status", "cpu", "maxcpu", "mem", "maxmem", "uptime", "level", "ssl_fingerprint", "id"],
    "api-storage": ["storage", "type", "content", "nodes", "shared", "disable", "server", "export", "portal", "monhost", "digest"],
    "api-sdn-zones": ["zone", "type", "bridge", "tag", "peers", "mtu", "exitnodes", "nodes", "state", "pending", "vrf-vxlan"],
    "api-sdn-vnets": ["vnet", "zone", "type", "tag", "alias", "vlanaware", "isolate-ports", "state", "pending"],
    "api-sdn-subnets": ["subnet", "id", "cidr", "network", "mask", "zone", "vnet", "gateway", "snat", "dhcp-range", "pending"],
    "api-sdn-controllers": ["controller", "type", "asn", "peers", "ebgp", "ebgp-multihop", "isis-ifaces", "pending"],
    "api-cluster-options": ["migration", "mac_prefix", "console", "keyboard", "description", "ha"],
    "api-dns": ["search", "dns1", "dns2", "dns3"],
    "api-hosts": ["data", "digest"],
    "api-version": ["version", "release", "repoid", "console"],
}  # fmt: skip
OBJECT_KINDS = {"api-totem", "api-cluster-options", "api-dns", "api-hosts", "api-version"}
LINK_KEYS = ["ifname", "ifindex", "flags", "mtu", "operstate", "link_type", "address", "master", "link",
             "link_index", "link_netnsid", "altnames", "ifalias", "addr_info"]  # fmt: skip
INFO_KEYS = ["mode", "miimon", "ad_info", "arp_ip_target", "id", "protocol", "flags", "bridge_id", "root_id",
             "vlan_filtering", "stp_state", "local", "remote6", "port", "link", "state", "hairpin",
             "ad_aggregator_id", "ad_actor_oper_port_state_str", "aggregator", "partner_mac"]  # fmt: skip
ADDR_KEYS = ["family", "local", "prefixlen", "scope", "label", "dynamic", "valid_life_time", "address"]


def parse(kind: str, text: str) -> object | None:
    """Parse, allowing only ParseError; check that the result serialises and is deterministic."""
    path = PATHS.get(kind, f"input-of-{kind}")
    parser = get_kind(kind).parser()
    try:
        model = parser({path: text}, path)
    except ParseError as exc:
        assert exc.one_line()
        return None
    json.dumps(to_jsonable(model))
    assert to_jsonable(parser({path: text}, path)) == to_jsonable(model)
    return model


@pytest.mark.parametrize("kind", ALL_KINDS)
@FUZZ
@given(text=st.text(max_size=200))
def test_arbitrary_text(kind: str, text: str) -> None:
    parse(kind, text)


@pytest.mark.parametrize("kind", ALL_KINDS)
@FUZZ
@given(value=JSON_VALUES)
def test_arbitrary_json(kind: str, value: Any) -> None:
    parse(kind, json.dumps(value))


def _wrap(data: Any, wrap: bool) -> str:
    return json.dumps({"data": data, "changes": "--- a\n"} if wrap else data)


@pytest.mark.parametrize("kind", API_KINDS)
@SHAPED
@given(data=st.data(), wrap=st.booleans())
def test_api_shaped_replies(kind: str, data: st.DataObject, wrap: bool) -> None:
    item = st.dictionaries(st.sampled_from(KEYS[kind]), VALUES, max_size=len(KEYS[kind]))
    value = data.draw(item if kind in OBJECT_KINDS else st.lists(st.one_of(item, SCALARS), max_size=5))
    parse(kind, _wrap(value, wrap))


@pytest.mark.parametrize("kind", IPROUTE2_KINDS)
@SHAPED
@given(data=st.data())
def test_iproute2_shaped_output(kind: str, data: st.DataObject) -> None:
    info = st.fixed_dictionaries(
        {},
        optional={
            "info_kind": st.one_of(st.sampled_from(["bond", "bridge", "vlan", "vxlan", "tun"]), SCALARS),
            "info_slave_kind": st.one_of(st.sampled_from(["bond", "bridge", "openvswitch"]), SCALARS),
            "info_data": st.one_of(st.dictionaries(st.sampled_from(INFO_KEYS), VALUES), SCALARS),
            "info_slave_data": st.one_of(st.dictionaries(st.sampled_from(INFO_KEYS), VALUES), SCALARS),
        },
    )
    addr = st.lists(st.one_of(st.dictionaries(st.sampled_from(ADDR_KEYS), VALUES), SCALARS), max_size=3)
    link = st.dictionaries(st.sampled_from(LINK_KEYS), VALUES).flatmap(
        lambda d: st.fixed_dictionaries({"linkinfo": info, "addr_info": addr}).map(
            lambda extra: {**d, **extra}
        )
    )
    vlan_entry = st.dictionaries(st.sampled_from(["vlan", "vlanEnd", "flags", "pvid", "untagged"]), VALUES)
    if kind == "bridge-vlan":
        ports = st.one_of(
            st.lists(
                st.fixed_dictionaries(
                    {"ifname": SCALARS, "vlans": st.one_of(st.lists(vlan_entry, max_size=3), VALUES)}
                )
            ),
            st.dictionaries(
                st.text(max_size=5), st.one_of(st.lists(vlan_entry, max_size=3), VALUES), max_size=3
            ),
        )
        parse(kind, json.dumps(data.draw(ports)))
    else:
        parse(kind, json.dumps(data.draw(st.lists(st.one_of(link, SCALARS), max_size=4))))


LLDP_LEAF = st.one_of(VALUES, st.lists(st.fixed_dictionaries({"value": SCALARS}), max_size=2))
LLDP_PART = st.dictionaries(
    st.sampled_from(
        ["id", "name", "descr", "mgmt-ip", "capability", "ttl", "mfs", "type", "value", "enabled"]
    ),
    st.one_of(
        LLDP_LEAF, st.dictionaries(st.sampled_from(["type", "value", "enabled"]), LLDP_LEAF, max_size=3)
    ),
    max_size=5,
)
LLDP_IFACE = st.dictionaries(
    st.sampled_from(["name", "via", "rid", "age", "chassis", "port", "vlan", "ppvid", "ttl"]),
    st.one_of(
        LLDP_LEAF,
        LLDP_PART,
        st.lists(LLDP_PART, max_size=2),
        st.dictionaries(st.text(max_size=4), LLDP_PART, max_size=2),
    ),
    max_size=8,
)
KV_KEYS = st.sampled_from(
    ["via", "rid", "age", "chassis.mac", "chassis.name", "chassis.descr", "chassis.ttl", "chassis.mgmt-ip",
     "chassis.Bridge.enabled", "port.ifname", "port.local", "port.descr", "port.ttl", "port.mfs", "vlan",
     "vlan.vlan-id", "vlan.pvid", "ppvid", "ppvid.enabled", "ttl.ttl", "lldp-med.device-type", "x"]
)  # fmt: skip


@pytest.mark.parametrize("kind", LLDP_KINDS)
@SHAPED
@given(data=st.data())
def test_lldp_shaped_output(kind: str, data: st.DataObject) -> None:
    if kind in ("lldp-keyvalue", "lldp") and data.draw(st.booleans()):
        lines = data.draw(
            st.lists(
                st.one_of(
                    st.tuples(
                        st.sampled_from(["eth0", "eno1.100", "eno2"]),
                        KV_KEYS,
                        st.one_of(INTERESTING, st.text(max_size=8)),
                    ).map(lambda t: f"lldp.{t[0]}.{t[1]}={t[2]}"),
                    st.text(max_size=20),
                ),
                max_size=12,
            )
        )
        parse(kind, "\n".join(lines))
        return
    ifaces = st.one_of(
        st.lists(LLDP_IFACE, max_size=3),
        LLDP_IFACE,
        st.dictionaries(st.text(max_size=5), LLDP_IFACE, max_size=3),
        st.lists(st.dictionaries(st.text(max_size=5), LLDP_IFACE, max_size=2), max_size=3),
    )
    top = st.one_of(
        st.lists(st.dictionaries(st.just("interface"), ifaces), max_size=2),  # json0
        st.dictionaries(st.just("interface"), ifaces),  # json
        SCALARS,
    )
    parse(kind, json.dumps({"lldp": data.draw(top)}))
