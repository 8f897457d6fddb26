"""Differential test: netdoc's interfaces parser against ifupdown2's own parser.

ifupdown2 (Debian's package, fetched and unpacked by tools/fetch-ifupdown2.sh, never installed)
parses every fixture and every interfaces file of ../shared/reference in-process
(tests/ifupdown2_runner.py). Both parsers must agree on the set of interfaces and, for each, on
its members, addresses and option lines. Every difference that remains is listed in KNOWN with
the reason it is accepted; a difference not listed fails, and so does a listed one that no
longer occurs (the table stays honest).

How ifupdown2's side is read (its own code wherever it has some):
- interfaces: the names its parser reports through the "iface_found" callback;
- members: its own `parse_port_list` over bridge-ports (`none` lines dropped, as its bridge
  addon does), bond-slaves/bond-ports, ovs-ports and ovs-bonds, plus the interfaces that name
  it as bond-master or ovs-bridge, and for a VRF (`vrf-table`) those that name it with `vrf` (its
  vrf addon's get_upper_ifacenames): the same back-references netdoc adds;
- addresses: its own IPNetwork over `address`, with `netmask` taken at the same index (its
  address addon's rule), all dropped when one is invalid (what the addon does);
- options: every (name, value) pair of its config, compared as a multiset; netdoc's values get
  `$IFACE` replaced by the interface name first, as ifupdown2's parser does while reading.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from netdoc.model.interfaces import InterfacesConfig
from netdoc.parsers.ifupdown import parse_interfaces
from tests.ifupdown_cases import (
    ENTRY,
    PENDING,
    case_files,
    fixture_cases,
    reference_id,
    reference_interfaces,
)
from tests.oracles import require

ROOT = Path(__file__).resolve().parents[1]
IFUPDOWN2 = Path(os.environ.get("NETDOC_IFUPDOWN2_DIR") or ROOT / "tools" / "ifupdown2")
PKG = IFUPDOWN2 / "usr" / "share" / "ifupdown2"
BRIDGE_VLAN = 16  # ifupdown2's ifaceType.BRIDGE_VLAN: objects of a `vlan` stanza

# Why a difference is accepted. Each reason is a decision documented in docs/parsers/interfaces.md.
REASONS: dict[str, str] = {
    "eol-comment": "end-of-line ' #' text is not a comment for ifupdown(2): ifupdown2 keeps it in the "
    "value (ports '#', 'physical', 'netcard'; an address it cannot read, so it drops them all); "
    "netdoc keeps the option line verbatim but reads the value without it, and warns",
    "slaves": "`slaves` is the ifenslave and Proxmox spelling of bond-slaves: Proxmox's parser reads "
    "the bond's members from it, Debian's ifupdown2 3.0 knows only bond-slaves/bond-ports (netdoc "
    "reads it and warns)",
    "alias-folded": "ifupdown2 folds an alias label's stanza (`eth0:1`, `lo:ospf`) into its base "
    "interface; ifupdown and Proxmox keep it as its own interface, and so does netdoc (kind alias, "
    "the base as its parent)",
    "template": "mako template lines: netdoc skips them and never renders (that would run code from "
    "the file); ifupdown2 without rendering reads them as options of the stanza above",
    "vlan-stanza": "an ifupdown2 `vlan` stanza (bridge-VLAN attributes) is a directive for netdoc, "
    "not an interface",
    "classic-keyword": "a classic ifupdown keyword (mapping, no-scripts, no-auto-down, rename) ends "
    "the stanza for netdoc as for ifupdown; ifupdown2 does not know it and reads it as an option "
    "of the stanza above",
    "source-directory": "Debian's ifupdown2 3.0 predates source-directory (upstream PR #219, carried "
    "by Proxmox's ifupdown2): it reads the line as an option and none of the directory's files",
    "relative-source": "a relative `source` inside an included file: ifupdown (and ifupdown2 since "
    "PR #219) resolve it against that file's folder, Debian's ifupdown2 3.0 against the working "
    "directory (here the entry file's folder), where the file is not",
    "bad-address": "an invalid address line (`/64`, `/`): ifupdown2's address addon then drops every "
    "address of the interface and accepts `3ffe:...::4/` as /128; netdoc drops only the invalid "
    "lines (with a warning)",
    "lone-cr": "a lone carriage return: ifupdown2 reads files in Python's text mode, where it ends a "
    "line; ifupdown ends lines at newline only, and so does netdoc",
    "comment-continuation": "a comment line ending with a backslash: ifupdown never continues a "
    "comment (netdoc neither); ifupdown2 joins at every backslash and swallows the next line",
    "regex-ports": "`regex` port expressions match the node's live interfaces at run time: netdoc keeps "
    "the expression as written (and warns), ifupdown2 here matches none (the runner's node has no "
    "interfaces)",
    "oracle-crash": "ifupdown2's parser raised on an earlier line (see CRASHES) and never saw this "
    "interface; netdoc warned about the line and read on",
}

E, D, M, A, OPT = "only-netdoc", "only-ifupdown2", "members", "addresses", "options"
LINUX = "reference:linux/interfaces/"

# case id -> {(interface, aspect): reason}
KNOWN: dict[str, dict[tuple[str, str], str]] = {
    "fixture:broken_binary": {("vmbr0", OPT): "lone-cr"},
    "fixture:broken_crashers": {("eno2", E): "oracle-crash"},
    "fixture:continuation_lines": {("vmbr0", OPT): "comment-continuation"},
    "fixture:ifupdown_only": {
        ("br${v}", OPT): "template",
        ("br0", M): "regex-ports",
        ("br0.100", D): "vlan-stanza",
        ("eth1", OPT): "classic-keyword",
        ("lo", OPT): "classic-keyword",
    },
    "fixture:alias_labels": {
        ("eno1", A): "alias-folded",
        ("eno1", OPT): "alias-folded",
        ("eno1:mgmt", E): "alias-folded",
        ("lo", A): "alias-folded",
        ("lo", OPT): "alias-folded",
        ("lo:ospf", E): "alias-folded",
    },
    "fixture:multi_family": {("eno1", D): "alias-folded", ("eno1:1", E): "alias-folded"},
    "fixture:sdn_vlan_aware": {
        ("ln_vnet2", E): "source-directory",
        ("pr_vnet2", E): "source-directory",
        ("vmbr0", OPT): "source-directory",
        ("vmbr0v200", E): "source-directory",
        ("vnet1", E): "source-directory",
        ("vnet2", E): "source-directory",
    },
    "fixture:source_directory": {
        ("bond0", E): "source-directory",
        ("bond0.30", E): "source-directory",
        ("eno1", E): "source-directory",
        ("eno2", E): "source-directory",
        ("lo", OPT): "source-directory",
    },
    "fixture:source_relative_glob": {("eno2", E): "relative-source"},
    "fixture:talk_bridge": {("vmlbr0", M): "eol-comment"},
    "fixture:talk_mesh_broadcast": {("bond1", M): "slaves"},
    "fixture:talk_routed_nat": {("vbr0", A): "eol-comment"},
    LINUX + "debian-ifupdown/tests/testcase.3": {("eth0", A): "bad-address"},
    LINUX + "debian-ifupdown/tests/testcase.8": {
        ("eth1", A): "alias-folded",
        ("eth1", OPT): "alias-folded",
        ("eth1:1", E): "alias-folded",
        ("eth2.2", A): "alias-folded",
        ("eth2.2", OPT): "alias-folded",
        ("eth2.2:3", E): "alias-folded",
    },
    LINUX + "ifupdown2-examples/interfaces_bridge_vlan_bond_vxlan_vrf": {
        ("eth0", OPT): "template",
        ("swp${id}", OPT): "template",
    },
    LINUX + "ifupdown2-examples/vlan_aware_bridges/interfaces.with_bonds": {
        ("bridge.4094", OPT): "vlan-stanza",
        ("downlink", OPT): "template",
    },
}


# ------------------------------------------------------------------------------------------ inputs


@cache
def all_cases() -> dict[str, tuple[dict[str, str], str]]:
    """case id -> (files, entry): every fixture (and its pending file) and every reference file."""
    out: dict[str, tuple[dict[str, str], str]] = {}
    for case in fixture_cases():
        files = case_files(case)
        out[f"fixture:{case.name}"] = (files, ENTRY)
        if PENDING in files:
            out[f"fixture:{case.name}:new"] = (files, PENDING)
    for p in reference_interfaces():
        out[f"reference:{reference_id(p)}"] = ({ENTRY: p.read_bytes().decode("utf-8", "replace")}, ENTRY)
    return out


@pytest.fixture(scope="module")
def oracle() -> dict[str, Any]:
    require(
        "ifupdown2",
        (PKG / "ifupdown" / "networkinterfaces.py").is_file(),
        f"run tools/fetch-ifupdown2.sh (looked in {IFUPDOWN2})",
    )
    request = {
        "pkg": str(PKG),
        "cases": [{"id": cid, "files": f, "entry": e} for cid, (f, e) in all_cases().items()],
    }
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("ifupdown2_runner.py"))],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "PYTHONUTF8": "1"},
        check=False,
    )
    assert proc.returncode == 0, f"ifupdown2 runner failed:\n{proc.stderr[-4000:]}"
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


# ------------------------------------------------------------------------------------------ views


def _norm_addr(text: str) -> str:
    try:
        return str(ipaddress.ip_interface(text))
    except ValueError:
        return text


def netdoc_view(cfg: InterfacesConfig) -> dict[str, dict[str, Any]]:
    view: dict[str, dict[str, Any]] = {}
    for iface in cfg.interfaces:
        opts = Counter((o.name, o.value.replace("$IFACE", iface.name)) for o in iface.options)
        view[iface.name] = {
            "members": list(iface.members),
            "addresses": [a.cidr for a in iface.addresses],
            "options": opts,
        }
    return view


def ifupdown2_view(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    objs = list(result["objects"])
    by_name: dict[str, list[dict[str, Any]]] = {}
    for o in objs:
        by_name.setdefault(o["name"], []).append(o)
    view: dict[str, dict[str, Any]] = {}
    for name, group in by_name.items():
        opts: Counter[tuple[str, str]] = Counter()
        members: list[str] = []
        addresses: list[str] | None = []
        for o in group:
            for key, values in o["config"].items():
                opts.update((key, v) for v in values)
            ovs_type = " ".join(o["config"].get("ovs-type", []))
            for key in ("bridge-ports", "bond-slaves", "bond-ports"):
                members += [p for p in o["ports"].get(key, []) if p != "none"]
            if ovs_type == "OVSBridge":
                members += o["ports"].get("ovs-ports", [])
            if ovs_type == "OVSBond":
                members += o["ports"].get("ovs-bonds", [])
            if o["addresses"] is None or addresses is None:
                addresses = None
            else:
                addresses += [_norm_addr(a) for a in o["addresses"]]
        view[name] = {"members": members, "addresses": addresses or [], "options": opts}
    # members declared from the other side: bond-master, ovs-bridge
    for o in objs:
        for key in ("bond-master", "ovs-bridge"):
            for value in o["config"].get(key, [])[:1]:
                parent = value.split()[0] if value.split() else value
                if parent in view and o["name"] not in view[parent]["members"]:
                    view[parent]["members"].append(o["name"])
    # a VRF's slaves: the interfaces naming it with `vrf` (ifupdown2's vrf addon makes an interface
    # with vrf-table a LINK_MASTER and one with `vrf NAME` its LINK_SLAVE)
    vrfs = {o["name"] for o in objs if o["config"].get("vrf-table")}
    for o in objs:
        for value in o["config"].get("vrf", [])[:1]:
            parent = value.split()[0] if value.split() else value
            if parent in vrfs and o["name"] not in vrfs and o["name"] not in view[parent]["members"]:
                view[parent]["members"].append(o["name"])
    for v in view.values():
        v["members"] = list(dict.fromkeys(v["members"]))
    return view


def differences(
    ours: dict[str, dict[str, Any]], theirs: dict[str, dict[str, Any]]
) -> dict[tuple[str, str], str]:
    diffs: dict[tuple[str, str], str] = {}
    for name in ours.keys() - theirs.keys():
        diffs[(name, "only-netdoc")] = "interface only netdoc reports"
    for name in theirs.keys() - ours.keys():
        diffs[(name, "only-ifupdown2")] = "interface only ifupdown2 reports"
    for name in ours.keys() & theirs.keys():
        a, b = ours[name], theirs[name]
        if a["members"] != b["members"]:
            diffs[(name, "members")] = f"netdoc {a['members']} / ifupdown2 {b['members']}"
        if a["addresses"] != b["addresses"]:
            diffs[(name, "addresses")] = f"netdoc {a['addresses']} / ifupdown2 {b['addresses']}"
        if a["options"] != b["options"]:
            only_a = a["options"] - b["options"]
            only_b = b["options"] - a["options"]
            diffs[(name, "options")] = f"only netdoc {sorted(only_a)} / only ifupdown2 {sorted(only_b)}"
    return diffs


# ------------------------------------------------------------------------------------------ tests

CASE_IDS = sorted(all_cases())


def test_there_are_cases_to_compare() -> None:
    assert len(CASE_IDS) >= len(fixture_cases()) >= 30


def test_accepted_differences_are_few() -> None:
    """The numbers of the report: cases compared and differences accepted (each with a reason)."""
    accepted = sum(len(v) for v in KNOWN.values())
    # 42 today; 6 of them are one case (alias_labels) of ifupdown2 folding `lo:ospf` and `eno1:mgmt`
    assert accepted <= 45, f"{accepted} accepted differences over {len(CASE_IDS)} cases"


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_same_interfaces_as_ifupdown2(case_id: str, oracle: dict[str, Any]) -> None:
    files, entry = all_cases()[case_id]
    result = oracle[case_id]
    assert result["crashed"] is None or case_id in CRASHES, f"ifupdown2 crashed: {result['crashed']}"
    found = differences(netdoc_view(parse_interfaces(files, entry)), ifupdown2_view(result))
    known = KNOWN.get(case_id, {})
    unexpected = {k: v for k, v in found.items() if k not in known}
    gone = [k for k in known if k not in found]
    report = "\n".join(f"  {k[0]} [{k[1]}]: {v}" for k, v in sorted(unexpected.items()))
    assert not unexpected, f"differences with ifupdown2 not in KNOWN:\n{report}"
    assert not gone, f"KNOWN lists differences that no longer occur: {gone}"


# ifupdown2's parser raises (instead of reporting) on these inputs; what it found before is compared.
CRASHES: dict[str, str] = {
    "fixture:broken_crashers": "`iface` alone: its parse_iface indexes a missing name (IndexError)",
    "reference:linux/interfaces/debian-ifupdown/tests/testcase.12": "`iface` alone: IndexError",
}


def test_known_table_is_consistent() -> None:
    used = {reason for entries in KNOWN.values() for reason in entries.values()}
    assert used <= REASONS.keys(), f"reasons without an explanation: {used - REASONS.keys()}"
    assert REASONS.keys() <= used, f"explained reasons no difference uses: {REASONS.keys() - used}"
    # Reference cases exist only where ../shared/reference does; fixture cases always.
    expected = {k for k in KNOWN if k.startswith("fixture:") or reference_interfaces()}
    assert expected <= set(CASE_IDS), f"KNOWN names cases that do not exist: {expected - set(CASE_IDS)}"
