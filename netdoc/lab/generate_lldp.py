"""LLDP neighbours (`lldpctl -f json0`) and the NAT table (`iptables-save -t nat`) of a node.

json0 is lldpd's stable shape (lldpcli.8, tests/integration/test_lldpcli.py): every level a list of
objects, scalars wrapped as [{"value": ...}], `name` kept as a field. A neighbour is a switch of the
definition (port id subtype ifname) or another node running lldpd (port id subtype mac, port descr
its NIC name). The NAT table is what the post-up hooks of the interfaces file leave in the kernel,
normalised as iptables-save prints rules (`-m tcp`, `--to-destination`, quotes gone).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable
from typing import Any

from netdoc.lab import ids
from netdoc.lab.devices import ClusterCtx
from netdoc.lab.generate_ifupdown import node_stanzas
from netdoc.lab.generate_pve import host_address
from netdoc.lab.schema import Cluster, Node

LINUX_DESCR = "Debian GNU/Linux {debian} Linux {kernel} #1 SMP PREEMPT_DYNAMIC PMX {kernel} x86_64"
CHAINS = ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING")


def _v(value: str) -> list[dict[str, str]]:
    return [{"value": value}]


def debian_release(pve_version: str) -> str:
    return {"6": "10 (buster)", "7": "11 (bullseye)", "8": "12 (bookworm)"}.get(
        pve_version.split(".", maxsplit=1)[0], "13 (trixie)"
    )


def lldp_json0(ctx: ClusterCtx, node: Node) -> str | None:
    """`lldpctl -f json0` of a node, or None when no NIC has an LLDP neighbour (no lldpd there)."""
    cluster = ctx.cluster
    neighbours = [n for n in node.nics if n.lldp]
    if not neighbours:
        return None
    interfaces = []
    for rid, nic in enumerate(neighbours, start=1):
        nb = nic.lldp
        assert nb is not None
        switch = next((s for s in cluster.switches if s.name == nb.switch), None)
        age = ids.number(ctx.seed, cluster.name, node.name, nic.name, "age", modulo=86400)
        entry: dict[str, Any] = {
            "name": nic.name,
            "via": "LLDP",
            "rid": str(rid),
            "age": f"{age // 86400} day, {age // 3600 % 24:02d}:{age // 60 % 60:02d}:{age % 60:02d}",
        }
        if switch is not None:
            mac = (switch.mac or ids.nic_mac(0, "switch", cluster.name, switch.name)).lower()
            chassis: dict[str, Any] = {
                "id": [{"type": "mac", "value": mac}],
                "name": _v(switch.name),
                "descr": _v(switch.descr),
            }
            if switch.mgmt_ip:
                chassis["mgmt-ip"] = _v(switch.mgmt_ip)
            chassis["capability"] = [
                {"type": cap, "enabled": cap in switch.capabilities} for cap in ("Bridge", "Router")
            ]
            port: dict[str, Any] = {"id": [{"type": "ifname", "value": nb.port}]}
            if nb.port_descr:
                port["descr"] = _v(nb.port_descr)
        else:
            peer = ctx.nodes[nb.switch]
            peer_macs = ctx.nic_macs[peer.name]
            first = next(iter(peer_macs.values()), "00:00:00:00:00:00")
            descr = LINUX_DESCR.format(
                debian=debian_release(cluster.pve_version).split()[0], kernel=cluster.kernel
            )
            chassis = {
                "id": [{"type": "mac", "value": first}],
                "name": _v(f"{peer.name}.{cluster.dns.search}"),
                "descr": _v(descr),
                "mgmt-ip": _v(host_address(cluster, peer.name)),
                "capability": [
                    {"type": "Bridge", "enabled": bool(peer.bridges or peer.ovs_bridges)},
                    {"type": "Router", "enabled": False},
                    {"type": "Wlan", "enabled": False},
                    {"type": "Station", "enabled": False},
                ],
            }
            port = {
                "id": [{"type": "mac", "value": peer_macs.get(nb.port, "00:00:00:00:00:00")}],
                "descr": _v(nb.port),
            }
        port["ttl"] = _v("120")
        entry["chassis"] = [chassis]
        entry["port"] = [port]
        if nb.vlans:
            entry["vlan"] = [
                {"vlan-id": str(v), "pvid": v == nb.pvid, "value": f"vlan-{v}"} for v in nb.vlans
            ]
        interfaces.append(entry)
    return json.dumps({"lldp": [{"interface": interfaces}]}, indent=2) + "\n"


# ------------------------------------------------------------------------------------------ iptables


def _normalise(tokens: list[str]) -> list[str]:
    out: list[str] = []
    target = next((tokens[i + 1] for i, t in enumerate(tokens[:-1]) if t == "-j"), "")
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "-p" and i + 1 < len(tokens):
            out += ["-p", tokens[i + 1]]
            if any(t in ("--dport", "--sport") for t in tokens) and tokens[i + 1] in ("tcp", "udp"):
                out += ["-m", tokens[i + 1]]
            i += 2
            continue
        if tok == "--to":
            tok = "--to-destination" if target == "DNAT" else "--to-source"
        if tok in ("-s", "-d") and i + 1 < len(tokens) and "/" not in tokens[i + 1]:
            out += [tok, f"{tokens[i + 1]}/32"]
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


def nat_rules(options: Iterable[str]) -> list[tuple[str, str]]:
    """(chain, rule text) of every `post-up iptables -t nat -A|-I` hook among option lines, in order."""
    rules = []
    for opt in options:
        try:
            words = shlex.split(opt)
        except ValueError:
            continue
        if len(words) < 6 or words[0] != "post-up" or words[1] != "iptables":
            continue
        args = words[2:]
        if args[:2] != ["-t", "nat"] or args[2] not in ("-A", "-I"):
            continue
        chain, rest = args[3], args[4:]
        rules.append((chain, " ".join(["-A", chain, *_normalise(rest)])))
    return rules


def iptables_version(pve_version: str) -> str:
    return {"6": "1.8.2", "7": "1.8.7", "8": "1.8.9"}.get(pve_version.split(".", maxsplit=1)[0], "1.8.11")


def iptables_save_nat(cluster: Cluster, node: Node, sdn_lines: Iterable[str] = ()) -> str:
    """`iptables-save -t nat`: the rules the node's post-up hooks (its own and SDN's) installed."""
    rules = nat_rules([opt for st in node_stanzas(node) for opt in st.options]) + nat_rules(sdn_lines)
    if not rules:
        return ""
    stamp = "Mon Jun  6 10:00:00 2022"
    lines = [
        f"# Generated by iptables-save v{iptables_version(cluster.pve_version)} (nf_tables) on {stamp}",
        "*nat",
    ]
    lines += [f":{c} ACCEPT [0:0]" for c in CHAINS]
    for chain in CHAINS:
        lines += [text for c, text in rules if c == chain]
    lines += [text for c, text in rules if c not in CHAINS]
    lines += ["COMMIT", f"# Completed on {stamp}"]
    return "\n".join(lines) + "\n"
