"""Scenario worlds built once per test session (a build takes a tenth of a second, the tests are many)."""

from __future__ import annotations

import functools
import json
from typing import Any

from netdoc.lab.definition import Definition
from netdoc.lab.generate import build_world
from netdoc.lab.load import scenario, scenario_names
from netdoc.lab.world import LabCluster, LabNode, LabWorld

SCENARIOS = [n for n in scenario_names() if n != "demo"]  # demo is all of them at once


@functools.cache
def definition(name: str) -> Definition:
    return scenario(name)


@functools.cache
def world(name: str) -> LabWorld:
    return build_world(definition(name))


def nodes(name: str) -> list[tuple[LabCluster, LabNode]]:
    return [(c, n) for c in world(name).clusters for n in c.nodes]


def text(node: LabNode, path: str) -> str:
    return node.files[path].decode()


def command(node: LabNode, cmd: str) -> str:
    return node.commands[cmd].decode()


def command_json(node: LabNode, cmd: str) -> Any:
    return json.loads(node.commands[cmd])
