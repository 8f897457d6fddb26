"""Cluster-wide options of /etc/pve/datacenter.cfg that matter to the network (migration, MAC prefix).

Every line is kept verbatim in `options` (keyboard, console, ha, ...); secrets such as a proxy's
password are redacted.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning
from netdoc.model.pveconf import Comment, ConfigOption

DEFAULT_MAC_PREFIX = "BC:24:11"  # what Proxmox uses for new guest NICs when mac_prefix is unset


@dataclass(frozen=True)
class Datacenter:
    """The parse of datacenter.cfg."""

    path: str
    migration_type: str | None = None  # secure | insecure (None: not set, Proxmox uses secure)
    migration_network: str | None = None  # CIDR the migration traffic is sent over
    mac_prefix: str | None = None  # None: not set (Proxmox uses BC:24:11)
    keyboard: str | None = None
    http_proxy: str | None = None  # with any user:password part redacted
    options: tuple[ConfigOption, ...] = ()  # every `key: value` line, in file order
    comments: tuple[Comment, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()

    def get(self, key: str) -> str | None:
        for opt in self.options:
            if opt.key == key:
                return opt.value
        return None
