"""Naming the device of a login, so a person can recognise it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from homecare.domain.devices import describe_device

CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1"
)
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)


def test_common_browsers_are_named_with_their_system() -> None:
    assert describe_device(CHROME_ANDROID) == "Chrome, Android"
    assert describe_device(SAFARI_IPHONE) == "Safari, iPhone"
    assert describe_device(EDGE_WINDOWS) == "Edge, Windows"


def test_nothing_recognised_gives_nothing() -> None:
    assert describe_device(None) is None
    assert describe_device("") is None
    assert describe_device("curl/8.0") is None


@given(st.text(max_size=300))
def test_any_header_gives_a_short_name_or_nothing(user_agent: str) -> None:
    name = describe_device(user_agent)
    assert name is None or 0 < len(name) <= 20
