"""The site's mkdocs.yml: parsed with lines, refused settings named, merged with netdoc's, honoured by a build.

Also `netdoc init` (the commented mkdocs.yml and the first note) and `netdoc build --config`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from netdoc.cli import main
from netdoc.errors import ConfigError
from netdoc.examples import example_path
from netdoc.pipeline.site import build_site
from netdoc.render.site_template import MKDOCS_YML
from netdoc.render.siteconfig import SiteConfig, check_references, parse_site_config
from netdoc.render.siteconfig_merge import NETDOC_FEATURES, SEARCH_SEPARATOR, mkdocs_config
from netdoc.render.siteconfig_yaml import PyName

ROOT = Path(__file__).resolve().parents[1]


def _problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_site_config(text, "mkdocs.yml")
    return info.value.lines()


def _merged(text: str) -> dict[str, object]:
    return mkdocs_config(
        "netdoc: x", "/d", "/s", [{"Home": "index.md"}], parse_site_config(text, "mkdocs.yml")
    )


def test_the_repository_mkdocs_yml_is_what_init_writes_and_is_valid() -> None:
    assert (ROOT / "mkdocs.yml").read_text(encoding="utf-8") == MKDOCS_YML
    cfg = parse_site_config(MKDOCS_YML, "mkdocs.yml")
    assert cfg.theme["palette"] and cfg.files == ()


def test_empty_file_is_netdoc_defaults() -> None:
    assert parse_site_config("", "m.yml") == SiteConfig("m.yml")
    assert parse_site_config("# only comments\n", "m.yml").settings == {}


def test_every_refused_setting_has_its_line_and_reason() -> None:
    lines = _problems(
        "site_name: Net\n"  # 1
        "docs_dir: docs\n"  # 2
        "theme:\n"  # 3
        "  name: readthedocs\n"  # 4
        "  font:\n"  # 5
        "    text: Roboto\n"  # 6
        "  logo: https://example.com/l.png\n"  # 7
        "extra_css:\n"  # 8
        "  - ../outside.css\n"  # 9
        "plugins:\n"  # 10
        "  - privacy\n"  # 11
        "repo_url: https://github.com/x/y\n"  # 12
        "use_directory_urls: true\n"  # 13
        "strict: false\n"  # 14
        "nav:\n"  # 15
        "  - ../bad.md\n"  # 16
        "extra:\n"  # 17
        "  analytics: {provider: google}\n"  # 18
        "unheard_of: 1\n"  # 19
    )
    expected = [
        (2, "docs_dir", "notes folder"),
        (4, "theme.name", "material"),
        (5, "theme.font", "Google Fonts"),
        (7, "theme.logo", "local file"),
        (9, "extra_css[0]", "below the folder"),
        (11, "plugins[0]", "downloads"),
        (12, "repo_url", "leave the machine"),
        (13, "use_directory_urls", ".html"),
        (14, "strict", "broken link"),
        (16, "nav[0]", "a page of the site"),
        (18, "extra.analytics", "third party"),
        (19, "unheard_of", "supported:"),
    ]
    assert len(lines) == len(expected), lines
    for line, (n, key, reason) in zip(lines, expected, strict=True):
        assert line.startswith(f"mkdocs.yml: line {n}: {key}: "), line
        assert reason in line, line


def test_settings_netdoc_keeps_are_accepted_when_they_agree() -> None:
    cfg = parse_site_config(
        "strict: true\nuse_directory_urls: false\ntheme: {name: material, font: false}\n", "m"
    )
    assert cfg.theme == {}


def test_yaml_errors_and_tags_are_problems_with_lines() -> None:
    assert _problems("theme: [\n") == [
        "mkdocs.yml: line 2: not valid YAML: expected the node content, but found '<stream end>'"
    ]
    (env,) = _problems("site_name: Net\ncopyright: !ENV OWNER\n")
    assert env.startswith("mkdocs.yml: line 2: copyright: netdoc does not read !ENV tags")
    (py,) = _problems("site_name: !!python/name:os.system\n")
    assert "only read in markdown_extensions" in py
    (obj,) = _problems("site_name: !!python/object/apply:os.system [id]\n")
    assert "line 1" in obj and "not valid YAML" in obj
    assert _problems("- a\n- b\n") == [
        "mkdocs.yml: line 1: expected a mapping of settings, got list ['a', 'b']"
    ]


def test_merge_keeps_netdocs_settings_and_adds_the_users() -> None:
    cfg = _merged(
        "site_name: My net\n"
        "copyright: Example\n"
        "theme:\n  name: material\n  palette: {primary: red}\n  features: [navigation.tabs, navigation.top]\n"
        "  logo: assets/logo.svg\n  custom_dir: overrides\n"
        "extra_css: [assets/x.css]\nextra_javascript: [assets/x.js, {path: assets/m.js, type: module}]\n"
        "plugins:\n  - search:\n      lang: de\n  - tags\n"
        "markdown_extensions:\n  - def_list\n  - toc:\n      toc_depth: 2\n"
        "nav:\n  - Runbooks: [notes/a.md]\n  - Wiki: https://wiki.example.com/\n"
        "extra:\n  homepage: https://example.com/\n"
    )
    assert cfg["site_name"] == "My net" and cfg["copyright"] == "Example"
    assert (cfg["docs_dir"], cfg["site_dir"], cfg["strict"], cfg["use_directory_urls"]) == (
        "/d",
        "/s",
        True,
        False,
    )
    theme = cfg["theme"]
    assert isinstance(theme, dict)
    assert theme["font"] is False and theme["name"] == "material" and theme["palette"] == {"primary": "red"}
    assert theme["features"] == [*NETDOC_FEATURES, "navigation.tabs"]
    assert theme["logo"] == "assets/logo.svg" and theme["custom_dir"] == "./overrides"
    assert cfg["plugins"] == [{"search": {"separator": SEARCH_SEPARATOR, "lang": "de"}}, "tags"]
    assert cfg["markdown_extensions"] == [
        "tables",
        "admonition",
        "attr_list",
        {"toc": {"permalink": True, "toc_depth": 2}},
        "def_list",
    ]
    assert cfg["extra_css"] == ["assets/x.css"]
    assert cfg["extra_javascript"] == ["assets/x.js", {"path": "assets/m.js", "type": "module"}]
    assert cfg["nav"] == [
        {"Home": "index.md"},
        {"Runbooks": ["notes/a.md"]},
        {"Wiki": "https://wiki.example.com/"},
    ]
    assert cfg["extra"] == {"generator": False, "homepage": "https://example.com/"}


def test_without_a_config_the_site_is_netdocs_own() -> None:
    cfg = mkdocs_config(
        "netdoc: x", "/d", "/s", None, css=["assets/netdoc.css"], javascript=["assets/netdoc.js"]
    )
    assert "nav" not in cfg and cfg["plugins"] == [{"search": {"separator": SEARCH_SEPARATOR}}]
    assert cfg["extra_css"] == ["assets/netdoc.css"] and cfg["extra_javascript"] == ["assets/netdoc.js"]


def test_search_separator_splits_macs_and_keeps_addresses_whole() -> None:
    """lunr splits the index and the query with this (Material's search turns a MAC's colons into spaces)."""
    words = [
        w for w in re.split(SEARCH_SEPARATOR, "web-01 BC:24:11:5E:3A:01 192.0.2.15/24 fd00::15 end.") if w
    ]
    assert words == ["web", "01", "BC", "24", "11", "5E", "3A", "01", "192.0.2.15", "24", "fd00", "15", "end"]


def test_references_missing_files_clashes_and_nav_pages() -> None:
    cfg = parse_site_config(
        "theme: {logo: assets/netdoc.css, favicon: nope.png}\n"
        "extra_css: [starwars/index.css]\n"
        "nav: [notes/missing.md, {Nodes: starwars/nodes/index.md}]\n",
        "m.yml",
    )
    early = check_references(
        cfg, pages=None, reserved={"assets/netdoc.css"}, exists=lambda f: f.path != "nope.png"
    )
    assert [str(p) for p in early] == [
        "line 1: theme.logo: 'assets/netdoc.css': netdoc publishes its own file there",
        "line 1: theme.favicon: 'nope.png': no such file beside m.yml",
    ]
    late = check_references(
        cfg, pages={"starwars/nodes/index.md", "starwars/index.css"}, reserved=(), exists=lambda f: True
    )
    assert [p.key_path for p in late] == ["extra_css[0]", "nav[0]"]
    assert "is it in the notes folder?" in str(late[1])


def test_a_markdown_page_is_no_asset() -> None:
    (line,) = _problems("extra_css: [notes/x.md]\n")
    assert "would become a page" in line


def test_python_names_are_kept_as_names() -> None:
    """Material's documented emoji setup (`!!python/name:`) is read; the real build below passes it to mkdocs."""
    cfg = parse_site_config(
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n",
        "m.yml",
    )
    assert cfg.markdown_extensions == (
        (
            "pymdownx.emoji",
            {
                "emoji_index": PyName("material.extensions.emoji.twemoji"),
                "emoji_generator": PyName("material.extensions.emoji.to_svg"),
            },
        ),
    )


