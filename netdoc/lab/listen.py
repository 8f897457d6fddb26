"""Listening sockets of the lab: loopback-only binding, shared port numbers, one acceptor thread.

Every API and SSH listener of a running lab is served by one selector thread that hands each
accepted connection (TCP_NODELAY set) to its server. Listeners can be closed and reopened while
the lab runs, which is how "connection refused" faults are made.
"""

from __future__ import annotations

import contextlib
import ipaddress
import queue
import selectors
import socket
import threading
from collections.abc import Callable, Sequence

Handler = Callable[[socket.socket, tuple[str, int]], None]
BACKLOG = 256


def check_loopback(address: str) -> str:
    """The lab never binds anything but a loopback address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError as exc:
        raise ValueError(f"{address!r} is not an IP address") from exc
    if not ip.is_loopback:
        raise ValueError(f"{address} is not a loopback address; the lab binds loopback only")
    return address


def listen_on(address: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((check_loopback(address), port))
        sock.listen(BACKLOG)
    except BaseException:
        sock.close()
        raise
    return sock


def listen_same_port(addresses: Sequence[str], port: int = 0, attempts: int = 20) -> dict[str, socket.socket]:
    """One listener per address, on the same port number when possible.

    With `port` 0 a free port is picked on the first address and tried on the others; when some
    address has it taken, another is tried, and after `attempts` each address gets its own.
    """
    if port:
        return _all_on(addresses, port)
    for _ in range(attempts):
        first = listen_on(addresses[0], 0)
        chosen = first.getsockname()[1]
        try:
            rest = _all_on(addresses[1:], chosen)
        except OSError:
            first.close()
            continue
        return {addresses[0]: first, **rest}
    return {a: listen_on(a, 0) for a in addresses}


def _all_on(addresses: Sequence[str], port: int) -> dict[str, socket.socket]:
    out: dict[str, socket.socket] = {}
    try:
        for a in addresses:
            out[a] = listen_on(a, port)
    except OSError:
        for s in out.values():
            s.close()
        raise
    return out


class Acceptor:
    """One thread accepting on every registered listener; changes are applied by that thread."""

    def __init__(self) -> None:
        self._selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._selector.register(self._wake_r, selectors.EVENT_READ, None)
        self._ops: queue.SimpleQueue[tuple[Callable[[], None], threading.Event]] = queue.SimpleQueue()
        self._running = False
        self._thread = threading.Thread(target=self._run, name="netdoc-lab-acceptor")
        self.errors: list[str] = []

    def start(self) -> None:
        self._running = True
        self._thread.start()

    def _call(self, op: Callable[[], None]) -> None:
        """Run `op` on the acceptor thread and wait for it (so a closed listener is closed on return)."""
        if not self._running:
            op()
            return
        done = threading.Event()
        self._ops.put((op, done))
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")
        done.wait(5)

    def add(self, sock: socket.socket, handler: Handler) -> None:
        sock.setblocking(False)

        def op() -> None:
            self._selector.register(sock, selectors.EVENT_READ, handler)

        self._call(op)

    def remove(self, sock: socket.socket) -> None:
        def op() -> None:
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(sock)
            sock.close()

        self._call(op)

    def _run(self) -> None:
        while self._running:
            for key, _ in self._selector.select(timeout=1.0):
                if key.data is None:
                    with contextlib.suppress(OSError):
                        self._wake_r.recv(4096)
                    continue
                self._accept(key.fileobj, key.data)  # type: ignore[arg-type]
            while not self._ops.empty():
                op, done = self._ops.get_nowait()
                try:
                    op()
                finally:
                    done.set()

    def _accept(self, listener: socket.socket, handler: Handler) -> None:
        for _ in range(64):  # drain a burst of connections without starving the other listeners
            try:
                conn, address = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                self.errors.append(f"accept on {listener}: {exc}")
                return
            conn.setblocking(True)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                handler(conn, address)
            except Exception as exc:  # a server that cannot take a connection must not stop the others
                self.errors.append(f"handler for {address}: {type(exc).__name__}: {exc}")
                conn.close()

    def stop(self) -> None:
        """Close every listener and end the thread."""
        if self._running:
            self._running = False
            with contextlib.suppress(OSError):
                self._wake_w.send(b"x")
            self._thread.join()
        while not self._ops.empty():
            op, done = self._ops.get_nowait()
            op()
            done.set()
        for key in list(self._selector.get_map().values()):
            key.fileobj.close()  # type: ignore[union-attr]
        self._selector.close()
        self._wake_w.close()
