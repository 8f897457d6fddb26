"""The pages of the bundled example (the talk's starwars cluster): the key facts of every section."""

from __future__ import annotations

from netdoc.examples import example_path
from netdoc.render import links
from netdoc.render.pages.glossary import LINUX_BOND_MODES
from tests.pages.sites import example_pages
from tests.pages.tables import row, rows_with, section

C = "starwars"
NODE = links.node_page(C, "proxmox1")


def test_the_layout_is_links_scheme() -> None:
    pages = example_pages()
    for page in (
        links.HOME,
        links.GLOSSARY,
        links.GUESTS,
        links.cluster_page(C),
        links.findings_page(C),
        links.gaps_page(C),
        links.nodes_index(C),
        links.vlans_page(C),
        links.sources_index(C),
        *(links.node_page(C, n) for n in ("proxmox1", "proxmox2", "proxmox3")),
        *(links.vlan_page(C, v) for v in (3, 4, 10)),
        links.source_page(C, "nodes/proxmox1/etc/network/interfaces"),
        links.diagram_file(C, "cluster", "svg"),
        links.diagram_file(C, "cluster", "dot"),
    ):
        assert page in pages, page


def test_home_counts_findings_collection_and_switches() -> None:
    home = example_pages()[links.HOME]
    (line,) = rows_with(home, "[**starwars**]")
    assert line[1:4] == ["[3](starwars/nodes/index.md)", "4", "18"]  # nodes, guests, NICs
    assert line[5] == "[3](starwars/findings.md#high)" and line[4] == "0"  # high, critical
    assert line[-2] == "2022-06-07T09:00:07Z" and line[-1] == "nothing"
    assert "## Switches" not in home  # the example holds no LLDP: no switch is known


def test_cluster_page_sections() -> None:
    page = example_pages()[links.cluster_page(C)]
    assert page.startswith('---\ntitle: "Cluster starwars"\nhide:\n  - toc\n---')  # wide: no toc
    assert '<div class="netdoc-diagram" markdown="0">\n<svg' in page
    for ext in ("svg", "dot"):  # the files beside the page (links.diagram_file): their links hold there
        target = links.md_link(links.cluster_page(C), links.diagram_file(C, "cluster", ext))
        assert f"[{ext.upper()}]({target})" in page
    nodes = section(page, "nodes")
    (p1,) = rows_with(nodes, "[**proxmox1**]")
    assert "<code>172.16.0.1</code> on [<code>bond1</code>](nodes/proxmox1.md#iface-bond1)" in p1[2]
    corosync = section(page, "corosync")
    assert rows_with(corosync, "**link0**", "20", "proxmox1", "bond1")
    assert rows_with(corosync, "**link1**", "15", "proxmox1", "vswtch0")
    (unheld,) = rows_with(corosync, "192.168.131.2")
    assert "no interface holds it" in unheld[5]
    assert "#file-corosync.conf-L19" in unheld[6]  # the ring1_addr line of corosync.conf
    mesh = section(page, "mesh")
    assert len(rows_with(mesh, "broadcast-bond")) == 6  # two cables per node, seen from each end
    (p1_p2,) = [
        r
        for r in rows_with(mesh, "broadcast-bond")
        if r[1].startswith("[proxmox1]") and r[4].startswith("[proxmox2]")
    ]
    assert p1_p2[3] == "?" and p1_p2[-1] == "<code>172.16.0.0/24</code>"  # no LLDP: the cable is unknown
    storage = section(page, "storage")
    assert row(storage, links.storage_anchor("nas-vms"))[1] == "nfs"
    assert len(rows_with(storage, "[nas-vms](index.md#storage-nas-vms)", "internal", "default")) == 3
    bridges = section(page, "bridges")
    (vubr0,) = rows_with(bridges, "**vubr0**")
    assert len(vubr0) == 4 and all("OVS" in c and "bond0" in c for c in vubr0[1:])
    vlans = section(page, "vlans")
    assert rows_with(vlans, "[**10**](vlans/10.md)")
    migration = section(page, "migration")
    assert rows_with(migration, "[VM 300 mirror](../guests.md#nic-starwars-300-net0)", "here")
    for anchor in ("sdn", "ceph", "subnets", "cabling"):
        section(page, anchor)


