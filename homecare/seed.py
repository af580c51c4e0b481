"""Seed the demo cast: `python -m homecare.seed` (safe to run again; it changes nothing the second time)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from homecare.db import session_scope
from homecare.services.demo_cast import OSLO, seed_demo_cast


def main() -> int:
    today = datetime.now(UTC).astimezone(OSLO).date()
    with session_scope() as session:
        written = seed_demo_cast(session, today)
    print("Seeded the demo cast." if written else "The demo cast is already there; nothing changed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
