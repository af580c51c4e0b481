"""The security headers: the policy the pages run under, and the middleware that puts them on every answer."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from homecare.security_headers import (
    SecurityHeaders,
    built_pages,
    content_security_policy,
    inline_script_hashes,
    nginx_lines,
    security_headers,
)
from homecare.settings import get_settings

PAGE = """<!DOCTYPE html><html><head>
<script type="module" src="/assets/entry.js"></script>
<script>window.__start = 1;</script>
</head><body><script id="_R_">requestAnimationFrame(function(){})</script>
<SCRIPT>window.__start = 1;</SCRIPT></body></html>"""


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_each_inline_script_is_allowed_by_its_hash_once_and_files_by_self() -> None:
    assert inline_script_hashes([PAGE, PAGE]) == sorted(
        [sha256("window.__start = 1;"), sha256("requestAnimationFrame(function(){})")]
    )


@given(st.text(alphabet=st.characters(blacklist_characters="<", blacklist_categories=("Cs",)), max_size=200))
def test_any_script_text_gets_the_hash_a_browser_computes(script: str) -> None:
    expected = [sha256(script)] if script else []
    assert inline_script_hashes([f"<p>x</p><script>{script}</script>"]) == expected


def test_the_policy_never_allows_eval_nor_inline_scripts_nor_frames() -> None:
    policy = content_security_policy(get_settings(), ["'sha256-abc='"])
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert directives["script-src"] == "'self' 'sha256-abc='"
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    # Logging out goes on at the identity provider: the logout form may post there, and nowhere else.
    issuer = replace(get_settings(), oidc_issuer="https://login.example.no/idporten/")
    policy = content_security_policy(issuer, [])
    assert "form-action 'self' https://login.example.no;" in policy


def test_strict_transport_security_only_over_https() -> None:
    plain = replace(get_settings(), public_url="http://localhost:3000")
    secure = replace(get_settings(), public_url="https://hjemmetjenester.example.no")
    assert "Strict-Transport-Security" not in security_headers(plain, [])
    assert security_headers(secure, [])["Strict-Transport-Security"].startswith("max-age=31536000")


def hello(_request: Request) -> PlainTextResponse:
    return PlainTextResponse("hei", headers={"server": "uvicorn 0.1", "x-powered-by": "x"})


def strict(_request: Request) -> PlainTextResponse:
    return PlainTextResponse("fil", headers={"Content-Security-Policy": "default-src 'none'; sandbox"})


def client() -> TestClient:
    app = Starlette(routes=[Route("/", hello), Route("/fil", strict)])
    return TestClient(SecurityHeaders(app, replace(get_settings(), public_url="https://portal.example.no")))


def test_every_answer_carries_the_headers_and_names_no_server() -> None:
    answer = client().get("/")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"
    assert answer.headers["x-frame-options"] == "DENY"
    assert "camera=()" in answer.headers["permissions-policy"]
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["strict-transport-security"].startswith("max-age=")
    assert "server" not in answer.headers


def test_a_route_with_a_stricter_policy_of_its_own_keeps_it() -> None:
    answer = client().get("/fil")
    assert answer.headers.get_list("content-security-policy") == ["default-src 'none'; sandbox"]


def test_nginx_gets_the_same_headers_with_the_built_pages_hashes(tmp_path: Path) -> None:
    (tmp_path / "hjelp").mkdir()
    (tmp_path / "hjelp" / "index.html").write_text(PAGE)
    assert built_pages(tmp_path) == [PAGE]
    lines = nginx_lines(tmp_path, get_settings()).splitlines()
    assert all(line.startswith("add_header ") and line.endswith('" always;') for line in lines)
    policy = next(line for line in lines if line.startswith("add_header Content-Security-Policy"))
    assert sha256("window.__start = 1;") in policy
