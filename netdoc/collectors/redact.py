"""Secret-looking values removed from what was read, before anything is stored.

The rules live in netdoc/redaction.py (docs/secrets.md), shared with the snapshot reader, which
applies them again when a snapshot is read (a snapshot assembled by hand publishes no secret
either). This module is the collectors' name for them.
"""

from __future__ import annotations

from netdoc.redaction import (
    REDACTED,
    is_secret_name,
    redact_artifact,
    redact_bytes,
    redact_json,
    redact_json_bytes,
    redact_text,
)

__all__ = [
    "REDACTED",
    "is_secret_name",
    "redact_artifact",
    "redact_bytes",
    "redact_json",
    "redact_json_bytes",
    "redact_text",
]
