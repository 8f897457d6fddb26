"""Hand-written hostile snapshots: the bundled example with names and strings no cluster should have.

    path_snapshot(dest, cluster="../../etc")   # names that would climb out of any folder
    markup_snapshot(dest)                      # names and comments that are markup in some format

Only the API's JSON files change (a node folder on disk cannot be named `../../etc`; a hand-made
snapshot can still say so in /cluster/status, /cluster/resources, /storage and a node's network).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from netdoc.examples import example_path

NODE = "proxmox1"

# every form of a name that could leave its folder (docs/hardening.md#path-traversal)
BAD_NAMES = ("../../etc", "/tmp/netdoc-abs-escape", "a/../../b", ".", "..", "x\x00y", "a\\b", "n" * 300)

# strings that are markup somewhere: HTML, Jinja/mkdocs, XML CDATA, DOT labels, spreadsheets
MARKUP = {
    "script": "<script>alert('netdoc-xss')</script>",
    "img": '"><img src=x onerror=alert(1)>',
    "jinja": "{{ config.site_name }}{% raw %}",
    "cdata": "]]><x>cdata-break</x>",
    "dot": 'dq"quote\\" ] ; node [label="pwned"] \n newline',
    "formula": "=cmd|' /C calc'!A0",
    "entity": "&lt;&amp;&#x41;&xxe;",
}


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(change(data), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _copy(dest: Path) -> Path:
    shutil.copytree(example_path("starwars"), dest)
    return dest


def _with_cluster_name(dest: Path, name: str) -> None:
    def status(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for item in items:
            if item.get("type") == "cluster":
                item["name"] = name
        return items

    _edit(dest / "manifest.json", lambda m: {**m, "cluster": name})
    _edit(dest / "api/cluster/status.json", status)


def _guest(vmid: int, name: str, node: str) -> dict[str, Any]:
    return {
        "id": f"qemu/{vmid}",
        "vmid": vmid,
        "name": name,
        "node": node,
        "type": "qemu",
        "status": "running",
    }


def _storage(name: str, node: str = NODE) -> dict[str, Any]:
    return {
        "id": f"storage/{node}/{name}",
        "storage": name,
        "node": node,
        "type": "storage",
        "status": "available",
    }


def _add_names(dest: Path, names: dict[str, str], *, nodes: bool) -> None:
    """Nodes (in /cluster/status), guests, storages, interfaces and a bridge named `names`."""
    values = list(names.values())

    def status(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        extra = [
            {"id": f"node/{n}", "name": n, "type": "node", "online": 1, "ip": "192.0.2.9", "nodeid": 90 + i}
            for i, n in enumerate(values)
        ]
        return items + (extra if nodes else [])

    def resources(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        guests = [_guest(900 + i, n, n if nodes else NODE) for i, n in enumerate(values)]
        return items + guests + [_storage(n) for n in values]

    def storage(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return items + [
            {"storage": n, "type": "nfs", "server": "192.0.2.50", "export": "/srv/x", "content": "images"}
            for n in values
        ]

    def network(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ifaces = [
            {"iface": n, "type": "eth", "active": 1, "comments": n, "families": ["inet"]} for n in values
        ]
        bridge = {
            "iface": values[0],
            "type": "bridge",
            "active": 1,
            "bridge_ports": " ".join(values[1:3]),
            "comments": " ".join(values),
        }
        return items + ifaces + [bridge]

    _edit(dest / "api/cluster/status.json", status)
    _edit(dest / "api/cluster/resources.json", resources)
    _edit(dest / "api/storage.json", storage)
    _edit(dest / f"api/nodes/{NODE}/network.json", network)


def path_snapshot(dest: Path, cluster: str) -> Path:
    """The example as cluster `cluster`, with nodes, guests, storages and interfaces of BAD_NAMES."""
    _copy(dest)
    _with_cluster_name(dest, cluster)
    _add_names(dest, {str(i): n for i, n in enumerate(BAD_NAMES)}, nodes=True)
    return dest


def markup_snapshot(dest: Path) -> Path:
    """The example with guests, storages, interfaces and comments named by MARKUP's strings."""
    _copy(dest)
    _add_names(dest, MARKUP, nodes=False)
    # a guest config from /etc/pve, whose name and NIC comment the pages and diagrams show
    conf = dest / f"nodes/{NODE}/etc/pve/nodes/{NODE}/lxc/100.conf"
    text = conf.read_text(encoding="utf-8")
    # a line of backticks (a Markdown fence) before markup: the fence must not end there
    fence_break = "`````\n<script>alert('after-fence')</script>\n"
    conf.write_text(f"#{MARKUP['img']} {MARKUP['script']}\n{fence_break}{text}", encoding="utf-8")
    return dest
