"""SSH work of a cluster run: per node one connection and one batched round trip running all its
reads and commands, and the cluster-wide /etc/pve reads done once, by whichever node gets there first.

A node job connects (with retries), claims the shared /etc/pve reads that nobody has done yet,
and sends them with its own file read and its commands as ONE batch (batch.py: one exec of
`bash -s`, each command's exit status, stdout and stderr framed apart). Each command's result is
then judged on its own, exactly as if it had been run alone; one whose failure is worth a retry
(garbled, cut short) is retried alone. When the batch fails as a whole (no bash, a forced command,
output not framed as it must be, cut short), every command is run on its own, as before batching,
and the snapshot's notes say so. Last, the node tries the shared reads again in case the node that
claimed them failed: /etc/pve is read by one node, but not lost when that node breaks.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from netdoc.collectors.batch import BATCH_COMMAND, batch_script, batch_sinks, new_marker, split_batch
from netdoc.collectors.capped import Sink
from netdoc.collectors.outcome import FAILURES, Deadline, Denied, Unreachable, final, status_of, with_retries
from netdoc.collectors.plan import GUEST_FILES, NODE_COMMANDS, NODE_FILES, PVE_FILES, CommandItem, FileRead
from netdoc.collectors.recorder import CLUSTER_ROW, FailureEntry, FileWrite, Recorder, Unit
from netdoc.collectors.redact import redact_bytes, redact_json_bytes
from netdoc.collectors.results import judge_command, judge_read
from netdoc.collectors.ssh import CommandResult, SshSession, SshTarget
from netdoc.config import ClusterConfig
from netdoc.snapshot import command_path, node_file_path

if TYPE_CHECKING:
    from netdoc.collectors.known_hosts import HostKeyPolicy


def output_limit(cfg: ClusterConfig) -> int:
    """The most bytes one command's output may have (collect.max_output_mib)."""
    return cfg.collect.max_output_mib * 1024 * 1024


class ClusterRunLike(Protocol):
    """What the SSH work needs of the cluster run it belongs to (netdoc.collectors.collect.ClusterRun)."""

    @property
    def cfg(self) -> ClusterConfig: ...

    @property
    def deadline(self) -> Deadline: ...

    @property
    def rec(self) -> Recorder: ...

    def submit(self, fn: Callable[[], None], units: list[Unit]) -> None:
        """Run `fn` on the run's pool; whatever it lets escape settles `units` as an error."""

    def note(self, text: str) -> None:
        """A line for the snapshot's notes."""

    def maybe_fallback(self) -> None:
        """Per-guest API calls, once it is known that SSH could not read the guest configurations."""


@dataclass(frozen=True)
class NodeTarget:
    name: str
    address: str | None  # None: no SSH address known
    port: int
    online: bool | None  # None: unknown (no API)
    in_api: bool
    listed: bool


def _read_paths(node: str, read: FileRead) -> tuple[tuple[str, str | None], ...]:
    """Where a failed read is recorded: each fixed file, and each glob's folder, once."""
    seen: dict[str, None] = {}
    for p in read.patterns:
        seen.setdefault(node_file_path(node, p.folder), None)
    return tuple((path, node) for path in seen)


class _Shared:
    """One cluster-wide read: pending -> running (one node) -> done; back to pending on failure."""

    def __init__(self, read: FileRead, unit: Unit) -> None:
        self.read = read
        self.unit = unit
        self.running = False
        self.tried: set[str] = set()
        self.last_failure: BaseException | None = None


