"""The backend talks only to pages served from the portal's own address (websocket and CORS)."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import httpx
import pytest

pytestmark = pytest.mark.e2e

EVIL = "https://evil.example"


def websocket_handshake_status(portal_url: str, origin: str) -> int:
    """Open the Reflex event websocket with the given Origin; returns the HTTP status of the handshake."""
    address = urlsplit(portal_url)
    request = (
        "GET /_event/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: {address.netloc}\r\n"
        "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        f"Origin: {origin}\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port), timeout=5) as connection:
        connection.sendall(request.encode())
        status_line = connection.recv(1024).split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1])


def test_the_websocket_opens_for_the_portals_own_pages(portal_url: str) -> None:
    assert websocket_handshake_status(portal_url, portal_url) == 101


def test_the_websocket_refuses_pages_from_another_site(portal_url: str) -> None:
    assert websocket_handshake_status(portal_url, EVIL) == 403


def test_cross_site_requests_get_no_cors_permission(portal_url: str) -> None:
    preflight = {"Origin": EVIL, "Access-Control-Request-Method": "POST"}
    refused = httpx.options(f"{portal_url}/_upload", headers=preflight)
    assert "access-control-allow-origin" not in refused.headers
    allowed = httpx.options(f"{portal_url}/_upload", headers={**preflight, "Origin": portal_url})
    assert allowed.headers["access-control-allow-origin"] == portal_url
