"""datacenter.cfg, ceph.conf and /etc/hosts: semantics, secrets, robustness, reference when present."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netdoc.model.base import to_jsonable
from netdoc.parsers.ceph import mon_addresses, parse_ceph_text
from netdoc.parsers.datacenter import parse_datacenter_text
from netdoc.parsers.hosts import parse_hosts_text
from tests.golden import reference_files
from tests.pvehyp import FAST, lines_of, parses_or_parse_error


def test_datacenter_migration_forms() -> None:
    for line in (
        "migration: secure,network=198.51.100.0/24",
        "migration: network=198.51.100.0/24,type=secure",
    ):
        dc = parse_datacenter_text(line + "\n", "dc")
        assert (dc.migration_type, dc.migration_network, dc.warnings) == ("secure", "198.51.100.0/24", ())


def test_datacenter_proxy_password_is_redacted() -> None:
    dc = parse_datacenter_text("http_proxy: http://u:pw-123@proxy.example.com:3128\n", "dc")
    assert dc.http_proxy == "http://[redacted]@proxy.example.com:3128"
    assert "pw-123" not in json.dumps(to_jsonable(dc))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("198.51.100.1,198.51.100.2 198.51.100.3", ("198.51.100.1", "198.51.100.2", "198.51.100.3")),
        (
            "[v2:198.51.100.1:3300/0,v1:198.51.100.1:6789/0] [v2:198.51.100.2:3300/0,v1:198.51.100.2:6789/0]",
            ("198.51.100.1", "198.51.100.2"),
        ),
        ("[2001:db8::1]:6789, mon3.example.com:6789", ("2001:db8::1", "mon3.example.com")),
        ("[v2:[2001:db8::2]:3300/0,v1:[2001:db8::2]:6789/0]", ("2001:db8::2",)),
    ],
)
def test_mon_addresses(value: str, expected: tuple[str, ...]) -> None:
    assert mon_addresses(value) == expected


def test_ceph_key_spellings_are_one_option() -> None:
    conf = parse_ceph_text(
        "[global]\npublic network = 198.51.100.0/24\nPublic-Network = 203.0.113.0/24\n", "c"
    )
    assert conf.public_networks == ("203.0.113.0/24",)  # the last wins, as in Ceph
    assert [o.spelled for o in conf.sections[0].options] == ["public network", "Public-Network"]


def test_ceph_keyring_path_kept_key_redacted() -> None:
    conf = parse_ceph_text("[client]\nkeyring = /etc/pve/priv/$cluster.$name.keyring\nkey = AQBxyz==\n", "c")
    assert [(o.value, o.redacted) for o in conf.sections[0].options] == [
        ("/etc/pve/priv/$cluster.$name.keyring", False),
        ("[redacted]", True),
    ]


def test_hosts_api_reply_and_lookup() -> None:
    reply = json.dumps({"data": "192.0.2.11 pve1.example.com pve1\n::1 localhost\n", "digest": "x"})
    hosts = parse_hosts_text(reply, "hosts.json")
    assert hosts.addresses_of("pve1") == ("192.0.2.11",)
    assert [e.family for e in hosts.entries] == ["inet", "inet6"]


@FAST
@given(
    st.one_of(
        st.text(),
        lines_of(
            [
                "migration:",
                "secure",
                "network=",
                "type=",
                ",",
                "mac_prefix:",
                ":",
                "http_proxy:",
                "http://a:b@c",
                "#",
                "keyboard:",
            ]
        ),
    )
)
def test_arbitrary_datacenter_never_raises(text: str) -> None:
    assert parses_or_parse_error(parse_datacenter_text, text, "dc") is not None


@FAST
@given(
    st.one_of(
        st.text(),
        lines_of(
            [
                "[global]",
                "[mon.a]",
                "=",
                "public network",
                "mon_host",
                "[v2:",
                "]",
                "/0",
                ":6789",
                ",",
                ";",
                "#",
                "key",
            ]
        ),
    )
)
def test_arbitrary_ceph_never_raises(text: str) -> None:
    assert parses_or_parse_error(parse_ceph_text, text, "ceph.conf") is not None


@FAST
@given(
    st.one_of(st.text(), lines_of(["127.0.0.1", "::1", "#", "localhost", "{", '"data"', "%eth0", "fe80::1"]))
)
def test_arbitrary_hosts_never_raises(text: str) -> None:
    hosts = parses_or_parse_error(parse_hosts_text, text, "hosts")
    assert hosts is not None
    assert all(e.address and not e.address.startswith("#") for e in hosts.entries)


@pytest.mark.parametrize(
    ("pattern", "parse"),
    [("ceph.conf", parse_ceph_text), ("datacenter.cfg", parse_datacenter_text), ("hosts", parse_hosts_text)],
)
def test_reference_conformance(pattern: str, parse) -> None:  # type: ignore[no-untyped-def]
    files = reference_files(pattern=pattern)
    if not files:
        pytest.skip(f"no {pattern} under the shared reference")
    for path in files:
        text = path.read_text(encoding="utf-8")
        model = parse(text, str(path))
        json.dumps(to_jsonable(model))
        assert all(w.path == str(path) for w in model.warnings)
