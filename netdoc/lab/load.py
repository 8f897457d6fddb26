"""Load a lab definition (a YAML file or text, or a bundled scenario) into a validated Definition.

Every problem — YAML syntax, schema (pydantic), cross-reference (netdoc/lab/checks.py) — is
collected and raised at once as one ConfigError whose problems carry a key path such as
`clusters[0].nodes[1].bonds[0].slaves` and the YAML line it comes from.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from netdoc.errors import ConfigError, ConfigProblem
from netdoc.lab.checks import check_definition
from netdoc.lab.schema import Definition

Loc = tuple[str | int, ...]


def _line_index(text: str) -> dict[Loc, int]:
    """Map every key path of a YAML document to its 1-based line (best effort; empty on failure)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[Loc, int] = {}

    def walk(node: yaml.Node, loc: Loc) -> None:
        lines[loc] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                k = key.value if isinstance(key, yaml.ScalarNode) else str(key)
                lines[(*loc, k)] = key.start_mark.line + 1
                walk_child(value, (*loc, k))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*loc, i))

    def walk_child(node: yaml.Node, loc: Loc) -> None:
        first = lines.get(loc)
        walk(node, loc)
        if first is not None:
            lines[loc] = first  # a key's own line beats the line its value starts on

    if root is not None:
        walk(root, ())
    return lines


def key_path(loc: Loc) -> str:
    """('clusters', 0, 'nodes', 1, 'name') -> `clusters[0].nodes[1].name`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _clean_loc(loc: Loc, lines: dict[Loc, int]) -> Loc:
    """Drop the discriminator step pydantic adds inside unions (`storage[2].nfs.server`)."""
    out: list[str | int] = []
    for i, part in enumerate(loc):
        prefix = tuple(out)
        if (
            isinstance(part, str)
            and out
            and isinstance(out[-1], int)
            and (*prefix, part) not in lines
            and i + 1 < len(loc)
        ):
            continue
        out.append(part)
    return tuple(out)


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


_MESSAGES = {
    "extra_forbidden": "unknown key (not part of the lab definition)",
    "missing": "missing required key",
}


def _problems_from_validation(exc: ValidationError, lines: dict[Loc, int]) -> list[ConfigProblem]:
    problems = []
    errors = exc.errors()
    locs = [tuple(e["loc"]) for e in errors]
    for err in errors:
        here = tuple(err["loc"])
        if err["type"] == "too_short" and any(len(o) > len(here) and o[: len(here)] == here for o in locs):
            continue  # pydantic's echo of an invalid item ("should have at least 1 item"): noise
        loc = _clean_loc(here, lines)
        msg = _MESSAGES.get(err["type"]) or str(err["msg"]).removeprefix("Value error, ")
        if err["type"] not in _MESSAGES and "input" in err and not isinstance(err["input"], dict | list):
            msg = f"{msg} (got {err['input']!r})"
        problems.append(ConfigProblem(key_path(loc), msg, _line_for(loc, lines)))
    return problems


def parse_definition(data: Any, source: str = "<definition>", text: str = "") -> Definition:
    """Validate already-loaded data (from YAML or built in Python) into a Definition."""
    lines = _line_index(text) if text else {}
    if not isinstance(data, dict):
        raise ConfigError(source, [ConfigProblem("", "the top level must be a mapping with `clusters:`", 1)])
    try:
        definition = Definition.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(source, _problems_from_validation(exc, lines)) from None
    problems = [
        ConfigProblem(key_path(loc), message, _line_for(loc, lines))
        for loc, message in check_definition(definition)
    ]
    if problems:
        raise ConfigError(source, problems)
    return definition


def load_definition(path_or_text: str | Path) -> Definition:
    """A definition from a YAML file (a Path, or a str naming an existing file) or from YAML text."""
    if isinstance(path_or_text, Path) or ("\n" not in path_or_text and Path(path_or_text).is_file()):
        path = Path(path_or_text)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(str(path), [ConfigProblem("", f"cannot read: {exc}")]) from None
        source = str(path)
    else:
        text, source = str(path_or_text), "<definition>"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(source, [ConfigProblem("", f"invalid YAML: {reason}", line)]) from None
    return parse_definition(data, source, text)


SCENARIO_PACKAGE = "netdoc.lab.scenarios"


DEMO = "demo"  # every bundled scenario at once: the default of `netdoc lab serve`


def _files() -> list[str]:
    folder = resources.files(SCENARIO_PACKAGE)
    return sorted(p.name.removesuffix(".yml") for p in folder.iterdir() if p.name.endswith(".yml"))


def scenario_names() -> list[str]:
    """The bundled scenarios, sorted: the .yml files of netdoc/lab/scenarios, and `demo` (all of them)."""
    return sorted([*_files(), DEMO])


def _scenario_data(name: str) -> tuple[Any, str]:
    text = resources.files(SCENARIO_PACKAGE).joinpath(f"{name}.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text), text


def scenario(name: str) -> Definition:
    """A bundled scenario by name (`starwars`, `lacp-vlans`, `ovs`, `sdn`, or `demo`: all of them)."""
    if name not in scenario_names():
        raise ConfigError(
            name, [ConfigProblem("", f"no such scenario; choose one of {', '.join(scenario_names())}")]
        )
    if name == DEMO:
        parts = [_scenario_data(n)[0] for n in _files()]
        seed = next((p.get("seed", 0) for n, p in zip(_files(), parts, strict=True) if n == "starwars"), 0)
        return parse_definition(
            {"seed": seed, "clusters": [c for p in parts for c in p["clusters"]]}, "scenario demo"
        )
    data, text = _scenario_data(name)
    return parse_definition(data, f"scenario {name}", text)
