"""`netdoc run`: the unattended nightly job, from the inventory to the published site and reports.

    collect every cluster (into its history) -> what changed since the previous run -> build the
    site -> audit -> reports -> publish site and reports atomically -> summary (and notify, git)

One run at a time: an advisory lock (flock) on <out>/.netdoc-run.lock; a second run says who
holds it and exits 2; a lock left by a killed run is released by the kernel, and the next run says
it took it over. When nothing changed (same model, same findings) the site and the reports are
left exactly as they were and the summary says "no change"; when nothing could be collected at all,
the previous snapshots, site and reports stay. Layer: between cli and pipeline (it composes
pipeline's steps); does I/O (the lock, the notify command, git).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from netdoc import history
from netdoc.audit.finding import Finding, Severity
from netdoc.changes.change import Change
from netdoc.errors import NetdocError, UsageError
from netdoc.estate import check_estate
from netdoc.pipeline.collection import collect_inventory
from netdoc.pipeline.inputs import BuildProgress
from netdoc.pipeline.reports import make_report
from netdoc.pipeline.site import build_site
from netdoc.render.changes_text import changes_text
from netdoc.render.report.files import REPORT_FORMATS, write_report

if TYPE_CHECKING:
    from netdoc.audit.run import AuditResult
    from netdoc.render.report.document import Report
    from netdoc.render.siteinput import SiteInput

LOCK_NAME = ".netdoc-run.lock"
DEFAULT_REPORTS = ("html", "pdf", "json", "xlsx", "junit")
_REPORT_FILES = {"html": "report.html", "pdf": "report.pdf", "md": "report.md", "json": "report.json"}
_REPORT_FILES |= {"csv": "report-csv.zip", "xlsx": "report.xlsx", "junit": "report-junit.xml"}


class RunLocked(NetdocError):
    """Another run holds the lock (exit 2)."""

    exit_code = 2


@dataclass
class RunOptions:
    inventory: Path
    out_dir: Path = Path("snapshots")
    site_dir: Path = Path("site")
    reports_dir: Path = Path("reports")
    report_formats: tuple[str, ...] = DEFAULT_REPORTS
    keep: int = 30
    fail_on: Severity | None = Severity.HIGH
    waivers_file: Path | None = None
    notes_dir: Path | None = None
    config_file: Path | None = None
    notify_command: str | None = None
    git: bool = False
    accept_new_host_keys: bool = False


@dataclass
class RunResult:
    exit_code: int
    summary: str
    changes: tuple[Change, ...] = ()
    new_findings: tuple[Finding, ...] = ()
    resolved_findings: tuple[Finding, ...] = ()
    partial: list[str] = field(default_factory=list)
    published: bool = False
    took_over: str = ""


class EventLog:
    """What the run tells while it goes: plain lines, or one JSON object per line (--log-format json)."""

    def __init__(
        self, fmt: str = "text", stream: IO[str] | None = None, before: Callable[[], None] | None = None
    ) -> None:
        self.fmt = fmt
        self.stream = stream or sys.stderr
        self.before = before  # called before each line (a terminal's progress line is cleared)

    def __call__(self, event: str, message: str, **data: Any) -> None:
        if self.before is not None:
            self.before()
        if self.fmt == "json":
            record = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "event": event}
            record.update({"message": message, **data})
            self.stream.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        else:
            self.stream.write(f"netdoc run: {message}\n")
        self.stream.flush()


@contextmanager
def run_lock(out_dir: Path, log: Callable[..., None]) -> Iterator[str]:
    """Hold the run lock; yields what was found of a previous run that did not finish ("" if none)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() or "unknown"
            raise RunLocked(f"another netdoc run holds {path} ({holder}); this one does nothing") from None
        previous = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
        took_over = ""
        if previous:
            # the kernel released the lock of a run that died; its note is still in the file
            took_over = previous
            log(
                "lock",
                f"a previous run did not finish ({previous}); its lock is taken over",
                previous=previous,
            )
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        me = f"pid {os.getpid()} on {socket.gethostname()}, started {started}"
        os.ftruncate(fd, 0)
        os.pwrite(fd, me.encode(), 0)
        try:
            yield took_over
        finally:
            os.ftruncate(fd, 0)  # a clean end leaves no note: the next run knows this one finished
    finally:
        os.close(fd)


