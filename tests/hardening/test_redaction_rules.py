"""The redaction rules of docs/secrets.md, one case per kind of secret; the snapshot reader applies
them (a snapshot made by hand); the allow-list can never name /etc/pve/priv or corosync's authkey;
the marker reads literally on a page."""

from __future__ import annotations

import json
from pathlib import Path

import markdown
import pytest

from netdoc.collectors import plan
from netdoc.model.pveconf import REDACTED as MODEL_REDACTED
from netdoc.redaction import REDACTED, redact_bytes, redact_json, redact_json_bytes, redact_text
from netdoc.render.markdown import esc
from netdoc.snapshot import open_snapshot

S = "SECRET-0f3a"  # the secret of every case

CASES = {
    "wireguard private key": f"[Interface]\nAddress = 10.9.0.1/24\nPrivateKey = {S}=\nListenPort = 51820\n",
    "wireguard preshared key": f"[Peer]\nPublicKey = pub/key=\nPresharedKey = {S}=\nAllowedIPs = 10.9.0.2/32\n",
    "wpa-psk": f"iface wlan0 inet dhcp\n\twpa-ssid lab\n\twpa-psk {S}\n",
    "wpa-password": f"iface wlan0 inet dhcp\n\twpa-identity me\n\twpa-password {S}\n",
    "commented-out wpa-psk": f"iface wlan0 inet dhcp\n#\twpa-psk {S}\n",
    "ovs_extra psk": f"iface gre0 inet manual\n\tovs_extra set interface gre0 options:psk={S} -- x\n",
    "ovs show psk": f'        options: {{psk={S}, remote_ip="192.0.2.9"}}\n',
    "cifs password": f"cifs: share\n\tserver 192.0.2.5\n\tusername u\n\tpassword {S}\n",
    "pbs password": f"pbs: backup\n\tserver 192.0.2.6\n\tpassword {S}\n\tfingerprint aa:bb\n",
    "ceph keyring key": f'[client.admin]\n\tkey = {S}==\n\tcaps mon = "allow *"\n',
    "ceph.conf key": f"[global]\n\tfsid = 1\n\tkey = {S}\n",
    "snmp rocommunity": f"rocommunity {S} 192.0.2.0/24\n",
    "snmp community": f"community: {S}\n",
    "snmp com2sec": f"com2sec readonly default {S}\n",
    "radius secret": f"client sw1 {{\n\tipaddr = 192.0.2.1\n\tsecret = {S}\n}}\n",
    "any *_token": f"ipam: netbox\n\tapi_token {S}\n",
    "any *-secret": f"openid: sso\n\tclient-secret {S}\n",
    "any *-key": f"pbs: b\n\tencryption-key {S}\n",
    "apikey": f"dns: pdns\n\tapikey {S}\n",
    "PVEAPIToken inline": f"Authorization: PVEAPIToken=netdoc@pve!netdoc={S}\n",
    "url password": f"http_proxy: http://netdoc:{S}@proxy.example.org:3128\n",
    "ticket inline": f"cookie PVEAuthCookie={S}; ticket={S}\n",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_kind_of_secret_is_redacted_and_the_marker_shows(case: str) -> None:
    text = CASES[case]
    out, names = redact_text(text)
    assert S not in out and REDACTED in out and names, out
    # the line is kept (the name stays), only the value goes; and redacting again changes nothing
    assert out.count("\n") == text.count("\n")
    assert redact_text(out) == (out, [])
    assert redact_bytes(text.encode())[0] == out.encode()


@pytest.mark.parametrize(
    "text",
    [
        "PublicKey = pub/key=\nEndpoint = 192.0.2.1:51820\n",
        "totem {\n  token: 3000\n}\n",
        'options: {key=flow, remote_ip="192.0.2.1"}\n',
        "pbs: b\n\tmaster-pubkey LS0t\n",
        "keyring = /etc/pve/priv/$cluster.$name.keyring\n",
    ],
)
def test_public_values_are_kept(text: str) -> None:
    assert redact_text(text) == (text, [])


def test_json_replies_keys_option_lines_and_ovs_maps() -> None:
    reply = [
        {"iface": "wlan0", "options": [f"wpa-psk {S}", "wpa-ssid lab"], "comments": f"rocommunity {S}\n"},
        {"storage": "share", "type": "cifs", "password": S, "PrivateKey": S, "ticket": S},
        {"options": ["map", [["psk", S], ["remote_ip", "192.0.2.1"]]]},
    ]
    red, names = redact_json(reply)
    assert len(names) == 6
    text = json.dumps(red)
    assert S not in text and text.count(REDACTED) == 6, text
    assert "wpa-ssid lab" in text and "192.0.2.1" in text and "wlan0" in text
    data, _ = redact_json_bytes(json.dumps(reply).encode())
    assert S.encode() not in data


def test_the_markers_are_one() -> None:
    assert REDACTED == MODEL_REDACTED == "[redacted]"


def test_the_marker_reads_literally_in_markdown_and_html() -> None:
    html = markdown.markdown(f"value {esc('wpa-psk ' + REDACTED)}")
    assert "wpa-psk [redacted]" in html and "<a" not in html


def test_a_snapshot_made_by_hand_is_redacted_when_read(tmp_path: Path) -> None:
    (tmp_path / "nodes/pve1/etc/network").mkdir(parents=True)
    (tmp_path / "nodes/pve1/commands").mkdir(parents=True)
    (tmp_path / "api/nodes/pve1").mkdir(parents=True)
    (tmp_path / "nodes/pve1/etc/network/interfaces").write_text(CASES["wpa-psk"])
    (tmp_path / "nodes/pve1/commands/ovs-vsctl-show.txt").write_text(CASES["ovs show psk"])
    (tmp_path / "api/nodes/pve1/network.json").write_text(
        json.dumps([{"iface": "x", "options": [f"wpa-psk {S}"]}])
    )
    (tmp_path / "api/storage.json").write_text(json.dumps([{"storage": "s", "password": S}]))
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {"format": "netdoc-snapshot/1", "cluster": "c", "notes": [f"password={S}"], "artifacts": []}
        )
    )
    snap = open_snapshot(tmp_path)
    texts = snap.texts()
    assert len(texts) == 4 and all(S not in t and REDACTED in t for t in texts.values()), texts
    assert S not in json.dumps(snap.api("/storage")) and S not in (
        snap.node_file("pve1", "/etc/network/interfaces") or ""
    )
    assert S not in repr(snap.manifest)
    assert set(snap.redacted) == set(texts)


