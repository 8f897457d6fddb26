"""Parse Proxmox VE API replies (as a snapshot stores them) into netdoc's models; pure, no I/O.

The input is the `data` member of a GET reply as JSON text (api/<path>.json); the full
`{"data": ..., "changes": ...}` reply is accepted too. This module holds the shared reply reading
and /nodes/{node}/network (kind `api-network`), which feeds the same Interface model as the
ifupdown parser ("one model, two sources"). The other endpoints live in pve_api_cluster.py and
pve_api_sdn.py. Evidence: SourceRef("api:<API path>", <1-based item index>), see docs/parsers/pve_api.md.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from netdoc.errors import ParseError
from netdoc.model.base import SourceRef
from netdoc.model.bonding import BOND_MODE_NAMES
from netdoc.model.interfaces import (
    HOOKS,
    Address,
    Comment,
    Interface,
    InterfaceKind,
    InterfacesConfig,
    Option,
    Stanza,
    alias_base,
)
from netdoc.model.pve import ApiInterfaceState, ApiNetwork
from netdoc.model.pveconf import ConfigOption
from netdoc.parsers.ifupdown_merge import declared_kind
from netdoc.parsers.jsonvalues import Item, Warnings, entry_text, load_json, split_words, value_text
from netdoc.parsers.pvetext import redact

Warn = Callable[[str], None]

# Top-level members of a full API reply besides `data`.
_ENVELOPE_KEYS = frozenset({"data", "changes", "errors", "message", "success", "status", "total"})
_NODE_RE = re.compile(r"^/nodes/([^/]+)(?:/|$)")


def api_path_of(path: str) -> str | None:
    """The API path a file stands for: `.../api/nodes/pve1/network.json` -> `/nodes/pve1/network`."""
    p = path.replace("\\", "/")
    if p.startswith("api:"):
        rest = p[4:].strip("/")
        return "/" + rest.removesuffix(".json") if rest else None
    if p.startswith("api/"):
        p = "/" + p
    cut = p.rfind("/api/")
    if cut < 0:
        return None
    rest = p[cut + 5 :].removesuffix(".json").strip("/")
    return "/" + rest if rest else None


def node_of(api_path: str | None) -> str | None:
    m = _NODE_RE.match(api_path or "")
    return m.group(1) if m else None


# API path -> the kind that parses its reply (the snapshot reader and tests use this table).
API_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (r"^/nodes/[^/]+/network(?:/[^/]+)?$", "api-network"),
        (r"^/cluster/status$", "api-cluster-status"),
        (r"^/cluster/config/nodes$", "api-cluster-nodes"),
        (r"^/cluster/config/totem$", "api-totem"),
        (r"^/cluster/resources$", "api-resources"),
        (r"^/nodes$", "api-nodes"),
        (r"^/storage$", "api-storage"),
        (r"^/cluster/sdn/zones$", "api-sdn-zones"),
        (r"^/cluster/sdn/vnets$", "api-sdn-vnets"),
        (r"^/cluster/sdn/vnets/[^/]+/subnets$", "api-sdn-subnets"),
        (r"^/cluster/sdn/controllers$", "api-sdn-controllers"),
        (r"^/cluster/options$", "api-cluster-options"),
        (r"^/nodes/[^/]+/dns$", "api-dns"),
        (r"^/nodes/[^/]+/hosts$", "api-hosts"),
        (r"^(?:/nodes/[^/]+)?/version$", "api-version"),
    )
)


def kind_for_api_path(api_path: str) -> str | None:
    """The kind for an API path (`/nodes/pve1/network` -> `api-network`), None when netdoc has none."""
    path = "/" + api_path.split("?", 1)[0].strip("/")
    return next((kind for pattern, kind in API_KINDS if pattern.match(path)), None)


@dataclass
class ApiReply:
    """One decoded reply: where it came from, its data and the envelope members beside `data`."""

    source: str  # the kind
    path: str  # the input path as given
    evidence: str  # "api:<API path>" when recognisable, else the input path
    api_path: str | None
    node: str | None
    data: Any
    envelope: dict[str, Any] = field(default_factory=dict)
    warnings: Warnings = field(default_factory=lambda: Warnings(""))

    def ref(self, index: int) -> SourceRef:
        return SourceRef(self.evidence, index + 1)

    def items(self) -> list[tuple[int, Item]]:
        """The reply's array items that are objects, each as an Item; other items are warned about."""
        out: list[tuple[int, Item]] = []
        for index, raw in enumerate(self.data):
            if not isinstance(raw, dict):
                self.warnings.add(index + 1, f"item {index + 1} is not an object; skipped")
                continue
            out.append((index, Item(raw, self.warnings.at(index + 1))))
        return out


