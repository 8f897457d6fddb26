"""The inventory: which clusters netdoc documents and how it reaches them (pydantic, extra=forbid).

`load_inventory(path)` reads the YAML file and validates it in one pass; every problem comes back
at once in one ConfigError, each with its key path (clusters[0].api.port) and its line in the file.
Secrets are never written in the inventory, only referenced (env:NAME or file:PATH), and read at
use time by `SecretRef.reveal()`. Imports only netdoc.errors; used by cli, pipeline, collectors, lab.

    fields.py    single values (hosts, paths, fingerprints)   secrets.py  SecretRef
    models.py    the sections and the rules between keys       loading.py  YAML, lines, errors, schema
"""

from netdoc.config.loading import inventory_json_schema, key_path, load_inventory, parse_inventory
from netdoc.config.models import ApiConfig, ClusterConfig, CollectConfig, Inventory, NodeConfig, SshConfig
from netdoc.config.secrets import SecretRef

__all__ = [
    "ApiConfig",
    "ClusterConfig",
    "CollectConfig",
    "Inventory",
    "NodeConfig",
    "SecretRef",
    "SshConfig",
    "inventory_json_schema",
    "key_path",
    "load_inventory",
    "parse_inventory",
]
