"""Granting, ending and changing powers of attorney, and who may then act for whom."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from homecare.domain.power_of_attorney import GrantProblem, ServiceArea
from homecare.models import PowerOfAttorney, UsageLogEntry
from homecare.services.demo_cast import INGRID, KARI, NORA, OLA, PER, CastMember
from homecare.services.power_of_attorney import (
    GrantRequest,
    change_grant,
    end_grant,
    grant,
    grants_given,
    may_represent,
    representable,
)
from homecare.services.terms import accept
from homecare.settings import get_settings
from tests.cast import person

NOW = datetime.now(UTC)
DIGITAL = frozenset({ServiceArea.DIGITAL_HEALTHCARE})
TERMS = get_settings().terms_version


def request(member: CastMember, surname: str | None = None, **changes: object) -> GrantRequest:
    fields: dict[str, object] = {
        "national_id": member.national_id,
        "surname": surname if surname is not None else member.family_name,
        "areas": DIGITAL,
        "valid_to": None,
    }
    fields.update(changes)
    return GrantRequest(**fields)  # type: ignore[arg-type]


def test_ingrid_may_act_for_kari_and_per_but_nora_may_not_act_for_kari(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        ingrid, nora, kari = person(db, INGRID), person(db, NORA), person(db, KARI)
        assert [p.full_name for p in representable(db, ingrid.id or 0, NOW)] == [
            "Kari Nordmann",
            "Per Nordmann",
        ]
        assert representable(db, nora.id or 0, NOW) == []
        assert not may_represent(db, actor_id=nora.id or 0, subject_id=kari.id or 0, now=NOW)


def test_kari_grants_nora_who_can_then_act_for_her(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        kari, nora = person(db, KARI), person(db, NORA)
        assert grant(db, kari, request(NORA), NOW, TERMS) == []
        db.commit()
        assert may_represent(db, actor_id=nora.id or 0, subject_id=kari.id or 0, now=NOW)
        entries = db.exec(select(UsageLogEntry).where(UsageLogEntry.action == "poa_granted")).all()
        assert {(entry.actor_id, entry.subject_id) for entry in entries} == {
            (kari.id, kari.id),
            (kari.id, nora.id),
        }


def test_ola_at_fourteen_cannot_be_granted_and_the_attempt_is_logged(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        kari = person(db, KARI)
        assert grant(db, kari, request(OLA), NOW, TERMS) == [GrantProblem.GRANTEE_TOO_YOUNG]
        refused = db.exec(select(UsageLogEntry).where(UsageLogEntry.action == "poa_grant_refused")).one()
        assert refused.actor_id == kari.id and refused.subject_id == kari.id


def test_a_childs_number_gets_the_same_answer_with_any_surname(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        kari = person(db, KARI)
        right = grant(db, kari, request(OLA), NOW, TERMS)
        wrong = grant(db, kari, request(OLA, surname="Someone"), NOW, TERMS)
        assert right == wrong == [GrantProblem.GRANTEE_TOO_YOUNG]


def test_an_unknown_number_and_a_wrong_surname_get_the_same_answer(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        kari = person(db, KARI)
        wrong_name = grant(db, kari, request(NORA, surname="Olsen"), NOW, TERMS)
        nobody = grant(db, kari, request(NORA, national_id="01815012345"), NOW, TERMS)
        assert wrong_name == nobody == [GrantProblem.GRANTEE_NOT_FOUND]
        written = db.exec(
            select(PowerOfAttorney).where(PowerOfAttorney.grantee_id == person(db, NORA).id)
        ).all()
        assert [row.ended_at is not None for row in written] == [True], (
            "only the grant Kari withdrew long ago"
        )


def test_nora_who_has_not_accepted_the_terms_cannot_grant(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        nora = person(db, NORA)
        assert grant(db, nora, request(INGRID), NOW, TERMS) == [GrantProblem.GRANTOR_HAS_NOT_ACCEPTED_TERMS]


def test_a_second_grant_to_the_same_person_is_refused(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        kari = person(db, KARI)
        assert grant(db, kari, request(INGRID), NOW, TERMS) == [GrantProblem.ALREADY_GRANTED]


def test_either_party_ends_a_grant_at_once_and_it_stays_in_the_history(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        kari, ingrid, per = person(db, KARI), person(db, INGRID), person(db, PER)
        karis = next(g for g in grants_given(db, kari.id or 0, NOW) if g.in_force)
        assert not end_grant(db, person_id=per.id or 0, grant_id=karis.id, now=NOW), "a third party cannot"
        assert end_grant(db, person_id=ingrid.id or 0, grant_id=karis.id, now=NOW)
        db.commit()
        assert not may_represent(
            db, actor_id=ingrid.id or 0, subject_id=kari.id or 0, now=NOW + timedelta(seconds=1)
        )
        history = [g for g in grants_given(db, kari.id or 0, NOW + timedelta(seconds=1)) if g.id == karis.id]
        assert history and not history[0].in_force and history[0].ended_by_id == ingrid.id
        assert not end_grant(db, person_id=kari.id or 0, grant_id=karis.id, now=NOW), "already ended"


def test_changing_a_grant_ends_it_and_makes_a_new_one(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        kari = person(db, KARI)
        old = next(g for g in grants_given(db, kari.id or 0, NOW) if g.in_force)
        later = NOW.date() + timedelta(days=30)
        areas = frozenset({ServiceArea.DIGITAL_HEALTHCARE, ServiceArea.PRESCRIPTIONS})
        assert (
            change_grant(db, grantor_id=kari.id or 0, grant_id=old.id, areas=areas, valid_to=later, now=NOW)
            == []
        )
        db.commit()
        rows = db.exec(select(PowerOfAttorney).where(PowerOfAttorney.grantor_id == kari.id)).all()
        replaced = next(row for row in rows if row.id == old.id)
        new = next(row for row in rows if row.replaces_id == old.id)
        assert replaced.ended_at is not None and new.ended_at is None and new.valid_to == later
        in_force = next(g for g in grants_given(db, kari.id or 0, NOW) if g.id == new.id)
        assert in_force.areas == areas


def test_a_grant_never_passes_on(cast_engine: Engine) -> None:
    """Nora grants Kari; Ingrid acts for Kari, but never for Nora through Kari."""
    with Session(cast_engine) as db:
        nora, kari, ingrid = person(db, NORA), person(db, KARI), person(db, INGRID)
        accept(db, nora.id or 0, TERMS, NOW)
        assert grant(db, nora, request(KARI), NOW, TERMS) == []
        db.commit()
        assert may_represent(db, actor_id=kari.id or 0, subject_id=nora.id or 0, now=NOW)
        assert not may_represent(db, actor_id=ingrid.id or 0, subject_id=nora.id or 0, now=NOW)
        assert nora.full_name not in [p.full_name for p in representable(db, ingrid.id or 0, NOW)]


def test_an_expired_grant_no_longer_lets_anyone_act(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        per, ingrid = person(db, PER), person(db, INGRID)
        after_end = NOW + timedelta(days=367)
        assert may_represent(db, actor_id=ingrid.id or 0, subject_id=per.id or 0, now=NOW)
        assert not may_represent(db, actor_id=ingrid.id or 0, subject_id=per.id or 0, now=after_end)
