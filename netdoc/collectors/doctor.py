"""`netdoc doctor`: can every cluster and node of an inventory be collected, and if not, the fix.

    report = diagnose(inventory)            # a list of Checks; report.exit_code: 0, 1, 2 or 3

Nothing is collected and nothing is written. The checks use the collectors' own connection code
(ApiClient: TLS verified or pinned, the secret revealed only inside it; SshSession with the
HostKeyPolicy, never recording a key), so what doctor finds is what `netdoc collect` would meet:

- API: the TLS mode and what it trusts; one GET /version (connection, TLS, authentication);
  every allow-listed path probed with one GET (plan.py; the reply is dropped), a 403 named with
  the privilege and the pveum command; GET /access/permissions for the lists Proxmox filters
  silently (storages, SDN, guests: a 200 with fewer items, no 403).
- SSH per node (doctor_ssh.py): which known_hosts file knows the host key; the login; each file read as
  `tail -n 0 -- PATTERNS` (opens the files, reads no line); each root command asked of sudo with
  `sudo -n -l COMMAND` (allowed or not, never run); commands without root, and sudo's answers
  doctor cannot read, run as collect runs them, their output counted and dropped.

A Check's status: ok, warning (works, but unsafe: TLS off), missing (a fact of the node, as in
collect: not installed), problem (artifacts would be lost: denied, refused, unknown host key),
unreachable (no connection: refused, timed out, node offline), config (the inventory points at a
secret or file that cannot be read). Exit code: 2 with a config check, else 3 with an unreachable
one, else 1 with a problem, else 0. Messages name secrets by their reference, never their value.
"""

from __future__ import annotations

import hashlib
import re
import socket
import ssl
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from netdoc.collectors.doctor_report import (
    Add,
    Check,
    DoctorReport,
    NodeTarget,
    status_of,
)
from netdoc.collectors.doctor_ssh import SshDoctor
from netdoc.collectors.known_hosts import netdoc_known_hosts
from netdoc.collectors.outcome import FAILURES, Denied
from netdoc.collectors.plan import (
    CLUSTER_API,
    NODE_API,
    VNET_SUBNETS,
)
from netdoc.collectors.proxmox_api import INSECURE_WARNING, ApiClient, system_ca_location
from netdoc.config import ApiConfig, ClusterConfig, Inventory
from netdoc.errors import ConfigError
from netdoc.snapshot import api_artifact_path

PERMISSIONS_PATH = "/access/permissions"
# The requests and commands doctor sends besides the allow-list's own (docs/doctor.md).
DOCTOR_API = ("/version", PERMISSIONS_PATH)
# Lists Proxmox filters by privilege without a 403: (ACL path, privilege, what is left out, paths)
FILTERED = (
    (
        "/storage",
        "Datastore.Audit",
        "GET /storage lists only the storages the token may audit",
        ("/storage",),
    ),
    (
        "/sdn",
        "SDN.Audit",
        "the SDN lists leave out the zones and vnets the token may not audit",
        ("/cluster/sdn/zones", "/cluster/sdn/vnets", "/cluster/sdn/controllers"),
    ),
    (
        "/vms",
        "VM.Audit",
        "the guest lists leave out the guests the token may not audit",
        ("/nodes/{node}/qemu", "/nodes/{node}/lxc"),
    ),
)
_ACL = re.compile(r"Permission check failed \(([^,()]+), ([^()]+)\)")
# ------------------------------------------------------------------------------------------- TLS


