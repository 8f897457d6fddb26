"""The built site in a real browser: offline, searchable, linked, readable at 1366 px, inert to markup.

One Chromium for the session (pytest-playwright's `browser`), a fresh context per test; the site
(example + lab scenarios + the markup cluster, tests/browser/sites.py) is built once and served on
127.0.0.1. Screenshots of the home, cluster and node pages go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import html
import posixpath
import re
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from netdoc.render import links
from tests.browser import sites
from tests.browser.conftest import LAPTOP, SCREENSHOTS, Site, Watch

pytestmark = [pytest.mark.integration, pytest.mark.browser]

EXAMPLE = "starwars"  # the bundled example: nodes proxmox1..3
EXAMPLE_NODE = "proxmox1"
GUEST = ("lacp-vlans", 108)  # `proxy`: a static address, a MAC, a name found nowhere else


def _open(page: Any, url: str, wait_until: str = "load") -> None:
    response = page.goto(url, wait_until=wait_until)
    assert response is not None and response.ok, f"{url}: {response.status if response else 'no response'}"


# ------------------------------------------------------------------------------------------ offline


@pytest.mark.parametrize(
    "target",
    [links.HOME, links.cluster_page(EXAMPLE), links.node_page(EXAMPLE, EXAMPLE_NODE)],
    ids=["home", "cluster", "node"],
)
def test_page_loads_offline_without_console_errors(page: Any, site: Site, watch: Watch, target: str) -> None:
    """No console error, no script error, and every request (search index included) to 127.0.0.1."""
    _open(page, site.at(target))
    page.wait_for_load_state("networkidle")
    assert watch.clean(), watch.report()
    assert watch.requests and all(urlsplit(u).netloc == watch.origin for u in watch.requests), watch.requests
    assert page.locator("h1").first.inner_text().strip()


def test_screenshots_of_home_cluster_and_node_pages(page: Any, site: Site, watch: Watch) -> None:
    """Saved as the run's artifacts (git-ignored): what the site looked like when the tests passed."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = {
        "home.png": links.HOME,
        "cluster-starwars.png": links.cluster_page(EXAMPLE),
        "node-starwars-proxmox1.png": links.node_page(EXAMPLE, EXAMPLE_NODE),
    }
    for name, target in shots.items():
        _open(page, site.at(target))
        path = SCREENSHOTS / name
        page.screenshot(path=str(path), full_page=True)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000, name
    assert watch.clean(), watch.report()


# ------------------------------------------------------------------------------------------ search


# Material's search box says so while its worker builds the index, then waits for a query.
_INITIALIZING, _READY = "Initializing search", "Type to start searching"


def _search(page: Any, query: str) -> list[str]:
    """Type into Material's search box; the hrefs of the results once their count has settled."""
    box = page.locator("input.md-search__input")
    box.click()
    meta = page.locator(".md-search-result__meta")
    # The index is built in a worker after the page loads: a query typed before is answered
    # against nothing, so wait until the box is ready for one.
    page.wait_for_function(
        f"() => (document.querySelector('.md-search-result__meta') || {{}}).textContent === {_READY!r}",
        timeout=20_000,
    )
    box.press_sequentially(query)  # typed: Material searches on keyup, not on input events
    last, stable, deadline = "", 0, time.monotonic() + 10
    # Results update on every keystroke: wait for a count that stays the same.
    while time.monotonic() < deadline and stable < 3:
        text = meta.inner_text()
        steady = text == last and text not in ("", _READY, _INITIALIZING)
        stable = stable + 1 if steady else 0
        last = text
        page.wait_for_timeout(100)
    assert stable >= 3, f"search for {query!r} never settled (last: {last!r})"
    return [
        str(a.get_attribute("href"))
        for a in page.locator(".md-search-result__item a.md-search-result__link").all()
    ]


