"""No secret is ever published, end to end (docs/secrets.md).

Distinctive secrets of every kind (`SECRET-<kind>-<uuid>`) are seeded into a lab cluster's files,
command outputs and API replies, next to files netdoc must never read (/etc/pve/priv, corosync's
authkey); the lab's own API token secret, its password and every ticket and CSRF token it issues
are secrets too. Then, over HTTPS and SSH: `netdoc --debug collect` (token), `netdoc --debug run`
(password and tickets; site, reports in every format, JSON logs), `netdoc export` in every format,
`netdoc diff`, `netdoc check --format json`. Every file written (snapshots, manifests, site,
reports, exports, caches; .gz, .zip and .xlsx members; PDF text) and everything printed or logged
is searched for every secret: zero hits. And where each secret was, the snapshot shows the marker,
so the test fails if a line was dropped or a file never collected.

Then the same secrets written straight into a snapshot folder (no collector) and published with
`netdoc build` and `netdoc report`: zero hits, and the marker on the site.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import logging
import shutil
import subprocess
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from netdoc.cli import main
from netdoc.lab import api_auth
from netdoc.lab.runtime import LabRuntime
from netdoc.lab.world import LabCluster, LabWorld
from netdoc.redaction import REDACTED
from tests.collectors.labs import scenario_world, write_inventory

pytestmark = pytest.mark.integration

REPORT_FORMATS = ("html", "pdf", "md", "json", "csv", "xlsx", "junit")
EXPORT_FORMATS = {"json": "json", "graphml": "graphml", "dot": "dot", "drawio": "drawio"}


def _secret(kind: str) -> str:
    return f"SECRET-{kind}-{uuid.uuid4()}"


@dataclasses.dataclass(frozen=True)
class Seed:
    """A secret, the snapshot file it is collected into, and what that file shows in its place."""

    secret: str
    where: str  # path in the snapshot, a glob ("" for a file that must never be read)
    shows: str  # the marker in context


def _seeds(node: str) -> dict[str, Seed]:
    ifaces = f"nodes/{node}/etc/network/interfaces"
    wg = f"nodes/{node}/etc/network/interfaces.d/wg0.conf"
    misc = f"nodes/{node}/etc/network/interfaces.d/snmp-radius"
    pve = "nodes/*/etc/pve"  # /etc/pve is read from one node, whichever answers first
    return {
        "wpapsk": Seed(_secret("wpapsk"), ifaces, f"wpa-psk {REDACTED}"),
        "wpapassword": Seed(_secret("wpapassword"), ifaces, f"wpa-password {REDACTED}"),
        "ovsextra": Seed(_secret("ovsextra"), ifaces, f"options:psk={REDACTED}"),
        "wgpriv": Seed(_secret("wgpriv"), wg, f"PrivateKey = {REDACTED}"),
        "wgpsk": Seed(_secret("wgpsk"), wg, f"PresharedKey = {REDACTED}"),
        "rocommunity": Seed(_secret("rocommunity"), misc, f"rocommunity {REDACTED}"),
        "com2sec": Seed(_secret("com2sec"), misc, f"com2sec {REDACTED}"),
        "radius": Seed(_secret("radius"), misc, f"secret = {REDACTED}"),
        "cifspw": Seed(_secret("cifspw"), f"{pve}/storage.cfg", f"\tpassword {REDACTED}\n\tsmbversion"),
        "pbspw": Seed(_secret("pbspw"), f"{pve}/storage.cfg", f"\tpassword {REDACTED}\n\tfingerprint"),
        "pbskey": Seed(_secret("pbskey"), f"{pve}/storage.cfg", f"encryption-key {REDACTED}"),
        "cephkey": Seed(_secret("cephkey"), f"{pve}/ceph.conf", f"key = {REDACTED}"),
        "ipamtoken": Seed(_secret("ipamtoken"), f"{pve}/sdn/ipams.cfg", f"token {REDACTED}"),
        "dnskey": Seed(_secret("dnskey"), f"{pve}/sdn/dns.cfg", f"key {REDACTED}"),
        "proxypw": Seed(_secret("proxypw"), f"{pve}/datacenter.cfg", f"http://netdoc:{REDACTED}@"),
        "cipassword": Seed(
            _secret("cipassword"), f"{pve}/nodes/{node}/qemu-server/100.conf", f"cipassword: {REDACTED}"
        ),
        "ovsshow": Seed(_secret("ovsshow"), f"nodes/{node}/commands/ovs-vsctl-show.txt", f"psk={REDACTED}"),
        "ovsjson": Seed(
            _secret("ovsjson"),
            f"nodes/{node}/commands/ovs-vsctl-list-interface.json",
            f'["psk", "{REDACTED}"]',
        ),
        "apistoragepw": Seed(_secret("apistoragepw"), "api/storage.json", f'"password": "{REDACTED}"'),
        "apiwpa": Seed(_secret("apiwpa"), f"api/nodes/{node}/network.json", f"wpa-psk {REDACTED}"),
        "apicommunity": Seed(
            _secret("apicommunity"), f"api/nodes/{node}/network.json", f"rocommunity {REDACTED}"
        ),
        # never read: no marker anywhere, the files are simply not in the snapshot
        "privtoken": Seed(_secret("privtoken"), "", ""),
        "privpw": Seed(_secret("privpw"), "", ""),
        "privkeyring": Seed(_secret("privkeyring"), "", ""),
        "authkey": Seed(_secret("authkey"), "", ""),
    }


def _node_files(files: dict[str, bytes], node: str, s: dict[str, Seed]) -> dict[str, bytes]:
    """What an admin may have on a node, secrets included (all of it readable by the lab's tail)."""
    out = dict(files)
    out["/etc/network/interfaces"] = (
        files["/etc/network/interfaces"]
        + (
            "\nauto wlan0\niface wlan0 inet dhcp\n\twpa-ssid lab\n"
            f"\twpa-psk {s['wpapsk'].secret}\n\twpa-password {s['wpapassword'].secret}\n"
            "\nauto gre0\niface gre0 inet manual\n\tovs_type OVSIntPort\n"
            f"\tovs_extra set interface gre0 type=gre options:remote_ip=192.0.2.9 options:psk={s['ovsextra'].secret}\n"
        ).encode()
    )
    out["/etc/network/interfaces.d/wg0.conf"] = (
        f"[Interface]\nAddress = 10.9.0.1/24\nPrivateKey = {s['wgpriv'].secret}\nListenPort = 51820\n\n"
        f"[Peer]\nPublicKey = cHVibGlj\nPresharedKey = {s['wgpsk'].secret}\nAllowedIPs = 10.9.0.2/32\n"
    ).encode()
    out["/etc/network/interfaces.d/snmp-radius"] = (
        f"# snmpd\nrocommunity {s['rocommunity'].secret} 192.0.2.0/24\n"
        f"com2sec readonly default {s['com2sec'].secret}\n"
        f"# freeradius client\nclient sw1 {{\n\tipaddr = 192.0.2.1\n\tsecret = {s['radius'].secret}\n}}\n"
    ).encode()
    out["/etc/pve/storage.cfg"] = (
        files["/etc/pve/storage.cfg"].replace(
            b"\tsmbversion 3.0", f"\tpassword {s['cifspw'].secret}\n\tsmbversion 3.0".encode()
        )
        + (
            f"\npbs: backup\n\tdatastore store1\n\tserver 203.0.113.60\n\tcontent backup\n\tusername netdoc@pbs\n"
            f"\tpassword {s['pbspw'].secret}\n\tfingerprint aa:bb:cc\n\tencryption-key {s['pbskey'].secret}\n"
        ).encode()
    )
    out["/etc/pve/ceph.conf"] = (
        f"[global]\n\tfsid = 1b2c\n\tpublic_network = 203.0.113.0/24\n\n[client.admin]\n\tkey = {s['cephkey'].secret}\n"
    ).encode()
    out["/etc/pve/sdn/ipams.cfg"] = (
        f"netbox: nb\n\turl https://192.0.2.7/api\n\ttoken {s['ipamtoken'].secret}\n"
    ).encode()
    out["/etc/pve/sdn/dns.cfg"] = (
        f"powerdns: pdns\n\turl https://192.0.2.8\n\tkey {s['dnskey'].secret}\n".encode()
    )
    out["/etc/pve/datacenter.cfg"] = files["/etc/pve/datacenter.cfg"] + (
        f"http_proxy: http://netdoc:{s['proxypw'].secret}@proxy.example.org:3128\n".encode()
    )
    vm = f"/etc/pve/nodes/{node}/qemu-server/100.conf"
    if vm in files:
        out[vm] = files[vm] + f"cipassword: {s['cipassword'].secret}\n".encode()
    # never to be read
    out["/etc/pve/priv/token.cfg"] = f"netdoc@pve!netdoc {s['privtoken'].secret}\n".encode()
    out["/etc/pve/priv/storage/smb.pw"] = f"{s['privpw'].secret}\n".encode()
    out["/etc/pve/priv/ceph.client.admin.keyring"] = (
        f"[client.admin]\nkey = {s['privkeyring'].secret}\n".encode()
    )
    out["/etc/corosync/authkey"] = s["authkey"].secret.encode()
    return out


def _seeded(world: LabWorld) -> tuple[LabWorld, dict[str, Seed]]:
    (cluster,) = world.clusters
    first = cluster.nodes[0].name
    seeds = _seeds(first)
    nodes = []
    for node in cluster.nodes:
        commands = dict(node.commands)
        if node.name == first:
            commands["ovs-vsctl show"] = commands["ovs-vsctl show"].replace(
                b"    ovs_version",
                b"        Port gre0\n            Interface gre0\n                type: gre\n"
                + f'                options: {{psk={seeds["ovsshow"].secret}, remote_ip="192.0.2.9"}}\n'.encode()
                + b"    ovs_version",
                1,
            )
            listing = "ovs-vsctl --format=json list Interface"
            commands[listing] = commands[listing].replace(
                b'["driver_name","tun"]',
                f'["driver_name","tun"],["psk","{seeds["ovsjson"].secret}"]'.encode(),
                1,
            )
        nodes.append(
            dataclasses.replace(node, files=_node_files(dict(node.files), first, seeds), commands=commands)
        )
    api: dict[str, Any] = json.loads(json.dumps(dict(cluster.api)))
    api["/storage"]["data"].append(
        {
            "storage": "backup",
            "type": "pbs",
            "server": "203.0.113.60",
            "password": seeds["apistoragepw"].secret,
        }
    )
    network = api[f"/nodes/{first}/network"]["data"]
    network.append(
        {
            "iface": "wlan0",
            "type": "unknown",
            "method": "dhcp",
            "families": ["inet"],
            "options": ["wpa-ssid lab", f"wpa-psk {seeds['apiwpa'].secret}"],
            "comments": f"rocommunity {seeds['apicommunity'].secret}\n",
        }
    )
    for item in network:
        api.setdefault(f"/nodes/{first}/network/{item['iface']}", {"data": item})
    return LabWorld((LabCluster(cluster.name, tuple(nodes), api, cluster.faults),)), seeds


# ------------------------------------------------------------------------------------------ search


def _views(path: Path, data: bytes) -> Iterator[tuple[str, bytes]]:
    """A file's bytes and what is inside it: gzip, zip/xlsx members, PDF text and streams."""
    yield str(path), data
    if data[:2] == b"\x1f\x8b":
        yield from _views(Path(f"{path}!gunzip"), gzip.decompress(data))
    elif data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                yield from _views(Path(f"{path}!{name}"), z.read(name))
    elif data[:5] == b"%PDF-":
        text = subprocess.run(["pdftotext", "-q", str(path), "-"], capture_output=True, check=True).stdout
        assert text.strip(), f"{path}: no text extracted"
        yield f"{path}!text", text
        for stream in data.split(b"stream")[1:]:
            try:
                yield f"{path}!stream", zlib.decompressobj().decompress(stream.lstrip(b"\r\n"))
            except zlib.error:
                continue


def _hits(roots: list[Path], printed: str, secrets: list[str]) -> list[str]:
    found = [f"printed: {s}" for s in secrets if s in printed]
    files = 0
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                files += 1
                for where, data in _views(path, path.read_bytes()):
                    found += [f"{where}: {s}" for s in secrets if s.encode() in data]
    assert files > 50, f"only {files} files written: the search means nothing"
    return found


# ------------------------------------------------------------------------------------------ the test


def test_no_seeded_secret_is_published_anywhere(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is needed to read the PDF report's text")
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "out" / "cache"))
    issued: list[str] = []
    real_issue = api_auth.Authority.issue

    def issue(self: api_auth.Authority, user: str) -> tuple[str, str]:
        ticket, csrf = real_issue(self, user)
        issued.extend((ticket, csrf, csrf.split(":", 1)[1], ticket.split("::", 1)[1]))
        return ticket, csrf

    monkeypatch.setattr(api_auth.Authority, "issue", issue)
    world, seeds = _seeded(scenario_world("ovs"))
    out = tmp_path / "out"  # everything netdoc writes goes below here
    codes: dict[str, int] = {}
    with LabRuntime(world, tmp_path / "lab") as lab:
        (name,) = lab.clusters
        creds = lab.clusters[name].credentials
        token_inv = write_inventory(lab, tmp_path / "token.yml", timeout_s=5, deadline_s=30, retries=0)
        data = yaml.safe_load(token_inv.read_text())
        api = data["clusters"][0]["api"]
        del api["token_id"], api["token_secret"]
        api["password"] = f"file:{lab.clusters[name].password_file}"
        password_inv = tmp_path / "password.yml"
        password_inv.write_text(yaml.safe_dump(data))
        # 1. collect with the token, everything logged
        codes["collect"] = main(["--debug", "collect", "-i", str(token_inv), "--out", str(out / "collected")])
        # 2. the nightly run with the password (tickets), every report format, JSON logs, --debug
        codes["run"] = main(
            [
                "--debug",
                "run",
                "-i",
                str(password_inv),
                "--out",
                str(out / "snaps"),
                "--site",
                str(out / "site"),
                "--reports",
                str(out / "reports"),
                "--report-formats",
                ",".join(REPORT_FORMATS),
                "--log-format",
                "json",
                "--fail-on",
                "never",
                "--accept-new-host-keys",
            ]
        )
    assert issued, "the run logged in with the password: the lab issued tickets"
    collected = out / "collected" / name / "latest"
    nightly = out / "snaps" / name / "latest"
    assert collected.is_dir() and nightly.is_dir()
    # 3. exports, diff, check over the collected snapshots
    (out / "exports").mkdir()
    for fmt, ext in EXPORT_FORMATS.items():
        codes[f"export {fmt}"] = main(
            ["export", str(nightly), "--format", fmt, "-o", str(out / "exports" / f"g.{ext}")]
        )
    for fmt in ("text", "json", "md"):
        codes[f"diff {fmt}"] = main(["diff", str(collected), str(nightly), "--format", fmt])
    codes["check"] = main(["check", str(nightly), "--format", "json", "--fail-on", "never"])
    assert all(code == 0 for code in codes.values()), codes

    # The marker is where each collected secret was (the line kept, the file collected).
    for kind, seed in seeds.items():
        if not seed.where:
            continue
        stored = sorted(nightly.glob(seed.where))
        assert stored, f"{kind}: {seed.where} was not collected"
        assert seed.shows in stored[0].read_text(), f"{kind}: {seed.shows!r} not in {seed.where}"
    # What must never be read is not in the snapshot at all.
    for snapshot in (collected, nightly):
        names = {p.relative_to(snapshot).as_posix() for p in snapshot.rglob("*")}
        assert not [n for n in names if "/priv" in n or "authkey" in n or "corosync/" in n], names

    secrets = [s.secret for s in seeds.values()]
    secrets += [creds.token_secret, creds.password, *issued]
    printed = capsys.readouterr()
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert len(caplog.records) > 10  # --debug logged: the search of the log means something
    events = [json.loads(line) for line in printed.err.splitlines() if line.startswith('{"time"')]
    assert {"event", "message"} <= set(events[0]) and len(events) > 3, printed.err[-2000:]
    assert _hits([out], printed.out + printed.err + logged, secrets) == []
    site_text = "".join(p.read_text(errors="replace") for p in (out / "site").rglob("*.html"))
    assert REDACTED in site_text  # shown literally on the pages
    written = {p.name for p in (out / "reports").iterdir()}
    assert written == {
        "report.html",
        "report.pdf",
        "report.md",
        "report.json",
        "report-csv.zip",
        "report.xlsx",
        "report-junit.xml",
    }

    # 4. A snapshot made by hand: the same secrets, no collector in between.
    hand = tmp_path / "hand" / name
    shutil.copytree(nightly, hand)
    (cluster,) = world.clusters
    for node in cluster.nodes:
        for path, content in node.files.items():
            if not path.startswith(("/etc/pve/priv", "/etc/corosync")):
                target = hand / "nodes" / node.name / path.lstrip("/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
    first = cluster.nodes[0].name
    (hand / "nodes" / first / "commands" / "ovs-vsctl-show.txt").write_bytes(
        cluster.nodes[0].commands["ovs-vsctl show"]
    )
    (hand / "nodes" / first / "commands" / "ovs-vsctl-list-interface.json").write_bytes(
        cluster.nodes[0].commands["ovs-vsctl --format=json list Interface"]
    )
    (hand / "api" / "storage.json").write_text(json.dumps(cluster.api["/storage"]["data"]))
    (hand / "api" / "nodes" / first / "network.json").write_text(
        json.dumps(cluster.api[f"/nodes/{first}/network"]["data"])
    )
    hand_secrets = [s.secret for s in seeds.values() if s.where]
    raw = "".join(p.read_text(errors="replace") for p in hand.rglob("*") if p.is_file())
    assert all(s in raw for s in hand_secrets)  # the hand-made snapshot does hold every secret
    published = tmp_path / "published"
    codes = {"build": main(["build", str(hand), "--site", str(published / "site"), "--no-config", "-q"])}
    for fmt in REPORT_FORMATS:
        codes[f"report {fmt}"] = main(
            ["report", str(hand), "--format", fmt, "-o", str(published / "reports" / f"report.{fmt}")]
        )
    assert all(code == 0 for code in codes.values()), codes
    printed = capsys.readouterr()
    assert _hits([published], printed.out + printed.err, hand_secrets) == []
    site_text = "".join(p.read_text(errors="replace") for p in (published / "site").rglob("*.html"))
    assert site_text.count(REDACTED) >= len(hand_secrets)
