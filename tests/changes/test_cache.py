"""The changes of a pair of runs are worked out once: kept in the cache, read back the same."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netdoc.pipeline import inputs
from tests.changes.test_compare import _changed, _snapshot
from tests.lab.scenario_worlds import definition


@pytest.fixture(scope="module")
def history_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("history") / "lacp-vlans"
    base = definition("lacp-vlans")
    _snapshot(base, folder / "20261201T020000Z")
    _snapshot(_changed(base), folder / "20261202T020000Z")
    os.symlink("20261202T020000Z", folder / "latest")
    return folder


def test_each_pair_of_runs_is_compared_once(
    history_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[Path] = []
    real = inputs.check_estate

    def counting(paths, **kw):  # type: ignore[no-untyped-def]
        reads.extend(paths)
        return real(paths, **kw)

    monkeypatch.setattr(inputs, "check_estate", counting)
    cache = tmp_path / "cache"
    first = inputs.recent_changes([history_folder], cache_dir=cache)
    (run,) = first
    sentences = [c.sentence for c in run.changes]
    assert "VM 105 (win-ad1) net0 moved from VLAN 50 to VLAN 30 on vmbr0" in sentences
    assert len(reads) == 2 and len(list((cache / "changes").glob("*.json"))) == 1
    assert inputs.recent_changes([history_folder], cache_dir=cache) == first
    assert len(reads) == 2  # from the cache: no snapshot read again
    assert inputs.recent_changes([history_folder]) == first  # without a cache: read again, same
    assert len(reads) == 4
    (entry,) = (cache / "changes").glob("*.json")
    entry.write_text("{not json")  # a damaged entry is a miss, and is written anew
    assert inputs.recent_changes([history_folder], cache_dir=cache) == first
    assert len(reads) == 6 and entry.read_text().startswith("{")


def test_another_waiver_file_is_another_comparison(history_folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    inputs.recent_changes([history_folder], cache_dir=cache)
    waivers = tmp_path / "waivers.yml"
    waivers.write_text("waivers: []\n")
    inputs.recent_changes([history_folder], cache_dir=cache, waivers_file=waivers)
    assert len(list((cache / "changes").glob("*.json"))) == 2