# ------------------------------------------------------------------------------------------ real builds


def _project(tmp_path: Path, config: str) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8"
    )
    (tmp_path / "assets" / "extra.css").write_text(".netdoc-test { color: red; }\n", encoding="utf-8")
    (tmp_path / "assets" / "extra.js").write_text("window.netdocTest = 1;\n", encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "runbook.md").write_text(
        "# Runbook\n\nBack [home](../index.md).\n", encoding="utf-8"
    )
    path = tmp_path / "mkdocs.yml"
    path.write_text(config, encoding="utf-8")
    return path


CUSTOM = """\
site_name: Example network
theme:
  name: material
  logo: assets/logo.svg
  favicon: assets/logo.svg
  palette: {primary: red}
  features: [navigation.tabs]
extra_css: [assets/extra.css]
extra_javascript: [assets/extra.js]
plugins:
  - search
  - tags
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
nav:
  - Runbooks:
      - notes/runbook.md
  - Wiki: https://wiki.example.com/
"""


@pytest.mark.integration
def test_a_custom_config_is_honoured_by_a_real_build(tmp_path: Path) -> None:
    config = _project(tmp_path, CUSTOM)
    site = build_site(example_path("starwars"), tmp_path / "site", config_file=config).site_dir
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "<title>Example network</title>" in home or "Example network" in home
    assert 'data-md-color-primary="red"' in home
    assert '<img src="assets/logo.svg"' in home and 'rel="icon" href="assets/logo.svg"' in home
    css = re.findall(r'<link rel="stylesheet" href="(assets/[^"]+)"', home)
    assert css[-2:] == ["assets/netdoc.css", "assets/extra.css"], "the user's CSS comes after netdoc's"
    scripts = re.findall(r'<script src="(assets/[^"]+)"', home)
    assert scripts[-2:] == ["assets/netdoc.js", "assets/extra.js"]
    assert "Runbooks" in home and 'href="notes/runbook.html"' in home and "https://wiki.example.com/" in home
    assert "md-tabs" in home, "the user's feature (navigation.tabs) is on"
    for asset in ("assets/logo.svg", "assets/extra.css", "assets/extra.js", "notes/runbook.html"):
        assert (site / asset).is_file(), asset
    assert "fonts.googleapis.com" not in home
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["separator"] == SEARCH_SEPARATOR


