"""What `netdoc init` writes: a commented mkdocs.yml and the first note of the notes folder.

The repository's own mkdocs.yml is this text (tests/test_siteconfig.py keeps them equal), so the
file a user starts from is the one the project builds its example with.
"""

from __future__ import annotations

MKDOCS_YML = """\
# The topology site's configuration: netdoc build reads it (./mkdocs.yml, or --config FILE) and
# merges it with what netdoc generates. docs/site.md in netdoc's repository has every rule;
# in short:
#   - netdoc writes the pages and the navigation; your nav entries come after its own;
#   - your own pages are Markdown files in the notes folder beside this file (notes/, or
#     --notes DIR), published under notes/ and kept across builds;
#   - files named here (logo, favicon, extra_css, extra_javascript) are paths below this file's
#     folder and are published at the same path on the site; nothing may come from the network;
#   - netdoc keeps strict, use_directory_urls: false, theme.font: false (no web font) and its own
#     docs_dir and site_dir: setting them otherwise is an error with the line and the reason.

# The title in the header (default: "netdoc: <cluster>" or "netdoc: <n> clusters").
# site_name: Network documentation
# copyright: Example Corp network team

theme:
  name: material                # the only theme netdoc builds with
  palette:                      # a light and a dark scheme, switched in the header
    - scheme: default
      primary: indigo
      accent: indigo
      toggle:
        icon: material/weather-night
        name: Dark mode
    - scheme: slate
      primary: indigo
      accent: indigo
      toggle:
        icon: material/weather-sunny
        name: Light mode
  icon:
    logo: material/lan          # a bundled icon; or a file of yours:
  # logo: assets/logo.svg       #   assets/logo.svg beside this file
  # favicon: assets/favicon.png
  features:                     # added to netdoc's own (navigation.indexes, navigation.top,
    - search.suggest            # search.highlight, content.code.copy)
    - navigation.footer

# Your stylesheets and scripts, after netdoc's own (local files only).
# extra_css:
#   - assets/extra.css
# extra_javascript:
#   - assets/extra.js

plugins:
  - search                      # always on; netdoc sets a separator that finds MACs and IPs
  # - tags                      # any installed plugin that works offline

# Added to netdoc's (tables, admonition, attr_list, toc); options merged, yours win.
# markdown_extensions:
#   - def_list
#   - pymdownx.details

# Your pages in the navigation, after netdoc's sections (notes/... pages, or links).
# nav:
#   - Runbooks:
#       - notes/runbook-uplink.md
#   - Monitoring: https://grafana.example.com/
"""

FIRST_NOTE = """\
# Notes

This folder holds the pages you write yourself: runbooks, where the cables go, who to call when
the core switch goes down. Every Markdown file here (and in folders below it) is
published under `notes/` on the site, as it is, and stays across rebuilds: netdoc never writes
into this folder.

- Link a generated page from a note with a relative link, for example `[the home page](../index.md)`.
- Place a note in the navigation with the `nav:` entries of `mkdocs.yml`; otherwise it is listed
  in the Notes section.
- Broken links fail the build (netdoc builds strict), so a renamed node shows up here first.
"""
