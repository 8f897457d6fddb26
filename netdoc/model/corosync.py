"""The cluster communication config: /etc/pve/corosync.conf as nodes, links, totem and quorum.

`ringN_addr` is "link N" in corosync 3 (kronosnet); a node's links are the addresses other nodes
use to reach it, and totem's `interface` blocks carry each link's priority. Every key is also kept
verbatim (`keys`), so nothing the file says is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.pveconf import Comment


@dataclass(frozen=True)
class CorosyncKey:
    """One `key: value` line inside a section, verbatim."""

    name: str
    value: str
    source: SourceRef | None = None


@dataclass(frozen=True)
class CorosyncSection:
    """A brace section as written (`name { ... }`), with its keys and nested sections, in order."""

    name: str
    keys: tuple[CorosyncKey, ...] = ()
    sections: tuple[CorosyncSection, ...] = ()
    source: SourceRef | None = None

    def value(self, name: str) -> str | None:
        """The value of `name` (the last one wins, as in corosync)."""
        found = None
        for key in self.keys:
            if key.name == name:
                found = key.value
        return found


@dataclass(frozen=True)
class CorosyncLink:
    """`ringN_addr` of a node: the address (IP or host name) of kronosnet link N."""

    number: int
    address: str
    source: SourceRef | None = None


@dataclass(frozen=True)
class CorosyncNode:
    """One `node { }` block of the nodelist; old files may lack `name` (then ring0_addr names it)."""

    name: str | None
    nodeid: int | None
    quorum_votes: int | None
    links: tuple[CorosyncLink, ...] = ()
    keys: tuple[CorosyncKey, ...] = ()
    source: SourceRef | None = None

    @property
    def label(self) -> str:
        """What Proxmox keys the node on: its name, else its ring0 address."""
        if self.name:
            return self.name
        for link in self.links:
            if link.number == 0:
                return link.address
        return f"nodeid {self.nodeid}" if self.nodeid is not None else "?"


@dataclass(frozen=True)
class CorosyncInterface:
    """A totem `interface { }` block: corosync 3 `linknumber` or corosync 2 `ringnumber`/`bindnetaddr`."""

    number: int | None  # linknumber, else ringnumber
    linknumber: int | None
    ringnumber: int | None
    bindnetaddr: str | None
    knet_link_priority: int | None  # higher is preferred (link_mode passive); ties go to the lower link
    keys: tuple[CorosyncKey, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class Totem:
    """The `totem { }` section: the cluster's name, version, transport and links."""

    cluster_name: str | None
    config_version: int | None
    version: int | None
    ip_version: str | None
    link_mode: str | None
    secauth: str | None
    transport: str | None
    token_ms: int | None  # `token`, milliseconds
    token_coefficient_ms: int | None
    interfaces: tuple[CorosyncInterface, ...] = ()
    keys: tuple[CorosyncKey, ...] = ()  # every key of the section, verbatim (unknown ones too)
    sections: tuple[CorosyncSection, ...] = ()  # nested sections other than `interface`
    source: SourceRef | None = None


@dataclass(frozen=True)
class Quorum:
    """The `quorum { }` section; a QDevice adds `device { model: net  net { host: ... } }`."""

    provider: str | None
    expected_votes: int | None
    two_node: bool | None
    qdevice_model: str | None
    qdevice_host: str | None
    keys: tuple[CorosyncKey, ...] = ()
    sections: tuple[CorosyncSection, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class CorosyncConfig:
    """The parse of one corosync.conf."""

    path: str
    nodes: tuple[CorosyncNode, ...] = ()  # in file order
    totem: Totem | None = None
    quorum: Quorum | None = None
    logging: CorosyncSection | None = None
    sections: tuple[CorosyncSection, ...] = ()  # top-level sections netdoc does not type (kept whole)
    keys: tuple[CorosyncKey, ...] = ()  # keys outside any section (corosync rejects them; kept)
    comments: tuple[Comment, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()

    @property
    def cluster_name(self) -> str | None:
        return self.totem.cluster_name if self.totem else None

    def node(self, label: str) -> CorosyncNode | None:
        for node in self.nodes:
            if node.label == label:
                return node
        return None
