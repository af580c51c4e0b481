"""Seed the demo cast into an empty database: `python -m homecare.seed` (safe to run again)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from homecare.db import session_scope
from homecare.domain.time_zone import OSLO
from homecare.services.demo_cast import seed_demo_cast
from homecare.settings import get_settings


def main() -> int:
    if get_settings().is_production:
        print("The demo cast is synthetic: it is never seeded in production.", file=sys.stderr)
        return 2
    today = datetime.now(UTC).astimezone(OSLO).date()
    with session_scope() as session:
        written = seed_demo_cast(session, today)
    print("Seeded the demo cast." if written else "The database is not empty; nothing changed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