def read_reply(files: Mapping[str, str], path: str, source: str, expect: type | tuple[type, ...]) -> ApiReply:
    """Decode an API reply, unwrap a full `{"data": ...}` reply, and check the data's JSON type."""
    value = load_json(entry_text(files, path, source), path, source)
    api_path = api_path_of(path)
    evidence = f"api:{api_path}" if api_path else path
    data, envelope = _unwrap(value, expect, source, path)
    if not isinstance(data, expect):
        want = (
            "an array of items" if expect is list else "an object" if expect is dict else "an array or object"
        )
        raise ParseError(f"expected {want}, got {_json_type(data)}", source=source, path=path)
    warnings = Warnings(evidence)
    return ApiReply(source, path, evidence, api_path, node_of(api_path), data, envelope, warnings)


def _unwrap(
    value: Any, expect: type | tuple[type, ...], source: str, path: str
) -> tuple[Any, dict[str, Any]]:
    if isinstance(value, dict) and "data" in value and set(value) <= _ENVELOPE_KEYS:
        inner = value["data"]
        if inner is None:
            message = value_text(value.get("message") or "").strip()
            errors = value.get("errors")
            detail = f"; {value_text(errors)}" if errors else ""
            reason = f"the API answered with an error: {message or 'no data'}{detail}"
            raise ParseError(reason, source=source, path=path)
        if isinstance(inner, expect):
            return inner, {k: v for k, v in value.items() if k != "data"}
    return value, {}


# Property-string keys written first, as Proxmox writes them (`type=secure,network=...`).
_FIRST_KEYS = {"type": 0, "start-address": 1, "end-address": 2}


