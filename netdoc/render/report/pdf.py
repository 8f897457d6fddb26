"""The report as PDF: WeasyPrint lays out the HTML report (page numbers, table of contents).

WeasyPrint takes the document's dates from its `dcterms.created`/`modified` meta tags (the
clusters' collection time), so the same snapshot gives the same PDF.
"""

from __future__ import annotations

from netdoc.errors import RenderError
from netdoc.render.report.document import Report
from netdoc.render.report.html import report_html
from netdoc.render.report.printed import for_print


def html_to_pdf(html: str) -> bytes:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # WeasyPrint missing, or the system's Pango (OSError)
        raise RenderError(f"PDF reports need WeasyPrint and Pango ({exc}); run scripts/setup") from None
    import logging

    # WeasyPrint logs every CSS property it skips as a warning: noise in a cron mail
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    try:
        data = weasyprint.HTML(string=html).write_pdf()
    except Exception as exc:  # WeasyPrint raises many types; any of them is a failed report
        raise RenderError(f"WeasyPrint could not make the PDF: {exc}") from exc
    if not isinstance(data, bytes):
        raise RenderError("WeasyPrint returned no PDF")
    return data


def report_pdf(report: Report) -> bytes:
    """The printed report (render/report/printed.py: long lists summarised), columns sized to fit."""
    return html_to_pdf(report_html(for_print(report), fixed_layout=True))
