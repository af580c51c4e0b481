"""`python -m homecare.preflight`: may the portal start with these settings? In production it names every
unsafe setting and exits 1, before anything is built, migrated or started. The app runs the same check when
it is imported, so no way of starting it skips this."""

from __future__ import annotations

import sys

from reflex.config import get_config

from homecare.settings import get_settings, origin_problems, production_problems


def deployment_problems() -> list[str]:
    """Every reason not to start: the settings of ours and the origins Reflex will accept."""
    settings = get_settings()
    return production_problems(settings) + origin_problems(settings, get_config().cors_allowed_origins)


def main() -> int:
    if problems := deployment_problems():
        print("Refusing to start in production with these settings:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"The settings are fit for {get_settings().environment}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
