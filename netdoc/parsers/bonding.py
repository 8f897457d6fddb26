"""Parse /proc/net/bonding/<bond> (every kernel from 2.6 to 6.x) into a `BondStatus`.

The same keys (MII Status, Aggregator ID, system priority) appear at bond level, in the 802.3ad
block and per slave, so lines are assigned by position: the current scope (bond, slave) and
sub-block (active aggregator, actor or partner LACP PDU). Keys that belong to one scope only are
accepted in any order. Lines missing from older kernels or unprivileged reads stay None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from netdoc.errors import ParseError
from netdoc.model.base import ParseWarning, SourceRef
from netdoc.model.bonding import (
    BOND_MODES,
    ActiveAggregator,
    BondSlave,
    BondStatus,
    LacpInfo,
    LacpPdu,
    lacp_state_flags,
)

SOURCE = "bonding"

# The key ends at the first colon followed by a blank or the end ("NS IPv6 target/s (xx::xx form):");
# a value may hold colons (MACs, IPv6). `_KV_TIGHT` takes "Speed:1000 Mbps" too.
_KV = re.compile(r"^(?P<key>[^:]+(?::(?!\s|$)[^:]*)*?)\s*:(?:\s+(?P<value>.*?))?\s*$")
_KV_TIGHT = re.compile(r"^(?P<key>[^:]+?)\s*:\s*(?P<value>.*?)\s*$")
_HEADER = re.compile(r"^v?(?P<version>[^\s(]+)?\s*(?:\((?P<date>[^)]*)\))?")
_NO_AGGREGATOR = re.compile(r"^bond\s+(?P<bond>\S+)\s+has no active aggregator$", re.IGNORECASE)
_FAIL_OVER_MAC = re.compile(r"\s*\(fail_over_mac\s+(?P<value>[^)]*)\)")
_POLICY = re.compile(r"^(?P<name>\S+)(?:\s*\((?P<number>-?\d+)\))?$")
_PRIMARY = re.compile(r"^(?P<name>\S+)(?:\s*\(primary_reselect\s+(?P<reselect>[^)]*)\))?$")
_SPEED = re.compile(r"^(?P<speed>\d+)\s*(?:Mbps)?$", re.IGNORECASE)
_INT = re.compile(r"^[+-]?\d+$")

# Lower-cased key -> field, per scope. Keys in SLAVE_KEYS win inside a slave block; BOND_KEYS,
# LACP_KEYS and AGGREGATOR_KEYS are accepted anywhere (they exist at bond level only).
BOND_KEYS = {
    "ethernet channel bonding driver": "driver",
    "bonding mode": "mode",
    "transmit hash policy": "transmit_hash_policy",
    "primary slave": "primary_slave",
    "currently active slave": "currently_active_slave",
    "mii status": "mii_status",
    "mii polling interval (ms)": "miimon_ms",
    "up delay (ms)": "updelay_ms",
    "down delay (ms)": "downdelay_ms",
    "peer notification delay (ms)": "peer_notif_delay_ms",
    "arp polling interval (ms)": "arp_interval_ms",
    "arp missed max": "arp_missed_max",
    "arp ip target/s (n.n.n.n form)": "arp_ip_targets",
    "ns ipv6 target/s (xx::xx form)": "ns_ip6_targets",
}
LACP_KEYS = {
    "lacp active": "lacp_active",
    "lacp rate": "lacp_rate",
    "min links": "min_links",
    "aggregator selection policy (ad_select)": "ad_select",
    "system priority": "system_priority",
    "system mac address": "system_mac",
}
AGGREGATOR_KEYS = {
    "aggregator id": "aggregator_id",
    "number of ports": "number_of_ports",
    "actor key": "actor_key",
    "partner key": "partner_key",
    "partner mac address": "partner_mac",
}
SLAVE_KEYS = {
    "mii status": "mii_status",
    "speed": "speed_mbps",
    "duplex": "duplex",
    "link failure count": "link_failure_count",
    "permanent hw addr": "permanent_hw_addr",
    "slave queue id": "queue_id",
    "aggregator id": "aggregator_id",
    "actor churn state": "actor_churn_state",
    "partner churn state": "partner_churn_state",
    "actor churned count": "actor_churned_count",
    "partner churned count": "partner_churned_count",
}
PDU_KEYS = {
    "system priority": "system_priority",
    "system mac address": "system_mac",
    "port key": "port_key",
    "oper key": "port_key",
    "port priority": "port_priority",
    "port number": "port_number",
    "port state": "port_state",
}
INT_FIELDS = {
    "miimon_ms",
    "updelay_ms",
    "downdelay_ms",
    "peer_notif_delay_ms",
    "arp_interval_ms",
    "arp_missed_max",
    "min_links",
    "system_priority",
    "aggregator_id",
    "number_of_ports",
    "actor_key",
    "partner_key",
    "link_failure_count",
    "queue_id",
    "actor_churned_count",
    "partner_churned_count",
    "port_key",
    "port_priority",
    "port_number",
    "port_state",
}
MAC_FIELDS = {"system_mac", "partner_mac", "permanent_hw_addr"}
LOWER_FIELDS = {
    "mii_status",
    "lacp_rate",
    "ad_select",
    "duplex",
    "actor_churn_state",
    "partner_churn_state",
}


class _Block:
    """Fields collected for one model object, with the line that opened it."""

    def __init__(self, line: int | None) -> None:
        self.fields: dict[str, Any] = {}
        self.extra: list[tuple[str, str]] = []
        self.line = line


class _Parser:
    def __init__(self, path: str) -> None:
        self.path = path
        self.warnings: list[ParseWarning] = []
        self.bond = _Block(None)
        self.lacp: _Block | None = None
        self.aggregator: _Block | None = None
        self.slaves: list[tuple[str, _Block, dict[str, _Block]]] = []
        self.sub: str | None = None  # "aggregator" | "actor" | "partner" | None
        self.recognised = 0
        self.first_line: int | None = None

    # -------------------------------------------------------------------- helpers

    def warn(self, line: int, message: str, text: str = "") -> None:
        self.warnings.append(ParseWarning(self.path, line, message, text))

    def _lacp(self, line: int) -> _Block:
        if self.lacp is None:
            self.lacp = _Block(line)
        return self.lacp

    def _set(self, block: _Block, name: str, value: Any, line: int, text: str) -> None:
        if value is None and name in block.fields:
            return
        if name in block.fields:
            self.warn(line, f"repeated line ({name}); the first value is kept", text)
            return
        block.fields[name] = value

    def _value(self, name: str, raw: str, line: int, text: str) -> Any:
        """Convert one value by its field's type; a value that does not fit is a warning and None."""
        if name in INT_FIELDS:
            if _INT.match(raw):
                return int(raw)
            self.warn(line, f"{name}: not a number", text)
            return None
        if name in MAC_FIELDS:
            return raw.lower() or None
        if name in LOWER_FIELDS:
            return raw.lower() or None
        return raw

    # -------------------------------------------------------------------- lines

    def feed(self, lineno: int, text: str) -> None:
        stripped = text.strip()
        if not stripped:
            return
        if self.first_line is None:
            self.first_line = lineno
        if stripped.lower() == "802.3ad info":
            self.recognised += 1
            self._lacp(lineno)
            self.sub = None
            return
        m_none = _NO_AGGREGATOR.match(stripped)
        if m_none:
            self.recognised += 1
            self._set(self._lacp(lineno), "has_active_aggregator", False, lineno, text)
            return
        m = _KV.match(stripped) or _KV_TIGHT.match(stripped)
        if not m:
            self.warn(lineno, "line without `key: value`, skipped", text)
            return
        key, value = m["key"], m["value"] or ""
        lkey = " ".join(key.lower().split())
        if lkey == "slave interface":
            self.recognised += 1
            self.sub = None
            if not value:
                self.warn(lineno, "Slave Interface without a name", text)
            self.slaves.append((value, _Block(lineno), {}))
            return
        if lkey == "active aggregator info":
            self.recognised += 1
            self.sub = "aggregator"
            self.aggregator = self.aggregator or _Block(lineno)
            self._set(self._lacp(lineno), "has_active_aggregator", True, lineno, text)
            return
        if lkey in ("details actor lacp pdu", "details partner lacp pdu"):
            self.recognised += 1
            if not self.slaves:
                self.warn(lineno, "LACP PDU details before any Slave Interface line, skipped", text)
                self.sub = None
                return
            self.sub = lkey.split()[1]
            _, _, pdus = self.slaves[-1]
            if self.sub in pdus:
                self.warn(lineno, f"repeated details {self.sub} lacp pdu block", text)
            pdus.setdefault(self.sub, _Block(lineno))
            return
        self._key_value(lineno, text, key, lkey, value)

    def _key_value(self, lineno: int, text: str, key: str, lkey: str, value: str) -> None:
        in_slave = bool(self.slaves)
        # 1. inside a details block, its lower-case keys
        if self.sub in ("actor", "partner") and lkey in PDU_KEYS:
            _, _, pdus = self.slaves[-1]
            name = PDU_KEYS[lkey]
            self._set(pdus[self.sub], name, self._value(name, value, lineno, text), lineno, text)
            self.recognised += 1
            return
        if self.sub in ("actor", "partner"):
            self.sub = None
        # 2. the active aggregator block: its keys exist at bond level only, except Aggregator ID,
        #    which a slave has too (a bare one before any slave starts a file cut mid-slave)
        if lkey in AGGREGATOR_KEYS and (
            self.sub == "aggregator" or lkey != "aggregator id" or (not in_slave and text[:1].isspace())
        ):
            self.aggregator = self.aggregator or _Block(lineno)
            name = AGGREGATOR_KEYS[lkey]
            self._set(self.aggregator, name, self._value(name, value, lineno, text), lineno, text)
            self.recognised += 1
            return
        if self.sub == "aggregator":
            self.sub = None
        # 3. a slave's own keys, inside a slave block
        if in_slave and lkey in SLAVE_KEYS:
            self._slave_key(lineno, text, lkey, value)
            self.recognised += 1
            return
        # 4. bond-level keys, accepted anywhere
        if lkey in BOND_KEYS:
            self._bond_key(lineno, text, BOND_KEYS[lkey], value)
            self.recognised += 1
            return
        if lkey in LACP_KEYS and (key[:1].isupper() or not in_slave):
            name = LACP_KEYS[lkey]
            lacp = self._lacp(lineno)
            if name == "lacp_active":
                val: Any = {"on": True, "off": False}.get(value.lower())
                if val is None:
                    self.warn(lineno, "LACP active: expected on or off", text)
            else:
                val = self._value(name, value, lineno, text)
            self._set(lacp, name, val, lineno, text)
            self.recognised += 1
            return
        if lkey in SLAVE_KEYS or lkey in PDU_KEYS:
            self.recognised += 1  # a bonding line, out of place (a file cut mid-slave)
            where = "before any Slave Interface line" if not in_slave else "outside a details block"
            self.warn(lineno, f"{key}: {where}; kept as an unknown line", text)
        else:
            self.warn(lineno, f"unknown line {key!r}; kept verbatim", text)
        block = self.slaves[-1][1] if in_slave else self.bond
        block.extra.append((key, value))

    def _slave_key(self, lineno: int, text: str, lkey: str, value: str) -> None:
        _, slave, _ = self.slaves[-1]
        name = SLAVE_KEYS[lkey]
        if name == "speed_mbps":
            m = _SPEED.match(value)
            if m:
                self._set(slave, name, int(m["speed"]), lineno, text)
            elif value.lower() != "unknown":
                self.warn(lineno, "Speed: expected `<n> Mbps` or `Unknown`", text)
            return
        if name == "aggregator_id":
            if value.upper() == "N/A":
                self._set(slave, "has_aggregator", False, lineno, text)
                return
            agg = self._value(name, value, lineno, text)
            if agg is not None:
                self._set(slave, "has_aggregator", True, lineno, text)
                self._set(slave, name, agg, lineno, text)
            return
        self._set(slave, name, self._value(name, value, lineno, text), lineno, text)

    def _bond_key(self, lineno: int, text: str, name: str, value: str) -> None:
        bond = self.bond
        if name == "driver":
            m = _HEADER.match(value)
            self._set(bond, "driver_version", m["version"] if m else None, lineno, text)
            self._set(bond, "driver_date", (m["date"] or "").strip() or None if m else None, lineno, text)
            return
        if name == "mode":
            self._mode(lineno, text, value)
            return
        if name == "transmit_hash_policy":
            m = _POLICY.match(value)
            if not m:
                self.warn(lineno, "Transmit Hash Policy: expected `<policy> (<n>)`", text)
                return
            self._set(bond, name, m["name"], lineno, text)
            if m["number"] is not None:
                self._set(bond, "transmit_hash_policy_number", int(m["number"]), lineno, text)
            return
        if name == "primary_slave":
            m = _PRIMARY.match(value)
            if not m:
                self.warn(lineno, "Primary Slave: expected `<ifname> [(primary_reselect <x>)]`", text)
                return
            self._set(bond, name, None if m["name"] == "None" else m["name"], lineno, text)
            if m["reselect"]:
                self._set(bond, "primary_reselect", m["reselect"].strip(), lineno, text)
            return
        if name == "currently_active_slave":
            self._set(bond, name, None if value in ("None", "") else value, lineno, text)
            return
        if name in ("arp_ip_targets", "ns_ip6_targets"):
            targets = tuple(t.strip() for t in value.split(",") if t.strip())
            self._set(bond, name, targets, lineno, text)
            return
        self._set(bond, name, self._value(name, value, lineno, text), lineno, text)

    def _mode(self, lineno: int, text: str, value: str) -> None:
        bond = self.bond
        m = _FAIL_OVER_MAC.search(value)
        if m:
            self._set(bond, "fail_over_mac", m["value"].strip(), lineno, text)
            value = (value[: m.start()] + value[m.end() :]).strip()
        self._set(bond, "mode_text", value, lineno, text)
        known = BOND_MODES.get(value)
        if known is None:
            # Tolerate text after the kernel's words (annotations pasted into captures).
            for words in sorted(BOND_MODES, key=len, reverse=True):
                if value.lower().startswith(words.lower()):
                    known = BOND_MODES[words]
                    self.warn(lineno, "text after the bonding mode ignored", text)
                    break
        if known is None:
            if value != "unknown":
                self.warn(lineno, f"unknown bonding mode {value!r}", text)
            return
        self._set(bond, "mode_number", known[0], lineno, text)
        self._set(bond, "mode", known[1], lineno, text)

    # -------------------------------------------------------------------- result

    def _ref(self, line: int | None) -> SourceRef | None:
        return SourceRef(self.path, line) if line is not None else None

    def _pdu(self, block: _Block | None) -> LacpPdu | None:
        if block is None:
            return None
        f = block.fields
        return LacpPdu(
            **f, port_state_flags=lacp_state_flags(f.get("port_state")), source=self._ref(block.line)
        )

    def result(self) -> BondStatus:
        lacp = None
        if self.lacp is not None or self.aggregator is not None:
            lacp_block = self.lacp or _Block(self.aggregator.line if self.aggregator else None)
            aggregator = None
            if self.aggregator is not None:
                aggregator = ActiveAggregator(
                    **self.aggregator.fields, source=self._ref(self.aggregator.line)
                )
                lacp_block.fields.setdefault("has_active_aggregator", True)
            lacp = LacpInfo(
                **lacp_block.fields, active_aggregator=aggregator, source=self._ref(lacp_block.line)
            )
        slaves = tuple(
            BondSlave(
                name=name,
                **block.fields,
                actor_lacp_pdu=self._pdu(pdus.get("actor")),
                partner_lacp_pdu=self._pdu(pdus.get("partner")),
                extra=tuple(block.extra),
                source=self._ref(block.line),
            )
            for name, block, pdus in self.slaves
        )
        return BondStatus(
            name=PurePosixPath(self.path.replace("\\", "/")).name or self.path,
            path=self.path,
            **self.bond.fields,
            lacp=lacp,
            slaves=slaves,
            extra=tuple(self.bond.extra),
            source=self._ref(self.first_line),
            warnings=tuple(self.warnings),
        )


def parse_bonding_text(text: str, path: str) -> BondStatus:
    """Parse the text of one /proc/net/bonding/<bond> file; `path` names the bond and the evidence."""
    parser = _Parser(path)
    for lineno, line in enumerate(text.split("\n"), start=1):
        parser.feed(lineno, line.rstrip("\r"))
    if parser.recognised == 0:
        first = next((ln for ln in text.split("\n") if ln.strip()), "")
        raise ParseError(
            "not a /proc/net/bonding file: no bonding line found" if first else "empty file",
            source=SOURCE,
            path=path,
            line=parser.first_line,
            text=first,
        )
    return parser.result()


def parse_bonding(files: Mapping[str, str], path: str) -> BondStatus:
    """The `bonding` kind: `files[path]` is /proc/net/bonding/<bond>."""
    try:
        text = files[path]
    except KeyError:
        raise ParseError("file not given", source=SOURCE, path=path) from None
    return parse_bonding_text(text, path)
