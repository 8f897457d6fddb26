"""Hygiene: pending changes, configured versus running interfaces, NAT and forwarding, bond switch redundancy."""

from __future__ import annotations

import json
from pathlib import Path

from netdoc.examples import example_path
from tests.audit.fixtures import lab_audit
from tests.audit.labedit import Edit, lab_with
from tests.audit.snapshots import audit, codes, edit_example, example_file, example_with, subjects

P1 = "nodes/proxmox1/etc/network/interfaces"
P1_NEW = "nodes/proxmox1/etc/network/interfaces.new"
PVE1 = "nodes/pve1/etc/network/interfaces"
PVE3 = "nodes/pve3/etc/network/interfaces"
LLDP1 = "nodes/pve1/commands/lldpctl-f-json0.json"
BOND1 = "nodes/pve1/proc/net/bonding/bond0"


def test_quiet_on_the_example() -> None:
    mine = (
        "pending-network-changes",
        "iface-configured-not-running",
        "iface-running-not-configured",
        "nat-forwarding",
        "bond-switch-redundancy",
    )
    assert [f for f in audit(example_path("starwars")).findings if f.code in mine] == []


# ----------------------------------------------------------------------------------------- pending changes


def test_pending_network_changes(tmp_path: Path) -> None:
    new = edit_example(P1, "gateway 192.168.1.254", "gateway 192.168.131.254")
    new = (
        new.replace("iface enp7s0f1 inet manual\n", "")
        + "\nauto vmbr9\niface vmbr9 inet manual\n\tbridge_ports none\n"
    )
    (finding,) = codes(audit(example_with(tmp_path, {P1_NEW: new})), "pending-network-changes")
    assert finding.subject == "proxmox1/interfaces.new"
    assert "vmbr9 added; enp7s0f1 removed; vswtch0 changed (gateway)" in finding.message
    assert "interfaces.new" in str(finding.evidence[0].ref)


def test_pending_leftover_identical(tmp_path: Path) -> None:
    (finding,) = codes(audit(example_with(tmp_path, {P1_NEW: example_file(P1)})), "pending-network-changes")
    assert "no interface differs" in finding.message


# ----------------------------------------------------------------------------------------- configured vs running


def test_auto_interface_down_or_absent(tmp_path: Path) -> None:
    """eno4 (down) given auto, and an eno5 that does not exist: both reported from ip -j link."""
    edit = (
        "iface eno4 inet manual\n",
        "auto eno4\niface eno4 inet manual\n\nauto eno5\niface eno5 inet manual\n",
    )
    result = audit(lab_with(tmp_path, "lacp-vlans", {PVE1: edit}))
    found = {f.subject: f.message for f in codes(result, "iface-configured-not-running")}
    assert sorted(found) == ["pve1/eno4", "pve1/eno5"]
    assert "administratively down" in found["pve1/eno4"] and "absent" in found["pve1/eno5"]


def test_auto_nic_without_carrier(tmp_path: Path) -> None:
    """pve1's eno3 (corosync link1) up but without carrier: the cable or the switch port is gone."""
    rel = "nodes/pve1/commands/ip-j-d-link.json"
    links = json.loads(
        lab_with(tmp_path, "lacp-vlans", name="base").joinpath(rel).read_text(encoding="utf-8")
    )
    (eno3,) = [link for link in links if link["ifname"] == "eno3"]
    eno3["flags"] = [f for f in eno3["flags"] if f != "LOWER_UP"] + ["NO-CARRIER"]
    eno3["operstate"] = "DOWN"
    result = audit(lab_with(tmp_path, "lacp-vlans", {rel: json.dumps(links)}))
    (finding,) = codes(result, "iface-configured-not-running")
    assert finding.subject == "pve1/eno3" and "up but without carrier" in finding.message
    assert any("ip-j-d-link.json" in str(e.ref) for e in finding.evidence)


def test_auto_interface_inactive_per_api(tmp_path: Path) -> None:
    """Without ip -j link, the API's active flag is the runtime source (the example's enp7s0f0 is not active)."""
    text = edit_example(P1, "iface enp7s0f0 inet manual", "auto enp7s0f0\niface enp7s0f0 inet manual")
    (finding,) = codes(audit(example_with(tmp_path, {P1: text})), "iface-configured-not-running")
    assert finding.subject == "proxmox1/enp7s0f0" and "not active (the API's" in finding.message


def test_running_states_left_to_other_checks() -> None:
    """lacp-vlans: pve2's eno2 is a bond slave down (the bond checks report it), eno4 has no auto, pve3's
    vmbr1 has no carrier only because no port is in it; ovs2's enp1s0f1 is an OVS bond member."""
    assert subjects(lab_audit("lacp-vlans"), "iface-configured-not-running") == []
    assert subjects(lab_audit("ovs"), "iface-configured-not-running") == []
    assert subjects(lab_audit("sdn"), "iface-configured-not-running") == []


