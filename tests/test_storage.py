"""SectionConfig reader and storage.cfg: Proxmox's reading rules, endpoints, secrets, robustness, reference."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netdoc.model.base import to_jsonable
from netdoc.parsers.sectionconfig import read_section_config
from netdoc.parsers.storage import host_of, parse_storage_text
from tests.golden import reference_files
from tests.pvehyp import FAST, lines_of, parses_or_parse_error


def test_blank_line_ends_a_section_and_comments_do_not() -> None:
    text = "nfs: a\n\tserver 192.0.2.1\n# a comment inside\n\texport /x\n\n\tcontent images\n"
    raw = read_section_config(text, "s.cfg")
    assert [o.key for o in raw.sections[0].options] == ["server", "export"]
    assert [c.text for c in raw.comments] == ["a comment inside"]
    assert [w.line for w in raw.warnings] == [6]  # the indented line after the blank one


def test_bare_flag_and_array_keys() -> None:
    text = "subnet: z-192.0.2.0-24\n\tsnat\n\tdhcp-range a\n\tdhcp-range b\n\tgateway x\n\tgateway y\n"
    raw = read_section_config(text, "s.cfg", array_keys={"dhcp-range"})
    section = raw.sections[0]
    assert section.get("snat") is not None and section.get("snat").value is None  # type: ignore[union-attr]
    assert section.values("dhcp-range") == ("a", "b")
    assert [w.message for w in raw.warnings] == [
        "duplicate key 'gateway' in 'z-192.0.2.0-24': Proxmox keeps the first value"
    ]
    assert section.get("gateway").value == "x"  # type: ignore[union-attr]


def test_secrets_never_reach_the_model() -> None:
    text = "cifs: c\n\tserver 192.0.2.9\n\tshare s\n\tpassword Sup3rS3cret!\n\tclient-secret abc-XYZ-42\n"
    conf = parse_storage_text(text, "storage.cfg")
    dumped = json.dumps(to_jsonable(conf))
    assert "Sup3rS3cret" not in dumped and "abc-XYZ-42" not in dumped
    assert [o.key for o in conf.storages[0].options if o.redacted] == ["password", "client-secret"]


@pytest.mark.parametrize(
    ("endpoint", "host"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("192.0.2.1:3260", "192.0.2.1"),
        ("[2001:db8::1]:3260", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("nas.example.com:3260", "nas.example.com"),
    ],
)
def test_host_of(endpoint: str, host: str) -> None:
    assert host_of(endpoint) == host


def test_remote_hosts_per_type() -> None:
    text = (
        "rbd: ext\n\tmonhost 192.0.2.1 192.0.2.2,192.0.2.3;192.0.2.1\n\tpool p\n\n"
        "rbd: hci\n\tpool p\n\n"
        "zfs: z\n\tportal 198.51.100.7\n\ttarget iqn.x\n\tpool tank\n\tiscsiprovider LIO\n\n"
        "pbs: b\n\tserver pbs.example.com\n\tdatastore d\n"
    )
    conf = parse_storage_text(text, "storage.cfg")
    hosts = {s.id: s.remote_hosts for s in conf.storages}
    assert hosts == {
        "ext": ("192.0.2.1", "192.0.2.2", "192.0.2.3"),
        "hci": (),  # hyper-converged Ceph: the cluster's own monitors
        "z": ("198.51.100.7",),
        "b": ("pbs.example.com",),
    }
    assert conf.implicit_local is True
    assert not conf.warnings


FRAGMENTS = [
    "nfs:",
    "dir:",
    "rbd:",
    "\t",
    "server",
    "export",
    "content",
    "monhost",
    "password",
    "#",
    ":",
    "local",
    "disable",
    "shared",
    "portal",
    "[::1]:3260",
    "1",
]


@FAST
@given(st.one_of(st.text(), lines_of(FRAGMENTS)))
def test_arbitrary_text_never_raises(text: str) -> None:
    conf = parses_or_parse_error(parse_storage_text, text, "storage.cfg")
    assert conf is not None
    assert all(
        o.value is None or "password" not in o.key or o.redacted for s in conf.storages for o in s.options
    )


REFERENCE = reference_files("proxmox", "storage-cfg")
_HEADER = re.compile(r"^(\S+):\s*(\S+)\s*$", re.MULTILINE)


@pytest.mark.parametrize("path", REFERENCE or [None], ids=lambda p: p.name if p else "absent")
def test_reference_conformance(path) -> None:  # type: ignore[no-untyped-def]
    if path is None:
        pytest.skip("no storage.cfg samples under the shared reference")
    text = path.read_text(encoding="utf-8")
    conf = parse_storage_text(text, str(path))
    headers = [m for m in _HEADER.finditer(text) if not m.group(0).startswith("#")]
    assert len(conf.storages) == len(headers)
    assert [s.id for s in conf.storages] == [m.group(2) for m in headers]
    for storage in conf.storages:
        if storage.type in ("nfs", "cifs", "pbs", "iscsi", "iscsidirect", "zfs"):
            assert storage.remote_hosts, storage.id
        if storage.type in ("rbd", "cephfs"):
            assert len(storage.remote_hosts) == len(storage.monhost)
    assert not [w for w in conf.warnings if "not indented" in w.message or "ignored" in w.message]
