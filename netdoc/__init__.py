"""netdoc: living network documentation for Proxmox VE clusters.

Imports nothing at package level so that `netdoc --version` and the parsers stay cheap.
"""

__version__ = "0.1.0"
