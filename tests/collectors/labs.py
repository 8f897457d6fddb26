"""Running the lab for collector tests: scenarios (when the generator is installed), inventories."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from netdoc.lab.world import LabWorld


def _definition() -> Any | None:
    """netdoc.lab.definition with scenario() and build_world(), or None while it is not on main."""
    try:
        module = importlib.import_module("netdoc.lab.definition")
    except ModuleNotFoundError:
        return None
    return module if hasattr(module, "scenario") and hasattr(module, "build_world") else None


def scenario_names() -> list[str]:
    try:
        from netdoc.lab.load import scenario_names as names
    except ModuleNotFoundError:
        return []
    return list(names())


def scenario_world(name: str) -> LabWorld:
    module = _definition()
    if module is None:
        pytest.skip("the lab generator (netdoc.lab.definition.scenario) is not installed")
    world = module.build_world(module.scenario(name))
    assert isinstance(world, LabWorld)
    return world


def sized_world(nodes: int, guests: int = 100) -> LabWorld:
    module = _definition()
    if module is None:
        pytest.skip("the lab generator (netdoc.lab.definition) is not installed")
    from netdoc.lab.sizegen import generate

    world = module.build_world(generate(nodes=nodes, guests=guests))
    assert isinstance(world, LabWorld)
    return world


def write_inventory(lab: Any, path: Path, *, timeout_s: float = 5.0, **collect: Any) -> Path:
    """The lab's inventory, with collect knobs (deadline_s, retries, concurrency) set for a test."""
    lab.write_inventory(path, timeout_s=timeout_s)
    data = yaml.safe_load(path.read_text())
    for cluster in data["clusters"]:
        if collect:
            cluster["collect"] = dict(collect)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path
