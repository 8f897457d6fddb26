"""The API's answers without HTTP: lookups, parameter errors, filters, offline nodes, error bodies."""

from __future__ import annotations

import json

from netdoc.lab import api_views as views
from tests.lab import worlds

API = views.ClusterApi(worlds.cluster())
NONE: frozenset[str] = frozenset()


def body(reply: views.Reply) -> object:
    return json.loads(reply.body)


def test_stored_reply_verbatim_with_extra_members() -> None:
    reply = API.answer("/cluster/sdn/vnets", [], NONE)
    assert reply.status == 200 and reply.content_type == "application/json;charset=UTF-8"
    assert body(reply) == worlds.cluster().api["/cluster/sdn/vnets"]
    assert b": " not in reply.body  # compact, as Perl writes it


def test_exact_query_wins_over_filtering() -> None:
    assert body(API.answer("/nodes/pve1/network", [("type", "bridge")], NONE)) == {
        "data": [{"iface": "vmbr0", "type": "bridge", "exact": 1}]
    }
    filtered = body(API.answer("/nodes/pve2/network", [("type", "bond")], NONE))
    assert [i["iface"] for i in filtered["data"]] == ["bond0"]  # type: ignore[index]


def test_resources_filter_by_type() -> None:
    data = body(API.answer("/cluster/resources", [("type", "vm")], NONE))["data"]  # type: ignore[index]
    assert {i["type"] for i in data} == {"qemu", "lxc"} and len(data) == 4
    assert {
        i["type"] for i in body(API.answer("/cluster/resources", [("type", "storage")], NONE))["data"]
    } == {"storage"}  # type: ignore[index]


def test_bad_parameters_are_400_with_errors() -> None:
    reply = API.answer("/cluster/resources", [("type", "vms"), ("colour", "red")], NONE)
    assert reply.status == 400 and reply.reason == "Parameter verification failed."
    assert body(reply) == {
        "data": None,
        "errors": {
            "type": "value 'vms' does not have a value in the enumeration 'vm, storage, node, sdn'",
            "colour": "property is not defined in schema and the schema does not allow additional properties",
        },
        "message": "Parameter verification failed.\n",
    }
    assert body(API.answer("/nodes/pve1/qemu", [("full", "maybe")], NONE))["errors"] == {  # type: ignore[index]
        "full": "type check ('boolean') failed - got 'maybe'"
    }


def test_cache_buster_is_ignored() -> None:
    assert API.answer("/version", [("_dc", "12345")], NONE).status == 200


def test_known_routes_include_other_nodes_copies() -> None:
    assert API.known("/nodes/pve1/network") and API.known("/nodes/pve9/network")
    assert not API.known("/nodes/pve1/nothing") and not API.known("/nope")


def test_offline_nodes_marked() -> None:
    off = frozenset({"pve2", "pve3"})
    status = body(API.answer("/cluster/status", [], off))["data"]  # type: ignore[index]
    assert [(i.get("name"), i.get("online")) for i in status if i["type"] == "node"] == [
        ("pve1", 1),
        ("pve2", 0),
        ("pve3", 0),
    ]
    assert status[0]["quorate"] == 0  # one vote of three
    nodes = body(API.answer("/nodes", [], off))["data"]  # type: ignore[index]
    assert nodes[1] == {
        "node": "pve2",
        "status": "offline",
        "id": "node/pve2",
        "type": "node",
        "level": "",
        "ssl_fingerprint": "00:11",
    }
    resources = body(API.answer("/cluster/resources", [], off))["data"]  # type: ignore[index]
    assert {i["status"] for i in resources if i.get("node") == "pve2" and i["type"] == "qemu"} == {"unknown"}
    assert body(API.answer("/cluster/status", [], frozenset({"pve3"})))["data"][0]["quorate"] == 1  # type: ignore[index]


def test_error_shapes() -> None:
    ni = views.not_implemented("GET", "/nope")
    assert (ni.status, ni.reason) == (501, "Method 'GET /nope' not implemented")
    assert body(ni) == {"data": None, "message": "Method 'GET /nope' not implemented"}
    bare = views.bare(401, "invalid token value!\n")
    assert (bare.status, bare.reason, bare.body, bare.content_type) == (
        401,
        "invalid token value!",
        b"",
        None,
    )


def test_query_key_is_canonical() -> None:
    assert views.query_key([("b", "2"), ("a", "x y")]) == "a=x%20y&b=2"
    assert views.split_key("/nodes//pve1/network/?type=bridge") == (
        "/nodes/pve1/network",
        [("type", "bridge")],
    )
    assert views.proxied_node("/nodes/pve1/network") == "pve1"
    assert views.proxied_node("/nodes/pve1") is None and views.node_of("/nodes/pve1") == "pve1"
