"""The integration API, as a municipality's system uses it: every endpoint, its happy path and its errors."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from homecare.api.app import create_api
from homecare.domain.usage import UsageOutcome
from homecare.models import HomeVisit, Message, OutboxItem, Person, ServiceUnit, UsageLogEntry
from homecare.models.columns import utc_now
from homecare.rate_limits import Limit, LocalRateLimiter
from homecare.services.attachment_files import AttachmentFiles
from homecare.services.attachments import Upload, add_drafts
from homecare.services.demo_cast import KARI, PER
from homecare.services.messages import send_message
from homecare.services.municipal import create_client, revoke_client
from homecare.services.usage_log import UsageAction
from homecare.services.visits import cancel_visit
from homecare.settings import get_settings
from tests.cast import access, person
from tests.sample_files import PDF

NEW_PERSON = "01815000036"  # synthetic (month + 80), born 1 January 1950
SOON = utc_now().replace(microsecond=0) + timedelta(days=3)


@dataclasses.dataclass
class Clients:
    bergen: TestClient
    oslo: TestClient
    anonymous: TestClient
    bergen_key_id: str
    engine: Engine
    files: AttachmentFiles


@pytest.fixture
def api(cast_engine: Engine, tmp_path: Path) -> Iterator[Clients]:
    settings = dataclasses.replace(
        get_settings(), attachments_dir=tmp_path / "files", api_requests_per_minute=6000
    )
    with Session(cast_engine) as db:
        bergen, bergen_key = create_client(db, "4601", "EPJ Bergen", utc_now())
        _oslo, oslo_key = create_client(db, "0301", "EPJ Oslo", utc_now())
        db.commit()
        key_id = bergen.key_id
    app = create_api(settings, engine=cast_engine)

    def client(key: str | None) -> TestClient:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return TestClient(app, headers=headers, raise_server_exceptions=False)

    yield Clients(
        client(bergen_key),
        client(oslo_key),
        client(None),
        key_id,
        cast_engine,
        AttachmentFiles(tmp_path / "files"),
    )


def is_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"]
    return body


def bergenhus(api: Clients) -> int:
    with Session(api.engine) as db:
        return (
            db.exec(select(ServiceUnit.id).where(ServiceUnit.name == "Hjemmesykepleien Bergenhus")).one() or 0
        )


def visit_body(national_id: str = KARI.national_id, hours: int = 0) -> dict:
    starts = SOON + timedelta(hours=hours)
    return {
        "national_id": national_id,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(minutes=30)).isoformat(),
        "service_type": "home_nursing",
        "staff_name": "Line Hansen",
    }


# Keys.


def test_without_a_valid_key_nothing_is_answered(api: Clients) -> None:
    response = api.anonymous.get("/service-units")
    assert is_problem(response, 401)["title"] == "No valid API key"
    assert response.headers["www-authenticate"] == "Bearer"
    wrong = TestClient(api.bergen.app, headers={"Authorization": "Bearer abc.def"})
    is_problem(wrong.get("/service-units"), 401)
    with Session(api.engine) as db:
        assert revoke_client(db, api.bergen_key_id, utc_now())
        db.commit()
    is_problem(api.bergen.get("/service-units"), 401)


def test_too_many_requests_are_told_when_to_come_back(cast_engine: Engine, tmp_path: Path) -> None:
    with Session(cast_engine) as db:
        _client, key = create_client(db, "4601", "EPJ Bergen", utc_now())
        db.commit()
    app = create_api(
        get_settings(), engine=cast_engine, limiter=LocalRateLimiter(Limit.per_minute(6), clock=lambda: 100.0)
    )
    client = TestClient(app, headers={"Authorization": f"Bearer {key}"})
    assert client.get("/service-units").status_code == 200
    response = client.get("/service-units")
    is_problem(response, 429)
    assert int(response.headers["retry-after"]) >= 1


def test_a_request_body_over_the_limit_is_refused_unread(api: Clients) -> None:
    big = {"national_id": KARI.national_id, "staff_name": "x", "text": "x" * 70_000, "topic": "x"}
    is_problem(api.bergen.post("/messages", json=big), 413)


# The municipality.


def test_each_municipality_sees_its_own_units(api: Clients) -> None:
    assert [unit["name"] for unit in api.bergen.get("/service-units").json()] == [
        "Hjemmesykepleien Bergenhus"
    ]
    assert [unit["name"] for unit in api.oslo.get("/service-units").json()] == ["Hjemmetjenesten Frogner"]


def test_taking_part_is_set_with_a_date(api: Clients) -> None:
    assert api.bergen.get("/participation").json()["takes_part"] is True
    errors = is_problem(api.bergen.put("/participation", json={"takes_part": True}), 422)["errors"]
    assert "since" in errors
    answer = api.oslo.put("/participation", json={"takes_part": True, "since": "2027-01-01"}).json()
    assert (answer["takes_part"], answer["since"]) == (True, "2027-01-01")
    assert api.oslo.put("/participation", json={"takes_part": False}).json()["since"] is None


# Persons.


def test_a_person_is_read_and_another_municipalitys_person_is_not_found_and_the_try_logged(
    api: Clients,
) -> None:
    kari = api.bergen.get(f"/persons/{KARI.national_id}").json()
    assert (kari["given_name"], kari["family_name"]) == ("Kari", "Nordmann")
    is_problem(api.bergen.get(f"/persons/{PER.national_id}"), 404)
    is_problem(api.bergen.get(f"/persons/{NEW_PERSON}"), 404)
    is_problem(api.bergen.get("/persons/123"), 422)
    with Session(api.engine) as db:
        logged = db.exec(select(UsageLogEntry).where(UsageLogEntry.subject_id == person(db, PER).id)).all()
        assert [(entry.action, entry.outcome) for entry in logged] == [
            (UsageAction.API_REFUSED, UsageOutcome.DENIED)
        ]


def test_a_person_is_registered_updated_and_their_home_care_ended(api: Clients) -> None:
    body = {"given_name": "Astrid", "family_name": "Dahl", "service_unit_id": bergenhus(api)}
    body["mobile"] = "900 11 223"
    created = api.bergen.put(f"/persons/{NEW_PERSON}", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["mobile"] == "+4790011223"
    assert api.bergen.put(f"/persons/{NEW_PERSON}", json={**body, "given_name": "Astri"}).status_code == 200
    assert api.bergen.get(f"/persons/{NEW_PERSON}").json()["given_name"] == "Astri"
    assert api.bergen.delete(f"/persons/{NEW_PERSON}").status_code == 204
    assert api.bergen.get(f"/persons/{NEW_PERSON}").json()["service_unit_id"] is None
    errors = is_problem(
        api.bergen.put(f"/service-units/{bergenhus(api)}/visits/x1", json=visit_body(NEW_PERSON)), 422
    )
    assert "national_id" in errors["errors"]


def test_a_person_with_wrong_details_is_not_registered(api: Clients) -> None:
    with Session(api.engine) as db:
        frogner = db.exec(select(ServiceUnit.id).where(ServiceUnit.name == "Hjemmetjenesten Frogner")).one()
    body = {
        "given_name": "Astrid",
        "family_name": "Dahl",
        "service_unit_id": frogner,
        "mobile": "55 12 34 56",
    }
    errors = is_problem(api.bergen.put(f"/persons/{NEW_PERSON}", json=body), 422)["errors"]
    assert set(errors) == {"service_unit_id", "mobile"}
    assert is_problem(api.bergen.put(f"/persons/{NEW_PERSON}", json={"given_name": "A"}), 422)["errors"]
    is_problem(api.bergen.get(f"/persons/{NEW_PERSON}"), 404)


def test_a_resident_of_another_municipality_cannot_be_taken_over_and_the_try_is_logged(api: Clients) -> None:
    body = {"given_name": "Per", "family_name": "Nordmann", "service_unit_id": bergenhus(api)}
    is_problem(api.bergen.put(f"/persons/{PER.national_id}", json=body), 404)
    assert api.oslo.get(f"/persons/{PER.national_id}").status_code == 200
    # Ingrid lives in Bergen and receives no home care: Oslo still cannot take her over, nor see her details.
    frogner = api.oslo.get("/service-units").json()[0]["id"]
    taken = api.oslo.put(
        "/persons/02916810051", json={"given_name": "X", "family_name": "Y", "service_unit_id": frogner}
    )
    answer = is_problem(taken, 404)
    assert "ingrid" not in str(answer).lower() and "912" not in str(answer)
    with Session(api.engine) as db:
        ingrid = db.exec(select(Person).where(Person.national_id == "02916810051")).one()
        assert (ingrid.given_name, ingrid.service_unit_id) == ("Ingrid", None)
        refusals = db.exec(select(UsageLogEntry).where(UsageLogEntry.subject_id == ingrid.id)).all()
        assert [entry.action for entry in refusals] == [UsageAction.API_REFUSED]


def test_text_a_keyboard_never_types_and_times_outside_our_era_are_refused(api: Clients) -> None:
    unit = bergenhus(api)
    body = {"given_name": "A\x00B", "family_name": "Dahl", "service_unit_id": unit}
    assert "given_name" in is_problem(api.bergen.put(f"/persons/{NEW_PERSON}", json=body), 422)["errors"]
    ancient = {
        **visit_body(),
        "starts_at": "0001-01-01T00:00:00+05:00",
        "ends_at": "0001-01-01T01:00:00+05:00",
    }
    assert (
        "starts_at"
        in is_problem(api.bergen.put(f"/service-units/{unit}/visits/old", json=ancient), 422)["errors"]
    )
    nul = {"national_id": KARI.national_id, "staff_name": "Line\x00", "text": "Hei", "topic": "Hei"}
    is_problem(api.bergen.post("/messages", json=nul), 422)


def test_a_reply_goes_only_into_a_thread_with_the_municipalitys_own_unit(api: Clients) -> None:
    new = {"national_id": KARI.national_id, "staff_name": "Line", "text": "Hei", "topic": "Hei"}
    thread_id = api.bergen.post("/messages", json=new).json()["thread_id"]
    frogner = api.oslo.get("/service-units").json()[0]["id"]
    with Session(api.engine) as db:  # Kari moves to Oslo, and Frogner takes over her care
        kari = person(db, KARI)
        kari.municipality_id = db.get(ServiceUnit, frogner).municipality_id  # type: ignore[union-attr]
        kari.service_unit_id = frogner
        db.add(kari)
        db.commit()
    reply = {"national_id": KARI.national_id, "staff_name": "Oslo", "text": "Hei", "thread_id": thread_id}
    is_problem(api.oslo.post("/messages", json=reply), 404)


# Visits.


def test_a_visit_is_created_then_the_same_request_changes_nothing_and_a_move_is_a_new_version(
    api: Clients,
) -> None:
    path = f"/service-units/{bergenhus(api)}/visits/epj-1001"
    created = api.bergen.put(path, json=visit_body())
    assert created.status_code == 201 and created.json()["status"] == "planned"
    again = api.bergen.put(path, json=visit_body())
    assert again.status_code == 200 and again.json()["version"] == 1
    nameless = {**visit_body(), "staff_name": None}
    assert api.bergen.put(path, json=nameless).json()["version"] == 2
    assert api.bergen.put(path, json=nameless).json()["version"] == 2, "no name again is no change"
    moved = api.bergen.put(path, json=visit_body(hours=2))
    assert moved.json()["version"] == 3
    assert (
        api.bergen.get(path)
        .json()["starts_at"]
        .startswith((SOON + timedelta(hours=2)).strftime("%Y-%m-%dT%H"))
    )
    with Session(api.engine) as db:
        assert {row.kind for row in db.exec(select(OutboxItem))} == {"visit_changed"}


def test_a_visit_that_breaks_the_rules_is_refused(api: Clients) -> None:
    unit = bergenhus(api)
    backwards = {**visit_body(), "ends_at": (SOON - timedelta(hours=1)).isoformat()}
    assert (
        "ends_at"
        in is_problem(api.bergen.put(f"/service-units/{unit}/visits/x2", json=backwards), 422)["errors"]
    )
    naive = {**visit_body(), "starts_at": "2027-01-01T08:00:00"}
    assert (
        "starts_at"
        in is_problem(api.bergen.put(f"/service-units/{unit}/visits/x2", json=naive), 422)["errors"]
    )
    is_problem(api.bergen.put(f"/service-units/{unit}/visits/x2", json=visit_body(PER.national_id)), 404)
    is_problem(api.bergen.put(f"/service-units/{unit}/visits/bad%20id", json=visit_body()), 422)
    is_problem(api.bergen.get(f"/service-units/{unit}/visits/no-such"), 404)


def test_a_visit_is_cancelled_or_completed_once(api: Clients) -> None:
    unit = bergenhus(api)
    api.bergen.put(f"/service-units/{unit}/visits/c1", json=visit_body())
    api.bergen.put(f"/service-units/{unit}/visits/c2", json=visit_body(hours=3))
    cancelled = api.bergen.post(f"/service-units/{unit}/visits/c1/cancel", json={"reason": "Staff illness"})
    assert cancelled.json()["status"] == "cancelled_by_service"
    is_problem(api.bergen.post(f"/service-units/{unit}/visits/c1/cancel", json={"reason": "again"}), 409)
    is_problem(
        api.bergen.post(f"/service-units/{unit}/visits/c1/complete", json={"completed_at": SOON.isoformat()}),
        409,
    )
    done = api.bergen.post(
        f"/service-units/{unit}/visits/c2/complete",
        json={"completed_at": SOON.isoformat(), "staff_name": "Maria"},
    )
    assert (done.json()["status"], done.json()["staff_name"]) == ("completed", "Maria")
    with Session(api.engine) as db:
        kinds = {row.kind for row in db.exec(select(OutboxItem))}
        assert {"visit_cancelled", "visit_completed"} <= kinds


def test_a_visit_the_person_cancelled_cannot_be_moved(api: Clients) -> None:
    unit = bergenhus(api)
    api.bergen.put(f"/service-units/{unit}/visits/m1", json=visit_body(hours=48))
    with Session(api.engine) as db:
        visit = db.exec(select(HomeVisit).where(HomeVisit.external_id == "m1")).one()
        cancel_visit(
            db, access(db, KARI), visit.public_id, seen_version=1, reason="not_home", note="", now=utc_now()
        )
        db.commit()
    is_problem(api.bergen.put(f"/service-units/{unit}/visits/m1", json=visit_body(hours=49)), 409)


# Messages.


def test_the_service_writes_a_new_thread_and_replies_in_it(api: Clients) -> None:
    new = {
        "national_id": KARI.national_id,
        "staff_name": "nurse Line Hansen",
        "text": "Hei Kari",
        "topic": "Besøk",
    }
    created = api.bergen.post("/messages", json=new)
    assert created.status_code == 201
    thread_id = created.json()["thread_id"]
    reply = {
        "national_id": KARI.national_id,
        "staff_name": "nurse Line Hansen",
        "text": "Og en ting til",
        "thread_id": thread_id,
    }
    assert api.bergen.post("/messages", json=reply).json()["thread_id"] == thread_id
    with Session(api.engine) as db:
        assert (
            len(db.exec(select(Message).where(Message.body.in_(["Hei Kari", "Og en ting til"]))).all()) == 2
        )  # type: ignore[attr-defined]


def test_a_message_that_breaks_the_rules_is_refused(api: Clients) -> None:
    base = {"national_id": KARI.national_id, "staff_name": "Line"}
    assert "text" in is_problem(api.bergen.post("/messages", json={**base, "text": "Hei"}), 422)["errors"]
    is_problem(api.bergen.post("/messages", json={**base, "text": "x" * 4001, "topic": "t"}), 422)
    is_problem(api.bergen.post("/messages", json={**base, "text": "Hei", "thread_id": "nope"}), 404)
    is_problem(
        api.bergen.post(
            "/messages", json={**base, "national_id": PER.national_id, "text": "Hei", "topic": "t"}
        ),
        404,
    )


def test_the_same_post_twice_with_one_key_makes_one_message(api: Clients) -> None:
    body = {"national_id": KARI.national_id, "staff_name": "Line", "text": "Bare én gang", "topic": "Én"}
    first = api.bergen.post("/messages", json=body, headers={"Idempotency-Key": "k-1"})
    again = api.bergen.post("/messages", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    with Session(api.engine) as db:
        assert len(db.exec(select(Message).where(Message.body == "Bare én gang")).all()) == 1
    other = api.bergen.post(
        "/messages", json={**body, "text": "Noe annet"}, headers={"Idempotency-Key": "k-1"}
    )
    is_problem(other, 422)
    # Another municipality's client has keys of its own: the same key is a new request there.
    pers = {"national_id": PER.national_id, "staff_name": "Line", "text": "Til Per", "topic": "Hei"}
    oslo = api.oslo.post("/messages", json=pers, headers={"Idempotency-Key": "k-1"})
    assert oslo.status_code == 201 and "idempotent-replayed" not in oslo.headers


# What citizens did.


def karis_doings(api: Clients) -> str:
    """Kari writes with a PDF and cancels a visit; returns the attachment's id."""
    with Session(api.engine) as db:
        kari, own = person(db, KARI), access(db, KARI)
        (draft,), _ = add_drafts(
            db, api.files, own, [Upload("brev.pdf", PDF, len(PDF))], drafts_so_far=0, now=utc_now()
        )
        send_message(
            db, own, topic="Brev", text="Se vedlegget", now=utc_now(), attachment_ids=[draft.public_id]
        )
        visit = db.exec(
            select(HomeVisit).where(
                HomeVisit.subject_id == kari.id, HomeVisit.starts_at > utc_now() + timedelta(days=4)
            )
        ).first()
        assert visit is not None
        cancel_visit(
            db, own, visit.public_id, seen_version=visit.version, reason="not_home", note="", now=utc_now()
        )
        db.commit()
        return draft.public_id