class _Connection:
    """A node's SSH connection: opened on demand, reopened when it broke, given up when it cannot."""

    def __init__(self, work: SshWork, target: NodeTarget) -> None:
        self.work = work
        self.target = SshTarget(target.name, target.address or "", target.port)
        self.session: SshSession | None = None
        self.broken: BaseException | None = None

    def ensure(self) -> SshSession:
        if self.broken is not None:
            raise final(self.broken)
        if self.session is not None and self.session.alive:
            return self.session
        run = self.work.run
        assert run.cfg.ssh is not None
        ssh_cfg = run.cfg.ssh
        if run.deadline.expired():
            raise Unreachable("the run's deadline has passed", transient=False)
        try:
            session = with_retries(
                lambda: SshSession.open(
                    self.target, ssh_cfg, self.work.policy, timeout=run.deadline.timeout(ssh_cfg.timeout_s)
                ),
                retries=run.cfg.collect.retries,
                deadline=run.deadline,
            )
        except FAILURES as exc:
            self.broken = exc
            raise
        self.session = session
        if not self.work.register(session):
            session.close()
            raise Unreachable("the run's deadline has passed", transient=False)
        return session

    def run(
        self,
        command: str,
        *,
        stdin: bytes = b"",
        commands: int = 1,
        sinks: tuple[Sink, Sink] | None = None,
    ) -> CommandResult:
        """One exec; `commands` (a batch's) scales the timeout: ssh.timeout_s is per command.

        Each output is kept up to collect.max_output_mib (a batch's: per command, `sinks`)."""
        session = self.ensure()
        cfg = self.work.run.cfg
        assert cfg.ssh is not None
        timeout = self.work.run.deadline.timeout(cfg.ssh.timeout_s * commands)
        limit = output_limit(cfg)
        return session.run(command, timeout=timeout, stdin=stdin, limit=limit, sinks=sinks)

    def close(self) -> None:
        if self.session is not None:
            self.session.close()


# A command's first result, when the batch gave it (None: run it on its own).
First = CommandResult | None


def _runner(conn: _Connection, first: First) -> Callable[[str], CommandResult]:
    """Run a command: its batch result the first time, the command alone on every retry."""
    box = [first]

    def run(command: str) -> CommandResult:
        given, box[0] = box[0], None
        return given if given is not None else conn.run(command)

    return run


