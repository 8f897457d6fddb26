"""Parse /etc/pve/datacenter.cfg (`key: value` lines) into Datacenter.

Typed: migration (`[type=]secure|insecure,network=CIDR`), mac_prefix, keyboard, http_proxy; every
other key (console, ha, crs, tag-style, ...) stays verbatim in `options`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping

from netdoc.model.base import ParseWarning
from netdoc.model.datacenter import Datacenter
from netdoc.parsers.jsonvalues import entry_text
from netdoc.parsers.keyvalue import last_value, read_key_values
from netdoc.parsers.pvetext import split_lines, split_props

SOURCE = "datacenter"
_MAC_PREFIX = re.compile(r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){0,4}")


def parse_datacenter_text(text: str, path: str) -> Datacenter:
    """Parse datacenter.cfg text; never raises."""
    block = read_key_values(enumerate(split_lines(text), start=1), path)
    warnings: list[ParseWarning] = list(block.warnings)
    migration_type = migration_network = None
    migration = last_value(block.options, "migration")
    if migration is not None and migration.value is not None:
        line = migration.source.line if migration.source else None
        for key, value in split_props(migration.value):
            if key in (None, "type"):
                migration_type = value
            elif key == "network":
                migration_network = value
            else:
                warnings.append(ParseWarning(path, line, f"unknown migration property '{key}'"))
        if migration_type not in (None, "secure", "insecure"):
            warnings.append(
                ParseWarning(
                    path, line, f"migration type should be secure or insecure, got {migration_type!r}"
                )
            )
        if migration_network is not None:
            try:
                ipaddress.ip_network(migration_network, strict=False)
            except ValueError:
                warnings.append(
                    ParseWarning(path, line, f"migration network {migration_network!r} is not a CIDR")
                )
    mac = last_value(block.options, "mac_prefix")
    if mac is not None and mac.value is not None and not _MAC_PREFIX.fullmatch(mac.value):
        warnings.append(
            ParseWarning(
                path, mac.source.line if mac.source else None, f"mac_prefix {mac.value!r} is not a MAC prefix"
            )
        )
    keyboard = last_value(block.options, "keyboard")
    proxy = last_value(block.options, "http_proxy")
    return Datacenter(
        path=path,
        migration_type=migration_type,
        migration_network=migration_network,
        mac_prefix=mac.value if mac else None,
        keyboard=keyboard.value if keyboard else None,
        http_proxy=proxy.value if proxy else None,
        options=tuple(block.options),
        comments=tuple(block.comments),
        warnings=tuple(sorted(warnings, key=lambda w: w.line or 0)),
    )


def parse_datacenter(files: Mapping[str, str], path: str) -> Datacenter:
    """Kind `datacenter`: /etc/pve/datacenter.cfg."""
    return parse_datacenter_text(entry_text(files, path, SOURCE), path)
