"""The bridge checks added for loops, guest VLANs and the OVS dead VLAN: each fires and stays quiet.

Cases edit the bundled example: proxmox1's vswtch0 (a Linux bridge on eno1) gets more ports, VLAN
awareness or a guest; its OVS bridge vubr0 (bond0 eno1+eno2, guests 100 and 200 tagged 4 and 3)
gets trunks or a dead tag. VNet cases edit the lab's sdn scenario.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netdoc.audit.run import AuditResult
from netdoc.examples import example_path
from tests.audit.fixtures import ip_link, lab_audit, lab_snapshot
from tests.audit.snapshots import audit, codes, edit_example, example_with, subjects, write_files

P1 = "nodes/proxmox1/etc/network/interfaces"
SHOW = "nodes/proxmox1/commands/ovs-vsctl-show.txt"
CT100 = "nodes/proxmox1/etc/pve/nodes/proxmox1/lxc/100.conf"
VLANS = "nodes/proxmox1/commands/bridge-j-vlan-show.json"
BRIDGE_CODES = ("bridge-stp-loop-risk", "guest-vlan-not-allowed", "ovs-dead-vlan")
SPARE_NICS = "iface enp7s0f0 inet manual\n\niface enp7s0f1 inet manual\n"


def message(result: AuditResult, code: str) -> str:
    (finding,) = codes(result, code)
    return finding.message


def with_ports(ports: str, extra: str = "", stanzas: str = "") -> str:
    """proxmox1's interfaces with vswtch0 on these ports (and more stanzas after the spare NICs)."""
    text = edit_example(P1, "bridge_ports eno1", f"bridge_ports {ports}{extra}")
    return text.replace(SPARE_NICS, SPARE_NICS + stanzas)


# ----------------------------------------------------------------------------------------- STP


def test_the_example_has_no_new_bridge_finding() -> None:
    result = audit(example_path("starwars"))
    assert [f for f in result.findings if f.code in BRIDGE_CODES] == []


def test_stp_loop_risk_two_nics(tmp_path: Path) -> None:
    result = audit(example_with(tmp_path, {P1: with_ports("enp7s0f0 enp7s0f1")}))
    assert subjects(result, "bridge-stp-loop-risk") == ["proxmox1/vswtch0"]
    text = message(result, "bridge-stp-loop-risk")
    assert "2 independent uplinks (enp7s0f0, enp7s0f1)" in text and "off by default" in text
    on = with_ports("enp7s0f0 enp7s0f1", "\n\tbridge_stp on")
    assert subjects(audit(example_with(tmp_path, {P1: on}, name="on")), "bridge-stp-loop-risk") == []


def test_stp_loop_risk_vlans_of_different_nics(tmp_path: Path) -> None:
    vlans = "iface enp7s0f0.10 inet manual\n\niface enp7s0f1.10 inet manual\n\n"
    result = audit(example_with(tmp_path, {P1: with_ports("enp7s0f0.10 enp7s0f1.10", stanzas=vlans)}))
    assert subjects(result, "bridge-stp-loop-risk") == ["proxmox1/vswtch0"]
    assert "enp7s0f0.10 (enp7s0f0)" in message(result, "bridge-stp-loop-risk")
    # two VLANs of one NIC are one uplink
    same = "iface enp7s0f0.10 inet manual\n\niface enp7s0f0.20 inet manual\n\n"
    one = audit(example_with(tmp_path, {P1: with_ports("enp7s0f0.10 enp7s0f0.20", stanzas=same)}, name="one"))
    assert subjects(one, "bridge-stp-loop-risk") == []


def test_stp_loop_risk_quiet_for_one_uplink_or_guests_only(tmp_path: Path) -> None:
    # a bond and one of its own slaves is still one uplink; a bridge without ports carries guests only
    result = audit(example_with(tmp_path, {P1: with_ports("bond1 eno3")}))
    assert subjects(result, "bridge-stp-loop-risk") == []
    assert (
        subjects(audit(example_with(tmp_path, {P1: with_ports("none")}, name="none")), "bridge-stp-loop-risk")
        == []
    )


def test_stp_state_at_run_time_wins(tmp_path: Path) -> None:
    bridge = {"ifname": "vswtch0", "linkinfo": {"info_kind": "bridge", "info_data": {"stp_state": 1}}}
    links = ip_link(
        bridge, {"ifname": "enp7s0f0", "master": "vswtch0"}, {"ifname": "enp7s0f1", "master": "vswtch0"}
    )
    files = {P1: with_ports("enp7s0f0 enp7s0f1"), "nodes/proxmox1/commands/ip-j-d-link.json": links}
    assert subjects(audit(example_with(tmp_path, files)), "bridge-stp-loop-risk") == []


# ----------------------------------------------------------------------------------------- guest VLANs


def ct100_on(bridge: str, nic: str = "tag=4") -> str:
    text = edit_example(CT100, "bridge=vubr0", f"bridge={bridge}")
    return text if nic == "tag=4" else text.replace("tag=4", nic)


