"""`python -m homecare.demo_driver`: plays the municipality for the demo cast, through the integration API.

    python -m homecare.demo_driver complete-visit   # Kari's visit that is due now is recorded as made
    python -m homecare.demo_driver reply            # the nurse answers in Kari's thread
    python -m homecare.demo_driver move-visit       # Per's next visit is moved an hour later
    python -m homecare.demo_driver all

It runs beside `scripts/run` (development only): it makes itself an API key for Bergen and for Oslo, looks up
the ids the municipalities' own systems would know (their visit ids, the thread), and calls the API like any
municipality's system. What it does shows in the portal, and in the development outbox, within seconds.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

import httpx
from sqlmodel import Session, col, select

from homecare.api.app import PREFIX
from homecare.db import session_scope
from homecare.domain.visits import VisitStatus
from homecare.models import HomeVisit, MessageThread, Person
from homecare.models.columns import utc_now
from homecare.services.demo_cast import KARI, PER, CastMember
from homecare.services.municipal import create_client
from homecare.settings import get_settings

BERGEN, OSLO = "4601", "0301"


class DemoError(Exception):
    pass


def _person(db: Session, member: CastMember) -> Person:
    found = db.exec(select(Person).where(Person.national_id == member.national_id)).first()
    if found is None:
        raise DemoError(
            f"{member.full_name} is not in the database: start the portal with scripts/run first."
        )
    return found


def _api(municipality: str, base_url: str) -> httpx.Client:
    with session_scope() as db:
        _client, key = create_client(db, municipality, "Demo driver", utc_now())
    return httpx.Client(
        base_url=f"{base_url}{PREFIX}", headers={"Authorization": f"Bearer {key}"}, timeout=10
    )


def _say(response: httpx.Response, what: str) -> None:
    if response.is_success:
        print(f"{what}: done ({response.status_code}).")
        return
    raise DemoError(f"{what}: the API answered {response.status_code}: {response.text}")


def complete_visit(base_url: str) -> None:
    """Kari's planned visit nearest to now (one that has begun, if any) is recorded as made, by its nurse."""
    now = utc_now()
    with session_scope() as db:
        kari = _person(db, KARI)
        planned = db.exec(
            select(HomeVisit)
            .where(HomeVisit.subject_id == kari.id, HomeVisit.status == VisitStatus.PLANNED)
            .where(col(HomeVisit.starts_at) <= now + timedelta(hours=12))
            .order_by(col(HomeVisit.starts_at))
        ).all()
        if not planned:
            raise DemoError("Kari has no planned visit within the next twelve hours.")
        begun = [visit for visit in planned if visit.starts_at <= now]
        visit = begun[-1] if begun else planned[0]
        unit_id, external_id, staff = visit.service_unit_id, visit.external_id, visit.staff_name
    with _api(BERGEN, base_url) as api:
        response = api.post(
            f"/service-units/{unit_id}/visits/{external_id}/complete",
            json={"completed_at": now.isoformat(), "staff_name": staff},
            headers={"Idempotency-Key": f"demo-complete-{external_id}"},
        )
        _say(response, f"Kari's visit {external_id} recorded as made")


def reply(base_url: str) -> None:
    with session_scope() as db:
        kari = _person(db, KARI)
        thread = db.exec(
            select(MessageThread).where(
                MessageThread.subject_id == kari.id, MessageThread.topic == "Question about medication"
            )
        ).first()
        if thread is None:
            raise DemoError("Kari's thread about medication is not there.")
        thread_id = thread.public_id
    with _api(BERGEN, base_url) as api:
        response = api.post(
            "/messages",
            json={
                "national_id": KARI.national_id,
                "staff_name": "nurse Line Hansen",
                "thread_id": thread_id,
                "text": "Thank you! We will bring the new blister packs when we come on Friday morning.",
            },
        )
        _say(response, "The nurse's reply in Kari's thread")


def move_visit(base_url: str) -> None:
    now = utc_now()
    with session_scope() as db:
        per = _person(db, PER)
        visit = db.exec(
            select(HomeVisit)
            .where(
                HomeVisit.subject_id == per.id,
                HomeVisit.status == VisitStatus.PLANNED,
                HomeVisit.starts_at > now,
            )
            .order_by(col(HomeVisit.starts_at))
        ).first()
        if visit is None:
            raise DemoError("Per has no planned visit ahead.")
        unit_id, external_id = visit.service_unit_id, visit.external_id
        body = {
            "national_id": PER.national_id,
            "starts_at": (visit.starts_at + timedelta(hours=1)).isoformat(),
            "ends_at": (visit.ends_at + timedelta(hours=1)).isoformat(),
            "service_type": visit.service_type.value,
            "staff_name": visit.staff_name,
        }
    with _api(OSLO, base_url) as api:
        _say(
            api.put(f"/service-units/{unit_id}/visits/{external_id}", json=body),
            f"Per's visit {external_id} moved",
        )


ACTIONS = {"complete-visit": complete_visit, "reply": reply, "move-visit": move_visit}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m homecare.demo_driver", description=__doc__.splitlines()[0]
    )
    parser.add_argument("action", choices=[*ACTIONS, "all"])
    parser.add_argument("--portal", default=get_settings().public_url, help="the portal's address")
    args = parser.parse_args(argv)
    if get_settings().is_production:
        print("The demo driver plays a municipality: it does not run in production.", file=sys.stderr)
        return 1
    try:
        for name, action in ACTIONS.items():
            if args.action in (name, "all"):
                action(args.portal)
    except (DemoError, httpx.HTTPError) as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