def option_text(value: Any) -> str:
    """An API value as its config file writes it: objects as property strings (`type` first),
    arrays comma-joined, booleans 1/0."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (_FIRST_KEYS.get(str(k), len(_FIRST_KEYS)), str(k)))
        return ",".join(f"{k}={value_text(value[k])}" for k in keys)
    if isinstance(value, list):
        return ",".join(option_text(v) for v in value)
    return value_text(value)


def config_options(
    data: Mapping[str, Any], ref: SourceRef, skip: Collection[str] = ()
) -> tuple[ConfigOption, ...]:
    """Every key of an API object as the file's `key value` lines (sorted by key; an array of
    objects gives one line per element, as array properties such as dhcp-range repeat in the file).
    Secrets are redacted exactly as the file parsers do."""
    out: list[ConfigOption] = []
    for key in sorted(k for k in data if isinstance(k, str) and k not in skip):
        value = data[key]
        if value is None or value == []:
            continue  # nothing the file would write
        values = value if isinstance(value, list) and any(isinstance(v, dict) for v in value) else [value]
        for one in values:
            shown, redacted = redact(key, option_text(one))
            out.append(ConfigOption(key, shown, ref, redacted))
    return tuple(out)


def _json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null"


# ------------------------------------------------------------------------------- /nodes/{node}/network

KIND_NETWORK = "api-network"

# Proxmox's `type` -> netdoc's InterfaceKind (ApiInterfaceState.api_type keeps the exact type). vnet
# is a Linux bridge made by SDN; dummy is `link-type dummy`. Proxmox has no type for VRFs, veths,
# macvlans or alias labels such as `lo:ospf` and reports them as `unknown` (an SDN fabric's
# interface as `fabric`). An item of such a type gets the kind its name or options declare, by the
# ifupdown parser's rules (`alias_base`, `declared_kind`), else stays unknown.
_KINDS: dict[str, InterfaceKind] = {
    "eth": InterfaceKind.PHYSICAL,
    "bridge": InterfaceKind.BRIDGE,
    "vnet": InterfaceKind.BRIDGE,
    "bond": InterfaceKind.BOND,
    "vlan": InterfaceKind.VLAN,
    "alias": InterfaceKind.ALIAS,
    "OVSBridge": InterfaceKind.OVS_BRIDGE,
    "OVSBond": InterfaceKind.OVS_BOND,
    "OVSPort": InterfaceKind.OVS_PORT,
    "OVSIntPort": InterfaceKind.OVS_INTPORT,
    "vxlan": InterfaceKind.VXLAN,
    "loopback": InterfaceKind.LOOPBACK,
    "dummy": InterfaceKind.DUMMY,
}
# Keys that describe the item rather than a line of the stanza: never turned into options.
_META_KEYS = frozenset(
    {"iface", "type", "families", "method", "method6", "priority", "active", "exists", "autostart",
     "altnames", "comments", "comments6", "options", "options6"}
)  # fmt: skip
_ADDRESS_KEYS = frozenset({"address", "netmask", "cidr", "address6", "netmask6", "cidr6"})
_VLAN_NAME_RE = re.compile(r"^(?P<dev>.+)\.(?P<vid>\d{1,4})$", re.ASCII)
_VLANN_RE = re.compile(r"^vlan(?P<vid>\d{1,4})$", re.ASCII)
_IFACE_PATH_RE = re.compile(r"^/nodes/[^/]+/network/([^/]+)$")
_DIGITS = re.compile(r"^\d{1,9}$", re.ASCII)


def parse_api_network(files: Mapping[str, str], path: str) -> ApiNetwork:
    """GET /nodes/{node}/network (or /network/{iface}) -> configured interfaces + API state."""
    reply = read_reply(files, path, KIND_NETWORK, (list, dict))
    if isinstance(reply.data, dict):  # GET /nodes/{node}/network/{iface}: one object, without `iface`
        if not ("type" in reply.data or "iface" in reply.data or _IFACE_PATH_RE.match(reply.api_path or "")):
            raise ParseError("expected an array of interfaces, got an object", source=KIND_NETWORK, path=path)
        reply.data = [reply.data]
    single = _single_iface_name(reply)
    rows: list[tuple[int, int, Interface, ApiInterfaceState]] = []
    seen: set[str] = set()
    for index, first in reply.items():
        name = first.text("iface") or single
        if not name:
            reply.warnings.add(index + 1, f"item {index + 1} has no `iface`; skipped")
            continue
        if name in seen:
            reply.warnings.add(index + 1, f"{name}: listed twice; the later entry is skipped")
            continue
        seen.add(name)
        item = Item(first.data, reply.warnings.at(index + 1, f"{name}: "))  # warnings name the interface
        item.used.add("iface")
        iface, state = _interface(item, name, reply.ref(index), reply.warnings.at(index + 1, f"{name}: "))
        order = state.priority if state.priority is not None else 1 << 30
        rows.append((order, index, iface, state))
    rows.sort(key=lambda r: (r[0], r[1]))
    changes = reply.envelope.get("changes")
    config = InterfacesConfig(
        entry=reply.evidence,
        files=(reply.evidence,),
        interfaces=_with_vrf_members([r[2] for r in rows]),
        warnings=reply.warnings.freeze(),
    )
    return ApiNetwork(
        node=reply.node,
        config=config,
        states=tuple(r[3] for r in rows),
        changes=None if changes is None else value_text(changes),
    )


def _with_vrf_members(ifaces: list[Interface]) -> tuple[Interface, ...]:
    """A VRF's members are the interfaces that name it with `vrf` (as the ifupdown parser adds them)."""
    slaves: dict[str, list[str]] = {}
    for iface in ifaces:
        if iface.vrf is not None and iface.kind is not InterfaceKind.VRF:
            slaves.setdefault(iface.vrf, []).append(iface.name)
    return tuple(
        replace(i, members=tuple(dict.fromkeys(i.members + tuple(slaves[i.name]))))
        if i.kind is InterfaceKind.VRF and i.name in slaves
        else i
        for i in ifaces
    )


def _single_iface_name(reply: ApiReply) -> str | None:
    """For /nodes/{node}/network/{iface} the name is only in the path."""
    m = _IFACE_PATH_RE.match(reply.api_path or "")
    return m.group(1) if m and len(reply.data) == 1 else None


