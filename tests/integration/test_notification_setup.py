"""Saving contact details and the notification set-up: all of it checked, then all of it saved, or nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from homecare.domain.notifications import NoticeKind, NotificationLevel
from homecare.models import NotificationPreference, OutboxItem, UsageLogEntry
from homecare.services.demo_cast import INGRID, KARI
from homecare.services.notification_setup import SetupChoice, SetupProblem, save_setup, setup_view
from homecare.services.usage_log import UsageAction
from tests.cast import access, person

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def choice(**changes: object) -> SetupChoice:
    values = {
        "mobile": "912 34 567", "email": "ingrid.berg@example.no", "level": "all",
        "by_sms": True, "by_email": True, "same_for_represented": True,
    }  # fmt: skip
    return SetupChoice(**{**values, **changes})  # type: ignore[arg-type]


def test_ingrid_sees_her_seeded_setup(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        view = setup_view(db, access(db, INGRID), NOW)
        assert (view.mobile, view.email, view.level) == (
            "91 23 45 67",
            "ingrid.berg@example.no",
            NotificationLevel.ALL,
        )
        assert view.by_sms and view.by_email and view.same_for_represented and view.represents_anyone


def test_bad_contact_details_are_refused_and_nothing_changes(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        ingrid = access(db, INGRID)
        cases = {
            SetupProblem.MOBILE_NOT_MOBILE: choice(mobile="55 12 34 56"),
            SetupProblem.MOBILE_INVALID: choice(mobile="123"),
            SetupProblem.EMAIL_INVALID: choice(email="ikke en adresse"),
            SetupProblem.SMS_WITHOUT_MOBILE: choice(mobile=""),
            SetupProblem.EMAIL_WITHOUT_ADDRESS: choice(email=" "),
            SetupProblem.LEVEL_MISSING: choice(level="loud"),
        }
        for problem, bad in cases.items():
            saved = save_setup(db, ingrid, bad, NOW)
            assert saved.problems == (problem,), problem
        db.commit()
        stored = person(db, INGRID)
        assert (stored.mobile, stored.email) == ("+4791234567", "ingrid.berg@example.no")
        assert db.exec(select(OutboxItem)).all() == []
        assert (
            db.exec(
                select(UsageLogEntry).where(UsageLogEntry.action == UsageAction.NOTIFICATIONS_CHANGED)
            ).all()
            == []
        )


def test_a_new_number_is_kept_in_international_form_and_both_old_and_new_are_told(
    cast_engine: Engine,
) -> None:
    with Session(cast_engine) as db:
        saved = save_setup(
            db, access(db, INGRID), choice(mobile="900 11 223", email="Ingrid@Example.ORG"), NOW
        )
        db.commit()
        assert saved.problems == () and saved.contact_changed
        stored = person(db, INGRID)
        assert (stored.mobile, stored.email) == ("+4790011223", "Ingrid@example.org")
        told = {
            row.address
            for row in db.exec(select(OutboxItem).where(OutboxItem.kind == NoticeKind.CONTACT_CHANGED))
        }
        assert told == {"+4790011223", "Ingrid@example.org", "+4791234567", "ingrid.berg@example.no"}
        actions = db.exec(select(UsageLogEntry.action).where(UsageLogEntry.actor_id == stored.id)).all()
        assert UsageAction.CONTACT_CHANGED in actions and UsageAction.NOTIFICATIONS_CHANGED in actions


def test_acting_for_kari_ingrid_saves_what_she_hears_about_kari_only(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        saved = save_setup(
            db,
            access(db, INGRID, KARI),
            choice(level="standard", by_sms=False, same_for_represented=False),
            NOW,
        )
        db.commit()
        assert saved.problems == () and not saved.contact_changed
        ingrid, kari = person(db, INGRID), person(db, KARI)
        rows = {
            row.about_person_id: row
            for row in db.exec(
                select(NotificationPreference).where(col(NotificationPreference.person_id) == ingrid.id)
            )
        }
        assert (rows[kari.id].level, rows[kari.id].by_sms, rows[kari.id].by_email) == (
            NotificationLevel.STANDARD, False, True,
        )  # fmt: skip
        assert rows[ingrid.id].same_for_represented, "her own set-up is untouched"
        logged = db.exec(
            select(UsageLogEntry).where(UsageLogEntry.action == UsageAction.NOTIFICATIONS_CHANGED)
        ).one()
        assert (logged.actor_id, logged.subject_id) == (ingrid.id, kari.id)