def _latest_snapshots(out_dir: Path) -> dict[str, Path]:
    found = {}
    for folder in (
        sorted(p for p in out_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
        if out_dir.is_dir()
        else ()
    ):
        snap = history.latest(folder)
        if snap is not None:
            found[folder.name] = snap
    return found


def _changes(
    before: dict[str, Path], after: dict[str, Path], waivers: Path | None
) -> tuple[tuple[Change, ...], tuple[Finding, ...], tuple[Finding, ...]]:
    """What changed from the previous latest snapshots to the new ones, and new/resolved findings."""
    from netdoc.changes.compare import compare

    old_paths = [before[c] for c in sorted(before) if c in after and before[c] != after[c]]
    new_paths = [after[c] for c in sorted(before) if c in after and before[c] != after[c]]
    added = [after[c] for c in sorted(after) if c not in before]
    changes: list[Change] = []
    new_f: list[Finding] = []
    resolved: list[Finding] = []
    if old_paths:
        old_topo, old_audit = check_estate(old_paths, waivers_file=waivers)
        new_topo, new_audit = check_estate(new_paths, waivers_file=waivers)
        changes += compare(old_topo.estate, new_topo.estate, old_audit.findings, new_audit.findings)
        old_keys = {(f.code, f.key) for f in old_audit.findings}
        new_keys = {(f.code, f.key) for f in new_audit.findings}
        new_f += [f for f in new_audit.findings if (f.code, f.key) not in old_keys]
        resolved += [f for f in old_audit.findings if (f.code, f.key) not in new_keys]
    if added:
        topo, audit = check_estate(added, waivers_file=waivers)
        for c in topo.estate.clusters:
            changes.append(
                Change(c.name, None, "config", "cluster", f"cluster:{c.name}", f"cluster {c.name} added")
            )
        new_f += list(audit.findings)
    return tuple(changes), tuple(new_f), tuple(resolved)


def _publish_reports(report: Report, opts: RunOptions) -> list[Path]:
    """Every report format into a staging folder, then swapped in as the reports folder."""
    from netdoc.atomic import make_staging_dir, publish_dir

    staging = make_staging_dir(opts.reports_dir.absolute())
    written: list[Path] = []
    try:
        for fmt in opts.report_formats:
            written += write_report(report, fmt, staging / _REPORT_FILES[fmt])
    except BaseException:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish_dir(staging, opts.reports_dir.absolute())
    return [opts.reports_dir / p.name for p in written]


def _summary(result: RunResult, clusters: list[str], results: Sequence[Any]) -> str:
    lines = [f"netdoc run: {', '.join(clusters) or 'no cluster'}"]
    for r in results:
        state = "ok" if not r.partial else ("nothing read" if not r.became_latest else "partial")
        lines.append(f"  {r.cluster}: collected {state} ({r.seconds:.1f} s)")
        bad = [row for row in r.rows if row.state != "ok"]
        for row in bad:
            lines.append(
                f"    {row.name}: {row.state} ({row.problem})"
                if row.problem
                else f"    {row.name}: {row.state}"
            )
        if r.carried_over:
            lines.append(f"    shown from the previous run (stale): {', '.join(r.carried_over)}")
    if not result.changes:
        lines.append("no change")
    else:
        lines.append(changes_text(result.changes).rstrip())
    if result.new_findings:
        lines.append(f"new findings: {len(result.new_findings)}")
        lines += [f"  {f.severity.value}: {f.code} {f.cluster}/{f.subject}" for f in result.new_findings]
    if result.resolved_findings:
        lines.append(f"resolved findings: {len(result.resolved_findings)}")
        lines += [f"  {f.code} {f.cluster}/{f.subject}" for f in result.resolved_findings]
    lines.append(f"site: {'published' if result.published else 'unchanged'}; exit code {result.exit_code}")
    return "\n".join(lines) + "\n"


def _notify(command: str, summary: str, exit_code: int, changes: int, log: Callable[..., None]) -> None:
    """Run the admin's command with the summary on its standard input (no shell: shlex words)."""
    env = dict(os.environ, NETDOC_EXIT_CODE=str(exit_code), NETDOC_CHANGES=str(changes))
    try:
        done = subprocess.run(
            shlex.split(command),
            input=summary.encode(),
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        log("notify", f"the notify command failed: {exc}", error=str(exc))
        return
    if done.returncode != 0:
        log("notify", f"the notify command exited with {done.returncode}", code=done.returncode)


def _git_commit(paths: Sequence[Path], message: str, log: Callable[..., None]) -> None:
    """Commit the snapshots and the generated pages into the documentation repository (the cwd's)."""

    def git(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["git", *args], capture_output=True, timeout=300, check=False)

    if git("rev-parse", "--is-inside-work-tree").returncode != 0:
        log("git", "--git: not inside a git repository; nothing committed")
        return
    git("add", "-A", "--", *[str(p) for p in paths if p.exists()])
    if git("diff", "--cached", "--quiet").returncode == 0:
        log("git", "--git: nothing to commit")
        return
    done = git("-c", "user.name=netdoc", "-c", "user.email=netdoc@localhost", "commit", "-q", "-m", message)
    log(
        "git",
        "--git: committed"
        if done.returncode == 0
        else f"--git: commit failed: {done.stderr.decode(errors='replace').strip()}",
    )


def step_log(log: Callable[..., None]) -> BuildProgress:
    """A build's progress as events: one per step ("build: diagrams: 65"), never one per diagram."""
    last = [""]

    def progress(step: str, done: int, total: int) -> None:
        if step != last[0]:
            last[0] = step
            log("progress", f"build: {step}" + (f": {total}" if total else ""), step=step, total=total)

    return progress


def run_nightly(
    opts: RunOptions, log: Callable[..., None] | None = None, progress: BuildProgress | None = None
) -> RunResult:
    """The whole unattended run (see the module docstring); never leaves a half-published output.

    `progress` is told the build's steps (pipeline.inputs.BuildProgress); default: step_log(log).
    """
    log = log or EventLog()
    progress = progress if progress is not None else step_log(log)
    start = time.monotonic()
    with run_lock(opts.out_dir, log) as took_over:
        before = _latest_snapshots(opts.out_dir)
        log("collect", f"collecting the clusters of {opts.inventory}")
        results = collect_inventory(
            opts.inventory,
            out_dir=opts.out_dir,
            accept_new_host_keys=opts.accept_new_host_keys,
            keep=opts.keep,
            on_warning=lambda w: log("warning", w),
        )
        after = _latest_snapshots(opts.out_dir)
        partial = [r.cluster for r in results if r.partial]
        changes, new_f, resolved = _changes(before, after, opts.waivers_file)
        result = RunResult(0, "", changes, new_f, resolved, partial, took_over=took_over)
        nothing_read = bool(results) and all(not r.became_latest for r in results)
        site_there = (opts.site_dir / "index.html").is_file()
        audits: list[AuditResult] = []  # the new snapshots' audit, when the build made it
        if after and not nothing_read and (changes or not site_there or before.keys() != after.keys()):
            log("build", f"building the site into {opts.site_dir}")

            reports: list[Report] = []

            def report_of(site: SiteInput) -> None:  # made while the model is there, written after
                audits.append(site.audit)
                if opts.report_formats:
                    paths = list(after.values())
                    reports.append(make_report(paths, waivers_file=opts.waivers_file, site=site)[0])

            built = build_site(
                list(after.values()),
                opts.site_dir,
                notes_dir=opts.notes_dir,
                waivers_file=opts.waivers_file,
                config_file=opts.config_file,
                progress=progress,
                then=report_of,
            )
            if built.unchanged and opts.report_formats and not opts.reports_dir.is_dir():
                reports.append(make_report(list(after.values()), waivers_file=opts.waivers_file)[0])
            if reports:  # the plain report, written once the site's model is freed (peak memory)
                log("report", f"writing the reports into {opts.reports_dir}")
                _publish_reports(reports[0], opts)
            result.published = True
        elif nothing_read:
            log("build", "nothing could be collected: the previous site and reports stay as they were")
        else:
            log("build", "no change: the site and the reports stay as they were")
        findings = audits[0] if audits else None
        if findings is None and after:
            findings = check_estate(list(after.values()), waivers_file=opts.waivers_file)[1]
        if partial:
            result.exit_code = 3
        elif findings is not None and opts.fail_on is not None and findings.at_or_above(opts.fail_on):
            result.exit_code = 1
        result.summary = _summary(result, sorted(after), results)
        log(
            "done",
            f"finished in {time.monotonic() - start:.1f} s, exit code {result.exit_code}",
            exit_code=result.exit_code,
            changes=len(changes),
        )
        if opts.notify_command and (changes or partial or result.exit_code):
            _notify(opts.notify_command, result.summary, result.exit_code, len(changes), log)
        if opts.git and (changes or result.published):
            stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
            _git_commit(
                [opts.out_dir, opts.site_dir, opts.reports_dir],
                f"netdoc run {stamp}: {len(changes)} change(s)",
                log,
            )
    return result


def report_formats(text: str) -> tuple[str, ...]:
    """`html,pdf,json` -> the formats, checked; `none` -> no report."""
    if text.strip().lower() == "none":
        return ()
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in formats if f not in REPORT_FORMATS]
    if unknown:
        raise UsageError(
            f"unknown report format(s) {', '.join(unknown)}; use {', '.join(REPORT_FORMATS)} or none"
        )
    return formats