@pytest.mark.parametrize("by", ["name", "mac", "ip"])
def test_search_finds_a_guest_and_opens_its_row(page: Any, site: Site, watch: Watch, by: str) -> None:
    guest = sites.guest_facts(site.snapshots, *GUEST)
    query = {"name": guest.name, "mac": guest.mac.lower(), "ip": guest.ip}[by]
    _open(page, site.at(links.HOME))
    hrefs = _search(page, query)
    on_index = [h for h in hrefs if urlsplit(h).path.endswith(links.GUESTS[:-3] + ".html")]
    assert on_index, f"search for {query!r} ({by}) found no guest index section: {hrefs}"
    result = page.locator(f'.md-search-result__item a.md-search-result__link[href="{on_index[0]}"]').first
    if result.is_visible():
        result.click()
    else:  # Material folds a page's further sections under "more": open it as a click would
        page.goto(urljoin(page.url, on_index[0]))
    page.wait_for_load_state("load")
    row_anchor = links.guest_anchor(guest.cluster, guest.vmid, guest.key)
    page.wait_for_function(f"location.hash === '#{row_anchor}'", timeout=5000)
    row = page.locator(f'[id="{row_anchor}"]').locator("xpath=ancestor-or-self::tr[1]")
    assert "netdoc-found" in (row.get_attribute("class") or "")
    box = row.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"], box
    text = row.inner_text()
    assert guest.name in text and guest.mac.lower() in text.lower() and guest.ip in text
    assert watch.clean(), watch.report()


# ------------------------------------------------------------------------------------------ diagrams


def test_clicking_a_node_in_the_cluster_svg_opens_the_node_page(page: Any, site: Site, watch: Watch) -> None:
    _open(page, site.at(links.cluster_page(EXAMPLE)))
    target = links.href(links.cluster_page(EXAMPLE), links.node_page(EXAMPLE, EXAMPLE_NODE))
    node = page.locator(f'svg a[href="{target}"], svg a[*|href="{target}"]').first
    assert node.count(), f"no link to {target} in the cluster page's SVG"
    node.click()
    page.wait_for_url(f"**/{links.node_page(EXAMPLE, EXAMPLE_NODE)[:-3]}.html*")
    assert EXAMPLE_NODE in page.locator("h1").first.inner_text()
    assert watch.clean(), watch.report()


# ------------------------------------------------------------------------------------------ links


_ATTR = re.compile(r'\s(id|name|href|src|xlink:href)="([^"]*)"')


