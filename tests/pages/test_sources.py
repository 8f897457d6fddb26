"""Source pages: every line anchored, JSON entries anchored where the parsers count them, and each
piece of evidence linked to the anchor that exists."""

from __future__ import annotations

import json

from netdoc.model.base import SourceRef
from netdoc.model.net import Evidence
from netdoc.render import links
from netdoc.render.pages.sources import SourceLinks, shown, source_page, sources_index_page

LINKS = json.dumps([{"ifindex": n, "ifname": f"eth{n}", "flags": ["UP"] * 20} for n in range(1, 4)])
API = json.dumps([{"iface": "eno1"}, {"iface": "eno2", "families": ["inet"]}], indent=1)
LLDP = json.dumps(
    {"lldp": [{"interface": [{"name": [{"value": "eno1"}]}, {"name": [{"value": "eno2"}]}]}]}, indent=2
)
OVSDB = json.dumps({"data": [[["uuid", "a" * 36], "br0", 1]] * 3, "headings": ["_uuid", "name", "x"]})


def test_a_text_file_is_shown_as_it_is() -> None:
    view = shown("auto lo\niface lo inet loopback\n\n# end\n")
    assert view.lines == ("auto lo", "iface lo inet loopback", "", "# end") and not view.items
    assert not view.laid_out


def test_a_one_line_json_list_is_laid_out_one_entry_per_line() -> None:
    view = shown(LINKS + "\n")
    assert view.laid_out and view.lines[0] == "[" and view.lines[-1] == "]"
    assert view.items == {1: 2, 2: 3, 3: 4}
    assert json.loads("\n".join(view.lines)) == json.loads(LINKS)  # the same JSON, laid out


def test_a_pretty_json_list_keeps_its_lines_and_anchors_each_entry() -> None:
    view = shown(API)
    assert not view.laid_out and view.lines == tuple(API.split("\n"))
    assert view.items == {1: 2, 2: 5}
    assert view.lines[4].strip() == "{" and view.lines[5].strip() == '"iface": "eno2",'


def test_lldp_json0_entries_are_its_interfaces() -> None:
    view = shown(LLDP)
    assert len(view.items) == 2
    assert '"eno2"' in "".join(view.lines[view.items[2] - 1 : view.items[2] + 3])


def test_an_ovsdb_table_on_one_line_is_laid_out_without_entries() -> None:
    view = shown(OVSDB)
    assert view.laid_out and not view.items and len(view.lines) > 3


def _links() -> SourceLinks:
    texts = {
        "nodes/pve1/etc/network/interfaces": "auto lo\niface lo inet loopback\n",
        "nodes/pve1/etc/pve/corosync.conf": "totem {\n}\n",
        "nodes/pve1/commands/ip-j-d-link.json": LINKS,
        "api/nodes/pve2/network.json": API,
    }
    return SourceLinks("lab", "pve1", texts)


def test_evidence_lands_on_a_line_an_entry_or_the_top() -> None:
    src = _links()
    page = links.source_page("lab", "nodes/pve1/etc/network/interfaces")
    assert page == "lab/sources/nodes/pve1/etc/network.md"  # every file of a folder on one page
    assert src.target("pve1", SourceRef("/etc/network/interfaces", 2)) == (page, "file-interfaces-L2")
    no_line = src.target("pve1", SourceRef("/etc/network/interfaces", 9))
    assert no_line == (page, "file-interfaces")  # no line 9: the file's section
    corosync = links.source_page("lab", "nodes/pve1/etc/pve/corosync.conf")
    # read from pve1
    assert src.target("pve2", SourceRef("/etc/pve/corosync.conf", 1)) == (corosync, "file-corosync.conf-L1")
    api = links.source_page("lab", "api/nodes/pve2/network.json")
    assert src.target("pve2", SourceRef("api:/nodes/pve2/network", 2)) == (api, "file-network.json-item-2")
    ip = SourceRef("nodes/pve1/commands/ip-j-d-link.json", 3)
    assert src.target("pve1", ip) == (
        links.source_page("lab", "nodes/pve1/commands/ip-j-d-link.json"),
        "file-ip-j-d-link.json-item-3",
    )
    assert src.target("pve3", SourceRef("/etc/network/interfaces", 1)) is None  # not in the snapshot
    assert src.label("pve1", ip) == "ip link #3" and src.label(
        "pve2", SourceRef("api:/nodes/pve2/network", 2)
    ) == ("API network #2")
    link = src.evidence(
        "lab/findings.md", Evidence("pve1", SourceRef("/etc/network/interfaces", 2), "the <lo>")
    )
    assert link.endswith("(sources/nodes/pve1/etc/network.md#file-interfaces-L2) (the &lt;lo&gt;)")
    assert src.link("lab/index.md", "pve9", SourceRef("/etc/hosts", 3)) == "<code>/etc/hosts:3</code>"
    counted = src.evidence("lab/findings.md", Evidence("pve1", ip, "ip link eth3"))
    assert counted.startswith('[<code class="netdoc-src">pve1: ip link #3</code>]')  # an entry, not line 3


