"""Run graphviz: DOT text in, SVG (or a layout as JSON) out. The one place netdoc starts `dot`.

Graphviz is a system package (scripts/setup installs it); a missing `dot`, a timeout or a
rejected source is a RenderError naming the diagram, never a traceback.
"""

from __future__ import annotations

import shutil
import subprocess

from netdoc.errors import RenderError

TIMEOUT_S = 120


def run_dot(source: str, fmt: str = "svg", *, name: str = "diagram") -> str:
    """`dot -T<fmt>` over the source; the output as text."""
    exe = shutil.which("dot")
    if exe is None:
        raise RenderError(
            "graphviz is not installed (no `dot` on PATH): run scripts/setup or apt install graphviz"
        )
    try:
        done = subprocess.run(
            [exe, f"-T{fmt}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(f"graphviz took more than {TIMEOUT_S} s on diagram {name}") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[:3]
        raise RenderError(
            f"graphviz failed on diagram {name}: {'; '.join(detail) or 'exit ' + str(done.returncode)}"
        )
    return done.stdout.decode("utf-8", "replace")


def render_svg(source: str, *, name: str = "diagram") -> str:
    """SVG text without the XML prolog and doctype (ready to be inlined in a page)."""
    svg = run_dot(source, "svg", name=name)
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
