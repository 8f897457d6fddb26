"""Writing graphviz DOT safely: quoted ids and attributes, escaped labels, stable order.

Every string from a cluster (names, comments) goes through `quote`, so a name crafted as DOT or
HTML (`"]; x [label=<...>`) stays text in the source and in the SVG graphviz makes of it.
"""

from __future__ import annotations

from collections.abc import Mapping


def quote(text: object) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as graphviz's \\n."""
    s = str(text).replace("\\", "\\\\").replace('"', '\\"')
    s = s.replace("\r", "").replace("\n", "\\n")
    return f'"{s}"'


def attrs(values: Mapping[str, object | None]) -> str:
    """`[a="1", b="x"]` with the None values left out, keys in the given order."""
    items = [f"{k}={quote(v)}" for k, v in values.items() if v is not None]
    return f" [{', '.join(items)}]" if items else ""


class Dot:
    """A small DOT document builder; lines come out in the order they were added."""

    def __init__(self, name: str, *, directed: bool = False, **graph: object) -> None:
        self.kind = "digraph" if directed else "graph"
        self.arrow = "->" if directed else "--"
        self.lines = [f"{self.kind} {quote(name)} {{"]
        defaults = {"fontname": "Helvetica", "fontsize": "10", **graph}
        self.lines.append(f"  graph{attrs(defaults)};")
        self.lines.append('  node [fontname="Helvetica", fontsize="10"];')
        self.lines.append('  edge [fontname="Helvetica", fontsize="9"];')
        self.depth = 1

    def node(self, node_id: str, **values: object | None) -> None:
        self.lines.append("  " * self.depth + quote(node_id) + attrs(values) + ";")

    def edge(self, a: str, b: str, **values: object | None) -> None:
        self.lines.append("  " * self.depth + f"{quote(a)} {self.arrow} {quote(b)}" + attrs(values) + ";")

    def open_cluster(self, name: str, **values: object | None) -> None:
        self.lines.append("  " * self.depth + f"subgraph {quote('cluster_' + name)} {{")
        self.depth += 1
        for key, value in values.items():
            if value is not None:
                self.lines.append("  " * self.depth + f"{key}={quote(value)};")

    def close_cluster(self) -> None:
        self.depth -= 1
        self.lines.append("  " * self.depth + "}")

    def text(self) -> str:
        return "\n".join([*self.lines, "}"]) + "\n"