def test_running_but_not_configured(tmp_path: Path) -> None:
    """pve3 without its eno3 and vmbr1 stanzas: both still run."""
    eno3 = "auto eno3\niface eno3 inet static\n\taddress 203.0.113.13/24\n"
    text = lab_with(tmp_path, "lacp-vlans", name="base").joinpath(PVE3).read_text(encoding="utf-8")
    start = text.index("auto vmbr1\n")
    text = text[:start] + text[text.index("auto vmbr0.10\n") :]
    assert eno3 in text
    result = audit(lab_with(tmp_path, "lacp-vlans", {PVE3: text.replace(eno3, "")}))
    found = {f.subject: f.message for f in codes(result, "iface-running-not-configured")}
    assert sorted(found) == ["pve3/eno3", "pve3/vmbr1"]
    assert "physical NIC eno3 has a link at run time but appears nowhere" in found["pve3/eno3"]
    assert "bridge vmbr1 exists at run time" in found["pve3/vmbr1"]


def test_runtime_made_by_proxmox_is_not_unconfigured() -> None:
    """The sdn lab's runtime VLANs (vmbr0.110, eno3.100, z_qinqz.10) and guest ports are Proxmox's."""
    for scenario in ("lacp-vlans", "ovs", "sdn"):
        assert subjects(lab_audit(scenario), "iface-running-not-configured") == []


# ----------------------------------------------------------------------------------------- NAT


def test_nat_and_port_forwards() -> None:
    result = lab_audit("lacp-vlans")
    assert subjects(result, "nat-forwarding") == ["pve1/nat", "pve2/nat", "pve3/nat"]
    (pve1,) = [f for f in codes(result, "nat-forwarding") if f.subject == "pve1/nat"]
    assert "IPv4 forwarding on" in pve1.message
    assert "vmbr1 (10.10.10.0/24) masqueraded out of vmbr0.10" in pve1.message
    assert "tcp/443 on vmbr0.10 forwarded to 10.10.10.100:443" in pve1.message
    assert "tcp/25 on vmbr0.10 forwarded to 10.10.10.101:25" in pve1.message
    assert "Differences" not in pve1.message  # the hooks and iptables-save agree
    assert pve1.severity.value == "info"


def test_nat_hooks_and_loaded_rules_differ(tmp_path: Path) -> None:
    """pve2's masquerade not loaded; pve3 with a port forward loaded that no hook adds."""
    masq = "-A POSTROUTING -s 10.10.10.0/24 -o vmbr0.10 -j MASQUERADE\n"
    dnat = "-A PREROUTING -i vmbr0.10 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.10.10.50:80\n"
    edits = {
        "nodes/pve2/commands/iptables-save-t-nat.txt": (masq, ""),
        "nodes/pve3/commands/iptables-save-t-nat.txt": (masq, dnat + masq),
    }
    found = {
        f.subject: f.message for f in codes(audit(lab_with(tmp_path, "lacp-vlans", edits)), "nat-forwarding")
    }
    assert (
        "in the hooks but not loaded: vmbr1 (10.10.10.0/24) masqueraded out of vmbr0.10" in found["pve2/nat"]
    )
    assert (
        "loaded but in no hook (gone at the next reboot): tcp/8080 on vmbr0.10 forwarded to 10.10.10.50:80"
        in (found["pve3/nat"])
    )


def test_sdn_snat_with_per_interface_forwarding() -> None:
    found = {f.subject: f.message for f in codes(lab_audit("sdn"), "nat-forwarding")}
    assert sorted(found) == ["sdn1/nat", "sdn2/nat"]  # natnet's zone is on sdn1 and sdn2
    assert "natnet (10.99.0.0/24) SNATed to 192.0.2.31 out of vmbr0.10" in found["sdn1/nat"]
    assert "forwarding on for evnet1, natnet (ip-forward on)" in found["sdn1/nat"]


def test_routed_without_nat(tmp_path: Path) -> None:
    sysctl = "nodes/proxmox1/etc/sysctl.d/99-routed.conf"
    result = audit(example_with(tmp_path, {sysctl: "net.ipv4.ip_forward = 1\n"}))
    (finding,) = codes(result, "nat-forwarding")
    assert finding.subject == "proxmox1/nat" and "routes between its interfaces" in finding.message
    assert finding.evidence
    assert subjects(lab_audit("ovs"), "nat-forwarding") == []


# ----------------------------------------------------------------------------------------- switch redundancy


def test_bond_members_on_one_switch() -> None:
    result = lab_audit("lacp-vlans")
    assert subjects(result, "bond-switch-redundancy") == [
        "pve1/bond0",
        "pve3/bond0",
    ]  # pve2's eno2 has no LLDP
    finding = codes(result, "bond-switch-redundancy")[0]
    assert "every member of bond0 is cabled to the same switch sw-core" in finding.message
    assert "eno1 -> sw-core Ethernet1/1, eno2 -> sw-core Ethernet2/1" in finding.message
    assert subjects(lab_audit("sdn"), "bond-switch-redundancy") == ["sdn1/bond0", "sdn2/bond0", "sdn3/bond0"]


