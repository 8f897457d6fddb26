"""The user's mkdocs.yml: read from its text (pure) and checked, every problem with its key path and line.

netdoc owns the pages, the navigation it generates and the settings the site depends on (strict,
use_directory_urls false, theme.font false, its own docs_dir and site_dir); a user's mkdocs.yml adds
the rest: site name, theme (material only: palette, logo, favicon, features, icon), extra CSS and
JavaScript (local files), nav entries appended to netdoc's, markdown extensions and plugins. Every
setting netdoc cannot honour is a ConfigProblem with its key path, line and reason, all reported at
once. The YAML reading under it is siteconfig_yaml.py; siteconfig_merge.py merges the result with
what netdoc generates. docs/site.md is the user's side of these rules; pipeline/inputs.py reads the file
(snapshot/) and render/output.py copies the files it names and runs mkdocs.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from netdoc.errors import ConfigError, ConfigProblem
from netdoc.render.siteconfig_yaml import (
    URL,
    Loader,
    LocalFile,
    NavRef,
    PyName,
    Reader,
    Tag,
    key_lines,
    line_of,
    shown,
    tags_in,
)

_TOP_KEYS = (
    "site_name",
    "site_description",
    "site_author",
    "site_url",
    "copyright",
    "theme",
    "nav",
    "extra_css",
    "extra_javascript",
    "markdown_extensions",
    "plugins",
    "extra",
)
_TEXT_KEYS = ("site_name", "site_description", "site_author", "site_url", "copyright")
_THEME_KEYS = (
    "name",
    "palette",
    "logo",
    "favicon",
    "features",
    "icon",
    "language",
    "direction",
    "font",
    "custom_dir",
)
_OWN = "netdoc writes the site itself"
_REFUSED = {
    "docs_dir": f"{_OWN}: it generates the pages into its own docs folder; put your own pages in the "
    "notes folder (notes/ beside this file, or --notes DIR)",
    "site_dir": f"{_OWN}: give the output folder with --site DIR",
    "repo_url": "Material's repository button fetches the repository's facts from the forge's API in "
    "the reader's browser, and no request may leave the machine; link it from a note instead",
    "repo_name": "it only labels repo_url, which netdoc refuses (no request may leave the machine)",
    "edit_uri": "netdoc's pages are generated, there is no source page to edit",
    "dev_addr": "`netdoc serve` serves the site; give it --host and --port",
    "INHERIT": "netdoc reads one configuration file; merge the inherited settings into it",
    "hooks": "netdoc does not run Python hooks from the configuration; use an installed plugin",
    "validation": "netdoc builds strict: every link must resolve",
    "not_in_nav": "netdoc's navigation is generated; notes not in your nav are listed under Notes",
    "exclude_docs": "netdoc's pages are generated; leave a note out of the notes folder instead",
    "draft_docs": "netdoc's pages are generated; leave a note out of the notes folder instead",
    "extra_templates": "netdoc builds its own pages; use theme.custom_dir to override templates",
    "watch": "`mkdocs serve` is not used: rebuild with `netdoc build`",
    "remote_branch": "netdoc publishes into --site, not with `mkdocs gh-deploy`",
    "remote_name": "netdoc publishes into --site, not with `mkdocs gh-deploy`",
}
_KEPT = {"strict": True, "use_directory_urls": False}
_KEPT_REASON = {
    "strict": "netdoc builds strict so that a broken link fails the build",
    "use_directory_urls": "netdoc's pages link to .html files, so that the site can be opened from disk",
}
_PLUGINS_REFUSED = {
    "privacy": "it downloads external assets during the build (netdoc builds offline)",
    "social": "it downloads fonts during the build (netdoc builds offline)",
    "offline": "it loads a script from unpkg.com when the site is viewed; netdoc's site is already offline",
    "blog": "it needs its own folder in the docs folder, which netdoc generates",
    "projects": "it builds other projects; netdoc builds one site",
    "group": "it enables plugins netdoc cannot check",
    "info": "it makes a bug-report archive instead of the site",
}


@dataclass(frozen=True)
class SiteConfig:
    """The honoured part of a user's mkdocs.yml, checked; `path` names the file in messages."""

    path: str
    settings: Mapping[str, Any] = field(default_factory=dict)  # site_name, site_description, ...
    theme: Mapping[str, Any] = field(default_factory=dict)  # palette, logo, favicon, icon, language ...
    features: tuple[str, ...] = ()
    extra_css: tuple[str, ...] = ()
    extra_javascript: tuple[Any, ...] = ()  # a path, or {path, type, async, defer}
    markdown_extensions: tuple[tuple[str, Mapping[str, Any] | None], ...] = ()
    plugins: tuple[tuple[str, Mapping[str, Any] | None], ...] = ()  # without search
    search: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    nav: tuple[Any, ...] = ()
    files: tuple[LocalFile, ...] = ()  # logo, favicon, extra CSS and JavaScript, custom_dir
    nav_refs: tuple[NavRef, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict)  # key path -> line
    keys: Mapping[str, str] = field(default_factory=dict)  # "plugins:tags" -> its key path

    def line(self, key: str) -> int | None:
        return line_of(self.lines, key)


