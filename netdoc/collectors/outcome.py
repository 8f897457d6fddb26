"""Failures as data: every way a request or command can fail, its manifest status, and retries.

A collector raises one of the classes below; the runner turns it into a manifest entry (status +
message) and never lets it stop the run. `transient` says whether trying again may help
(connection reset, 5xx except 595, timeouts); authentication, permission and host key problems
are never retried. `Deadline` bounds everything a run does; `with_retries` retries with backoff
inside it.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from netdoc.errors import AuthError, CollectError, CollectTimeout, CommandError, ConnectError

T = TypeVar("T")

BACKOFF_BASE_S = 0.5
BACKOFF_MAX_S = 5.0


class Denied(AuthError):
    """401 (credentials refused), 403 (privilege missing), SSH authentication or sudo refused."""

    status = "denied"
    transient = False


class Missing(CommandError):
    """Absent on the node: no such file, command not installed, service not running, no route."""

    status = "missing"
    transient = False


class TimedOut(CollectTimeout):
    """No answer in time (one request, or the run's deadline)."""

    status = "timeout"

    def __init__(
        self, message: str, *, node: str | None = None, source: str | None = None, transient: bool = True
    ) -> None:
        super().__init__(message, node=node, source=source)
        self.transient = transient


class Unreachable(ConnectError):
    """The host could not be reached or the connection broke (refused, reset, cut short)."""

    status = "error"

    def __init__(
        self, message: str, *, node: str | None = None, source: str | None = None, transient: bool = True
    ) -> None:
        super().__init__(message, node=node, source=source)
        self.transient = transient


class HostKeyRejected(AuthError):
    """The SSH host key is unknown or has changed: always a hard error for that node."""

    status = "error"
    transient = False


class Failed(CollectError):
    """Anything else: the request was answered, but with an error or with unusable content."""

    status = "error"

    def __init__(
        self, message: str, *, node: str | None = None, source: str | None = None, transient: bool = False
    ) -> None:
        super().__init__(message, node=node, source=source)
        self.transient = transient


FAILURES = (Denied, Missing, TimedOut, Unreachable, HostKeyRejected, Failed)


def status_of(exc: BaseException) -> tuple[str, str]:
    """(manifest status, message) of any exception a collector let through."""
    if isinstance(exc, FAILURES):
        return exc.status, exc.message
    if isinstance(exc, CollectError):
        return "error", exc.message
    # A bug in netdoc must not cost the other artifacts: it is recorded, with its type.
    return "error", f"internal error: {type(exc).__name__}: {exc}"


def final(exc: BaseException) -> BaseException:
    """The same failure, no longer worth retrying (a connection that could not be reopened)."""
    if isinstance(exc, TimedOut | Unreachable | Failed) and exc.transient:
        return type(exc)(exc.message, node=exc.node, source=exc.source, transient=False)
    return exc


class Deadline:
    """The end of a run (monotonic clock), and a stop signal raised when it passes or on abort."""

    def __init__(
        self,
        seconds: float,
        clock: Callable[[], float] = time.monotonic,
        cancel: threading.Event | None = None,
    ) -> None:
        self._clock = clock
        self.start = clock()
        self.end = self.start + seconds
        self.stopped = threading.Event()  # this run's own stop: deadline passed or run over
        self.cancel = cancel or threading.Event()  # from outside (Ctrl-C): shared by every run

    @property
    def cancelled(self) -> bool:
        return self.cancel.is_set()

    def remaining(self) -> float:
        return max(0.0, self.end - self._clock())

    def elapsed(self) -> float:
        return self._clock() - self.start

    def expired(self) -> bool:
        return self.stopped.is_set() or self.cancel.is_set() or self.remaining() <= 0

    def timeout(self, per_operation: float) -> float:
        """The timeout for one operation: its own, cut to what is left of the run."""
        left = self.remaining()
        if self.stopped.is_set() or left <= 0:
            raise TimedOut("the run's deadline has passed", transient=False)
        return max(0.05, min(per_operation, left))

    def sleep(self, seconds: float) -> bool:
        """Sleep unless the run stops first; True when the full sleep happened."""
        return not self.stopped.wait(min(seconds, self.remaining()))


def backoff_delay(attempt: int, rng: random.Random | None = None) -> float:
    """0.5 s, 1 s, 2 s... (at most 5 s), each with up to 50 % of jitter taken off."""
    base = min(BACKOFF_BASE_S * (2**attempt), BACKOFF_MAX_S)
    jitter = rng.random() if rng is not None else random.random()  # noqa: S311 (jitter, not a secret)
    return float(base * (0.5 + jitter / 2))


def with_retries(
    fn: Callable[[], T],
    *,
    retries: int,
    deadline: Deadline,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
) -> T:
    """Run `fn`, retrying transient failures with backoff while the deadline allows."""
    attempt = 0
    while True:
        try:
            return fn()
        except FAILURES as exc:
            if not exc.transient or attempt >= retries:
                raise
            delay = backoff_delay(attempt)
            if deadline.remaining() <= delay:
                raise
            if on_retry is not None:
                on_retry(attempt + 1, exc, delay)
            if not deadline.sleep(delay):
                raise
            attempt += 1
