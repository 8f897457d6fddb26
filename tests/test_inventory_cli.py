"""`netdoc inventory check|schema` through the CLI's main(): outputs, exit codes, and the JSON Schema.

Also checks that docs/inventory.md documents every key of the inventory.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from netdoc.cli import EXIT_OK, EXIT_USAGE, main
from netdoc.config import (
    ApiConfig,
    ClusterConfig,
    CollectConfig,
    Inventory,
    NodeConfig,
    SshConfig,
    inventory_json_schema,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inventories" / "example.yml"
DOCS = ROOT / "docs" / "inventory.md"
MODELS = (Inventory, ClusterConfig, ApiConfig, SshConfig, NodeConfig, CollectConfig)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_accepts_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "inventory", "check", str(EXAMPLE))
    assert code == EXIT_OK
    assert out == f"{EXAMPLE}: ok, 2 clusters, 3 nodes listed\n"
    assert err == ""


def test_check_prints_one_line_per_problem_and_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("clusters:\n  - name: c1\n    api:\n      host: h\n      port: 0\n    sssh: {}\n")
    code, out, err = run(capsys, "inventory", "check", str(bad))
    assert code == EXIT_USAGE
    assert out == ""
    assert err.splitlines() == [
        f"netdoc: {bad}: line 3: clusters[0].api: no credentials: give token_id and token_secret "
        "(recommended), or password",
        f"netdoc: {bad}: line 3: clusters[0].api.user: required key missing",
        f"netdoc: {bad}: line 5: clusters[0].api.port: should be greater than or equal to 1",
        f"netdoc: {bad}: line 6: clusters[0].sssh: unknown key (did you mean ssh?); "
        "known keys here: api, collect, name, nodes, ssh",
    ]


def test_check_missing_file_and_syntax_error_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "inventory", "check", str(tmp_path / "nope.yml"))
    assert code == EXIT_USAGE and "nope.yml: no such file" in err
    broken = tmp_path / "broken.yml"
    broken.write_text("clusters:\n  - name: [c1\n")
    code, _, err = run(capsys, "inventory", "check", str(broken))
    assert code == EXIT_USAGE and re.search(r"broken\.yml: line 3: YAML syntax error", err)


def test_check_warns_about_insecure_but_passes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    inv = tmp_path / "inv.yml"
    inv.write_text(
        "clusters:\n  - name: lab\n    api: {host: h, user: a@pve, password: env:PW, insecure: true}\n"
    )
    code, out, err = run(capsys, "inventory", "check", str(inv))
    assert code == EXIT_OK and out == f"{inv}: ok, 1 cluster, 0 nodes listed\n"
    assert (
        err == f"netdoc: {inv}: warning: cluster lab: TLS verification of the API is off (insecure: true)\n"
    )


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return inventory_json_schema()


def test_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str], schema: dict[str, Any]) -> None:
    code, out, _ = run(capsys, "inventory", "schema")
    assert code == EXIT_OK
    assert json.loads(out) == schema


def test_schema_is_valid_and_accepts_the_example(schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(EXAMPLE.read_text()))


def _errors(schema: dict[str, Any], data: Any) -> list[str]:
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]


def test_schema_rejects_what_check_rejects(schema: dict[str, Any]) -> None:
    example = yaml.safe_load(EXAMPLE.read_text())
    api = example["clusters"][0]["api"]
    cases = {
        "unknown key": {**api, "tokn": 1},
        "literal secret": {**api, "token_secret": "hunter2"},
        "token and password": {**api, "password": "env:PW"},
        "token without secret": {k: v for k, v in api.items() if k != "token_secret"},
        "short fingerprint": {**api, "fingerprint": "AB:CD"},
        "port out of range": {**api, "port": 0},
    }
    for name, bad_api in cases.items():
        bad = {"clusters": [{**example["clusters"][0], "api": bad_api}]}
        assert _errors(schema, bad), f"the schema accepts an inventory with {name}"
    neither = {"clusters": [{"name": "x", "nodes": [{"name": "a", "address": "192.0.2.1"}]}]}
    assert _errors(schema, neither), "the schema accepts a cluster without api and ssh"


def test_schema_describes_every_key(schema: dict[str, Any]) -> None:
    missing = []
    for name, definition in [("Inventory", schema), *schema["$defs"].items()]:
        assert definition.get("description"), f"{name} has no description"
        missing += [f"{name}.{k}" for k, v in definition["properties"].items() if not v.get("description")]
    assert not missing, f"keys without a description: {missing}"


def test_docs_document_every_key() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for model in MODELS:
        for key, field in model.model_fields.items():
            assert f"`{key}`" in text, f"docs/inventory.md does not document {model.__name__}.{key}"
            if field.default is not None and not callable(field.default_factory):
                default = field.default
                shown = str(default).lower() if isinstance(default, bool) else str(default)
                if not shown.startswith("Pydantic"):
                    assert shown in text, f"docs/inventory.md does not give the default of {key} ({shown})"
