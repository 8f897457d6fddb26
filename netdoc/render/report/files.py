"""Writing a report in each of its formats (the files `netdoc report` and `netdoc run` publish)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from netdoc.errors import UsageError

if TYPE_CHECKING:  # imported by pipeline at its start: nothing heavy at run time
    from netdoc.render.report.document import Report

__all__ = ["REPORT_FORMATS", "write_report"]

REPORT_FORMATS = ("html", "pdf", "md", "json", "csv", "xlsx", "junit")


def write_report(report: Report, fmt: str, output: Path) -> list[Path]:
    """Write the report in one format; csv: one file each in a folder, or a zip when `output` is a file.

    The report is plain data (no model): `netdoc run` writes it after the site's model is freed."""
    from netdoc.render.output import write_bytes_file, write_file
    from netdoc.render.report.html import report_html
    from netdoc.render.report.pdf import report_pdf
    from netdoc.render.report.tabular import report_csv, report_csv_zip, report_xlsx
    from netdoc.render.report.text_formats import report_json, report_junit, report_markdown

    if fmt == "html":
        return [write_file(output, report_html(report))]
    if fmt == "pdf":
        return [write_bytes_file(output, report_pdf(report))]
    if fmt == "md":
        return [write_file(output, report_markdown(report))]
    if fmt == "json":
        return [write_file(output, report_json(report))]
    if fmt == "junit":
        return [write_file(output, report_junit(report, list(report.waived)))]
    if fmt == "xlsx":
        return [write_bytes_file(output, report_xlsx(report))]
    if fmt == "csv":
        if output.is_dir() or output.suffix == "":
            return [write_file(output / name, text) for name, text in sorted(report_csv(report).items())]
        return [write_bytes_file(output, report_csv_zip(report))]
    raise UsageError(f"unknown report format {fmt!r}; one of {', '.join(REPORT_FORMATS)}")
