"""Sections the bundled example does not exercise: waived findings, Ceph networks, a pending SDN
apply, the admin's notes, many guests in the migration matrix."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from netdoc.audit.run import run_audit
from netdoc.audit.waivers import Waiver
from netdoc.model.netcluster import Estate
from netdoc.render import links
from netdoc.render.site import site_nav, site_pages
from netdoc.render.siteinput import SiteInput
from netdoc.topology.graph import build_topology
from tests.audit.snapshots import TODAY, example_with, topology
from tests.pages.sites import example_input, lab_input
from tests.pages.tables import rows_with, section

CEPH = "[global]\n\tfsid = 1\n\tpublic_network = 172.16.0.0/24\n\tcluster_network = 10.0.0.0/24\n"


def test_waived_findings_are_listed_apart_with_reason_and_expiry() -> None:
    waiver = Waiver(
        "nic-unused", "starwars/proxmox1/enp7s0f*", "spare ports", dt.date(2027, 6, 30), "w.yml", 3
    )
    base = example_input()
    audit = run_audit(base.topology, waivers=(waiver,), today=TODAY)
    page = site_pages(replace(base, audit=audit))[links.findings_page("starwars")]
    waived = section(page, "waived")
    rows = rows_with(waived, "nic-unused")
    assert len(rows) == 2 and all(
        r[3:6] == ["spare ports", "2027-06-30", "<code>w.yml:3</code>"] for r in rows
    )
    assert "proxmox1/enp7s0f0" not in section(page, "low")  # not counted with the active ones
    home = site_pages(replace(base, audit=audit))[links.HOME]
    assert "[2](starwars/findings.md#waived)" in home


def test_ceph_networks_on_the_interface_of_each_node(tmp_path: Path) -> None:
    snap = example_with(tmp_path, {"nodes/proxmox1/etc/pve/ceph.conf": CEPH})
    topo = topology(snap)
    page = site_pages(SiteInput(topo, run_audit(topo, today=TODAY)))[links.cluster_page("starwars")]
    ceph = section(page, "ceph")
    (public,) = [r for r in rows_with(ceph, "public", "proxmox2") if "172.16.0.0/24" in r[1]]
    assert public[3] == "[<code>bond1</code>](nodes/proxmox2.md#iface-bond1)"
    assert rows_with(ceph, "cluster", "10.0.0.0/24", "internal")


def test_an_sdn_change_not_applied_is_said() -> None:
    base = lab_input()
    net = next(c for c in base.topology.estate.clusters if c.name == "sdn")
    running = net.sources.sdn_running
    assert running is not None
    shrunk = replace(running, vnets=tuple(v for v in running.vnets if v.id != "vnet111"))
    net = replace(net, sources=replace(net.sources, sdn_running=shrunk))
    topo = build_topology(Estate((net,)))
    page = site_pages(SiteInput(topo, run_audit(topo, today=TODAY)))[links.cluster_page("sdn")]
    assert "**Not applied yet**: <code>vnet111</code>" in section(page, "sdn")


def test_notes_are_published_as_written_and_listed() -> None:
    notes = {"index.md": "# Our network\n\n<b>kept</b>\n", "howto/vlan.md": "no heading here\n"}
    site = replace(example_input(), notes=notes)
    pages = site_pages(site)
    assert (
        pages["notes/index.md"] == notes["index.md"]
        and pages["notes/howto/vlan.md"] == notes["howto/vlan.md"]
    )
    nav = site_nav(site)
    assert {"Notes": [{"vlan": "notes/howto/vlan.md"}, {"Our network": "notes/index.md"}]} in nav
    assert "[Our network](notes/index.md)" in pages[links.HOME]


def test_guests_ready_everywhere_are_one_line_in_a_big_cluster() -> None:
    base = lab_input()
    net = next(c for c in base.topology.estate.clusters if c.name == "lacp-vlans")
    many = tuple(
        replace(a, guest=replace(a.guest, vmid=(a.vmid or 0) + 1000 * n))
        for n in range(4)
        for a in net.attachments
    )
    net = replace(net, attachments=many)
    topo = build_topology(Estate((net,)))
    page = site_pages(SiteInput(topo, run_audit(topo, today=TODAY)))[links.cluster_page("lacp-vlans")]
    migration = section(page, "migration")
    assert "Ready on every other node (" in migration
    assert all("**no**" in " ".join(r) for r in rows_with(migration, "guests.md#nic-lacp-vlans"))


def test_a_guest_without_net0_still_has_the_guest_anchor() -> None:
    """links.element_page sends a guest (not a NIC) to its net0 row: a guest on net2 only holds it too."""
    base = example_input()
    net = base.topology.estate.clusters[0]
    moved = tuple(
        replace(a, nic=replace(a.nic, key="net2", index=2)) if a.vmid == 300 else a for a in net.attachments
    )
    net = replace(net, attachments=moved)
    topo = build_topology(Estate((net,)))
    page = site_pages(SiteInput(topo, run_audit(topo, today=TODAY)))[links.GUESTS]
    first = (
        '| <span id="nic-starwars-300-net2"></span><span id="nic-starwars-300-net0"></span>**VM 300 mirror**'
    )
    assert first in page
    assert page.count('id="nic-starwars-100-net0"') == 1
