"""Addressing: duplicate IPs, overlapping subnets, /etc/hosts against the interfaces, duplicate MACs."""

from __future__ import annotations

from pathlib import Path

from netdoc.examples import example_path
from tests.audit.fixtures import lab_audit
from tests.audit.labedit import lab_with, on_every_node
from tests.audit.snapshots import audit, codes, edit_example, example_with, subjects

P1 = "nodes/proxmox1/etc/network/interfaces"
PVE = "nodes/proxmox1/etc/pve/nodes"
CT100 = f"{PVE}/proxmox1/lxc/100.conf"
CT110 = f"{PVE}/proxmox2/lxc/110.conf"
HOSTS1 = "nodes/proxmox1/etc/hosts"
HOSTS2 = "nodes/proxmox2/etc/hosts"
HOSTS3 = "nodes/proxmox3/etc/hosts"
MINE = ("duplicate-ip", "overlapping-subnets", "hosts-mismatch", "duplicate-mac")


def test_quiet_on_the_example_and_the_labs() -> None:
    """Among the quiet: lacp-vlans' vmbr1 10.10.10.1 on every node (host-only NAT bridges), the sdn
    lab's anycast gateways (evnet1 10.200.0.1, natnet 10.99.0.1 on each node of their zones)."""
    for result in (audit(example_path("starwars")), *(lab_audit(s) for s in ("lacp-vlans", "ovs", "sdn"))):
        assert [f for f in result.findings if f.code in MINE] == []


# ----------------------------------------------------------------------------------------- duplicate-ip


def test_guest_holds_a_node_address(tmp_path: Path) -> None:
    text = edit_example(CT110, "ip=203.0.113.111/24", "ip=10.0.0.1/24")
    (finding,) = codes(audit(example_with(tmp_path, {CT110: text})), "duplicate-ip")
    assert finding.subject == "ip/10.0.0.1"
    assert "held by 2 holders: proxmox1 internal, CT 110 www net0 (proxmox2)" in finding.message
    assert {str(e.ref).rsplit(":", 1)[0] for e in finding.evidence} >= {"/etc/network/interfaces"}


def test_two_nodes_hold_one_address(tmp_path: Path) -> None:
    p2 = "nodes/proxmox2/etc/network/interfaces"
    text = edit_example(p2, "address 10.0.0.2/24", "address 10.0.0.1/24")
    (finding,) = codes(audit(example_with(tmp_path, {p2: text})), "duplicate-ip")
    assert finding.subject == "ip/10.0.0.1" and "proxmox1 internal, proxmox2 internal" in finding.message


def test_duplicate_names_the_storage_server(tmp_path: Path) -> None:
    """Two containers with the NFS server's address: the storage is named (the node mounts either)."""
    a = edit_example(CT110, "ip=203.0.113.111/24", "ip=192.0.2.50/24")
    b = edit_example(CT100, "ip=198.51.100.130/25", "ip=192.0.2.50/24")
    (finding,) = codes(audit(example_with(tmp_path, {CT110: a, CT100: b})), "duplicate-ip")
    assert finding.subject == "ip/192.0.2.50"
    assert "storage nas-vms uses it as its server" in finding.message


def test_guest_takes_the_anycast_gateway(tmp_path: Path) -> None:
    """The SDN gateway on every node's evnet1 is one holder; a guest with that address is a second."""
    conf = "etc/pve/nodes/sdn3/qemu-server/107.conf"
    edit = ("bridge=evnet1,firewall=1\n", "bridge=evnet1,firewall=1\nipconfig0: ip=10.200.0.1/24\n")
    result = audit(lab_with(tmp_path, "sdn", on_every_node(["sdn1", "sdn2", "sdn3"], conf, edit)))
    (finding,) = codes(result, "duplicate-ip")
    assert finding.subject == "ip/10.200.0.1"
    assert "the SDN gateway of VNet evnet1 (every node), VM 107 evpn-vm net0 (sdn3)" in finding.message


def test_duplicate_on_a_host_only_bridge(tmp_path: Path) -> None:
    """A container on pve1's NAT bridge vmbr1 with the bridge's own address: a clash on that node only."""
    conf = "etc/pve/nodes/pve1/lxc/204.conf"
    edit = ("ip=10.10.10.20/24", "ip=10.10.10.1/24")
    result = audit(lab_with(tmp_path, "lacp-vlans", on_every_node(["pve1", "pve2", "pve3"], conf, edit)))
    (finding,) = codes(result, "duplicate-ip")
    assert finding.subject == "ip/10.10.10.1@pve1/vmbr1"
    assert "on pve1's host-only bridge vmbr1: pve1 vmbr1, CT 204 ci-runner net0 (pve1)" in finding.message


def test_routed_mesh_address_on_two_nics(tmp_path: Path) -> None:
    """Proxmox's routed full mesh: the node's one mesh address on both mesh NICs, a route per peer."""
    mesh = "iface {nic} inet static\n\taddress 198.51.100.5/24\n\tup ip route add 198.51.100.{peer}/32 dev {nic}\n"
    text = edit_example(P1, "iface enp7s0f0 inet manual\n", mesh.format(nic="enp7s0f0", peer=6))
    text = text.replace("iface enp7s0f1 inet manual\n", mesh.format(nic="enp7s0f1", peer=7))
    result = audit(example_with(tmp_path, {P1: text}))
    assert subjects(result, "duplicate-ip") == []
    assert subjects(result, "overlapping-subnets") == []  # one subnet on two NICs


