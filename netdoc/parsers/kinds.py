"""The table of source kinds that `netdoc parse KIND FILE` and the snapshot reader understand.

Each kind names its parser as "module:function" and is imported only when used, so the CLI
starts fast and a parser's dependencies load only for that parser. Every parser has the same
signature: `parse(files: Mapping[str, str], path: str) -> model`, where `files` maps paths to
text and `path` is the entry file (multi-file kinds such as interfaces follow their includes
inside `files`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import cast

from netdoc.errors import UsageError

ParseFn = Callable[[Mapping[str, str], str], object]


@dataclass(frozen=True)
class Kind:
    """One kind of source: its name on the command line, what it reads, and its parser."""

    name: str
    summary: str
    target: str  # "package.module:function"
    multi_file: bool = False  # the parser follows includes (the caller supplies the whole tree)

    def parser(self) -> ParseFn:
        module_name, _, func_name = self.target.partition(":")
        module = importlib.import_module(module_name)
        return cast(ParseFn, getattr(module, func_name))


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "interfaces",
            "/etc/network/interfaces (ifupdown, ifupdown2, Proxmox), with its source includes",
            "netdoc.parsers.ifupdown:parse_interfaces",
            multi_file=True,
        ),
        Kind(
            "bonding",
            "/proc/net/bonding/<bond>: a Linux bond's runtime state",
            "netdoc.parsers.bonding:parse_bonding",
        ),
        Kind(
            "ovs-show",
            "`ovs-vsctl show`: Open vSwitch bridges, ports, interfaces",
            "netdoc.parsers.ovs:parse_ovs_show",
        ),
        Kind(
            "ovs-json",
            "`ovs-vsctl --format=json list <table>` (+ the other tables of its set in the same folder)",
            "netdoc.parsers.ovs:parse_ovs_json",
            multi_file=True,
        ),
        Kind(
            "ovs-list",
            "plain `ovs-vsctl list <table>` (Bridge, Port, Interface, Mirror, sFlow, NetFlow, ...)",
            "netdoc.parsers.ovs:parse_ovs_list",
            multi_file=True,
        ),
    )
}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise UsageError(f"unknown kind {name!r}; known kinds: {known}") from None
