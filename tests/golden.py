"""Golden-folder helpers: tests/fixtures/<source>/<case>/ holds the input and expected.json.

A missing or different expected file fails the test and shows what the parser produced;
`pytest --update-golden` rewrites the expected files for review in `git diff`.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
# ../shared/reference beside the checkout, when it exists (NETDOC_REFERENCE overrides).
REFERENCE = Path(
    os.environ.get("NETDOC_REFERENCE") or Path(__file__).resolve().parents[2] / "shared" / "reference"
)


def cases(source: str) -> list[Path]:
    """Every case folder of a source, sorted; the test id is the folder name."""
    base = FIXTURES / source
    return sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


def case_params(source: str) -> list[Any]:
    return [pytest.param(p, id=p.name) for p in cases(source)]


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def check_golden(expected_file: Path, actual: Any, update: bool) -> None:
    """Compare `actual` (plain JSON data) with the golden file, or rewrite it under --update-golden."""
    text = dumps(actual)
    if update:
        expected_file.write_text(text, encoding="utf-8")
        return
    if not expected_file.exists():
        pytest.fail(f"{expected_file} is missing; the parser produced:\n{text}\n(run pytest --update-golden)")
    expected = expected_file.read_text(encoding="utf-8")
    if expected != text:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=str(expected_file),
                tofile="actual",
                n=2,
            )
        )
        pytest.fail(f"golden mismatch (pytest --update-golden to accept):\n{diff[:20000]}")


def reference_files(*parts: str, pattern: str = "*") -> list[Path]:
    """Files of ../shared/reference/<parts>; the caller skips when there are none."""
    base = REFERENCE.joinpath(*parts)
    return sorted(p for p in base.rglob(pattern) if p.is_file()) if base.is_dir() else []