@pytest.mark.integration
def test_a_bad_config_fails_before_the_build_and_keeps_the_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous", encoding="utf-8")
    config = _project(
        tmp_path,
        CUSTOM.replace("  - tags\n", "  - tags\n  - nosuchplugin\n").replace("red}", "red}\n  font: Roboto"),
    )
    rc = main(["build", "--example", "starwars", "--site", str(site), "--config", str(config)])
    assert rc == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"netdoc: {config}: line 7: theme.font: netdoc keeps theme.font: false: a web font would be loaded "
        "from Google Fonts when the site is viewed, and no request may leave the machine",
        f"netdoc: {config}: line 14: plugins[2]: plugin 'nosuchplugin' is not installed "
        "(pip install it into netdoc's environment)",
    ]
    assert (site / "index.html").read_text(encoding="utf-8") == "previous"


@pytest.mark.integration
def test_a_nav_entry_to_a_missing_note_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _project(tmp_path, "nav:\n  - notes/runbook.md\n  - notes/nope.md\n")
    assert (
        main(["build", "--example", "starwars", "--site", str(tmp_path / "site"), "--config", str(config)])
        == 2
    )
    err = capsys.readouterr().err.splitlines()
    (line,) = [e for e in err if not e.startswith("netdoc build: ")]  # progress lines aside
    assert line.startswith(f"netdoc: {config}: line 3: nav[1]: 'notes/nope.md': no such page")
    assert not (tmp_path / "site").exists()


def test_config_and_no_config_together_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--example", "starwars", "--config", "x.yml", "--no-config"]) == 2
    assert "not both" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------ init


