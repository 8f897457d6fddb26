"""Parse ceph.conf (INI-like) into CephConf: networks, monitor addresses, fsid, every option kept.

Ceph's own rules: `#` and `;` start comments (also after a value), option names compare without
regard to case, spaces, dashes or underscores, and the last of duplicate options wins.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping

from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.ceph import CephConf, CephMon, CephOption, CephSection
from netdoc.model.pveconf import Comment
from netdoc.parsers.jsonvalues import entry_text
from netdoc.parsers.pvetext import redact, split_lines

SOURCE = "ceph-conf"
_SECTION = re.compile(r"\[\s*([^\]]+?)\s*\]")
_OPTION = re.compile(r"([^=]+?)\s*=\s*(.*)")
_INLINE_COMMENT = re.compile(r"\s[#;]")


def normalise_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", name.strip().lower())


def mon_addresses(value: str) -> tuple[str, ...]:
    """Addresses of a mon_host value: `a,b c`, `a:6789`, `[v2:a:3300/0,v1:a:6789/0] [...]`, `[fd00::1]`."""
    found: list[str] = []
    # Bracketed IPv6 (`[fd00::1]:6789`, `v2:[fd00::1]:3300/0`) would be cut at its colons: stand it
    # in for a placeholder word first, keeping the order of the entries.
    v6: list[str] = []

    def hide(m: re.Match[str]) -> str:
        v6.append(m.group(1))
        return f"ipv6x{len(v6) - 1}x"

    text = re.sub(r"\[([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)\]", hide, value)
    for raw in re.split(r"[\s,;\[\]]+", text):
        token = re.sub(r"/\d+$", "", re.sub(r"^v[12]:", "", raw))
        if token.count(":") == 1:
            host, _, port = token.partition(":")
            token = host if port.isdigit() else token
        placeholder = re.fullmatch(r"ipv6x(\d+)x", token)
        if placeholder:
            token = v6[int(placeholder.group(1))]
        if not token:
            continue
        try:
            token = str(ipaddress.ip_address(token))
        except ValueError:
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.\-]*", token):
                continue
        found.append(token)
    return tuple(dict.fromkeys(found))


def _networks(value: str | None) -> tuple[str, ...]:
    return tuple(n for n in re.split(r"[\s,;]+", value or "") if n)


def parse_ceph_text(text: str, path: str) -> CephConf:
    """Parse ceph.conf text; never raises."""
    warnings: list[ParseWarning] = []
    comments: list[Comment] = []
    sections: list[CephSection] = []
    name: str | None = None
    start = 0
    options: list[CephOption] = []

    def close() -> None:
        if name is not None:
            sections.append(CephSection(name, tuple(options), SourceRef(path, start)))

    for lineno, raw in enumerate(split_lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        if line[0] in "#;":
            comments.append(Comment(line[1:].strip(), SourceRef(path, lineno)))
            continue
        m = _INLINE_COMMENT.search(line)
        if m:
            comments.append(Comment(line[m.end() :].strip(), SourceRef(path, lineno)))
            line = line[: m.start()].rstrip()
        header = _SECTION.fullmatch(line)
        if header:
            close()
            name, start, options = header.group(1), lineno, []
            continue
        option = _OPTION.fullmatch(line)
        if not option:
            warnings.append(ParseWarning(path, lineno, "not '[section]' nor 'name = value'; ignored", raw))
            continue
        if name is None:
            warnings.append(ParseWarning(path, lineno, "option before any [section]; read into [global]"))
            name, start, options = "global", lineno, []
        spelled, value = option.group(1).strip(), option.group(2).strip()
        shown, redacted = redact(normalise_key(spelled), value)
        if redacted:
            warnings.append(ParseWarning(path, lineno, f"secret-looking value of '{spelled}' redacted"))
        options.append(
            CephOption(normalise_key(spelled), spelled, shown or "", SourceRef(path, lineno), redacted)
        )
    close()
    return _build(path, sections, comments, warnings)


def _build(
    path: str, sections: list[CephSection], comments: list[Comment], warnings: list[ParseWarning]
) -> CephConf:
    merged = CephSection("global", tuple(o for s in sections if s.name == "global" for o in s.options))
    globals_ = [s for s in sections if s.name == "global"]
    if len(globals_) > 1:
        line = globals_[1].source.line if globals_[1].source else None
        warnings.append(ParseWarning(path, line, "another [global] section; the options of all are merged"))
    public, cluster = _networks(merged.get("public_network")), _networks(merged.get("cluster_network"))
    for key, nets in (("public_network", public), ("cluster_network", cluster)):
        for net in nets:
            try:
                ipaddress.ip_network(net, strict=False)
            except ValueError:
                line = next((o.source.line for o in merged.options if o.key == key and o.source), None)
                warnings.append(ParseWarning(path, line, f"{key} entry {net!r} is not a CIDR"))
    mons = []
    for sec in sections:
        if sec.name.startswith("mon.") or sec.name.startswith("mon "):
            addrs = " ".join(v for v in (sec.get("public_addr"), sec.get("mon_addr")) if v)
            mons.append(CephMon(sec.name[4:], mon_addresses(addrs), sec.get("host"), sec.source))
    return CephConf(
        path=path,
        fsid=merged.get("fsid"),
        public_networks=public,
        cluster_networks=cluster,
        mon_hosts=mon_addresses(merged.get("mon_host") or ""),
        mons=tuple(mons),
        sections=tuple(sections),
        comments=tuple(comments),
        warnings=tuple(sorted(warnings, key=lambda w: w.line or 0)),
    )


def parse_ceph(files: Mapping[str, str], path: str) -> CephConf:
    """Kind `ceph-conf`: /etc/pve/ceph.conf (= /etc/ceph/ceph.conf on a Proxmox node)."""
    return parse_ceph_text(entry_text(files, path, SOURCE), path)
