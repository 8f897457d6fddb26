"""Every parser fuzzed in the normal test run: whatever the input, a model or ParseError, nothing else.

A fixed, small budget per kind (EXAMPLES), derandomized so that CI runs the same examples every
time; the longer campaign (`python -m benchmarks.fuzz --minutes N`, docs/fuzzing.md) keeps what
it finds in tests/fuzz/regressions/, which test_regressions.py replays.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzz.harness import all_kinds, entry_path, run_parser, seeds
from tests.fuzz.strategies import deep_json, inputs, is_json_kind

EXAMPLES = 40
BUDGET = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_every_kind_has_seeds() -> None:
    for kind in all_kinds():
        assert seeds(kind), f"{kind}: no real input to mutate (add its fixtures to tests/fuzz/harness.py)"
        assert entry_path(kind)


@pytest.mark.parametrize("kind", all_kinds())
def test_parser_never_crashes(kind: str) -> None:
    @BUDGET
    @given(text=inputs(kind))
    def check(text: str) -> None:
        crash = run_parser(kind, text)
        assert crash is None, f"{crash.error} at {crash.where}\n{crash.trace}"

    check()


@pytest.mark.parametrize("kind", [k for k in all_kinds() if is_json_kind(k)])
def test_deep_json_is_refused_or_parsed(kind: str) -> None:
    """JSON nested 10,000 deep (issue 11's resource limits) is a ParseError, never a RecursionError."""
    crash = run_parser(kind, deep_json(10_000))
    assert crash is None, f"{crash.error} at {crash.where}"
