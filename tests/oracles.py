"""Real components some tests compare against: skip when one is missing, fail under CI.

`require(name, available, hint)` skips the calling test when `available` is false, unless the
environment sets NETDOC_REQUIRE_ORACLES=1 (CI does): then the missing component is a failure,
so a green CI run proves that the integration and differential tests really ran.
`require_program(name)` does the same for a program (PATH and the sbin folders) and returns its path.
"""

from __future__ import annotations

import os
import shutil

import pytest

_SBIN = os.pathsep.join(("/usr/local/sbin", "/usr/sbin", "/sbin"))


def oracles_required() -> bool:
    return os.environ.get("NETDOC_REQUIRE_ORACLES") == "1"


def require(name: str, available: bool, hint: str = "") -> None:
    """Skip (or, with NETDOC_REQUIRE_ORACLES=1, fail) when the component `name` is not available."""
    if available:
        return
    message = f"{name} is not available" + (f": {hint}" if hint else "")
    if oracles_required():
        pytest.fail(f"{message} (NETDOC_REQUIRE_ORACLES=1)")
    pytest.skip(message)


def require_program(name: str, hint: str = "") -> str:
    """The path of a program found in PATH or an sbin folder; else skip (or fail, see require)."""
    found = shutil.which(name) or shutil.which(name, path=_SBIN)
    require(name, found is not None, hint)
    assert found is not None
    return found
