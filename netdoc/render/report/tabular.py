"""The report's tables for spreadsheets: CSV (findings, interfaces, guest NICs) and XLSX (every table).

Values from a cluster are made inert for spreadsheets (OWASP's CSV injection rule): a cell that
would start with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, in CSV and
XLSX alike, so no spreadsheet ever takes it for a formula. XML 1.0 does not allow control
characters (a NUL in a name from a hand-made snapshot): in XLSX they are shown as U+FFFD.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

from netdoc.render.report.document import Report, Table

CSV_TABLES = ("findings", "interfaces", "guest_nics")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # a fixed time: the same report gives the same zip bytes
_FIXED = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(cell: str) -> str:
    """An inert cell that XML (and openpyxl) accepts: control characters as U+FFFD."""
    return _XML_BAD.sub("\ufffd", inert(cell))


def inert(cell: str) -> str:
    """The cell as a spreadsheet shows it but never evaluates."""
    return "'" + cell if cell.startswith(_DANGEROUS) else cell


def table_csv(t: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([inert(h) for h in t.headers])
    for row in t.rows:
        writer.writerow([inert(c) for c in row])
    return out.getvalue()


def report_csv(report: Report) -> dict[str, str]:
    """{file name: CSV text} for the findings, interfaces and guest NICs."""
    tables = {t.key: t for t in report.tables()}
    return {f"{key}.csv": table_csv(tables[key]) for key in CSV_TABLES if key in tables}


def report_csv_zip(report: Report) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in sorted(report_csv(report).items()):
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


def _sheet_name(key: str, used: set[str]) -> str:
    name = key[:31]
    n = 2
    while name in used:
        suffix = f"-{n}"
        name = key[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def report_xlsx(report: Report) -> bytes:
    """One sheet per table: frozen header row, autofilter, column widths set (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for t in report.tables():
        ws = wb.create_sheet(_sheet_name(t.key, used))
        ws.append([_xml_text(h) for h in t.headers])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in t.rows:
            ws.append([_xml_text(c) for c in row])
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.data_type = "s"  # text, never a formula, whatever openpyxl guessed
        ws.freeze_panes = "A2"
        last = get_column_letter(max(1, len(t.headers)))
        ws.auto_filter.ref = f"A1:{last}{max(1, len(t.rows) + 1)}"
        for i, header in enumerate(t.headers, start=1):
            longest = max([len(header), *(len(r[i - 1]) for r in t.rows if i - 1 < len(r))])
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))
    wb.properties.creator = "netdoc"
    wb.properties.created = wb.properties.modified = _FIXED
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip_times(buf.getvalue())


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_zip_times(data: bytes) -> bytes:
    """openpyxl stamps every zip entry, and the document's `modified` property, with the time of
    saving: rewrite them with a fixed one."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            content = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>1980-01-01T00:00:00Z\g<2>", content)
            dst.writestr(info, content)
    return out.getvalue()
