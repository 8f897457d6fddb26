"""Where everything lives on the site: the page (and anchor) of every graph element, and relative links.

One URL scheme for pages, tables and diagrams, so that a click on an SVG element and a link in a
table land on the same place. Page paths are Markdown paths below the docs folder
("starwars/nodes/proxmox1.md"); `href` turns one into a relative `.html` URL as the built site
serves it (use_directory_urls is off), for raw HTML and SVG where mkdocs rewrites nothing.

Layout:
    index.md                              home: every cluster
    glossary.md, guests.md                the glossary; every guest NIC of every cluster
    notes/...                             the admin's own pages
    <cluster>/index.md                    a cluster: diagrams, tables, matrices
    <cluster>/findings.md                 its audit findings
    <cluster>/gaps.md                     what could not be collected
    <cluster>/nodes/index.md, <node>.md   the nodes (a section index page), a node
    <cluster>/vlans/index.md, <vid>.md    VLANs
    <cluster>/sources/index.md            every raw source file of the snapshot
    <cluster>/sources/<folder>.md         the raw files of one folder of the snapshot, one section per
                                          file (`file-<name>`), lines `file-<name>-L<n>`, the n-th
                                          entry of a JSON list `file-<name>-item-<n>`; a node's guest
                                          configs from the API on their qemu/ or lxc/ page (source_group)
    <cluster>/sources/manifest.json.md    a file at the top of the snapshot: lines L<n>
    <page's folder>/<name>.svg|.dot       every diagram as a file, beside the page that shows it (so
                                          the SVG's links, relative to that page, work in the file too):
                                          <cluster>/cluster.svg, <cluster>/nodes/node-<node>.svg,
                                          <cluster>/vlans/vlan-<vid>.svg

Anchors: rows of a node's tables `iface-<name>`; the guest index `nic-<cluster>-<vmid>-<netN>`;
the cluster page `nodes`, `bridges`, `vlans`, `corosync`, `mesh`, `storage` (rows `storage-<id>`),
`ceph`, `sdn`, `subnets`, `cabling`, `migration`; the home page `switch-<name>`; the glossary
`glossary_anchor(...)` ("bond-mode-802-3ad").
"""

from __future__ import annotations

import hashlib
import posixpath
import re

from netdoc.topology import ids

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


_SLUG_MAX = 100  # a file name must stay well under the 255 bytes of a path component


def slug(text: object) -> str:
    """A path- and anchor-safe name: letters, digits, dot, dash, underscore; never empty or dot-led.

    Every name from the cluster that names a file or folder goes through here (docs/hardening.md):
    `../../etc` -> `etc`, `/abs` -> `abs`, `..` -> `unnamed`; NUL, backslashes and slashes become
    dashes; a name longer than 100 characters keeps 87 and a hash of the whole (so two long
    names stay apart).
    """
    raw = str(text)
    out = _UNSAFE.sub("-", raw).strip("-.")
    if len(out) > _SLUG_MAX:
        digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        out = f"{out[: _SLUG_MAX - 13].rstrip('-.')}-{digest}"
    return out or "unnamed"


def anchor(*parts: object) -> str:
    """An HTML id made of parts ("iface-eno1", "nic-300-net0"); lower case, safe."""
    return "-".join(slug(p) for p in parts).lower()


HOME = "index.md"
GLOSSARY = "glossary.md"
GUESTS = "guests.md"
NOTES = "notes"


def cluster_page(cluster: str) -> str:
    return f"{slug(cluster)}/index.md"


def findings_page(cluster: str) -> str:
    return f"{slug(cluster)}/findings.md"


def gaps_page(cluster: str) -> str:
    return f"{slug(cluster)}/gaps.md"


def node_page(cluster: str, node: str) -> str:
    return f"{slug(cluster)}/nodes/{slug(node)}.md"


def nodes_index(cluster: str) -> str:
    return f"{slug(cluster)}/nodes/index.md"


def vlans_page(cluster: str) -> str:
    return f"{slug(cluster)}/vlans/index.md"


