"""The site the browser tests open: the bundled example, the lab scenarios and a cluster named as markup.

Built once per session, offline: the lab scenarios' worlds are written as snapshots (as the lab's
round-trip tests do) and `pipeline.build_site` builds one site of every cluster with the
repository's mkdocs.yml, exactly as `netdoc build` in a checkout does. The `markup` cluster is the
lacp-vlans scenario with an interface comment, a bridge comment and a guest name made of markup.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from netdoc.estate import load_estate
from netdoc.examples import example_path
from netdoc.lab.generate import build_world
from netdoc.lab.load import _scenario_data, parse_definition
from netdoc.lab.world import LabCluster
from netdoc.pipeline.site import build_site
from tests.lab.scenario_worlds import world
from tests.lab.test_snapshot_load import write_snapshot

ROOT = Path(__file__).resolve().parents[2]
LAB_SCENARIOS = ("lacp-vlans", "ovs", "sdn")  # starwars comes from the bundled example

# Every form the issue names: a script element, an attribute break-out with an event handler, a
# template expression and the end of a CDATA section (which would break an SVG's XML).
MARKUP = "<script>alert('s')</script> \"><img src=x onerror=alert('i')> {{ 7*7 }} ]]>"
IFACE_COMMENT = f"nic {MARKUP}"
BRIDGE_COMMENT = f"bridge {MARKUP}"
GUEST_NAME = f"guest{MARKUP}"
MARKUP_CLUSTER = "markup"
_PLACEHOLDER = "markupguest"  # a valid hostname in the definition, replaced after generation


@dataclass(frozen=True)
class GuestFacts:
    """One guest NIC of the site: what a search for it types, and the id of its row."""

    cluster: str
    vmid: int
    key: str
    name: str
    mac: str
    ip: str  # without the prefix length


def _markup_cluster() -> LabCluster:
    data, _ = _scenario_data("lacp-vlans")
    data = copy.deepcopy(data)
    (cluster,) = data["clusters"]
    cluster["name"] = MARKUP_CLUSTER
    pve1 = cluster["nodes"][0]
    pve1["nics"][0]["comments"] = IFACE_COMMENT
    next(b for b in pve1["bridges"] if b["name"] == "vmbr0")["comments"] = BRIDGE_COMMENT
    guest = next(g for g in cluster["guests"] if g["node"] == "pve1")
    guest["name"] = _PLACEHOLDER
    (lab,) = build_world(parse_definition(data, "markup")).clusters
    return _renamed(lab, _PLACEHOLDER, GUEST_NAME)


def _swap(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {k: _swap(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, old, new) for v in value]
    return value


def _renamed(lab: LabCluster, old: str, new: str) -> LabCluster:
    """The guest name as Proxmox would never let it be typed, everywhere the snapshot holds it."""
    nodes = tuple(
        replace(
            n,
            files={p: c.replace(old.encode(), new.encode()) for p, c in n.files.items()},
            commands={k: c.replace(old.encode(), new.encode()) for k, c in n.commands.items()},
        )
        for n in lab.nodes
    )
    return replace(lab, api=_swap(dict(lab.api), old, new), nodes=nodes)


def write_snapshots(folder: Path) -> list[Path]:
    """The lab scenarios and the markup cluster as snapshots below `folder`, plus the example."""
    paths = [example_path("starwars")]
    for name in LAB_SCENARIOS:
        for cluster in world(name).clusters:
            paths.append(write_snapshot(cluster, folder / cluster.name))
    paths.append(write_snapshot(_markup_cluster(), folder / MARKUP_CLUSTER))
    return paths


def build(folder: Path) -> tuple[Path, list[Path]]:
    """Build the browser tests' site into folder/site with the repository's mkdocs.yml."""
    snapshots = write_snapshots(folder / "snapshots")
    result = build_site(snapshots, folder / "site", config_file=ROOT / "mkdocs.yml")
    return result.site_dir, snapshots


def guest_facts(snapshots: list[Path], cluster: str, vmid: int) -> GuestFacts:
    """Name, MAC and address of a guest's first NIC, read from the snapshots as the site was."""
    estate = load_estate(snapshots).estate
    net = next(c for c in estate.clusters if c.name == cluster)
    guest = next(g for h in net.hosts for g in h.sources.guests if g.vmid == vmid)
    nic = guest.nics[0]
    assert guest.name and nic.mac and nic.ip and "/" in nic.ip, guest
    return GuestFacts(cluster, vmid, nic.key, guest.name, nic.mac, nic.ip.split("/")[0])
