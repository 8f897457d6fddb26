"""The quality bar as tests: ruff clean on netdoc/ and tests/, mypy strict clean on netdoc/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed (pip install -e '.[test]')")
    return str(found)


def test_ruff_clean() -> None:
    res = subprocess.run(
        [_tool("ruff"), "check", "--no-cache", "netdoc", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert res.returncode == 0, res.stdout[-5000:] + res.stderr[-2000:]


def test_mypy_strict_clean() -> None:
    res = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert res.returncode == 0, res.stdout[-5000:] + res.stderr[-2000:]


def test_modules_stay_small() -> None:
    big = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "netdoc").rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 800
    }
    assert not big, f"modules over 800 lines, split them by topic: {big}"
