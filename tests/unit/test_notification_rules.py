"""Who is told about what, by which channel, and when an SMS may go."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from homecare.domain.notifications import (
    Candidate,
    Channel,
    NoticeKind,
    NotificationLevel,
    QuietHours,
    RetryPolicy,
    Setup,
    level_includes,
    recipients,
    sms_due_at,
)
from homecare.domain.time_zone import OSLO

ALL_BY_BOTH = Setup(NotificationLevel.ALL, by_sms=True, by_email=True, same_for_represented=True)
# The demo cast, as the rules see them.
KARI = Candidate(1, is_subject=True, accepted_terms=True)  # a landline only: no SMS, no e-mail
INGRID = Candidate(
    3, is_subject=False, accepted_terms=True, mobile="+4791234567", email="ingrid.berg@example.no",
    own_setup=ALL_BY_BOTH, holds_power_of_attorney=True,
)  # fmt: skip
NORA = Candidate(
    5, is_subject=False, accepted_terms=False, mobile="+4793456789", email="nora.lind@example.no",
    own_setup=ALL_BY_BOTH, holds_power_of_attorney=False,
)  # fmt: skip


def addresses(kind: NoticeKind, *candidates: Candidate, subject_accepted_terms: bool = True) -> set[str]:
    return {r.address for r in recipients(kind, candidates, subject_accepted_terms=subject_accepted_terms)}


def test_the_levels_add_to_each_other() -> None:
    for kind in NoticeKind:
        assert level_includes(NotificationLevel.ALL, kind)
        if level_includes(NotificationLevel.MANDATORY, kind):
            assert level_includes(NotificationLevel.STANDARD, kind)
    assert not level_includes(NotificationLevel.STANDARD, NoticeKind.VISIT_COMPLETED)
    assert level_includes(NotificationLevel.STANDARD, NoticeKind.NEW_MESSAGE)
    assert not level_includes(NotificationLevel.MANDATORY, NoticeKind.NEW_MESSAGE)
    assert level_includes(NotificationLevel.MANDATORY, NoticeKind.POA_GRANTED)


def test_ingrid_hears_of_karis_completed_visit_by_sms_and_email_and_nora_hears_nothing() -> None:
    found = recipients(NoticeKind.VISIT_COMPLETED, [KARI, INGRID, NORA], subject_accepted_terms=True)
    assert [(r.person_id, r.channel) for r in found] == [(3, Channel.SMS), (3, Channel.EMAIL)]


def test_nobody_hears_of_a_completed_visit_when_the_subject_has_not_accepted_the_terms() -> None:
    assert addresses(NoticeKind.VISIT_COMPLETED, KARI, INGRID, subject_accepted_terms=False) == set()
    assert addresses(NoticeKind.NEW_MESSAGE, KARI, INGRID, subject_accepted_terms=False) == {
        "+4791234567", "ingrid.berg@example.no",
    }  # fmt: skip


@given(
    rep_terms=st.booleans(),
    subject_terms=st.booleans(),
    holds=st.booleans(),
    own_level=st.sampled_from(list(NotificationLevel)),
    same_for_others=st.booleans(),
    specific=st.one_of(st.none(), st.sampled_from(list(NotificationLevel))),
)
def test_a_next_of_kin_hears_of_a_completed_visit_exactly_when_every_condition_holds(
    rep_terms: bool,
    subject_terms: bool,
    holds: bool,
    own_level: NotificationLevel,
    same_for_others: bool,
    specific: NotificationLevel | None,
) -> None:
    rep = Candidate(
        3, is_subject=False, accepted_terms=rep_terms, mobile="+4791234567",
        own_setup=Setup(own_level, by_sms=True, same_for_represented=same_for_others),
        setup_for_subject=Setup(specific, by_sms=True) if specific else None,
        holds_power_of_attorney=holds,
    )  # fmt: skip
    chosen_all = specific is NotificationLevel.ALL or (
        specific is None and same_for_others and own_level is NotificationLevel.ALL
    )
    expected = rep_terms and subject_terms and holds and chosen_all
    told = addresses(NoticeKind.VISIT_COMPLETED, rep, subject_accepted_terms=subject_terms)
    assert told == ({"+4791234567"} if expected else set())


def test_one_number_registered_for_both_gets_one_notice_that_names_the_subject() -> None:
    kari_with_ingrids_number = Candidate(1, is_subject=True, accepted_terms=True, mobile="+4791234567")
    found = recipients(
        NoticeKind.NEW_MESSAGE, [kari_with_ingrids_number, INGRID], subject_accepted_terms=True
    )
    sms = [r for r in found if r.channel is Channel.SMS]
    assert len(sms) == 1 and not sms[0].is_subject


def test_the_same_address_in_other_letters_is_the_same_address() -> None:
    shouting = Candidate(1, is_subject=True, accepted_terms=True, email="INGRID.BERG@example.no")
    assert len(recipients(NoticeKind.NEW_MESSAGE, [shouting, INGRID], subject_accepted_terms=True)) == 2


def test_a_representative_without_a_setup_for_others_hears_nothing_about_them() -> None:
    only_herself = Candidate(
        3, is_subject=False, accepted_terms=True, mobile="+4791234567",
        own_setup=Setup(NotificationLevel.ALL, by_sms=True), holds_power_of_attorney=True,
    )  # fmt: skip
    assert addresses(NoticeKind.NEW_MESSAGE, only_herself) == set()


def test_a_person_who_set_nothing_up_hears_the_usual_wherever_they_can_be_reached() -> None:
    per = Candidate(2, is_subject=True, accepted_terms=True, mobile="+4790000000", email="per@example.no")
    assert addresses(NoticeKind.NEW_MESSAGE, per) == {"+4790000000", "per@example.no"}
    assert addresses(NoticeKind.VISIT_COMPLETED, per) == set()


def test_mandatory_notices_reach_someone_who_chose_no_channel() -> None:
    quiet = Candidate(
        2, is_subject=True, accepted_terms=True, email="per@example.no",
        own_setup=Setup(NotificationLevel.MANDATORY),
    )  # fmt: skip
    assert addresses(NoticeKind.POA_ENDED, quiet) == {"per@example.no"}
    assert addresses(NoticeKind.NEW_MESSAGE, quiet) == set()


def test_someone_who_has_not_accepted_the_terms_hears_nothing_but_what_the_law_requires() -> None:
    nora_with_a_grant = Candidate(
        5, is_subject=False, accepted_terms=False, mobile="+4793456789", own_setup=ALL_BY_BOTH,
        holds_power_of_attorney=True,
    )  # fmt: skip
    for kind in (NoticeKind.NEW_MESSAGE, NoticeKind.VISIT_CHANGED, NoticeKind.VISIT_COMPLETED):
        assert addresses(kind, nora_with_a_grant) == set(), kind
    assert addresses(NoticeKind.POA_GRANTED, nora_with_a_grant) == {"+4793456789"}


def at_oslo(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO).astimezone(UTC)


def test_an_sms_in_the_quiet_hours_waits_until_eight() -> None:
    quiet = QuietHours()
    assert sms_due_at(at_oslo(2026, 12, 4, 22, 15), quiet) == at_oslo(2026, 12, 5, 8)
    assert sms_due_at(at_oslo(2026, 12, 5, 7, 59), quiet) == at_oslo(2026, 12, 5, 8)
    assert sms_due_at(at_oslo(2026, 12, 5, 8), quiet) == at_oslo(2026, 12, 5, 8)
    assert sms_due_at(at_oslo(2026, 12, 5, 20, 59), quiet) == at_oslo(2026, 12, 5, 20, 59)
    # The night summer time ends is an hour longer; the SMS still goes at eight in Oslo.
    assert sms_due_at(at_oslo(2026, 10, 24, 23), quiet) == at_oslo(2026, 10, 25, 8)


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)))
def test_an_sms_never_goes_in_the_quiet_hours_and_never_waits_more_than_eleven_hours(now: datetime) -> None:
    quiet = QuietHours()
    due = sms_due_at(now, quiet)
    assert not quiet.contains(due)
    assert timedelta(0) <= due - now <= timedelta(hours=12)


def test_quiet_hours_can_be_switched_off() -> None:
    assert not QuietHours(start=datetime.min.time(), end=datetime.min.time()).contains(
        at_oslo(2026, 12, 4, 23)
    )


def test_retries_wait_longer_each_time_up_to_an_hour_and_then_give_up() -> None:
    policy = RetryPolicy(jitter=0)
    delays = [policy.delay(attempt) for attempt in range(1, 10)]
    assert delays[:3] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert max(delays) == timedelta(hours=1)
    assert not policy.gives_up_after(29) and policy.gives_up_after(30)
    # Given up only after about a day: a provider away for hours loses nothing.
    waited = sum((policy.delay(attempt) for attempt in range(1, policy.max_attempts)), timedelta())
    assert timedelta(hours=23) < waited < timedelta(hours=25)


@given(st.integers(min_value=1, max_value=30), st.integers())
def test_the_jitter_keeps_retries_within_a_fifth_of_the_delay(attempt: int, seed: int) -> None:
    policy = RetryPolicy()
    plain = RetryPolicy(jitter=0).delay(attempt)
    jittered = policy.delay(attempt, random.Random(seed))
    assert plain * 0.8 <= jittered <= plain * 1.2
