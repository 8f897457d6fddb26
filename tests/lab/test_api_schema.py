"""The lab's API replies against the Proxmox VE API schema and against real replies.

Two references (skipped when /work/shared/reference is absent):
- api-schema/endpoints/*.json (pve-docs 9.1): every key of a reply item is declared by the
  endpoint's `returns` schema (or by its POST parameters where GET declares nothing), and its JSON
  type fits the declared type. KNOWN_UNDOCUMENTED and KNOWN_TYPE_DEVIATIONS list, with the reason,
  what real Proxmox returns beyond or against its schema.
- api-samples (real captures and unit-test fixtures of real replies): where a sample and the lab
  reply share a key, both have the same JSON type (1/0 integers vs strings vs lists).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.golden import REFERENCE
from tests.lab.scenario_worlds import SCENARIOS, world

SCHEMA = REFERENCE / "proxmox" / "api-schema" / "endpoints"
SAMPLES = REFERENCE / "proxmox" / "api-samples"

NETWORK_EXTRA = {
    "ovs_type",  # pve-common's reader keeps it (ansible fixture: "ovs_type": "OVSPort")
    "bridge_stp",  # real captures: "bridge_stp": "off"
    "bridge_fd",  # real captures: "bridge_fd": "0"
    "bond_miimon",  # a "simple option" of pve-common's reader
    "altnames",  # PVE 9 captures; in the code, not in the schema
}
KNOWN_UNDOCUMENTED: dict[str, set[str]] = {
    "/nodes/{node}/network": NETWORK_EXTRA,
    "/nodes": {"id", "type", "disk", "maxdisk", "maxmem", "mem", "maxcpu", "ssl_fingerprint"},
    "/nodes/{node}/qemu": {"disk"},  # real PVE 9 capture
    "/nodes/{node}/lxc": {"type", "swap", "pid"},  # ansible fixtures of real replies
    # the schema declares only `node`; pve-cluster returns the whole corosync nodelist entry
    "/cluster/config/nodes": {"name", "nodeid", "quorum_votes", "ring0_addr", "ring1_addr"},
    # GET declares only `storage`; the reply is the whole section config (keys of POST) + digest
    "/storage": {"digest"},
    "/cluster/sdn/vnets/{vnet}/subnets": {"id", "cidr", "network", "mask", "zone", "digest"},
}
# (endpoint, key): a type real Proxmox returns besides the schema's
KNOWN_TYPE_DEVIATIONS: dict[tuple[str, str], str] = {
    ("/nodes/{node}/network", "mtu"): "string",  # read from the file: "mtu": "9000" (FORMATS.md)
    ("/nodes/{node}/network", "vlan-id"): "string",  # regex capture from the name
    ("/nodes/{node}/network", "ovs_tag"): "string",  # extracted from ovs_options text
    ("/nodes/{node}/lxc", "vmid"): "string",  # PVE's LXC list returns string vmids (ansible fixture)
    ("/nodes/{node}/qemu/{vmid}/config", "memory"): "integer",  # PVE < 8.1 (starwars is 7.2)
}
TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (int,),
    "array": (list,),
    "object": (dict,),
}


def _require_reference() -> None:
    if not SCHEMA.is_dir():
        pytest.skip(f"API schema reference absent ({SCHEMA})")


@cache
def endpoints() -> list[tuple[re.Pattern[str], str, dict[str, Any]]]:
    out = []
    for f in sorted(SCHEMA.glob("*.json")):
        spec = json.loads(f.read_text(encoding="utf-8"))
        path = spec["path"]
        rx = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
        out.append((rx, path, spec))
    return out


def endpoint(api_path: str) -> tuple[str, dict[str, Any]] | None:
    bare = api_path.split("?", 1)[0]
    for rx, path, spec in endpoints():
        if rx.match(bare):
            return path, spec
    return None


def declared(spec: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    ret = spec["GET"]["returns"]
    if ret.get("type") == "array":
        return "array", ret.get("items", {}).get("properties", {})
    return str(ret.get("type", "object")), ret.get("properties", {})


def prop(props: dict[str, Any], key: str) -> dict[str, Any] | None:
    if key in props:
        return props[key]  # type: ignore[no-any-return]
    indexed = re.sub(r"\d+$", "[n]", key)
    return props.get(indexed)


def all_replies() -> list[Any]:
    return [
        pytest.param(s, c.name, p, id=f"{s}:{p}") for s in SCENARIOS for c in world(s).clusters for p in c.api
    ]


@pytest.mark.parametrize(("scenario", "cluster", "path"), all_replies())
def test_reply_fits_the_schema(scenario: str, cluster: str, path: str) -> None:
    _require_reference()
    c = world(scenario).cluster(cluster)
    assert c is not None
    body = c.api[path]
    assert set(body) <= {"data", "changes"}
    found = endpoint(path)
    assert found is not None, f"{path} has no schema endpoint"
    template, spec = found
    kind, props = declared(spec)
    data = body["data"]
    items = data if kind == "array" else [data]
    assert isinstance(data, list) == (kind == "array"), f"{path}: top level should be {kind}"
    allowed_extra = KNOWN_UNDOCUMENTED.get(template, set())
    if template == "/nodes/{node}/network/{iface}":
        network = endpoint("/nodes/x/network")
        assert network is not None
        props = {**declared(network[1])[1], **props}
        allowed_extra = NETWORK_EXTRA
        template = "/nodes/{node}/network"
    if template == "/storage" or template.endswith("/subnets"):
        props = {**props, **spec["POST"]["parameters"]["properties"]}
    for item in items:
        assert isinstance(item, dict)
        for key, value in item.items():
            schema = prop(props, key)
            if schema is None:
                if props or allowed_extra:
                    assert key in allowed_extra, f"{path}: key {key!r} is not in the schema nor known"
                continue
            declared_type = schema.get("type", "string")
            accepted = {declared_type, KNOWN_TYPE_DEVIATIONS.get((template, key), declared_type)}
            assert any(isinstance(value, TYPES[t]) for t in accepted) and not isinstance(value, bool), (
                f"{path}: {key}={value!r} should be {' or '.join(sorted(accepted))}"
            )
            if declared_type == "boolean" and isinstance(value, int):
                assert value in (0, 1), f"{path}: boolean {key} must be 1 or 0"
            if schema.get("enum") and isinstance(value, str):
                assert value in schema["enum"], f"{path}: {key}={value!r} is not one of {schema['enum']}"


# ---------------------------------------------------------------------------------------- samples


def jtype(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


@cache
def samples() -> dict[str, list[dict[str, Any]]]:
    """Real reply items by endpoint template."""
    out: dict[str, list[dict[str, Any]]] = {}

    def add(template: str, items: Any) -> None:
        out.setdefault(template, []).extend(i for i in items if isinstance(i, dict))

    capture = SAMPLES / "real-captures" / "pve9-single-node-192.168.100.17-curl-captures.txt"
    if capture.is_file():
        lines = capture.read_text(encoding="utf-8").splitlines()
        for url, body in zip(lines, lines[2:], strict=False):
            if url.startswith("https://") and body.startswith("{"):
                path = url.split("/api2/json", 1)[1]
                found = endpoint(path)
                data = json.loads(body)["data"]
                if found and isinstance(data, list):
                    add(found[0], data)
    cep = SAMPLES / "real-captures" / "CEP-Comwell_proxmox_addons_docs_pvesh-pve1.json-excerpts.md"
    if cep.is_file():
        text = cep.read_text(encoding="utf-8")
        block = text.split("network --output-format json\n", 1)[1].splitlines()[0]
        add("/nodes/{node}/network", json.loads(block))
    consts = SAMPLES / "module_tests_constants.extracted.json"
    if consts.is_file():
        c = json.loads(consts.read_text(encoding="utf-8"))
        add("/cluster/status", c["tests_unit_plugins_modules_test_proxmox_cluster.py"]["CLUSTER"])
        info = c["tests_unit_plugins_modules_test_proxmox_vm_info.py"]
        add("/nodes/{node}/lxc", info["RAW_LXC_OUTPUT"])
        add("/nodes/{node}/qemu", info["RAW_QEMU_OUTPUT"])
        add("/cluster/sdn/vnets", c["tests_unit_plugins_modules_test_proxmox_vnet_info.py"]["RAW_VNETS"])
        add("/cluster/sdn/zones", c["tests_unit_plugins_modules_test_proxmox_zone_info.py"]["RAW_ZONES"])
        add(
            "/cluster/sdn/vnets/{vnet}/subnets",
            c["tests_unit_plugins_modules_test_proxmox_vnet_info.py"]["TEST2_SUBNETS"],
        )
        add(
            "/cluster/resources",
            c["tests_unit_plugins_modules_test_proxmox_ceph_mon.py"]["RAW_RESOURCES_NODES"],
        )
        totem = c["tests_unit_plugins_modules_test_proxmox_cluster_join_info.py"]["JOIN_INFO"]["totem"]
        add("/cluster/config/totem", [totem])
    return out


def lab_items(template: str) -> list[dict[str, Any]]:
    """Every item the lab answers on paths of this template (matched without the schema files)."""
    pattern = re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/?]+", re.escape(template)))
    items = []
    for s in SCENARIOS:
        for c in world(s).clusters:
            for path, body in c.api.items():
                if pattern.fullmatch(path):
                    data = body["data"]
                    items += data if isinstance(data, list) else [data]
    return items


def test_samples_were_found() -> None:
    _require_reference()
    if not SAMPLES.is_dir():
        pytest.skip("api-samples absent")
    assert {"/nodes/{node}/network", "/cluster/status", "/nodes/{node}/lxc"} <= set(samples())


@pytest.mark.parametrize(
    "template",
    [
        "/nodes",
        "/nodes/{node}/network",
        "/nodes/{node}/storage",
        "/nodes/{node}/qemu",
        "/nodes/{node}/lxc",
        "/cluster/status",
        "/cluster/resources",
        "/cluster/sdn/vnets",
        "/cluster/sdn/zones",
        "/cluster/sdn/vnets/{vnet}/subnets",
        "/cluster/config/totem",
    ],
)
def test_types_match_real_replies(template: str) -> None:
    _require_reference()
    real = samples().get(template)
    if not real:
        pytest.skip(f"no real sample of {template}")
    ours = lab_items(template)
    assert ours, f"the lab never answers {template}"
    real_types: dict[str, set[str]] = {}
    for item in real:
        for k, v in item.items():
            if v is not None and v != "":  # "" and null in fixtures carry no type information
                real_types.setdefault(k, set()).add(jtype(v))
    shared = 0
    for item in ours:
        for k, v in item.items():
            if k in real_types:
                shared += 1
                assert jtype(v) in real_types[k], (
                    f"{template}: {k}={v!r} is {jtype(v)}, real is {real_types[k]}"
                )
    assert shared, f"{template}: no key in common with the real sample"


def test_lxc_vmid_is_a_string_and_qemu_vmid_an_integer() -> None:
    lxc = lab_items("/nodes/{node}/lxc")
    qemu = lab_items("/nodes/{node}/qemu")
    assert lxc and all(isinstance(i["vmid"], str) for i in lxc)
    assert qemu and all(isinstance(i["vmid"], int) for i in qemu)


def test_network_reply_follows_pve_reader_rules() -> None:
    for s in SCENARIOS:
        for c in world(s).clusters:
            for n in c.nodes:
                items = c.api[f"/nodes/{n.name}/network"]["data"]
                assert "lo" not in {i["iface"] for i in items}
                assert sorted(i["priority"] for i in items) == list(range(3, 3 + len(items)))
                for i in items:
                    assert all(
                        v not in (0, False) for k, v in i.items() if k in ("active", "autostart", "exists")
                    )
                    if "netmask" in i:
                        assert isinstance(i["netmask"], str) and i["netmask"].isdigit()
                    if i["type"] == "bridge":
                        assert i["bridge_fd"] == "0" and i["bridge_stp"] in ("on", "off")


def test_schema_reference_path_resolution() -> None:
    """The helper that maps a reply path to its schema finds the templated endpoints."""
    _require_reference()
    assert endpoint("/nodes/pve1/qemu/100/config") is not None
    found = endpoint("/cluster/resources?type=vm")
    assert found is not None and found[0] == "/cluster/resources"
    assert endpoint("/no/such/thing") is None
    assert Path(SCHEMA).is_dir()