def test_node_page_interfaces_configured_beside_runtime() -> None:
    page = example_pages()[NODE]
    eno1 = row(page, links.iface_anchor("eno1"))
    assert eno1[1] == "[NIC](../../glossary.md#nic-names)"
    assert "[<code>bond0</code>](proxmox1.md#iface-bond0)" in eno1[2] and "vswtch0" in eno1[2]
    assert "**OVS error**: could not add network device eno1" in eno1[3]  # refused at run time
    assert (
        "network.md#file-interfaces-L16" in eno1[-1] and "commands.md#file-ovs-vsctl-show.txt-L11" in eno1[-1]
    )
    assert "proxmox1.md#file-network.json-item-1" in eno1[-1]  # the API reply counts items
    bond0 = row(page, links.iface_anchor("bond0"))
    assert "**ports** [<code>eno2</code>]" in bond0[3]  # runs on eno2 alone: in bold
    assert "[balance-tcp](../../glossary.md#bond-mode-balance-tcp)" in bond0[2]
    vswtch0 = row(page, links.iface_anchor("vswtch0"))
    assert "192.168.131.1/24" in vswtch0[5] and "192.168.1.254" in vswtch0[5]
    assert "As in the talk" in vswtch0[9]  # the interface's comment


def test_node_page_bonds_ovs_routes_and_failures() -> None:
    page = example_pages()[NODE]
    bonds = section(page, "bonds")
    assert rows_with(bonds, "[**bond1**]", "[broadcast](../../glossary.md#bond-mode-broadcast)")
    (eno3,) = rows_with(bonds, "[**eno3**]")
    assert eno3[2:5] == ["up", "10000 Mb/s", "0"]
    assert "bonding.md#file-bond1-L10" in eno3[-1]  # the slave's block in /proc/net/bonding/bond1
    ovs = section(page, "ovs")
    (veth,) = rows_with(ovs, "**veth100i0**")
    assert veth[3] == "tag 4"
    routes = section(page, "routes")
    (bad,) = rows_with(routes, "192.168.1.254")
    assert bad[5].startswith("**no")
    impact = section(page, "impact")
    (eno1,) = rows_with(impact, "**eno1**")
    assert "corosync link1" in eno1[1] and "bridge vswtch0" in eno1[1]
    (bond1,) = rows_with(impact, "**bond1**")
    assert "corosync link0" in bond1[1]
    (eno3_fails,) = rows_with(impact, "**eno3**")
    assert eno3_fails[1] == "—" and "corosync link0" in eno3_fails[2]  # redundancy lost, not the link
    spof = section(page, "spof")
    assert rows_with(spof, "corosync link1", "single point of failure", "eno1")


def test_guest_index_rows_and_anchors() -> None:
    page = example_pages()[links.GUESTS]
    assert "search:\n  boost:" in page.split("---", 2)[1]
    vm = row(page, links.guest_anchor(C, 300, "net0"))
    assert vm[0].endswith("**VM 300 mirror**")
    assert vm[1:3] == ["[starwars](starwars/index.md)", "[proxmox3](starwars/nodes/proxmox3.md)"]
    assert vm[4] == "<code>00:00:5E:00:53:C1</code>"
    assert "starwars/nodes/proxmox3.md#iface-vubr0" in vm[5] and vm[6] == "[10](starwars/vlans/10.md)"
    assert vm[8:10] == ["off", "25 MB/s"]
    assert "qemu-server.md#file-300.conf-L8" in vm[10]  # a node's guest configs share a page
    ct = row(page, links.guest_anchor(C, 100, "net0"))
    assert "198.51.100.130/25" in ct[7]


