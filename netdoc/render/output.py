"""The one writer of rendered output: Markdown pages -> mkdocs-material build -> site/ swapped in.

The site is built offline (no web fonts, no CDN scripts: Material's offline plugin is not used
because it loads a shim from unpkg.com) into a staging folder, with `strict` on, and only a
complete build replaces the previous site. Pages link to .html files, so the site can be browsed
from file://; search needs HTTP (`netdoc serve`). The configuration is render/siteconfig.py's
merge of netdoc's settings and the user's mkdocs.yml; the files that one names (logo, CSS, ...)
are copied beside the pages here.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from netdoc.atomic import make_staging_dir, publish_dir, write_bytes_atomic, write_text_atomic
from netdoc.errors import RenderError
from netdoc.render.site_css import SITE_CSS, SITE_CSS_PATH
from netdoc.render.site_js import SITE_JS, SITE_JS_PATH
from netdoc.render.siteconfig import PyName, SiteConfig, mkdocs_config

# Material prints an end-of-life banner for mkdocs 2 on every build; it is noise in cron mails.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


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


class _Dumper(yaml.SafeDumper):
    """safe_dump, plus the `!!python/name:` values of a user's markdown extension options."""


def _python_name(dumper: yaml.SafeDumper, data: PyName) -> yaml.Node:
    return dumper.represent_scalar(f"tag:yaml.org,2002:python/name:{data.name}", "")


_Dumper.add_representer(PyName, _python_name)

# netdoc's own assets, written beside the pages of every build.
OWN_ASSETS = {SITE_CSS_PATH: SITE_CSS, SITE_JS_PATH: SITE_JS}


def copy_config_files(user: SiteConfig, config_dir: Path, docs_dir: Path) -> None:
    """The local files a user's mkdocs.yml names (logo, favicon, CSS, JavaScript), at the same path."""
    for f in user.files:
        if f.folder:
            continue  # theme.custom_dir is read where it is
        target = docs_dir / f.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(config_dir / f.path, target)
        except OSError as exc:
            raise RenderError(f"{config_dir / f.path}: cannot copy it into the site: {exc}") from exc


def config_file_exists(config_dir: Path, path: str, folder: bool) -> bool:
    """Whether a file (or folder) a user's mkdocs.yml names is there (siteconfig.check_references)."""
    target = config_dir / path
    return target.is_dir() if folder else target.is_file()


def run_mkdocs(config: dict[str, Any], work: Path) -> None:
    """Build with mkdocs in-process; any warning fails the build (strict)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    cfg_file = work / "mkdocs.yml"
    cfg_file.write_text(yaml.dump(config, Dumper=_Dumper, sort_keys=False), encoding="utf-8")
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
    pages: Mapping[str, str],
    site_dir: Path,
    *,
    site_name: str,
    nav: list[Any] | None = None,
    user: SiteConfig | None = None,
    config_dir: Path | None = None,
) -> Path:
    """Write the pages, build them into a staging folder beside `site_dir`, then swap it in.

    `user` is the checked mkdocs.yml of the user (its files are read from `config_dir`).
    """
    # mkdocs resolves site_dir against its config file's folder: give it absolute paths only.
    site_dir = site_dir.absolute()
    base = (config_dir or Path()).absolute()
    staging = make_staging_dir(site_dir)
    try:
        with tempfile.TemporaryDirectory(prefix="netdoc-docs-") as tmp:
            work = Path(tmp)
            docs = work / "docs"
            docs.mkdir()
            write_pages({**pages, **OWN_ASSETS}, docs)
            if user is not None:
                copy_config_files(user, base, docs)
            config = mkdocs_config(
                site_name,
                str(docs),
                str(staging),
                nav,
                user,
                config_dir=str(base),
                css=[SITE_CSS_PATH],
                javascript=[SITE_JS_PATH],
            )
            run_mkdocs(config, work)
        if not (staging / "index.html").is_file():
            raise RenderError(f"mkdocs produced no index.html in {staging}; the previous site is kept")
    except BaseException:
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


def write_bytes_file(path: Path, data: bytes) -> Path:
    """One binary output file (a PDF, a spreadsheet, a zip), written through a temporary file."""
    try:
        write_bytes_atomic(path, data, private=False)
    except OSError as exc:
        raise RenderError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    return path
