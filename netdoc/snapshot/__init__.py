"""Read and write the snapshot: the folder of raw artifacts between `collect` and `build`.

The layout is a public contract (docs/snapshot-format.md):

    manifest.json                 format, cluster, netdoc version, started/finished, one entry per artifact
    api/<api-path>.json           the `data` member of GET /api2/json/<api-path>, verbatim
    nodes/<node>/<absolute path>  a file read over SSH, verbatim
    nodes/<node>/commands/<name>  a command's stdout, verbatim

`build` accepts any subset (no manifest, API only, a few files copied by hand). Reading never
follows symbolic links and never leaves the snapshot folder. Everything read from a snapshot
(files, API replies, command outputs, the manifest) is redacted on the way in (netdoc/redaction.py,
docs/secrets.md): a snapshot assembled by hand publishes no secret either.

One module per topic: `layout` (paths, manifest records, the commands a snapshot may hold),
`reader` (`open_snapshot`, `Snapshot`, a cluster's history folder), `writer` (`SnapshotWriter`),
`local` (local files outside any snapshot: `netdoc parse`'s, the notes, a build's digest). The
names below are the package's API: the rest of netdoc imports them from `netdoc.snapshot`.
"""

from netdoc.snapshot.layout import (
    COMMANDS,
    FORMAT,
    LATEST,
    MANIFEST,
    STATUSES,
    Artifact,
    Manifest,
    api_artifact_path,
    check_node_name,
    command_path,
    node_file_path,
    utc_now,
)
from netdoc.snapshot.local import read_local_file, read_local_tree, read_markdown_tree, tree_digest
from netdoc.snapshot.reader import (
    Snapshot,
    history_snapshots,
    is_history,
    latest_snapshot,
    open_snapshot,
    resolve_snapshot,
)
from netdoc.snapshot.writer import SnapshotWriter

__all__ = [
    "COMMANDS",
    "FORMAT",
    "LATEST",
    "MANIFEST",
    "STATUSES",
    "Artifact",
    "Manifest",
    "Snapshot",
    "SnapshotWriter",
    "api_artifact_path",
    "check_node_name",
    "command_path",
    "history_snapshots",
    "is_history",
    "latest_snapshot",
    "node_file_path",
    "open_snapshot",
    "read_local_file",
    "read_local_tree",
    "read_markdown_tree",
    "resolve_snapshot",
    "tree_digest",
    "utc_now",
]