def parse_site_config(
    text: str, path: str, *, check: Callable[[SiteConfig], list[ConfigProblem]] | None = None
) -> SiteConfig:
    """A user's mkdocs.yml -> SiteConfig; every setting netdoc cannot honour is a ConfigError problem.

    `check` adds the problems only the environment knows (files, installed plugins); all of them
    are raised at once, in the order of the file.
    """
    try:
        lines = key_lines(yaml.compose(text, Loader=Loader))
        data = yaml.load(text, Loader=Loader)  # noqa: S506 - Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(path, [ConfigProblem("", f"not valid YAML: {reason}", line)]) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(path, [ConfigProblem("", f"expected a mapping of settings, got {shown(data)}", 1)])
    r = Reader(lines)
    for key, tagged in tags_in(data, ""):
        if isinstance(tagged, Tag):
            r.problem(
                key,
                f"netdoc does not read {tagged.tag} tags: write the value itself (the site is "
                "built from the file as it is)",
            )
        elif not key.startswith("markdown_extensions"):
            r.problem(key, "!!python/name is only read in markdown_extensions options")
    if r.problems:  # a tagged value cannot be checked any further
        raise ConfigError(path, sorted(r.problems, key=lambda p: p.line or 0))
    settings: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = str(raw_key)
        if key in _REFUSED:
            r.problem(key, f"not supported: {_REFUSED[key]}")
        elif key in _KEPT:
            if value != _KEPT[key]:
                r.problem(key, f"netdoc keeps {key}: {str(_KEPT[key]).lower()} ({_KEPT_REASON[key]})")
        elif key not in _TOP_KEYS:
            r.problem(key, f"not a setting netdoc supports (supported: {', '.join(_TOP_KEYS)}; docs/site.md)")
        elif key in _TEXT_KEYS and (text_value := r.string(value, key)) is not None:
            settings[key] = text_value
    theme, features = _theme(r, data.get("theme"))
    css = tuple(
        p
        for text_value, k in r.strings(data.get("extra_css", []), "extra_css")
        if (p := r.local(text_value, k)) is not None
    )
    scripts = tuple(_scripts(r, data.get("extra_javascript", [])))
    named = r.named(data.get("markdown_extensions", []), "markdown_extensions")
    extensions = tuple((n, o) for n, o, _ in named)
    plugins, search = _plugins(r, data.get("plugins", []))
    extra = _extra(r, data.get("extra", {}))
    nav = tuple(_nav(r, data.get("nav", []), "nav"))
    config = SiteConfig(
        path,
        settings,
        theme,
        features,
        css,
        scripts,
        extensions,
        plugins,
        search,
        extra,
        nav,
        tuple(r.files),
        tuple(r.nav_refs),
        lines,
        r.keys,
    )
    problems = r.problems + (check(config) if check is not None else [])
    if problems:
        raise ConfigError(path, sorted(problems, key=lambda p: p.line or 0))
    return config


