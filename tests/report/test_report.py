"""The audit report in every format: the same content, deterministic bytes, hostile values inert."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
from openpyxl import load_workbook

from netdoc.examples import example_path
from netdoc.pipeline.inputs import site_input
from netdoc.render.report.build import build_report
from netdoc.render.report.html import report_html
from netdoc.render.report.pdf import html_to_pdf
from netdoc.render.report.tabular import inert, report_csv, report_csv_zip, report_xlsx
from netdoc.render.report.text_formats import report_json, report_junit, report_markdown
from tests.audit.snapshots import edit_example, example_with

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "report.schema.json").read_text())
CT100 = "nodes/proxmox1/etc/pve/nodes/proxmox1/lxc/100.conf"
P1 = "nodes/proxmox1/etc/network/interfaces"
HOSTILE = '=HYPERLINK("http://x")'


@pytest.fixture(scope="module")
def example_report():  # type: ignore[no-untyped-def]
    return build_report(site_input(example_path("starwars")))


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("hostile")
    snap = example_with(
        tmp,
        {
            CT100: edit_example(CT100, "hostname: freeradius", f"hostname: {HOSTILE}"),
            P1: edit_example(
                P1,
                "# LACP towards the HP switch",
                '# <script>alert(1)</script> "><img src=x onerror=alert(2)> {{ x }} ]]> @SUM(1) -1+2',
            ),
        },
        name="starwars",
    )
    return build_report(site_input(snap))


def test_sections_and_tables(example_report) -> None:  # type: ignore[no-untyped-def]
    keys = [s.key for s in example_report.sections]
    assert keys == ["scope", "summary", "findings", "inventory", "diagrams"]
    tables = {t.key: t for t in example_report.tables()}
    for key in (
        "clusters",
        "gaps",
        "summary",
        "findings",
        "waivers",
        "nodes",
        "interfaces",
        "bonds",
        "bridges",
    ):
        assert key in tables, key
    for key in ("vlans", "guest_nics", "corosync_links", "mesh_links", "storage_paths"):
        assert tables[key].rows, key
    findings = tables["findings"]
    assert len(findings.rows) == 16 and findings.rows[0][0] == "high"
    (claimed,) = [r for r in findings.rows if r[1] == "nic-claimed-twice"]
    assert "nodes/proxmox1/etc/network/interfaces:16 (the NIC)" in claimed[5] and claimed[6].startswith(
        "Remove the NIC"
    )
    unheld = [r for r in tables["corosync_links"].rows if r[-1] == "held by no interface"]
    assert [(r[1], r[3]) for r in unheld] == [("link1", "proxmox2"), ("link1", "proxmox3")]
    assert any(f.path == "nodes/proxmox1/etc/network/interfaces" for f in example_report.appendix)
    assert not any("/commands/" in f.path or "/proc/" in f.path for f in example_report.appendix)


def test_html_is_self_contained_and_printable(example_report) -> None:  # type: ignore[no-untyped-def]
    html = report_html(example_report)
    assert html.startswith("<!DOCTYPE html>") and "data:image/svg+xml;base64," in html and "@page" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
    ), "nothing loaded from outside"
    assert (
        'href="#findings-waivers"' in html
        and 'href="#inventory-interfaces"' in html
        and "target-counter" in html
    )


def test_hostile_values_are_inert(hostile_report) -> None:  # type: ignore[no-untyped-def]
    html = report_html(hostile_report)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = report_markdown(hostile_report)
    assert "<script>" not in md.split("## Appendix")[0]
    junit = report_junit(hostile_report)
    ElementTree.fromstring(junit)  # still well-formed XML
    rows = [row for f in report_csv(hostile_report).values() for row in csv.reader(io.StringIO(f))]
    cells = [c for row in rows for c in row]
    assert f"'{HOSTILE}" in cells and HOSTILE not in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    wb = load_workbook(io.BytesIO(report_xlsx(hostile_report)))
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert f"'{HOSTILE}" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)
    assert all(c.data_type == "s" for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+x", "'+x"), ("-1", "'-1"), ("@a", "'@a"), ("\tx", "'\tx"), ("a=b", "a=b")],
)
def test_inert_rule(value: str, expected: str) -> None:
    assert inert(value) == expected


def test_json_validates_against_its_schema(example_report, hostile_report) -> None:  # type: ignore[no-untyped-def]
    for report in (example_report, hostile_report):
        doc = json.loads(report_json(report))
        jsonschema.validate(doc, SCHEMA)
    doc = json.loads(report_json(example_report))
    assert doc["format"] == "netdoc-report/1" and len(doc["findings"]) == 16
    broken = dict(doc, format="netdoc-report/0")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def test_junit_one_case_per_check_and_subject(example_report) -> None:  # type: ignore[no-untyped-def]
    root = ElementTree.fromstring(report_junit(example_report))
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    failures = [c for c in cases if c.find("failure") is not None]
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert len(failures) == 11 and len(skipped) == 5, "11 problems, 5 informational findings"
    assert suite.get("failures") == "11" and suite.get("tests") == str(len(cases))
    names = {c.get("name") for c in cases}
    assert "nic-claimed-twice proxmox1/eno1" in names
    assert any(n and n.startswith("duplicate-mac: ") for n in names), (
        "a check with no finding is one passing case"
    )


def test_xlsx_sheets_frozen_filtered_sized(example_report) -> None:  # type: ignore[no-untyped-def]
    wb = load_workbook(io.BytesIO(report_xlsx(example_report)))
    assert {"findings", "interfaces", "guest_nics", "nodes", "bonds"} <= set(wb.sheetnames)
    ws = wb["interfaces"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.column_dimensions["C"].width >= 8 and ws["A1"].font.bold


def test_every_format_is_deterministic(example_report) -> None:  # type: ignore[no-untyped-def]
    again = build_report(site_input(example_path("starwars")))
    assert report_html(example_report) == report_html(again)
    assert report_json(example_report) == report_json(again)
    assert report_xlsx(example_report) == report_xlsx(again)
    assert report_csv_zip(example_report) == report_csv_zip(again)
    assert sorted(zipfile.ZipFile(io.BytesIO(report_csv_zip(example_report))).namelist()) == [
        "findings.csv",
        "guest_nics.csv",
        "interfaces.csv",
    ]


def test_pdf_renders_to_page_images(example_report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = html_to_pdf(report_html(example_report))
    assert pdf.startswith(b"%PDF") and pdf == html_to_pdf(report_html(example_report))
    target = tmp_path / "report.pdf"
    target.write_bytes(pdf)
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", str(target), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2 and all(p.stat().st_size > 2000 for p in pages)
