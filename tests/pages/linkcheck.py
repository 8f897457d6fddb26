"""A link checker over a built site: every internal href and src of an HTML page resolves to a
file, and its fragment to an id in that file (links of inline SVGs included). Stdlib only."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class _Page:
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = _Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value is None:
                continue
            if key in ("id", "name") and (key == "id" or tag == "a"):
                self.page.ids.add(value)
            if key in ("href", "src", "xlink:href"):
                self.page.links.append(value)

    handle_startendtag = handle_starttag


def parse(path: Path) -> _Page:
    parser = _Collect()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser.page


def broken_links(site: Path) -> list[str]:
    """Every internal link of the site that does not land: 'page -> target (why)'."""
    pages = {p.relative_to(site).as_posix(): parse(p) for p in sorted(site.rglob("*.html"))}
    bad = []
    for name, page in pages.items():
        base = posixpath.dirname(name)
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "data:", "javascript:")):
                continue
            path = unquote(parts.path)
            if path.startswith("/"):  # the 404 page links from the site's root
                target = posixpath.normpath(path.lstrip("/"))
            else:
                target = posixpath.normpath(posixpath.join(base, path)) if path else name
            if parts.path.endswith("/") or (site / target).is_dir():
                target = posixpath.join(target, "index.html")
            if not (site / target).exists():
                bad.append(f"{name} -> {href} (no file {target})")
                continue
            frag = unquote(parts.fragment)
            if frag and target in pages and frag not in pages[target].ids:
                bad.append(f"{name} -> {href} (no id {frag!r} in {target})")
    return bad
