"""Security levels and session lifetimes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from homecare.domain.login import ACR_LEVELS, acr_satisfies, session_is_live

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
START = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


def test_high_satisfies_high_and_substantial() -> None:
    assert acr_satisfies("idporten-loa-high", "idporten-loa-high")
    assert acr_satisfies("idporten-loa-high", "idporten-loa-substantial")


def test_substantial_does_not_satisfy_high() -> None:
    assert not acr_satisfies("idporten-loa-substantial", "idporten-loa-high")


@given(st.one_of(st.none(), st.text()), st.sampled_from(ACR_LEVELS))
def test_an_unknown_level_never_satisfies(actual: str | None, required: str) -> None:
    if actual not in ACR_LEVELS:
        assert not acr_satisfies(actual, required)


@given(st.sampled_from(ACR_LEVELS), st.text())
def test_an_unknown_requirement_is_never_met(actual: str, required: str) -> None:
    if required not in ACR_LEVELS:
        assert not acr_satisfies(actual, required)


def live(created: datetime, seen: datetime, now: datetime, ended: datetime | None = None) -> bool:
    return session_is_live(
        created_at=created,
        last_seen_at=seen,
        ended_at=ended,
        now=now,
        idle_limit=IDLE,
        absolute_limit=ABSOLUTE,
    )


def test_a_session_lives_until_thirty_idle_minutes_have_passed() -> None:
    assert live(START, START, START + timedelta(minutes=29, seconds=59))
    assert not live(START, START, START + IDLE)


def test_activity_keeps_a_session_alive_but_never_beyond_twelve_hours() -> None:
    almost_twelve = START + ABSOLUTE - timedelta(seconds=1)
    assert live(START, almost_twelve - timedelta(minutes=1), almost_twelve)
    assert not live(START, START + ABSOLUTE - timedelta(minutes=1), START + ABSOLUTE)


def test_an_ended_session_is_over_at_once() -> None:
    assert not live(START, START, START + timedelta(seconds=1), ended=START)


@given(
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=2)), st.timedeltas(min_value=timedelta(0))
)
def test_a_live_session_was_seen_within_the_idle_limit_and_created_within_the_absolute(
    since_seen: timedelta, seen_after_start: timedelta
) -> None:
    seen = START + min(seen_after_start, timedelta(days=1))
    now = seen + since_seen
    if live(START, seen, now):
        assert now - seen < IDLE
        assert now - START < ABSOLUTE
