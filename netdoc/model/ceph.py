"""Ceph's network view from /etc/pve/ceph.conf: public and cluster networks, monitors, fsid.

Ceph treats spaces, dashes and underscores in option names alike (`public network` =
`public_network`); `CephOption.key` is the normalised name, `spelled` the name as written.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.pveconf import Comment


@dataclass(frozen=True)
class CephOption:
    """One `name = value` line; `key` normalised (lower case, `_` for spaces and dashes)."""

    key: str
    spelled: str
    value: str
    source: SourceRef | None = None
    redacted: bool = False


@dataclass(frozen=True)
class CephSection:
    """A `[section]` ([global], [mon.pve1], [client], ...) with its options in file order."""

    name: str
    options: tuple[CephOption, ...] = ()
    source: SourceRef | None = None

    def get(self, key: str) -> str | None:
        """The value of a normalised key (the last one wins, as in Ceph)."""
        found = None
        for opt in self.options:
            if opt.key == key:
                found = opt.value
        return found


@dataclass(frozen=True)
class CephMon:
    """A monitor named by a `[mon.<id>]` section or by mon_host/mon_initial_members in [global]."""

    name: str | None
    addresses: tuple[str, ...] = ()  # IPs or host names, without port or v1:/v2: prefix
    host: str | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class CephConf:
    """The parse of one ceph.conf."""

    path: str
    fsid: str | None = None
    public_networks: tuple[str, ...] = ()  # [global] public_network, CIDRs in order
    cluster_networks: tuple[str, ...] = ()  # [global] cluster_network (empty: same as public)
    mon_hosts: tuple[str, ...] = ()  # [global] mon_host addresses, deduplicated, without ports
    mons: tuple[CephMon, ...] = ()  # one per [mon.<id>] section
    sections: tuple[CephSection, ...] = ()
    comments: tuple[Comment, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()
