"""The site's own stylesheet (extra_css): wide tables that fit a laptop screen, diagrams that scale."""

from __future__ import annotations

SITE_CSS_PATH = "assets/netdoc.css"
# Wide tables are the point of the site: use the screen width and keep addresses on one line.
SITE_CSS = """\
.md-grid { max-width: 96rem; }
.md-typeset table:not([class]) { font-size: .7rem; }
.md-typeset table:not([class]) code { white-space: nowrap; }
.md-typeset table:not([class]) td { vertical-align: top; }
"""
