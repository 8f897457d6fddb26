"""The mkdocs configuration netdoc builds with: its own settings, then a user's checked mkdocs.yml merged in.

netdoc's settings win where the site depends on them (strict, .html links, no web font, its docs
and site folders); the user's nav entries, CSS and JavaScript come after netdoc's, and named
entries (plugins, markdown extensions) merge their options key by key. The user's side is read
and checked by siteconfig.py.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from typing import Any

from netdoc.render.siteconfig import SiteConfig

# Material's features netdoc's pages rely on (section index pages) or are designed with.
NETDOC_FEATURES = ("navigation.indexes", "navigation.top", "search.highlight", "content.code.copy")
NETDOC_EXTENSIONS: tuple[tuple[str, Mapping[str, Any] | None], ...] = (
    ("tables", None),
    ("admonition", None),
    ("attr_list", None),
    ("toc", {"permalink": True}),
)
# lunr splits on [\s\-] by default, and Material's search turns the colons of a MAC in the query
# into spaces (a colon is lunr's field syntax): the index must split MACs on colons too. IPv4 dots
# stay inside a token (an address is one word; "/" splits the prefix length off a CIDR).
SEARCH_SEPARATOR = r'[\s\-,:!=\[\]()"/]+|(?!\b)(?=[A-Z][a-z])|\.(?!\d)|&[lg]t;'


_Named = Sequence[tuple[str, Mapping[str, Any] | None]]


def _merge_named(ours: _Named, theirs: _Named) -> list[Any]:
    """Ours first, then theirs; the same name once, its options merged key by key (theirs win)."""
    merged: dict[str, dict[str, Any] | None] = {}
    for name, opts in (*ours, *theirs):
        if opts is None:
            merged.setdefault(name, None)
        else:
            merged[name] = {**(merged.get(name) or {}), **opts}
    return [name if opts is None else {name: opts} for name, opts in merged.items()]


def mkdocs_config(
    site_name: str,
    docs_dir: str,
    site_dir: str,
    nav: list[Any] | None,
    user: SiteConfig | None = None,
    *,
    config_dir: str = ".",
    css: Sequence[str] = (),
    javascript: Sequence[str] = (),
) -> dict[str, Any]:
    """The mkdocs configuration netdoc builds with: its own settings, then the user's merged in.

    Material theme, offline (no web font), strict, .html links, netdoc's nav then the user's
    entries, netdoc's CSS and JavaScript before the user's.
    """
    u = user or SiteConfig("")
    theme: dict[str, Any] = {"name": "material", "palette": {"primary": "indigo"}}
    theme |= {k: v for k, v in u.theme.items() if k != "custom_dir"}
    if "custom_dir" in u.theme:
        theme["custom_dir"] = posixpath.join(config_dir, u.theme["custom_dir"])
    theme |= {"font": False, "features": list(dict.fromkeys((*NETDOC_FEATURES, *u.features)))}
    config: dict[str, Any] = {
        "site_name": site_name,
        **u.settings,
        "docs_dir": docs_dir,
        "site_dir": site_dir,
        "use_directory_urls": False,
        "strict": True,
        "theme": theme,
        "plugins": [{"search": {"separator": SEARCH_SEPARATOR, **u.search}}, *_merge_named((), u.plugins)],
        "markdown_extensions": _merge_named(NETDOC_EXTENSIONS, u.markdown_extensions),
        "extra": {"generator": False, **u.extra},
        "extra_css": [*css, *u.extra_css],
        "extra_javascript": [*javascript, *u.extra_javascript],
    }
    if nav is not None or u.nav:
        config["nav"] = [*(nav or []), *u.nav]
    return config
