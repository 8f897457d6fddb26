"""The printed report: whole for a small estate, long lists summarised (and where to find them) for a large one."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from netdoc.examples import example_path
from netdoc.pipeline.inputs import site_input
from netdoc.render.report import printed
from netdoc.render.report.build import build_report
from netdoc.render.report.document import Report, Section, SourceFile, Table
from netdoc.render.report.html import _widths, report_html
from netdoc.render.report.pdf import report_pdf

FINDING_HEADERS = (
    "Severity",
    "Check",
    "Cluster",
    "Subject",
    "Finding",
    "Evidence (snapshot file:line)",
    "Remediation",
)
GUEST_HEADERS = ("Cluster", "VMID", "Name", "Type", "Node", "NIC", "MAC", "Bridge", "VLAN", "Firewall")


def _large() -> Report:
    findings = [
        ("high", "bond-slave-down", "c", "pve1/bond0", "down", "nodes/pve1/etc/network/interfaces:7", "fix")
    ]
    findings += [
        (
            "info",
            "guest-firewall-off",
            "c",
            f"{100 + i}/net0",
            "off",
            f"nodes/pve1/etc/pve/qemu-server/{100 + i}.conf:3",
            "",
        )
        for i in range(40)
    ]
    guests = [
        (
            "c",
            str(100 + i),
            f"g{i}",
            "VM",
            f"pve{i % 2 + 1}",
            "net0",
            "" if i == 0 else "aa",
            "vmbr0",
            str(10 + i % 3),
            "on" if i % 4 == 0 else "off (default)",
        )
        for i in range(400)
    ]
    appendix = [SourceFile("c", "nodes/pve1/etc/network/interfaces", "auto lo\n" * 50)]
    appendix += [SourceFile("c", "nodes/pve2/etc/network/interfaces", "auto lo\n" * 50)]
    appendix += [SourceFile("c", "nodes/pve1/etc/pve/corosync.conf", "totem {\n}\n")]
    appendix += [
        SourceFile("c", f"nodes/pve1/etc/pve/qemu-server/{100 + i}.conf", "net0: x\n" * 10)
        for i in range(400)
    ]
    return Report(
        "Network audit: c",
        ("c",),
        (("c", "2026-12-04T00:00:00Z"),),
        "0",
        (
            Section(
                "findings", "Findings", (), (Table("findings", "Findings", FINDING_HEADERS, tuple(findings)),)
            ),
            Section(
                "inventory",
                "Inventory",
                (),
                (Table("guest_nics", "Guest NICs", GUEST_HEADERS, tuple(guests)),),
            ),
        ),
        appendix=tuple(appendix),
    )


def test_a_small_estate_prints_whole() -> None:
    report = build_report(site_input(example_path("starwars")))
    again = printed.for_print(report)
    assert again.tables() == report.tables() and again.appendix == report.appendix and not again.appendix_note


def test_a_large_estate_prints_summaries_that_say_where_the_rest_is() -> None:
    report = printed.for_print(_large())
    tables = {t.key: t for t in report.tables()}
    assert [r[0] for r in tables["findings"].rows] == ["high"]  # the informational ones moved out
    (info,) = tables["findings_info"].rows
    assert info[:2] == ("guest-firewall-off", "40") and info[2].endswith("and 28 more")
    assert "guest_nics" not in tables
    summary = tables["guest_nics_summary"]
    assert sum(int(r[4]) for r in summary.rows) == 400 and "400 guest NICs" in summary.note
    assert "HTML" in summary.note
    first = next(r for r in summary.rows if r[1] == "pve1" and r[3] == "10")
    # pve1 holds the even guests; VLAN 10 the i % 3 == 0 ones: i = 0, 6, 12, ... (67 of them)
    assert first[4] == "67" and first[6] == "1"  # guest 0 has no MAC
    assert int(first[5]) == sum(1 for i in range(0, 400, 6) if i % 4 != 0)
    paths = {f.path for f in report.appendix}
    # the cited file and the cluster-wide one stay; the uncited node file and the guest configs go
    assert paths == {"nodes/pve1/etc/network/interfaces", "nodes/pve1/etc/pve/corosync.conf"}
    assert "2 of the 403 source files" in report.appendix_note


def test_fixed_widths_fit_the_page_and_keep_short_values_whole() -> None:
    table = next(t for t in _large().tables() if t.key == "guest_nics")
    widths = _widths(table)
    assert abs(sum(widths) - 100) < 0.01
    # a short column (kept on one line) is never narrower than a column that may wrap anywhere
    assert widths[GUEST_HEADERS.index("VMID")] >= 100 * 4 / sum([20] * len(GUEST_HEADERS))
    html = report_html(printed.for_print(_large()), fixed_layout=True)
    assert len(re.findall(r"<colgroup>", html)) == len(printed.for_print(_large()).tables())


def test_the_pdf_of_a_large_estate_is_short(tmp_path: Path) -> None:
    pdf = report_pdf(_large())
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils (pdfinfo) is not installed")
    (tmp_path / "r.pdf").write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(tmp_path / "r.pdf")], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore[union-attr]
    # 400 guest NICs and 403 files would be some 60 pages; summarised, a few
    assert 1 < pages < 12, pages


def test_the_footer_title_is_a_css_string_nothing_can_end() -> None:
    hostile = 'a"; } body { display: none } </style><script>alert(1)</script>\\'
    html = report_html(dataclasses.replace(_large(), title=hostile))
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    literal = re.search(r"@bottom-left \{ content: (\"[^\"]*\");", style)
    assert literal is not None, style[:300]
    assert not set(literal.group(1)[1:-1]) & set("\"'<>{};\\/") - {"\\"}
    assert "display: none" not in style  # the colon is escaped: nothing of it is a rule
    assert "<script>" not in style and html.count("</style>") == 1


def test_long_tables_of_nodes_things_print_one_row_per_node_and_node_diagrams_go() -> None:
    from netdoc.render.report.document import Figure

    headers = ("Cluster", "Node", "Interface", "Kind")
    rows = tuple(("c", f"pve{i % 20}", f"if{i}", "bridge" if i % 3 else "physical") for i in range(500))
    figures = tuple(Figure(f"Node pve{i}: layer 2", "<svg/>", node=True) for i in range(20))
    figures += (Figure("Cluster c", "<svg/>"),)
    report = dataclasses.replace(
        _large(),
        sections=(
            Section(
                "inventory", "Inventory", (), (Table("interfaces", "Interfaces", headers, rows),), figures
            ),
        ),
    )
    printed_report = printed.for_print(report)
    (table,) = printed_report.tables()
    assert table.headers == ("Cluster", "Node", "Count", "By kind") and len(table.rows) == 20
    assert sum(int(r[2]) for r in table.rows) == 500 and "500 rows" in table.note
    pve0 = next(r for r in table.rows if r[1] == "pve0")  # i = 0, 20, ..., 480: 25 rows, i % 3 == 0 for 9
    assert pve0[2:] == ("25", "bridge 16, physical 9")
    (section,) = printed_report.sections
    assert [f.title for f in section.figures] == ["Cluster c"]
    assert any("20 node diagrams" in p for p in section.paragraphs)
    # short tables and a few node diagrams stay as they are
    small = dataclasses.replace(
        report, sections=(Section("s", "S", (), (Table("t", "T", headers, rows[:10]),), figures[:3]),)
    )
    assert printed.for_print(small).sections == small.sections
