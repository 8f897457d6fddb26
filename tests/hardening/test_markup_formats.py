"""Markup injection across the export and report formats: one hostile snapshot, every format parses
and carries the strings as text.

The snapshot (hostile.markup_snapshot) names interfaces, a bridge, guests and storages, and
writes comments, with `<script>`, `"><img onerror>`, `{{ }}`, `]]>`, a quote, a backslash and a
line break meant to end a DOT label, a spreadsheet formula and XML entities. Each output of
`netdoc export --format dot|drawio|graphml|json` and `netdoc report --format md|junit|csv|xlsx`
is parsed by what reads it (graphviz `dot -Tsvg` then an XML parser, an XML parser, json.loads,
python-markdown then an HTML parser, csv, openpyxl) and must hold every string literally, as text:
no element, label or formula made of it. The site's pages, SVGs and HTML report are covered by
tests/browser and tests/report.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from netdoc.cli import main
from tests.hardening.hostile import MARKUP, markup_snapshot
from tests.oracles import require

# The strings as one line each: in a table cell or a one-line label a line break is a space or a
# break; the DOT string is checked in its two halves.
LINES = [v for k, v in MARKUP.items() if k != "dot"] + MARKUP["dot"].split("\n")
LINES = [s.strip() for s in LINES]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("markup")
    snap = str(markup_snapshot(root / "snap"))
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CACHE_HOME", str(root / "cache"))
    out: dict[str, Path] = {}
    try:
        for fmt, name in (("json", "graph.json"), ("graphml", "graph.graphml"), ("drawio", "x.drawio")):
            out[fmt] = root / name
            assert main(["export", snap, "--format", fmt, "-o", str(out[fmt])]) == 0
        out["dot"] = root / "dot"
        assert main(["export", snap, "--format", "dot", "-o", str(out["dot"])]) == 0
        for fmt in ("md", "junit", "csv", "xlsx"):
            out[f"report-{fmt}"] = root / f"report.{fmt}"
            assert main(["report", snap, "--format", fmt, "-o", str(out[f"report-{fmt}"])]) in (0, 1)
    finally:
        mp.undo()
    return out


def _has_all(texts: list[str], where: str, lines: list[str] = LINES) -> None:
    joined = "\n".join(" ".join(t.split()) for t in texts)
    missing = [s for s in lines if " ".join(s.split()) not in joined]
    assert missing == [], f"{where}: not found as text: {missing}"


def _xml_texts(root: ET.Element) -> list[str]:
    return [t for e in root.iter() for t in (e.text, e.tail, *e.attrib.values()) if t]


def _tags(root: ET.Element) -> set[str]:
    return {e.tag.rpartition("}")[2].lower() for e in root.iter()}


def test_json_export(outputs: dict[str, Path]) -> None:
    strings: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, str):
            strings.append(v)
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(k)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(json.loads(outputs["json"].read_text(encoding="utf-8")))
    _has_all(strings, "json")
    assert MARKUP["dot"] in strings or any(MARKUP["dot"] in s for s in strings)  # the line break kept


def test_graphml_export(outputs: dict[str, Path]) -> None:
    root = ET.parse(outputs["graphml"]).getroot()
    _has_all(_xml_texts(root), "graphml")
    assert _tags(root) <= {"graphml", "key", "graph", "node", "edge", "data", "default"}


def test_drawio_export(outputs: dict[str, Path]) -> None:
    text = outputs["drawio"].read_text(encoding="utf-8")
    root = ET.fromstring(text)  # expat: an entity it does not know (&xxe;) would fail the parse
    _has_all(_xml_texts(root), "drawio", [s for s in LINES if s])
    assert _tags(root) <= {
        "mxfile",
        "diagram",
        "mxgraphmodel",
        "root",
        "mxcell",
        "mxgeometry",
        "mxpoint",
        "array",
        "userobject",
    }
    for cell in root.iter("mxCell"):
        assert "html=1" not in cell.get("style", "")  # draw.io shows values as text, never as HTML


def test_dot_export_renders_with_graphviz_and_the_strings_stay_labels(outputs: dict[str, Path]) -> None:
    require(
        "graphviz",
        subprocess.run(["which", "dot"], capture_output=True, check=False).returncode == 0,
        "apt-get install graphviz",
    )
    texts: list[str] = []
    for path in sorted(outputs["dot"].glob("*.dot")):
        done = subprocess.run(["dot", "-Tsvg", str(path)], capture_output=True, timeout=60, check=False)
        assert done.returncode == 0, (path.name, done.stderr.decode())
        svg = ET.fromstring(done.stdout)
        assert "script" not in _tags(svg) and "img" not in _tags(svg) and "foreignobject" not in _tags(svg)
        texts += _xml_texts(svg)
        # the DOT string's `node [label="pwned"]` never became a node or a label of its own
        assert not [
            t for t in svg.iter("{http://www.w3.org/2000/svg}text") if (t.text or "").strip() == "pwned"
        ]
    _has_all(texts, "dot -Tsvg", [s for s in LINES if s])


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


def test_markdown_report_renders_the_strings_as_text(outputs: dict[str, Path]) -> None:
    import markdown

    source = outputs["report-md"].read_text(encoding="utf-8")
    page = _Html()
    page.feed(markdown.markdown(source, extensions=["tables", "attr_list", "md_in_html", "fenced_code"]))
    assert {t for t, _ in page.tags} <= {
        "h1",
        "h2",
        "h3",
        "h4",
        "p",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "ul",
        "ol",
        "li",
        "code",
        "pre",
        "a",
        "strong",
        "em",
        "br",
        "hr",
        "span",
        "details",
        "summary",
        "blockquote",
    }
    assert not [a for _, attrs in page.tags for a, _ in attrs if a.startswith("on")]
    _has_all(page.texts, "markdown report", [s for s in LINES if s])


def test_junit_report(outputs: dict[str, Path]) -> None:
    root = ET.parse(outputs["report-junit"]).getroot()
    assert _tags(root) <= {
        "testsuites",
        "testsuite",
        "testcase",
        "failure",
        "skipped",
        "properties",
        "property",
        "system-out",
    }
    _has_all(_xml_texts(root), "junit", [MARKUP["script"]])  # the NIC names are in the findings


def _inert_cells(cells: list[str], where: str) -> None:
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == [], f"{where}: cells a spreadsheet would evaluate: {dangerous[:3]}"


def test_csv_report(outputs: dict[str, Path]) -> None:
    with zipfile.ZipFile(outputs["report-csv"]) as z:
        cells = [
            c for name in z.namelist() for row in csv.reader(io.StringIO(z.read(name).decode())) for c in row
        ]
    _inert_cells(cells, "csv")
    _has_all(cells, "csv", [MARKUP["script"], MARKUP["img"], MARKUP["entity"], MARKUP["cdata"]])
    assert any(c == "'" + MARKUP["formula"] or ("'" + MARKUP["formula"]) in c for c in cells)


def test_xlsx_report(outputs: dict[str, Path]) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(outputs["report-xlsx"])
    cells = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    cells.append(str(cell.value))
    _inert_cells(cells, "xlsx")
    _has_all(
        cells, "xlsx", [MARKUP["script"], MARKUP["img"], MARKUP["entity"], MARKUP["cdata"], MARKUP["jinja"]]
    )
    assert any(("'" + MARKUP["formula"]) in c for c in cells)
