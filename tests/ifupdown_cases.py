"""The inputs of the ifupdown tests: golden fixture folders and the reference interfaces files.

A fixture case is tests/fixtures/ifupdown/<case>/ holding `interfaces` plus any included files laid
out as on a node below /etc/network (`interfaces.d/sdn` -> /etc/network/interfaces.d/sdn); an
`interfaces.new` beside it is a pending edit, parsed as its own entry. expected*.json are outputs.
"""

from __future__ import annotations

from pathlib import Path

from tests.golden import REFERENCE, cases

SOURCE = "ifupdown"
NODE_DIR = "/etc/network"
ENTRY = f"{NODE_DIR}/interfaces"
PENDING = f"{NODE_DIR}/interfaces.new"

# Files under reference/linux/interfaces that are not interfaces files: ifup's expected output,
# scripts, the man page source and prose READMEs. The CLI and conformance tests still read them
# (robustness); the differential test compares interfaces files only.
_NOT_INTERFACES_SUFFIXES = (".py", ".sh", ".pre")


def case_files(case_dir: Path) -> dict[str, str]:
    """A case folder as the files of a node: {"/etc/network/<relative path>": text}."""
    files: dict[str, str] = {}
    for p in sorted(case_dir.rglob("*")):
        if p.is_file() and not (p.name.startswith("expected") and p.suffix == ".json"):
            rel = p.relative_to(case_dir).as_posix()
            files[f"{NODE_DIR}/{rel}"] = p.read_bytes().decode("utf-8", errors="replace")
    return files


def fixture_cases() -> list[Path]:
    return cases(SOURCE)


def _is_interfaces_file(p: Path) -> bool:
    if p.suffix in _NOT_INTERFACES_SUFFIXES or "README" in p.name:
        return False
    return not (p.parent.name == "tests" and p.name.startswith("up."))


def reference_interfaces(all_files: bool = False) -> list[Path]:
    """Every interfaces file of ../shared/reference (with all_files, every file under those folders)."""
    found: list[Path] = []
    prox = REFERENCE / "proxmox"
    if (prox / "interfaces").is_dir():
        found += sorted(p for p in (prox / "interfaces").iterdir() if p.is_file())
    if (prox / "sdn").is_dir():
        found += sorted(
            p for p in (prox / "sdn").glob("*/*") if p.name in ("interfaces", "expected_sdn_interfaces")
        )
    linux = REFERENCE / "linux" / "interfaces"
    if linux.is_dir():
        found += sorted(p for p in linux.rglob("*") if p.is_file() and (all_files or _is_interfaces_file(p)))
    return found


def reference_id(p: Path) -> str:
    return p.relative_to(REFERENCE).as_posix()
