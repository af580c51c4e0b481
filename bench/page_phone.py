"""Time to interactive of the inbox on a throttled phone, in Chromium.

The phone: a 375 x 812 touch screen (device pixel ratio 3), the CPU slowed 4x and the network of Chrome
DevTools' "Slow 4G" preset (formerly "Fast 3G"), both through the DevTools protocol.

Every time counts from the navigation start (the page's `performance.timeOrigin`):

- FCP and LCP: the Performance API's first contentful paint and largest contentful paint (the last candidate
  before the tap, since Chromium stops reporting LCP at the first input).
- socket open: the moment the websocket to the backend opens (Chromium throttles WebSockets too). The browser
  opens it once the page's scripts have run.
- data shown: the moment the link to a thread appears in the inbox. The pre-rendered page shows only a loader;
  the list exists only after the browser has connected to the backend, hydrated and received the inbox from
  the server, so this is the moment a person sees their messages.
- TTI: the moment the page handles a tap on that link (its click event is dispatched: the main thread is free
  to answer, and the link, rendered by React, has React's handler). The benchmark looks for the link on every
  animation frame and taps it at once (Playwright first checks that it is visible and stable over two
  frames), so this is the earliest moment the inbox both shows its data and answers a person.
- thread open: the moment the tap has navigated to the thread (React Router's `history.pushState`, which comes
  after the thread page's route chunk has loaded).
- long tasks: the main thread's tasks over 50 ms until the tap, added up (what makes a page late to answer).
- redirect: the time the address spent being redirected (the portal redirects `/meldinger` to `/meldinger/`).
- requests, transferred: what came over the network (not from the cache) for the inbox, until the tap.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, fields
from typing import Literal

from playwright.sync_api import Browser, BrowserContext, Page

from bench.page_login import LOCALE, LoggedIn
from homecare import routes

CPU_SLOWDOWN = 4
# Chrome DevTools' "Slow 4G" preset (Lighthouse's mobile throttling): 150 ms x 3.75 latency per request,
# 1.6 Mbit/s x 0.9 down, 750 kbit/s x 0.9 up.
LATENCY_MS = 562.5
DOWNLOAD_BYTES_PER_S = 1_600_000 * 0.9 / 8
UPLOAD_BYTES_PER_S = 750_000 * 0.9 / 8
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
TIMEOUT_MS = 120_000

Cache = Literal["cold", "warm"]

# Installed before any script of the page runs: records what the Performance API offers, when the thread link
# appears, and when the page navigates.
_PROBE = """
(() => {
  const probe = {
    lcp: null, longTasks: [], dataShown: null, tapped: null, navigated: null, socketOpen: null,
  };
  window.__pageProbe = probe;
  const observe = (type, callback) => {
    try {
      const observer = new PerformanceObserver((list) => list.getEntries().forEach(callback));
      observer.observe({ type, buffered: true });
    } catch (error) { /* an entry type this browser lacks */ }
  };
  observe("largest-contentful-paint", (entry) => { probe.lcp = entry.startTime; });
  observe("longtask", (entry) => { probe.longTasks.push([entry.startTime, entry.duration]); });
  const selector = %(selector)s;
  const look = () => {
    if (probe.dataShown === null && document.querySelector(selector)) probe.dataShown = performance.now();
  };
  new MutationObserver(look).observe(document, { childList: true, subtree: true });
  const first = (name) => () => { if (probe[name] === null) probe[name] = performance.now(); };
  window.addEventListener("click", first("tapped"), true);
  const pushState = history.pushState;
  history.pushState = function (...args) {
    first("navigated")();
    return pushState.apply(this, args);
  };
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener("open", first("socketOpen"));
    }
  };
})();
"""

_COLLECT = """
() => {
  const probe = window.__pageProbe;
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const resources = performance.getEntriesByType("resource");
  const navigation = performance.getEntriesByType("navigation")[0];
  const beforeTap = resources.filter((entry) => entry.startTime < probe.tapped);
  const fetched = [navigation, ...beforeTap].filter((entry) => entry.transferSize > 0);
  return {
    fcp: paint ? paint.startTime : null,
    lcp: probe.lcp,
    dataShown: probe.dataShown,
    tapped: probe.tapped,
    navigated: probe.navigated,
    redirect: navigation.redirectEnd - navigation.redirectStart,
    socketOpen: probe.socketOpen,
    longTasks: probe.longTasks.filter(([start]) => start < probe.tapped).reduce((sum, [, ms]) => sum + ms, 0),
    requests: fetched.length,
    transferred: fetched.reduce((sum, entry) => sum + entry.transferSize, 0),
  };
}
"""


@dataclass(frozen=True)
class InboxTiming:
    """One load of the inbox: times in ms since the navigation start, bytes over the (emulated) network."""

    fcp: float
    lcp: float
    redirect: float
    socket_open: float
    data_shown: float
    tti: float
    thread_open: float
    long_tasks: float
    requests: int
    transferred: int


def _thread_link(logged_in: LoggedIn) -> str:
    """The CSS selector of the inbox's link to the thread the benchmark opens."""
    return f"main ul a[href='{logged_in.thread_path}']"