def _theme(r: Reader, value: object) -> tuple[dict[str, Any], tuple[str, ...]]:
    if value is None:
        return {}, ()
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict):
        r.problem("theme", f"expected a mapping, got {shown(value)}")
        return {}, ()
    theme: dict[str, Any] = {}
    features: tuple[str, ...] = ()
    for key, item in value.items():
        k = f"theme.{key}"
        if key not in _THEME_KEYS:
            r.problem(k, f"not a theme setting netdoc supports (supported: {', '.join(_THEME_KEYS)})")
        elif key == "name":
            if item != "material":
                r.problem(k, f"netdoc builds with the material theme (mkdocs-material), not {item!r}")
        elif key == "font":
            if item is not False:
                r.problem(
                    k,
                    "netdoc keeps theme.font: false: a web font would be loaded from Google Fonts "
                    "when the site is viewed, and no request may leave the machine",
                )
        elif key in ("logo", "favicon"):
            if (p := r.local(item, k)) is not None:
                theme[key] = p
        elif key == "custom_dir":
            if (p := r.local(item, k, folder=True)) is not None:
                theme[key] = p
        elif key == "features":
            features = tuple(text for text, _ in r.strings(item, k))
        elif key in ("palette", "icon"):
            schemes = key == "palette" and isinstance(item, list) and all(isinstance(i, dict) for i in item)
            if schemes or isinstance(item, dict):
                theme[key] = item
            else:
                r.problem(k, f"expected a mapping, got {shown(item)}")
        elif (text := r.string(item, k)) is not None:
            theme[key] = text
    return theme, features


def _scripts(r: Reader, value: object) -> Iterator[Any]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        r.problem("extra_javascript", f"expected a list, got {shown(value)}")
        return
    for i, item in enumerate(items):
        key = f"extra_javascript[{i}]"
        if isinstance(item, dict):
            unknown = sorted(set(item) - {"path", "type", "async", "defer"})
            if unknown:
                r.problem(key, f"unknown keys {', '.join(map(str, unknown))} (path, type, async, defer)")
            elif (p := r.local(item.get("path"), f"{key}.path")) is not None:
                yield {**item, "path": p}
        elif (p := r.local(item, key)) is not None:
            yield p


def _plugin_name(name: str) -> str:
    return name.removeprefix("material/")


def _plugins(
    r: Reader, value: object
) -> tuple[tuple[tuple[str, Mapping[str, Any] | None], ...], Mapping[str, Any]]:
    plugins: list[tuple[str, Mapping[str, Any] | None]] = []
    search: Mapping[str, Any] = {}
    for name, opts, key in r.named(value, "plugins"):
        short = _plugin_name(name)
        if short in _PLUGINS_REFUSED:
            r.problem(key, f"plugin {name!r} is not supported: {_PLUGINS_REFUSED[short]}")
        elif short == "search":
            search = dict(opts or {})
            if search.get("enabled") is False:
                r.problem(f"{key}.enabled", "netdoc keeps search on (the guest index is found by search)")
        else:
            plugins.append((name, opts))
    return tuple(plugins), search


def _extra(r: Reader, value: object) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        r.problem("extra", f"expected a mapping, got {shown(value)}")
        return {}
    if "analytics" in value:
        r.problem(
            "extra.analytics",
            "not supported: analytics sends every page view to a third party, and "
            "no request may leave the machine",
        )
    return {k: v for k, v in value.items() if k != "analytics"}


