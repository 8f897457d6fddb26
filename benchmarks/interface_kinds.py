"""Interfaces by kind over the real interfaces files we hold (not part of the test run).

    .venv/bin/python benchmarks/interface_kinds.py [--unknown] [--reference DIR]

Reads every interfaces file of the reference corpus (../shared/reference beside the checkout, or
NETDOC_REFERENCE, or --reference): proxmox/interfaces (pve-docs code blocks), proxmox/sdn/*/
{interfaces,expected_sdn_interfaces} (pve-network's SDN test inputs and outputs) and
linux/interfaces (Debian ifupdown's and ifupdown2's test and example files), plus the examples
shipped in the unpacked ifupdown2 package (tools/ifupdown2, see tools/fetch-ifupdown2.sh) that are
not already in the corpus. Each file is parsed on its own, as tests/test_ifupdown.py does, and the
interfaces are counted by kind, per corpus folder and in all. --unknown lists the interfaces whose
kind is still "unknown", with the option names that might tell what they are.
"""

from __future__ import annotations

import argparse
import hashlib
import os
from collections import Counter
from pathlib import Path

from netdoc.model.interfaces import InterfaceKind
from netdoc.parsers.ifupdown import parse_interfaces

ROOT = Path(__file__).resolve().parents[1]
ENTRY = "/etc/network/interfaces"
IFUPDOWN2_EXAMPLES = ROOT / "tools" / "ifupdown2" / "usr" / "share" / "doc" / "ifupdown2" / "examples"
# Files under linux/interfaces that are not interfaces files (ifup's expected output, scripts,
# the man page source, prose), as tests/ifupdown_cases.py skips them.
_NOT_INTERFACES = (".py", ".sh", ".pre")


def _is_interfaces_file(p: Path) -> bool:
    if p.suffix in _NOT_INTERFACES or "README" in p.name:
        return False
    return not (p.parent.name == "tests" and p.name.startswith("up."))


def corpus(reference: Path) -> tuple[list[tuple[str, Path]], int]:
    """(group, file) for every interfaces file, each content once; and how many copies were dropped."""
    found: list[tuple[str, Path]] = []
    prox = reference / "proxmox"
    if (prox / "interfaces").is_dir():
        found += [("proxmox/interfaces", p) for p in sorted((prox / "interfaces").iterdir()) if p.is_file()]
    if (prox / "sdn").is_dir():
        found += [
            ("proxmox/sdn", p)
            for p in sorted((prox / "sdn").glob("*/*"))
            if p.name in ("interfaces", "expected_sdn_interfaces")
        ]
    linux = reference / "linux" / "interfaces"
    if linux.is_dir():
        files = sorted(p for p in linux.rglob("*") if p.is_file() and _is_interfaces_file(p))
        found += [("linux/interfaces", p) for p in files]
    if IFUPDOWN2_EXAMPLES.is_dir():
        found += [
            ("ifupdown2 package", p)
            for p in sorted(IFUPDOWN2_EXAMPLES.rglob("*"))
            if p.is_file() and _is_interfaces_file(p)
        ]
    seen: set[str] = set()
    unique: list[tuple[str, Path]] = []
    for group, p in found:
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            unique.append((group, p))
    return unique, len(found) - len(unique)


_HINTS = ("link-type", "vrf-table", "vrf", "veth-peer-name", "macvlan-physdev", "vxlan-id", "tunnel-mode")


def main() -> None:
    default = os.environ.get("NETDOC_REFERENCE") or str(ROOT.parent / "shared" / "reference")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", default=default, help="the reference folder (default: %(default)s)")
    ap.add_argument("--unknown", action="store_true", help="list the interfaces still of kind unknown")
    args = ap.parse_args()
    files, copies = corpus(Path(args.reference))
    if not files:
        raise SystemExit(f"no interfaces files under {args.reference}")
    by_group: dict[str, Counter[str]] = {}
    files_per_group: Counter[str] = Counter()
    unknown: list[str] = []
    for group, path in files:
        files_per_group[group] += 1
        text = path.read_bytes().decode("utf-8", errors="replace")
        cfg = parse_interfaces({ENTRY: text}, ENTRY)
        counts = by_group.setdefault(group, Counter())
        for iface in cfg.interfaces:
            counts[iface.kind.value] += 1
            if iface.kind == InterfaceKind.UNKNOWN:
                hints = sorted({f"{o.name} {o.value}" for o in iface.options if o.name in _HINTS})
                where = path.relative_to(args.reference) if path.is_relative_to(args.reference) else path
                unknown.append(f"  {where}: {iface.name} {'; '.join(hints)}")
    total: Counter[str] = Counter()
    for counts in by_group.values():
        total.update(counts)
    kinds = [k.value for k in InterfaceKind if total[k.value]]
    groups = list(by_group)
    print("| kind | " + " | ".join(groups) + " | all |")
    print("|---|" + "---:|" * (len(groups) + 1))
    for kind in kinds:
        cells = [str(by_group[g][kind] or "") for g in groups]
        print(f"| {kind} | " + " | ".join(cells) + f" | {total[kind]} |")
    sums = [str(sum(by_group[g].values())) for g in groups]
    print("| **interfaces** | " + " | ".join(sums) + f" | {sum(total.values())} |")
    print("| files | " + " | ".join(str(files_per_group[g]) for g in groups) + f" | {len(files)} |")
    print(f"\n({copies} files identical to one above not counted again)")
    if args.unknown:
        print(f"\nkind unknown ({len(unknown)}):")
        print("\n".join(unknown))


if __name__ == "__main__":
    main()
