"""What the parser fuzzing shares: every kind's seed inputs, one call of a parser, and regression files.

A parser is called as `netdoc parse` and the loader call it, `parse({path: text}, path)`; the path
is shaped like a snapshot path so that the names a parser takes from it (node, vnet, vmid) are
derived as in real use. The only exception a parser may raise is ParseError, with a reason (the
file and line when it has them); anything else is a crash. A crash is kept as a regression case,
tests/fuzz/regressions/<kind>-<sha256 prefix>.json, that the test run replays
(tests/fuzz/test_regressions.py). Used by tests/fuzz and by the long campaign (benchmarks/fuzz.py).
"""

from __future__ import annotations

import hashlib
import json
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from netdoc.errors import ParseError
from netdoc.parsers.kinds import KINDS, get_kind
from netdoc.parsers.pve_api import api_path_of, kind_for_api_path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLE = ROOT / "netdoc" / "examples" / "starwars"
REGRESSIONS = Path(__file__).resolve().parent / "regressions"
MAX_SEED_CHARS = 20_000  # longer fixtures are cut: the fuzzers mutate faster on small inputs

# kind -> (fixture globs below tests/fixtures and the example snapshot, the path a fuzzed input gets)
SEED_GLOBS: dict[str, tuple[tuple[str, ...], str]] = {
    "interfaces": (("ifupdown/**/interfaces", "nat-hooks/**/interfaces", "ex:nodes/*/etc/network/interfaces"),
                   "nodes/pve1/etc/network/interfaces"),
    "bonding": (("bonding/**/bond*", "ex:nodes/*/proc/net/bonding/*"), "nodes/pve1/proc/net/bonding/bond0"),
    "ovs-show": (("ovs/**/ovs-vsctl-show.txt", "ex:nodes/*/commands/ovs-vsctl-show.txt"),
                 "nodes/pve1/commands/ovs-vsctl-show.txt"),
    "ovs-json": (("ovs/**/ovs-vsctl-list-*.json",), "nodes/pve1/commands/ovs-vsctl-list-port.json"),
    "ovs-list": (("ovs/**/ovs-vsctl-list-*.txt",), "nodes/pve1/commands/ovs-vsctl-list-bridge.txt"),
    "corosync": (("corosync/**/corosync.conf", "ex:nodes/*/etc/pve/corosync.conf"), "etc/pve/corosync.conf"),
    "storage": (("storage/**/storage.cfg", "ex:nodes/*/etc/pve/storage.cfg"), "etc/pve/storage.cfg"),
    "sdn-cfg": (("sdn-cfg/**/*.cfg",), "etc/pve/sdn/zones.cfg"),
    "sdn-running": (("sdn-running/**/.running-config",), "etc/pve/sdn/.running-config"),
    "datacenter": (("datacenter/**/datacenter.cfg",), "etc/pve/datacenter.cfg"),
    "ceph-conf": (("ceph-conf/**/ceph.conf",), "etc/pve/ceph.conf"),
    "ha-groups": (("ha-groups/**/groups.cfg",), "etc/pve/ha/groups.cfg"),
    "ha-resources": (("ha-resources/**/resources.cfg",), "etc/pve/ha/resources.cfg"),
    "ha-rules": (("ha-rules/**/rules.cfg",), "etc/pve/ha/rules.cfg"),
    "qemu-config": (("qemu-config/**/*.conf", "ex:nodes/*/etc/pve/nodes/*/qemu-server/*.conf"),
                    "etc/pve/nodes/pve1/qemu-server/100.conf"),
    "lxc-config": (("lxc-config/**/*.conf", "ex:nodes/*/etc/pve/nodes/*/lxc/*.conf"),
                   "etc/pve/nodes/pve1/lxc/100.conf"),
    "qemu-config-json": (("qemu-config-json/**/config.json",), "api/nodes/pve1/qemu/100/config.json"),
    "lxc-config-json": (("lxc-config-json/**/config.json",), "api/nodes/pve1/lxc/100/config.json"),
    "guest-configs-bulk": (("guest-configs-bulk/**/guest-configs.txt",), "nodes/pve1/commands/guest-configs.txt"),
    "hosts": (("hosts/**/hosts", "ex:nodes/*/etc/hosts"), "nodes/pve1/etc/hosts"),
    "iptables-save": (("iptables-save/**/*.txt",), "nodes/pve1/commands/iptables-save-t-nat.txt"),
    "sysctl": (("sysctl/**/sysctl.conf", "sysctl/**/*.conf"), "nodes/pve1/etc/sysctl.conf"),
    "lldp": (("lldp/**/lldpctl-f-*",), "nodes/pve1/commands/lldpctl-f-json0.json"),
    "lldp-json0": (("lldp/**/lldpctl-f-json0.json",), "nodes/pve1/commands/lldpctl-f-json0.json"),
    "lldp-json": (("lldp/**/lldpctl-f-json*.json",), "nodes/pve1/commands/lldpctl-f-json.json"),
    "lldp-keyvalue": (("lldp/**/lldpctl-f-keyvalue.txt",), "nodes/pve1/commands/lldpctl-f-keyvalue.txt"),
    "ip-link": (("iproute2/**/ip-j-d-link.json",), "nodes/pve1/commands/ip-j-d-link.json"),
    "ip-addr": (("iproute2/**/ip-j-addr.json",), "nodes/pve1/commands/ip-j-addr.json"),
    "bridge-vlan": (("iproute2/**/bridge-j-vlan-show*.json",), "nodes/pve1/commands/bridge-j-vlan-show.json"),
}  # fmt: skip
# API kinds: their seeds are the golden replies whose API path has that kind, the path is the API's.
API_PATHS = {
    "api-cluster-nodes": "api/cluster/config/nodes.json",
    "api-cluster-options": "api/cluster/options.json",
    "api-cluster-status": "api/cluster/status.json",
    "api-dns": "api/nodes/pve1/dns.json",
    "api-hosts": "api/nodes/pve1/hosts.json",
    "api-network": "api/nodes/pve1/network.json",
    "api-nodes": "api/nodes.json",
    "api-resources": "api/cluster/resources.json",
    "api-sdn-controllers": "api/cluster/sdn/controllers.json",
    "api-sdn-subnets": "api/cluster/sdn/vnets/vnet1/subnets.json",
    "api-sdn-vnets": "api/cluster/sdn/vnets.json",
    "api-sdn-zones": "api/cluster/sdn/zones.json",
    "api-storage": "api/storage.json",
    "api-totem": "api/cluster/config/totem.json",
    "api-version": "api/version.json",
}


