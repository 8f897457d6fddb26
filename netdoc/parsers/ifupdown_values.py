"""Values of interfaces options: port and slave lists (ifupdown2 globs), names, netmasks, addresses.

Pure helpers of ifupdown_merge.py, kept apart so that module holds only the merging.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

# ifupdown2's `glob` port expressions: swp[1-2]s[0-3].100, swp1-52.100, swp[1-52].100
_GLOB2 = re.compile(r"^([A-Za-z0-9-]+)\[(\d{1,5})-(\d{1,5})\]([A-Za-z0-9-]+)\[(\d{1,5})-(\d{1,5})\](.*)$")
_GLOB_DASH = re.compile(r"^([A-Za-z0-9-]*[A-Za-z])(\d{1,5})-(\d{1,5})(.*)$")
_GLOB_BRACKET = re.compile(r"^([A-Za-z0-9-]+)\[(\d{1,5})-(\d{1,5})\](.*)$")
_MAX_EXPAND = 4096


def _expand_glob(expr: str) -> list[str] | None:
    m = _GLOB2.match(expr)
    if m:
        a, b, c, d = (int(m.group(i)) for i in (2, 3, 5, 6))
        if b < a or d < c or (b - a + 1) * (d - c + 1) > _MAX_EXPAND:
            return None
        return [
            f"{m.group(1)}{i}{m.group(4)}{j}{m.group(7)}" for i in range(a, b + 1) for j in range(c, d + 1)
        ]
    m = _GLOB_DASH.match(expr) or _GLOB_BRACKET.match(expr)
    if m:
        a, b = int(m.group(2)), int(m.group(3))
        if b < a or b - a >= _MAX_EXPAND:
            return None
        return [f"{m.group(1)}{i}{m.group(4)}" for i in range(a, b + 1)]
    return None


def port_list(value: str) -> tuple[list[str], list[str]]:
    """Interface names of a port/slave list: `none` dropped, ifupdown2 `glob` expressions expanded.

    Returns (names, problems). `regex` expressions depend on the node's interfaces at run time:
    they are kept as written and reported.
    """
    names: list[str] = []
    problems: list[str] = []
    mode = ""
    for word in value.split():
        if word in ("glob", "regex"):
            mode = word
            continue
        if word in ("noglob", "noregex"):
            mode = ""
            continue
        if word == "none":
            continue
        if mode == "glob":
            expanded = _expand_glob(word)
            if expanded is None:
                problems.append(f"glob expression {word!r} not understood; kept as written")
                expanded = [word]
            names.extend(expanded)
        else:
            if mode == "regex":
                problems.append(f"regex {word!r} matches interfaces at run time; kept as written")
            names.append(word)
        mode = ""
    return names, problems


def bad_name(name: str) -> str | None:
    """Why `name` cannot be a Linux interface name, or None when it can."""
    if len(name) > 15 and "[" not in name and "$" not in name:
        return "is longer than the kernel's 15 characters"
    if "/" in name or not name.isprintable() or not name.isascii():
        return "is not a valid interface name"
    return None


def unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def netmask_prefix(value: str) -> int | None:
    """`255.255.255.0` or `24` -> 24; None when it is neither."""
    if value.isdigit():
        n = int(value)
        return n if n <= 128 else None
    try:
        return ipaddress.IPv4Network(f"0.0.0.0/{value}").prefixlen
    except ValueError:
        return None


def parse_address(value: str) -> tuple[ipaddress.IPv4Interface | ipaddress.IPv6Interface, bool] | None:
    """`192.0.2.1/24`, `192.0.2.1/255.255.255.0` or bare `192.0.2.1` (-> /32); None if invalid."""
    try:
        return ipaddress.ip_interface(value), "/" in value
    except ValueError:
        return None
