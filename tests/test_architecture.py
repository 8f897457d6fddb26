"""The architecture of docs/architecture.md, enforced.

Imports: the dependency direction (cli -> pipeline -> collectors, snapshot, lab, loader, parsers,
topology, audit, render; parsers -> model; model -> errors only; render never -> collectors,
parsers, snapshot, config, lab, pipeline, cli; audit -> topology, model only; topology -> model
only; errors imports nothing of netdoc; config only from cli, pipeline, collectors, lab) and the
rule that no module takes part in an import cycle are import-linter contracts in .importlinter.
test_import_contracts runs them (`.venv/bin/lint-imports` runs them alone) and fails with
import-linter's report; test_each_contract_can_fail breaks each one with one violating import in
a copy of the package's layout.

Cycles are looked for between modules (not only between sibling packages) over import-linter's
graph, which counts imports inside functions and TYPE_CHECKING-only imports. Those count on
purpose: a type-only import is still a dependency of one module on the other (mypy, a reader and
any refactoring need both), and `if TYPE_CHECKING:` is exactly how a cycle gets hidden
(tests/import_contracts.py has the contract type).

Also here, not about imports: only the modules allowed to do I/O open files or sockets, and every
module has a docstring.
"""

from __future__ import annotations

import ast
import configparser
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "netdoc"
ROOT = PACKAGE.parent
CONTRACTS = ROOT / ".importlinter"
TOY = "ndtoy"  # the copy of netdoc's layout that the contracts are proven on

IO_ALLOWED = {
    "snapshot",
    "history",
    "nightly",
    "atomic",
    "collectors",
    "lab",
    "config",
    "cli",
    "serve",
    "render/output",
    "render/graphviz_run",
    "changes/cache",  # the changes of each pair of runs, on disk (as graphviz_run keeps the SVGs)
}
IO_CALLS = {"open", "read_text", "write_text", "read_bytes", "write_bytes", "mkdir", "unlink", "rmtree"}
IO_MODULES = {"socket", "paramiko", "proxmoxer", "requests", "subprocess", "urllib.request", "http.client"}


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


# ------------------------------------------------------------------------------------- import contracts


def _lint(config: Path, cwd: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    """`lint-imports CONFIG` in `cwd` (which it puts on sys.path), limited to `contracts` if given."""
    exe = Path(sys.executable).parent / "lint-imports"
    if not exe.exists():
        pytest.fail("import-linter is not installed (pip install -e '.[test]')")
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path, "COLUMNS": "200", "NO_COLOR": "1"}
    args = [str(exe), str(config), "--no-cache", "--no-logo"]
    args += [a for c in contracts for a in ("--contract", c)]
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


def _report(res: subprocess.CompletedProcess[str]) -> str:
    return res.stdout[-12000:] + res.stderr[-3000:]


def test_import_contracts() -> None:
    """Every contract of .importlinter holds for netdoc (the failure message is import-linter's report)."""
    res = _lint(CONTRACTS, ROOT)
    assert res.returncode == 0, _report(res)
    assert ", 0 broken." in res.stdout, _report(res)


def _contracts(text: str) -> dict[str, dict[str, list[str]]]:
    """contract id -> option -> its lines, as import-linter reads the INI file."""
    parser = configparser.ConfigParser()
    parser.read_string(text)
    prefix = "importlinter:contract:"
    return {
        section.removeprefix(prefix): {
            key: [line.strip() for line in value.strip().splitlines() if line.strip()]
            for key, value in parser[section].items()
        }
        for section in parser.sections()
        if section.startswith(prefix)
    }


def _toy_text() -> str:
    """The contracts of .importlinter, for the toy package."""
    return re.sub(r"\bnetdoc\b", TOY, CONTRACTS.read_text(encoding="utf-8"))