def test_the_municipality_reads_what_citizens_did_and_acknowledges_it(api: Clients) -> None:
    attachment_id = karis_doings(api)
    answer = api.bergen.get("/events").json()
    kinds = [event["kind"] for event in answer["events"]]
    assert kinds == ["message_sent", "visit_cancelled"]
    message, cancellation = answer["events"]
    assert (message["text"], message["topic"], message["written_by"]) == (
        "Se vedlegget",
        "Brev",
        "Kari Nordmann",
    )
    assert message["attachments"][0]["id"] == attachment_id
    assert cancellation["cancel_reason"] == "not_home" and cancellation["visit_external_id"]
    assert api.bergen.get("/events", params={"after": answer["next_cursor"]}).json()["events"] == []
    assert api.bergen.get("/events", params={"limit": 1}).json()["next_cursor"] == message["id"]
    acknowledged = api.bergen.post("/events/acknowledge", json={"up_to": message["id"]}).json()
    assert acknowledged == {"acknowledged": 1}
    assert [event["acknowledged"] for event in api.bergen.get("/events").json()["events"]] == [True, False]
    is_problem(api.bergen.get("/events", params={"limit": 0}), 422)


def test_the_municipality_fetches_a_file_a_citizen_sent_it(api: Clients) -> None:
    attachment_id = karis_doings(api)
    response = api.bergen.get(f"/attachments/{attachment_id}")
    assert response.status_code == 200 and response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    is_problem(api.bergen.get("/attachments/no-such-file"), 404)


