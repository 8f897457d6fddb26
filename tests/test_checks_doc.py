"""docs/checks.md is generated from the checks' metadata and must not be stale; every check is complete."""

from __future__ import annotations

import re
from pathlib import Path

from netdoc.audit.checks import ALL_CHECKS, META_CHECKS, check_codes
from netdoc.render.checks_doc import checks_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "checks.md"


def test_checks_doc_is_current(update_golden: bool) -> None:
    text = checks_markdown((*ALL_CHECKS, *META_CHECKS))
    if update_golden:
        DOC.write_text(text, encoding="utf-8")
    assert DOC.is_file(), "docs/checks.md is missing: pytest --update-golden tests/test_checks_doc.py"
    assert DOC.read_text(encoding="utf-8") == text, (
        "docs/checks.md is stale: pytest --update-golden tests/test_checks_doc.py (or netdoc checks --markdown)"
    )


def test_every_check_is_documented_and_unique() -> None:
    checks = (*ALL_CHECKS, *META_CHECKS)
    codes = [c.code for c in checks]
    assert len(codes) == len(set(codes)) == len(check_codes())
    for c in checks:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c.code), c.code
        assert c.title and c.rationale.endswith(".") and c.remediation.endswith("."), c.code
        assert len(c.rationale) > 40 and len(c.remediation) > 20, c.code


def test_at_least_thirty_checks() -> None:
    assert len(ALL_CHECKS) >= 30
