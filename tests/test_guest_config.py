"""Guest configs: NIC strings, sections, API JSON, the bulk tail form (with real GNU tail), reference."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netdoc.model.guest import QEMU_NIC_MODELS, VlanRange
from netdoc.parsers.guest_config import (
    guest_location,
    parse_guest_bulk_text,
    parse_guest_json_text,
    parse_guest_text,
)
from netdoc.parsers.guest_nic import parse_lxc_net, parse_qemu_net
from netdoc.parsers.tail import split_tail_output
from tests.golden import REFERENCE, reference_files
from tests.pvehyp import FAST, json_text, lines_of, parses_or_parse_error


@pytest.mark.parametrize("model", sorted(QEMU_NIC_MODELS))
def test_every_qemu_model_both_spellings(model: str) -> None:
    short, _ = parse_qemu_net(0, f"{model}=BC:24:11:00:00:01,bridge=vmbr0", None, "c")
    long, _ = parse_qemu_net(0, f"model={model},macaddr=BC:24:11:00:00:01,bridge=vmbr0", None, "c")
    assert (
        (short.model, short.mac, short.bridge)
        == (long.model, long.mac, long.bridge)
        == (model, "BC:24:11:00:00:01", "vmbr0")
    )


def test_qemu_values_and_units() -> None:
    nic, warnings = parse_qemu_net(
        3,
        "virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=10,trunks=20-30;40,firewall=1,"
        "rate=12.5,mtu=1,queues=8,link_down=1",
        None,
        "c",
    )
    assert (nic.vlan_tag, nic.trunks, nic.firewall, nic.rate_mb_s, nic.mtu, nic.queues, nic.link_down) == (
        10,
        (VlanRange(20, 30), VlanRange(40, 40)),
        True,
        12.5,
        1,
        8,
        True,
    )
    assert not nic.user_mode_nat and not warnings


def test_qemu_without_bridge_is_user_mode_nat() -> None:
    nic, warnings = parse_qemu_net(0, "e1000=BC:24:11:00:00:02", None, "c")
    assert nic.user_mode_nat and nic.bridge is None and not warnings


LXC_PROPS = [
    "name=eth0",
    "bridge=vnet100",
    "hwaddr=BC:24:11:00:00:03",
    "ip=192.0.2.5/24",
    "gw=192.0.2.1",
    "ip6=auto",
    "tag=20",
    "trunks=30;40",
    "firewall=1",
    "rate=3",
    "mtu=1400",
    "type=veth",
    "link_down=0",
    "host-managed=1",
]


@FAST
@given(st.permutations(LXC_PROPS))
def test_lxc_key_order_does_not_matter(props: list[str]) -> None:
    nic, warnings = parse_lxc_net(1, ",".join(props), None, "c")
    assert not warnings
    assert (
        nic.name,
        nic.bridge,
        nic.mac,
        nic.ip,
        nic.gw,
        nic.ip6,
        nic.vlan_tag,
        nic.trunks,
        nic.firewall,
        nic.rate_mb_s,
        nic.mtu,
        nic.model,
        nic.link_down,
        nic.host_managed,
    ) == (
        "eth0",
        "vnet100",
        "BC:24:11:00:00:03",
        "192.0.2.5/24",
        "192.0.2.1",
        "auto",
        20,
        (VlanRange(30, 30), VlanRange(40, 40)),
        True,
        3.0,
        1400,
        "veth",
        False,
        True,
    )


def test_only_the_top_section_is_current() -> None:
    text = (
        "name: a\nnet0: virtio=BC:24:11:00:00:01,bridge=vmbr0\n\n[PENDING]\nnet1: e1000,bridge=vmbr1\n"
        "delete: net0\n\n[s1]\nnet0: virtio=BC:24:11:00:00:01,bridge=old\nnet5: e1000,bridge=x\n\n"
        "[s2]\nname: b\n[special:cloudinit]\nipconfig0: ip=dhcp\n"
    )
    guest = parse_guest_text(text, "/etc/pve/qemu-server/100.conf", "qemu")
    assert [(n.key, n.bridge) for n in guest.nics] == [("net0", "vmbr0")]
    assert [(n.key, n.bridge) for n in guest.pending_nics] == [("net1", "vmbr1")]
    assert guest.pending_delete == ("net0",)
    assert guest.snapshots == ("s1", "s2")
    assert (guest.vmid, guest.name) == (100, "a")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/etc/pve/nodes/pve1/qemu-server/100.conf", ("pve1", "qemu", 100)),
        ("etc/pve/nodes/n-2/lxc/2001.conf", ("n-2", "lxc", 2001)),
        ("/etc/pve/qemu-server/7.conf", (None, "qemu", 7)),
        ("api/nodes/pve3/lxc/203/config.json", ("pve3", "lxc", 203)),
        ("/tmp/whatever.txt", (None, None, None)),
    ],
)
def test_guest_location(path: str, expected: tuple[object, ...]) -> None:
    assert guest_location(path) == expected


def test_api_json_values_and_secrets() -> None:
    text = json.dumps(
        {
            "data": {
                "name": "v",
                "cores": 2,
                "net0": "virtio=BC:24:11:00:00:09,bridge=vmbr0",
                "cipassword": "hash-hash",
                "template": 1,
            }
        }
    )
    guest = parse_guest_json_text(text, "api/nodes/pve1/qemu/300/config.json", "qemu")
    assert (guest.vmid, guest.node, guest.template, guest.origin) == (300, "pve1", True, "api")
    assert "hash-hash" not in json.dumps([o.value for o in guest.options])
    assert guest.nics[0].bridge == "vmbr0"


# ------------------------------------------------------------------------------ bulk tail output

PATHS = st.from_regex(
    r"/etc/pve/nodes/[a-z][a-z0-9]{0,5}/(qemu-server|lxc)/[1-9][0-9]{2,3}\.conf", fullmatch=True
)
BODIES = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60).filter(lambda t: "==>" not in t)


def _tail_format(files: dict[str, str]) -> str:
    """What GNU tail -n +1 prints for several files (see test_split_matches_real_tail)."""
    return "".join(("\n" if i else "") + f"==> {p} <==\n{t}" for i, (p, t) in enumerate(files.items()))


@FAST
@given(st.dictionaries(PATHS, BODIES, min_size=2, max_size=5))
def test_split_inverts_the_tail_format(files: dict[str, str]) -> None:
    assert split_tail_output(_tail_format(files)) == files


@pytest.mark.integration
def test_split_matches_real_tail(tmp_path: Path) -> None:
    tail = shutil.which("tail")
    if tail is None:
        pytest.skip("no tail on this machine")
    contents = {
        "100.conf": "name: a\nnet0: virtio,bridge=vmbr0\n",
        "101.conf": "name: b\n\n\n",
        "102.conf": "no final newline",
        "103.conf": "",
    }
    for name, text in contents.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = [str(tmp_path / n) for n in contents]
    out = subprocess.run([tail, "-n", "+1", "--", *paths], capture_output=True, text=True, check=True).stdout
    assert split_tail_output(out) == {str(tmp_path / n): t for n, t in contents.items()}
    assert out == _tail_format({str(tmp_path / n): t for n, t in contents.items()})


def test_bulk_gives_node_and_type_from_paths() -> None:
    out = _tail_format(
        {
            "/etc/pve/nodes/pve1/qemu-server/100.conf": "name: a\nnet0: virtio,bridge=vmbr0\n",
            "/etc/pve/nodes/pve2/lxc/200.conf": "hostname: b\nnet0: name=eth0,bridge=vmbr1\n",
        }
    )
    result = parse_guest_bulk_text(out, "guest-configs.txt")
    assert [(g.vmid, g.node, g.type, g.name) for g in result.guests] == [
        (100, "pve1", "qemu", "a"),
        (200, "pve2", "lxc", "b"),
    ]
    assert result.guests[0].nics[0].source.path == "/etc/pve/nodes/pve1/qemu-server/100.conf"  # type: ignore[union-attr]
    assert not result.warnings


QEMU_FRAGMENTS = [
    "net0:",
    "net1:",
    "virtio=",
    "e1000",
    "bridge=",
    "tag=",
    "trunks=",
    "1-2;3",
    ",",
    "=",
    "[PENDING]",
    "[snap]",
    "ipconfig0:",
    "ip=",
    "delete:",
    "#",
    "name:",
    "BC:24:11:00:00:01",
]


@FAST
@given(st.one_of(st.text(), lines_of(QEMU_FRAGMENTS)), st.sampled_from(["qemu", "lxc"]))
def test_arbitrary_config_text_never_raises(text: str, guest_type: str) -> None:
    guest = parses_or_parse_error(parse_guest_text, text, "/etc/pve/nodes/p/qemu-server/1.conf", guest_type)
    assert guest is not None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    top = re.split(r"^\[[^\]\n]*\][^\S\n]*$", text, maxsplit=1, flags=re.MULTILINE)[0]
    nets = {int(m.group(1)) for m in re.finditer(r"^[^\S\n]*net(\d+)[^\S\n]*:", top, re.MULTILINE)}
    assert len(guest.nics) == len(nets)


@FAST
@given(st.one_of(st.text(max_size=40), json_text(["net0", "name", "hostname", "data", "ipconfig0", "tags"])))
def test_arbitrary_json_never_raises(text: str) -> None:
    parses_or_parse_error(parse_guest_json_text, text, "api/nodes/p/qemu/1/config.json", "qemu")


@FAST
@given(
    st.one_of(st.text(), lines_of(["==> ", " <==", "/etc/pve/nodes/a/lxc/1.conf", "/qemu-server/", "net0:"]))
)
def test_arbitrary_bulk_never_raises(text: str) -> None:
    parses_or_parse_error(parse_guest_bulk_text, text, "bulk")


# ------------------------------------------------------------------------------------ reference

REF_FILES = [
    (p, "lxc" if "/lxc/" in p.as_posix() else "qemu") for p in reference_files("proxmox", "guest-config")
]


@pytest.mark.parametrize(
    ("path", "guest_type"),
    REF_FILES or [(None, None)],
    ids=lambda p: p.name if isinstance(p, Path) else str(p),
)
def test_reference_conformance(path: Path | None, guest_type: str) -> None:
    if path is None:
        pytest.skip("no guest config samples under the shared reference")
    text = path.read_text(encoding="utf-8")
    guest = parse_guest_text(text, str(path), guest_type)
    top = re.split(r"^\[", text, maxsplit=1, flags=re.MULTILINE)[0]
    net_lines = re.findall(r"^(net\d+):\s*(.*)$", top, re.MULTILINE)
    assert [n.key for n in guest.nics] == sorted({k for k, _ in net_lines}, key=lambda k: int(k[3:]))
    for nic in guest.nics:
        assert nic.raw == dict(net_lines)[nic.key]
        if re.search(r"([0-9A-F]{2}:){5}[0-9A-F]{2}", nic.raw, re.IGNORECASE):
            assert nic.mac is not None
        assert nic.model is not None
    headers = re.findall(r"^\[([^\]]+)\]", text, re.MULTILINE)
    assert len(guest.snapshots) == len([h for h in headers if h != "PENDING" and ":" not in h])
    assert not [w for w in guest.warnings if w.message.startswith("net")]


API_SAMPLES = REFERENCE / "proxmox" / "api-samples" / "inventory_API_RESPONSES.extracted.json"


def test_api_reference_conformance() -> None:
    if not API_SAMPLES.is_file():
        pytest.skip("no API samples under the shared reference")
    replies = json.loads(API_SAMPLES.read_text(encoding="utf-8"))
    checked = 0
    for url, data in replies.items():
        m = re.search(r"/nodes/([^/]+)/(qemu|lxc)/(\d+)/config$", url)
        if not m:
            continue
        guest = parse_guest_json_text(
            json.dumps(data, indent=1),
            f"api/nodes/{m.group(1)}/{m.group(2)}/{m.group(3)}/config.json",
            m.group(2),
        )
        assert guest.vmid == int(m.group(3)) and guest.node == m.group(1)
        assert len(guest.nics) == len([k for k in data if re.fullmatch(r"net\d+", k)])
        assert all(n.bridge for n in guest.nics)
        checked += 1
    assert checked >= 3


@pytest.mark.parametrize("depth", [50, 900, 5000])
def test_deeply_nested_json_values(depth: int) -> None:
    text = '{"name": "x", "agent": ' + "[" * depth + "]" * depth + "}"
    guest = parses_or_parse_error(parse_guest_json_text, text, "api/nodes/p/qemu/1/config.json", "qemu")
    if guest is not None:
        assert guest.name == "x" and any("not a plain value" in w.message for w in guest.warnings)
