"""Page weight of every page, and the inbox's time to interactive on a throttled phone, in Chromium.

Run against a running portal and the identity provider it logs in with (scripts/run serves both: the portal on
http://localhost:3000, the development provider on http://127.0.0.1:8900):

    .venv/bin/python -m bench.page_weight [portal URL] [--issuer URL] [--runs N] [--largest N]

It logs in as Ingrid, acting for Kari (the demo cast), and prints three tables:

1. Each page's JS and CSS: files, raw bytes and gzip -9 bytes. Each page is a fresh load in a browser profile
   of its own (empty cache): everything a person opening that address gets, the lazily loaded chunks included.
   The public pages are weighed twice, for a visitor and logged in (the header differs).
2. The largest files over all pages, and how many pages load each: where the weight comes from.
3. The inbox on a throttled phone (see bench/page_phone.py): FCP, LCP, data shown and time to interactive,
   the median of --runs loads with a cold and with a warm cache.

Exits non-zero when a page is over the budget of 250 kB of JS + CSS (gzip).
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Response, sync_playwright

from bench.page_login import LOCALE, LoggedIn, log_in
from bench.page_phone import (
    CPU_SLOWDOWN,
    DOWNLOAD_BYTES_PER_S,
    LATENCY_MS,
    PHONE,
    UPLOAD_BYTES_PER_S,
    InboxTiming,
    inbox_timings,
    median_timing,
)
from homecare import routes
from homecare.i18n import translate
from homecare.settings import get_settings
from tests.chromium import CHROMIUM_PATH, chromium_args

BUDGET_KB = 250
DESKTOP = {"width": 1280, "height": 900}
# Lazily loaded chunks may follow the page's data over the websocket: a page is weighed once this long has
# passed without a new script or stylesheet.
QUIET_MS = 1000
PAGE_TIMEOUT_MS = 60_000
# The pages anyone may open; every page is also weighed logged in.
PUBLIC_ROUTES = (routes.HOME, routes.MUNICIPALITIES, routes.HELP, routes.LOGIN_FAILED)
NOT_FOUND_PATH = "/finnes-ikke"
VISITOR, MEMBER = "visitor", "Ingrid for Kari"


@dataclass(frozen=True)
class PageToWeigh:
    """A page's address, named by its English title, opened as a visitor or logged in."""

    name: str
    path: str
    logged_in: bool

    @property
    def viewer(self) -> str:
        return MEMBER if self.logged_in else VISITOR


@dataclass
class Weight:
    """The scripts or the stylesheets one page loaded, each file counted once."""

    files: int = 0
    raw: int = 0
    gzipped: int = 0
    seen: set[str] = field(default_factory=set)

    def add(self, url: str, body: bytes) -> int:
        """Count a file; return its gzip -9 size (0 when already counted)."""
        if url in self.seen:
            return 0
        self.seen.add(url)
        size = len(gzip.compress(body, compresslevel=9))
        self.files += 1
        self.raw += len(body)
        self.gzipped += size
        return size


@dataclass
class LoadedFile:
    """One script or stylesheet, and the pages that load it."""

    raw: int
    gzipped: int
    pages: set[str] = field(default_factory=set)


def pages_to_weigh(thread_path: str) -> list[PageToWeigh]:
    """Every page the app registers (homecare.homecare PAGES): each route with a title, one thread, and an
    unknown address for the not-found page. The public ones are weighed for a visitor too.
    """
    pages = [
        PageToWeigh(translate("en", key), path, logged_in=False)
        for path, key in routes.TITLE_KEYS.items()
        if path in PUBLIC_ROUTES
    ]
    pages.append(PageToWeigh(translate("en", routes.title_key(NOT_FOUND_PATH)), NOT_FOUND_PATH, False))
    for path, key in routes.TITLE_KEYS.items():
        pages.append(PageToWeigh(translate("en", key), path, logged_in=True))
        if path == routes.NEW_MESSAGE:
            pages.append(PageToWeigh(translate("en", routes.title_key(thread_path)), thread_path, True))
    pages.append(PageToWeigh(translate("en", routes.title_key(NOT_FOUND_PATH)), NOT_FOUND_PATH, True))
    return pages


