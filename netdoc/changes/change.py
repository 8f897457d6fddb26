"""One change between two snapshots: what it is about, whether configuration or runtime, the sentence."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Change:
    """A difference an admin cares about, as one sentence ("bond0 on pve2 lost slave eno2").

    `kind` tells configuration (what the files and the API declare) from runtime (what the kernel,
    Open vSwitch and LLDP report) and from the audit's findings; `subject` is a graph id (or a
    finding's code and subject), stable across runs, so changes can be grouped and linked.
    """

    cluster: str
    node: str | None
    kind: str  # "config" | "runtime" | "finding"
    # cluster | node | interface | bond | bridge | guest | corosync | storage | sdn | cabling | finding
    topic: str
    subject: str
    sentence: str
    before: str | None = None
    after: str | None = None


KINDS = ("config", "runtime", "finding")
