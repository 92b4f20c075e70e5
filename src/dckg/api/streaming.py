"""Streaming a body that a blocking writer produces in a thread, and sending an answer
spooled whole (in memory when small, else on disk)."""

from __future__ import annotations

import contextlib
import queue
import tempfile
import threading
from collections.abc import AsyncIterator, Callable
from typing import BinaryIO, cast

from starlette.concurrency import run_in_threadpool

_END = b""


class _QueueWriter:
    """A binary file whose writes become chunks in a bounded queue."""

    def __init__(self, chunks: queue.Queue[bytes | BaseException], cancelled: threading.Event):
        self._chunks = chunks
        self._cancelled = cancelled
        self._buffer = bytearray()

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._buffer += data
        if len(self._buffer) >= 65536:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._buffer:
            self._put(bytes(self._buffer))
            self._buffer.clear()

    def _put(self, item: bytes | BaseException) -> None:
        while not self._cancelled.is_set():
            try:
                self._chunks.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        raise _Cancelled


class _Cancelled(Exception):
    pass


async def stream_from_thread(produce: Callable[[BinaryIO], None]) -> AsyncIterator[bytes]:
    """Run ``produce(file)`` in a thread and yield what it writes, chunk by chunk.

    The queue is bounded, so a slow client slows the producer instead of filling memory;
    a client that goes away stops it.
    """
    chunks: queue.Queue[bytes | BaseException] = queue.Queue(maxsize=8)
    cancelled = threading.Event()
    writer = _QueueWriter(chunks, cancelled)

    def target() -> None:
        try:
            produce(cast(BinaryIO, writer))
            writer.flush()
            writer._put(_END)
        except _Cancelled:
            pass
        except BaseException as error:
            with contextlib.suppress(_Cancelled):
                writer._put(error)

    threading.Thread(target=target, daemon=True, name="dckg-stream").start()
    try:
        while True:
            item = await run_in_threadpool(chunks.get)
            if isinstance(item, BaseException):
                raise item
            if item == _END:
                return
            yield item
    finally:
        cancelled.set()


# -- answers kept whole before they are sent --------------------------------------------

#: Bytes of an answer kept in memory; a larger one goes to a temporary file.
IN_MEMORY = 1024 * 1024
#: Bytes read from a spooled answer at a time, as it is sent.
READ_SIZE = 65536


class Spool:
    """An answer kept whole before it is sent: in memory up to ``in_memory`` bytes, else
    in a temporary file (unlinked at once, so nothing is left behind, whatever happens).

    A slow client then costs the server a file on disk, not the answer in memory.

    >>> spool = Spool(in_memory=4)
    >>> spool.write(b"abc"); spool.body()
    b'abc'
    >>> spool.write(b"def"); spool.body() is None, spool.size
    (True, 6)
    >>> spool.close()
    """

    def __init__(self, *, in_memory: int = IN_MEMORY) -> None:
        self._in_memory = in_memory
        self._parts: list[bytes] = []
        self._file: BinaryIO | None = None
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self._file is not None:
            self._file.write(data)
            return
        self._parts.append(data)
        if self.size > self._in_memory:
            self._file = tempfile.TemporaryFile(prefix="dckg-answer-")  # noqa: SIM115 - close()
            for part in self._parts:
                self._file.write(part)
            self._parts = []

    def body(self) -> bytes | None:
        """The whole answer, if it is held in memory (``None``: it is on disk)."""
        return b"".join(self._parts) if self._file is None else None

    async def chunks(self) -> AsyncIterator[bytes]:
        """The answer, read back piece by piece; the spool is closed at the end."""
        try:
            body = self.body()
            if body is not None:
                yield body
                return
            assert self._file is not None
            await run_in_threadpool(self._file.seek, 0)
            while chunk := await run_in_threadpool(self._file.read, READ_SIZE):
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        self._parts = []
        if self._file is not None:
            self._file.close()
