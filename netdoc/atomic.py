"""Publishing a finished folder in place of an old one, so readers never see half an output.

Used by snapshot/writer.py (snapshots) and render/output.py (the site). Imports only errors.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from netdoc.errors import NetdocError


def _umask() -> int:
    """The process's umask, read without setting it (os.umask changes it for every thread)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def make_staging_dir(dest: Path) -> Path:
    """A new empty folder beside `dest` (same file system, so the final rename is atomic), with
    the permissions a plain mkdir gives: mkdtemp's 0700 would hide a published site from the web
    server that serves it."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    os.chmod(staging, 0o777 & ~_umask())
    return staging


def publish_dir(staging: Path, dest: Path, error: type[NetdocError] = NetdocError) -> None:
    """Swap `staging` in as `dest`; the previous `dest` is removed only once the new one is in place.

    Two renames: `dest` -> `.dest.old-*`, then `staging` -> `dest`. If the second fails the old
    folder is put back, so a failed publish leaves the previous output untouched.
    """
    old: Path | None = None
    try:
        if dest.is_symlink() or dest.is_file():
            raise error(f"{dest}: exists and is not a folder; refusing to replace it")
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
            os.rmdir(old)
            os.rename(dest, old)
        try:
            os.rename(staging, dest)
        except OSError:
            if old is not None:
                os.rename(old, dest)
                old = None
            raise
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise error(f"{dest}: cannot publish: {exc.strerror or exc}") from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_text_atomic(path: Path, text: str, *, private: bool = True) -> None:
    """Write a single text file through a temporary file and a rename.

    `private` keeps mkstemp's 0600 (files that may name secrets); otherwise the umask decides.
    """
    write_bytes_atomic(path, text.encode("utf-8"), private=private)


def write_bytes_atomic(path: Path, data: bytes, *, private: bool = True) -> None:
    """Write a single file through a temporary file and a rename (readers see old or new, never half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        if not private:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
