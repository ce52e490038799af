"""A total deadline for one `requests` exchange: the socket is cut when time is up or a run stops.

requests' timeouts bound each read, not the whole exchange: a server that sends one byte every
few seconds never trips them. `Watch` runs beside one request; the connections that request
uses register their socket with it (through `WatchedAdapter`'s connection classes, in the
requesting thread), and when the deadline passes, or the run's `Interrupt` has been set for
the policy's `stop_grace` seconds, the watch shuts those sockets down, which ends the blocked
read at once with a connection error that the caller reads through `Watch.fired`. The grace
lets an ordinary request finish and be stored when a run stops (a cut request is sent again
by the resumed run); only a stalled one is cut.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from tracker.sources.policy import HttpPolicy, Interrupt

_current = threading.local()
_POLL_SECONDS = 0.1


class Watch:
    """Cuts the sockets of one exchange at its deadline, or when the run is interrupted."""

    def __init__(
        self, deadline: float, interrupt: Interrupt | None, stop_grace: float = 0.0
    ) -> None:
        self.seconds = deadline
        self.ends_at = time.monotonic() + deadline
        self.interrupt = interrupt
        self.stop_grace = stop_grace
        self._stop_seen: float | None = None
        self.fired: str | None = None  # "deadline" or "interrupted" once the sockets were cut
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="http-deadline", daemon=True)

    def attach(self, sock: socket.socket | None) -> None:
        """A socket this exchange reads from (cut at once if the watch already fired)."""
        if sock is None:
            return
        with self._lock:
            if not any(known is sock for known in self._sockets):
                self._sockets.append(sock)
            fired = self.fired
        if fired:
            _cut(sock)

    def _run(self) -> None:
        while not self._done.wait(_POLL_SECONDS):
            reason = None
            now = time.monotonic()
            if self.interrupt is not None and self.interrupt.is_set():
                self._stop_seen = self._stop_seen if self._stop_seen is not None else now
                if now - self._stop_seen >= self.stop_grace:
                    reason = "interrupted"
            if reason is None and now >= self.ends_at:
                reason = "deadline"
            if reason:
                with self._lock:
                    if self._done.is_set():
                        return
                    self.fired = reason
                    sockets = list(self._sockets)
                for sock in sockets:
                    _cut(sock)
                return

    def __enter__(self) -> Watch:
        _current.watch = self
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._done.set()  # no cut after this: the sockets may go back to the pool
        _current.watch = None


def _cut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


@contextmanager
def watched(policy: HttpPolicy, interrupt: Interrupt | None) -> Iterator[Watch]:
    """Run the block's exchange under a `Watch` of the policy's deadline and stop grace."""
    with Watch(policy.deadline, interrupt, policy.stop_grace) as watch:
        yield watch


def _register(conn: HTTPConnection) -> None:
    watch: Watch | None = getattr(_current, "watch", None)
    if watch is not None:
        watch.attach(conn.sock)


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _register(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _register(self)  # a kept-alive connection: its socket is already open
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _register(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _register(self)
        super().request(*args, **kwargs)


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """requests' adapter whose connections report their sockets to the current `Watch`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS pools have connection classes of
            manager.pool_classes_by_scheme = dict(_POOLS)  # their own: no deadline there
        return manager


# -- httpx (huggingface_hub's shared client) --------------------------------------------------
def _attach_current(sock: socket.socket | None) -> None:
    watch: Watch | None = getattr(_current, "watch", None)
    if watch is not None:
        watch.attach(sock)


class _WatchedStream(httpcore.NetworkStream):
    """An httpcore stream that reports its socket to the current `Watch` before each use."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        _attach_current(self._stream.get_extra_info("socket"))
        return self._stream.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _attach_current(self._stream.get_extra_info("socket"))
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        return _WatchedStream(self._stream.start_tls(*args, **kwargs))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _WatchedBackend(httpcore.NetworkBackend):
    """Wraps an httpcore backend so that its streams are watched."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        return _WatchedStream(self._backend.connect_tcp(*args, **kwargs))

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        return _WatchedStream(self._backend.connect_unix_socket(*args, **kwargs))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def watch_httpx_client(client: Any) -> None:
    """Make an httpx client's new connections report their sockets to the current `Watch`.

    httpx has no total deadline and no hook that sees sockets; its transports' httpcore pools
    (private attributes, hence the guards) get a wrapping network backend. Connections opened
    before this call are not watched.
    """
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is not None and not isinstance(backend, _WatchedBackend):
            pool._network_backend = _WatchedBackend(backend)  # type: ignore[union-attr]
