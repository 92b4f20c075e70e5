"""Bounding the server's connections: how many are open, and how long one may idle.

uvicorn keeps a connection open for as long as the client does, until it has sent a
first request, and never counts them: 20,000 idle sockets (the open-file limit) made
the server stop answering and log "Too many open files" 84,000 times. ``dckg serve``
therefore runs uvicorn's HTTP/1.1 protocol with two bounds (both settings):

- **at most** ``max_connections`` **open at once**: one more is answered at once with
  ``503 Service Unavailable`` and ``Retry-After``, then closed. The refusal is logged
  once, when the limit is first reached, and once more when connections are accepted
  again, with the number refused meanwhile;
- **at most** ``idle_timeout`` **seconds without a request in progress**: a connection
  that sends nothing, trickles a request's head byte by byte, or keeps alive after a
  response, is closed when the time is up. A request being answered is never cut.

The limit is kept below the process's open-file limit (raised to its hard maximum at
start), with room for the store's files and the query workers' pipes.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from typing import Any, ClassVar

from uvicorn.protocols.http.h11_impl import H11Protocol

#: The server's own log, where uvicorn reports on connections too.
log = logging.getLogger("uvicorn.error")

#: Open files kept free for the store, the query workers and the logs.
RESERVED_FILES = 256
#: Open files one connection may hold: its socket, and the file its answer is spooled to.
FILES_PER_CONNECTION = 2

#: Seconds a refused client gets to read its 503 before the socket is closed.
_REFUSAL_GRACE = 1.0


def refusal_response(retry_after: int) -> bytes:
    """The raw 503 a connection over the limit gets."""
    body = (
        b"503 Service Unavailable: the server has too many open connections; "
        b"retry in a few seconds\n"
    )
    head = (
        "HTTP/1.1 503 Service Unavailable\r\n"
        "content-type: text/plain; charset=utf-8\r\n"
        f"retry-after: {retry_after}\r\n"
        "x-content-type-options: nosniff\r\n"
        "connection: close\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class BoundedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a connection limit and an idle timeout."""

    max_connections: ClassVar[int] = 1000
    idle_timeout: ClassVar[float] = 10.0
    #: Refused since the limit was last reached (shared by every connection).
    refused: ClassVar[int] = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle_timer: asyncio.TimerHandle | None = None
        self._refusing = False

    # -- the limit ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            self._refuse()
            return
        cls = type(self)
        if cls.refused:
            log.warning(
                "accepting connections again; %d were refused while %d were open",
                cls.refused,
                self.max_connections,
            )
            cls.refused = 0
        self._arm()

    def _refuse(self) -> None:
        cls = type(self)
        if cls.refused == 0:
            log.warning(
                "%d connections are open, the limit (DCKG_MAX_CONNECTIONS); new ones get 503 "
                "until some close (logged once)",
                self.max_connections,
            )
        cls.refused += 1
        self._refusing = True
        self.transport.write(refusal_response(max(1, round(self.idle_timeout))))
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self._idle_timer = self.loop.call_later(_REFUSAL_GRACE, self.transport.abort)

    def data_received(self, data: bytes) -> None:
        if self._refusing:
            return  # the answer is sent; what the client says is not read
        super().data_received(data)
        if self._between_requests():
            self._arm()
        else:
            self._disarm()

    def eof_received(self) -> bool | None:
        if self._refusing:
            self.transport.close()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request it cannot parse, with the headers of every answer.

        Written raw, as the 503 is: the connection is closed after it. If an answer has
        begun (a broken chunked body while the app responds), the connection is just closed.
        """
        if self.cycle is not None and self.cycle.response_started:
            self.transport.close()
            return
        body = msg.encode("ascii", "replace")
        head = (
            "HTTP/1.1 400 Bad Request\r\n"
            "content-type: text/plain; charset=utf-8\r\n"
            "x-content-type-options: nosniff\r\n"
            "connection: close\r\n"
            f"content-length: {len(body)}\r\n\r\n"
        )
        self.transport.write(head.encode() + body)
        self.transport.close()

    # -- the idle timeout ----------------------------------------------------------------

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._between_requests():
            self._arm()

    def _between_requests(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        """Start the clock, unless it runs already: trickled bytes do not reset it."""
        if self._idle_timer is None and not self.transport.is_closing():
            self._idle_timer = self.loop.call_later(self.idle_timeout, self._idle)

    def _disarm(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

    def _idle(self) -> None:
        self._idle_timer = None
        if self._between_requests() and not self.transport.is_closing():
            self.transport.close()


def protocol(max_connections: int, idle_timeout: float) -> type[BoundedH11Protocol]:
    """A protocol class for uvicorn's ``http=`` with these bounds."""
    return type(
        "BoundedH11Protocol",
        (BoundedH11Protocol,),
        {"max_connections": max_connections, "idle_timeout": idle_timeout, "refused": 0},
    )


def fit_to_open_files(max_connections: int) -> int:
    """``max_connections``, lowered if the open-file limit cannot hold that many.

    The soft limit is first raised to the hard one (as far as the system allows).
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = FILES_PER_CONNECTION * max_connections + RESERVED_FILES
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return max_connections
    fitted = max(1, (soft - RESERVED_FILES) // FILES_PER_CONNECTION)
    log.warning(
        "the open-file limit is %d: serving at most %d connections instead of %d "
        "(raise 'ulimit -n' to allow more)",
        soft,
        fitted,
        max_connections,
    )
    return fitted


def uvicorn_options(max_connections: int, idle_timeout: float) -> dict[str, Any]:
    """The options ``uvicorn.run`` needs for these bounds."""
    limit = fit_to_open_files(max_connections)
    return {
        "http": protocol(limit, idle_timeout),
        "timeout_keep_alive": idle_timeout,
    }


__all__ = ["BoundedH11Protocol", "fit_to_open_files", "protocol", "uvicorn_options"]