def test_stack_units_in_the_port_names() -> None:
    """The starwars lab's HPE 5130: eno1 on GigabitEthernet1/0/N, eno2 on GigabitEthernet2/0/N, two IRF
    members behind one chassis id: a stack, no single point of failure."""
    assert subjects(lab_audit("starwars"), "bond-switch-redundancy") == []


def test_stack_stated_in_a_comment(tmp_path: Path) -> None:
    edit = ("iface bond0 inet manual\n", "iface bond0 inet manual\n#sw-core is a stack of two units\n")
    result = audit(lab_with(tmp_path, "lacp-vlans", {PVE1: edit}))
    assert subjects(result, "bond-switch-redundancy") == ["pve3/bond0"]


def _two_switches(tmp: Path) -> str:
    """pve1's lldpctl output with eno2 cabled to a second switch, sw-core-b."""
    data = json.loads(lab_with(tmp, "lacp-vlans", name="base").joinpath(LLDP1).read_text(encoding="utf-8"))
    (eno2,) = [i for i in data["lldp"][0]["interface"] if i["name"] == "eno2"]
    chassis = eno2["chassis"][0]
    chassis["id"][0]["value"] = "00:00:5e:00:53:f1"
    chassis["name"][0]["value"] = "sw-core-b"
    return json.dumps(data, indent=2)


def test_two_switches_without_mlag(tmp_path: Path) -> None:
    """eno2 on another switch whose LACP system differs: the switches do not act as one."""
    lldp = _two_switches(tmp_path)
    bonding = lab_with(tmp_path, "lacp-vlans", name="base2").joinpath(BOND1).read_text(encoding="utf-8")
    partner = (
        "details partner lacp pdu:\n    system priority: 32768\n    system mac address: 44:4c:a8:10:20:30"
    )
    head, _, tail = bonding.rpartition(partner)
    bonding = head + partner.replace("44:4c:a8:10:20:30", "00:00:5e:00:53:f1") + tail
    result = audit(lab_with(tmp_path, "lacp-vlans", {LLDP1: lldp, BOND1: bonding}))
    (finding,) = [f for f in codes(result, "bond-switch-redundancy") if f.subject == "pve1/bond0"]
    assert "bond0 (802.3ad) has its members on different switches" in finding.message
    assert "nothing states that sw-core, sw-core-b form an MLAG pair" in finding.message


def test_two_switches_acting_as_one_or_not_aggregating(tmp_path: Path) -> None:
    """Two LLDP chassis but one LACP partner system on both slaves (MLAG at work): quiet; and an
    active-backup bond needs nothing from the switches."""
    lldp = _two_switches(tmp_path)
    result = audit(lab_with(tmp_path, "lacp-vlans", {LLDP1: lldp}))
    assert "pve1/bond0" not in subjects(result, "bond-switch-redundancy")
    backup: dict[str, Edit] = {LLDP1: lldp, PVE1: ("bond-mode 802.3ad", "bond-mode active-backup")}
    result = audit(lab_with(tmp_path, "lacp-vlans", backup, name="backup"))
    assert "pve1/bond0" not in subjects(result, "bond-switch-redundancy")


def test_mesh_bond_is_not_judged() -> None:
    """The example's bond1 (broadcast mesh) and OVS bond have no LLDP: nothing to judge."""
    assert subjects(audit(example_path("starwars")), "bond-switch-redundancy") == []


def test_pending_changes_from_the_api_reply(tmp_path: Path) -> None:
    """An API-only snapshot whose /nodes/{node}/network reply kept its `changes` envelope."""
    reply = json.loads(
        (example_path("starwars") / "api/nodes/proxmox2/network.json").read_text(encoding="utf-8")
    )
    diff = "--- /etc/network/interfaces\n+++ /etc/network/interfaces.new\n@@ -1,2 +1,4 @@\n+auto vmbr9\n+iface vmbr9 inet manual\n"
    snap = tmp_path / "api-only"
    (snap / "api/nodes/proxmox2").mkdir(parents=True)
    (snap / "api/nodes/proxmox2/network.json").write_text(json.dumps({"data": reply, "changes": diff}))
    (finding,) = codes(audit(snap), "pending-network-changes")
    assert finding.subject == "proxmox2/interfaces.new" and "2 line(s) added, 0 removed" in finding.message
    assert str(finding.evidence[0].ref) == "api:/nodes/proxmox2/network:1"
    (snap / "api/nodes/proxmox2/network.json").write_text(json.dumps(reply))
    assert codes(audit(snap), "pending-network-changes") == []
