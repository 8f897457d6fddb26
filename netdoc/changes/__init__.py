"""What changed between two runs: two assembled estates (and their audits) compared, told as sentences.

Imports model, topology and audit; render reads its Change records for the site's Changes page.
"""
