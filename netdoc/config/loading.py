"""Reading an inventory: YAML with the line of every key, validation, one ConfigError with every problem.

Also the JSON Schema for editors. The only module of netdoc.config that reads the inventory file.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from netdoc.config.fields import Loc
from netdoc.config.models import (
    ApiConfig,
    ClusterConfig,
    CollectConfig,
    Inventory,
    NodeConfig,
    Section,
    SshConfig,
)
from netdoc.config.secrets import SecretRef
from netdoc.errors import ConfigError, ConfigProblem


def key_path(loc: Loc) -> str:
    """('clusters', 0, 'api', 'port') -> 'clusters[0].api.port'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _walk(
    node: yaml.Node, loc: Loc, lines: dict[Loc, int], dups: list[ConfigProblem], stack: set[int]
) -> None:
    """Record the line of every key and list item; note keys given twice in one mapping."""
    if id(node) in stack:  # a recursive alias
        return
    stack = stack | {id(node)}
    if isinstance(node, yaml.MappingNode):
        here: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            line = key_node.start_mark.line + 1
            if key_node.value == "<<":  # merge key: the merged keys belong to this mapping
                merged = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for m in merged:
                    sub: dict[Loc, int] = {}
                    _walk(m, loc, sub, [], stack)
                    for k, v in sub.items():
                        lines.setdefault(k, v)
                continue
            child = (*loc, key_node.value)
            if key_node.value in here:
                dups.append(
                    ConfigProblem(
                        key_path(child),
                        f"key given twice (first at line {here[key_node.value]}); YAML keeps only the last",
                        line,
                    )
                )
            here[key_node.value] = line
            lines[child] = line
            _walk(value_node, child, lines, dups, stack)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*loc, i)] = item.start_mark.line + 1
            _walk(item, (*loc, i), lines, dups, stack)


