"""Which world `netdoc lab serve` runs: a built-in scenario or a definition file.

Scenarios and definitions belong to netdoc.lab.definition (`scenario(name)`, `build_world(definition)`,
optionally `load_definition(path)`); until that module is installed the command says so clearly.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import yaml

from netdoc.errors import UsageError
from netdoc.lab.world import LabWorld

DEFAULT_SCENARIO = "demo"
DEFINITION_MODULE = "netdoc.lab.definition"


def default_state_dir() -> Path:
    """$XDG_STATE_HOME/netdoc/lab (~/.local/state/netdoc/lab): keys and certificates survive restarts."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "netdoc" / "lab"


def _definition_module() -> Any:
    try:
        return importlib.import_module(DEFINITION_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != DEFINITION_MODULE:
            raise
        raise UsageError(
            "lab scenarios are not available in this build (netdoc.lab.definition is missing); "
            "the lab servers can still be started from Python with netdoc.lab.runtime.LabRuntime"
        ) from exc


def load_world(scenario: str | None = None, definition: Path | None = None) -> LabWorld:
    """The world of a named scenario (default: demo) or of a definition file."""
    module = _definition_module()
    if definition is not None:
        loader = getattr(module, "load_definition", None)
        if loader is not None:
            data = loader(definition)
        else:
            try:
                data = yaml.safe_load(definition.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError) as exc:
                raise UsageError(f"{definition}: cannot read the lab definition: {exc}") from exc
    else:
        data = module.scenario(scenario or DEFAULT_SCENARIO)
    world = module.build_world(data)
    if not isinstance(world, LabWorld):
        raise UsageError(f"{DEFINITION_MODULE}.build_world returned {type(world).__name__}, not a LabWorld")
    return world