def test_findings_grouped_by_severity_with_evidence_links() -> None:
    page = example_pages()[links.findings_page(C)]
    high = section(page, "high")
    (claimed,) = rows_with(high, "nic-claimed-twice")
    assert claimed[1] == "[proxmox1/eno1](nodes/proxmox1.md#iface-eno1)"
    assert "(sources/nodes/proxmox1/etc/network.md#file-interfaces-L16) (the NIC)" in claimed[3]
    assert "(sources/nodes/proxmox1/commands.md#file-ovs-vsctl-show.txt-L11) (OVS error)" in claimed[3]
    for severity in ("medium", "low", "info"):
        section(page, severity)
    assert "## Critical" not in page  # no empty group


def test_source_pages_number_and_anchor_every_line() -> None:
    pages = example_pages()
    text = (example_path(C) / "nodes/proxmox1/etc/network/interfaces").read_text()
    page = pages[links.source_page(C, "nodes/proxmox1/etc/network/interfaces")]
    assert "search:\n  exclude: true" in page  # the raw files stay out of the search
    lines = text.splitlines()
    assert page.count('<span id="file-interfaces-L') == len(lines)
    assert f'<span id="file-interfaces-L{len(lines)}">' in page
    assert '<span id="file-interfaces-L16">iface eno1 inet manual</span>' in page
    assert '<h2 id="file-interfaces">' in page  # the file's section on its folder's page
    api = pages[links.source_page(C, "api/nodes/proxmox1/network.json")]
    assert api.count('<span id="file-network.json-item-') == 11
    assert '<span id="file-network.json-item-11">' in api
    index = pages[links.sources_index(C)]
    assert "[<code>nodes/proxmox1/etc/network/</code> (1 file)](nodes/proxmox1/etc/network.md)" in index


def test_vlan_pages() -> None:
    pages = example_pages()
    index = pages[links.vlans_page(C)]
    assert [r[0] for r in rows_with(index, "](") if r[0].startswith("[**")] == [
        "[**3**](3.md)",
        "[**4**](4.md)",
        "[**10**](10.md)",
    ]
    ten = pages[links.vlan_page(C, 10)]
    assert "[CT 110 www net0](../../guests.md#nic-starwars-110-net0)" in ten
    assert "[VM 300 mirror net0](../../guests.md#nic-starwars-300-net0)" in ten


def test_glossary_has_the_talks_terms() -> None:
    page = example_pages()[links.GLOSSARY]
    for mode in LINUX_BOND_MODES:
        assert f'<span id="{links.glossary_anchor("bond-mode", mode)}">' in page
    assert links.glossary_anchor("bond-mode", "802.3ad") == "bond-mode-802-3ad"
    for prefix in ("en", "wl", "ww", "ib", "sl"):
        assert f'id="nic-name-{prefix}"' in page
    for part in ("o", "s", "p", "f", "d", "u"):
        assert f'id="nic-name-part-{part}"' in page
    for anchor in (
        "lacp-states",
        "bridge-vs-ovs",
        "ovs-port-kinds",
        "corosync-links",
        "corosync-link-priority",
    ):
        assert f"{{#{anchor}}}" in page
    for anchor in (
        "ovs-port-internal",
        "ovs-port-patch",
        "ovs-port-bond",
        "ovs-port-tunnel",
        "ovs-fake-bridge",
    ):
        assert f'id="{anchor}"' in page
    for anchor in ("mesh-broadcast-bond", "mesh-rstp", "mesh-routed", "mesh-frr"):
        assert f'id="{anchor}"' in page
    assert "activity" in section(page, "lacp-states") and "defaulted" in section(page, "lacp-states")


def test_no_id_twice_on_a_page() -> None:
    """The cluster page draws the nodes in four diagrams: the later ones carry their diagram's name
    in their ids (the overview keeps the graph ids); the SVG files keep theirs."""
    import re

    pages = example_pages()
    for path, text in pages.items():
        if not path.endswith(".md"):
            continue
        found = re.findall(r' id="([^"]*)"', text)
        assert len(found) == len(set(found)), (path, sorted({i for i in found if found.count(i) > 1})[:5])
    cluster = pages[links.cluster_page(C)]
    assert ' id="node:starwars:proxmox1"' in cluster and ' id="corosync-node:starwars:proxmox1"' in cluster
    assert ' id="node:starwars:proxmox1"' in pages[links.diagram_file(C, "corosync", "svg")]
