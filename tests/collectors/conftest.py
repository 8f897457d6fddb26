"""Fixtures of the collector tests: an isolated state folder, a real sshd, running labs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.collectors.sshd import Sshd, sshd_available, start_sshd
from tests.oracles import require


@pytest.fixture(autouse=True)
def _own_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """netdoc's own known_hosts (and the lab's state) go to a temp folder, never to ~/.local/state."""
    state = tmp_path / "xdg-state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sshd]:
    require("OpenSSH sshd", sshd_available(), "apt-get install openssh-server")
    server = start_sshd(tmp_path_factory.mktemp("sshd"))
    try:
        yield server
    finally:
        server.stop()
