"""Parse /etc/pve/ha/{groups,resources,rules}.cfg (SectionConfig) into model/ha.py; pure, no I/O.

Kinds `ha-groups`, `ha-resources`, `ha-rules`. `nodes` is `node[:priority]` separated by commas;
flags are 0/1. Unknown section types are kept as warnings with their line.
"""

from __future__ import annotations

from collections.abc import Mapping

from netdoc.model.base import ParseWarning
from netdoc.model.ha import HaConfig, HaGroup, HaNodePriority, HaResource, HaRule
from netdoc.model.pveconf import Section
from netdoc.parsers.jsonvalues import entry_text
from netdoc.parsers.pvetext import parse_bool
from netdoc.parsers.sectionconfig import read_section_config

SOURCE = "ha"


def _value(section: Section, key: str) -> str | None:
    opt = section.get(key)
    return opt.value if opt is not None else None


def _flag(section: Section, key: str) -> bool:
    opt = section.get(key)
    return opt is not None and bool(parse_bool(opt.value))  # a bare flag is true


def parse_node_list(text: str | None) -> tuple[HaNodePriority, ...]:
    """`pve1:2,pve2` -> (pve1 priority 2, pve2 no priority)."""
    out = []
    for word in (text or "").replace(";", ",").split(","):
        name, _, prio = word.strip().partition(":")
        if name:
            out.append(HaNodePriority(name, int(prio) if prio.strip().isdigit() else None))
    return tuple(out)


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(w.strip() for w in (text or "").split(",") if w.strip())


def parse_ha_text(text: str, path: str, origin: str) -> HaConfig:
    raw = read_section_config(text, path)
    warnings = list(raw.warnings)
    groups, resources, rules = [], [], []
    for s in raw.sections:
        if s.type == "group":
            groups.append(
                HaGroup(
                    s.id,
                    parse_node_list(_value(s, "nodes")),
                    _flag(s, "restricted"),
                    _flag(s, "nofailback"),
                    s.options,
                    s.source,
                )
            )
        elif s.type in ("vm", "ct"):
            vmid = int(s.id) if s.id.isdigit() else None
            if vmid is None:
                warnings.append(
                    ParseWarning(
                        path, s.source.line if s.source else None, f"{s.type}: {s.id} is not a VM id"
                    )
                )
            resources.append(
                HaResource(
                    f"{s.type}:{s.id}",
                    s.type,
                    vmid,
                    _value(s, "group"),
                    _value(s, "state"),
                    s.options,
                    s.source,
                )
            )
        elif s.type in ("node-affinity", "resource-affinity"):
            rules.append(
                HaRule(
                    s.id,
                    s.type,
                    _split(_value(s, "resources")),
                    parse_node_list(_value(s, "nodes")),
                    _flag(s, "strict"),
                    _value(s, "affinity"),
                    _flag(s, "disable"),
                    s.options,
                    s.source,
                )
            )
        else:
            line = s.source.line if s.source else None
            warnings.append(
                ParseWarning(path, line, f"unknown HA section type {s.type!r}; kept out of the model")
            )
    return HaConfig(path, origin, tuple(groups), tuple(resources), tuple(rules), tuple(warnings))


def parse_ha_groups(files: Mapping[str, str], path: str) -> HaConfig:
    """Kind `ha-groups`: /etc/pve/ha/groups.cfg."""
    return parse_ha_text(entry_text(files, path, SOURCE), path, "groups")


def parse_ha_resources(files: Mapping[str, str], path: str) -> HaConfig:
    """Kind `ha-resources`: /etc/pve/ha/resources.cfg."""
    return parse_ha_text(entry_text(files, path, SOURCE), path, "resources")


def parse_ha_rules(files: Mapping[str, str], path: str) -> HaConfig:
    """Kind `ha-rules`: /etc/pve/ha/rules.cfg (Proxmox VE 9)."""
    return parse_ha_text(entry_text(files, path, SOURCE), path, "rules")
