"""The site's pages, one module per kind of page (render/site.py puts them together).

home (every cluster, the switches, the admin's notes), cluster and cluster_services (a cluster's
diagrams, tables and matrices), node, node_ovs and node_net (a node), vlans, guests (the guest
index), findings, sources (the raw files, line by line) and glossary. `context` holds what each
is given; `common` the helpers they share. The URL scheme is render/links.py's.
"""
