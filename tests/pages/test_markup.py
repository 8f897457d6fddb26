"""Collected text crafted as markup is shown as text: an interface comment, a bridge comment and a
guest name holding `<script>`, an attribute break-out with an event handler, a template expression
and the end of a CDATA section, in the Markdown pages and in the HTML mkdocs builds from them."""

from __future__ import annotations

import functools
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from netdoc.pipeline.inputs import site_input
from netdoc.render import links
from netdoc.render.output import publish_site
from netdoc.render.site import site_nav, site_pages
from netdoc.render.siteinput import SiteInput
from tests.audit.snapshots import edit_example, example_with
from tests.pages.tables import row

MARKUP = "<script>alert('s')</script> \"><img src=x onerror=alert('i')> {{ 7*7 }} ]]> a|b"
IFACES = "nodes/proxmox1/etc/network/interfaces"
GUEST = "nodes/proxmox1/etc/pve/nodes/proxmox3/qemu-server/300.conf"


@functools.cache
def crafted() -> SiteInput:
    with tempfile.TemporaryDirectory() as tmp:
        text = edit_example(IFACES, "iface eno2 inet manual\n", f"iface eno2 inet manual\n\t# nic {MARKUP}\n")
        text = text.replace("\tbridge_ports eno1\n", f"\tbridge_ports eno1\n\t# bridge {MARKUP}\n", 1)
        files = {IFACES: text, GUEST: edit_example(GUEST, "name: mirror", f"name: mirror{MARKUP}")}
        return site_input(example_with(Path(tmp), files))


def test_the_markup_reaches_the_model() -> None:
    net = crafted().topology.estate.clusters[0]
    host = net.host("proxmox1")
    assert host is not None and host.iface("eno2") is not None
    eno2 = host.iface("eno2")
    assert eno2 is not None and eno2.config is not None
    assert MARKUP in eno2.config.comments[0].text
    assert any(MARKUP in (a.guest.name or "") for a in net.attachments)


def test_markdown_pages_hold_it_as_escaped_text() -> None:
    pages = site_pages(crafted())
    for path, text in pages.items():
        if path.endswith(".md"):
            assert "<script>alert" not in text, path
            assert "<img src=x" not in text, path
            assert "]]>" not in text.replace("]]&gt;", ""), path
    node = pages[links.node_page("starwars", "proxmox1")]
    eno2 = row(node, links.iface_anchor("eno2"))
    assert len(eno2) == 11, "the pipe in the comment must not add a column"
    assert "&lt;script&gt;alert('s')&lt;/script&gt;" in eno2[9] and "a\\|b" in eno2[9]
    assert "{{ 7\\*7 }}" in eno2[9]
    guest = row(pages[links.GUESTS], links.guest_anchor("starwars", 300, "net0"))
    assert "mirror&lt;script&gt;" in guest[0] and len(guest) == 11
    source = pages[links.source_page("starwars", GUEST)]
    assert "name: mirror&lt;script&gt;alert('s')&lt;/script&gt;" in source


class _Tags(HTMLParser):
    """Every start tag and the text of every script element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


@pytest.mark.integration
def test_built_html_shows_it_and_runs_nothing(tmp_path: Path) -> None:
    site = crafted()
    publish_site(site_pages(site), tmp_path / "site", site_name="netdoc: markup", nav=site_nav(site))
    checked = 0
    for path in (tmp_path / "site").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        parser = _Tags()
        parser.feed(text)
        assert not [a for t, a in parser.tags if t == "img" and a.get("src") == "x"], path
        assert not [a for t, a in parser.tags if any(k.startswith("on") for k in a)], path
        assert not [s for s in parser.scripts if "alert(" in s], path
        checked += "&lt;script&gt;alert(" in text
    node = (tmp_path / "site" / "starwars/nodes/proxmox1.html").read_text(encoding="utf-8")
    assert (
        "nic &lt;script&gt;alert('s')&lt;/script&gt; \"&gt;&lt;img src=x onerror=alert('i')&gt; {{ 7*7 }} ]]&gt; a|b"
        in node
    )
    assert checked >= 4  # node, guest index, source pages: the text is there, as text