def _fetch(url: str) -> tuple[str, int, str, str]:
    """(url, status, content type, text) over HTTP, as the browser fetches it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            kind = response.headers.get("content-type", "")
            body = response.read().decode("utf-8", "replace") if "html" in kind or "svg" in kind else ""
            return url, response.status, kind, body
    except urllib.error.HTTPError as exc:
        return url, exc.code, "", ""


def test_every_internal_link_resolves_anchors_included(site: Site) -> None:
    """A crawler from the home page over every page, SVG file and asset the site links; a
    fragment must name an id (or <a name>) of its target. Links out of the site are not followed."""
    base = urlsplit(site.url).netloc
    ids: dict[str, set[str] | None] = {}  # URL without fragment -> its ids (None: not HTML/SVG)
    referrer: dict[str, str] = {}  # URL -> the first document linking it
    wanted: list[tuple[str, str, str]] = []  # (from, target URL, fragment)
    broken: list[tuple[str, str]] = []  # (the document holding the link, what is wrong)
    frontier = {site.url + "index.html"}
    with ThreadPoolExecutor(max_workers=8) as pool:  # the server is http.server's threading one
        while frontier:
            found: set[str] = set()
            for url, status, _kind, body in pool.map(_fetch, sorted(frontier)):
                ids[url] = None
                if status != 200:
                    broken.append((referrer.get(url, "?"), f"{url}: HTTP {status}"))
                    continue
                if not body:
                    continue
                own: set[str] = set()
                ids[url] = own
                for key, raw in _ATTR.findall(body):
                    value = html.unescape(raw)
                    if key in ("id", "name"):
                        own.add(value)
                        continue
                    absolute = urljoin(url, value)
                    parts = urlsplit(absolute)
                    if parts.scheme not in ("http", "https") or parts.netloc != base:
                        continue
                    clean = absolute.split("#", 1)[0].split("?", 1)[0]
                    if parts.fragment:
                        wanted.append((url, clean, unquote(parts.fragment)))
                    if clean not in ids:
                        referrer.setdefault(clean, url)
                        found.add(clean)
            frontier = found - ids.keys()
    for origin, target, fragment in wanted:
        target_ids = ids.get(target)
        if target_ids is not None and fragment not in target_ids:
            broken.append((origin, f"{target}#{fragment}: no such id"))
    documents = [u for u, i in ids.items() if i is not None]
    assert len(documents) > 100, f"the crawl reached only {len(documents)} pages"
    for must in (links.GUESTS, links.cluster_page(sites.MARKUP_CLUSTER), links.node_page("sdn", "sdn1")):
        assert site.at(must) in ids, f"{must} is not linked from the site"
    kinds: dict[str, int] = {}
    for origin, _ in broken:
        kind = posixpath.splitext(urlsplit(origin).path)[1] or origin
        kinds[kind] = kinds.get(kind, 0) + 1
    shown = "; ".join(f"{origin} -> {what}" for origin, what in broken[:8])
    assert not broken, f"{len(broken)} broken links (by the kind of document holding them: {kinds}): {shown}"


# ------------------------------------------------------------------------------------------ tables


def _node_pages(site: Site) -> list[str]:
    return sorted(
        posixpath.join(*p.relative_to(site.folder).parts)
        for p in site.folder.glob("*/nodes/*.html")
        if p.name != "index.html"
    )


# Width of each table against the width the content column gives it; a table wider than its
# wrapper is cut off or hidden behind a scroll bar (Material wraps every table in a scrolling div).
_OVERFLOW_JS = """() => [...document.querySelectorAll('.md-content table')].map((t, i) => {
  const wrap = t.closest('.md-typeset__scrollwrap') || t.parentElement;
  const content = document.querySelector('.md-content__inner').getBoundingClientRect();
  const box = t.getBoundingClientRect();
  const head = [...t.querySelectorAll('th')].map(th => th.innerText.trim()).join('|');
  return {i, head, table: Math.ceil(t.scrollWidth), wrap: Math.floor(wrap.clientWidth),
          right: Math.ceil(box.right), limit: Math.floor(content.right)};
}).filter(r => r.table > r.wrap + 1 || r.right > r.limit + 1)"""


def test_no_table_on_a_node_page_overflows_at_1366_px(page: Any, site: Site, watch: Watch) -> None:
    pages = _node_pages(site)
    assert len(pages) >= 12, pages
    wide: list[str] = []
    for path in pages:
        _open(page, site.url + path, "domcontentloaded")  # the stylesheets are in, the layout is final
        assert page.viewport_size == LAPTOP
        wide += [
            f"{path} table {r['i']} [{r['head']}]: {r['table']} px in {r['wrap']} px"
            for r in page.evaluate(_OVERFLOW_JS)
        ]
    assert not wide, f"{len(wide)} tables wider than the page at 1366 px:\n" + "\n".join(wide[:15])
    assert watch.clean(), watch.report()


# ------------------------------------------------------------------------------------------ markup


_INERT_JS = """() => ({
  images: document.querySelectorAll('img[src="x"], img[src$="/x"], image[href="x"]').length,
  scripts: [...document.querySelectorAll('script')].filter(s => s.textContent.includes("alert('s')")).length,
  handlers: [...document.querySelectorAll('*')].filter(e => e.hasAttribute('onerror')).length,
  parsererror: document.getElementsByTagName('parsererror').length,
  root: document.documentElement.tagName,
})"""


def _assert_inert(page: Any, watch: Watch, what: str) -> None:
    state = page.evaluate(_INERT_JS)
    assert state["images"] == 0 and state["scripts"] == 0 and state["handlers"] == 0, (what, state)
    assert state["parsererror"] == 0, f"{what} is not well-formed: {state}"
    assert not watch.dialogs and not watch.page_errors, (what, watch.report())


@pytest.mark.parametrize(
    ("target", "texts"),
    [
        (
            links.node_page(sites.MARKUP_CLUSTER, "pve1"),
            [sites.IFACE_COMMENT, sites.BRIDGE_COMMENT, sites.GUEST_NAME],
        ),
        (links.GUESTS, [sites.GUEST_NAME]),
        (links.cluster_page(sites.MARKUP_CLUSTER), []),
        (links.HOME, []),
    ],
    ids=["node", "guests", "cluster", "home"],
)
def test_markup_in_names_and_comments_is_text(
    page: Any, site: Site, watch: Watch, target: str, texts: list[str]
) -> None:
    """`<script>`, an attribute break-out with onerror, `{{ }}` and `]]>` show as typed; nothing runs."""
    _open(page, site.at(target))
    shown = page.locator(".md-content").inner_text()
    for text in texts:
        assert text in shown, f"{target} does not show {text!r} as text"
    _assert_inert(page, watch, target)
    assert watch.clean(), watch.report()


# The labels (text) and tooltips (<title>, xlink:title) of an SVG, one per line.
_SVG_TEXT_JS = """() => [...document.querySelectorAll('text, title')].map(e => e.textContent)
  .concat([...document.querySelectorAll('a')].map(a => a.getAttributeNS('http://www.w3.org/1999/xlink', 'title') || ''))
  .join('\\n')"""


def test_markup_in_svg_diagrams_is_text(page: Any, site: Site, watch: Watch) -> None:
    """Every diagram of the markup cluster, opened as a file (an SVG runs its own scripts when opened)."""
    # the diagram files sit beside the pages that show them (links.diagram_file)
    svgs = sorted((site.folder / sites.MARKUP_CLUSTER).rglob("*.svg"))
    assert svgs, "no diagram files for the markup cluster"
    shown: list[str] = []
    for svg in svgs:
        _open(page, site.url + posixpath.join(*svg.relative_to(site.folder).parts))
        _assert_inert(page, watch, svg.name)
        assert page.evaluate("document.documentElement.tagName") == "svg", svg.name
        shown.append(page.evaluate(_SVG_TEXT_JS))
    text = " ".join(shown)
    assert sites.GUEST_NAME in text, "the markup guest is in no diagram (label or tooltip)"
    # A long label is cut with an ellipsis, its tooltip holds it whole: what is shown of a payload
    # is always a literal piece of it, nothing taken as markup and dropped.
    for piece in re.findall(r"<script[^\n]*", text):
        assert sites.MARKUP.startswith(piece.rstrip("…").rstrip()[: len(sites.MARKUP)]), piece
    assert watch.clean(), watch.report()


def test_html_report_of_the_markup_cluster_is_inert(page: Any, site: Site, watch: Watch) -> None:
    """The audit report (one self-contained HTML file) shows the crafted names as text; nothing runs."""
    from netdoc.pipeline.inputs import site_input
    from netdoc.render.report.build import build_report
    from netdoc.render.report.html import report_html

    (snapshot,) = [p for p in site.snapshots if p.name == sites.MARKUP_CLUSTER]
    (site.folder / "markup-report.html").write_text(report_html(build_report(site_input(snapshot))), "utf-8")
    _open(page, site.at("markup-report.html"))
    shown = page.locator("body").inner_text()
    for text in (sites.IFACE_COMMENT, sites.GUEST_NAME):
        assert text in shown, f"the report does not show {text!r} as text"
    _assert_inert(page, watch, "markup-report.html")
    assert watch.clean(), watch.report()
