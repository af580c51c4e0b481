"""The security headers on every HTTP answer of the portal: its pages, their files, the app's own routes.

The Content-Security-Policy is the one the pages really run under. What it allows, and why:
- scripts only from the portal itself, plus the inline scripts that the prerendered pages carry (React
  Router's start-up and streaming scripts, Reflex's colour-mode script), each allowed by its SHA-256 hash
  taken from the built pages; never 'unsafe-eval' and never 'unsafe-inline' for scripts;
- styles from the portal and inline: React and the design system set `style` attributes and Emotion
  writes `<style>` elements at run time ('unsafe-inline' for styles is what must stay);
- images from the portal, and `data:`/`blob:` (the design system's icons, the preview of a picked file);
- connections to the portal only (its websocket and uploads);
- forms post only to the portal and to the identity provider (logging out goes on there);
- no plugins, no `<base>` elsewhere, never inside a frame of another site.

The same values go into nginx's configuration for production (scripts/production.sh).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homecare.settings import Settings, get_settings

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)


def inline_script_hashes(pages: Iterable[str]) -> list[str]:
    """The CSP source (`'sha256-…'`) of every inline script in these HTML pages, sorted, each once."""
    found = {
        base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        for page in pages
        for script in _INLINE_SCRIPT.findall(page)
        if script
    }
    return [f"'sha256-{digest}'" for digest in sorted(found)]


def built_pages(folder: Path) -> list[str]:
    """The prerendered pages of the built frontend."""
    return [path.read_text(encoding="utf-8") for path in sorted(folder.rglob("*.html"))]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(settings: Settings, script_hashes: Iterable[str]) -> str:
    """The policy for the portal's pages, given the hashes of their inline scripts."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'", _origin(settings.oidc_issuer)],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def security_headers(settings: Settings, script_hashes: Iterable[str]) -> dict[str, str]:
    """Every header the portal's answers carry (a route may set a stricter policy of its own)."""
    headers = {
        "Content-Security-Policy": content_security_policy(settings, script_hashes),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if settings.secure_cookies:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


def _built_script_hashes() -> tuple[str, ...]:
    from reflex.utils.prerequisites import get_web_dir
    from reflex_base import constants

    folder = get_web_dir() / constants.Dirs.STATIC
    return tuple(inline_script_hashes(built_pages(folder))) if folder.is_dir() else ()


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP answer, unless the answer set one itself.

    The servers' own names and versions (`server`) are left out, so an answer does not tell what runs."""

    def __init__(self, app: ASGIApp, settings: Settings | None = None) -> None:
        self.app = app
        self.settings = settings
        self._headers: dict[str, str] | None = None

    def _answer_headers(self) -> dict[str, str]:
        # Made at the first answer: the frontend is built by then.
        if self._headers is None:
            self._headers = security_headers(self.settings or get_settings(), _built_script_hashes())
        return self._headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = self._answer_headers()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer = MutableHeaders(scope=message)
                for name, value in headers.items():
                    if name not in answer:
                        answer[name] = value
                if "server" in answer:
                    del answer["server"]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def nginx_lines(folder: Path, settings: Settings) -> str:
    """The headers as nginx `add_header` lines, for the pages nginx serves itself from `folder`."""
    headers = security_headers(settings, inline_script_hashes(built_pages(folder)))
    return "\n".join(f'add_header {name} "{value}" always;' for name, value in headers.items())


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 2:
        sys.exit("usage: python -m homecare.security_headers <the built frontend, .web/build/client>")
    print(nginx_lines(Path(sys.argv[1]), get_settings()))