def _interface(item: Item, name: str, ref: SourceRef, warn: Warn) -> tuple[Interface, ApiInterfaceState]:
    api_type = item.text("type")
    if api_type is None:
        warn("no `type`; kind unknown")
    kind = _KINDS.get(api_type or "", InterfaceKind.UNKNOWN)
    if name == "lo":
        kind = InterfaceKind.LOOPBACK
    families = item.words("families")
    method, method6 = item.text("method"), item.text("method6")
    # Proxmox reports method/method6 "manual" even without a stanza of that family: keep a method
    # only for the families the file declares, as the ifupdown parser does.
    if families:
        method = method if "inet" in families else None
        method6 = method6 if "inet6" in families else None
    stanzas = tuple(
        Stanza(family=f, method=method if f == "inet" else method6 if f == "inet6" else None, source=ref)
        for f in families
    )
    addresses = _addresses(item, "", ref, warn) + _addresses(item, "6", ref, warn)
    options, hooks = _options(item, addresses, ref, warn)
    first: dict[str, str] = {}
    for option in options:
        first.setdefault(option.name, option.value)

    def word(key: str) -> str | None:
        words = first.get(key, "").split()
        return words[0] if words else None

    if kind is InterfaceKind.UNKNOWN:
        kind = InterfaceKind.ALIAS if alias_base(name) else declared_kind(first.get) or kind
    vlan_id, raw_device = item.integer("vlan-id"), item.text("vlan-raw-device")
    if kind is InterfaceKind.VLAN and (vlan_id is None or raw_device is None):
        m = _VLAN_NAME_RE.match(name)
        if m:
            vlan_id = vlan_id if vlan_id is not None else int(m["vid"])
            raw_device = raw_device or m["dev"]
        elif (mv := _VLANN_RE.match(name)) and vlan_id is None:
            vlan_id = int(mv["vid"])
    bond_mode, ovs = _bond_and_ovs(item, warn)
    members: list[str] = []
    for key in ("bridge_ports", "slaves", "ovs_ports", "ovs_bonds"):
        members += [m for m in item.words(key) if m != "none" and m not in members]
    iface = Interface(
        name=name,
        kind=kind,
        auto=item.flag("autostart"),
        stanzas=stanzas,
        method=method,
        method6=method6,
        addresses=addresses,
        gateway=item.text("gateway"),
        gateway6=item.text("gateway6"),
        mtu=item.integer("mtu"),
        members=tuple(members),
        master=item.text("ovs_bridge"),
        parent=_parent(kind, name, raw_device, word),
        peer=word("veth-peer-name"),
        vrf=word("vrf"),
        vrf_table=first.get("vrf-table"),
        vlan_id=vlan_id,
        vlan_raw_device=raw_device,
        vlan_protocol=item.text("vlan-protocol"),
        bridge_vlan_aware=item.flag("bridge_vlan_aware"),
        bridge_vids=item.words("bridge_vids"),
        bond_mode=bond_mode,
        ovs_type=item.text("ovs_type"),
        ovs_bridge=item.text("ovs_bridge"),
        ovs_options=ovs["options"],
        ovs_tag=ovs["tag"],
        ovs_trunks=ovs["trunks"],
        ovs_lacp=ovs["lacp"],
        hooks=hooks,
        options=options,
        comments=_comments(item, ref),
        source=ref,
    )
    state = ApiInterfaceState(
        name=name,
        api_type=api_type,
        priority=item.integer("priority"),
        active=item.flag("active"),
        exists=item.flag("exists"),
        altnames=item.strings("altnames"),
        source=ref,
    )
    return iface, state


def _parent(
    kind: InterfaceKind, name: str, raw_device: str | None, word: Callable[[str], str | None]
) -> str | None:
    """What the interface is built on, as the ifupdown parser says it (see Interface.parent)."""
    if kind is InterfaceKind.ALIAS:
        return alias_base(name)
    if kind is InterfaceKind.VLAN:
        return raw_device
    if kind is InterfaceKind.MACVLAN:
        return word("macvlan-physdev")
    if kind is InterfaceKind.VXLAN:
        return word("vxlan-physdev")
    return None


def _addresses(item: Item, six: str, ref: SourceRef, warn: Warn) -> tuple[Address, ...]:
    """address+netmask or cidr (or their `6` forms) -> one Address, host part kept."""
    cidr, address, netmask = item.text("cidr" + six), item.text("address" + six), item.text("netmask" + six)
    found: ipaddress.IPv4Interface | ipaddress.IPv6Interface | None = None
    given = True
    if cidr:
        found = _interface_of(cidr, warn, "cidr" + six)
        given = "/" in cidr
    if address:
        from_address = _interface_of(_with_mask(address, netmask), warn, "address" + six)
        if found is None:
            found, given = from_address, bool(netmask) or "/" in address
        elif from_address is not None and from_address.ip != found.ip:
            warn(f"address{six} {address} differs from cidr{six} {cidr}; cidr{six} kept")
    elif netmask and not cidr:
        warn(f"netmask{six} {netmask} without address{six}; ignored")
    if found is None:
        return ()
    family = "inet" if found.version == 4 else "inet6"
    return (Address(cidr=str(found), family=family, prefix_given=given, source=ref),)


