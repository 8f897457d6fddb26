"""Storage definitions of /etc/pve/storage.cfg, with the network endpoints each storage reaches.

Secrets never live in storage.cfg (they sit in /etc/pve/priv); should one appear anyway, its value
is redacted before it reaches this model.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.pveconf import Comment, ConfigOption

# Storage types whose data lives on another host (a network dependency of every node using them).
NETWORK_TYPES = frozenset(
    {"nfs", "cifs", "iscsi", "iscsidirect", "zfs", "rbd", "cephfs", "pbs", "glusterfs", "esxi"}
)
KNOWN_TYPES = frozenset(
    {"btrfs", "cephfs", "cifs", "dir", "esxi", "glusterfs", "iscsi", "iscsidirect", "lvm", "lvmthin"}
    | {"nfs", "pbs", "rbd", "zfs", "zfspool"}
)


@dataclass(frozen=True)
class Storage:
    """One storage section (`type: id`) with its network-relevant keys pulled out.

    `remote_hosts` lists the hosts (IP or name, no port) the nodes must reach: nfs/cifs/pbs `server`,
    iscsi/zfs-over-iscsi `portal`, external Ceph `monhost` entries. Empty for local storage and for
    hyper-converged Ceph (no monhost: the cluster's own monitors are used).
    """

    id: str
    type: str
    content: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()  # empty: every node
    shared: bool | None = None  # the `shared` flag as written (None when absent)
    disabled: bool = False
    path: str | None = None
    server: str | None = None
    port: int | None = None
    export: str | None = None
    share: str | None = None
    portal: str | None = None
    target: str | None = None
    iscsiprovider: str | None = None
    monhost: tuple[str, ...] = ()
    pool: str | None = None
    datastore: str | None = None
    fingerprint: str | None = None
    username: str | None = None
    remote_hosts: tuple[str, ...] = ()
    options: tuple[ConfigOption, ...] = ()  # every line verbatim, in file order (secrets redacted)
    source: SourceRef | None = None

    @property
    def is_network(self) -> bool:
        return self.type in NETWORK_TYPES


@dataclass(frozen=True)
class StorageConfig:
    """The parse of one storage.cfg."""

    path: str
    storages: tuple[Storage, ...] = ()  # in file order
    implicit_local: bool = False  # no `local` section: Proxmox adds `dir: local` (/var/lib/vz) itself
    comments: tuple[Comment, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()

    def get(self, storage_id: str) -> Storage | None:
        for storage in self.storages:
            if storage.id == storage_id:
                return storage
        return None
