"""A browser without the browser, for the security tests: it logs in over HTTP as a browser does and then
speaks the pages' websocket (Reflex's Socket.IO at /_event), so a test can send any event with any
arguments, as an attacker's script could, and read everything the portal sends back."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx
import socketio
from reflex.event import EventHandler
from reflex.state import OnLoadInternalState, State
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.utils.format import format_event_handler

from homecare import routes
from homecare.auth.dev_idp.pages import (
    ACR_FIELD,
    ACTION_FIELD,
    LOG_IN_ACTION,
    NATIONAL_ID_FIELD,
    REQUEST_ID_FIELD,
)
from homecare.auth.dev_idp.server import ACR_HIGH

NAMESPACE = "/_event"
HYDRATE = format_event_handler(State.hydrate_and_load)  # type: ignore[arg-type]
ON_LOAD = format_event_handler(OnLoadInternalState.on_load_internal)  # type: ignore[arg-type]
IS_HYDRATED = f"is_hydrated{FIELD_MARKER}"
_REQUEST_ID = re.compile(rf'name="{REQUEST_ID_FIELD}" value="([^"]+)"')

Result = TypeVar("Result")
# A portal builds its frontend before it answers: minutes on a cold machine.
START_TIMEOUT_SECONDS = 300


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until the portal started as `process` answers `url` with 200; fail with its log's end if it
    exits or does not answer in time."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"no answer from {url} in {START_TIMEOUT_SECONDS} s:\n{log.read_text()[-4000:]}")


def run(work: Coroutine[Any, Any, Result]) -> Result:
    """Run `work` to its end from a synchronous test (Playwright keeps an event loop of its own there)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, work).result()


class LoginFailed(Exception):
    """The login did not end on "my page" with a session."""


async def log_in_over_http(http: httpx.AsyncClient, portal: str, national_id: str) -> str:
    """Log in through the development provider's form as a browser does (the portal sends it to the
    provider, the form is posted, the callback sets the session cookie and sends the browser on to "my
    page"); returns the browser's cookies as a Cookie header."""
    login_page = await http.get(f"{portal}{routes.AUTH_LOGIN}", follow_redirects=True)
    login_page.raise_for_status()
    request_id = _REQUEST_ID.search(login_page.text)
    if request_id is None:
        raise LoginFailed("no login form from the provider")
    form = {
        REQUEST_ID_FIELD: request_id[1],
        NATIONAL_ID_FIELD: national_id,
        ACR_FIELD: ACR_HIGH,
        ACTION_FIELD: LOG_IN_ACTION,
    }
    landed = await http.post(str(login_page.url.copy_with(query=None)), data=form, follow_redirects=True)
    landed.raise_for_status()
    if routes.normalized(landed.url.path) != routes.MY_PAGE:
        raise LoginFailed(f"landed on {landed.url.path}")
    return "; ".join(f"{name}={value}" for name, value in http.cookies.items())


def router_data(path: str) -> dict[str, Any]:
    """What the browser's router says about the page it is on."""
    data: dict[str, Any] = {"pathname": path, "asPath": path}
    if thread := routes.thread_in(path):
        data["query"] = {"thread": thread}
    return data


class EventSocket:
    """One page's websocket: opened on a page (the hydrate rides in the CONNECT packet), then any event."""

    def __init__(self, portal: str, cookie: str = "", origin: str | None = None) -> None:
        self.portal = portal
        self.cookie = cookie
        self.origin = origin or portal
        self.path = routes.HOME
        self.received: list[dict[str, Any]] = []
        self.disconnected = False
        self._arrived = asyncio.Event()
        self._sio = socketio.AsyncClient(reconnection=False)
        self._sio.on("event", self._on_event, namespace=NAMESPACE)
        self._sio.on("disconnect", self._on_disconnect, namespace=NAMESPACE)

    async def _on_event(self, message: dict[str, Any]) -> None:
        self.received.append(message)
        self._arrived.set()

    async def _on_disconnect(self, *_reason: object) -> None:
        self.disconnected = True
        self._arrived.set()

    async def open(self, path: str) -> list[dict[str, Any]]:
        """Load the page at `path`: connect and hydrate; what came back until the page was complete."""
        self.path = path
        hydrate = {"name": HYDRATE, "payload": {}, "router_data": router_data(path)}
        await self._sio.connect(
            f"{self.portal}?token={uuid.uuid4()}",
            headers={"Cookie": self.cookie, "Origin": self.origin},
            auth={"event": hydrate},
            transports=["websocket"],
            namespaces=[NAMESPACE],
            socketio_path=NAMESPACE,
            wait_timeout=15,
        )
        return await self._collect()

    async def navigate(self, path: str) -> list[dict[str, Any]]:
        """Go to another page as the browser's router does (its load events run)."""
        self.path = path
        return await self.send(ON_LOAD, {})

    async def send(self, handler: EventHandler | str, payload: dict[str, Any]) -> list[dict[str, Any]]:
        """Send one event with these arguments; what came back until the portal fell quiet."""
        name = handler if isinstance(handler, str) else format_event_handler(handler)  # type: ignore[arg-type]
        self.received = []
        await self._sio.emit(
            "event",
            {"name": name, "payload": payload, "router_data": router_data(self.path)},
            namespace=NAMESPACE,
        )
        return await self._collect()

    async def _collect(
        self, quiet_seconds: float = 1.0, at_most_seconds: float = 15.0
    ) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + at_most_seconds
        while not self.disconnected and loop.time() < deadline:
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), quiet_seconds)
            except TimeoutError:
                if self.received:
                    break
        return list(self.received)

    async def close(self) -> None:
        if self._sio.connected:
            await self._sio.disconnect()


def sent_text(messages: list[dict[str, Any]]) -> str:
    """Everything the portal sent, as one text to search for what must not be in it."""
    return json.dumps(messages, ensure_ascii=False)


def latest(messages: list[dict[str, Any]], state: type[State], var: str) -> Any:
    """The last value of a state's var that the portal sent, None if it sent none."""
    name, key = state.get_full_name(), f"{var}{FIELD_MARKER}"
    values = [
        message["delta"][name][key]
        for message in messages
        if key in (message.get("delta") or {}).get(name, {})
    ]
    return values[-1] if values else None
