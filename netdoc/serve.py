"""`netdoc serve`: serve a built site on localhost over HTTP (search needs HTTP, not file://)."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path

from netdoc.errors import UsageError


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> http.server.ThreadingHTTPServer:
    """A threaded static-file server for `site_dir`; the caller runs serve_forever()."""
    if not (site_dir / "index.html").is_file():
        raise UsageError(f"{site_dir}: no built site here (run `netdoc build` first)")
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