def test_init_writes_a_config_and_a_first_note_and_replaces_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "netsite"
    assert main(["init", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"written: {folder / 'mkdocs.yml'}" in out and f"written: {folder / 'notes' / 'index.md'}" in out
    assert (folder / "mkdocs.yml").read_text(encoding="utf-8") == MKDOCS_YML
    assert yaml.safe_load(MKDOCS_YML)["theme"]["name"] == "material"
    note = folder / "notes" / "index.md"
    assert note.read_text(encoding="utf-8").startswith("# Notes\n")
    (folder / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    note.write_text("# My notes\n", encoding="utf-8")
    assert main(["init", str(folder)]) == 2
    assert "already there" in capsys.readouterr().err
    assert (folder / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: mine\n"
    assert main(["init", str(folder), "--force"]) == 0
    assert (folder / "mkdocs.yml").read_text(encoding="utf-8") == MKDOCS_YML
    assert note.read_text(encoding="utf-8") == "# My notes\n", "a note is never replaced"


def test_init_writes_a_documentation_repository_and_keeps_what_is_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Inventory, waivers, .gitignore and deploy/ come with the config; the admin's files stay."""
    from netdoc.audit.waivers import parse_waivers
    from netdoc.render.scaffold import FILES

    folder = tmp_path / "docs-repo"
    folder.mkdir()
    (folder / "inventory.yml").write_text("clusters: []  # mine\n", encoding="utf-8")
    assert main(["init", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"kept:    {folder / 'inventory.yml'} (already there)" in out
    assert (folder / "inventory.yml").read_text(encoding="utf-8") == "clusters: []  # mine\n"
    for rel, text in FILES.items():
        if rel != "inventory.yml":
            assert (folder / rel).read_text(encoding="utf-8") == text, rel
            assert f"written: {folder / rel}" in out
    assert main(["init", str(folder), "--force"]) == 0
    assert "written: " + str(folder / "mkdocs.yml") in (out := capsys.readouterr().out)
    assert out.count("kept:") == len(FILES) + 1, "every file but mkdocs.yml is kept, even with --force"

    # What init writes is valid as it stands: the inventory checks, the waiver file loads
    # (also with its commented example switched on), the timer runs what the docs say.
    fresh = tmp_path / "fresh"
    assert main(["init", str(fresh)]) == 0
    capsys.readouterr()
    assert main(["inventory", "check", str(fresh / "inventory.yml")]) == 0
    assert "ok, 1 cluster" in capsys.readouterr().out
    text = FILES["waivers.yml"]
    assert parse_waivers(text, "waivers.yml") == ()
    example = "\n".join(
        line[1:] if line.startswith("#  ") else line
        for line in text.replace("waivers: []", "waivers:").splitlines()
    )
    (waiver,) = parse_waivers(example, "waivers.yml")
    assert waiver.code == "nic-unused"
    assert (
        main(
            ["check", "--example", "starwars", "--waivers", str(fresh / "waivers.yml"), "--fail-on", "never"]
        )
        == 0
    )
    assert "netdoc run -i inventory.yml" in FILES["deploy/netdoc.service"]
    assert "OnCalendar=" in FILES["deploy/netdoc.timer"]
    assert "/site/" in FILES[".gitignore"].splitlines()


@pytest.mark.integration
def test_build_in_an_init_folder_uses_its_config_and_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`netdoc init` then `netdoc build` there: ./mkdocs.yml is read, notes/ is published."""
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert main(["build", "--example", "starwars", "--site", "site"]) == 0
    out = capsys.readouterr().out
    assert "configuration: mkdocs.yml" in out
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'data-md-color-scheme="default"' in home and "md-header__button md-logo" in home
    assert (tmp_path / "site" / "notes" / "index.html").is_file()
    assert main(["build", "--example", "starwars", "--site", "site2", "--no-config"]) == 0
    assert "configuration: netdoc defaults" in capsys.readouterr().out
    assert not (tmp_path / "site2" / "notes").exists()


def test_demo_checks_the_config_before_starting_the_lab(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("theme:\n  name: readthedocs\n", encoding="utf-8")
    rc = main(
        [
            "demo",
            "--config",
            str(config),
            "--site",
            str(tmp_path / "site"),
            "--snapshots",
            str(tmp_path / "s"),
        ]
    )
    assert rc == 2
    assert capsys.readouterr().err.startswith(
        f"netdoc: {config}: line 2: theme.name: netdoc builds with the material theme"
    )
    assert not (tmp_path / "s").exists() and not (tmp_path / "site").exists()