def _never_read(path: str) -> bool:
    return path.startswith("/etc/pve/priv/") or path in ("/etc/corosync/authkey", "/etc/pve/priv")


@pytest.mark.parametrize(
    "path",
    [
        "/etc/pve/priv/authkey.key",
        "/etc/pve/priv/token.cfg",
        "/etc/pve/priv/shadow.cfg",
        "/etc/pve/priv/storage/share.pw",
        "/etc/pve/priv/storage/backup.pw",
        "/etc/pve/priv/ceph.client.admin.keyring",
        "/etc/pve/priv/ceph/rbd.keyring",
        "/etc/pve/priv/acme/default",
        "/etc/pve/priv/known_hosts",
        "/etc/pve/priv/authorized_keys",
        "/etc/pve/priv/lock/x",
        "/etc/corosync/authkey",
        "/etc/pve/nodes/pve1/priv/x.conf",
        "/etc/pve/nodes/pve1/pve-ssl.key",
        "/etc/pve/local/pve-ssl.key",
        "/etc/pve/sdn/../priv/token.cfg",
        "/etc/network/interfaces.d/../../pve/priv/token.cfg",
    ],
)
def test_no_allow_listed_path_or_glob_can_name_the_secret_files(path: str) -> None:
    for read in plan.FILE_READS:
        for pattern in read.patterns:
            assert not pattern.matches(path), (pattern.pattern, path)
            assert not pattern.pattern.startswith(plan.FORBIDDEN_PREFIXES)
            assert "priv" not in pattern.pattern and "authkey" not in pattern.pattern
            assert ".." not in pattern.pattern


def test_no_command_or_api_path_reads_them() -> None:
    lines = " ".join(plan.ssh_commands(sudo=True))
    assert "priv" not in lines and "authkey" not in lines and "corosync/" not in lines
    apis = [i.path for i in (*plan.CLUSTER_API, plan.VNET_SUBNETS, *plan.NODE_API, *plan.GUEST_API)]
    assert not [p for p in apis if "access" in p or "priv" in p or "token" in p]
