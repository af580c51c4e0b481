"""Page weight: the JS and CSS (gzip) that each public page makes the browser load.

Run against a running portal (scripts/run serves one on http://localhost:3000):

    .venv/bin/python -m bench.page_weight [base URL]

Prints one row per page: files, raw bytes and gzip bytes of JS and CSS, each compressed with gzip -9.
"""

from __future__ import annotations

import gzip
import sys
from dataclasses import dataclass, field

from playwright.sync_api import Response, sync_playwright

from tests.chromium import CHROMIUM_ARGS, CHROMIUM_PATH

PAGES = {"front page": "/", "municipalities": "/kommuner", "help": "/hjelp"}
BUDGET_KB = 250


@dataclass
class Weight:
    files: int = 0
    raw: int = 0
    gzipped: int = 0
    seen: set[str] = field(default_factory=set)

    def add(self, url: str, body: bytes) -> None:
        if url in self.seen:
            return
        self.seen.add(url)
        self.files += 1
        self.raw += len(body)
        self.gzipped += len(gzip.compress(body, compresslevel=9))


def measure(base_url: str, path: str) -> tuple[Weight, Weight]:
    js, css = Weight(), Weight()

    def record(response: Response) -> None:
        kind = response.request.resource_type
        if response.status != 200 or kind not in ("script", "stylesheet"):
            return
        (js if kind == "script" else css).add(response.url, response.body())

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("response", record)
        page.goto(base_url + path, wait_until="networkidle")
        page.wait_for_timeout(1000)
        browser.close()
    return js, css


def main() -> int:
    base_url = (sys.argv[1] if len(sys.argv) > 1 else "http://localhost:3000").rstrip("/")
    print(f"Page weight of {base_url} (kB = 1000 bytes; gzip -9 of each file)\n")
    columns = ("JS files", "JS kB", "JS gz kB", "CSS kB", "CSS gz kB", "total gz kB")
    header = f"| {'page':<16} | " + " | ".join(columns) + " |"
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    over_budget = False
    for name, path in PAGES.items():
        js, css = measure(base_url, path)
        total = (js.gzipped + css.gzipped) / 1000
        over_budget |= total > BUDGET_KB
        values = (js.files, js.raw / 1000, js.gzipped / 1000, css.raw / 1000, css.gzipped / 1000, total)
        cells = [
            f"{value:>{len(column)}}" if isinstance(value, int) else f"{value:>{len(column)}.1f}"
            for column, value in zip(columns, values, strict=True)
        ]
        print(f"| {name:<16} | " + " | ".join(cells) + " |")
    print(f"\nBudget: {BUDGET_KB} kB of JS + CSS (gzip) per page: {'EXCEEDED' if over_budget else 'kept'}.")
    return 1 if over_budget else 0


if __name__ == "__main__":
    sys.exit(main())
