"""The migrations build the schema from nothing, and the demo cast is seeded once however often asked."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, SQLModel, func, select

from homecare.db import CONNECT_TIMEOUT_SECONDS, make_engine
from homecare.domain.notifications import NotificationLevel
from homecare.domain.time_zone import OSLO
from homecare.domain.visits import ServiceType, VisitStatus
from homecare.migrations import alembic_config, migrate
from homecare.models import (
    District,
    HomeVisit,
    Message,
    MessageThread,
    Municipality,
    NotificationPreference,
    Person,
    PowerOfAttorney,
    PowerOfAttorneyArea,
    TermsConsent,
)
from homecare.services.demo_cast import CAST, seed_demo_cast
from homecare.settings import PROJECT_ROOT
from tests.conftest import SEED_DAY


def count(session: Session, model: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_the_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_the_migrations_go_down_and_up_again(database_url: str) -> None:
    migrate(database_url)
    command.downgrade(alembic_config(database_url), "base")
    engine = make_engine(database_url)
    assert sa.inspect(engine).get_table_names() == ["alembic_version"]
    engine.dispose()
    migrate(database_url)
    engine = make_engine(database_url)
    assert "person" in sa.inspect(engine).get_table_names()
    engine.dispose()


def test_a_database_with_people_in_it_can_be_migrated_down_and_up(
    cast_engine: Engine, database_url: str
) -> None:
    # Copying tables that other rows point to is where SQLite migrations break once there is data.
    command.downgrade(alembic_config(database_url), "base")
    migrate(database_url)
    with Session(cast_engine) as session:
        seed_demo_cast(session, SEED_DAY)
        session.commit()
    first_revision = command_revisions()[0]
    command.downgrade(alembic_config(database_url), first_revision)
    migrate(database_url)
    with Session(cast_engine) as session:
        assert count(session, Person) == len(CAST)


ALTER_PERSON = """
import sqlalchemy as sa
from alembic import op

revision = "test_alter_person"
down_revision = "{head}"


def upgrade():
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(sa.Column("nickname", sa.String(50), nullable=True))


