"""A headless Chromium driven over the Chrome DevTools Protocol, for the page tests.

Debian's ``chromium`` is started with a fresh profile and a remote-debugging port on
loopback; this module speaks the protocol over that port with ``websockets``. It records
every request the page makes, every console message and every uncaught exception, so a
test can check that nothing left for another host and nothing broke.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)


def find_chromium() -> str | None:
    """The Chromium executable, if one is installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = find_chromium()
#: For tests that need Chromium: skipped, saying why, where none is installed (CI installs it).
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install chromium): browser tests not run",
)


class Browser:
    """One headless Chromium with one page."""

    def __init__(self, executable: str, *, width: int = 1280, height: int = 900) -> None:
        self.profile = tempfile.TemporaryDirectory(prefix="dckg-chromium-")
        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile.name}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.requests: list[str] = []
        #: (url, status, MIME type, request id) of every response.
        self.responses: list[tuple[str, int, str, str]] = []
        self.failed: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.exceptions: list[str] = []
        self._finished: set[str] = set()
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self._stack = contextlib.ExitStack()
        try:
            self._connect(width, height)
        except BaseException:
            self.close()  # never leave a browser behind
            raise

    def _connect(self, width: int, height: int) -> None:
        """Attach to the browser's DevTools and open one page of the given size."""
        self._socket: ClientConnection = self._stack.enter_context(
            connect(self._devtools_url(), max_size=None)
        )
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    def _devtools_url(self) -> str:
        assert self.process.stderr is not None
        deadline = time.monotonic() + 30
        lines = []
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line and self.process.poll() is not None:
                break
            lines.append(line)
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            if match:
                # Keep reading its log, so a full pipe never blocks the browser.
                threading.Thread(target=self._drain, daemon=True).start()
                return match.group(1)
        raise RuntimeError("chromium did not start:\n" + "".join(lines[-20:]))

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for _ in self.process.stderr:
            pass

    # -- protocol ------------------------------------------------------------------------

    def _call(self, method: str, params: dict[str, Any] | None = None, **extra: Any) -> Any:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}, **extra}
        self._socket.send(json.dumps(message))
        while True:
            reply = json.loads(self._socket.recv(timeout=60))
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._record(reply)

    def send(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """A command to the page."""
        return self._call(method, params, sessionId=self._session)

    def _record(self, event: dict[str, Any]) -> None:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Network.responseReceived":
            response = params["response"]
            self.responses.append(
                (response["url"], response["status"], response["mimeType"], params["requestId"])
            )
        elif method == "Network.loadingFinished":
            self._finished.add(params["requestId"])
        elif method == "Network.loadingFailed":
            self.failed.append(f"{params.get('errorText')} {params.get('blockedReason', '')}")
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            self.console.append((params["type"], text))
        elif method == "Log.entryAdded":
            entry = params["entry"]
            self.console.append((entry["level"], entry["text"]))
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.exceptions.append(details.get("exception", {}).get("description", str(details)))
        self._events.append(event)

    def _pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self._record(json.loads(self._socket.recv(timeout=left)))
            except TimeoutError:
                return

    # -- what tests use --------------------------------------------------------------------

    def reset(self) -> None:
        """Forget what was recorded so far (after letting late events arrive)."""
        self.send("Page.navigate", {"url": "about:blank"})
        self._pump(0.3)
        self.requests.clear()
        self.responses.clear()
        self.failed.clear()
        self.console.clear()
        self.exceptions.clear()

    def open(self, url: str, *, timeout: float = 30) -> None:
        """Load ``url`` and wait for its load event."""
        self._events.clear()
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self._events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not load in {timeout} s")
            self._pump(0.1)
        # A load event of an earlier navigation may have come late: wait for this page.
        self.wait_for(
            f"location.href === {json.dumps(url)} && document.readyState === 'complete'",
            timeout=timeout,
        )

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, *, timeout: float = 30) -> Any:
        """Poll a JavaScript expression until it is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"still false after {timeout} s: {expression}")
            self._pump(0.1)

    def body(self, request_id: str, *, timeout: float = 30) -> str:
        """The body of a response the page received (once it has arrived whole)."""
        deadline = time.monotonic() + timeout
        while request_id not in self._finished and time.monotonic() < deadline:
            self._pump(0.1)
        result = self.send("Network.getResponseBody", {"requestId": request_id})
        if result.get("base64Encoded"):
            return base64.b64decode(result["body"]).decode("utf-8")
        return result["body"]

    def pump(self, seconds: float) -> None:
        """Let events arrive for a while."""
        self._pump(seconds)

    def screenshot(self, path: Path, *, full_page: bool = True) -> Path:
        """A PNG of the page."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params["clip"] = {
                "x": 0,
                "y": 0,
                "width": size["width"],
                "height": min(size["height"], 4000),
                "scale": 1,
            }
        data = self.send("Page.captureScreenshot", params)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """Stop Chromium and remove its profile."""
        stack = getattr(self, "_stack", None)
        if stack is not None:
            stack.close()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        if self.process.stderr is not None:
            self.process.stderr.close()
        self.profile.cleanup()
