"""The topology site: pages from a model, escaped, built by a real mkdocs-material, swapped in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netdoc.audit.run import run_audit
from netdoc.errors import RenderError
from netdoc.model.assemble import assemble_estate
from netdoc.model.base import SourceRef
from netdoc.model.cluster import Cluster, Gap, Node
from netdoc.model.interfaces import Address, Comment, Interface, InterfaceKind, InterfacesConfig
from netdoc.render.markdown import esc
from netdoc.render.output import publish_site
from netdoc.render.site import KIND_LABELS, site_nav, site_pages, site_title
from netdoc.render.siteinput import SiteInput
from netdoc.topology.graph import build_topology

IFACES = "/etc/network/interfaces"


def _cluster() -> Cluster:
    ifs = (
        Interface("eno1", InterfaceKind.PHYSICAL, source=SourceRef(IFACES, 4)),
        Interface(
            "vmbr0",
            InterfaceKind.BRIDGE,
            auto=True,
            members=("eno1",),
            addresses=(Address("192.0.2.10/24", "inet", True),),
            gateway="192.0.2.254",
            mtu=9000,
            comments=(Comment("uplink | <script>alert(1)</script>"),),
            source=SourceRef(IFACES, 7),
        ),
        Interface("bond0", InterfaceKind.BOND, members=("eno2", "eno3"), bond_mode="802.3ad"),
    )
    cfg = InterfacesConfig(IFACES, (IFACES,), ifs)
    return Cluster(
        "lab",
        (
            Node("pve1", cfg),
            Node(
                "pve2", None, gaps=(Gap("pve2", "nodes/pve2/etc/network/interfaces", "timeout", "timed out"),)
            ),
        ),
        collected_at="2026-11-26T02:00:00Z",
        netdoc_version="0.1.0",
        has_manifest=True,
    )


def site_of(cluster: Cluster) -> SiteInput:
    """The site input of a hand-built cluster (no diagrams: graphviz is not needed here)."""
    topology = build_topology(assemble_estate([cluster]))
    return SiteInput(topology, run_audit(topology))


def test_pages_cover_cluster_nodes_and_gaps() -> None:
    pages = site_pages(site_of(_cluster()))
    assert set(pages) == {
        "index.md",
        "changes.md",
        "glossary.md",
        "guests.md",
        "lab/index.md",
        "lab/findings.md",
        "lab/nodes/index.md",
        "lab/nodes/pve1.md",
        "lab/nodes/pve2.md",
        "lab/vlans/index.md",
        "lab/sources/index.md",
        "lab/gaps.md",
    }
    assert "[**lab**](lab/index.md)" in pages["index.md"]
    index = pages["lab/index.md"]
    assert "# Cluster lab" in index and "2026-11-26T02:00:00Z" in index
    assert "[**pve1**](nodes/pve1.md)" in index and "1 gap(s)" in index
    node = pages["lab/nodes/pve1.md"]
    row = next(line for line in node.splitlines() if line.startswith('| <span id="iface-vmbr0"></span>'))
    cells = [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]
    assert len(cells) == 11, "an escaped pipe in a comment must not add a column"
    assert cells[1] == "[Linux bridge](../../glossary.md#linux-bridge)"
    assert cells[2].startswith("ports [<code>eno1</code>](pve1.md#iface-eno1)")
    assert "192.0.2.10/24" in cells[5] and cells[7] == "9000"
    assert "uplink \\| &lt;script&gt;" in cells[9]
    assert cells[10] == "<code>/etc/network/interfaces:7</code>"  # no snapshot file to link to
    assert "<script>" not in node
    pve2 = pages["lab/nodes/pve2.md"]
    assert "timed out" in pve2 and "No network configuration" in pve2
    assert "timed out" in pages["lab/gaps.md"]


def test_pages_are_deterministic() -> None:
    assert site_pages(site_of(_cluster())) == site_pages(site_of(_cluster()))


def test_escape_neutralises_markdown_and_html() -> None:
    assert esc("a|b") == "a\\|b"
    assert esc("<b>") == "&lt;b&gt;"
    assert esc("line1\nline2") == "line1 line2"


def test_real_mkdocs_build_offline_and_atomic(tmp_path: Path) -> None:
    site = tmp_path / "site"
    cluster = site_of(_cluster())
    publish_site(site_pages(cluster), site, site_name="netdoc: lab", nav=site_nav(cluster))
    for page in ("index.html", "glossary.html", "guests.html", "lab/nodes/pve1.html", "lab/gaps.html"):
        assert (site / page).is_file(), page
    html = (site / "lab/nodes/pve1.html").read_text()
    assert "vmbr0" in html and "&lt;script&gt;" in html and "<script>alert" not in html
    external = set()
    for f in site.rglob("*.html"):
        external |= set(re.findall(r'(?:src|href)="(https?://[^"]+)"', f.read_text()))
    assert not external, f"the site must work offline, but loads {external}"
    assert not (site / "search" / "search_index.json").read_text().startswith("<")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], "no staging folder left behind"


def test_failed_build_keeps_the_previous_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    cluster = site_of(_cluster())
    publish_site(site_pages(cluster), site, site_name="netdoc: lab", nav=site_nav(cluster))
    before = (site / "index.html").read_text()
    broken = dict(site_pages(cluster))
    broken["index.md"] += "\n[a broken link](nowhere.md)\n"  # strict mode turns this warning into a failure
    with pytest.raises(RenderError, match=r"nowhere\.md"):
        publish_site(broken, site, site_name="netdoc: lab", nav=site_nav(cluster))
    assert (site / "index.html").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_relative_site_folder_is_where_the_site_lands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`netdoc build` defaults to the relative folder site/: the pages must land there."""
    from netdoc.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["build", "--example", "starwars"]) == 0
    for page in (
        "index.html",
        "starwars/gaps.html",
        "starwars/nodes/proxmox1.html",
        "starwars/nodes/proxmox2.html",
        "starwars/nodes/proxmox3.html",
    ):
        assert (tmp_path / "site" / page).is_file(), page
    assert "bond1" in (tmp_path / "site" / "starwars" / "nodes" / "proxmox2.html").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_tool_not_installed_is_a_note_not_a_gap() -> None:
    base = _cluster()
    absent = Gap("pve1", "nodes/pve1/commands/ovs-vsctl-show.txt", "missing", "ovs-vsctl: command not found")
    denied = Gap(
        "pve1", "nodes/pve1/commands/iptables-save-t-nat.txt", "denied", "sudo: a password is required"
    )
    node = Node("pve1", base.nodes[0].interfaces, gaps=(absent, denied))
    pages = site_pages(site_of(Cluster("lab", (node,), has_manifest=True)))
    page = pages["lab/nodes/pve1.md"]
    assert '"1 source(s) missing for this node"' in page
    assert "Not available on this node (tool not installed): <code>ovs-vsctl-show.txt</code>" in page
    missing_table = page.split("## Missing sources {#missing}", 1)[1]
    assert "iptables-save" in missing_table and "ovs-vsctl-show.txt</code> |" not in missing_table
    assert "## Tools not installed on some nodes" in pages["lab/gaps.md"]


