"""Waivers: findings an admin accepted, with a reason and an expiry date (`--waivers FILE`).

The file is YAML, a list under `waivers:`; each entry names a check `code`, a `subject` (the
finding's `<cluster>/<subject>`, shell-style wildcards allowed), a `reason` and an `expires` date.
A waived finding moves to the waived list; an expired waiver waives nothing and is a finding itself.
Parsing is pure (text in, waivers or a ConfigError with every problem and its line out).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass
from typing import Any

import yaml

from netdoc.errors import ConfigError, ConfigProblem

_KEYS = {"code", "subject", "reason", "expires"}


@dataclass(frozen=True)
class Waiver:
    code: str
    subject: str  # "<cluster>/<subject>" pattern
    reason: str
    expires: dt.date
    path: str = ""
    line: int | None = None

    def matches(self, code: str, key: str) -> bool:
        return self.code == code and fnmatch.fnmatchcase(key, self.subject)

    def expired(self, today: dt.date) -> bool:
        return self.expires < today

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


class _LineLoader(yaml.SafeLoader):
    """Keeps each mapping's line number (1-based) under the key `__line__`."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_waivers(text: str, path: str, known_codes: set[str] | None = None) -> tuple[Waiver, ...]:
    """The waivers of a file; every problem is reported at once (ConfigError, exit code 2)."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(
            path, [ConfigProblem("", f"not valid YAML: {getattr(exc, 'problem', exc)}", line)]
        ) from None
    if data is None:
        return ()
    if not isinstance(data, dict) or not isinstance(data.get("waivers"), list):
        raise ConfigError(path, [ConfigProblem("", "expected a mapping with a `waivers:` list", 1)])
    problems: list[ConfigProblem] = []
    extra = sorted(str(k) for k in data if k not in ("waivers", "__line__"))
    if extra:
        problems.append(ConfigProblem("", f"unknown key(s): {', '.join(extra)}", data.get("__line__")))
    waivers = []
    for index, entry in enumerate(data["waivers"]):
        key = f"waivers[{index}]"
        if not isinstance(entry, dict):
            problems.append(ConfigProblem(key, "each waiver is a mapping (code, subject, reason, expires)"))
            continue
        line = entry.pop("__line__", None)
        unknown = sorted(str(k) for k in entry if k not in _KEYS)
        if unknown:
            problems.append(ConfigProblem(key, f"unknown key(s): {', '.join(unknown)}", line))
        missing = sorted(k for k in _KEYS if entry.get(k) in (None, ""))
        if missing:
            problems.append(ConfigProblem(key, f"missing: {', '.join(missing)}", line))
            continue
        expires = entry["expires"]
        if isinstance(expires, str):
            try:
                expires = dt.date.fromisoformat(expires)
            except ValueError:
                expires = None
        if isinstance(expires, dt.datetime):
            expires = expires.date()
        if not isinstance(expires, dt.date):
            problems.append(ConfigProblem(f"{key}.expires", "not a date (YYYY-MM-DD)", line))
            continue
        code = str(entry["code"])
        if known_codes is not None and code not in known_codes:
            problems.append(ConfigProblem(f"{key}.code", f"no check has the code {code!r}", line))
            continue
        waivers.append(Waiver(code, str(entry["subject"]), str(entry["reason"]), expires, path, line))
    if problems:
        raise ConfigError(path, problems)
    return tuple(waivers)
