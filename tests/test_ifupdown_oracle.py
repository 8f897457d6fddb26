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
  it as bond-master or ovs-bridge (the same back-references netdoc adds);
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
    "eol-comment": "end-of-line ' #' text: ifupdown2 keeps it in the value (extra ports, an invalid "
    "address); netdoc keeps the line verbatim in options but reads the value without it (and warns)",
    "slaves": "`slaves` is the ifenslave/Proxmox spelling of bond-slaves; Debian's ifupdown2 3.0 "
    "knows only bond-slaves/bond-ports, Proxmox's parser reads `slaves` as the bond's members",
    "alias-folded": "ifupdown2 folds an `eth0:1` stanza into eth0; ifupdown and Proxmox keep it as "
    "its own (alias) interface, and so does netdoc",
    "template": "mako template lines: netdoc skips them (never renders, that would run the file's "
    "code); ifupdown2 without rendering reads them as options of the stanza above",
    "vlan-stanza": "an ifupdown2 `vlan` stanza (bridge-vlan attributes) is a directive for netdoc, "
    "not an interface",
    "classic-keyword": "a classic ifupdown keyword (mapping, source-directory, no-scripts, rename) "
    "ends the stanza for netdoc; ifupdown2 3.0 does not know it and reads it as an option of the "
    "stanza above",
    "bad-address": "an address ifupdown2's lenient IPNetwork accepts (`3ffe::4/`, `/64`) is not an "
    "address for netdoc (warned and left out)",
    "no-value": "an option without a value: both skip it, ifupdown2 reports an error, netdoc warns",
}

# (case id) -> {(interface, aspect): reason}; aspects: only-netdoc, only-ifupdown2, members,
# addresses, options.
KNOWN: dict[str, dict[tuple[str, str], str]] = {}


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
    objs = [o for o in result["objects"]]
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
            for parent in o["config"].get(key, [])[:1]:
                parent = parent.split()[0] if parent.split() else parent
                if parent in view and o["name"] not in view[parent]["members"]:
                    view[parent]["members"].append(o["name"])
    for v in view.values():
        v["members"] = list(dict.fromkeys(v["members"]))
    return view


def differences(ours: dict[str, dict[str, Any]], theirs: dict[str, dict[str, Any]]) -> dict[tuple[str, str], str]:
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
    assert len(CASE_IDS) >= len(fixture_cases()) >= 20


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
CRASHES: dict[str, str] = {}


def test_known_table_is_consistent() -> None:
    used = {reason for entries in KNOWN.values() for reason in entries.values()}
    assert used <= REASONS.keys(), f"reasons without an explanation: {used - REASONS.keys()}"
    assert REASONS.keys() <= used, f"explained reasons no difference uses: {REASONS.keys() - used}"
    assert set(KNOWN) <= set(CASE_IDS), f"KNOWN names cases that do not exist: {set(KNOWN) - set(CASE_IDS)}"
