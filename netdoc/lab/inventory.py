"""The inventory that points netdoc at a running lab (the schema of netdoc/config.py).

Secrets are not copied in: the token secret is referenced as `file:PATH` (a 0600 file in the
lab's state directory); TLS is verified against the lab's CA and pinned by fingerprint; SSH host
keys are checked against the lab's known_hosts file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from netdoc.atomic import write_text_atomic
from netdoc.lab.endpoints import LabAccess

HEADER = "# Written by `netdoc lab serve`: points at the running lab on loopback. Regenerated on start.\n"


def inventory(lab: LabAccess, *, timeout_s: float = 10.0) -> dict[str, Any]:
    clusters = []
    for c in lab.clusters.values():
        ports = {n.ssh_port for n in c.nodes}
        clusters.append(
            {
                "name": c.name,
                "api": {
                    "host": c.api_host,
                    "port": c.api_port,
                    "user": c.credentials.user,
                    "token_id": c.credentials.token_id,
                    "token_secret": f"file:{c.token_file}",
                    "ca_file": str(c.ca_file),
                    "fingerprint": c.fingerprint,
                    "verify_tls": True,
                    "timeout_s": timeout_s,
                },
                "ssh": {
                    "user": lab.ssh_user,
                    "port": min(ports),
                    "key_file": str(lab.client_key_file),
                    "known_hosts": str(lab.known_hosts),
                    "use_agent": False,
                    "sudo": lab.ssh_user != "root",
                    "timeout_s": timeout_s,
                },
                "nodes": [{"name": n.name, "address": n.address, "ssh_port": n.ssh_port} for n in c.nodes],
            }
        )
    return {"clusters": clusters}


def write_inventory(lab: LabAccess, path: Path, *, timeout_s: float = 10.0) -> Path:
    text = HEADER + yaml.safe_dump(
        inventory(lab, timeout_s=timeout_s), sort_keys=False, default_flow_style=False
    )
    write_text_atomic(path, text)
    return path
