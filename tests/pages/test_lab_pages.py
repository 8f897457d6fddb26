"""The pages of the four lab scenarios in one site (what `netdoc demo --scenario demo` builds): the
runtime facts the scenarios' headers promise show on the pages that should show them."""

from __future__ import annotations

from netdoc.render import links
from tests.pages.sites import lab_pages
from tests.pages.tables import row, rows_with, section


def test_one_home_page_for_every_cluster_and_the_switches() -> None:
    home = lab_pages()[links.HOME]
    for cluster in ("lacp-vlans", "ovs", "sdn", "starwars"):
        assert rows_with(home, f"[**{cluster}**]({cluster}/index.md)"), cluster
    hp = row(home, links.switch_anchor("hp5130"))
    assert "starwars/proxmox1" in hp[-1] and "GigabitEthernet1/0/1" in hp[-1]
    assert row(home, links.switch_anchor("sw-core"))


def test_lacp_without_partner_and_a_slave_down() -> None:
    pages = lab_pages()
    pve3 = section(pages[links.node_page("lacp-vlans", "pve3")], "bonds")
    (bond,) = rows_with(pve3, "[**bond0**]")
    assert bond[6] == "**none: LACP not negotiated**"
    (eno2,) = rows_with(pve3, "[**eno2**]")
    assert eno2[5] == "**2** (not the active 1)"  # in an aggregator of its own
    assert "**defaulted**" in eno2[6]  # the actor heard no LACPDU
    assert "bonding.md#file-bond0-L" in eno2[-1] and "commands.md#file-ip-j-d-link.json-item-" in eno2[-1]
    pve2 = pages[links.node_page("lacp-vlans", "pve2")]
    assert row(pve2, links.iface_anchor("eno2"))[4] == "**down**"
    (slave,) = rows_with(section(pve2, "bonds"), "[**eno2**]")
    assert slave[2] == "**down**"


def test_runtime_addresses_and_mtus_beside_the_configured_ones() -> None:
    pve1 = lab_pages()[links.node_page("lacp-vlans", "pve1")]
    vlan20 = row(pve1, links.iface_anchor("vmbr0.20"))
    assert "198.51.100.11/24" in vlan20[5] and "198.51.100.11/24" in vlan20[6]
    assert "(runtime only)" in vlan20[6]  # the link-local address the kernel adds
    assert vlan20[7] == "9000" and vlan20[8] == "9000"


def test_nat_and_port_forwards_configured_and_loaded() -> None:
    nat = section(lab_pages()[links.node_page("lacp-vlans", "pve1")], "nat")
    assert "IPv4 forwarding on" in nat
    (https,) = rows_with(nat, "dport <code>443</code>")
    assert "<code>10.10.10.100</code> port <code>443</code>" in https[3] and https[5] == "yes"
    assert rows_with(nat, "masquerade", "10.10.10.0/24")


def test_ovs_sflow_mirrors_and_bond_members() -> None:
    pages = lab_pages()
    ovs1 = section(pages[links.node_page("ovs", "ovs1")], "ovs")
    (sflow,) = rows_with(ovs1, "192.0.2.141:6343")
    assert sflow[1] == "<code>mgmt</code>" and sflow[3] == "1 in 2000" and sflow[4] == "30 s"
    (mirror,) = rows_with(ovs1, "mirror0")
    assert mirror[2:4] == ["every port", "<code>eno1</code>"]
    (bond,) = rows_with(ovs1, "[**bond0**]", "glossary.md#ovs-port-bond")
    assert "balance-tcp" in bond[5] and "lacp=active" in bond[5]
    (trunk,) = rows_with(ovs1, "[**eno2**]")
    assert trunk[3] == "trunks 100,200,300"
    ovs2 = section(pages[links.node_page("ovs", "ovs2")], "bonds")
    (member,) = rows_with(ovs2, "[**enp1s0f1**]")
    assert member[2] == "**down**" and member[6] == "LACP current: no"


def test_sdn_zones_vnets_and_subnets() -> None:
    sdn = section(lab_pages()[links.cluster_page("sdn")], "sdn")
    (qinq,) = rows_with(sdn, "**qnet1**")
    assert "VLAN [200](vlans/200.md)" in qinq[2] and "customer VLAN 10" in qinq[2]
    (vxlan,) = rows_with(sdn, "**vxnet1**")
    assert vxlan[2] == "VNI 100000" and vxlan[4] == "1450"
    (zone,) = rows_with(sdn, "**simplez**")
    assert zone[4] == "sdn1, sdn2"
    (subnet,) = rows_with(section(sdn, "sdn-subnets"), "<code>10.99.0.0/24</code>")
    assert subnet[1] == "natnet" and subnet[3] == "yes"  # SNAT


def test_cabling_and_lldp_from_the_switches() -> None:
    pages = lab_pages()
    cabling = section(pages[links.cluster_page("starwars")], "cabling")
    assert len(rows_with(cabling, "[**hp5130**](../index.md#switch-hp5130)")) == 6
    lldp = section(pages[links.node_page("starwars", "proxmox1")], "lldp")
    (eno1,) = rows_with(lldp, "iface-eno1")
    assert "[**hp5130**](../../index.md#switch-hp5130)" in eno1[1]
    assert "commands.md#file-lldpctl-f-json0.json-item-1" in eno1[-1]
    assert rows_with(lldp, "proxmox2.lcc.lab.example", "(node)")  # the mesh peer, a node not a switch


def test_corosync_and_storage_on_the_interface_each_uses() -> None:
    page = lab_pages()[links.cluster_page("lacp-vlans")]
    corosync = section(page, "corosync")
    assert len(rows_with(corosync, "vmbr0.20")) == 3 and len(rows_with(corosync, "eno3")) == 3
    storage = section(page, "storage")
    assert len(rows_with(storage, "index.md#storage-san", "vmbr0.20", "connected")) == 3
