"""Streaming a body that a blocking writer produces in a thread."""

from __future__ import annotations

import contextlib
import queue
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