def weigh(
    browser: Browser,
    base_url: str,
    page_to_weigh: PageToWeigh,
    logged_in: LoggedIn,
    files: dict[str, LoadedFile],
) -> tuple[Weight, Weight]:
    """Open the page in a fresh profile and count its scripts and stylesheets; note each file in `files`."""
    js, css = Weight(), Weight()
    label = f"{page_to_weigh.name} ({page_to_weigh.viewer})"

    def record(response: Response) -> None:
        kind = response.request.resource_type
        if response.status != 200 or kind not in ("script", "stylesheet"):
            return
        body = response.body()
        if size := (js if kind == "script" else css).add(response.url, body):
            files.setdefault(response.url, LoadedFile(len(body), size)).pages.add(label)

    context = browser.new_context(
        viewport=DESKTOP,
        locale=LOCALE,
        base_url=base_url,
        storage_state=logged_in.storage_state if page_to_weigh.logged_in else None,
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.on("response", record)
        page.goto(page_to_weigh.path, wait_until="networkidle")
        counted = -1
        while counted != js.files + css.files:
            counted = js.files + css.files
            page.wait_for_timeout(QUIET_MS)
        landed = urlsplit(page.url).path
        if routes.normalized(landed) != routes.normalized(page_to_weigh.path):
            raise RuntimeError(f"{label}: {page_to_weigh.path} sent the browser to {landed}")
    finally:
        context.close()
    return js, css


def _row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(f"{cell:.1f}" if isinstance(cell, float) else str(cell) for cell in cells) + " |"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    print(_row(header))
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print(_row(row))
    print()


def print_weights(base_url: str, browser: Browser, logged_in: LoggedIn, largest: int) -> bool:
    """Print the page and file tables; return whether every page kept the budget."""
    files: dict[str, LoadedFile] = {}
    rows, kept = [], True
    for page_to_weigh in pages_to_weigh(logged_in.thread_path):
        js, css = weigh(browser, base_url, page_to_weigh, logged_in, files)
        total = (js.gzipped + css.gzipped) / 1000
        kept &= total <= BUDGET_KB
        rows.append(
            (
                page_to_weigh.name,
                page_to_weigh.path,
                page_to_weigh.viewer,
                js.files,
                js.raw / 1000,
                js.gzipped / 1000,
                css.files,
                css.raw / 1000,
                css.gzipped / 1000,
                total,
                "" if total <= BUDGET_KB else "over",
            )
        )
    header = ("page", "path", "as", "JS files", "JS kB", "JS gz kB", "CSS files", "CSS kB", "CSS gz kB")
    _table((*header, "total gz kB", "budget"), rows)

    print(f"Largest {largest} files (gzip -9), and on how many of the {len(rows)} page loads above:\n")
    biggest = sorted(files.items(), key=lambda item: item[1].gzipped, reverse=True)[:largest]
    _table(
        ("file", "kB", "gz kB", "pages"),
        [
            (urlsplit(url).path, file.raw / 1000, file.gzipped / 1000, len(file.pages))
            for url, file in biggest
        ],
    )
    print(f"Budget: {BUDGET_KB} kB of JS + CSS (gzip) per page: {'kept' if kept else 'EXCEEDED'}.\n")
    return kept


def print_phone(base_url: str, browser: Browser, logged_in: LoggedIn, runs: int) -> None:
    viewport = PHONE["viewport"]
    print(
        f"Inbox ({routes.MESSAGES}) on a phone: {viewport['width']} x {viewport['height']} touch, "
        f"DPR {PHONE['device_scale_factor']}, CPU {CPU_SLOWDOWN}x slower, network latency {LATENCY_MS} ms, "
        f"{DOWNLOAD_BYTES_PER_S * 8 / 1e6:.2f} Mbit/s down, {UPLOAD_BYTES_PER_S * 8 / 1e6:.3f} Mbit/s up. "
        f"Median of {runs} loads; ms since navigation start.\n"
    )
    rows = []
    for cache in ("cold", "warm"):
        timing: InboxTiming = median_timing(inbox_timings(browser, base_url, logged_in, runs, cache))
        rows.append(
            (
                cache,
                round(timing.fcp),
                round(timing.lcp),
                round(timing.redirect),
                round(timing.socket_open),
                round(timing.data_shown),
                round(timing.tti),
                round(timing.thread_open),
                round(timing.long_tasks),
                timing.requests,
                timing.transferred / 1000,
            )
        )
    _table(
        (
            "cache",
            "FCP",
            "LCP",
            "redirect",
            "socket open",
            "data shown",
            "TTI",
            "thread open",
            "long tasks",
            "requests",
            "transferred kB",
        ),
        rows,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_weight", description=__doc__.split("\n")[0])
    parser.add_argument(
        "url",
        nargs="?",
        default="http://localhost:3000",
        help="the portal at its HOMECARE_PUBLIC_URL, whose cookies the login sets (default: %(default)s)",
    )
    parser.add_argument(
        "--issuer",
        default=get_settings().oidc_issuer,
        help="the identity provider as the portal knows it: its HOMECARE_OIDC_ISSUER (default: %(default)s)",
    )
    parser.add_argument("--runs", type=int, default=5, help="loads of the inbox per cache; 0 skips the phone")
    parser.add_argument("--largest", type=int, default=12, help="how many of the largest files to list")
    arguments = parser.parse_args(argv)
    base_url = arguments.url.rstrip("/")

    print(f"Page weight of {base_url} (kB = 1000 bytes; gzip -9 of each file)")
    print("Load average at the start: {:.2f} {:.2f} {:.2f}\n".format(*os.getloadavg()))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=chromium_args())
        try:
            logged_in = log_in(browser, base_url, arguments.issuer)
            kept = print_weights(base_url, browser, logged_in, arguments.largest)
            if arguments.runs > 0:
                print_phone(base_url, browser, logged_in, arguments.runs)
        finally:
            browser.close()
    print("Load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0 if kept else 1


if __name__ == "__main__":
    sys.exit(main())
