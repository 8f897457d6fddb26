"""Every crash the fuzzers ever found (tests/fuzz/regressions/*.json) stays fixed."""

from __future__ import annotations

import pytest

from tests.fuzz.harness import load_regressions, run_parser

CASES = load_regressions()


@pytest.mark.parametrize(("kind", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_regression(kind: str, text: str) -> None:
    crash = run_parser(kind, text)
    assert crash is None, f"{crash.error} at {crash.where}\n{crash.trace}"
