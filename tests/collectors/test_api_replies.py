"""API replies are redacted from the bytes they came as: unchanged when nothing is secret, else
every secret value gone from the snapshot and named in its notes (collect.py, `run_api`)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from netdoc.collectors.collect import CollectOptions
from netdoc.config import load_inventory
from netdoc.lab.runtime import LabRuntime
from netdoc.lab.world import LabWorld
from netdoc.pipeline.collection import collect_clusters
from netdoc.snapshot import open_snapshot
from tests.collectors.labs import scenario_world, write_inventory

pytestmark = pytest.mark.integration

PLANTED = "hunter2-api-secret"


def test_secret_in_an_api_reply_is_redacted_and_the_rest_kept(tmp_path: Path) -> None:
    world = scenario_world("starwars")
    (cluster,) = world.clusters
    storage = json.loads(json.dumps(cluster.api["/storage"]))
    storage["data"][0]["password"] = PLANTED
    storage["data"][0]["comment"] = f"options psk={PLANTED}"
    api = {**cluster.api, "/storage": storage}
    world = LabWorld((dataclasses.replace(cluster, api=api),))
    with LabRuntime(world, tmp_path / "lab") as lab:
        inventory = load_inventory(write_inventory(lab, tmp_path / "inv.yml", deadline_s=60))
        (result,) = collect_clusters(list(inventory.clusters), tmp_path / "snaps", CollectOptions())
    snap = open_snapshot(result.snapshot)
    text = (result.snapshot / "api" / "storage.json").read_text()
    assert PLANTED not in text
    stored = json.loads(text)
    assert stored[0]["storage"] == storage["data"][0]["storage"] and "password" in stored[0]
    assert stored[1:] == storage["data"][1:]  # the rest as it came
    assert snap.manifest is not None
    assert any(n.startswith("api/storage.json: values of ") and "password" in n for n in snap.manifest.notes)
    # a reply without any secret name is stored as it came, and named in no note
    status = json.loads((result.snapshot / "api" / "cluster" / "status.json").read_text())
    assert status == cluster.api["/cluster/status"]["data"]
    assert not any(n.startswith("api/cluster/status.json") for n in snap.manifest.notes)
