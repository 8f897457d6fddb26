"""Everything people read: site pages, text views, (later) diagrams, reports and exports.

Renderers read the model (and later the graph and findings); they never parse and never collect.
render/output.py is the one module here that writes files.
"""
