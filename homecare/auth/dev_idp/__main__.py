"""`python -m homecare.auth.dev_idp [--host 127.0.0.1] [--port 8900]`: the development identity provider."""

from __future__ import annotations

import argparse
import sys
from urllib.parse import urlsplit

import uvicorn

from homecare.auth.dev_idp.app import create_app, refusal_reason
from homecare.settings import get_settings

DEFAULT_PORT = 8900
REFUSED_EXIT_CODE = 2


def main(argv: list[str] | None = None) -> int:
    """Run the provider with uvicorn until interrupted; exit 2 without starting when it must not run."""
    settings = get_settings()
    issuer_port = urlsplit(settings.oidc_issuer).port
    parser = argparse.ArgumentParser(
        prog="python -m homecare.auth.dev_idp",
        description="Development identity provider with ID-porten's OpenID Connect contract.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        default=issuer_port or DEFAULT_PORT,
        help=f"port to listen on (default: the port of HOMECARE_OIDC_ISSUER, else {DEFAULT_PORT})",
    )
    arguments = parser.parse_args(argv)

    reason = refusal_reason(settings)
    if reason:
        print(f"Refusing to start: {reason}.", file=sys.stderr)
        return REFUSED_EXIT_CODE
    try:
        app = create_app(settings)
    except ValueError as error:
        print(f"Refusing to start: {error}.", file=sys.stderr)
        return REFUSED_EXIT_CODE
    if issuer_port is not None and arguments.port != issuer_port:
        # Legitimate behind a port mapping, but otherwise every URL in the discovery document is wrong.
        print(
            f"Note: listening on port {arguments.port}, but the issuer is {settings.oidc_issuer}.",
            file=sys.stderr,
        )
    print(f"Development identity provider {settings.oidc_issuer} (synthetic people only)", file=sys.stderr)
    uvicorn.run(app, host=arguments.host, port=arguments.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