def test_guest_vlan_not_in_bridge_vids(tmp_path: Path) -> None:
    aware = with_ports("eno1", "\n\tbridge-vlan-aware yes\n\tbridge-vids 10 20")
    result = audit(example_with(tmp_path, {P1: aware, CT100: ct100_on("vswtch0")}))
    assert subjects(result, "guest-vlan-not-allowed") == ["100/net0"]
    text = message(result, "guest-vlan-not-allowed")
    assert "VLAN 4 (its tag) not allowed off vswtch0" in text and "eno1: bridge-vids 10 20" in text
    (finding,) = codes(result, "guest-vlan-not-allowed")
    assert any("bridge-vids" in str(e) for e in finding.evidence)
    # the default 2-4094 allows it, and so does a VLAN-unaware bridge (Proxmox builds vswtch0v4)
    default = with_ports("eno1", "\n\tbridge-vlan-aware yes")
    quiet = audit(example_with(tmp_path, {P1: default, CT100: ct100_on("vswtch0")}, name="default"))
    assert subjects(quiet, "guest-vlan-not-allowed") == []
    unaware = audit(example_with(tmp_path, {CT100: ct100_on("vswtch0")}, name="unaware"))
    assert subjects(unaware, "guest-vlan-not-allowed") == []


def test_guest_trunks_not_in_bridge_vids(tmp_path: Path) -> None:
    aware = with_ports("eno1", "\n\tbridge-vlan-aware yes\n\tbridge-vids 10 20")
    result = audit(example_with(tmp_path, {P1: aware, CT100: ct100_on("vswtch0", "trunks=10;20;30-32")}))
    assert subjects(result, "guest-vlan-not-allowed") == ["100/net0"]
    assert "VLANs 30-32 (its tag and trunks)" in message(result, "guest-vlan-not-allowed")


def test_guest_vlan_runtime_vlans_of_the_uplink(tmp_path: Path) -> None:
    """`bridge -j vlan show` of the uplink port is what the kernel lets through, whatever the file says."""
    aware = with_ports("eno1", "\n\tbridge-vlan-aware yes\n\tbridge-vids 4 10")
    shown = [{"ifname": "eno1", "vlans": [{"vlan": 1, "flags": ["PVID", "Egress Untagged"]}, {"vlan": 10}]}]
    files = {P1: aware, CT100: ct100_on("vswtch0"), VLANS: json.dumps(shown)}
    result = audit(example_with(tmp_path, files))
    assert subjects(result, "guest-vlan-not-allowed") == ["100/net0"]
    assert "eno1: bridge vlan show" in message(result, "guest-vlan-not-allowed")


def test_guest_vlan_not_in_ovs_uplink_trunks(tmp_path: Path) -> None:
    config = edit_example(P1, "lacp=active", "lacp=active trunks=3,10")
    show = edit_example(SHOW, "        Port bond0\n", "        Port bond0\n            trunks: [3, 10]\n")
    result = audit(example_with(tmp_path, {P1: config, SHOW: show}))
    # CT 100 is tagged 4 (not trunked), CT 200 tagged 3 (trunked)
    assert subjects(result, "guest-vlan-not-allowed") == ["100/net0"]
    assert "bond0: trunks 3, 10" in message(result, "guest-vlan-not-allowed")


def test_vnet_vlan_not_in_underlay_bridge_vids(tmp_path: Path) -> None:
    (root,) = lab_snapshot("sdn", tmp_path)
    for node in ("sdn1", "sdn2"):
        interfaces = root / f"nodes/{node}/etc/network/interfaces"
        text = interfaces.read_text()
        assert "bridge-vids 2-4094" in text
        interfaces.write_text(text.replace("bridge-vids 2-4094", "bridge-vids 10 30 110"))
    write_files(root, {f"nodes/{n}/commands/bridge-j-vlan-show.json": None for n in ("sdn1", "sdn2")})
    result = audit(root)
    # vnet111 (tag 111) is no longer allowed on vmbr0; vnet110 (tag 110) still is
    assert subjects(result, "guest-vlan-not-allowed") == ["101/net1"]
    assert "VLAN 111 (the VLAN of VNet vnet111) not allowed off vmbr0" in message(
        result, "guest-vlan-not-allowed"
    )


# ----------------------------------------------------------------------------------------- dead VLAN


def test_ovs_dead_vlan_on_a_guest_port(tmp_path: Path) -> None:
    show = edit_example(
        SHOW,
        "        Port veth100i0\n            tag: 4\n",
        "        Port veth100i0\n            tag: 4095\n",
    )
    result = audit(example_with(tmp_path, {SHOW: show}))
    assert subjects(result, "ovs-dead-vlan") == ["100/net0"]
    assert "veth100i0 has tag 4095" in message(result, "ovs-dead-vlan")


def test_ovs_dead_vlan_on_an_intport(tmp_path: Path) -> None:
    text = edit_example(P1, "\tovs_type OVSIntPort\n", "\tovs_type OVSIntPort\n\tovs_options tag=4095\n")
    result = audit(example_with(tmp_path, {P1: text}))
    assert subjects(result, "ovs-dead-vlan") == ["proxmox1/internal"]


# ----------------------------------------------------------------------------------------- lab scenarios


@pytest.mark.parametrize("scenario", ["starwars", "lacp-vlans", "ovs", "sdn"])
def test_lab_scenarios_have_no_bridge_fault(scenario: str) -> None:
    """No scenario describes a loop, a VLAN off its bridge's list or a dead VLAN."""
    assert [(f.code, f.subject) for f in lab_audit(scenario).findings if f.code in BRIDGE_CODES] == []