def _throttle(context: BrowserContext, page: Page) -> None:
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": DOWNLOAD_BYTES_PER_S,
            "uploadThroughput": UPLOAD_BYTES_PER_S,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})


def _phone_context(browser: Browser, base_url: str, logged_in: LoggedIn) -> BrowserContext:
    context = browser.new_context(
        **PHONE, locale=LOCALE, base_url=base_url, storage_state=logged_in.storage_state
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(_PROBE % {"selector": json.dumps(_thread_link(logged_in))})
    return context


def _load_inbox(context: BrowserContext, logged_in: LoggedIn) -> InboxTiming:
    page = context.new_page()
    try:
        _throttle(context, page)
        page.goto(routes.MESSAGES, wait_until="commit")
        # Polled in the page on every frame, so the tap follows the data without Playwright's retry pauses.
        page.wait_for_function("window.__pageProbe.dataShown !== null", polling="raf")
        page.locator(_thread_link(logged_in)).tap()
        page.wait_for_url(f"**{logged_in.thread_path}")
        found = page.evaluate(_COLLECT)
    finally:
        page.close()
    missing = [
        name
        for name in ("fcp", "lcp", "dataShown", "tapped", "navigated", "socketOpen")
        if found[name] is None
    ]
    if missing:
        raise RuntimeError(f"the inbox load did not report {', '.join(missing)}")
    return InboxTiming(
        fcp=found["fcp"],
        lcp=found["lcp"],
        redirect=found["redirect"],
        socket_open=found["socketOpen"],
        data_shown=found["dataShown"],
        tti=found["tapped"],
        thread_open=found["navigated"],
        long_tasks=found["longTasks"],
        requests=found["requests"],
        transferred=found["transferred"],
    )


def inbox_timings(
    browser: Browser, base_url: str, logged_in: LoggedIn, runs: int, cache: Cache
) -> list[InboxTiming]:
    """`runs` loads of the inbox on the phone, each in a fresh browser profile (cold) or in one profile that
    has loaded the inbox once before (warm: its HTTP cache filled, nothing else kept between loads).
    """
    if cache == "cold":
        timings = []
        for _ in range(runs):
            context = _phone_context(browser, base_url, logged_in)
            try:
                timings.append(_load_inbox(context, logged_in))
            finally:
                context.close()
        return timings
    context = _phone_context(browser, base_url, logged_in)
    try:
        _load_inbox(context, logged_in)
        return [_load_inbox(context, logged_in) for _ in range(runs)]
    finally:
        context.close()


def median_timing(timings: list[InboxTiming]) -> InboxTiming:
    """Each measure's median over the runs (so the row need not be one of the runs)."""
    return InboxTiming(
        **{
            measure.name: statistics.median(getattr(timing, measure.name) for timing in timings)
            for measure in fields(InboxTiming)
        }
    )
