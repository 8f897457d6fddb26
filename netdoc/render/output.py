"""The one writer of rendered output: Markdown pages -> mkdocs-material build -> site/ swapped in.

The site is built offline (no web fonts, no CDN scripts: Material's offline plugin is not used
because it loads a shim from unpkg.com) into a staging folder, with `strict` on, and only a
complete build replaces the previous site. Pages link to .html files, so the site can be browsed
from file://; search needs HTTP (`netdoc serve`).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from netdoc.atomic import make_staging_dir, publish_dir, write_text_atomic
from netdoc.errors import RenderError
from netdoc.render.site_css import SITE_CSS, SITE_CSS_PATH

# Material prints an end-of-life banner for mkdocs 2 on every build; it is noise in cron mails.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def mkdocs_config(site_name: str, docs_dir: Path, site_dir: Path, nav: list[Any] | None) -> dict[str, Any]:
    """The generated mkdocs.yml: material theme, offline, strict, small explicit nav."""
    config: dict[str, Any] = {
        "site_name": site_name,
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "use_directory_urls": False,
        "strict": True,
        "theme": {
            "name": "material",
            "font": False,
            "features": ["navigation.indexes", "navigation.top", "search.highlight", "content.code.copy"],
            "palette": {"primary": "indigo"},
        },
        "plugins": ["search"],
        "markdown_extensions": ["tables", "admonition", "attr_list", {"toc": {"permalink": True}}],
        "extra": {"generator": False},
        "extra_css": [SITE_CSS_PATH],
    }
    if nav is not None:
        config["nav"] = nav
    return config


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def write_pages(pages: Mapping[str, str], docs_dir: Path) -> None:
    for rel, text in sorted(pages.items()):
        target = docs_dir / rel
        if docs_dir.resolve() not in target.resolve().parents:
            raise RenderError(f"page path {rel!r} leaves the docs folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def run_mkdocs(config: dict[str, Any], work: Path) -> None:
    """Build with mkdocs in-process; any warning fails the build (strict)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    cfg_file = work / "mkdocs.yml"
    cfg_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    handler = _Collect()
    mk_logger = logging.getLogger("mkdocs")
    mk_logger.addHandler(handler)
    old_propagate = mk_logger.propagate
    mk_logger.propagate = False  # mkdocs' INFO chatter is not ours to print
    try:
        build(load_config(config_file=str(cfg_file)))
    except MkDocsException as exc:
        detail = "; ".join(handler.messages[:5])
        raise RenderError(f"mkdocs build failed: {exc}{': ' + detail if detail else ''}") from exc
    except SystemExit as exc:  # mkdocs aborts with SystemExit in a few code paths
        raise RenderError(f"mkdocs build aborted ({exc.code}): {'; '.join(handler.messages[:5])}") from exc
    finally:
        mk_logger.removeHandler(handler)
        mk_logger.propagate = old_propagate
    if handler.messages:
        raise RenderError("mkdocs build warned (strict): " + "; ".join(handler.messages[:5]))


def publish_site(
    pages: Mapping[str, str], site_dir: Path, *, site_name: str, nav: list[Any] | None = None
) -> Path:
    """Write the pages, build them into a staging folder beside `site_dir`, then swap it in."""
    # mkdocs resolves site_dir against its config file's folder: give it absolute paths only.
    site_dir = site_dir.absolute()
    staging = make_staging_dir(site_dir)
    try:
        with tempfile.TemporaryDirectory(prefix="netdoc-docs-") as tmp:
            work = Path(tmp)
            docs = work / "docs"
            docs.mkdir()
            write_pages({**pages, SITE_CSS_PATH: SITE_CSS}, docs)
            run_mkdocs(mkdocs_config(site_name, docs, staging, nav), work)
        if not (staging / "index.html").is_file():
            raise RenderError(f"mkdocs produced no index.html in {staging}; the previous site is kept")
    except BaseException:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish_dir(staging, site_dir, RenderError)
    return site_dir


def write_file(path: Path, text: str) -> Path:
    """One output file (an export, a report), written through a temporary file and a rename."""
    try:
        write_text_atomic(path, text, private=False)
    except OSError as exc:
        raise RenderError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    return path