def _children() -> dict[str, bool]:
    """netdoc's top-level modules and packages: name -> is a package."""
    out = {p.stem: False for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    out |= {p.name: True for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    return out


def _write(tmp_path: Path, module: str, text: str) -> None:
    """Append `text` to a module of the toy package, creating it (and its packages) if needed."""
    parts = module.split(".")
    for i in range(1, len(parts)):
        folder = tmp_path.joinpath(*parts[:i])
        folder.mkdir(exist_ok=True)
        (folder / "__init__.py").touch()
    target = tmp_path.joinpath(*parts)
    path = target / "__init__.py" if target.is_dir() else target.with_suffix(".py")
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def _toy(tmp_path: Path, imports: dict[str, str] | None = None) -> Path:
    """netdoc's top-level layout as the empty package `ndtoy`, plus `imports` (module -> source);
    returns the contracts of .importlinter rewritten for it."""
    _write(tmp_path, TOY, "")
    for name, is_package in _children().items():
        if is_package:
            (tmp_path / TOY / name).mkdir()
        _write(tmp_path, f"{TOY}.{name}", "")
    for module, source in (imports or {}).items():
        _write(tmp_path, module, source)
    config = tmp_path / "toy.importlinter"
    config.write_text(_toy_text(), encoding="utf-8")
    return config


def _modules(expressions: list[str]) -> list[str]:
    """Module expressions of a contract, `ndtoy.*` expanded to the top-level modules."""
    out: list[str] = []
    for e in expressions:
        out += [f"{TOY}.{c}" for c in sorted(_children())] if e == f"{TOY}.*" else [e]
    return out


def _violation(options: dict[str, list[str]]) -> dict[str, str]:
    """One import that breaks a contract of this type (module of the toy package -> source)."""
    kind = options["type"][0]
    if kind == "acyclic_modules":
        return {f"{TOY}.lab.a": f"import {TOY}.lab.b\n", f"{TOY}.lab.b": f"import {TOY}.lab.a\n"}
    if kind == "layers":
        (container,) = options["containers"]
        top = re.split(r"[:|]", options["layers"][0])[0].strip()
        bottom = re.split(r"[:|]", options["layers"][-1])[0].strip()
        return {f"{container}.{bottom}": f"import {container}.{top}\n"}
    if kind == "independence":
        first, second = options["modules"][:2]
        return {first: f"import {second}\n"}
    if kind == "protected":
        allowed = set(options["allowed_importers"]) | set(options["protected_modules"])
        importer = next(m for m in _modules([f"{TOY}.*"]) if m not in allowed)
        return {importer: f"import {options['protected_modules'][0]}\n"}
    if kind == "forbidden":
        source = options["source_modules"][0]
        forbidden = next(m for m in _modules(options["forbidden_modules"]) if m != source)
        return {source: f"import {forbidden}\n"}
    pytest.fail(f"no violating import known for contract type {kind!r}: add one to _violation")


def test_contracts_hold_for_the_bare_layout(tmp_path: Path) -> None:
    """Without imports, the copy of the layout keeps every contract: the breaks below are the violations'."""
    res = _lint(_toy(tmp_path), tmp_path)
    assert res.returncode == 0, _report(res)


@pytest.mark.parametrize("contract", sorted(_contracts(_toy_text())))
def test_each_contract_can_fail(contract: str, tmp_path: Path) -> None:
    """One import against the rule, in a copy of netdoc's layout, breaks the contract that states it."""
    config = _toy(tmp_path, _violation(_contracts(_toy_text())[contract]))
    res = _lint(config, tmp_path, contract)
    assert res.returncode == 1, _report(res)
    assert "BROKEN" in res.stdout and "0 kept, 1 broken." in res.stdout, _report(res)


CYCLES = {
    "siblings": {f"{TOY}.lab.a": f"import {TOY}.lab.b\n", f"{TOY}.lab.b": f"import {TOY}.lab.a\n"},
    "through three packages": {
        f"{TOY}.console": f"import {TOY}.serve\n",
        f"{TOY}.serve": f"import {TOY}.examples.data\n",
        f"{TOY}.examples.data": f"from {TOY} import console\n",
    },
    "through a package __init__": {
        f"{TOY}.lab": f"from {TOY}.lab import world\n",
        f"{TOY}.lab.world": f"import {TOY}.lab\n",
    },
    "inside a function": {
        f"{TOY}.lab.a": f"def f() -> None:\n    import {TOY}.lab.b\n",
        f"{TOY}.lab.b": f"import {TOY}.lab.a\n",
    },
    "TYPE_CHECKING only": {
        f"{TOY}.lab.a": f"from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import {TOY}.lab.b\n",
        f"{TOY}.lab.b": f"import {TOY}.lab.a\n",
    },
}


@pytest.mark.parametrize("case", sorted(CYCLES))
def test_every_kind_of_cycle_breaks_the_cycle_contract(case: str, tmp_path: Path) -> None:
    """The cycle contract is module-level: it catches what import-linter's acyclic_siblings misses
    (a cycle through a package's __init__), and counts imports in functions and TYPE_CHECKING blocks."""
    (cycle_contract,) = (c for c, o in _contracts(_toy_text()).items() if o["type"] == ["acyclic_modules"])
    res = _lint(_toy(tmp_path, CYCLES[case]), tmp_path, cycle_contract)
    assert res.returncode == 1, _report(res)
    modules = sorted(CYCLES[case])
    assert f"{len(modules)} modules import each other: {', '.join(modules)}" in res.stdout, _report(res)
    assert re.search(r"-> \S+ \(l\.\d+: ", res.stdout), _report(res)  # each step with its import line


# ------------------------------------------------------------------------------------- not about imports


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
