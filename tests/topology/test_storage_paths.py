"""Storage endpoints of every network type mapped to the interface that reaches them, on one node.

The node: vmbr0 (192.0.2.11/24, default gateway 192.0.2.1) and a storage VLAN vmbr0.50
(198.51.100.11/24), plus a hook route to 203.0.113.128/25 over vmbr0.50. Each storage type names
its endpoint differently (server, portal with a port, monhost list, a name from /etc/hosts).
"""

from __future__ import annotations

from pathlib import Path

from netdoc.model.netcluster import StoragePath
from tests.audit.snapshots import cluster_net, snapshot_of
from tests.topology.nets import HEADER

INTERFACES = HEADER + (
    "auto eno1\niface eno1 inet manual\n\n"
    "auto vmbr0\niface vmbr0 inet static\n\taddress 192.0.2.11/24\n\tgateway 192.0.2.1\n"
    "\tbridge-ports eno1\n\tbridge-stp off\n\tbridge-fd 0\n\tbridge-vlan-aware yes\n\n"
    "auto vmbr0.50\niface vmbr0.50 inet static\n\taddress 198.51.100.11/24\n"
    "\tpost-up ip route add 203.0.113.128/25 via 198.51.100.254 dev vmbr0.50\n"
)
STORAGE = """\
dir: local
\tpath /var/lib/vz
\tcontent iso,vztmpl,backup

nfs: nas
\tserver 198.51.100.50
\texport /srv/vms
\tpath /mnt/pve/nas
\tcontent images

cifs: winshare
\tserver filer
\tshare isos
\tpath /mnt/pve/winshare
\tcontent iso

iscsi: san
\tportal 198.51.100.60:3260
\ttarget iqn.2003-01.org.example:san
\tcontent none

pbs: backup
\tserver 203.0.113.200
\tdatastore main
\tcontent backup

rbd: ext-ceph
\tmonhost 198.51.100.71 198.51.100.72;203.0.113.9
\tpool vms
\tcontent images

nfs: lost
\tserver nas-old.example.org
\texport /old
\tpath /mnt/pve/lost
\tcontent backup
"""


def _paths(tmp: Path, ceph: str | None = None) -> dict[tuple[str, str], StoragePath]:
    files: dict[str, str | None] = {
        "nodes/n1/etc/network/interfaces": INTERFACES,
        "nodes/n1/etc/hosts": "127.0.0.1 localhost\n192.0.2.11 n1\n198.51.100.80 filer.example.org filer\n",
        "nodes/n1/etc/pve/storage.cfg": STORAGE,
    }
    if ceph is not None:
        files["nodes/n1/etc/pve/ceph.conf"] = ceph
    net = cluster_net(snapshot_of(tmp, files, "storage"))
    return {(p.storage, p.host): p for p in net.storage_paths}


def _via(path: StoragePath) -> tuple[str | None, str | None, str | None]:
    e = path.egress
    return (e.iface, e.via, e.gateway) if e else (None, None, None)


def test_every_network_storage_type_reaches_its_interface(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    assert sorted(paths) == [
        ("backup", "203.0.113.200"),
        ("ext-ceph", "198.51.100.71"),
        ("ext-ceph", "198.51.100.72"),
        ("ext-ceph", "203.0.113.9"),
        ("lost", "nas-old.example.org"),
        ("nas", "198.51.100.50"),
        ("san", "198.51.100.60"),
        ("winshare", "filer"),
    ], "local storage has no endpoint; the iSCSI portal loses its port; monhost splits on space and ;"
    assert _via(paths["nas", "198.51.100.50"]) == ("vmbr0.50", "connected", None)
    assert _via(paths["san", "198.51.100.60"]) == ("vmbr0.50", "connected", None)
    assert _via(paths["ext-ceph", "198.51.100.72"]) == ("vmbr0.50", "connected", None)
    # a name resolved through the node's /etc/hosts
    assert paths["winshare", "filer"].ip == "198.51.100.80"
    assert _via(paths["winshare", "filer"]) == ("vmbr0.50", "connected", None)
    # 203.0.113.200 is in the hook's route 203.0.113.128/25; 203.0.113.9 is not: default gateway
    assert _via(paths["backup", "203.0.113.200"]) == ("vmbr0.50", "route", "198.51.100.254")
    assert _via(paths["ext-ceph", "203.0.113.9"]) == ("vmbr0", "default", "192.0.2.1")


def test_an_unresolved_endpoint_says_why(tmp_path: Path) -> None:
    lost = _paths(tmp_path)["lost", "nas-old.example.org"]
    assert lost.ip is None and lost.egress is None
    assert lost.reason == "nas-old.example.org is named in no /etc/hosts (netdoc does not query DNS)"
    assert lost.source is not None and lost.source.path.endswith("storage.cfg")


def test_hyper_converged_ceph_uses_the_cluster_monitors_and_maps_its_networks(tmp_path: Path) -> None:
    ceph = (
        "[global]\n\tpublic_network = 198.51.100.0/24\n\tcluster network = 10.99.0.0/24\n"
        "\tmon_host = 198.51.100.11 198.51.100.12\n\n"
    )
    storage = STORAGE + "\nrbd: ceph-vm\n\tpool vm\n\tcontent images\n"
    files: dict[str, str | None] = {
        "nodes/n1/etc/network/interfaces": INTERFACES,
        "nodes/n1/etc/hosts": "127.0.0.1 localhost\n192.0.2.11 n1\n",
        "nodes/n1/etc/pve/storage.cfg": storage,
        "nodes/n1/etc/pve/ceph.conf": ceph,
    }
    net = cluster_net(snapshot_of(tmp_path, files, "ceph"))
    mons = {p.host: p for p in net.storage_paths if p.storage == "ceph-vm"}
    assert sorted(mons) == ["198.51.100.11", "198.51.100.12"]
    assert _via(mons["198.51.100.11"]) == ("vmbr0.50", "local", None)
    assert _via(mons["198.51.100.12"]) == ("vmbr0.50", "connected", None)
    roles = {(c.role, c.cidr, c.node, c.iface) for c in net.ceph_networks}
    assert roles == {("public", "198.51.100.0/24", "n1", "vmbr0.50"), ("cluster", "10.99.0.0/24", "n1", None)}
