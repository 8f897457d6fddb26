"""Parse /etc/hosts into HostsFile (address -> names, comments, IPv6), each entry with its line.

Also accepts the API's /nodes/{node}/hosts reply (`{"data": "<the file>", "digest": ...}`).
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.hosts import HostsEntry, HostsFile
from netdoc.model.pveconf import Comment
from netdoc.parsers.jsonvalues import entry_text
from netdoc.parsers.pvetext import split_lines

SOURCE = "hosts"
_NAME = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_.])?")


def _unwrap_api(text: str) -> str:
    """The file text inside an API reply, or the text itself when it is not one."""
    if not text.lstrip().startswith("{"):
        return text
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return text
    for _ in range(2):  # {"data": {"data": "...", "digest": ...}} or {"data": "...", "digest": ...}
        if isinstance(data, dict) and "data" in data:
            data = data["data"]
    return data if isinstance(data, str) else text


def parse_hosts_text(text: str, path: str) -> HostsFile:
    """Parse hosts text; never raises."""
    entries: list[HostsEntry] = []
    comments: list[Comment] = []
    warnings: list[ParseWarning] = []
    for lineno, raw in enumerate(split_lines(_unwrap_api(text)), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            comments.append(Comment(line[1:].strip(), SourceRef(path, lineno)))
            continue
        body, hash_, comment = line.partition("#")
        fields = body.split()
        address, names = fields[0], tuple(fields[1:])
        family = "unknown"
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            family = "inet" if ip.version == 4 else "inet6"
        except ValueError:
            warnings.append(ParseWarning(path, lineno, f"{address!r} is not an IP address", raw))
        if not names:
            warnings.append(ParseWarning(path, lineno, f"address {address} has no host name", raw))
        for name in names:
            if not _NAME.fullmatch(name):
                warnings.append(ParseWarning(path, lineno, f"{name!r} is not a valid host name", raw))
        entries.append(
            HostsEntry(address, family, names, comment.strip() if hash_ else None, SourceRef(path, lineno))
        )
    return HostsFile(path, tuple(entries), tuple(comments), tuple(warnings))


def parse_hosts(files: Mapping[str, str], path: str) -> HostsFile:
    """Kind `hosts`: /etc/hosts (or the API's /nodes/{node}/hosts JSON)."""
    return parse_hosts_text(entry_text(files, path, SOURCE), path)
