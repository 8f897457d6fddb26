"""A contract type import-linter lacks: no import cycle between any two modules of the package.

import-linter's own `acyclic_siblings` looks for cycles between the children of each package. It
misses a cycle through a package's __init__ (netdoc.lab <-> netdoc.lab.world: the __init__ is no
child of netdoc.lab), and between packages it reports cycles that only the squashed packages form.
This contract takes the module graph as import-linter builds it (imports inside functions count,
and so do TYPE_CHECKING imports unless `exclude_type_checking_imports` is set): every group of
two or more modules that reach each other is a break, shown with one of its cycles and the lines
that import.

Registered in .importlinter (`contract_types`); `lint-imports` finds it when run from the
repository root, and tests/test_architecture.py runs it with the other contracts.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping, Set
from itertools import pairwise
from typing import Any

import grimp
from importlinter import Contract, ContractCheck, output
from rich.markup import escape


class AcyclicModulesContract(Contract):
    """No module imports, directly or through others, a module that imports it."""

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
        groups = _groups(edges)
        cycles = [_example_cycle(edges, group) for group in groups]
        details = [[_import_lines(graph, a, b) for a, b in pairwise(c)] for c in cycles]
        return ContractCheck(
            kept=not groups,
            warnings=[],
            metadata={"groups": groups, "cycles": cycles, "lines": details},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        meta: dict[str, Any] = check.metadata
        for group, cycle, lines in zip(meta["groups"], meta["cycles"], meta["lines"], strict=True):
            output.print_error(f"{len(group)} modules import each other: {', '.join(group)}", bold=False)
            output.print("For example:")
            for (importer, imported), where in zip(pairwise(cycle), lines, strict=True):
                output.print(escape(f"    {importer} -> {imported} ({where})"))
            output.new_line()


def _groups(edges: Mapping[str, Set[str]]) -> list[list[str]]:
    """The groups of two or more modules that all reach each other (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> Iterator[str]:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        return iter(sorted(edges.get(module, ())))

    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, visit(root))]
        while work:
            module, todo = work[-1]
            for imported in todo:
                if imported not in index:
                    work.append((imported, visit(imported)))
                    break
                if imported in on_stack:
                    low[module] = min(low[module], index[imported])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == index[module]:
                    group: list[str] = []
                    while not group or group[-1] != module:
                        group.append(stack.pop())
                        on_stack.discard(group[-1])
                    if len(group) > 1:
                        groups.append(sorted(group))
    return sorted(groups)


def _example_cycle(edges: Mapping[str, Set[str]], group: list[str]) -> list[str]:
    """A shortest cycle through the group's first module: [start, ..., start] (breadth first)."""
    start, members = group[0], set(group)
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        module = queue.popleft()
        for imported in sorted(edges[module] & members):
            if imported == start:
                path = [module]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if imported not in came_from:
                came_from[imported] = module
                queue.append(imported)
    raise AssertionError(f"{start} is in no cycle of {group}")


def _import_lines(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    found = graph.get_import_details(importer=importer, imported=imported)
    return "; ".join(f"l.{d['line_number']}: {d['line_contents']}" for d in found) or "?"
