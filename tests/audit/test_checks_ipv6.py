"""IPv6 stanzas (`iface vmbr0 inet6 static` beside the inet one): gateways and the lines shown as evidence.

A link-local gateway (fe80::/10, the router's address on the link) is on every link: no finding. A
global gateway outside the inet6 prefixes is one, worded with the inet6 subnets only. Evidence
points at the inet6 stanza's own lines, not at the inet stanza's `address` and `gateway`.
"""

from __future__ import annotations

from pathlib import Path

from tests.audit.snapshots import audit, codes, snapshot_of, subjects
from tests.topology.nets import HEADER

DUAL = HEADER + (
    "auto eno1\niface eno1 inet manual\n\n"  # 4-5
    "auto vmbr0\niface vmbr0 inet static\n"  # 7-8
    "\taddress 192.0.2.11/24\n\tgateway 192.0.2.1\n"  # 9-10
    "\tbridge-ports eno1\n\tbridge-stp off\n\tbridge-fd 0\n\n"  # 11-13
    "iface vmbr0 inet6 static\n"  # 15
    "\taddress 2001:db8:1::11/64\n\tgateway {gw6}\n"  # 16-17
)


def _snap(tmp: Path, gw6: str, extra: str = "") -> Path:
    text = DUAL.format(gw6=gw6) + extra
    return snapshot_of(tmp, {"nodes/pve1/etc/network/interfaces": text}, "ipv6")


def test_a_link_local_gateway_is_on_the_link(tmp_path: Path) -> None:
    result = audit(_snap(tmp_path, "fe80::1"))
    assert subjects(result, "gateway-outside-subnet") == []
    assert result.findings == ()


def test_a_global_gateway_outside_the_inet6_prefixes(tmp_path: Path) -> None:
    (finding,) = codes(audit(_snap(tmp_path, "2001:db8:2::1")), "gateway-outside-subnet")
    assert finding.message.startswith(
        "pve1: vmbr0 has gateway 2001:db8:2::1, outside its subnet 2001:db8:1::/64:"
    ), "the inet subnet 192.0.2.0/24 has nothing to do with an inet6 gateway"
    assert str(finding.evidence[0].ref) == "/etc/network/interfaces:17"


def test_inet6_evidence_names_the_inet6_lines(tmp_path: Path) -> None:
    second = (
        "\nauto vmbr1\niface vmbr1 inet6 static\n\taddress 2001:db8:1::12/64\n\tgateway fe80::2\n"
        "\tbridge-ports none\n\tbridge-stp off\n\tbridge-fd 0\n"
    )  # vmbr1: stanza on line 20, address 21, gateway 22
    result = audit(_snap(tmp_path, "fe80::1", second))
    (defaults,) = codes(result, "multiple-default-gateways")
    assert defaults.subject == "pve1/default-inet6"
    assert [str(e.ref) for e in defaults.evidence] == [
        "/etc/network/interfaces:17",
        "/etc/network/interfaces:22",
    ]
    (overlap,) = codes(result, "overlapping-subnets")
    assert [str(e.ref) for e in overlap.evidence] == [
        "/etc/network/interfaces:16",
        "/etc/network/interfaces:21",
    ]