def _load_yaml(text: str, source: str) -> tuple[Any, dict[Loc, int], list[ConfigProblem]]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        column = f" (column {mark.column + 1})" if mark is not None else ""
        # Only the parser's words, never the snippet of the line (it could hold a secret).
        context = exc.context or ""
        started = exc.context_mark
        if context and started is not None and mark is not None and started.line != mark.line:
            context += f" (started at line {started.line + 1})"
        reason = ": ".join(p for p in (context, exc.problem) if p) or "invalid YAML"
        raise ConfigError(source, [ConfigProblem("", f"YAML syntax error{column}: {reason}", line)]) from None
    except yaml.YAMLError as exc:
        raise ConfigError(source, [ConfigProblem("", f"YAML error: {type(exc).__name__}", None)]) from None
    finally:
        loader.dispose()
    lines: dict[Loc, int] = {}
    dups: list[ConfigProblem] = []
    if node is not None:
        _walk(node, (), lines, dups, set())
    return data, lines, dups


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int | None:
    """The line of the key, or of the nearest enclosing key when the key itself is missing."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


_MODELS: dict[str, type[Section]] = {
    "api": ApiConfig,
    "ssh": SshConfig,
    "collect": CollectConfig,
    "nodes": NodeConfig,
    "clusters": ClusterConfig,
}


def _section_at(loc: Loc) -> type[Section]:
    """The model class of the mapping at `loc` (for listing the keys it knows)."""
    model: type[Section] = Inventory
    for part in loc:
        if isinstance(part, str) and part in _MODELS and part in model.model_fields:
            model = _MODELS[part]
    return model


def _message(err: dict[str, Any]) -> str:
    kind, loc, msg = err["type"], err["loc"], str(err["msg"])
    if kind == "missing":
        return "required key missing"
    if kind == "extra_forbidden":
        known = sorted(_section_at(loc[:-1]).model_fields)
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return f"unknown key{hint}; known keys here: {', '.join(known)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "should be a mapping of keys (key: value lines)"
    if kind in ("list_type", "tuple_type"):
        return "should be a list (lines starting with -)"
    if kind == "bool_type":
        return "should be true or false"
    if kind == "too_short":
        return "should not be empty"
    if kind == "string_pattern_mismatch":
        return "has characters that are not allowed here" + _pattern_hint(loc)
    if msg.startswith("Input should be"):
        return "should be" + msg.removeprefix("Input should be")
    return msg


def _pattern_hint(loc: Loc) -> str:
    if loc[-1:] == ("name",):
        if "nodes" in loc:
            return " (a node name is a host name: letters, digits and -)"
        return " (letters, digits, . _ and -)"
    if loc[-1:] == ("user",):
        return " (a login name: letters, digits, . _ and -)"
    return ""


def _problems(exc: ValidationError, lines: dict[Loc, int]) -> list[ConfigProblem]:
    errors = exc.errors()
    locs = [tuple(e["loc"]) for e in errors]
    out = []
    for err, loc in zip(errors, locs, strict=True):
        # A list whose every item is invalid is also "too short after validation": noise, not a problem.
        if err["type"] == "too_short" and any(o[: len(loc)] == loc and len(o) > len(loc) for o in locs):
            continue
        out.append(ConfigProblem(key_path(loc), _message(dict(err)), _line_for(loc, lines)))
    return out


def _secret_refs(inv: Inventory) -> Iterator[tuple[Loc, SecretRef]]:
    for i, cluster in enumerate(inv.clusters):
        if cluster.api is None:
            continue
        for key in ("token_secret", "password"):
            ref = getattr(cluster.api, key)
            if isinstance(ref, SecretRef):
                yield ("clusters", i, "api", key), ref


def parse_inventory(text: str, source: str = "<inventory>", base_dir: Path | None = None) -> Inventory:
    """Validate inventory text; every problem is reported at once in one ConfigError.

    `base_dir` is the folder relative paths (ca_file, key_file, file: secrets) are resolved against.
    """
    data, lines, problems = _load_yaml(text, source)
    inventory: Inventory | None = None
    if data is None:
        problems.append(ConfigProblem("", "the file is empty; it needs a clusters: list", 1))
    elif not isinstance(data, dict):
        problems.append(ConfigProblem("", "the top level should be a mapping with a clusters: list", 1))
    else:
        try:
            inventory = Inventory.model_validate(data, context={"base_dir": base_dir})
        except ValidationError as exc:
            problems += _problems(exc, lines)
    if problems or inventory is None:
        problems.sort(key=lambda p: (p.line is None, p.line or 0, p.key_path))
        raise ConfigError(source, problems)
    for loc, ref in _secret_refs(inventory):
        ref.bind(source, key_path(loc), lines.get(loc))
    return inventory


def load_inventory(path: str | Path) -> Inventory:
    """Read and validate an inventory file (relative paths in it are relative to its folder)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ConfigError(str(p), [ConfigProblem("", "no such file")]) from None
    except IsADirectoryError:
        raise ConfigError(str(p), [ConfigProblem("", "is a folder, not an inventory file")]) from None
    except OSError as exc:
        raise ConfigError(str(p), [ConfigProblem("", f"cannot read: {exc.strerror}")]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(str(p), [ConfigProblem("", "not UTF-8 text", line)]) from None
    return parse_inventory(text, str(p), p.resolve().parent)


def inventory_json_schema() -> dict[str, Any]:
    """The JSON Schema of an inventory (for editors: completion, descriptions, basic checks).

    The rules between keys that JSON Schema can say simply are included; `netdoc inventory check`
    remains the authority.
    """
    schema = Inventory.model_json_schema(mode="validation")
    defs = schema.get("$defs", {})
    if "ApiConfig" in defs:
        defs["ApiConfig"]["dependentRequired"] = {"token_id": ["token_secret"], "token_secret": ["token_id"]}
        defs["ApiConfig"]["not"] = {"required": ["token_id", "password"]}
    if "ClusterConfig" in defs:
        defs["ClusterConfig"]["anyOf"] = [{"required": ["api"]}, {"required": ["ssh"]}]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