class SshWork:
    def __init__(self, run: ClusterRunLike, policy: HostKeyPolicy, nodes: list[NodeTarget]) -> None:
        self.run = run
        self.policy = policy
        self.lock = threading.Lock()
        self.sessions: list[SshSession] = []
        self.closed = False
        ssh = run.cfg.ssh
        assert ssh is not None
        self.sudo = ssh.sudo and ssh.user != "root"
        self.units: dict[str, list[Unit]] = {}
        self.candidates = [n.name for n in nodes if n.address and n.online is not False]
        self.reader: str | None = None  # the node reading /etc/pve; another takes over if it fails
        self.targets = {n.name: n for n in nodes}
        self.reachable: list[str] = []  # nodes connected to, in order
        self.bad_readers: set[str] = set()  # nodes whose shared read failed: others take over
        self.takeovers = 0
        self.active = set(self.candidates)
        first = self.candidates[0] if self.candidates else nodes[0].name
        self.shared = [
            _Shared(read, Unit(CLUSTER_ROW, "ssh", read.command, _no_node(_read_paths(first, read))))
            for read in (PVE_FILES, GUEST_FILES)
        ]
        run.rec.plan([s.unit for s in self.shared])
        if not self.candidates:
            self._give_up()

    # ----------------------------------------------------------------------------------- planning

    def units_for(self, node: NodeTarget) -> list[Unit]:
        n = node.name
        units = [Unit(n, "ssh", NODE_FILES.command, _read_paths(n, NODE_FILES))]
        units += [
            Unit(n, "ssh", c.command_line(self.sudo), ((command_path(n, c.name), n),)) for c in NODE_COMMANDS
        ]
        self.units[n] = units
        return units

    def start(self, node: NodeTarget) -> None:
        units = self.units[node.name]
        if not node.address:
            why = (
                "not in the inventory's nodes list: add it with its address to collect it over SSH"
                if self.run.cfg.nodes
                else "no address for it in /cluster/status"
            )
            for u in units:
                self.run.rec.fail(u, "error", f"node {node.name}: {why}")
            self.node_finished(node.name, None)
            return
        self.run.submit(lambda: self._node_job(node, units), units)

    # ----------------------------------------------------------------------------------- a node

    def _node_job(self, node: NodeTarget, units: list[Unit]) -> None:
        conn = _Connection(self, node)
        failure: BaseException | None = None
        try:
            try:
                conn.ensure()
            except FAILURES as exc:
                failure = exc
                for u in units:
                    self.run.rec.fail(u, exc.status, exc.message)
                return
            with self.lock:
                self.reachable.append(node.name)
            claimed = [s for s in self.shared if self._claim(s, node.name)]
            lines = [s.read.command for s in claimed] + [u.request for u in units]
            firsts = self._batch(conn, node.name, lines)
            for shared, first in zip(claimed, firsts, strict=False):
                self._shared_read(conn, shared, node.name, first)
            rest = firsts[len(claimed) :]
            with contextlib.suppress(*FAILURES):  # recorded by _read; the commands may still work
                self._read(conn, units[0], NODE_FILES, node.name, rest[0])
            for unit, item, first in zip(units[1:], NODE_COMMANDS, rest[1:], strict=True):
                self._command(conn, unit, item, node.name, first)
            self._shared_reads(conn, node.name)
        finally:
            conn.close()
            self.node_finished(node.name, failure)

    def _batch(self, conn: _Connection, node: str, lines: list[str]) -> list[First]:
        """Every line in one round trip; all None (each run alone) when the batch fails as a whole."""
        marker = new_marker()
        script = batch_script(lines, marker).encode()
        sinks = batch_sinks(marker, output_limit(self.run.cfg))
        try:
            result = conn.run(BATCH_COMMAND, stdin=script, commands=len(lines), sinks=sinks)
            firsts = split_batch(result, lines, marker, sinks)
            if result.cut_at is not None:
                alone = sum(f is None for f in firsts)
                self.run.note(
                    f"{node}: the batched SSH read was cut at {result.cut_at} bytes of one command's "
                    f"output (collect.max_output_mib); {alone} of its commands read again on their own"
                )
            return firsts
        except FAILURES as exc:
            if not self.run.deadline.expired():
                self.run.note(
                    f"{node}: the batched SSH read failed ({exc.message}); "
                    f"read with one command per artifact instead ({len(lines)} round trips)"
                )
            return [None] * len(lines)

    def _attempt(self, conn: _Connection, fn: Callable[[], None]) -> None:
        with_retries(fn, retries=self.run.cfg.collect.retries, deadline=self.run.deadline)

    def _command(self, conn: _Connection, unit: Unit, item: CommandItem, node: str, first: First) -> None:
        content: list[bytes] = []
        run = _runner(conn, first)
        try:
            self._attempt(conn, lambda: content.append(judge_command(item, run(unit.request))))
        except FAILURES as exc:
            self.run.rec.fail(unit, exc.status, exc.message)
            return
        redact = redact_json_bytes if item.name.endswith(".json") else redact_bytes
        data, names = redact(content[-1])
        if names:
            self.run.note(
                f"{command_path(node, item.name)}: values of {', '.join(sorted(set(names)))} redacted"
            )
        self.run.rec.settle(unit, command=(node, item.name, data))

    def _read(self, conn: _Connection, unit: Unit, read: FileRead, node: str, first: First = None) -> bool:
        """Run a tail read and settle its unit; False when the whole read failed (unit left unsettled)."""
        outcomes = []
        run = _runner(conn, first)
        try:
            self._attempt(conn, lambda: outcomes.append(judge_read(read, run(read.command))))
        except FAILURES as exc:
            if unit.row != CLUSTER_ROW:
                self.run.rec.fail(unit, exc.status, exc.message)
            raise
        out = outcomes[-1]
        files = []
        for path, content in sorted(out.files.items()):
            data, names = redact_bytes(content)
            if names:
                self.run.note(
                    f"{node_file_path(node, path)}: values of {', '.join(sorted(set(names)))} redacted"
                )
            files.append(FileWrite(node, path, data))
        for path in out.ignored:
            self.run.note(f"{node}: `{read.command}` named {path!r}, which was not asked for; not stored")
        failures = [FailureEntry(node_file_path(node, p), node, *status_of(f)) for p, f in out.failures]
        worst = next((f.status for f in failures), "ok")
        return self.run.rec.settle(unit, files=files, failures=failures, status=worst)

    # ----------------------------------------------------------------------------------- /etc/pve

    def _claim(self, shared: _Shared, node: str) -> bool:
        """Take a shared read for `node` when nobody has it and this node may still try it."""
        with self.lock:
            if shared.unit.done or shared.running or node in shared.tried or node in self.bad_readers:
                return False
            if self.reader not in (None, node):
                return False
            self.reader = node
            shared.running = True
            shared.tried.add(node)
            return True

    def _shared_reads(self, conn: _Connection, node: str) -> None:
        """The shared reads this node can still take over (each on its own: a rare path)."""
        for shared in self.shared:
            if self._claim(shared, node):
                self._shared_read(conn, shared, node, None)

    def _shared_read(self, conn: _Connection, shared: _Shared, node: str, first: First) -> None:
        """A claimed shared read: settled, or handed over to another node when it failed here."""
        try:
            self._read(conn, shared.unit, shared.read, node, first)
        except FAILURES as exc:
            with self.lock:
                shared.running = False
                shared.last_failure = exc
                self.reader = None
                self.bad_readers.add(node)
            if isinstance(exc, Denied):  # another node would refuse it the same way
                self._settle_shared(shared, node, exc)
            else:
                self._hand_over()
                self._give_up()
        else:
            with self.lock:
                shared.running = False
        self.run.maybe_fallback()

    def _hand_over(self) -> None:
        """A shared read failed on its node: another node already reached reads it, on a new connection."""
        with self.lock:
            pending = [s for s in self.shared if not s.unit.done and not s.running]
            if self.reader is not None or self.takeovers >= len(self.candidates):
                return  # a node is reading /etc/pve now; it hands over itself if it fails
            helper = next(
                (n for n in self.reachable if n not in self.active and n not in self.bad_readers),
                None,
            )
            if helper is None or not pending:
                return  # no finished node left to ask; an active node will try when its own work ends
            self.active.add(helper)
            self.takeovers += 1
        target = self.targets[helper]
        self.run.submit(lambda: self._takeover_job(target), [])

    def _takeover_job(self, node: NodeTarget) -> None:
        conn = _Connection(self, node)
        failure: BaseException | None = None
        try:
            conn.ensure()
            self._shared_reads(conn, node.name)
        except FAILURES as exc:
            failure = exc
            with self.lock:
                self.bad_readers.add(node.name)
        finally:
            conn.close()
            self.node_finished(node.name, failure)

    def _settle_shared(self, shared: _Shared, node: str | None, exc: BaseException) -> None:
        status, message = status_of(exc)
        if node is not None:
            shared.unit.failure_paths = _no_node(_read_paths(node, shared.read))
        if len(shared.tried) > 1:
            message += f" (tried from {', '.join(sorted(shared.tried))})"
        self.run.rec.fail(shared.unit, status, message)

    def node_finished(self, node: str, failure: BaseException | None) -> None:
        with self.lock:
            self.active.discard(node)
            for shared in self.shared:
                if failure is not None and shared.last_failure is None and not shared.tried:
                    shared.last_failure = failure
        self._hand_over()
        self._give_up()

    def _give_up(self) -> None:
        """Settle the shared reads no remaining node can still do."""
        todo = []
        with self.lock:
            for shared in self.shared:
                if shared.unit.done or shared.running:
                    continue
                if any(n not in shared.tried and n not in self.bad_readers for n in self.active):
                    continue
                todo.append(shared)
        for shared in todo:
            exc = shared.last_failure or Unreachable("no node could be reached over SSH", transient=False)
            last = sorted(shared.tried)[-1] if shared.tried else None
            self._settle_shared(shared, last, exc)
        if todo:
            self.run.maybe_fallback()

    def guest_configs_failed(self) -> bool:
        """Decided and not usable (so the API fallback applies); False while still undecided."""
        unit = self.shared[1].unit
        return unit.done and unit.status not in ("ok", "missing")

    # ----------------------------------------------------------------------------------- the end

    def register(self, session: SshSession) -> bool:
        with self.lock:
            if self.closed:
                return False
            self.sessions.append(session)
            return True

    def close_all(self) -> None:
        with self.lock:
            self.closed = True
            sessions = list(self.sessions)
        for s in sessions:
            s.close()

    def commands_sent(self) -> int:
        with self.lock:
            return sum(s.commands_sent for s in self.sessions)


def _no_node(paths: tuple[tuple[str, str | None], ...]) -> tuple[tuple[str, str | None], ...]:
    """A cluster-wide read that failed is shown as a cluster gap, not as a gap of the node tried."""
    return tuple((p, None) for p, _ in paths)
