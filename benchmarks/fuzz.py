"""The long fuzzing campaign over every parser: atheris (coverage-guided libFuzzer) where it installs,
else hypothesis with a large budget. Any crash is written as a regression case under
tests/fuzz/regressions/, which the normal test run replays (docs/fuzzing.md).

    python -m benchmarks.fuzz --minutes 5                 # every kind, the time shared out
    python -m benchmarks.fuzz --minutes 2 --kind interfaces --kind ovs-show
    python -m benchmarks.fuzz --minutes 5 --engine hypothesis

Each kind runs in its own process (libFuzzer owns the process it runs in), seeded with the kind's
real inputs (tests/fuzz/harness.seeds), the parsers instrumented for coverage. The table at the
end gives per kind the executions, the crashes found (distinct: exception type and place) and the
regression files written; --json FILE writes the same as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _atheris_available() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


# ------------------------------------------------------------------------------------- one kind


def _child(kind: str, seconds: float, stats_file: Path, engine: str) -> None:
    """Fuzz one kind in this process; counts and crashes go to stats_file as they happen."""
    stats: dict[str, Any] = {"kind": kind, "engine": engine, "executions": 0, "crashes": [], "files": []}
    seen: set[str] = set()
    last_write = [0.0]

    def write(force: bool = False) -> None:
        now = time.monotonic()
        if force or now - last_write[0] > 1.0:
            last_write[0] = now
            stats_file.write_text(json.dumps(stats))

    if engine == "atheris":
        import atheris

        with atheris.instrument_imports(include=["netdoc"]):
            from netdoc.parsers.kinds import get_kind
            from tests.fuzz import harness

            get_kind(kind).parser()
    else:
        from tests.fuzz import harness

    def one(text: str) -> None:
        stats["executions"] += 1
        crash = harness.run_parser(kind, text)
        if crash is not None and crash.signature not in seen:
            seen.add(crash.signature)
            path = harness.save_regression(crash, engine)
            stats["crashes"].append({"error": crash.error, "where": crash.where})
            stats["files"].append(str(path.relative_to(ROOT)))
            write(force=True)
        else:
            write()

    if engine == "atheris":
        corpus = Path(tempfile.mkdtemp(prefix=f"netdoc-fuzz-{kind}-"))
        for i, seed in enumerate(harness.seeds(kind)):
            (corpus / f"seed-{i}").write_bytes(seed.encode("utf-8"))

        def test_one(data: bytes) -> None:
            one(data.decode("utf-8", errors="replace"))

        write(force=True)
        atheris.Setup(
            [sys.argv[0], f"-max_total_time={max(1, int(seconds))}", "-timeout=20", "-rss_limit_mb=2048",
             "-print_final_stats=1", str(corpus)],
            test_one,
        )  # fmt: skip
        atheris.Fuzz()  # never returns: libFuzzer exits the process at the end
        return
    from hypothesis import HealthCheck, given, settings

    from tests.fuzz.strategies import inputs

    end = time.monotonic() + seconds
    batch = settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    while time.monotonic() < end:

        @batch
        @given(text=inputs(kind))
        def run(text: str) -> None:
            if time.monotonic() < end:
                one(text)

        run()
    write(force=True)


# ------------------------------------------------------------------------------------- the campaign


def _run_kind(kind: str, seconds: float, engine: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        stats_file = Path(tmp) / "stats.json"
        cmd = [sys.executable, "-m", "benchmarks.fuzz", "--child", kind, "--seconds", str(seconds),
               "--stats", str(stats_file), "--engine", engine]  # fmt: skip
        started = time.monotonic()
        proc = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=seconds * 3 + 60, check=False,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )  # fmt: skip
        wall = time.monotonic() - started
        try:
            stats: dict[str, Any] = json.loads(stats_file.read_text())
        except (OSError, ValueError):
            stats = {"kind": kind, "engine": engine, "executions": 0, "crashes": [], "files": []}
        done = re.search(r"Done (\d+) runs", proc.stderr)
        if done:  # libFuzzer's own count (stats are written at most once a second)
            stats["executions"] = max(stats["executions"], int(done.group(1)))
        stats["seconds"] = round(wall, 1)
        if proc.returncode != 0 and not done:
            stats["process_error"] = proc.stderr.strip().splitlines()[-5:]
        return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=5.0, help="the whole campaign's wall time")
    ap.add_argument("--kind", action="append", default=[], help="only this kind (repeatable)")
    ap.add_argument("--engine", choices=["auto", "atheris", "hypothesis"], default="auto")
    ap.add_argument("--json", type=Path, help="write the results as JSON here too")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--stats", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    engine = args.engine
    if engine == "auto":
        engine = "atheris" if _atheris_available() else "hypothesis"
    if args.child:
        _child(args.child, args.seconds, args.stats, engine)
        return 0
    sys.path.insert(0, str(ROOT))
    from tests.fuzz.harness import all_kinds

    kinds = args.kind or all_kinds()
    unknown = sorted(set(kinds) - set(all_kinds()))
    if unknown:
        ap.error(f"unknown kind(s): {', '.join(unknown)}; see `netdoc kinds`")
    per_kind = max(2.0, args.minutes * 60 / len(kinds) - 1.5)  # ~1.5 s of start-up per process
    print(f"engine {engine}: {len(kinds)} kinds, {per_kind:.0f} s each", file=sys.stderr)
    results = []
    for kind in kinds:
        r = _run_kind(kind, per_kind, engine)
        results.append(r)
        print(
            f"{kind:20} {r['executions']:>9} execs  {len(r['crashes'])} crashes  {r['seconds']:>5} s"
            + (f"  PROCESS ERROR {r['process_error']}" if "process_error" in r else ""),
            file=sys.stderr,
        )
        for c in r["crashes"]:
            print(f"    {c['error']} at {c['where']}", file=sys.stderr)
    total = sum(r["executions"] for r in results)
    crashes = sum(len(r["crashes"]) for r in results)
    print(f"total: {total} executions, {crashes} distinct crashes, engine {engine}")
    if args.json:
        args.json.write_text(json.dumps({"engine": engine, "kinds": results}, indent=1) + "\n")
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