def presented_fingerprint(host: str, port: int, timeout: float) -> str | None:
    """The SHA-256 fingerprint of the certificate the server shows (to say what to pin; never trusted)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # only to read the certificate and print its fingerprint
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as raw,
            ctx.wrap_socket(raw, server_hostname=host) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError):
        return None
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest()) if der else None


def _pin_hint(api: ApiConfig, idx: int) -> str:
    fp = presented_fingerprint(api.host, api.port, api.timeout_s)
    shown = f'"{fp}"' if fp else "<the SHA-256 fingerprint>"
    return (
        f"clusters[{idx}].api: fingerprint: {shown} (check it on the node: openssl x509 -noout "
        "-fingerprint -sha256 -in /etc/pve/local/pve-ssl.pem), with verify_tls: false, or ca_file: "
        "a copy of /etc/pve/pve-root-ca.pem"
    )


def _tls_check(api: ApiConfig, idx: int, add: Add) -> None:
    if api.tls_mode == "insecure":
        add(
            "",
            "tls",
            "TLS",
            "warning",
            INSECURE_WARNING,
            fix_title="pin the API certificate in the inventory",
            fix=_pin_hint(api, idx),
        )
        return
    if api.tls_mode == "pin":
        add(
            "",
            "tls",
            "TLS",
            "ok",
            f"pinned: the certificate must have SHA-256 {api.fingerprint} (chain not checked)",
        )
        return
    trust = f"the CA file {api.ca_file}" if api.ca_file else f"the system CAs ({system_ca_location()})"
    pinned = f", and pinned to SHA-256 {api.fingerprint}" if api.fingerprint else ""
    add("", "tls", "TLS", "ok", f"verified: chain and host name against {trust}{pinned}")


# ------------------------------------------------------------------------------------------- API


def _grant(api: ApiConfig, acl: str) -> str:
    tokens = f" --tokens '{api.user}!{api.token_id}'" if api.token_id else ""
    return f"pveum acl modify {acl} --users {api.user}{tokens} --roles PVEAuditor"


GRANT_TITLE = "grant the API user (and token) the read-only role, on any node of the cluster"


class _ApiDoctor:
    def __init__(self, cluster: ClusterConfig, idx: int, add: Add) -> None:
        assert cluster.api is not None
        self.cluster, self.api, self.idx, self.add = cluster, cluster.api, idx, add
        self.client: ApiClient | None = None

    def fail(
        self, node: str, area: str, subject: str, exc: BaseException, artifacts: tuple[str, ...]
    ) -> None:
        message = getattr(exc, "message", str(exc))
        status, title, fix = status_of(exc), "", ""
        acl = _ACL.search(message)
        if isinstance(exc, Denied) and acl:
            title, fix = GRANT_TITLE, _grant(self.api, acl.group(1))
        elif isinstance(exc, Denied):
            ref = self.api.token_secret or self.api.password
            title = "check the API credentials in the inventory"
            fix = (
                f"clusters[{self.idx}].api: user {self.api.user}, token_id {self.api.token_id}, secret from "
                f"{ref} (list the tokens: pveum user token list {self.api.user})"
            )
        elif "TLS" in message:
            title, fix = "make the API certificate trusted in the inventory", _pin_hint(self.api, self.idx)
        elif status == "unreachable":
            title = "make the API reachable from the netdoc host"
            fix = f"clusters[{self.idx}].api.host / port: {self.api.host}:{self.api.port} (pveproxy running?)"
        self.add(node, area, subject, status, message, artifacts, title, fix)

    def get(self, path: str) -> Any:
        assert self.client is not None
        return self.client.get(path, timeout=self.api.timeout_s)

    def connect(self) -> bool:
        who = f"{self.api.user}!{self.api.token_id}" if self.api.token_id else f"{self.api.user} (password)"
        everything = ("every api/ artifact",)
        try:
            self.client = ApiClient.connect(self.api, timeout=self.api.timeout_s)
            version = self.get("/version")
        except ConfigError as exc:
            ref = self.api.token_secret or self.api.password
            self.add(
                "",
                "api",
                "credentials",
                "config",
                "; ".join(exc.lines()),
                everything,
                "make the API secret readable",
                _secret_fix(str(ref)),
            )
            return False
        except FAILURES as exc:
            self.fail("", "api", "GET /version", exc, everything)
            return False
        release = version.get("version", "?") if isinstance(version, dict) else "?"
        self.add(
            "",
            "api",
            "GET /version",
            "ok",
            f"https://{self.client.where}: Proxmox VE {release}; authenticated as {who}",
        )
        return True

    def probe(self, node: str, path: str) -> Any:
        try:
            data = self.get(path)
        except FAILURES as exc:
            self.fail(node, "api", f"GET {path}", exc, (api_artifact_path(path),))
            return None
        self.add(node, "api", f"GET {path}", "ok", "allowed")
        return data

    def nodes(self, status: Any) -> list[NodeTarget]:
        listed = {n.name: n for n in self.cluster.nodes or ()}
        from_api: dict[str, tuple[str | None, bool | None]] = {}
        for item in status if isinstance(status, list) else ():
            if isinstance(item, dict) and item.get("type") == "node" and isinstance(item.get("name"), str):
                ip = item.get("ip") if isinstance(item.get("ip"), str) else None
                from_api[item["name"]] = (ip, None if item.get("online") is None else bool(item["online"]))
        return _merge_nodes(self.cluster, listed, from_api)

    def run(self, pool: ThreadPoolExecutor) -> list[NodeTarget] | None:
        if not self.connect():
            return None
        status = self.probe("", "/cluster/status")
        nodes = self.nodes(status)
        paths = [("", i.path) for i in CLUSTER_API if i.path not in ("/cluster/status", "/version")]
        for n in nodes:
            if n.in_api and n.online is not False:
                paths += [(n.name, i.path.format(node=n.name)) for i in NODE_API]
        results = dict(zip(paths, pool.map(lambda p: self.probe(*p), paths), strict=True))
        vnets = results.get(("", "/cluster/sdn/vnets"))
        names = sorted(
            {v["vnet"] for v in vnets if isinstance(v, dict) and isinstance(v.get("vnet"), str)}
            if isinstance(vnets, list)
            else set()
        )
        list(pool.map(lambda v: self.probe("", VNET_SUBNETS.path.format(vnet=v)), names))
        self.privileges([n.name for n in nodes if n.in_api and n.online is not False])
        return nodes

    def privileges(self, nodes: list[str]) -> None:
        try:
            perms = self.get(PERMISSIONS_PATH)
        except FAILURES as exc:
            message = getattr(exc, "message", str(exc))
            self.add(
                "",
                "privileges",
                f"GET {PERMISSIONS_PATH}",
                "warning",
                f"could not read the token's privileges ({message}): the filtered lists are not checked",
            )
            return
        perms = perms if isinstance(perms, dict) else {}
        for acl, privilege, what, paths in FILTERED:
            held = perms.get(acl)
            if isinstance(held, dict) and privilege in held:
                self.add("", "privileges", f"{privilege} on {acl}", "ok", "held")
                continue
            arts = tuple(
                api_artifact_path(p.format(node=n)) for p in paths for n in (nodes if "{node}" in p else [""])
            )
            self.add(
                "",
                "privileges",
                f"{privilege} on {acl}",
                "problem",
                f"the token lacks {privilege} on {acl}: {what} (a 200 reply, no error)",
                arts,
                GRANT_TITLE,
                _grant(self.api, acl),
            )


def _secret_fix(ref: str) -> str:
    scheme, _, target = ref.partition(":")
    if scheme == "env":
        return f"export {target}=<the token's secret> in netdoc's environment (systemd: EnvironmentFile=)"
    return f"write the secret into {target} (one line; chmod 600, owned by netdoc's user)"


def _merge_nodes(
    cluster: ClusterConfig, listed: dict[str, Any], from_api: dict[str, tuple[str | None, bool | None]]
) -> list[NodeTarget]:
    """The nodes as collect sees them: the API's, and the inventory's (whose address wins)."""
    port = cluster.ssh.port if cluster.ssh else 22
    out = []
    for name in sorted({*from_api, *listed}):
        entry = listed.get(name)
        ip, online = from_api.get(name, (None, None))
        address = entry.address if entry else (None if cluster.nodes else ip)
        node_port = entry.ssh_port if entry and entry.ssh_port else port
        out.append(NodeTarget(name, address, node_port, online, name in from_api))
    return out


# ------------------------------------------------------------------------------------------- the run


def diagnose_cluster(cluster: ClusterConfig, idx: int, own_known_hosts: Path | None = None) -> list[Check]:
    """Every check of one cluster (the inventory's clusters[idx]), in a stable order."""
    checks: list[Check] = []

    def add(node: str, area: str, subject: str, status: str, detail: str, *rest: Any, **kw: Any) -> None:
        checks.append(Check(cluster.name, node, area, subject, status, detail, *rest, **kw))

    nodes: list[NodeTarget] | None = None
    with ThreadPoolExecutor(max_workers=min(8, cluster.collect.concurrency)) as pool:
        if cluster.api is not None:
            _tls_check(cluster.api, idx, add)
            doctor = _ApiDoctor(cluster, idx, add)
            try:
                nodes = doctor.run(pool)
            finally:
                if doctor.client is not None:
                    doctor.client.close()
        if nodes is None:  # no API, or it failed: the inventory's nodes
            nodes = _merge_nodes(cluster, {n.name: n for n in cluster.nodes or ()}, {})
        if cluster.ssh is not None:
            own = own_known_hosts or netdoc_known_hosts()
            list(pool.map(lambda n: SshDoctor(cluster, idx, n, own, add).run(), nodes))
        elif nodes:
            add(
                "",
                "ssh",
                "ssh",
                "ok",
                "no ssh section: API-only collection (no OVS, bonding or corosync.conf)",
            )
    order = {
        a: i
        for i, a in enumerate(("tls", "api", "privileges", "node", "host key", "ssh", "files", "commands"))
    }
    return sorted(
        checks, key=lambda c: (c.node, order.get(c.area, 99), c.area in ("api", "privileges") and c.subject)
    )


def diagnose(
    inventory: Inventory, *, cluster_names: Iterable[str] | None = None, own_known_hosts: Path | None = None
) -> DoctorReport:
    """Check every cluster of the inventory (or the named ones), one after the other."""
    wanted = set(cluster_names) if cluster_names is not None else None
    report = DoctorReport()
    for idx, cluster in enumerate(inventory.clusters):
        if wanted is None or cluster.name in wanted:
            report.checks += diagnose_cluster(cluster, idx, own_known_hosts)
    return report