# ----------------------------------------------------------------------------------------- overlapping-subnets


def test_overlapping_subnets(tmp_path: Path) -> None:
    text = edit_example(P1, "address 192.168.131.1/24", "address 10.0.0.5/16")
    (finding,) = codes(audit(example_with(tmp_path, {P1: text})), "overlapping-subnets")
    assert finding.subject == "proxmox1/internal+vswtch0"
    assert "10.0.0.0/24 on internal and 10.0.0.0/16 on vswtch0" in finding.message
    assert len(finding.evidence) == 2


def test_same_subnet_on_two_bridges(tmp_path: Path) -> None:
    pve1 = "nodes/pve1/etc/network/interfaces"
    snap = lab_with(tmp_path, "lacp-vlans", {pve1: ("address 10.10.10.1/24", "address 192.0.2.200/24")})
    (finding,) = codes(audit(snap), "overlapping-subnets")
    assert finding.subject == "pve1/vmbr0.10+vmbr1" and "192.0.2.0/24 on both" in finding.message


def test_same_subnet_on_two_nics_is_multipath(tmp_path: Path) -> None:
    text = edit_example(
        P1, "iface enp7s0f0 inet manual\n", "iface enp7s0f0 inet static\n\taddress 198.51.100.5/24\n"
    )
    text = text.replace(
        "iface enp7s0f1 inet manual\n", "iface enp7s0f1 inet static\n\taddress 198.51.100.6/24\n"
    )
    assert subjects(audit(example_with(tmp_path, {P1: text})), "overlapping-subnets") == []


def test_vlan_of_its_parent_and_vrfs_do_not_overlap(tmp_path: Path) -> None:
    """vmbr0 and its own vmbr0.10 in one subnet; evnet1 (VRF vrf_evpnz) overlapping vmbr0.10: both quiet."""
    pve1 = "nodes/pve1/etc/network/interfaces"
    parent = ("\tbridge-vids 10 20 30", "\taddress 192.0.2.200/24\n\tbridge-vids 10 20 30")
    assert subjects(audit(lab_with(tmp_path, "lacp-vlans", {pve1: parent})), "overlapping-subnets") == []
    sdn = "nodes/sdn1/etc/network/interfaces.d/sdn"
    vrf = ("\taddress 10.200.0.1/24\n", "\taddress 10.200.0.1/24\n\taddress 192.0.2.40/24\n")
    assert subjects(audit(lab_with(tmp_path, "sdn", {sdn: vrf}, name="sdn")), "overlapping-subnets") == []


# ----------------------------------------------------------------------------------------- hosts-mismatch


def test_own_name_on_an_address_not_held(tmp_path: Path) -> None:
    text = edit_example(HOSTS2, "172.16.0.2 proxmox2", "172.16.9.2 proxmox2")
    result = audit(example_with(tmp_path, {HOSTS2: text}))
    (finding,) = codes(result, "hosts-mismatch")
    assert finding.subject == "proxmox2/hosts/proxmox2"
    assert "maps its own name to 172.16.9.2, which no interface of proxmox2 holds" in finding.message
    assert str(finding.evidence[0].ref) == "/etc/hosts:3"


def test_other_nodes_name_and_loopback(tmp_path: Path) -> None:
    other = edit_example(HOSTS1, "172.16.0.3 proxmox3", "172.16.0.33 proxmox3")
    loop = edit_example(HOSTS3, "172.16.0.1 proxmox1", "127.0.1.1 proxmox3\n172.16.0.1 proxmox1")
    result = audit(example_with(tmp_path, {HOSTS1: other, HOSTS3: loop}))
    assert subjects(result, "hosts-mismatch") == ["proxmox1/hosts/proxmox3", "proxmox3/hosts/proxmox3"]
    (looped,) = [f for f in codes(result, "hosts-mismatch") if f.subject == "proxmox3/hosts/proxmox3"]
    assert "127.0.1.1" in looped.message and "a loopback address" in looped.message


def test_hosts_unjudged_without_interface_data(tmp_path: Path) -> None:
    """proxmox2 with no interfaces file, no API network and no OVS capture: its addresses are unknown."""
    files: dict[str, str | None] = {
        HOSTS2: edit_example(HOSTS2, "172.16.0.2 proxmox2", "172.16.9.2 proxmox2"),
        "nodes/proxmox2/etc/network/interfaces": None,
        "api/nodes/proxmox2/network.json": None,
        "nodes/proxmox2/commands/ovs-vsctl-show.txt": None,
        "nodes/proxmox2/proc/net/bonding/bond1": None,
    }
    assert subjects(audit(example_with(tmp_path, files)), "hosts-mismatch") == []


# ----------------------------------------------------------------------------------------- duplicate-mac


def test_duplicate_mac_any_case(tmp_path: Path) -> None:
    text = edit_example(CT110, "hwaddr=D6:29:AF:23:29:2A", "hwaddr=00:00:5e:00:53:a3")
    (finding,) = codes(audit(example_with(tmp_path, {CT110: text})), "duplicate-mac")
    assert finding.subject == "mac/00:00:5E:00:53:A3"
    assert "CT 110 www net0 (proxmox2)" in finding.message and "CT 200 nac net0 (proxmox1)" in finding.message
    assert len(finding.evidence) == 2 and len(finding.ids) == 2
