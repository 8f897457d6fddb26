"""The runner: one cluster from its inventory entry into one snapshot, on time, whatever fails.

    result = collect_cluster(cluster_cfg, Path("snapshots/starwars"), CollectOptions())

Steps: reveal the API secret and connect; GET /cluster/status (names, online state, addresses);
decide each node's SSH address (the inventory's, else the API's); plan every unit (plan.py) and
run them on a bounded pool of worker threads with retries of transient failures (the clusters
of an inventory share one pool, each at most collect.concurrency jobs at once: `Lane`); /etc/pve
is read once, by the first node reachable over SSH (another takes over when it fails); per-guest
API calls only when the guest configurations could not be read over SSH.
When collect.deadline_s passes, whatever is still pending is recorded as `timeout`, connections
are closed, and the snapshot is committed: one bad node never stops or stalls the run.
"""

from __future__ import annotations

import collections
import hashlib
import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netdoc.collectors.known_hosts import HostKeyPolicy, load_host_keys, netdoc_known_hosts
from netdoc.collectors.nodework import NodeTarget, SshWork, output_limit
from netdoc.collectors.outcome import FAILURES, Deadline, Denied, status_of, with_retries
from netdoc.collectors.plan import CLUSTER_API, GUEST_API, NODE_API, VNET_SUBNETS
from netdoc.collectors.proxmox_api import INSECURE_WARNING, ApiClient
from netdoc.collectors.recorder import CLUSTER_ROW, Progress, Recorder, Unit
from netdoc.collectors.redact import redact_json_bytes
from netdoc.config import ClusterConfig
from netdoc.errors import SnapshotError
from netdoc.snapshot import SnapshotWriter, api_artifact_path, check_node_name

log = logging.getLogger(__name__)

PARTIAL_STATUSES = frozenset({"denied", "timeout", "error"})


@dataclass(frozen=True)
class CollectOptions:
    accept_new_host_keys: bool = False
    own_known_hosts: Path | None = None  # default: $XDG_STATE_HOME/netdoc/known_hosts
    progress: Progress | None = None
    cancel: threading.Event | None = None  # set it (Ctrl-C) to abandon every run: no snapshot replaced
    pool: Pool | None = None  # shared by several clusters' runs (else each run has its own)


@dataclass(frozen=True)
class RowSummary:
    """One line of the end-of-run table: a node (or the cluster-wide part)."""

    name: str
    state: str  # ok | partial | failed | offline
    ok: int
    total: int
    seconds: float
    problem: str = ""  # the first failure's message


@dataclass
class ClusterResult:
    cluster: str
    snapshot: Path
    rows: list[RowSummary]
    seconds: float
    warnings: list[str] = field(default_factory=list)
    api_requests: int = 0
    ssh_commands: int = 0
    carried_over: list[str] = field(default_factory=list)  # nodes shown from the previous snapshot (stale)
    became_latest: bool = True  # False: the run read nothing, the previous snapshot stays latest

    @property
    def partial(self) -> bool:
        return any(r.state != "ok" for r in self.rows)


def _accounts(cluster: ClusterConfig) -> dict[str, str]:
    """Who reads the cluster, for the manifest and the report's scope: names only, never a secret."""
    out = {}
    if cluster.api is not None:
        api = cluster.api
        out["api"] = f"{api.user}!{api.token_id}" if api.token_id else f"{api.user} (password)"
    if cluster.ssh is not None:
        out["ssh"] = cluster.ssh.user
    return out


# The most worker threads one inventory's collection runs at once, all clusters together.
MAX_WORKERS = 32


