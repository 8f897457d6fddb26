"""The dependency direction of ARCHITECTURE.md, enforced: a module importing against it fails here.

    cli -> pipeline -> collectors, snapshot, lab, parsers, topology, audit, render
    parsers -> model;  model -> errors only;  render never -> collectors/parsers/snapshot
    errors imports nothing of netdoc;  config only from cli, pipeline, collectors, lab
Also: only the modules allowed to do I/O open files or sockets.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "netdoc"

# top-level area of netdoc -> areas it must never import
FORBIDDEN: dict[str, set[str]] = {
    "parsers": {"collectors", "snapshot", "config", "lab", "render", "pipeline", "cli", "audit", "topology"},
    "topology": {"collectors", "snapshot", "config", "lab", "render", "pipeline", "cli", "parsers", "audit"},
    "audit": {"collectors", "snapshot", "config", "lab", "render", "pipeline", "cli", "parsers"},
    "render": {"collectors", "parsers", "snapshot", "config", "lab", "pipeline", "cli"},
    "snapshot": {"collectors", "parsers", "config", "lab", "render", "pipeline", "cli", "audit", "topology"},
    "collectors": {"cli", "pipeline", "render", "audit", "topology", "lab"},
    "lab": {"cli", "pipeline", "render", "audit", "topology", "collectors"},
    "config": {"cli", "pipeline", "collectors", "lab", "render", "parsers", "snapshot", "audit"},
}
# areas that may import only these areas of netdoc
ONLY: dict[str, set[str]] = {"errors": set(), "model": {"errors", "model"}, "atomic": {"errors"}}
ALLOWED_CONFIG_USERS = {"cli", "pipeline", "collectors", "lab", "config"}
IO_ALLOWED = {"snapshot", "atomic", "collectors", "lab", "config", "cli", "serve", "render/output"}
IO_CALLS = {"open", "read_text", "write_text", "read_bytes", "write_bytes", "mkdir", "unlink", "rmtree"}
IO_MODULES = {"socket", "paramiko", "proxmoxer", "requests", "subprocess", "urllib.request", "http.client"}


def _area(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py") if len(rel.parts) > 0 else ""


def _imports(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def test_package_has_modules() -> None:
    assert len(MODULES) >= 8


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_dependency_direction(path: Path) -> None:
    area = _area(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for name in _imports(tree):
        if not name.startswith("netdoc.") or name == "netdoc.__version__":
            continue
        target = name.split(".")[1]
        if target in ("__version__",):
            continue
        if target in FORBIDDEN.get(area, set()) or (area in ONLY and target not in ONLY[area]):
            bad.append(name)
        if target == "config" and area not in ALLOWED_CONFIG_USERS:
            bad.append(name)
    assert not bad, f"{path.relative_to(PACKAGE)} ({area}) imports against the dependency direction: {bad}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_io_only_where_allowed(path: Path) -> None:
    rel = path.relative_to(PACKAGE).as_posix().removesuffix(".py")
    if any(rel == a or rel.startswith(a + "/") for a in IO_ALLOWED):
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [n for n in _imports(tree) if n.split(".")[0] in IO_MODULES or n in IO_MODULES]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
            if name in IO_CALLS:
                bad.append(f"{name}() at line {node.lineno}")
    assert not bad, f"{rel} does I/O but is not one of the I/O modules {sorted(IO_ALLOWED)}: {bad}"


def test_every_module_has_a_docstring() -> None:
    missing = [
        str(p.relative_to(PACKAGE))
        for p in MODULES
        if p.stat().st_size > 0 and not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert not missing, f"modules without a docstring saying what they are for: {missing}"


def test_checker_catches_a_violation(tmp_path: Path) -> None:
    """The rule above can fail: a parser importing the snapshot module is caught."""
    tree = ast.parse("from netdoc.snapshot import open_snapshot\n")
    names = [n for n in _imports(tree) if n.startswith("netdoc.")]
    assert any(n.split(".")[1] in FORBIDDEN["parsers"] for n in names)
