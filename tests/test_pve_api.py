"""Proxmox API reply parsers: golden folders (tests/fixtures/pve_api/<case>/api/...) and edge cases.

Each case folder holds API replies at their snapshot paths (api/<API path>.json); the kind comes
from the API path, and expected.json maps each file to its kind and parsed model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netdoc.errors import ParseError
from netdoc.model.base import to_jsonable
from netdoc.model.corosync import CorosyncNode
from netdoc.model.hosts import HostsFile
from netdoc.model.interfaces import InterfaceKind
from netdoc.parsers.datacenter import parse_datacenter_text
from netdoc.parsers.hosts import parse_hosts_text
from netdoc.parsers.kinds import get_kind
from netdoc.parsers.pve_api import api_path_of, kind_for_api_path, parse_api_network
from netdoc.parsers.pve_api_cluster import (
    parse_api_cluster_nodes,
    parse_api_cluster_options,
    parse_api_cluster_status,
    parse_api_hosts,
    parse_api_resources,
    parse_api_totem,
)
from netdoc.parsers.pve_api_sdn import parse_api_sdn_subnets, parse_api_sdn_zones, parse_api_storage
from netdoc.parsers.sdn import parse_sdn_cfg_text
from netdoc.parsers.storage import parse_storage_text
from tests.golden import case_params, check_golden


def parse_case_file(case: Path, rel: str) -> tuple[str, object]:
    api_path = api_path_of(rel)
    assert api_path, rel
    kind = kind_for_api_path(api_path)
    assert kind, f"no kind for {api_path} ({case.name}/{rel})"
    text = (case / rel).read_text(encoding="utf-8")
    return kind, get_kind(kind).parser()({rel: text}, rel)


@pytest.mark.parametrize("case", case_params("pve_api"))
def test_golden(case: Path, update_golden: bool) -> None:
    rels = sorted(p.relative_to(case).as_posix() for p in (case / "api").rglob("*.json"))
    assert rels, f"{case} has no api/*.json input"
    actual = {}
    for rel in rels:
        kind, model = parse_case_file(case, rel)
        actual[rel] = {"kind": kind, "model": to_jsonable(model)}
    check_golden(case / "expected.json", actual, update_golden)


def net(text: str, path: str = "api/nodes/pve1/network.json"):  # type: ignore[no-untyped-def]
    return parse_api_network({path: text}, path)


# ------------------------------------------------------------------------------- paths and envelope


@pytest.mark.parametrize(
    ("path", "api_path"),
    [
        ("api/nodes/pve1/network.json", "/nodes/pve1/network"),
        ("/srv/snaps/2024/api/cluster/status.json", "/cluster/status"),
        ("/srv/api/snap/api/storage.json", "/storage"),
        ("api:/nodes/pve1/dns", "/nodes/pve1/dns"),
        ("network.json", None),
    ],
)
def test_api_path_of(path: str, api_path: str | None) -> None:
    assert api_path_of(path) == api_path


def test_kind_for_every_endpoint_family() -> None:
    assert kind_for_api_path("/nodes/pve1/network/vmbr0") == "api-network"
    assert kind_for_api_path("/cluster/sdn/vnets/v1/subnets") == "api-sdn-subnets"
    assert kind_for_api_path("/nodes/pve1/version") == "api-version"
    assert kind_for_api_path("/cluster/resources?type=vm") == "api-resources"
    assert kind_for_api_path("/nodes/pve1/qemu/100/config") is None


def test_wrapper_and_bare_data_give_the_same_model() -> None:
    items = [{"iface": "eno1", "type": "eth", "exists": 1, "families": ["inet"], "method": "manual"}]
    bare = net(json.dumps(items))
    wrapped = net(json.dumps({"data": items}))
    assert to_jsonable(bare) == to_jsonable(wrapped)
    assert bare.changes is None


def test_pending_changes_kept_verbatim() -> None:
    diff = "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n"
    model = net(json.dumps({"data": [], "changes": diff}))
    assert model.changes == diff


def test_error_reply_is_a_parse_error_with_the_message() -> None:
    body = {
        "data": None,
        "errors": {"iface": "interface does not exist\n"},
        "message": "Parameter verification failed.\n",
    }
    with pytest.raises(ParseError, match="Parameter verification failed"):
        net(json.dumps(body))


@pytest.mark.parametrize("text", ["", "{", '"a string"', "42", '{"unrelated": 1}'])
def test_not_a_network_reply(text: str) -> None:
    with pytest.raises(ParseError):
        net(text)


def test_missing_input_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no such input"):
        parse_api_network({}, "api/nodes/pve1/network.json")


# ------------------------------------------------------------------------------- network semantics


def test_runtime_flags_stay_out_of_the_configuration() -> None:
    model = net(
        json.dumps(
            [
                {"iface": "nic0", "type": "eth", "active": 1, "exists": 1, "altnames": ["enp2s1"]},
                {"iface": "nic1", "type": "eth"},
                {"iface": "nic2", "type": "eth", "active": 0, "exists": "0"},
            ]
        )
    )
    states = {s.name: s for s in model.states}
    assert (states["nic0"].active, states["nic0"].exists, states["nic0"].altnames) == (
        True,
        True,
        ("enp2s1",),
    )
    assert (states["nic1"].active, states["nic1"].exists) == (False, False)  # absent means false
    assert (states["nic2"].active, states["nic2"].exists) == (False, False)
    # nothing runtime leaks into the configured interface (as options or otherwise)
    for iface in model.config.interfaces:
        assert not {o.spelled for o in iface.options} & {"active", "exists", "altnames", "priority"}


def test_order_follows_priority_and_evidence_is_the_item_index() -> None:
    model = net(
        json.dumps(
            [{"iface": "b", "type": "eth", "priority": 5}, {"iface": "a", "type": "eth", "priority": "3"}]
        )
    )
    assert [i.name for i in model.config.interfaces] == ["a", "b"]
    assert model.config.get("a").source.line == 2  # type: ignore[union-attr]
    assert model.config.get("a").source.path == "api:/nodes/pve1/network"  # type: ignore[union-attr]
    assert model.node == "pve1"


def test_method6_only_for_declared_families() -> None:
    model = net(
        json.dumps(
            [{"iface": "v", "type": "bridge", "families": ["inet"], "method": "static", "method6": "manual"}]
        )
    )
    iface = model.config.interfaces[0]
    assert (iface.method, iface.method6) == ("static", None)
    assert [(s.family, s.method) for s in iface.stanzas] == [("inet", "static")]


def test_addresses_from_cidr_netmask_and_dotted_mask() -> None:
    model = net(
        json.dumps(
            [
                {
                    "iface": "a",
                    "type": "bridge",
                    "address": "192.0.2.1",
                    "netmask": "24",
                    "cidr": "192.0.2.1/24",
                },
                {"iface": "b", "type": "bridge", "address": "192.0.2.2", "netmask": "255.255.255.128"},
                {"iface": "c", "type": "bridge", "address": "192.0.2.3"},
                {
                    "iface": "d",
                    "type": "bridge",
                    "address6": "2001:db8::1",
                    "netmask6": 64,
                    "gateway6": "2001:db8::ff",
                },
            ]
        )
    )
    got = {i.name: [(a.cidr, a.family, a.prefix_given) for a in i.addresses] for i in model.config.interfaces}
    assert got == {
        "a": [("192.0.2.1/24", "inet", True)],
        "b": [("192.0.2.2/25", "inet", True)],
        "c": [("192.0.2.3/32", "inet", False)],
        "d": [("2001:db8::1/64", "inet6", True)],
    }
    assert model.config.get("d").gateway6 == "2001:db8::ff"  # type: ignore[union-attr]


def test_ovs_bond_lacp_modes_and_numeric_bond_mode() -> None:
    model = net(
        json.dumps(
            [
                {
                    "iface": "bond0",
                    "type": "OVSBond",
                    "bond_mode": "lacp-balance-tcp",
                    "ovs_bonds": "eno1 eno2",
                },
                {"iface": "bond1", "type": "OVSBond", "bond_mode": "lacp-balance-slb", "ovs_bonds": "eno3"},
                {"iface": "bond2", "type": "OVSBond", "bond_mode": "active-backup"},
                {"iface": "bond3", "type": "bond", "bond_mode": "4", "slaves": "eno5 eno6"},
            ]
        )
    )
    got = {i.name: (i.kind, i.bond_mode, i.ovs_lacp, i.members) for i in model.config.interfaces}
    assert got["bond0"] == (InterfaceKind.OVS_BOND, "balance-tcp", "active", ("eno1", "eno2"))
    assert got["bond1"] == (InterfaceKind.OVS_BOND, "balance-slb", "active", ("eno3",))
    assert got["bond2"] == (InterfaceKind.OVS_BOND, "active-backup", None, ())
    assert got["bond3"] == (InterfaceKind.BOND, "802.3ad", None, ("eno5", "eno6"))
    # the API's own spelling stays visible in the options
    assert ("bond-mode", "lacp-balance-tcp") in [(o.name, o.value) for o in model.config.get("bond0").options]  # type: ignore[union-attr]


def test_vlan_from_name_or_keys() -> None:
    model = net(
        json.dumps(
            [
                {"iface": "bond0.30", "type": "vlan"},
                {"iface": "vlan40", "type": "vlan", "vlan-id": "40", "vlan-raw-device": "eno1"},
                {"iface": "vlan7", "type": "vlan"},
            ]
        )
    )
    got = {i.name: (i.vlan_id, i.vlan_raw_device) for i in model.config.interfaces}
    assert got == {"bond0.30": (30, "bond0"), "vlan40": (40, "eno1"), "vlan7": (7, None)}


def test_types_outside_the_enum_keep_their_api_type() -> None:
    model = net(
        json.dumps(
            [
                {"iface": n, "type": t}
                for n, t in [("x", "vxlan"), ("d", "dummy"), ("f", "fabric"), ("v", "vnet"), ("u", "unknown")]
            ]
        )
    )
    kinds = {i.name: i.kind for i in model.config.interfaces}
    assert kinds == {
        "x": InterfaceKind.VXLAN,
        "d": InterfaceKind.DUMMY,
        "f": InterfaceKind.UNKNOWN,
        "v": InterfaceKind.BRIDGE,
        "u": InterfaceKind.UNKNOWN,
    }
    assert {s.name: s.api_type for s in model.states} == {
        "x": "vxlan",
        "d": "dummy",
        "f": "fabric",
        "v": "vnet",
        "u": "unknown",
    }


def test_unknown_types_get_the_kind_their_name_or_options_declare() -> None:
    """Proxmox reports VRFs, veths, macvlans and `lo:ospf` as `unknown` (and an SDN fabric's dummy as
    `fabric`): the kind comes from the name and options, as the ifupdown parser reads them."""
    items = [
        {"iface": "lo:ospf", "type": "unknown", "cidr": "198.51.100.1/32"},
        {"iface": "mgmt", "type": "unknown", "options": ["vrf-table auto"]},
        {"iface": "eno1", "type": "eth", "options": ["vrf mgmt"]},
        {"iface": "eno2", "type": "eth", "options": ["vrf gone"]},
        {"iface": "ln_a", "type": "unknown", "link-type": "veth", "options": ["veth-peer-name pr_a"]},
        {"iface": "dummy_f", "type": "fabric", "link-type": "dummy"},
        {"iface": "f2", "type": "fabric"},
        {"iface": "mv0", "type": "unknown", "options": ["macvlan-physdev eno1"]},
        {"iface": "vx", "type": "vxlan", "vxlan-id": 5, "vxlan-physdev": "eno2"},
        {"iface": "eno1.7", "type": "vlan"},
        {"iface": "wg0", "type": "unknown", "options": ["pre-up wg-quick up wg0"]},
    ]
    got = {
        i.name: (i.kind.value, i.parent, i.peer, i.vrf, i.vrf_table, i.members)
        for i in net(json.dumps(items)).config.interfaces
    }
    assert got == {
        "lo:ospf": ("alias", "lo", None, None, None, ()),
        "mgmt": ("vrf", None, None, None, "auto", ("eno1",)),
        "eno1": ("physical", None, None, "mgmt", None, ()),
        "eno2": ("physical", None, None, "gone", None, ()),
        "ln_a": ("veth", None, "pr_a", None, None, ()),
        "dummy_f": ("dummy", None, None, None, None, ()),
        "f2": ("unknown", None, None, None, None, ()),
        "mv0": ("macvlan", "eno1", None, None, None, ()),
        "vx": ("vxlan", "eno2", None, None, None, ()),
        "eno1.7": ("vlan", "eno1", None, None, None, ()),
        "wg0": ("unknown", None, None, None, None, ()),
    }


def test_options_hooks_and_comments() -> None:
    item = {
        "iface": "vmbr0",
        "type": "bridge",
        "comments": "first\nsecond\n",
        "options": ["post-up ip route add 203.0.113.0/24 via 192.0.2.254", "dns-search example.com"],
        "options6": ["up ip -6 route add default via 2001:db8::1"],
    }
    iface = net(json.dumps([item])).config.interfaces[0]
    assert [c.text for c in iface.comments] == ["first", "second"]
    assert [(h.name, h.family) for h in iface.hooks] == [("post-up", "inet"), ("up", "inet6")]
    assert ("dns-search", "example.com", "inet") in [(o.name, o.value, o.family) for o in iface.options]


def test_bad_values_become_warnings_not_errors() -> None:
    model = net(
        json.dumps(
            [{"iface": "b", "type": "bond", "mtu": "jumbo", "cidr": "999.0.0.1/24"}, 7, {"type": "eth"}]
        )
    )
    messages = [w.message for w in model.warnings]
    assert any("mtu" in m for m in messages)
    assert any("not an IP address" in m for m in messages)
    assert any("not an object" in m for m in messages)
    assert any("no `iface`" in m for m in messages)
    assert [i.name for i in model.config.interfaces] == ["b"]
    assert model.config.interfaces[0].mtu is None


# ------------------------------------------------------------------------------- other endpoints


def test_standalone_node_has_no_cluster_entry() -> None:
    text = json.dumps(
        [{"type": "node", "name": "pve", "nodeid": 0, "local": 1, "online": 1, "ip": "192.0.2.2"}]
    )
    status = parse_api_cluster_status({"api/cluster/status.json": text}, "api/cluster/status.json")
    assert status.standalone and status.cluster is None
    assert [(n.name, n.nodeid, n.local, n.online) for n in status.nodes] == [("pve", 0, True, True)]


def test_resource_ids_give_ident_and_node() -> None:
    items = [
        {"id": "storage/pve1/nfs-data", "type": "storage"},
        {"id": "/pool/prod", "type": "pool"},
        {"id": "network/pve1/fabric/fab1", "type": "network"},
        {"id": "sdn/pve2/zone1", "type": "sdn"},
        {"id": "qemu/100", "type": "qemu", "vmid": "100", "template": ""},
    ]
    model = parse_api_resources({"r.json": json.dumps(items)}, "r.json")
    got = [(r.type, r.ident, r.node, r.network_type) for r in model.resources]
    assert got == [
        ("storage", "nfs-data", "pve1", None),
        ("pool", "prod", None, None),
        ("network", "fab1", "pve1", "fabric"),
        ("sdn", "zone1", "pve2", None),
        ("qemu", "100", None, None),
    ]
    assert model.resources[-1].template is False


def test_hosts_entries_point_into_the_embedded_text() -> None:
    data = {
        "digest": "x",
        "data": "# comment\n127.0.0.1 localhost\n\n192.0.2.9 pve9.example.com pve9 # note\nbogus\n",
    }
    reply = parse_api_hosts({"api/nodes/pve9/hosts.json": json.dumps(data)}, "api/nodes/pve9/hosts.json")
    assert isinstance(reply.hosts, HostsFile)  # the /etc/hosts model, as from the file
    entries = reply.hosts.entries
    assert [(e.address, e.names, e.source.line) for e in entries] == [  # type: ignore[union-attr]
        ("127.0.0.1", ("localhost",), 2),
        ("192.0.2.9", ("pve9.example.com", "pve9"), 4),
        ("bogus", (), 5),
    ]
    assert entries[0].source.path == "api:/nodes/pve9/hosts#data"  # type: ignore[union-attr]
    assert (reply.node, reply.digest, entries[1].comment, len(reply.warnings)) == ("pve9", "x", "note", 2)


def test_hosts_reply_wrapped_or_bare() -> None:
    inner = {"data": "192.0.2.1 a\n", "digest": "d"}
    for text in (json.dumps(inner), json.dumps({"data": inner})):
        assert parse_api_hosts({"h.json": text}, "h.json").hosts.entries[0].names == ("a",)


def test_api_and_file_give_the_same_hosts_model() -> None:
    text = "127.0.0.1 localhost\n192.0.2.9 pve9.example.com pve9 # note\n"
    from_api = parse_api_hosts({"x": json.dumps({"data": text})}, "x").hosts
    assert from_api == parse_hosts_text(text, "x#data")


def test_migration_network_from_object_or_text() -> None:
    for value in (
        {"type": "secure", "network": "198.51.100.0/24"},
        "type=secure,network=198.51.100.0/24",
        "secure,network=198.51.100.0/24",
    ):
        opts = parse_api_cluster_options({"o.json": json.dumps({"migration": value})}, "o.json")
        assert (opts.migration_type, opts.migration_network) == ("secure", "198.51.100.0/24")


def test_datacenter_from_api_equals_the_file_parse() -> None:
    api = {
        "migration": {"type": "secure", "network": "198.51.100.0/24"},
        "keyboard": "de",
        "mac_prefix": "BC:24:11",
    }
    file_text = "keyboard: de\nmac_prefix: BC:24:11\nmigration: type=secure,network=198.51.100.0/24\n"
    from_api = parse_api_cluster_options({"o.json": json.dumps(api)}, "o.json")
    from_file = parse_datacenter_text(file_text, "datacenter.cfg")
    fields = ("migration_type", "migration_network", "mac_prefix", "keyboard")
    assert [getattr(from_api, f) for f in fields] == [getattr(from_file, f) for f in fields]
    assert [(o.key, o.value) for o in from_api.options] == [(o.key, o.value) for o in from_file.options]


def test_secrets_are_redacted_like_the_file_parsers_do() -> None:
    api = {"http_proxy": "http://user:hunter2@proxy.example.com:3128", "keyboard": "de"}
    opts = parse_api_cluster_options({"o.json": json.dumps(api)}, "o.json")
    assert "hunter2" not in json.dumps(to_jsonable(opts))
    storage = [
        {"storage": "cifs1", "type": "cifs", "server": "192.0.2.4", "share": "s", "password": "hunter2"}
    ]
    model = parse_api_storage({"s.json": json.dumps(storage)}, "s.json")
    assert "hunter2" not in json.dumps(to_jsonable(model))
    assert [o.redacted for o in model.config.storages[0].options if o.key == "password"] == [True]


def test_subnet_cidr_and_vnet_derived_from_id_and_path() -> None:
    path = "api/cluster/sdn/vnets/vnet9/subnets.json"
    model = parse_api_sdn_subnets(
        {path: json.dumps([{"subnet": "zone9-2001:db8::-64", "type": "subnet"}])}, path
    )
    subnet = model.config.subnets[0]
    assert (subnet.cidr, subnet.zone, subnet.vnet, model.vnet) == ("2001:db8::/64", "zone9", "vnet9", "vnet9")
    assert model.config.origin == "api"


def test_sdn_pending_state_kept_beside_the_section() -> None:
    items = [
        {
            "zone": "q1",
            "type": "qinq",
            "bridge": "vmbr0",
            "tag": 100,
            "state": "changed",
            "pending": {"tag": 200},
            "digest": "d",
        }
    ]
    model = parse_api_sdn_zones({"z.json": json.dumps(items)}, "z.json")
    assert model.config.zones[0].tag == 100  # the applied value
    assert [(s.id, s.state, s.pending, s.digest) for s in model.states] == [
        ("q1", "changed", (("tag", "200"),), "d")
    ]
    assert {o.key for o in model.config.zones[0].options} == {"bridge", "tag"}


def test_storage_options_mirror_the_section() -> None:
    items = [
        {
            "storage": "nfs1",
            "type": "nfs",
            "server": "192.0.2.4",
            "export": "/e",
            "content": "images,iso",
            "shared": 1,
            "digest": "d",
        }
    ]
    model = parse_api_storage({"s.json": json.dumps(items)}, "s.json")
    entry = model.config.storages[0]
    assert entry.content == ("images", "iso") and entry.shared and entry.remote_hosts == ("192.0.2.4",)
    assert [(o.key, o.value) for o in entry.options] == [
        ("content", "images,iso"),
        ("export", "/e"),
        ("server", "192.0.2.4"),
        ("shared", "1"),
    ]
    assert model.digest == "d"


def test_corosync_from_api_is_the_corosync_model() -> None:
    nodes = [
        {
            "node": "b",
            "name": "b",
            "nodeid": "2",
            "quorum_votes": "1",
            "ring0_addr": "192.0.2.2",
            "ring1_addr": "198.51.100.2",
        }
    ]
    model = parse_api_cluster_nodes({"n.json": json.dumps(nodes)}, "n.json")
    node = model.nodes[0]
    assert isinstance(node, CorosyncNode)
    assert (node.name, node.nodeid, [(link.number, link.address) for link in node.links]) == (
        "b",
        2,
        [(0, "192.0.2.2"), (1, "198.51.100.2")],
    )
    totem = parse_api_totem(
        {
            "t.json": json.dumps(
                {"cluster_name": "c", "token": "3000", "interface": {"1": {"linknumber": "1"}, "0": {}}}
            )
        },
        "t.json",
    ).totem
    assert totem is not None and (totem.cluster_name, totem.token_ms) == ("c", 3000)
    assert [i.number for i in totem.interfaces] == [0, 1]


def _typed(obj: object) -> dict[str, object]:
    """A model object's JSON form without evidence and verbatim lines (they differ by source)."""
    data = to_jsonable(obj)
    assert isinstance(data, dict)
    return {k: v for k, v in data.items() if k not in ("source", "options", "keys", "links")}