def _vmid(value: Any) -> int | None:
    """A guest's vmid from the API (a number, or its digits), else None: it goes into a request path."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 10**9 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)
    return None


class Pool:
    """A bounded pool of daemon threads: a hung job can never keep the process from exiting."""

    def __init__(self, size: int, name: str) -> None:
        self._q: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"netdoc-{name}-{i}", daemon=True) for i in range(size)
        ]
        for t in self._threads:
            t.start()

    def submit(self, fn: Callable[[], None]) -> None:
        self._q.put(fn)

    def _work(self) -> None:
        while (fn := self._q.get()) is not None:
            fn()

    def shutdown(self) -> None:
        for _ in self._threads:
            self._q.put(None)


class Lane:
    """One cluster's share of a pool: at most `limit` of its jobs at once, the others queued in order.

    Several clusters on one pool each keep their own collect.concurrency (what their API and nodes
    are asked to bear at once), while the pool bounds the whole inventory's threads.
    """

    def __init__(self, pool: Pool, limit: int) -> None:
        self._pool = pool
        self._limit = max(1, limit)
        self._lock = threading.Lock()
        self._waiting: collections.deque[Callable[[], None]] = collections.deque()
        self._running = 0
        self._closed = False

    def submit(self, fn: Callable[[], None]) -> None:
        with self._lock:
            if self._closed:
                return
            if self._running >= self._limit:
                self._waiting.append(fn)
                return
            self._running += 1
        self._pool.submit(lambda: self._run(fn))

    def _run(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        finally:
            with self._lock:
                nxt = self._waiting.popleft() if self._waiting and not self._closed else None
                if nxt is None:
                    self._running -= 1
            if nxt is not None:
                # to the back of the pool's queue, not on this thread: the lanes take turns
                self._pool.submit(lambda: self._run(nxt))

    def shutdown(self) -> None:
        """Drop the jobs not started (the run is over); the pool itself is its owner's."""
        with self._lock:
            self._closed = True
            self._waiting.clear()


