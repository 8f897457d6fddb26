"""Parse sysctl files (/etc/sysctl.conf, /etc/sysctl.d/*.conf) and sum up forwarding settings.

`key = value` lines, `#`/`;` comments, `-key = value` (ignore errors); keys may use `/` instead of
`.` (then dots are literal, as in `net/ipv4/conf/vmbr0.100/forwarding`). `forwarding_of` is shared
with the hook parser (echo 1 > /proc/sys/..., sysctl -w ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.nat import Forwarding, SysctlConfig, SysctlSetting
from netdoc.parsers.jsonvalues import entry_text
from netdoc.parsers.pvetext import parse_bool, split_lines

SOURCE = "sysctl"
_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-/*:@]*")
_PROXY_ARP = re.compile(r"net\.ipv4\.conf\.(.+)\.proxy_arp")


def normalise_key(key: str) -> str:
    """Dotted form of a sysctl key given with dots, slashes or as a /proc/sys path."""
    key = key.strip()
    if key.startswith("/proc/sys/"):
        key = key[len("/proc/sys/") :]
    if "/" in key:
        return ".".join(part for part in key.split("/") if part)
    return key


def forwarding_of(settings: Iterable[SysctlSetting]) -> Forwarding:
    """The forwarding picture of settings applied in order (the last one of a key wins)."""
    values: dict[str, bool | None] = {}
    proxy_arp: dict[str, bool] = {}
    for s in settings:
        flag = parse_bool(s.value) if s.value.strip() in ("0", "1") else None
        m = _PROXY_ARP.fullmatch(s.key)
        if m:
            proxy_arp[m.group(1)] = bool(flag)
        elif s.key in ("net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding"):
            values["ipv4"] = flag
        elif s.key == "net.ipv6.conf.all.forwarding":
            values["ipv6"] = flag
        elif s.key == "net.bridge.bridge-nf-call-iptables":
            values["nf4"] = flag
        elif s.key == "net.bridge.bridge-nf-call-ip6tables":
            values["nf6"] = flag
    return Forwarding(
        ipv4=values.get("ipv4"),
        ipv6=values.get("ipv6"),
        bridge_nf_call_iptables=values.get("nf4"),
        bridge_nf_call_ip6tables=values.get("nf6"),
        proxy_arp=tuple(sorted(k for k, on in proxy_arp.items() if on)),
    )


def parse_sysctl_text(text: str, path: str) -> SysctlConfig:
    """Parse one sysctl file; never raises."""
    settings: list[SysctlSetting] = []
    warnings: list[ParseWarning] = []
    for lineno, raw in enumerate(split_lines(text), start=1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        ignore = line.startswith("-")
        key, eq, value = line.lstrip("-").partition("=")
        key, value = key.strip(), value.strip()
        if not eq or not _KEY.fullmatch(key):
            warnings.append(ParseWarning(path, lineno, "not a 'key = value' line; ignored", raw))
            continue
        settings.append(
            SysctlSetting(normalise_key(key), value, "sysctl.conf", ignore, None, SourceRef(path, lineno))
        )
    return SysctlConfig(path, tuple(settings), forwarding_of(settings), tuple(warnings))


def parse_sysctl(files: Mapping[str, str], path: str) -> SysctlConfig:
    """Kind `sysctl`: /etc/sysctl.conf or one /etc/sysctl.d/*.conf."""
    return parse_sysctl_text(entry_text(files, path, SOURCE), path)
