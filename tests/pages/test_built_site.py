"""The site as mkdocs-material builds it (strict: a warning fails the build): the bundled example,
and the four lab clusters `netdoc demo --scenario demo` collects as one site with the admin's notes.
Every internal link lands on a file and an id; the navigation stays small; the build is repeatable.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from netdoc.examples import example_path
from netdoc.pipeline.site import build_site
from netdoc.render import links
from tests.pages.linkcheck import broken_links
from tests.pages.sites import lab_snapshots

pytestmark = pytest.mark.integration

NOTE = "# Runbook\n\nCall the NOC first. [Home](../../index.md)\n"
NAV_LINK = re.compile(r'<a href="[^"]*" class="md-nav__link')


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(example_path("starwars"), tmp_path_factory.mktemp("example") / "site").site_dir


@pytest.fixture(scope="module")
def lab_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lab")
    notes = root / "notes"
    (notes / "howto").mkdir(parents=True)
    (notes / "howto" / "runbook.md").write_text(NOTE, encoding="utf-8")
    return build_site(lab_snapshots(root / "snapshots"), root / "site", notes_dir=notes).site_dir


def _html(site: Path, page: str) -> str:
    return (site / (page[:-3] + ".html")).read_text(encoding="utf-8")


def test_every_internal_link_of_the_example_lands(example_site: Path) -> None:
    assert broken_links(example_site) == []


def test_every_internal_link_of_the_four_clusters_lands(lab_site: Path) -> None:
    assert broken_links(lab_site) == []
    for cluster in ("lacp-vlans", "ovs", "sdn", "starwars"):
        assert (lab_site / links.cluster_page(cluster).replace(".md", ".html")).is_file()


def _nav(page: str) -> str:
    """The sidebar (Material's primary nav, rendered into every page)."""
    nav = page.split('<nav class="md-nav md-nav--primary"', 1)[1]
    return re.split(r"\n</nav>\s*</div>", nav, maxsplit=1)[0]  # the toc nested in it closes before


def test_the_navigation_is_small_and_lists_no_node_or_source_page(lab_site: Path) -> None:
    nav = _nav(_html(lab_site, links.node_page("ovs", "ovs1")))
    entries = NAV_LINK.findall(nav)
    # Home, Guests, Glossary, Notes and its page; per cluster its page and five section pages
    assert len(entries) <= 5 + 4 * 6 + 12, len(entries)
    assert len(nav) < 20_000, len(nav)  # 4 clusters; a node or source page each would be thousands
    assert "ovs1.html" not in nav and "/sources/nodes/" not in nav and "vlans/10.html" not in nav
    for cluster in ("lacp-vlans", "sdn", "starwars"):
        assert f"../../{cluster}/nodes/index.html" in nav and f"../../{cluster}/sources/index.html" in nav


def test_the_admins_notes_are_published_unchanged_and_in_the_navigation(lab_site: Path) -> None:
    page = _html(lab_site, links.note_page("howto/runbook.md"))
    assert "Call the NOC first." in page and 'href="../../index.html"' in page
    home = _html(lab_site, links.HOME)
    assert "Runbook" in _nav(home) and "notes/howto/runbook.html" in _nav(home)


def test_source_pages_stay_out_of_the_search_and_guests_come_first(lab_site: Path) -> None:
    index = json.loads((lab_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = [d["location"] for d in index["docs"]]
    assert not [loc for loc in locations if "/sources/" in loc]
    guests = [d for d in index["docs"] if d["location"].startswith("guests.html")]
    assert guests and all(d.get("boost", 1) > 1 for d in guests)
    text = " ".join(d["text"] for d in guests)
    assert "BC:24:11:3A:43:BA" in text and "10.10.10.100/24" in text and "proxy" in text  # VM 108


def test_building_twice_gives_the_same_pages(example_site: Path, tmp_path: Path) -> None:
    again = build_site(example_path("starwars"), tmp_path / "site").site_dir
    first = {p.relative_to(example_site): p.read_bytes() for p in example_site.rglob("*.html")}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*.html")}
    assert first.keys() == second.keys()
    assert [p for p in first if first[p] != second[p]] == []
    search = "search/search_index.json"
    assert (example_site / search).read_bytes() == (again / search).read_bytes()