class ClusterRun:
    """One cluster's collection (used once)."""

    def __init__(self, cluster: ClusterConfig, dest: Path, options: CollectOptions) -> None:
        self.cfg = cluster
        self.dest = dest
        self.options = options
        self.deadline = Deadline(cluster.collect.deadline_s, cancel=options.cancel)
        self.writer = SnapshotWriter(dest, cluster.name)
        self.writer.accounts = _accounts(cluster)
        self.rec = Recorder(self.writer, cluster.name, options.progress)
        # Its own pool, or its lane on the inventory's shared one (pipeline.collection.collect_clusters).
        pool, self.own_pool = options.pool, None
        if pool is None:
            pool = self.own_pool = Pool(cluster.collect.concurrency, cluster.name)
        self.pool = Lane(pool, cluster.collect.concurrency)
        self.lock = threading.Lock()
        self.inflight = 0
        self.api: ApiClient | None = None
        self.api_failure: BaseException | None = None
        self.warnings: list[str] = []
        self.guest_lists: list[Unit] = []
        self.guests: dict[tuple[str, int], str] = {}  # (qemu|lxc, vmid) -> node
        self.online: dict[str, bool | None] = {}
        self.planning_done = False
        self.fallback_started = False
        self.ssh: SshWork | None = None

    # ----------------------------------------------------------------------------------- jobs

    def submit(self, fn: Callable[[], None], units: list[Unit]) -> None:
        """Run `fn` on the pool; whatever it lets escape settles its units as an error."""
        with self.rec.cond:
            self.inflight += 1

        def job() -> None:
            try:
                if not self.deadline.expired():
                    fn()
            except BaseException as exc:
                status, message = status_of(exc)
                if not isinstance(exc, FAILURES):
                    log.exception("collector job failed")
                for u in units:
                    self.rec.fail(u, status, message)
            finally:
                with self.rec.cond:
                    self.inflight -= 1
                    self.rec.cond.notify_all()

        self.pool.submit(job)

    def note(self, text: str) -> None:
        self.writer.note(text)

    def api_unit(self, path: str, row: str, node: str | None) -> Unit:
        return Unit(row, "api", path, ((api_artifact_path(path), node),))

    def run_api(self, unit: Unit, node: str | None, then: Callable[[Any], None] | None = None) -> None:
        path = unit.request

        def job() -> None:
            if self.api is None or self.api_failure is not None:
                status, message = status_of(self.api_failure or RuntimeError("no API client"))
                self.rec.fail(unit, status, message)
                return
            api = self.api
            try:
                data, body = with_retries(
                    lambda: api.get_reply(
                        path, timeout=self.deadline.timeout(self.cfg.api.timeout_s if self.cfg.api else 10)
                    ),
                    retries=self.cfg.collect.retries,
                    deadline=self.deadline,
                )
            except FAILURES as exc:
                if isinstance(exc, Denied) and exc.message.startswith("authentication failed"):
                    self.api_failure = exc  # every further request would be refused the same way
                self.rec.fail(unit, exc.status, exc.message)
                return
            # The reply's body as it came: unchanged when nothing in it is secret (one quick scan),
            # else redacted whole ({"data": ...} has the same keys as the data) and read back.
            redacted, names = redact_json_bytes(body)
            if names:
                data = json.loads(redacted)["data"]
            if names:
                self.note(f"{api_artifact_path(path)}: values of {', '.join(sorted(set(names)))} redacted")
            if self.rec.settle(unit, api=(path, data, node)) and then is not None:
                then(data)

        def job_then_fallback() -> None:
            try:
                job()
            finally:
                if unit in self.guest_lists:  # whatever came of it, the fallback may be decidable now
                    self.maybe_fallback()

        self.submit(job_then_fallback, [unit])

    # ----------------------------------------------------------------------------------- the run

    def run(self) -> ClusterResult:
        """Collect and commit; interrupted or broken, the previous snapshot is left as it was."""
        try:
            self._collect()
            if self.deadline.cancelled:
                raise KeyboardInterrupt
        except BaseException:
            self._close(committed=False)
            raise
        self._close(committed=True)
        return self._result()

    def _collect(self) -> None:
        cfg = self.cfg
        if cfg.api is not None and cfg.api.insecure:
            self.warnings.append(f"cluster {cfg.name}: {INSECURE_WARNING}")
            self.note(f"the API's TLS certificate was not verified (insecure: true): {INSECURE_WARNING}")
        status_data: Any = None
        cluster_units: list[Unit] = []
        if cfg.api is not None:
            self._connect_api()
            # Planned together (the progress shows them all), asked for once the nodes are known.
            status_unit, *cluster_units = self.rec.plan(
                [self.api_unit(i.path, CLUSTER_ROW, None) for i in CLUSTER_API]
            )
            box: list[Any] = []
            self.run_api(status_unit, None, then=box.append)
            self.rec.wait_for(
                lambda: status_unit.done and self.inflight == 0, self._end(), lambda: self.deadline.cancelled
            )
            status_data = box[0] if box else None
        nodes = self._resolve_nodes(status_data)
        self._run_cluster_api(cluster_units)
        if cfg.ssh is not None and nodes:
            self.ssh = SshWork(self, self._host_key_policy(), nodes)
        for node in nodes:
            self._plan_node(node)
        with self.lock:
            self.planning_done = True
        self.maybe_fallback()
        self.rec.wait_for(
            lambda: self.inflight == 0 and not self.rec.pending(),
            self._end(),
            lambda: self.deadline.cancelled,
        )

    def _end(self) -> float:
        return time.monotonic() + self.deadline.remaining()

    def _connect_api(self) -> None:
        assert self.cfg.api is not None
        api_cfg = self.cfg.api
        try:
            self.api = with_retries(
                lambda: ApiClient.connect(
                    api_cfg,
                    timeout=self.deadline.timeout(api_cfg.timeout_s),
                    pool_maxsize=self.cfg.collect.concurrency,
                ),
                retries=self.cfg.collect.retries,
                deadline=self.deadline,
            )
        except FAILURES as exc:
            self.api_failure = exc
            return
        self.api.max_reply_bytes = output_limit(self.cfg)

    def _host_key_policy(self) -> HostKeyPolicy:
        assert self.cfg.ssh is not None
        own = self.options.own_known_hosts or netdoc_known_hosts()
        files = (self.cfg.ssh.known_hosts, own)
        return HostKeyPolicy(load_host_keys(files), files, own, self.options.accept_new_host_keys)

    def _resolve_nodes(self, status: Any) -> list[NodeTarget]:
        """Node names from the API and the inventory; SSH addresses from the inventory, else the API."""
        listed = {n.name: n for n in self.cfg.nodes or ()}
        from_api: dict[str, tuple[str | None, bool | None]] = {}
        if isinstance(status, list):
            for item in status:
                if (
                    isinstance(item, dict)
                    and item.get("type") == "node"
                    and isinstance(item.get("name"), str)
                ):
                    ip = item.get("ip") if isinstance(item.get("ip"), str) else None
                    online = item.get("online")
                    from_api[item["name"]] = (ip, None if online is None else bool(online))
        for name in [n for n in from_api if not self.safe_name(n, "node", "/cluster/status")]:
            del from_api[name]
        names = list(from_api) + [n for n in listed if n not in from_api]
        port = self.cfg.ssh.port if self.cfg.ssh else 22
        out = []
        for name in sorted(names):
            entry = listed.get(name)
            ip, online = from_api.get(name, (None, None))
            address = entry.address if entry else (None if self.cfg.nodes else ip)
            if entry is not None and from_api and name not in from_api:
                self.note(
                    f"node {name} is in the inventory but not in /cluster/status; collected over SSH only"
                )
            out.append(
                NodeTarget(
                    name=name,
                    address=address,
                    port=(entry.ssh_port if entry and entry.ssh_port else port),
                    online=online,
                    # without /cluster/status (API refused or down) the node's API is still asked
                    in_api=name in from_api or (self.cfg.api is not None and not from_api),
                    listed=entry is not None,
                )
            )
            self.online[name] = online
        if not out:
            why = "the API gave no node" if self.cfg.api else "the inventory lists no node"
            if self.api_failure is not None:
                why = f"the API failed ({status_of(self.api_failure)[1]}) and the inventory lists no nodes"
            self.note(f"no node to collect: {why}")
        return out

    def _run_cluster_api(self, units: list[Unit]) -> None:
        for unit in units:
            then: Callable[[Any], None] | None = None
            if unit.request == "/cluster/sdn/vnets":
                then = self._plan_subnets
            elif unit.request == "/cluster/resources":
                self.guest_lists.append(unit)
                then = self._guests_from_resources
            self.run_api(unit, None, then)

    def safe_name(self, name: str, what: str, source: str) -> bool:
        """A name from the cluster that becomes part of a request or a snapshot path: a host name
        (letters, digits, . _ -, at most 63), else refused, named in the notes and as a gap."""
        try:
            check_node_name(name)
            return True
        except SnapshotError:
            pass
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        message = (
            f"{what} name {name[:200]!r} (from {source}) is not a valid name (letters, digits, "
            f". _ -, at most 63): refused, nothing of this {what} collected"
        )
        self.note(message)
        unit = Unit(CLUSTER_ROW, "api", source, ((f"refused/{what.replace(' ', '-')}-{digest}", None),))
        self.rec.plan([unit])
        self.rec.fail(unit, "error", message)  # a gap of the cluster: the run is partial (exit 3)
        return False

    def _plan_subnets(self, vnets: Any) -> None:
        names = sorted(
            {v["vnet"] for v in vnets if isinstance(v, dict) and isinstance(v.get("vnet"), str)}
            if isinstance(vnets, list)
            else set()
        )
        names = [n for n in names if self.safe_name(n, "SDN vnet", "/cluster/sdn/vnets")]
        paths = [VNET_SUBNETS.path.format(vnet=n) for n in names]
        for unit in self.rec.plan([self.api_unit(p, CLUSTER_ROW, None) for p in paths]):
            self.run_api(unit, None)

    def _plan_node(self, node: NodeTarget) -> None:
        api_units: list[Unit] = []
        if self.cfg.api is not None and node.in_api:
            paths = [i.path.format(node=node.name) for i in NODE_API]
            api_units = [self.api_unit(p, node.name, node.name) for p in paths]
        ssh_units = self.ssh.units_for(node) if self.ssh is not None else []
        planned = self.rec.plan(api_units + ssh_units)
        if node.online is False:
            self.rec.mark_offline(node.name)
            message = f"node {node.name} is offline in the cluster (/cluster/status: online 0); not contacted"
            self.note(message)
            for u in planned:
                self.rec.fail(u, "missing", message)
            if self.ssh is not None:
                self.ssh.node_finished(node.name, None)
            return
        for unit in api_units:
            then = None
            if unit.request.endswith(("/qemu", "/lxc")):
                self.guest_lists.append(unit)
                kind = "qemu" if unit.request.endswith("/qemu") else "lxc"
                then = self._guest_list_of(node.name, kind)
            self.run_api(unit, node.name, then)
        if self.ssh is not None:
            self.ssh.start(node)

    # ----------------------------------------------------------------------------------- guests

    def _guests_from_resources(self, resources: Any) -> None:
        for r in resources if isinstance(resources, list) else ():
            if isinstance(r, dict) and r.get("type") in ("qemu", "lxc") and isinstance(r.get("node"), str):
                vmid = _vmid(r.get("vmid"))
                # a guest's node must be one of the cluster's (a name already checked), its vmid a number
                if vmid is not None and r["node"] in self.online:
                    with self.lock:
                        self.guests.setdefault((str(r["type"]), vmid), r["node"])

    def _guest_list_of(self, node: str, kind: str) -> Callable[[Any], None]:
        def then(items: Any) -> None:
            for g in items if isinstance(items, list) else ():
                vmid = _vmid(g.get("vmid")) if isinstance(g, dict) else None
                if vmid is not None:
                    with self.lock:
                        self.guests.setdefault((kind, vmid), node)

        return then

    def maybe_fallback(self) -> None:
        """Per-guest API calls, only when /etc/pve's guest configurations could not be read over SSH."""
        with self.lock:
            if self.fallback_started or not self.planning_done or self.cfg.api is None:
                return
            if self.ssh is not None and not self.ssh.guest_configs_failed():
                return
            if any(not u.done for u in self.guest_lists):
                return
            self.fallback_started = True
            guests = sorted(self.guests.items(), key=lambda kv: (kv[1], kv[0][1]))
        units = []
        for (kind, vmid), node in guests:
            if vmid <= 0 or self.online.get(node) is False:
                continue
            item = GUEST_API[0] if kind == "qemu" else GUEST_API[1]
            units.append(self.api_unit(item.path.format(node=node, vmid=vmid), node, node))
        if units:
            self.note(f"guest configurations read over the API, one request per guest ({len(units)})")
        for unit in self.rec.plan(units):
            self.run_api(unit, unit.row)

    # ----------------------------------------------------------------------------------- the end

    def _close(self, committed: bool) -> None:
        """Settle what is pending, close every connection, then commit (or drop) the snapshot."""
        timed_out = self.rec.close(
            "timeout",
            f"not collected within the run's deadline "
            f"(collect.deadline_s = {self.cfg.collect.deadline_s:g} s)",
        )
        if timed_out:
            self.note(
                f"the deadline of {self.cfg.collect.deadline_s:g} s passed; {timed_out} requests given up"
            )
        self.deadline.stopped.set()
        if self.ssh is not None:
            self.ssh.close_all()
            for line in self.ssh.policy.recorded:
                self.note(f"SSH host key recorded on first use (--accept-new-host-keys): {line}")
        if self.api is not None:
            self.api.close()
        self.pool.shutdown()
        if self.own_pool is not None:
            self.own_pool.shutdown()
        for skipped in self.rec.skipped_writes:
            self.note(f"not stored: {skipped}")
        if committed:
            self.writer.commit()
        else:
            self.writer.abort()

    def _result(self) -> ClusterResult:
        rows = []
        failures: dict[str, str] = {}
        for a in self.writer.artifacts:
            if a.status in PARTIAL_STATUSES or (a.status == "missing" and "offline" in a.error):
                failures.setdefault(a.node or CLUSTER_ROW, a.error)
        for name, stats in sorted(self.rec.rows.items(), key=lambda kv: (kv[0] != CLUSTER_ROW, kv[0])):
            if stats.offline:
                state = "offline"
            elif stats.worst & PARTIAL_STATUSES:
                state = "failed" if stats.ok == 0 else "partial"
            else:
                state = "ok"
            seconds = (stats.finished or time.monotonic()) - self.deadline.start
            rows.append(RowSummary(name, state, stats.ok, stats.total, seconds, failures.get(name, "")))
        return ClusterResult(
            cluster=self.cfg.name,
            snapshot=self.dest,
            rows=rows,
            seconds=self.deadline.elapsed(),
            warnings=self.warnings,
            api_requests=self.api.requests_sent if self.api else 0,
            ssh_commands=self.ssh.commands_sent() if self.ssh else 0,
        )


def collect_cluster(
    cluster: ClusterConfig, dest: Path, options: CollectOptions | None = None
) -> ClusterResult:
    """Collect one cluster into the snapshot folder `dest` (replaced atomically when complete)."""
    return ClusterRun(cluster, dest, options or CollectOptions()).run()
