"""The API client over real HTTPS (the lab's API server): TLS modes and how HTTP errors are told.

TLS: the cluster CA accepted, another CA refused, the pinned fingerprint accepted (alone and with
the chain), another fingerprint refused, and a password never sent before the pin is checked;
insecure works and is warned about on every run. Errors: 401 denied (authentication), 403 denied
with "Permission check failed (...)" kept, 595 node offline, 501 missing, garbage an error,
latency past the timeout a timeout.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from netdoc.collectors.outcome import Denied, Failed, Missing, TimedOut, Unreachable
from netdoc.collectors.proxmox_api import ApiClient, verify_setting
from netdoc.config import ApiConfig
from netdoc.lab.runtime import LabRuntime
from tests.lab import worlds

pytestmark = pytest.mark.integration

WRONG_FP = ":".join(["AB"] * 32)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabRuntime]:
    with LabRuntime(worlds.world(worlds.cluster(base="127.0.88")), tmp_path_factory.mktemp("lab")) as running:
        yield running


@pytest.fixture(autouse=True)
def _no_faults(lab: LabRuntime) -> Iterator[None]:
    yield
    lab.faults.clear()


def api_cfg(lab: LabRuntime, **over: Any) -> ApiConfig:
    c = lab.clusters["lab1"]
    data: dict[str, Any] = {
        "host": c.api_host,
        "port": c.api_port,
        "user": c.credentials.user,
        "token_id": c.credentials.token_id,
        "token_secret": f"file:{c.token_file}",
        "ca_file": str(c.ca_file),
        "timeout_s": 3,
    }
    data.update(over)
    return ApiConfig.model_validate({k: v for k, v in data.items() if v is not None})


def test_cluster_ca_is_accepted(lab: LabRuntime) -> None:
    client = ApiClient.connect(api_cfg(lab))
    assert client.get("/version", timeout=3)["version"] == "8.2.4"
    assert client.verify == str(lab.clusters["lab1"].ca_file)


def test_another_ca_is_refused(lab: LabRuntime, tmp_path: Path) -> None:
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    client = ApiClient.connect(api_cfg(lab, ca_file=str(other)))
    with pytest.raises(Failed) as info:
        client.get("/version", timeout=3)
    assert "could not be verified" in info.value.message and "ca_file" in info.value.message


def test_system_cas_do_not_know_the_lab(lab: LabRuntime) -> None:
    cfg = api_cfg(lab, ca_file=None)
    assert verify_setting(cfg) not in (False, str(lab.clusters["lab1"].ca_file))
    with pytest.raises(Failed, match="could not be verified"):
        ApiClient.connect(cfg).get("/version", timeout=3)


def test_pinned_fingerprint_alone_is_accepted(lab: LabRuntime) -> None:
    fp = lab.clusters["lab1"].fingerprint
    client = ApiClient.connect(api_cfg(lab, ca_file=None, verify_tls=False, fingerprint=fp))
    assert client.verify is False
    assert isinstance(client.get("/cluster/status", timeout=3), list)


def test_pin_and_chain_together(lab: LabRuntime) -> None:
    fp = lab.clusters["lab1"].fingerprint.replace(":", "").lower()  # colons optional, any case
    client = ApiClient.connect(api_cfg(lab, fingerprint=fp))
    assert client.get("/version", timeout=3)["release"] == "8.2"


@pytest.mark.parametrize("verify_tls", [False, True], ids=["pin-only", "pin-and-chain"])
def test_another_fingerprint_is_refused(lab: LabRuntime, verify_tls: bool) -> None:
    cfg = api_cfg(
        lab,
        ca_file=None if not verify_tls else str(lab.clusters["lab1"].ca_file),
        verify_tls=verify_tls,
        fingerprint=WRONG_FP,
    )
    with pytest.raises(Failed) as info:
        ApiClient.connect(cfg).get("/version", timeout=3)
    assert "not the pinned one" in info.value.message


def test_password_is_not_sent_before_the_pin_is_checked(lab: LabRuntime) -> None:
    c = lab.clusters["lab1"]
    before = lab.api_log.count()
    cfg = api_cfg(
        lab,
        token_id=None,
        token_secret=None,
        password=f"file:{c.password_file}",
        ca_file=None,
        verify_tls=False,
        fingerprint=WRONG_FP,
    )
    with pytest.raises(Failed, match="not the pinned one"):
        ApiClient.connect(cfg)
    assert lab.api_log.count() == before  # the TLS handshake failed: no request reached the server


def test_ticket_login_through_the_pinned_session(lab: LabRuntime) -> None:
    c = lab.clusters["lab1"]
    cfg = api_cfg(
        lab,
        token_id=None,
        token_secret=None,
        password=f"file:{c.password_file}",
        ca_file=None,
        verify_tls=False,
        fingerprint=c.fingerprint,
    )
    client = ApiClient.connect(cfg)
    assert client.get("/version", timeout=3)["version"] == "8.2.4"
    methods = [(r.method, r.path, r.auth) for r in lab.api_log.records()[-2:]]
    assert methods == [("POST", "/access/ticket", "password"), ("GET", "/version", "ticket")]


def test_wrong_password_is_denied(lab: LabRuntime, tmp_path: Path) -> None:
    wrong = tmp_path / "pw"
    wrong.write_text("not-the-password\n")
    wrong.chmod(0o600)
    cfg = api_cfg(lab, token_id=None, token_secret=None, password=f"file:{wrong}")
    with pytest.raises(Denied, match="authentication failed"):
        ApiClient.connect(cfg)


def test_insecure_accepts_anything(lab: LabRuntime) -> None:
    client = ApiClient.connect(api_cfg(lab, ca_file=None, insecure=True))
    assert client.verify is False
    assert client.get("/version", timeout=3)["version"] == "8.2.4"


def test_http_errors_become_statuses(lab: LabRuntime) -> None:
    client = ApiClient.connect(api_cfg(lab))
    lab.add_fault(kind="forbidden", path="/nodes/pve2/*", privilege="Sys.Audit", acl_path="/nodes/pve2")
    with pytest.raises(Denied) as forbidden:
        client.get("/nodes/pve2/network", timeout=3)
    assert forbidden.value.message == "403 Permission check failed (/nodes/pve2, Sys.Audit)"
    lab.faults.clear()
    lab.add_fault(kind="offline", node="pve3")
    with pytest.raises(Unreachable) as offline:
        client.get("/nodes/pve3/network", timeout=3)
    assert "595" in offline.value.message and "offline" in offline.value.message
    assert not offline.value.transient
    lab.faults.clear()
    with pytest.raises(Missing, match="501"):
        client.get("/cluster/ceph/status", timeout=3)
    lab.add_fault(kind="garbage", target="api", path="/version")
    with pytest.raises(Failed, match="not JSON") as garbage:
        client.get("/version", timeout=3)
    assert garbage.value.transient
    lab.faults.clear()
    lab.add_fault(kind="auth_failure")
    with pytest.raises(Denied, match="authentication failed: 401"):
        client.get("/version", timeout=3)


def test_latency_past_the_timeout_is_a_timeout(lab: LabRuntime) -> None:
    client = ApiClient.connect(api_cfg(lab))
    lab.add_fault(kind="latency", ms=3000, target="api", path="/version")
    start = time.monotonic()
    with pytest.raises(TimedOut) as info:
        client.get("/version", timeout=0.5)
    assert time.monotonic() - start < 2
    assert info.value.transient


def test_insecure_is_warned_about_on_every_run(
    lab: LabRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    from netdoc.cli import main
    from netdoc.snapshot import open_snapshot

    inventory = lab.write_inventory(tmp_path / "inv.yml")
    data = yaml.safe_load(inventory.read_text())
    api = data["clusters"][0]["api"]
    for key in ("ca_file", "fingerprint", "verify_tls"):
        api.pop(key, None)
    api["insecure"] = True
    del data["clusters"][0]["ssh"], data["clusters"][0]["nodes"]
    inventory.write_text(yaml.safe_dump(data))
    for run in range(2):
        main(["collect", "-i", str(inventory), "--out", str(tmp_path / "snaps")])
        err = capsys.readouterr().err
        assert err.count("warning: cluster lab1: TLS verification of the API is off (insecure: true)") == 1, (
            run
        )
    snap = open_snapshot(tmp_path / "snaps" / "lab1")
    assert snap.manifest is not None
    assert any("was not verified (insecure: true)" in n for n in snap.manifest.notes)
