"""The composition root: the linear steps behind each command, one module per topic.

- `site`: `netdoc build` (build_site) and `netdoc init` (init_site);
- `inputs`: what a site is built from: the user's mkdocs.yml (read and checked), the snapshots
  read once into the site's input (site_input, recent_changes), and the digest of all of them that
  lets an unchanged build do nothing (build_digest);
- `reports`: `netdoc report` (make_report) and `netdoc diff` (diff_snapshots);
- `inspection`: `netdoc parse` (parse_local) and `netdoc export` (export_graph, export_diagrams);
- `collection`: `netdoc collect` (collect_inventory, collect_clusters) and `netdoc demo` (run_demo).

Reads through netdoc.snapshot, parses with parsers/, renders with render/, collects with
collectors/; prints nothing (cli/ does). Only cli and nightly import it (the layers contract).
"""
