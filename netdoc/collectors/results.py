"""What a command's exit status, stdout and stderr mean: stored content, or a failure (pure).

A node command (plan.NODE_COMMANDS) is `ok` with exit 0 (JSON outputs must parse), `missing` when
the program is not installed or its daemon is not running, `denied` when sudo or permissions
refuse it, an error otherwise. A `tail -n +1 --` read (plan.FileRead) is split back into files;
each file tail could not open is judged on its own (no such file: missing; permission: denied).
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field

from netdoc.collectors.outcome import Denied, Failed, Missing, Unreachable
from netdoc.collectors.plan import FORBIDDEN_PREFIXES, CommandItem, FileRead
from netdoc.collectors.ssh import CommandResult
from netdoc.parsers.tail import split_tail_output, tail_errors

_SUDO_REFUSED = (
    "a password is required",
    "a terminal is required",
    "is not allowed to execute",
    "is not in the sudoers file",
    "may not run sudo",
)
_NOT_RUNNING = (
    "database connection failed",  # ovs-vsctl without ovsdb-server
    "unable to connect to socket",  # lldpctl without lldpd
    "unable to connect to lldpd",
)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _cut(result: CommandResult) -> Unreachable:
    return Unreachable(
        f"the connection was cut before `{result.command}` finished (no exit status; "
        f"{len(result.stdout)} bytes received)"
    )


def too_big(result: CommandResult, what: str | None = None) -> Failed:
    """An output that passed the limit (collect.max_output_mib): a gap naming the limit, never retried."""
    assert result.cut_at is not None
    mib = result.cut_at / (1024 * 1024)
    return Failed(
        f"{what or f'`{result.command}`'}: the output passed the limit of {mib:g} MiB "
        f"({result.cut_at} bytes, collect.max_output_mib): cut there, not stored"
    )


def common_failure(result: CommandResult) -> Exception | None:
    """Failures every command shares: too big, cut off, not installed, sudo refused, permission denied."""
    if result.cut_at is not None:
        return too_big(result)
    if result.exit_status is None:
        return _cut(result)
    err = result.stderr_text
    low = err.lower()
    program = result.command.removeprefix("sudo -n ").split()[0]
    if result.command.startswith("sudo ") and any(s in low for s in _SUDO_REFUSED):
        return Denied(
            f"sudo refused `{result.command}`: {_first_line(err)} (add the sudoers lines of "
            f"docs/collection.md on the node)"
        )
    if result.exit_status == 127 or "command not found" in low:
        return Missing(f"{program}: command not found ({_first_line(err) or 'exit 127'})")
    if result.exit_status != 0 and "permission denied" in low:
        return Denied(f"`{result.command}`: {_first_line(err)}")
    return None


def judge_command(item: CommandItem, result: CommandResult) -> bytes:
    """The stdout to store, or raises the failure the result means."""
    failure = common_failure(result)
    if failure is not None:
        if isinstance(failure, Missing):
            raise Missing(f"{failure.message}: {item.absent_when}")
        raise failure
    err = result.stderr_text
    if result.exit_status != 0:
        if any(s in err.lower() for s in _NOT_RUNNING):
            raise Missing(f"{_first_line(err)} ({item.absent_when})")
        detail = _first_line(err) or f"{len(result.stdout)} bytes on stdout"
        raise Failed(f"`{result.command}` exited with status {result.exit_status}: {detail}")
    if item.name.endswith(".json"):
        try:
            json.loads(result.stdout)
        except RecursionError:
            raise Failed(
                f"`{result.command}` printed JSON nested too deep to read ({len(result.stdout)} bytes)"
            ) from None
        except ValueError:
            raise Failed(
                f"`{result.command}` printed {len(result.stdout)} bytes that are not JSON (garbled?)",
                transient=True,
            ) from None
    return result.stdout


@dataclass
class ReadOutcome:
    """A tail read split up: the files found, the files that failed, what was set aside."""

    files: dict[str, bytes] = field(default_factory=dict)  # absolute path -> content
    failures: list[tuple[str, Exception]] = field(default_factory=list)  # (absolute path, failure)
    ignored: list[str] = field(default_factory=list)  # paths tail named that were not asked for


def _allowed(path: str) -> bool:
    norm = posixpath.normpath(path)
    return norm.startswith("/") and not any(norm.startswith(p) for p in FORBIDDEN_PREFIXES)


def judge_read(read: FileRead, result: CommandResult) -> ReadOutcome:
    """Split a `tail -n +1 -- PATTERNS...` result into files and per-file failures.

    Raises when the whole command failed (cut short, tail missing, output without headers). An
    output cut at the limit keeps the files before the cut; the file it was cut in is a failure.
    """
    failure = common_failure(result)
    if failure is not None and not isinstance(failure, Denied) and result.cut_at is None:
        raise failure
    text = result.stdout.decode("utf-8", errors="surrogateescape")
    parts = split_tail_output(text)
    cut_in: str | None = None
    if result.cut_at is not None:
        named = [p for p in parts if p]
        if not named:
            raise failure or too_big(result)
        cut_in = named[-1]  # tail prints files in order: the last one is where the cut came
    if "" in parts and parts[""].strip():
        raise Failed(
            f"`{read.command}` printed {len(result.stdout)} bytes without `==> file <==` headers (garbled?)",
            transient=True,
        )
    out = ReadOutcome()
    for path, body in parts.items():
        if not path:
            continue
        if read.pattern_for(path) is None or not _allowed(path):
            out.ignored.append(path)
            continue
        if path == cut_in:
            out.failures.append((posixpath.normpath(path), too_big(result, path)))
            continue
        out.files[posixpath.normpath(path)] = body.encode("utf-8", errors="surrogateescape")
    errors = tail_errors(result.stderr.decode("utf-8", errors="replace"))
    for path, reason in errors.items():
        pattern = next((p for p in read.patterns if p.pattern == path), None) or read.pattern_for(path)
        if pattern is None:
            out.ignored.append(path)
            continue
        low = reason.lower()
        if "no such file" in low:
            # An unmatched glob stays literal in bash: no such file means "none there".
            if pattern.record_missing and not pattern.is_glob:
                out.failures.append((path, Missing(f"{path}: no such file")))
        elif "is a directory" in low:
            continue
        elif "permission denied" in low:
            where = pattern.folder if path == pattern.pattern and pattern.is_glob else path
            out.failures.append((where, Denied(f"{path}: permission denied (see docs/collection.md)")))
        else:
            out.failures.append((path, Failed(f"{path}: tail: {reason}")))
    if result.exit_status not in (0, 1) and not out.files and not out.failures:
        raise Failed(
            f"`{read.command}` exited with status {result.exit_status}: {_first_line(result.stderr_text)}"
        )
    return out
