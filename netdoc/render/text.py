"""Human-readable terminal view of any model object (`netdoc parse KIND FILE` without --json)."""

from __future__ import annotations

from typing import Any

import yaml

from netdoc.model.base import to_jsonable


def _prune(data: Any) -> Any:
    """Drop empty values so the view shows what the file says, not every default."""
    if isinstance(data, dict):
        out = {k: _prune(v) for k, v in data.items()}
        # `is False` and not `in (..., False)`: 0 == False, and a count of 0 is a fact worth showing
        return {k: v for k, v in out.items() if v is not False and v not in (None, "", [], {})}
    if isinstance(data, list):
        return [_prune(v) for v in data]
    return data


def model_text(model: object) -> str:
    """A YAML view of the model's JSON form with empty fields left out."""
    return yaml.safe_dump(_prune(to_jsonable(model)), sort_keys=False, allow_unicode=True, width=100).rstrip()