def vlan_page(cluster: str, vid: int) -> str:
    return f"{slug(cluster)}/vlans/{int(vid)}.md"


# A guest's config from the API sits in a folder of its own (api/nodes/<node>/qemu/<vmid>/config.json):
# those of a node share the page of the folder above, so the pages grow with nodes, not guests.
_GUEST_API = re.compile(r"^(api/nodes/[^/]+/(?:qemu|lxc))/([^/]+/config\.json)$")


def source_group(artifact: str) -> tuple[str, str] | None:
    """(folder, file): the folder whose page shows the file, and the file's name in it; None for a
    file at the top of the snapshot (manifest.json), which has a page of its own.

    Every file of a folder shares its page: "nodes/pve1/etc/network/interfaces" ->
    ("nodes/pve1/etc/network", "interfaces"); a node's guest configs ("nodes/pve1/etc/pve/nodes/
    pve2/qemu-server/100.conf" -> (".../qemu-server", "100.conf")), and the API's, one folder up:
    "api/nodes/pve2/lxc/200/config.json" -> ("api/nodes/pve2/lxc", "200/config.json").
    """
    m = _GUEST_API.match(artifact)
    if m is not None:
        return m[1], m[2]
    folder, _, name = artifact.rpartition("/")
    return (folder, name) if folder else None


def _source_path(cluster: str, path: str) -> str:
    parts = [slug(p) for p in path.split("/") if p not in ("", ".", "..")]
    return f"{slug(cluster)}/sources/{'/'.join(parts)}.md"


def source_page(cluster: str, artifact: str) -> str:
    """The page showing a snapshot file: its folder's ("nodes/pve1/etc/network/interfaces" is on
    "<cluster>/sources/nodes/pve1/etc/network.md"; a folder's name is never a file's name in the
    same folder, so two pages never collide), or its own for a file at the top (manifest.json)."""
    group = source_group(artifact)
    return _source_path(cluster, group[0] if group is not None else artifact)


def source_file_anchor(artifact: str) -> str:
    """The id of a file's section on its folder's page ("file-interfaces", "file-100.conf",
    "file-200-config.json"); "" for a file with a page of its own."""
    group = source_group(artifact)
    return anchor("file", group[1].replace("/", "-")) if group is not None else ""


def source_line_anchor(artifact: str, line: int) -> str:
    """Line n of a file on its page: `L<n>`, or `<file anchor>-L<n>` on a shared page."""
    prefix = source_file_anchor(artifact)
    return f"{prefix}-{line_anchor(line)}" if prefix else line_anchor(line)


def source_item_anchor(artifact: str, item: int) -> str:
    """The n-th JSON entry of a file on its page: `item-<n>`, or `<file anchor>-item-<n>`."""
    prefix = source_file_anchor(artifact)
    return f"{prefix}-{item_anchor(item)}" if prefix else item_anchor(item)


def sources_index(cluster: str) -> str:
    return f"{slug(cluster)}/sources/index.md"


def note_page(path: str) -> str:
    """An admin's page, published as written below notes/ (its path kept, made safe part by part)."""
    parts = [slug(p) for p in path.split("/") if p not in ("", ".", "..")]
    return f"{NOTES}/{'/'.join(parts)}"


def diagram_page(cluster: str, name: str) -> str:
    """The page that shows a diagram ("node-pve1" on the node's page, "vlan-10" on the VLAN's, the
    cluster-wide ones on the cluster page): the links inside it are relative to this page."""
    if name.startswith("node-"):
        return node_page(cluster, name[len("node-") :])
    if name.startswith("vlan-") and name[len("vlan-") :].isdigit():
        return vlan_page(cluster, int(name[len("vlan-") :]))
    return cluster_page(cluster)


def diagram_file(cluster: str, name: str, ext: str) -> str:
    """A diagram as a file, in the folder of the page that shows it (its relative links hold there)."""
    return f"{posixpath.dirname(diagram_page(cluster, name))}/{slug(name)}.{ext}"


