"""Collecting: `netdoc collect` (collect_inventory: an inventory's clusters, each into its history)
and `netdoc demo` (run_demo: the lab collected with the real collectors, then built into a site).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from netdoc.errors import UsageError
from netdoc.pipeline.inputs import read_site_config
from netdoc.pipeline.site import BuildResult, build_site

if TYPE_CHECKING:  # the collectors (paramiko, requests) are imported only when collecting
    from netdoc.collectors.collect import ClusterResult, CollectOptions
    from netdoc.collectors.recorder import Progress
    from netdoc.config import ClusterConfig


def collect_inventory(
    inventory_path: Path,
    *,
    cluster_name: str | None = None,
    out_dir: Path = Path("snapshots"),
    accept_new_host_keys: bool = False,
    progress: Progress | None = None,
    own_known_hosts: Path | None = None,
    on_warning: Callable[[str], None] | None = None,
    keep: int = 30,
) -> list[ClusterResult]:
    """`netdoc collect`: every cluster of the inventory (or one) into its history out_dir/<cluster>/.

    `on_warning` is told, before anything is collected, what is valid but unsafe (insecure TLS).
    """
    from netdoc.collectors.collect import CollectOptions
    from netdoc.config import load_inventory

    # 1. Read and check the inventory; every problem at once (ConfigError, exit code 2).
    inventory = load_inventory(inventory_path)
    clusters = list(inventory.clusters)
    if cluster_name is not None:
        chosen = inventory.cluster(cluster_name)
        if chosen is None:
            names = ", ".join(c.name for c in inventory.clusters)
            raise UsageError(
                f"{inventory_path}: no cluster named {cluster_name!r}; the inventory has: {names}"
            )
        clusters = [chosen]
    for warning in inventory.warnings():
        if on_warning is not None and any(c.name in warning for c in clusters):
            on_warning(warning)
    # 2. Read every secret now, so that an unset variable stops the run before any connection.
    check_secrets(clusters)
    # 3. Collect the clusters side by side, each into its own snapshot (published atomically).
    options = CollectOptions(
        accept_new_host_keys=accept_new_host_keys, progress=progress, own_known_hosts=own_known_hosts
    )
    return collect_clusters(clusters, out_dir, options, keep=keep)


def check_secrets(clusters: Iterable[ClusterConfig]) -> None:
    """Reveal each secret once (and drop it): an unreadable one is a ConfigError with its line."""
    for cluster in clusters:
        if cluster.api is not None:
            for ref in (cluster.api.token_secret, cluster.api.password):
                if ref is not None:
                    ref.reveal()


def collect_clusters(
    clusters: list[ClusterConfig],
    out_dir: Path,
    options: CollectOptions,
    *,
    workers: int | None = None,
    keep: int = 30,
) -> list[ClusterResult]:
    """Collect every cluster at once, on one pool of `workers` threads; results in the clusters' order.

    The pool bounds the whole inventory (default: the clusters' collect.concurrency added up, at
    most collectors.collect.MAX_WORKERS); each cluster still runs at most its own concurrency.
    Each cluster's run lands in its history (out_dir/<cluster>/<UTC time>/, netdoc/history.py):
    a good run becomes `latest` (nodes it could not read carried over from the previous snapshot,
    marked stale), a run that read nothing is set aside; the newest `keep` snapshots are kept.
    """
    import dataclasses
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from netdoc.collectors.collect import MAX_WORKERS, Pool

    cancel = options.cancel or threading.Event()
    size = workers or min(MAX_WORKERS, sum(c.collect.concurrency for c in clusters))
    own_pool = Pool(max(1, size), "collect") if options.pool is None else None
    options = dataclasses.replace(options, cancel=cancel, pool=options.pool or own_pool)
    # One thread per cluster only plans and waits; the pool's workers do the requests and commands.
    try:
        with ThreadPoolExecutor(max_workers=max(1, len(clusters)), thread_name_prefix="netdoc-run") as ex:
            futures = [ex.submit(_collect_into_history, c, out_dir / c.name, options, keep) for c in clusters]
            try:
                return [f.result() for f in futures]
            except BaseException:
                cancel.set()  # Ctrl-C: every run stops within a second and keeps its previous snapshot
                raise
    finally:
        if own_pool is not None:
            own_pool.shutdown()


def _collect_into_history(
    cluster: ClusterConfig, folder: Path, options: CollectOptions, keep: int
) -> ClusterResult:
    from netdoc import history
    from netdoc.collectors.collect import collect_cluster
    from netdoc.snapshot import utc_now

    dest = history.new_dir(folder, utc_now())
    result = collect_cluster(cluster, dest, options)
    current, carried, became = history.settle(folder, dest, keep=keep)
    result.carried_over = carried
    result.became_latest = became
    result.snapshot = current if current is not None else dest.with_name(dest.name + history.FAILED_SUFFIX)
    return result


# ------------------------------------------------------------------------------------------ demo


@dataclass
class DemoResult:
    scenario: str
    results: list[ClusterResult]
    builds: list[BuildResult]


def run_demo(
    scenario_name: str = "starwars",
    *,
    site_dir: Path = Path("site"),
    snapshot_dir: Path = Path("snapshots/demo"),
    progress: Progress | None = None,
    config_file: Path | None = None,
) -> DemoResult:
    """`netdoc demo`: start the lab, collect it over HTTPS and SSH with the real collectors, build."""
    import tempfile

    from netdoc.collectors.collect import CollectOptions
    from netdoc.config import load_inventory
    from netdoc.lab.definition import build_world, scenario
    from netdoc.lab.runtime import LabRuntime

    # 0. The site's mkdocs.yml first: a mistake in it is reported before the lab starts.
    if config_file is not None:
        read_site_config(config_file)
    # 1. The simulated cluster(s) of the scenario, derived from its definition.
    world = build_world(scenario(scenario_name))
    with tempfile.TemporaryDirectory(prefix="netdoc-demo-") as tmp:
        state = Path(tmp)
        # 2. Start its API and SSH servers on loopback; they write an inventory pointing at them.
        with LabRuntime(world, state / "lab") as lab:
            inventory = load_inventory(lab.write_inventory(state / "inventory.yml"))
            # 3. Collect with the real collectors (verified TLS, verified host keys).
            options = CollectOptions(progress=progress, own_known_hosts=state / "known_hosts")
            results = collect_clusters(list(inventory.clusters), snapshot_dir, options)
    # 4. One site for every cluster of the scenario.
    builds = [build_site([r.snapshot for r in results], site_dir, config_file=config_file)]
    return DemoResult(scenario_name, results, builds)
