"""The topology graph: an assembled cluster model as a networkx MultiDiGraph, and the questions it answers.

Imports only netdoc.model (and errors); renderers and the audit read the graph, never the snapshot.
"""