def test_every_interface_kind_has_a_label() -> None:
    assert set(KIND_LABELS) == set(InterfaceKind)
    assert len(set(KIND_LABELS.values())) == len(KIND_LABELS)


def test_the_navigation_does_not_grow_with_the_cluster() -> None:
    """The nav is rendered into every page: nodes, VLANs and sources are reached by index pages."""
    cfg = _cluster().nodes[0].interfaces
    small = Cluster("lab", tuple(Node(f"pve{n}", cfg) for n in range(1, 4)), has_manifest=True)
    large = Cluster("lab", tuple(Node(f"pve{n}", cfg) for n in range(1, 41)), has_manifest=True)
    nav_small, nav_large = site_nav(site_of(small)), site_nav(site_of(large))
    assert nav_small == nav_large
    assert {"Nodes": "lab/nodes/index.md"} in nav_small[3]["lab"]  # type: ignore[index]


def test_a_matrix_of_many_nodes_is_split_into_tables_that_fit_the_screen() -> None:
    cfg = _cluster().nodes[0].interfaces
    big = Cluster("lab", tuple(Node(f"pve{n:02}", cfg) for n in range(1, 17)), has_manifest=True)
    page = site_pages(site_of(big))["lab/index.md"]
    bridges = page.split("{#bridges}", 1)[1].split("\n## ", 1)[0]
    assert "Nodes 1-8 of 16:" in bridges and "Nodes 9-16 of 16:" in bridges
    headers = [line for line in bridges.splitlines() if line.startswith("| Bridge |")]
    assert len(headers) == 2 and all(h.count("| pve") == 8 for h in headers)


def test_cluster_and_node_names_crafted_as_markup_stay_text_in_titles_and_nav(tmp_path: Path) -> None:
    """mkdocs takes a page's title from its h1, unescaped, and Material writes titles as they are."""
    evil = "</title><script>alert(1)</script>"
    base = _cluster()
    cluster = Cluster(f"lab{evil}", (Node(f"pve1{evil}", base.nodes[0].interfaces),), has_manifest=True)
    site = site_of(cluster)
    publish_site(site_pages(site), tmp_path / "site", site_name=site_title(site), nav=site_nav(site))
    pages = list((tmp_path / "site").rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text, page
        assert "</title><script>" not in text, page
    node = next(p for p in pages if p.parent.name == "nodes" and p.name != "index.html")
    assert "<title>Node pve1&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in node.read_text(
        encoding="utf-8"
    )
