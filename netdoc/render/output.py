"""The one writer of rendered output: Markdown pages -> mkdocs-material build -> site/ swapped in.

The site is built offline (no web fonts, no CDN scripts: Material's offline plugin is not used
because it loads a shim from unpkg.com) into a staging folder, with `strict` on, and only a
complete build replaces the previous site. Pages link to .html files, so the site can be browsed
from file://; search needs HTTP (`netdoc serve`). The configuration is render/siteconfig_merge.py's
merge of netdoc's settings and the user's mkdocs.yml; the files that one names (logo, CSS, ...)
are copied beside the pages here.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from netdoc.atomic import make_staging_dir, publish_dir, write_bytes_atomic, write_text_atomic
from netdoc.errors import RenderError
from netdoc.render.site_css import SITE_CSS, SITE_CSS_PATH
from netdoc.render.site_js import SITE_JS, SITE_JS_PATH
from netdoc.render.siteconfig import SiteConfig
from netdoc.render.siteconfig_merge import mkdocs_config
from netdoc.render.siteconfig_yaml import PyName

# Material prints an end-of-life banner for mkdocs 2 on every build; it is noise in cron mails.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# The big blocks of raw HTML netdoc writes itself: a source file's numbered lines and an inline
# SVG (every collected text in them escaped; neither holds a `</div>` of its own). Python-Markdown,
# mkdocs and Material's search would each parse them as HTML, element by element, for nothing:
# they are cut out of the Markdown mkdocs reads (an HTML comment stands in for each) and put back,
# as they are, into each finished page (the `_RawBlocks` plugin). Source pages are out of the
# search anyway, and a diagram's labels are in the tables beside it. Those parses were most of
# mkdocs' time at scale (docs/benchmarks.md).
_RAW_BLOCK = re.compile(r'^<div class="netdoc-(?:source|diagram)" markdown="0">\n.*?\n</div>$', re.M | re.S)
NOTES_PREFIX = "notes/"


class RawBlocks:
    """Raw HTML blocks set aside from the pages (by page), with the token that stands for each."""

    def __init__(self) -> None:
        self.nonce = secrets.token_hex(8)  # never in the output: only marks the spots
        self.blocks: dict[str, list[str]] = {}

    def cut(self, page: str, text: str) -> str:
        if page.startswith(NOTES_PREFIX) or 'markdown="0">' not in text:
            return text  # the admin's notes are theirs, exactly as written
        found: list[str] = []

        def keep(m: re.Match[str]) -> str:
            found.append(m[0])
            return f"\n\n<!--{self.token(len(found) - 1)}-->\n\n"

        out = _RAW_BLOCK.sub(keep, text)
        if found:
            self.blocks[page] = found
        return out

    def token(self, n: int) -> str:
        return f"netdocraw{self.nonce}x{n}"

    def paste(self, page: str, html: str) -> str:
        for n, block in enumerate(self.blocks.pop(page, ())):
            html = html.replace(f"<!--{self.token(n)}-->", block, 1)
        return html


def _raw_plugin(raw: RawBlocks) -> Any:
    """A mkdocs plugin (netdoc's own, not named in any mkdocs.yml) that puts the raw blocks back
    into each page as it is written (after the search has read it)."""
    from mkdocs.plugins import BasePlugin

    class _RawBlocks(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
        def on_post_page(self, output: str, *, page: Any, **kwargs: Any) -> str:
            return raw.paste(page.file.src_uri, output)

    return _RawBlocks()


def write_pages(pages: Mapping[str, str], docs_dir: Path, raw: RawBlocks | None = None) -> None:
    """The pages as files below `docs_dir`; with `raw`, their raw HTML blocks set aside into it."""
    root = docs_dir.resolve()
    made: set[Path] = set()
    for rel, text in sorted(pages.items()):
        target = docs_dir / rel
        if root not in target.resolve().parents:
            raise RenderError(f"page path {rel!r} leaves the docs folder")
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        body = raw.cut(rel, text) if raw is not None and rel.endswith(".md") else text
        target.write_text(body, encoding="utf-8")


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


# What a build tells while it goes: (step, done, total); total 0 for a step without a count.
Progress = Callable[[str, int, int], None]


class StepTimer:
    """Times the steps of a build into `timings` (seconds, summed by key) and tells `progress`
    when each one starts: `with step("load", "reading the snapshots"): ...`."""

    def __init__(self, timings: dict[str, float], progress: Progress | None) -> None:
        self.timings = timings
        self.progress = progress

    @contextmanager
    def __call__(self, key: str, label: str) -> Iterator[None]:
        if self.progress is not None:
            self.progress(label, 0, 0)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[key] = self.timings.get(key, 0.0) + time.perf_counter() - start


def _progress_plugin(pages: int, progress: Progress) -> Any:
    """A mkdocs plugin (added by netdoc itself, not named in any mkdocs.yml) that counts the pages
    mkdocs has converted (Markdown -> HTML) and written (HTML in Material's templates)."""
    from mkdocs.plugins import BasePlugin

    class _Pages(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
        converted = 0
        written = 0

        def on_page_content(self, html: str, **kwargs: Any) -> str:
            self.converted += 1
            progress("mkdocs: converting pages", self.converted, pages)
            return html

        def on_post_page(self, output: str, **kwargs: Any) -> str:
            self.written += 1
            progress("mkdocs: writing pages", self.written, pages)
            return output

    return _Pages()


def run_mkdocs(
    config: dict[str, Any],
    work: Path,
    *,
    progress: Progress | None = None,
    pages: int = 0,
    raw: RawBlocks | None = None,
) -> None:
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
        loaded = load_config(config_file=str(cfg_file))
        if raw is not None:
            loaded.plugins["netdoc-raw"] = _raw_plugin(raw)
            # first of the post_page handlers: a plugin that strips HTML comments (a minifier)
            # must not take the stand-ins away before the blocks are back
            handlers = loaded.plugins.events["post_page"]
            handlers.insert(0, handlers.pop())
        if progress is not None:
            loaded.plugins["netdoc-progress"] = _progress_plugin(pages, progress)
        build(loaded)
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
    stamp: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
    release: bool = False,
) -> Path:
    """Write the pages, build them into a staging folder beside `site_dir`, then swap it in.

    `user` is the checked mkdocs.yml of the user (its files are read from `config_dir`). `stamp`
    is written into the site as BUILD_STAMP (what it was built from: read_build_stamp).
    `timings` gets "write" (the Markdown on disk), "mkdocs" and "publish" (the swap) in seconds.
    `release`: empty `pages` (a dict) once written, so that its memory serves mkdocs.
    """
    clock = time.perf_counter()
    marks = timings if timings is not None else {}
    # mkdocs resolves site_dir against its config file's folder: give it absolute paths only.
    site_dir = site_dir.absolute()
    base = (config_dir or Path()).absolute()
    staging = make_staging_dir(site_dir)
    try:
        with tempfile.TemporaryDirectory(prefix="netdoc-docs-") as tmp:
            work = Path(tmp)
            docs = work / "docs"
            docs.mkdir()
            raw = RawBlocks()
            write_pages(pages, docs, raw)
            write_pages(OWN_ASSETS, docs)
            markdown_pages = sum(1 for p in pages if p.endswith(".md"))
            if release and isinstance(pages, dict):
                pages.clear()
            if user is not None:
                copy_config_files(user, base, docs)
            marks["write"] = time.perf_counter() - clock
            clock = time.perf_counter()
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
            run_mkdocs(config, work, progress=progress, pages=markdown_pages, raw=raw)
            marks["mkdocs"] = time.perf_counter() - clock
            clock = time.perf_counter()
        if not (staging / "index.html").is_file():
            raise RenderError(f"mkdocs produced no index.html in {staging}; the previous site is kept")
        if stamp is not None:
            (staging / BUILD_STAMP).write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n", "utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish_dir(staging, site_dir, RenderError)
    marks["publish"] = time.perf_counter() - clock
    return site_dir


# What a published site was built from (pipeline.inputs.build_digest and the counts it reported), so
# that a build with the same inputs knows it has nothing to do.
BUILD_STAMP = ".netdoc-build.json"


def read_build_stamp(site_dir: Path) -> dict[str, Any] | None:
    """The stamp of the site in `site_dir`, or None (no site, no stamp, an unreadable one)."""
    try:
        if not (site_dir / "index.html").is_file():
            return None
        data = json.loads((site_dir / BUILD_STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


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