def guest_anchor(cluster: str, vmid: int | None, key: str) -> str:
    return anchor("nic", cluster, vmid, key)


def line_anchor(line: int) -> str:
    return f"L{int(line)}"


def item_anchor(item: int) -> str:
    """The n-th entry (1-based) of a JSON list source: what API and `ip -j` evidence counts."""
    return f"item-{int(item)}"


def iface_anchor(name: str) -> str:
    return anchor("iface", name)


def storage_anchor(storage: str) -> str:
    return anchor("storage", storage)


def switch_anchor(name: str) -> str:
    return anchor("switch", name)


_TERM_UNSAFE = re.compile(r"[^a-z0-9]+")


def glossary_anchor(*parts: object) -> str:
    """A glossary entry's id: lower case, every run of other characters one dash ("bond-mode-802-3ad")."""
    text = "-".join(str(p) for p in parts).lower()
    return _TERM_UNSAFE.sub("-", text).strip("-") or "term"


def element_page(graph_id: str) -> tuple[str, str]:
    """(page, anchor) of a graph element; anchor "" for the top of the page."""
    kind, _, rest = graph_id.partition(":")
    parts = rest.split(":")
    cluster = parts[0] if parts else ""
    if kind == ids.CLUSTER:
        return cluster_page(cluster), ""
    if kind == ids.NODE and len(parts) >= 2:
        return node_page(cluster, parts[1]), ""
    if kind == ids.IFACE and len(parts) >= 3:
        return node_page(cluster, parts[1]), iface_anchor(":".join(parts[2:]))
    if kind in (ids.GUEST, ids.NIC) and len(parts) >= 2:
        key = parts[2] if kind == ids.NIC and len(parts) >= 3 else "net0"
        return GUESTS, guest_anchor(cluster, int(parts[1]) if parts[1].isdigit() else None, key)
    if kind == ids.VLAN and len(parts) >= 2 and parts[1].isdigit():
        return vlan_page(cluster, int(parts[1])), ""
    if kind == ids.SUBNET:
        return cluster_page(cluster), "subnets"
    if kind == ids.STORAGE and len(parts) >= 2:
        return cluster_page(cluster), storage_anchor(parts[1])
    if kind == ids.COROSYNC:
        return cluster_page(cluster), "corosync"
    if kind in (ids.VNET, ids.ZONE):
        return cluster_page(cluster), "sdn"
    if kind == ids.SWITCH:
        return HOME, switch_anchor(rest)
    if kind == ids.SWITCHPORT:
        return HOME, switch_anchor(parts[0])
    return HOME, ""


def _relpath(target: str, base: str) -> str:
    """posixpath.relpath(target, base or ".") for the site's clean relative paths, without its two
    abspath calls (a large site makes a few hundred thousand links)."""
    parts, here = target.split("/"), base.split("/") if base else []
    if any(p in ("", ".", "..") for p in parts) or any(p in ("", ".", "..") for p in here):
        return posixpath.relpath(target, base or ".")
    common = 0
    for a, b in zip(parts, here, strict=False):
        if a != b:
            break
        common += 1
    rel = [".."] * (len(here) - common) + parts[common:]
    return "/".join(rel) or "."


def href(from_page: str, to_page: str, fragment: str = "") -> str:
    """A relative URL from one page to another (both Markdown paths), as the built .html site needs."""
    target = to_page[:-3] + ".html" if to_page.endswith(".md") else to_page
    rel = _relpath(target, posixpath.dirname(from_page))
    return f"{rel}#{fragment}" if fragment else rel


def md_link(from_page: str, to_page: str, fragment: str = "") -> str:
    """A relative Markdown link target (to a .md page: mkdocs checks it and rewrites it)."""
    rel = _relpath(to_page, posixpath.dirname(from_page))
    return f"{rel}#{fragment}" if fragment else rel


def element_href(from_page: str, graph_id: str) -> str:
    page, frag = element_page(graph_id)
    return href(from_page, page, frag)
