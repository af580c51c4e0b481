"""Run the provider on a loopback port in a background thread, for tests and end-to-end fixtures."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from joserfc.jwk import RSAKey
from starlette.types import ASGIApp

from homecare.auth.dev_idp.app import create_app
from homecare.auth.dev_idp.keys import generate_signing_key
from homecare.auth.dev_idp.server import Clock, RegisteredClient
from homecare.settings import Settings

STARTUP_TIMEOUT_SECONDS = 10.0


@contextmanager
def serving(
    app_for_issuer: Callable[[str], ASGIApp], *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[str]:
    """Serve the app made for issuer http://host:port until the block ends; port 0 picks a free one.

    Yields the issuer. The socket is bound before the app is made, so the issuer names the real port and no
    other process can take it in between.
    """
    listener = socket.create_server((host, port))
    try:
        issuer = f"http://{host}:{listener.getsockname()[1]}"
        config = uvicorn.Config(app_for_issuer(issuer), log_config=None, log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
        thread.start()
        try:
            _wait_until_started(server, thread)
            yield issuer
        finally:
            server.should_exit = True
            thread.join(timeout=STARTUP_TIMEOUT_SECONDS)
    finally:
        listener.close()


@contextmanager
def running_dev_idp(
    settings: Settings | None = None,
    port: int = 0,
    *,
    host: str = "127.0.0.1",
    clock: Clock | None = None,
    signing_key: RSAKey | None = None,
    key_file: Path | None = None,
    extra_clients: Sequence[RegisteredClient] = (),
) -> Iterator[str]:
    """Run the development identity provider on loopback for the block; yields its issuer URL.

    Without `signing_key` or `key_file` it signs with a fresh key, so tests never touch the developer's key.
    """
    key = signing_key if signing_key is not None or key_file is not None else generate_signing_key()

    def app_for_issuer(issuer: str) -> ASGIApp:
        return create_app(
            settings,
            issuer=issuer,
            clock=clock,
            signing_key=key,
            key_file=key_file,
            extra_clients=extra_clients,
        )

    with serving(app_for_issuer, host=host, port=port) as issuer:
        yield issuer


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the development identity provider stopped while starting")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the development identity provider is not up in {STARTUP_TIMEOUT_SECONDS} s")
        time.sleep(0.01)
