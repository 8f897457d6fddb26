"""The API fixtures use only keys the Proxmox API schema knows (reference/proxmox/api-schema/endpoints/).

Known keys of an endpoint: the item properties its GET declares, plus the parameters of its other
methods (POST/PUT document the per-type properties, e.g. every storage key). Endpoints whose GET
declares nothing (totem, datacenter options) are not checked. Keys real Proxmox sends without
documenting them are listed in UNDOCUMENTED with the reason; a listed key that the schema does
document fails too, so the list stays honest. Skipped when the reference folder is absent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from netdoc.parsers.pve_api import api_path_of
from tests.golden import FIXTURES, REFERENCE

SCHEMA = REFERENCE / "proxmox" / "api-schema" / "endpoints"

_RINGS = {f"ring{n}_addr" for n in range(8)}
UNDOCUMENTED: dict[str, dict[str, str]] = {
    "/nodes/{node}/network": {
        "altnames": "PVE 9 interface pinning: kernel altnames, sent by pve-common, absent from the schema",
        "bridge_stp": "sent for every bridge in real captures (pve9 curl, pvesh), not in the schema",
        "bridge_fd": "sent for every bridge in real captures, not in the schema",
        "ovs_type": "sent for every OVS interface (ansible inventory fixture), not in the schema",
        "bond_miimon": "parsed and sent by pve-common Network/Interfaces.pm, not in the schema",
    },
    "/nodes": {
        "id": "real captures (pve9 curl, pvesh): node/<name>",
        "type": "real captures: always node",
        "disk": "real captures: root disk bytes",
        "maxdisk": "real captures",
        "cgroup-mode": "ansible fixture of PVE 8",
    },
    "/cluster/config/nodes": {
        **dict.fromkeys(_RINGS, "corosync nodelist key; the schema declares only `node`"),
        "name": "corosync nodelist key",
        "nodeid": "corosync nodelist key",
        "quorum_votes": "corosync nodelist key",
    },
    "/cluster/sdn/vnets/{vnet}/subnets": {
        "id": "ansible fixture shape (the GET schema declares no properties)",
        "cidr": "ansible fixture shape",
        "network": "ansible fixture shape",
        "mask": "ansible fixture shape",
        "zone": "ansible fixture shape",
        "digest": "ansible fixture shape",
    },
    "/storage": {"digest": "the section config digest, returned with every item"},
}


# GET /nodes/{node}/network/{iface} returns the list item's hash without `iface`; its own schema
# declares only `type` and `method` (FORMATS.md), so it is checked against the list's item schema.
SAME_AS = {"/nodes/{node}/network/{iface}": "/nodes/{node}/network"}


def _endpoints() -> list[tuple[re.Pattern[str], str, dict[str, Any]]]:
    out = []
    for file in sorted(SCHEMA.glob("*.json")):
        doc = json.loads(file.read_text(encoding="utf-8"))
        path = doc.get("path")
        if isinstance(path, str):
            pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
            out.append((pattern, path, doc))
    return out


def known_keys(doc: dict[str, Any]) -> set[str]:
    """GET's item (or object) properties, plus every parameter of the other methods."""
    keys: set[str] = set()
    get = doc.get("GET") or {}
    returns = get.get("returns") or {}
    shape = returns.get("items") if returns.get("type") == "array" else returns
    keys |= set((shape or {}).get("properties") or {})
    for method, info in doc.items():
        if method != "GET" and isinstance(info, dict):
            keys |= set((info.get("parameters") or {}).get("properties") or {})
    return keys


def _fixture_files() -> list[Path]:
    return sorted((FIXTURES / "pve_api").glob("*/api/**/*.json"))


def _items(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict) and "data" in data and set(data) <= {"data", "changes"}:
        data = data["data"]
    if isinstance(data, list):
        return [i for i in data if isinstance(i, dict)]
    return [data] if isinstance(data, dict) else []


pytestmark = pytest.mark.skipif(not SCHEMA.is_dir(), reason="reference/proxmox/api-schema not present")


@pytest.mark.parametrize(
    "file", _fixture_files(), ids=lambda p: p.relative_to(FIXTURES / "pve_api").as_posix()
)
def test_fixture_keys_are_in_the_schema(file: Path) -> None:
    rel = Path(*file.relative_to(FIXTURES / "pve_api").parts[1:])  # drop the case folder
    api_path = api_path_of(rel.as_posix())
    assert api_path
    matches = [(p, doc) for pattern, p, doc in _endpoints() if pattern.match(api_path)]
    assert matches, f"no schema endpoint for {api_path}"
    schema_path, doc = matches[0]
    if schema_path in SAME_AS:
        schema_path = SAME_AS[schema_path]
        doc = next(d for _, p, d in _endpoints() if p == schema_path)
    known = known_keys(doc)
    if not known:
        pytest.skip(f"{schema_path}: the schema declares no properties")
    allowed = known | set(UNDOCUMENTED.get(schema_path, {}))
    unknown = sorted(
        {k for item in _items(json.loads(file.read_text(encoding="utf-8"))) for k in item} - allowed
    )
    assert not unknown, (
        f"{schema_path}: keys the schema does not know: {unknown} (document them in UNDOCUMENTED)"
    )


def test_allow_list_names_only_undocumented_keys() -> None:
    endpoints = {p: doc for _, p, doc in _endpoints()}
    for schema_path, keys in UNDOCUMENTED.items():
        assert schema_path in endpoints, schema_path
        documented = sorted(set(keys) & known_keys(endpoints[schema_path]))
        assert not documented, f"{schema_path}: {documented} are documented; drop them from UNDOCUMENTED"


def test_checker_catches_an_unknown_key() -> None:
    doc = next(doc for _, p, doc in _endpoints() if p == "/nodes/{node}/network")
    assert "bridge_ports" in known_keys(doc)
    assert "made_up_key" not in known_keys(doc) | set(UNDOCUMENTED["/nodes/{node}/network"])