def all_kinds() -> list[str]:
    """Every kind `netdoc kinds` lists (a new kind without seeds fails tests/fuzz loudly)."""
    return sorted(KINDS)


def entry_path(kind: str) -> str:
    if kind in API_PATHS:
        return API_PATHS[kind]
    return SEED_GLOBS[kind][1]


def _api_seeds(kind: str) -> Iterator[Path]:
    for base in (FIXTURES, EXAMPLE):
        for path in sorted(base.rglob("*.json")):
            api = api_path_of(path.relative_to(ROOT).as_posix())
            if api is not None and kind_for_api_path(api) == kind:
                yield path


def seeds(kind: str) -> list[str]:
    """The kind's real inputs (fixtures and the bundled example), each cut to MAX_SEED_CHARS."""
    if kind in API_PATHS:
        paths = list(_api_seeds(kind))
    else:
        paths = []
        for pattern in SEED_GLOBS[kind][0]:
            base, glob = (EXAMPLE, pattern[3:]) if pattern.startswith("ex:") else (FIXTURES, pattern)
            paths += sorted(p for p in base.glob(glob) if p.is_file() and p.name != "expected.json")
    texts = {p.read_bytes().decode("utf-8", errors="replace")[:MAX_SEED_CHARS] for p in paths}
    return sorted(texts)


@dataclass(frozen=True)
class Crash:
    """A parser raised something other than ParseError (or a ParseError without a reason)."""

    kind: str
    text: str
    error: str  # "TypeError: ..." (first line)
    where: str  # the innermost netdoc frame: "netdoc/parsers/x.py:123"
    trace: str

    @property
    def signature(self) -> str:
        """Crashes with the same exception type at the same place are the same bug."""
        return f"{self.kind}|{self.error.split(':', 1)[0]}|{self.where}"


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    inside = [f for f in frames if "/netdoc/" in f.filename.replace("\\", "/")]
    frame = (inside or frames or [None])[-1]
    if frame is None:
        return "?"
    name = frame.filename.replace("\\", "/")
    return f"{name[name.rfind('/netdoc/') + 1 :]}:{frame.lineno}"


def run_parser(kind: str, text: str) -> Crash | None:
    """Parse `text` as `kind`; None when it gave a model or a proper ParseError, else the crash."""
    path = entry_path(kind)
    parse = get_kind(kind).parser()
    try:
        parse({path: text}, path)
    except ParseError as exc:
        if exc.reason.strip():
            return None
        return Crash(kind, text, "ParseError without a reason", _where(exc), traceback.format_exc())
    except RecursionError as exc:  # a deep input must be refused as ParseError, not overflow the stack
        return Crash(kind, text, "RecursionError", _where(exc), "")
    except Exception as exc:
        first = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        return Crash(kind, text, first, _where(exc), traceback.format_exc())
    return None


def regression_file(crash: Crash) -> Path:
    digest = hashlib.sha256(f"{crash.kind}\0{crash.text}".encode("utf-8", "surrogatepass")).hexdigest()
    return REGRESSIONS / f"{crash.kind}-{digest[:12]}.json"


def save_regression(crash: Crash, found_by: str) -> Path:
    """Keep the crash as a case the test run replays (JSON: lone surrogates are escaped)."""
    REGRESSIONS.mkdir(parents=True, exist_ok=True)
    path = regression_file(crash)
    doc = {
        "kind": crash.kind,
        "found_by": found_by,
        "error": crash.error,
        "where": crash.where,
        "text": crash.text,
    }
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=True) + "\n", encoding="ascii")
    return path


def load_regressions() -> list[tuple[str, str, str]]:
    """(case name, kind, text) of every regression file."""
    out = []
    for path in sorted(REGRESSIONS.glob("*.json")):
        doc = json.loads(path.read_text(encoding="ascii"))
        out.append((path.stem, str(doc["kind"]), str(doc["text"])))
    return out
