"""Publishing a folder: what a reader finds is the old folder or the new one, readable as mkdir makes it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from netdoc.atomic import make_staging_dir, publish_dir


def test_a_published_folder_has_the_permissions_of_a_plain_mkdir(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        dest = tmp_path / "site"
        staging = make_staging_dir(dest)
        (staging / "index.html").write_text("new")
        publish_dir(staging, dest)
        os.mkdir(tmp_path / "plain")
    finally:
        os.umask(old)
    mode = stat.S_IMODE(dest.stat().st_mode)
    assert mode == stat.S_IMODE((tmp_path / "plain").stat().st_mode) == 0o755  # a web server can read it
    assert (dest / "index.html").read_text() == "new"


def test_the_umask_is_honoured(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        staging = make_staging_dir(tmp_path / "private")
    finally:
        os.umask(old)
    assert stat.S_IMODE(staging.stat().st_mode) == 0o700