def _with_mask(address: str, netmask: str | None) -> str:
    if "/" in address or not netmask:
        return address
    return f"{address}/{netmask.strip()}"  # ipaddress accepts a prefix length or a dotted mask


def _interface_of(
    text: str, warn: Warn, key: str
) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface | None:
    try:
        return ipaddress.ip_interface(text.strip())
    except ValueError:
        warn(f"{key}: {text!r} is not an IP address; ignored")
        return None


def _bond_and_ovs(item: Item, warn: Warn) -> tuple[str | None, dict[str, Any]]:
    """bond_mode by name; OVS bond mode, LACP, tag and trunks (Proxmox moves these out of ovs_options)."""
    mode = item.text("bond_mode")
    if mode is not None and _DIGITS.match(mode):
        number = int(mode)
        if number < len(BOND_MODE_NAMES):
            mode = BOND_MODE_NAMES[number]
        else:
            warn(f"bond_mode {mode} is not a known mode number")
    options = item.text("ovs_options")
    settings: dict[str, str] = {}
    for word in (options or "").split():
        key, eq, value = word.partition("=")
        if eq:
            settings[key] = value
    lacp: str | None = settings.get("lacp")
    if mode is None and "bond_mode" in settings:
        mode = settings["bond_mode"]
    if mode in ("lacp-balance-slb", "lacp-balance-tcp"):  # Proxmox's names for an OVS bond with LACP
        mode, lacp = mode.removeprefix("lacp-"), lacp or "active"
    tag = item.integer("ovs_tag")
    if tag is None and _DIGITS.match(settings.get("tag", "")):
        tag = int(settings["tag"])
    trunks: list[int] = []
    for word in split_words(settings.get("trunks", "")):
        if _DIGITS.match(word):
            trunks.append(int(word))
        else:
            warn(f"ovs_options trunks: {word!r} is not a VLAN number; ignored")
    return mode, {"options": options, "lacp": lacp, "tag": tag, "trunks": tuple(trunks)}


def _options(item: Item, addresses: tuple[Address, ...], ref: SourceRef, warn: Warn) -> tuple[
    tuple[Option, ...], tuple[Option, ...]
]:  # fmt: skip
    """The stanza lines the reply stands for: one per key (dashed name, API spelling), then the
    `options`/`options6` lines verbatim. Interface-wide keys carry no family (the API does not say)."""
    options: list[Option] = []
    for address in addresses:
        six = "6" if address.family == "inet6" else ""
        spelled = "cidr" + six if item.has("cidr" + six) else "address" + six
        options.append(Option("address", address.cidr, spelled, address.family, ref))
    for key in sorted(k for k in item.data if isinstance(k, str)):
        if key in _META_KEYS or key in _ADDRESS_KEYS:
            continue
        value = item.data[key]
        # lists are joined as the file writes them; objects (never sent by Proxmox) stay JSON text
        text = " ".join(value_text(v) for v in value) if isinstance(value, list) else value_text(value)
        family = "inet6" if key == "gateway6" else "inet" if key == "gateway" else None
        name = "gateway" if key == "gateway6" else key.replace("_", "-")  # an inet6 stanza's `gateway`
        options.append(Option(name, text, key, family, ref))
    hooks: list[Option] = []
    for key, family in (("options", "inet"), ("options6", "inet6")):
        for line in item.strings(key):
            spelled, _, rest = line.strip().partition(" ")
            if not spelled:
                continue
            option = Option(spelled.replace("_", "-"), rest.strip(), spelled, family, ref)
            options.append(option)
            if option.name in HOOKS:
                hooks.append(option)
    return tuple(options), tuple(hooks)


def _comments(item: Item, ref: SourceRef) -> tuple[Comment, ...]:
    """`comments` (and `comments6`): one line per comment line, as Proxmox shows them."""
    out: list[Comment] = []
    for key in ("comments", "comments6"):
        text = item.text(key)
        if text:
            out += [Comment(text=line, source=ref) for line in text.splitlines()]
    return tuple(out)