def downgrade():
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_column("nickname")
"""


def test_a_table_that_others_point_to_can_be_altered_with_people_in_it(
    tmp_path: Path, cast_engine: Engine, database_url: str
) -> None:
    # SQLite alters a table by copying it and dropping the original, which rows elsewhere point to.
    scripts = tmp_path / "alembic"
    shutil.copytree(PROJECT_ROOT / "alembic", scripts)
    head = command_revisions()[-1]
    (scripts / "versions" / "test_alter_person.py").write_text(ALTER_PERSON.format(head=head))
    config = alembic_config(database_url)
    config.set_main_option("script_location", str(scripts))
    command.upgrade(config, "head")
    command.downgrade(config, head)
    with Session(cast_engine) as session:
        assert count(session, Person) == len(CAST)
        assert count(session, HomeVisit) > 0


def command_revisions() -> list[str]:
    """The revisions, oldest first."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def test_the_command_line_migrates_and_seeds_an_empty_database_once(tmp_path: Path) -> None:
    environment = {**os.environ, "REFLEX_DB_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def run(*arguments: str) -> str:
        done = subprocess.run(
            arguments,
            cwd=PROJECT_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return done.stdout

    run(sys.executable, "-m", "alembic", "upgrade", "head")
    assert "Seeded the demo cast" in run(sys.executable, "-m", "homecare.seed")
    assert "nothing changed" in run(sys.executable, "-m", "homecare.seed")
    production = {**environment, "HOMECARE_ENV": "production"}
    refused = subprocess.run(
        [sys.executable, "-m", "homecare.seed"],
        cwd=PROJECT_ROOT,
        env=production,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2 and "never seeded in production" in refused.stderr
    engine = make_engine(environment["REFLEX_DB_URL"])
    with Session(engine) as session:
        assert count(session, Person) == len(CAST)
    engine.dispose()


def test_seeding_twice_gives_the_cast_exactly_once(engine: Engine) -> None:
    with Session(engine) as session:
        assert seed_demo_cast(session, SEED_DAY) is True
        session.commit()
    with Session(engine) as session:
        assert seed_demo_cast(session, SEED_DAY) is False
        session.commit()
    with Session(engine) as session:
        for member in CAST:
            people = session.exec(select(Person).where(Person.national_id == member.national_id)).all()
            assert len(people) == 1, member.full_name
            assert people[0].full_name == member.full_name
            assert people[0].birth_date == member.birth_date
        assert count(session, Person) == len(CAST)
        assert count(session, Municipality) == 7
        assert count(session, District) == 2


def test_a_database_with_real_places_gets_no_cast(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Municipality(number="4601", name="Bergen", takes_part=True))
        session.commit()
        assert seed_demo_cast(session, SEED_DAY) is False
        assert count(session, Person) == 0


def test_the_cast_has_its_story(cast_engine: Engine) -> None:
    with Session(cast_engine) as session:
        people = {person.given_name: person for person in session.exec(select(Person))}
        kari, per, ingrid, nora = people["Kari"], people["Per"], people["Ingrid"], people["Nora"]

        consenting = {row.person_id for row in session.exec(select(TermsConsent))}
        assert consenting == {kari.id, per.id, ingrid.id}

        grants = session.exec(select(PowerOfAttorney)).all()
        by_pair = {(grant.grantor_id, grant.grantee_id): grant for grant in grants}
        assert by_pair[(kari.id, ingrid.id)].valid_to is None
        assert by_pair[(kari.id, ingrid.id)].ended_at is None
        assert by_pair[(per.id, ingrid.id)].valid_to == SEED_DAY + timedelta(days=365)
        assert by_pair[(kari.id, nora.id)].ended_at is not None
        assert by_pair[(kari.id, nora.id)].ended_by_id == kari.id
        assert count(session, PowerOfAttorneyArea) == 3

        preference = session.exec(select(NotificationPreference)).one()
        assert preference.person_id == ingrid.id
        assert preference.level is NotificationLevel.ALL
        assert preference.by_sms and preference.by_email and preference.same_for_represented


def test_karis_visits_and_thread(cast_engine: Engine) -> None:
    with Session(cast_engine) as session:
        kari = session.exec(select(Person).where(Person.given_name == "Kari")).one()
        visits = session.exec(
            select(HomeVisit).where(HomeVisit.subject_id == kari.id).order_by(HomeVisit.starts_at)
        ).all()
        completed = [visit for visit in visits if visit.status is VisitStatus.COMPLETED]
        planned = [visit for visit in visits if visit.status is VisitStatus.PLANNED]
        assert len(completed) == 7
        assert all(visit.staff_name for visit in completed)
        assert len(planned) == 14 + 1
        wound = [visit for visit in visits if visit.service_type is ServiceType.WOUND_CARE]
        assert len(wound) == 1
        local_start = wound[0].starts_at.astimezone(OSLO)
        assert local_start.date() == SEED_DAY + timedelta(days=3)
        assert (local_start.hour, local_start.minute) == (14, 0)
        morning = planned[0].starts_at.astimezone(OSLO)
        assert (morning.hour, morning.minute) == (8, 0)
        assert planned[0].starts_at.tzinfo is UTC

        thread = session.exec(select(MessageThread).where(MessageThread.subject_id == kari.id)).one()
        assert thread.topic == "Question about medication"
        messages = session.exec(select(Message).where(Message.thread_id == thread.id)).all()
        assert len(messages) == 3
        unread = [message for message in messages if message.from_service and message.read_at is None]
        assert len(unread) == 1


def test_per_is_visited_monday_wednesday_friday_and_one_visit_was_cancelled(cast_engine: Engine) -> None:
    with Session(cast_engine) as session:
        per = session.exec(select(Person).where(Person.given_name == "Per")).one()
        visits = session.exec(select(HomeVisit).where(HomeVisit.subject_id == per.id)).all()
        assert {visit.starts_at.astimezone(OSLO).weekday() for visit in visits} == {0, 2, 4}
        assert all(visit.service_type is ServiceType.PRACTICAL_ASSISTANCE for visit in visits)
        cancelled = [visit for visit in visits if visit.status is VisitStatus.CANCELLED_BY_SERVICE]
        assert len(cancelled) == 1
        assert cancelled[0].starts_at < datetime.combine(SEED_DAY, datetime.min.time(), tzinfo=OSLO)
        assert session.exec(select(MessageThread).where(MessageThread.subject_id == per.id)).all() == []


def test_a_national_identity_number_is_unique(cast_engine: Engine) -> None:
    with Session(cast_engine) as session:
        kari = session.exec(select(Person).where(Person.given_name == "Kari")).one()
        copy = Person(
            national_id=kari.national_id, given_name="K", family_name="Kopi", birth_date=kari.birth_date
        )
        session.add(copy)
        with pytest.raises(IntegrityError):
            session.commit()


def test_a_naive_timestamp_is_refused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(
            Person(
                national_id="14833810058",
                given_name="Kari",
                family_name="Nordmann",
                birth_date=SEED_DAY,
                created_at=datetime(2026, 1, 1, 12, 0),
            )
        )
        with pytest.raises(StatementError, match="naive datetime"):
            session.commit()


def test_a_database_server_that_does_not_answer_gives_up_after_seconds() -> None:
    engine = make_engine("postgresql+psycopg://homecare@db.example:5432/homecare")
    assert engine.url.query["connect_timeout"] == str(CONNECT_TIMEOUT_SECONDS)
    own = make_engine("postgresql+psycopg://homecare@db.example:5432/homecare?connect_timeout=2")
    assert own.url.query["connect_timeout"] == "2"