def test_a_source_page_escapes_and_anchors_every_line() -> None:
    src = SourceLinks("lab", "pve1", {"nodes/pve1/etc/hosts": '127.0.0.1 <script>x</script> & "q"\n\n'})
    page = source_page(src, "nodes/pve1/etc/hosts", {"pve1"})
    assert "<script>" not in page
    assert '<span id="file-hosts-L1">127.0.0.1 &lt;script&gt;x&lt;/script&gt; &amp; "q"</span>' in page
    assert '<span id="file-hosts-L2"></span>' in page and '<span id="file-hosts-L3">' not in page
    assert "node [pve1](../../../nodes/pve1.md)" in page  # from lab/sources/nodes/pve1/
    api = SourceLinks("lab", "pve1", {"api/nodes/pve2/network.json": API})
    page = source_page(api, "api/nodes/pve2/network.json", {"pve2"})
    assert '<span id="file-network.json-L5"><span id="file-network.json-item-2"></span> {</span>' in page
    top = SourceLinks("lab", "pve1", {"manifest.json": '{"format": "netdoc-snapshot/1"}\n'})
    assert top.pages["manifest.json"] == "lab/sources/manifest.json.md"  # a file at the top: its own page
    assert '<span id="L1">' in source_page(top, "manifest.json", set())


def test_a_nodes_guest_configs_share_one_page_with_an_anchor_per_file_and_line() -> None:
    texts = {
        "nodes/pve1/etc/pve/nodes/pve2/qemu-server/100.conf": "name: web\nnet0: virtio=AA,bridge=vmbr0\n",
        "nodes/pve1/etc/pve/nodes/pve2/qemu-server/101.conf": "name: db <b>\n",
        "nodes/pve1/etc/pve/nodes/pve2/lxc/200.conf": "hostname: ct\n",
        "api/nodes/pve2/qemu/100/config.json": '{"name": "web", "net0": "virtio=AA"}',
        "nodes/pve1/etc/hosts": "127.0.0.1 localhost\n",
    }
    src = SourceLinks("lab", "pve1", texts)
    qemu = links.source_page("lab", "nodes/pve1/etc/pve/nodes/pve2/qemu-server/100.conf")
    assert qemu == "lab/sources/nodes/pve1/etc/pve/nodes/pve2/qemu-server.md"
    assert src.pages["nodes/pve1/etc/pve/nodes/pve2/qemu-server/101.conf"] == qemu
    assert len(set(src.pages.values())) == 4, "qemu-server, lxc, the API's qemu and etc/"
    ref = SourceRef("/etc/pve/nodes/pve2/qemu-server/100.conf", 2)
    assert src.target("pve2", ref) == (qemu, "file-100.conf-L2")
    assert src.target("pve2", SourceRef("/etc/pve/nodes/pve2/qemu-server/100.conf", 7)) == (
        qemu,
        "file-100.conf",
    )
    api = SourceRef("api:/nodes/pve2/qemu/100/config", 1)
    assert src.target("pve2", api) == ("lab/sources/api/nodes/pve2/qemu.md", "file-100-config.json-L1")
    page = source_page(src, "nodes/pve1/etc/pve/nodes/pve2/qemu-server/100.conf", {"pve1", "pve2"})
    assert '<h2 id="file-100.conf">' in page and '<h2 id="file-101.conf">' in page
    assert '<span id="file-100.conf-L2">net0: virtio=AA,bridge=vmbr0</span>' in page
    assert '<span id="file-101.conf-L1">name: db &lt;b&gt;</span>' in page
    assert "node [pve2](" in page  # the guests' node, not the node /etc/pve was read from
    index = sources_index_page(src, {"pve1", "pve2"})
    assert index.count("qemu-server.md") == 1 and "(2 files)" in index
