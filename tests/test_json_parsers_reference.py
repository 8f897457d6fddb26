"""Conformance: every JSON parser over every sample of its kind in ../shared/reference, with invariants.

Proxmox replies are pulled out of the reference's extracted fixtures and captures (each kept with
the API path it answers); iproute2 and lldpctl outputs are files whose names say the command.
Each sample must parse without error, and the model must account for every record of the source
(counted here independently from the raw JSON or text). Skipped when the reference is absent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from netdoc.model.base import to_jsonable
from netdoc.parsers.iproute2 import parse_bridge_vlan, parse_ip_addr, parse_ip_link
from netdoc.parsers.kinds import get_kind
from netdoc.parsers.lldp import parse_lldp
from netdoc.parsers.pve_api import kind_for_api_path
from tests.golden import REFERENCE, reference_files


def params_or_skip(items: list[Any], ids: list[str], what: str) -> list[Any]:
    if not items:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no {what} in {REFERENCE}"))]
    return [pytest.param(item, id=i) for item, i in zip(items, ids, strict=True)]


# ------------------------------------------------------------------------------- Proxmox API samples

# Constants of the ansible collection's unit tests (module_tests_constants) -> the kind they show.
CONSTANT_KINDS = {
    "SINGLE_NODE": "api-cluster-status",
    "CLUSTER": "api-cluster-status",
    "RAW_RESOURCES_NODES": "api-resources",
    "EXISTING_NETWORK_OUTPUT": "api-network",
    "RAW_NETWORK_OUTPUT": "api-network",
    "EXPECTED_NETWORK_OUTPUT": "api-network",  # the module's output: booleans as true/false
    "RAW_SUBNETS": "api-sdn-subnets",
    "LAB_SUBNETS": "api-sdn-subnets",
    "TEST_SUBNETS": "api-sdn-subnets",
    "TEST2_SUBNETS": "api-sdn-subnets",
    "RAW_VNETS": "api-sdn-vnets",
    "RAW_ZONES": "api-sdn-zones",
}
PATH_FOR_KIND = {
    "api-network": "/nodes/pve1/network",
    "api-cluster-status": "/cluster/status",
    "api-resources": "/cluster/resources",
    "api-sdn-subnets": "/cluster/sdn/vnets/vnet1/subnets",
    "api-sdn-vnets": "/cluster/sdn/vnets",
    "api-sdn-zones": "/cluster/sdn/zones",
    "api-cluster-nodes": "/cluster/config/nodes",
    "api-totem": "/cluster/config/totem",
}


def api_samples() -> tuple[list[tuple[str, str, Any]], list[str]]:
    """(kind, API path, data) for every Proxmox reply in the reference that netdoc has a kind for."""
    base = REFERENCE / "proxmox" / "api-samples"
    samples: list[tuple[str, str, Any]] = []
    ids: list[str] = []

    def add(source: str, api_path: str, data: Any, kind: str | None = None) -> None:
        kind = kind or kind_for_api_path(api_path)
        if kind:
            samples.append((kind, api_path, data))
            ids.append(f"{source}:{api_path}")

    inventory = base / "inventory_API_RESPONSES.extracted.json"
    if inventory.is_file():
        for url, data in json.loads(inventory.read_text(encoding="utf-8")).items():
            add("inventory", url.split("/api2/json", 1)[1].split("?", 1)[0], data)
    constants = base / "module_tests_constants.extracted.json"
    if constants.is_file():
        for module, consts in json.loads(constants.read_text(encoding="utf-8")).items():
            for name, data in consts.items():
                if name in CONSTANT_KINDS:
                    add(f"{module}:{name}", PATH_FOR_KIND[CONSTANT_KINDS[name]], data, CONSTANT_KINDS[name])
                elif name == "JOIN_INFO":  # /cluster/config/join carries a nodelist and the totem
                    add(f"{module}:{name}.nodelist", PATH_FOR_KIND["api-cluster-nodes"], data["nodelist"])
                    add(f"{module}:{name}.totem", PATH_FOR_KIND["api-totem"], data["totem"])
    for capture in sorted((base / "real-captures").glob("*")) if (base / "real-captures").is_dir() else []:
        api_path = None
        for line in capture.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^(?:https://[^/]+/api2/json|## pvesh get )(/\S*)", line)
            if m:
                api_path = m.group(1).replace("/nodes/localhost/", "/nodes/pve1/")
            elif api_path and line.startswith(("{", "[")):
                add(capture.name, api_path, json.loads(line))
                api_path = None
    return samples, ids


def _records(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict) and set(data) <= {"data", "changes"} and "data" in data:
        data = data["data"]
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def check_api_invariants(kind: str, data: Any, model: Any) -> None:
    records = _records(data)
    if kind == "api-network":
        # Proxmox never lists lo; every other record is one interface, in file (priority) order
        names = [r["iface"] for r in records if r.get("iface")]
        assert sorted(i.name for i in model.config.interfaces) == sorted(n for n in names if n != "lo")
        assert [s.name for s in model.states] == [i.name for i in model.config.interfaces]
        priorities = [s.priority for s in model.states if s.priority is not None]
        assert priorities == sorted(priorities)
    elif kind == "api-cluster-status":
        assert len(model.nodes) == sum(r.get("type") == "node" for r in records)
        assert (model.cluster is not None) == any(r.get("type") == "cluster" for r in records)
    elif kind == "api-resources":
        assert len(model.resources) == len(records)
        assert all(r.ident for r in model.resources)
    elif kind == "api-cluster-nodes":
        assert len(model.nodes) == len(records)
        assert all(n.links and n.nodeid is not None for n in model.nodes)
    elif kind == "api-totem":
        assert model.totem is not None
        assert len(model.totem.interfaces) == len(data.get("interface") or {})
    elif kind.startswith("api-sdn-"):
        group = kind.removeprefix("api-sdn-")
        assert len(getattr(model.config, group)) == len(records) == len(model.states)
    elif kind == "api-nodes":
        assert len(model.nodes) == len(records)
    assert not model.warnings, [str(w) for w in model.warnings]


_API, _API_IDS = api_samples()


@pytest.mark.parametrize("sample", params_or_skip(_API, _API_IDS, "Proxmox API samples"))
def test_api_sample(sample: tuple[str, str, Any]) -> None:
    kind, api_path, data = sample
    path = f"api{api_path}.json"
    model = get_kind(kind).parser()({path: json.dumps(data)}, path)
    json.dumps(to_jsonable(model))
    check_api_invariants(kind, data, model)


def test_api_samples_cover_the_main_kinds() -> None:
    if not _API:
        pytest.skip("no Proxmox API samples")
    assert {"api-network", "api-cluster-status", "api-resources", "api-nodes", "api-sdn-zones"} <= {
        k for k, _, _ in _API
    }


# ------------------------------------------------------------------------------- iproute2 outputs

IPROUTE2_RULES = [  # (name pattern, kind) over files of reference/linux/iproute2
    (re.compile(r"ip_-s_-d_-j_link_show$"), "ip-link"),
    (re.compile(r"(ip_-j_addr_show(_dev_\w+)?|sample-ipaddrshow-json(-down)?|IPROUTE2\.json)$"), "ip-addr"),
    (re.compile(r"bridge_-j_vlan_show$"), "bridge-vlan"),
]
# other commands (routes, mdb, global VLAN options, netns list) and text (non -j) captures
IPROUTE2_NOT_OURS = re.compile(
    r"ROUTE[46]\.json$|_mdb_show|_vlan_global_show|_netns_list$|ipaddrshow-output$|__(bridge_-d_vlan_show|ip_-d_address)$"
)


def iproute2_samples() -> list[tuple[str, Path]]:
    out = []
    for file in reference_files("linux", "iproute2"):
        kind = next((k for pattern, k in IPROUTE2_RULES if pattern.search(file.name)), None)
        if kind:
            out.append((kind, file))
    return out


_IP = iproute2_samples()


def test_every_iproute2_sample_is_classified() -> None:
    files = [f for f in reference_files("linux", "iproute2") if f.suffix != ".md"]
    if not files:
        pytest.skip("no iproute2 samples")
    classified = {f for _, f in _IP}
    left = [f.name for f in files if f not in classified and not IPROUTE2_NOT_OURS.search(f.name)]
    assert not left, f"iproute2 samples neither parsed nor known to be another command: {left}"


@pytest.mark.parametrize(
    "sample", params_or_skip(_IP, [f"{k}:{f.parent.name}/{f.name}" for k, f in _IP], "iproute2 samples")
)
def test_iproute2_sample(sample: tuple[str, Path]) -> None:
    kind, file = sample
    text = file.read_text(encoding="utf-8")
    raw = json.loads(text)
    if kind == "ip-link":
        model = parse_ip_link({file.name: text}, file.name)
        assert [link.ifname for link in model.links] == [r["ifname"] for r in raw]
        for link, record in zip(model.links, raw, strict=True):
            info = record.get("linkinfo") or {}
            assert link.kind == info.get("info_kind") and link.slave_kind == info.get("info_slave_kind")
            if info.get("info_kind") == "bridge":
                assert link.bridge is not None and link.bridge.bridge_mac is not None
            if info.get("info_kind") == "vlan":
                assert link.vlan is not None and link.vlan.id == info["info_data"]["id"]
            assert (link.link_index is not None) == ("link_index" in record)
    elif kind == "ip-addr":
        model = parse_ip_addr({file.name: text}, file.name)
        assert len(model.interfaces) == len(raw)
        expected = sum(1 for r in raw for a in r.get("addr_info", []) if a.get("local") and a.get("family"))
        assert sum(len(i.addresses) for i in model.interfaces) == expected
    else:
        model = parse_bridge_vlan({file.name: text}, file.name)
        assert len(model.ports) == len(raw)
        assert sum(len(p.vlans) for p in model.ports) == sum(len(r.get("vlans", [])) for r in raw)
    assert not model.warnings, [str(w) for w in model.warnings]
    json.dumps(to_jsonable(model))


# ------------------------------------------------------------------------------- lldpctl outputs


def lldp_samples() -> list[Path]:
    return [f for f in reference_files("linux", "lldp") if f.suffix in (".json", ".txt")]


def expected_neighbours(text: str, fmt: str) -> int:
    """Neighbours in the source, counted without the parser."""
    if fmt == "keyvalue":
        ports: dict[str, int] = {}
        for line in text.splitlines():
            m = re.match(r"^lldp\.([^.=]+)\.(\S+?)=", line)
            if m:
                ports.setdefault(m.group(1), 0)
                ports[m.group(1)] += m.group(2) == "via"
        return sum(max(1, vias) for vias in ports.values())
    interfaces = json.loads(text)["lldp"].get("interface")
    if interfaces is None:
        return 0
    if isinstance(interfaces, dict):
        return len(interfaces)
    return sum(len(entry) for entry in interfaces)


_LLDP = lldp_samples()


@pytest.mark.parametrize(
    "file", params_or_skip(_LLDP, [f"{f.parent.name}/{f.name}" for f in _LLDP], "lldpctl samples")
)
def test_lldp_sample(file: Path) -> None:
    text = file.read_text(encoding="utf-8")
    model = parse_lldp({file.name: text}, file.name)
    assert model.format == ("keyvalue" if file.suffix == ".txt" else "json")
    assert len(model.neighbors) == expected_neighbours(text, model.format)
    for neighbour in model.neighbors:
        assert neighbour.local_port and neighbour.source is not None
        assert (neighbour.age is None) == (neighbour.age_s is None)
    assert all("PVID is optional" in w.text for w in model.warnings)  # the one comment line in 223.txt
    json.dumps(to_jsonable(model))
