"""Simulated users of the event-load benchmark: a browser's login and its websocket, without the browser.

Each user logs in through the identity provider over HTTP, as a browser does (ending with the portal's
HttpOnly session cookie), then opens Reflex's Socket.IO connection with that cookie and sends the events the
browser sends: the hydrate in the CONNECT packet, `on_load_internal` on each navigation, the pages' events.

Reflex answers an event with one or more messages, in order: deltas (`{"delta": ...}`) and events for the
browser to run (`{"events": [...]}`, e.g. a redirect). A message names no event, so a user keeps one event in
flight at a time, as a person does, and reads what comes back until the step is complete:

- a navigation: a delta from `on_load_internal` (the first answer), the delta of the page's load handler (the
  data, found by its state's name), then `is_hydrated` true (the page is complete);
- an event answered with a redirect (choosing a person, sending a message): its delta, then the redirect;
- the no-op: its delta.
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any

import aiohttp
import httpx
import socketio
from reflex.state import State
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.utils.format import format_event_handler

from bench.load_cast import LoadPair
from homecare import routes
from homecare.state.appointments import AppointmentsState
from homecare.state.messages import InboxState, MessagesState, NewMessageState, ThreadState
from homecare.state.my_page import MyPageState
from homecare.state.representation import RepresentationState
from homecare.state.session import SessionState
from tests.portal_client import (
    HYDRATE,
    IS_HYDRATED,
    NAMESPACE,
    ON_LOAD,
    LoginFailed,
    log_in_over_http,
    router_data,
)

ROOT = State.get_full_name()
NOOP = format_event_handler(SessionState.dismiss_notice)  # type: ignore[arg-type]
CHOOSE = format_event_handler(RepresentationState.choose)  # type: ignore[arg-type]
SEND = format_event_handler(NewMessageState.send)  # type: ignore[arg-type]
SESSION = SessionState.get_full_name()
# Every event that runs the access check sets this (with the rest of the header).
LOGGED_IN = f"logged_in{FIELD_MARKER}"
# Set when the access check refused the login: the page is to load the front page anew.
PAGE_LOAD_REQUEST = f"page_load_request{FIELD_MARKER}"

# The rows of the table, in this order.
LOGIN = "login (HTTP, through the provider)"
CONNECT = "connect + hydrate (until is_hydrated)"
FLOOR = "no-op: SessionState.dismiss_notice (floor)"
FIRST_ANSWER = "navigation: on_load_internal, first delta"
PAGE_COMPLETE = "navigation: page complete (is_hydrated)"
CHOOSE_ROW = "RepresentationState.choose (switch person)"
SEND_ROW = "NewMessageState.send"
DISCONNECTS = "disconnects"


@dataclass(frozen=True)
class Page:
    """A page the users open, and the state whose delta carries its data."""

    route: str
    row: str
    data_state: str


CHOOSE_PERSON = Page(
    routes.CHOOSE_PERSON, "open choose person: RepresentationState.load", RepresentationState.get_full_name()
)
MY_PAGE = Page(routes.MY_PAGE, "open my page: MyPageState.load", MyPageState.get_full_name())
INBOX = Page(routes.MESSAGES, "open inbox: InboxState.load", InboxState.get_full_name())
APPOINTMENTS = Page(
    routes.APPOINTMENTS, "open appointments: AppointmentsState.load", AppointmentsState.get_full_name()
)
NEW_MESSAGE = Page(
    routes.NEW_MESSAGE, "open new message: NewMessageState.load", NewMessageState.get_full_name()
)
THREAD = Page(routes.THREAD, "open the sent thread: ThreadState.load", ThreadState.get_full_name())

ROWS = (
    LOGIN, CONNECT, FLOOR, FIRST_ANSWER,
    CHOOSE_PERSON.row, CHOOSE_ROW, MY_PAGE.row, INBOX.row, APPOINTMENTS.row, NEW_MESSAGE.row, SEND_ROW,
    THREAD.row, PAGE_COMPLETE, DISCONNECTS,
)  # fmt: skip
# Rows measured during the ramp-up too: every login and connection happens before the measured window.
RAMP_ROWS = frozenset({LOGIN, CONNECT})


class Recorder:
    """Latencies (seconds) and errors per row; events count only when sent inside the measured window."""

    def __init__(self) -> None:
        self.window: tuple[float, float] | None = None
        self.samples: dict[str, list[float]] = {row: [] for row in ROWS}
        self.errors: Counter[str] = Counter()
        self.problems: Counter[str] = Counter()
        # Failures of events sent before the window (ramp-up, settling) are no row's, but must not go unseen.
        self.problems_before: Counter[str] = Counter()
        self.sent_in_window = 0

    def counts(self, row: str, started: float) -> bool:
        if row in RAMP_ROWS:
            return True
        return self.window is not None and self.window[0] <= started < self.window[1]

    def sent(self, started: float) -> None:
        if self.counts(FLOOR, started):
            self.sent_in_window += 1

    def add(self, row: str, started: float, seconds: float) -> None:
        if self.counts(row, started):
            self.samples[row].append(seconds)

    def error(self, row: str, started: float, problem: str) -> None:
        if self.counts(row, started):
            self.errors[row] += 1
            self.problems[f"{row}: {problem}"] += 1
        elif self.window is None or started < self.window[0]:
            self.problems_before[f"{row}: {problem}"] += 1


class StepFailed(Exception):
    """The step did not end as the browser expects; the user reloads the page and goes on."""


@dataclass
class Answer:
    """What came back for one event, with the time of each milestone."""

    first_delta: float | None = None
    data: float | None = None
    complete: float | None = None
    redirect: str | None = None
    deltas: list[dict[str, dict[str, Any]]] = field(default_factory=list)


_DISCONNECTED = object()


@dataclass(frozen=True)
class Options:
    """How users behave: think time (mean, ± half of it) and how long to wait for an answer."""

    think_seconds: float
    timeout_seconds: float


class SimulatedUser:
    """One person: logs in, then goes round the flows until told to stop."""

    def __init__(self, portal: str, pair: LoadPair, recorder: Recorder, options: Options) -> None:
        self.portal = portal
        self.pair = pair
        self.recorder = recorder
        self.options = options
        self.cookie = ""
        self.sio: socketio.AsyncClient | None = None
        self.inbox: asyncio.Queue[tuple[float, object]] = asyncio.Queue()
        self.path = routes.MY_PAGE

    async def log_in(self) -> bool:
        """The browser's login: the portal sends it to the provider, the form is posted, the callback sets
        the session cookie and sends the browser on to "my page"."""
        started = perf_counter()
        try:
            async with httpx.AsyncClient(timeout=self.options.timeout_seconds) as http:
                self.cookie = await log_in_over_http(http, self.portal, self.pair.representative_id)
        except (httpx.HTTPError, LoginFailed) as error:
            self.recorder.error(LOGIN, started, _problem(error))
            return False
        self.recorder.add(LOGIN, started, perf_counter() - started)
        return True

    async def connect(self) -> None:
        """Open the websocket on the current page, as a page load does; the hydrate rides in CONNECT."""
        self.inbox = asyncio.Queue()
        sio = socketio.AsyncClient(reconnection=False)
        inbox = self.inbox

        async def on_event(message: object) -> None:
            inbox.put_nowait((perf_counter(), message))

        async def on_disconnect(*_reason: object) -> None:
            inbox.put_nowait((perf_counter(), _DISCONNECTED))

        sio.on("event", on_event, namespace=NAMESPACE)
        sio.on("disconnect", on_disconnect, namespace=NAMESPACE)
        started = perf_counter()
        hydrate = {"name": HYDRATE, "payload": {}, "router_data": router_data(self.path)}
        try:
            await sio.connect(
                f"{self.portal}?token={uuid.uuid4()}",
                headers={"Cookie": self.cookie, "Origin": self.portal},
                auth={"event": hydrate},
                transports=["websocket"],
                namespaces=[NAMESPACE],
                socketio_path=NAMESPACE,
                wait_timeout=self.options.timeout_seconds,
            )
        except (socketio.exceptions.ConnectionError, aiohttp.ClientError, OSError, TimeoutError) as error:
            self.recorder.error(CONNECT, started, _problem(error))
            raise StepFailed("connect") from error
        self.sio = sio
        try:
            answer = await self._read(started, _complete)
        except StepFailed as failure:
            self.recorder.error(CONNECT, started, str(failure))
            raise
        assert answer.complete is not None
        self.recorder.add(CONNECT, started, answer.complete - started)

    async def close(self) -> None:
        if self.sio is not None:
            sio, self.sio = self.sio, None
            await sio.disconnect()

    async def run(self, stop: asyncio.Event) -> None:
        """Go round the flows until `stop` is set; a failed step reloads the page, as a person would."""
        await self._think(stop, random.uniform(0, 2 * self.options.think_seconds))
        while not stop.is_set():
            try:
                await self._round(stop)
            except StepFailed:
                await self.close()
                if stop.is_set():
                    return
                self.path = routes.MY_PAGE
                try:
                    await self.connect()
                except StepFailed:
                    await self._think(stop, self.options.think_seconds)

    async def _round(self, stop: asyncio.Event) -> None:
        steps = (
            self._switch_person, self._noop, lambda: self._open(INBOX), self._noop,
            lambda: self._open(APPOINTMENTS), self._noop, self._send_message, self._noop,
        )  # fmt: skip
        for step in steps:
            if await self._think(stop, self.options.think_seconds):
                return
            await step()

    async def _think(self, stop: asyncio.Event, mean: float) -> bool:
        """Wait mean ± 50 %, or until stopped; return whether stopped."""
        try:
            await asyncio.wait_for(stop.wait(), random.uniform(0.5 * mean, 1.5 * mean))
        except TimeoutError:
            return False
        return True

    async def _noop(self) -> None:
        started = await self._emit(NOOP, {})
        answer = await self._answer(FLOOR, started, lambda answer: answer.first_delta is not None)
        assert answer.first_delta is not None
        self.recorder.add(FLOOR, started, answer.first_delta - started)

    async def _switch_person(self) -> None:
        """Open "choose person", choose the person who gave the power of attorney, land on "my page"."""
        answer = await self._open(CHOOSE_PERSON)
        choices = _value(answer, CHOOSE_PERSON.data_state, "choices") or []
        key = next((choice["key"] for choice in choices if not choice.get("is_actor")), None)
        if key is None:
            self.recorder.error(CHOOSE_ROW, perf_counter(), "no one to choose")
            raise StepFailed("no one to choose")
        await self._think_briefly()
        await self._redirecting(CHOOSE_ROW, CHOOSE, {"key": key}, routes.MY_PAGE)
        await self._open(MY_PAGE)

    async def _send_message(self) -> None:
        """Open "new message", write, send; the portal sends the browser to the new thread."""
        answer = await self._open(NEW_MESSAGE)
        version = _value(answer, MessagesState.get_full_name(), "form_version")
        if version is None:
            self.recorder.error(NEW_MESSAGE.row, perf_counter(), "no form version")
            raise StepFailed("no form version")
        await self._think_briefly()
        form = {
            "topic": "Besøket på fredag",
            "text": "Kan dere komme etter lunsj på fredag?",
            "form_version": version,
        }
        redirect = await self._redirecting(SEND_ROW, SEND, {"form": form}, f"{routes.MESSAGES}/")
        await self._open(THREAD, path=redirect)

    async def _think_briefly(self) -> None:
        # Reading the page and filling in the form: part of the same think time, not a separate one.
        await asyncio.sleep(random.uniform(0.25, 0.75) * self.options.think_seconds)

    async def _open(self, page: Page, path: str | None = None) -> Answer:
        """Navigate to the page as the browser's router does: on_load_internal with the new route."""
        self.path = path or page.route
        started = await self._emit(ON_LOAD, {})
        answer = await self._answer(page.row, started, _complete, data_state=page.data_state)
        if answer.data is None or answer.first_delta is None or answer.complete is None:
            self.recorder.error(page.row, started, "no delta with the page's data")
            raise StepFailed("no delta with the page's data")
        self.recorder.add(FIRST_ANSWER, started, answer.first_delta - started)
        self.recorder.add(page.row, started, answer.data - started)
        self.recorder.add(PAGE_COMPLETE, started, answer.complete - started)
        return answer

    async def _redirecting(self, row: str, event: str, payload: dict[str, Any], expected: str) -> str:
        """An event the portal answers with its delta and then a redirect starting with `expected`."""
        started = await self._emit(event, payload)
        answer = await self._answer(row, started, lambda answer: answer.redirect is not None)
        assert answer.redirect is not None
        if answer.first_delta is None or not answer.redirect.startswith(expected):
            self.recorder.error(row, started, f"redirected to {answer.redirect}")
            raise StepFailed(f"redirected to {answer.redirect}")
        self.recorder.add(row, started, answer.first_delta - started)
        return answer.redirect

    async def _emit(self, name: str, payload: dict[str, Any]) -> float:
        if self.sio is None:
            raise StepFailed("not connected")
        while not self.inbox.empty():
            # Nothing should be left over; a late answer must not count for this event.
            self.inbox.get_nowait()
        started = perf_counter()
        self.recorder.sent(started)
        event = {"name": name, "payload": payload, "router_data": router_data(self.path)}
        await self.sio.emit("event", event, namespace=NAMESPACE)
        return started

    async def _answer(
        self, row: str, started: float, done: Callable[[Answer], bool], *, data_state: str | None = None
    ) -> Answer:
        try:
            return await self._read(started, done, data_state=data_state)
        except StepFailed as failure:
            self.recorder.error(row, started, str(failure))
            raise

    async def _read(
        self, started: float, done: Callable[[Answer], bool], *, data_state: str | None = None
    ) -> Answer:
        """Read messages until `done(answer)`; raise StepFailed on a timeout, a disconnect or a wrong answer.

        `data_state`: the state whose delta from the checked load is the page's data (`answer.data`)."""
        answer = Answer()
        deadline = started + self.options.timeout_seconds
        while not done(answer):
            try:
                at, message = await asyncio.wait_for(self.inbox.get(), max(deadline - perf_counter(), 0))
            except TimeoutError:
                raise StepFailed("timeout") from None
            if message is _DISCONNECTED:
                self.recorder.error(DISCONNECTS, started, "disconnected")
                raise StepFailed("disconnected")
            assert isinstance(message, dict)
            if delta := message.get("delta"):
                answer.deltas.append(delta)
                if answer.first_delta is None:
                    answer.first_delta = at
                if delta.get(SESSION, {}).get(PAGE_LOAD_REQUEST):
                    raise StepFailed("access refused: sent to the front page")
                if answer.data is None and data_state in delta and LOGGED_IN in delta.get(SESSION, {}):
                    answer.data = at
                if delta.get(ROOT, {}).get(IS_HYDRATED) is True:
                    answer.complete = at
            for event in message.get("events") or []:
                answer.redirect = answer.redirect or _check(event)
        return answer


def _complete(answer: Answer) -> bool:
    return answer.complete is not None


def _check(event: dict[str, Any]) -> str:
    """The redirect's path; StepFailed for any other event (an error toast)."""
    name = event.get("name")
    payload = event.get("payload") or {}
    if name == "_redirect":
        return str(payload.get("path"))
    raise StepFailed(f"unexpected event {name}: {json.dumps(payload)[:80]}")


def _value(answer: Answer, state: str, var: str) -> Any:
    """The last value of a state's var in the answer's deltas."""
    key = f"{var}{FIELD_MARKER}"
    values = [delta[state][key] for delta in answer.deltas if key in delta.get(state, {})]
    return values[-1] if values else None


def _problem(error: BaseException) -> str:
    return str(error) or type(error).__name__
