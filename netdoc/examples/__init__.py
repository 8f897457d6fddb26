"""Example snapshots shipped inside the package (package data), found with importlib.resources.

`starwars` is the 3-node cluster of the talk netdoc grew from (full-mesh broadcast bond for
corosync, OVS bridge with an LACP bond, containers and a VM on VLANs 3, 4 and 10), written in the
snapshot layout (docs/snapshot-format.md). Build its site with:
    netdoc build "$(python -c 'from netdoc.examples import example_path; print(example_path())')"
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from netdoc.errors import UsageError

EXAMPLES = ("starwars",)


def example_path(name: str = "starwars") -> Path:
    """The folder of a bundled example snapshot, as a real path (netdoc is installed as plain files)."""
    if name not in EXAMPLES:
        raise UsageError(f"unknown example {name!r}; known examples: {', '.join(EXAMPLES)}")
    folder = files(__name__) / name
    if not isinstance(folder, Path):
        raise UsageError(f"example {name!r} is inside an archive, not a folder: install netdoc unzipped")
    return folder
