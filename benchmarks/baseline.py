"""The baseline collector: what a typical inventory script does, to measure netdoc against.

    .venv/bin/python -m benchmarks.baseline INVENTORY   # prints {"seconds": ..., "requests": ...}

Sequential, one request after the other over one proxmoxer session per cluster: the node list,
then for each node its network and its VM and container lists, then one request for each guest's
configuration (the N+1 pattern whose users report timeouts at 1,000+ guests). It reads only the
API (no SSH): what it gets is a subset of what netdoc collects, so the comparison flatters it.
Run as its own process by the harness (benchmarks/__main__.py), against the same lab in the same
run, so that the lab's injected latency applies to both alike.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from netdoc.config import load_inventory


def _api(cluster: Any) -> Any:
    from proxmoxer import ProxmoxAPI

    api = cluster.api
    return ProxmoxAPI(
        api.host,
        port=api.port,
        user=api.user,
        token_name=api.token_id,
        token_value=api.token_secret.reveal(),
        verify_ssl=str(api.ca_file) if api.ca_file else True,
        timeout=30,
    )


def collect(inventory: Path) -> tuple[float, int, int]:
    """(seconds, API requests, guest configs read) for every cluster of the inventory, in turn."""
    clusters = load_inventory(inventory).clusters
    start = time.monotonic()
    requests = guests = 0
    for cluster in clusters:
        px = _api(cluster)
        nodes = px.nodes.get()
        requests += 1
        for node in nodes:
            name = node["node"]
            px.nodes(name).network.get()
            requests += 1
            for kind in ("qemu", "lxc"):
                listing = getattr(px.nodes(name), kind).get()
                requests += 1
                for guest in listing:
                    getattr(px.nodes(name), kind)(guest["vmid"]).config.get()
                    requests += 1
                    guests += 1
    return time.monotonic() - start, requests, guests


def main() -> None:
    seconds, requests, guests = collect(Path(sys.argv[1]))
    print(json.dumps({"seconds": seconds, "requests": requests, "guests": guests}))


if __name__ == "__main__":
    main()