def test_storage_from_api_equals_the_file_parse() -> None:
    cfg = "nfs: nfs-data\n\tserver 192.0.2.40\n\texport /srv/pve\n\tpath /mnt/pve/nfs-data\n\tcontent images,rootdir\n\tshared 1\n"
    api = [
        {
            "storage": "nfs-data",
            "type": "nfs",
            "server": "192.0.2.40",
            "export": "/srv/pve",
            "path": "/mnt/pve/nfs-data",
            "content": "images,rootdir",
            "shared": 1,
            "digest": "d",
        }
    ]
    from_file = parse_storage_text(cfg, "storage.cfg").storages[0]
    from_api = parse_api_storage({"s.json": json.dumps(api)}, "s.json").config.storages[0]
    assert _typed(from_api) == _typed(from_file)
    assert sorted((o.key, o.value) for o in from_api.options) == sorted(
        (o.key, o.value) for o in from_file.options
    )


def test_sdn_from_api_equals_the_file_parse() -> None:
    zones_cfg = "vlan: lab\n\tbridge vmbr100\n\tipam pve\n\nvxlan: vxpeer\n\tpeers 192.0.2.10,192.0.2.11\n\tmtu 1450\n"
    api = [
        {"zone": "lab", "type": "vlan", "bridge": "vmbr100", "ipam": "pve", "digest": "d"},
        {"zone": "vxpeer", "type": "vxlan", "peers": "192.0.2.10,192.0.2.11", "mtu": 1450, "digest": "d"},
    ]
    from_file = parse_sdn_cfg_text(zones_cfg, "/etc/pve/sdn/zones.cfg").zones
    from_api = parse_api_sdn_zones({"z.json": json.dumps(api)}, "z.json").config.zones
    assert [_typed(z) for z in from_api] == [_typed(z) for z in from_file]
    assert [[(o.key, o.value) for o in z.options] for z in from_api] == [
        sorted((o.key, o.value) for o in z.options) for z in from_file
    ]
