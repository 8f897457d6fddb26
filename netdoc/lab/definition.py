"""The lab definition's entry points: load a definition (a file, YAML text or a scenario), build its world.

    from netdoc.lab.definition import build_world, load_definition, scenario, scenario_names

`netdoc lab serve` (netdoc/lab/loader.py), `netdoc demo`, the tests and the benchmarks look these up
here. They live where they belong: the schema in schema.py, loading and the bundled scenarios in
load.py, the generator in generate.py; this module only gathers them, so that no module of the lab
has to import the one that imports it.
"""

from __future__ import annotations

from netdoc.lab.generate import build_world
from netdoc.lab.load import load_definition, scenario, scenario_names
from netdoc.lab.schema import Definition

__all__ = ["Definition", "build_world", "load_definition", "scenario", "scenario_names"]
