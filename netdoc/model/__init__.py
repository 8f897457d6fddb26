"""Frozen dataclasses describing what netdoc knows; the leaf of the import graph (imports only errors).

One module per topic: base (evidence, warnings, JSON form), interfaces (a node's network config),
cluster (nodes and the cluster), and one module per other source as parsers grow.
"""