def _nav(r: Reader, value: object, key: str) -> Iterator[Any]:
    if not isinstance(value, list):
        r.problem(key, f"expected a list of entries, got {shown(value)}")
        return
    for i, item in enumerate(value):
        item_key = f"{key}[{i}]"
        if isinstance(item, str):
            if _nav_target(r, item, item_key):
                yield item
        elif isinstance(item, dict) and len(item) == 1 and isinstance(next(iter(item)), str):
            title, target = next(iter(item.items()))
            if isinstance(target, str):
                if _nav_target(r, target, f"{item_key}.{title}"):
                    yield {title: target}
            elif isinstance(target, list):
                yield {title: list(_nav(r, target, f"{item_key}.{title}"))}
            else:
                r.problem(f"{item_key}.{title}", f"expected a page, a URL or a list, got {shown(target)}")
        else:
            r.problem(item_key, f"expected `Title: page.md` or a page, got {shown(item)}")


def _nav_target(r: Reader, target: str, key: str) -> bool:
    if URL.match(target):
        return True  # a link, followed only when the reader clicks it
    norm = posixpath.normpath(target)
    if target.startswith("/") or norm.startswith("../") or not norm.endswith(".md"):
        r.problem(key, f"{target!r}: a nav entry is a page of the site (notes/....md) or a URL")
        return False
    r.nav_refs.append(NavRef(norm, key, line_of(r.lines, key)))
    return True


# ------------------------------------------------------------------------------------------ checks


def check_references(
    cfg: SiteConfig,
    *,
    pages: Collection[str] | None,
    reserved: Collection[str],
    exists: Callable[[LocalFile], bool],
) -> list[ConfigProblem]:
    """Problems of the files and pages a config names: missing, or clashing with netdoc's own.

    `pages` is every page of the site (None: only the notes are known yet, check nav entries into
    notes/ only); `exists` tells whether a local file (or folder) is there.
    """
    problems = []
    for f in cfg.files:
        what = "folder" if f.folder else "file"
        if not exists(f):
            problems.append(ConfigProblem(f.key, f"{f.path!r}: no such {what} beside {cfg.path}", f.line))
        elif f.path in reserved or (pages is not None and f.path in pages):
            problems.append(ConfigProblem(f.key, f"{f.path!r}: netdoc publishes its own file there", f.line))
    for ref in cfg.nav_refs:
        if pages is None or ref.page in pages:
            continue
        problems.append(
            ConfigProblem(
                ref.key,
                f"{ref.page!r}: no such page on the site"
                + (
                    " (notes are published under notes/: is it in the notes folder?)"
                    if ref.page.startswith("notes/")
                    else ""
                ),
                ref.line,
            )
        )
    return problems


def check_installed(cfg: SiteConfig) -> list[ConfigProblem]:
    """Problems of plugins that are not installed and markdown extensions that do not load."""
    from importlib.metadata import entry_points

    import markdown

    problems = []
    installed = {e.name for e in entry_points(group="mkdocs.plugins")}
    for name, _ in cfg.plugins:
        if name not in installed and f"material/{name}" not in installed:
            key = cfg.keys.get(f"plugins:{name}", "plugins")
            problems.append(
                ConfigProblem(
                    key,
                    f"plugin {name!r} is not installed (pip install it into netdoc's environment)",
                    cfg.line(key),
                )
            )
    for name, opts in cfg.markdown_extensions:
        key = cfg.keys.get(f"markdown_extensions:{name}", "markdown_extensions")
        try:
            resolved = _resolve(opts or {})
            markdown.Markdown(extensions=[name], extension_configs={name: resolved})
        except Exception as exc:  # any failure of a third-party extension is a config problem
            problems.append(
                ConfigProblem(key, f"markdown extension {name!r} does not load: {exc}", cfg.line(key))
            )
    return problems


def _resolve(value: Any) -> Any:
    """PyNames imported, as mkdocs' loader does, to check an extension's options."""
    import importlib

    if isinstance(value, PyName):
        module, _, attr = value.name.rpartition(".")
        return getattr(importlib.import_module(module), attr)
    if isinstance(value, dict):
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    return value