# Isolation: a client of another municipality gets nothing, from every endpoint.


def test_oslos_client_gets_nothing_of_bergens_from_any_endpoint(api: Clients) -> None:
    attachment_id = karis_doings(api)
    unit = bergenhus(api)
    frogner = api.oslo.get("/service-units").json()[0]["id"]
    api.bergen.put(f"/service-units/{unit}/visits/iso-1", json=visit_body())
    oslo = api.oslo
    assert all(item["name"] != "Hjemmesykepleien Bergenhus" for item in oslo.get("/service-units").json())
    assert oslo.get("/events").json()["events"] == []
    assert oslo.post("/events/acknowledge", json={"up_to": 10**9}).json() == {"acknowledged": 0}
    refused = [
        oslo.get(f"/persons/{KARI.national_id}"),
        oslo.put(
            f"/persons/{KARI.national_id}",
            json={"given_name": "K", "family_name": "N", "service_unit_id": frogner},
        ),
        oslo.delete(f"/persons/{KARI.national_id}"),
        oslo.get(f"/service-units/{unit}/visits/iso-1"),
        oslo.put(f"/service-units/{unit}/visits/iso-1", json=visit_body()),
        oslo.post(f"/service-units/{unit}/visits/iso-1/cancel", json={"reason": "x"}),
        oslo.post(f"/service-units/{unit}/visits/iso-1/complete", json={"completed_at": SOON.isoformat()}),
        oslo.post(
            "/messages", json={"national_id": KARI.national_id, "staff_name": "x", "text": "x", "topic": "x"}
        ),
        oslo.get(f"/attachments/{attachment_id}"),
    ]
    assert [response.status_code for response in refused] == [404] * 9
    with Session(api.engine) as db:
        kari = person(db, KARI)
        assert kari.service_unit_id is not None and kari.given_name == "Kari"
        visit = db.exec(select(HomeVisit).where(col(HomeVisit.external_id) == "iso-1")).one()
        assert visit.status.value == "planned" and visit.version == 1
    assert api.oslo.get("/participation").json() != api.bergen.get("/participation").json()


def test_the_openapi_document_describes_every_endpoint_and_the_docs_are_served_from_here(
    api: Clients,
) -> None:
    document = api.anonymous.get("/openapi.json").json()
    assert len(document["paths"]) == 10
    assert "Problem" in document["components"]["schemas"]
    page = api.anonymous.get("/docs")
    assert page.status_code == 200 and "/api/v1/docs/assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    assert api.anonymous.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
