"""The integration API (`/api/v1`): the municipalities' systems feed the portal and read what citizens did.

Every request names its client by an API key (`Authorization: Bearer <key>`); every use case is kept to
the client's municipality (homecare/services/municipal.py). Errors are application/problem+json. Every POST
honours an `Idempotency-Key`; PUTs are idempotent by the municipality's own ids.

(No `from __future__ import annotations` here: FastAPI reads the handlers' annotations as real types.)
"""

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from homecare.api import schemas
from homecare.db import session_scope
from homecare.models import ApiClient, HomeVisit, IdempotentResponse, MessageThread, Person
from homecare.models.columns import utc_now
from homecare.rate_limits import Limit, RateLimiter, rate_limiter
from homecare.request_limits import BodySizeLimit
from homecare.services import municipal
from homecare.services.attachment_files import AttachmentFiles
from homecare.settings import Settings, get_settings

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
PROBLEM = "application/problem+json"
# Ids are 32-bit in the database: anything larger names nothing, and must not reach it.
UNIT_ID = Path(ge=1, le=2**31 - 1, description="A service unit of your municipality (GET /service-units)")
EXTERNAL_ID = Path(pattern=r"^[A-Za-z0-9._:-]{1,100}$", description="The municipality's own id of the visit")
UnitId = Annotated[int, UNIT_ID]
ExternalId = Annotated[str, EXTERNAL_ID]
NationalIdPath = Annotated[str, Path(pattern=r"^\d{11}$", description="National identity number")]
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": schemas.Problem, "content": {PROBLEM: {}}, "description": title}
    for status, title in {
        400: "The request could not be read",
        401: "No valid API key",
        404: "Not found in your municipality",
        409: "Not possible in the state things are in",
        413: "The request is too large",
        422: "The request breaks a rule",
        429: "Too many requests",
    }.items()
}


def problem(
    status: int, title: str, detail: str | None = None, errors: dict[str, str] | None = None
) -> JSONResponse:
    body = schemas.Problem(title=title, status=status, detail=detail, errors=errors).model_dump(
        exclude_none=True
    )
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


class ApiError(Exception):
    def __init__(self, response: JSONResponse) -> None:
        self.response = response


def create_api(
    settings: Settings | None = None, engine: Engine | None = None, limiter: RateLimiter | None = None
) -> FastAPI:
    """The API as an app of its own, to mount at /api/v1 (tests give their own database)."""
    settings = settings or get_settings()
    limiter = limiter or rate_limiter(settings, "api", Limit.per_minute(settings.api_requests_per_minute))
    api = FastAPI(
        title="Kommunale hjemmetjenester: integration API",
        version="1",
        description=__doc__,
        docs_url=None,
        redoc_url=None,
        servers=[{"url": PREFIX}],
    )

    def database() -> Iterator[Session]:
        with session_scope(engine) as db:
            yield db

    bearer = HTTPBearer(auto_error=False)

    def client(
        db: Annotated[Session, Depends(database, scope="function")],
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> ApiClient:
        found = municipal.authenticate(db, credentials.credentials) if credentials else None
        if found is None or found.id is None:
            response = problem(401, "No valid API key", "Send Authorization: Bearer <key>.")
            response.headers["WWW-Authenticate"] = "Bearer"
            raise ApiError(response)
        wait = limiter.take(str(found.id))
        if wait:
            response = problem(429, "Too many requests", f"At most {limiter.limit.count} a minute.")
            response.headers["Retry-After"] = str(max(int(wait) + 1, 1))
            raise ApiError(response)
        return found

    # The transaction ends (commits) before the answer is sent: a 2xx means the change is stored.
    Db = Annotated[Session, Depends(database, scope="function")]
    Client = Annotated[ApiClient, Depends(client)]
    IdempotencyKey = Annotated[
        str | None,
        Header(
            alias="Idempotency-Key", max_length=200, description="The same key again replays the first answer"
        ),
    ]

    router = APIRouter(responses=PROBLEM_RESPONSES)

    @router.get("/service-units", response_model=list[schemas.ServiceUnitOut], tags=["municipality"])
    def service_units(db: Db, me: Client) -> list[schemas.ServiceUnitOut]:
        return [
            schemas.ServiceUnitOut(id=unit.id or 0, name=unit.name, phone=unit.phone)
            for unit in municipal.units(db, me)
        ]

    @router.get("/participation", response_model=schemas.ParticipationOut, tags=["municipality"])
    def get_participation(db: Db, me: Client) -> schemas.ParticipationOut:
        return schemas.ParticipationOut(**municipal.participation(db, me).__dict__)

    @router.put("/participation", response_model=schemas.ParticipationOut, tags=["municipality"])
    def put_participation(body: schemas.ParticipationIn, db: Db, me: Client) -> schemas.ParticipationOut:
        return schemas.ParticipationOut(
            **municipal.set_participation(db, me, body.takes_part, body.since).__dict__
        )

    @router.get("/persons/{national_id}", response_model=schemas.PersonOut, tags=["persons"])
    def get_person(national_id: NationalIdPath, db: Db, me: Client) -> schemas.PersonOut:
        return _person_out(municipal.person_here(db, me, national_id, utc_now()))

    @router.put(
        "/persons/{national_id}",
        response_model=schemas.PersonOut,
        tags=["persons"],
        responses={201: {"model": schemas.PersonOut, "description": "Registered"}},
    )
    def put_person(national_id: NationalIdPath, body: schemas.PersonIn, db: Db, me: Client) -> JSONResponse:
        data = municipal.PersonData(**body.model_dump())
        person, created = municipal.register_person(db, me, national_id, data, utc_now())
        return JSONResponse(jsonable_encoder(_person_out(person)), status_code=201 if created else 200)

    @router.delete("/persons/{national_id}", status_code=204, tags=["persons"])
    def delete_person(national_id: NationalIdPath, db: Db, me: Client) -> Response:
        municipal.end_home_care(db, me, national_id, utc_now())
        return Response(status_code=204)

    @router.get(
        "/service-units/{unit_id}/visits/{external_id}", response_model=schemas.VisitOut, tags=["visits"]
    )
    def get_visit(unit_id: UnitId, external_id: ExternalId, db: Db, me: Client) -> schemas.VisitOut:
        return _visit_out(db, municipal.visit_here(db, me, unit_id, external_id))

    @router.put(
        "/service-units/{unit_id}/visits/{external_id}",
        response_model=schemas.VisitOut,
        tags=["visits"],
        responses={201: {"model": schemas.VisitOut, "description": "Created"}},
    )
    def put_visit(
        unit_id: UnitId,
        external_id: ExternalId,
        body: schemas.VisitIn,
        db: Db,
        me: Client,
    ) -> JSONResponse:
        data = municipal.VisitData(**body.model_dump())
        visit, created = municipal.put_visit(db, me, unit_id, external_id, data, utc_now())
        return JSONResponse(jsonable_encoder(_visit_out(db, visit)), status_code=201 if created else 200)

    @router.post(
        "/service-units/{unit_id}/visits/{external_id}/cancel",
        response_model=schemas.VisitOut,
        tags=["visits"],
    )
    def cancel_visit(
        unit_id: UnitId, external_id: ExternalId, body: schemas.CancelIn, request: Request,
        db: Db, me: Client, key: IdempotencyKey = None,
    ) -> JSONResponse:  # fmt: skip
        def work() -> tuple[int, Any]:
            visit = municipal.cancel_visit_by_municipality(
                db, me, unit_id, external_id, body.reason, utc_now()
            )
            return 200, _visit_out(db, visit)

        return _idempotent(db, me, key, request, body, work)

    @router.post(
        "/service-units/{unit_id}/visits/{external_id}/complete",
        response_model=schemas.VisitOut,
        tags=["visits"],
    )
    def complete_visit(
        unit_id: UnitId, external_id: ExternalId, body: schemas.CompleteIn, request: Request,
        db: Db, me: Client, key: IdempotencyKey = None,
    ) -> JSONResponse:  # fmt: skip
        def work() -> tuple[int, Any]:
            visit = municipal.complete_visit(
                db, me, unit_id, external_id, body.completed_at, body.staff_name, utc_now()
            )
            return 200, _visit_out(db, visit)

        return _idempotent(db, me, key, request, body, work)

    @router.post("/messages", response_model=schemas.MessageOut, status_code=201, tags=["messages"])
    def post_message(
        body: schemas.MessageIn, request: Request, db: Db, me: Client, key: IdempotencyKey = None
    ) -> JSONResponse:
        def work() -> tuple[int, Any]:
            message = municipal.post_message(
                db, me, body.national_id, staff_name=body.staff_name, text=body.text, topic=body.topic,
                thread_id=body.thread_id, now=utc_now(),
            )  # fmt: skip
            return 201, schemas.MessageOut(
                thread_id=_thread_id(db, message.thread_id), created_at=message.created_at
            )

        return _idempotent(db, me, key, request, body, work)

    @router.get("/events", response_model=schemas.EventsOut, tags=["citizen events"])
    def events(
        db: Db,
        me: Client,
        after: Annotated[
            int, Query(ge=0, le=2**31 - 1, description="The cursor: the id of the last event seen")
        ] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> schemas.EventsOut:
        found = municipal.citizen_events(db, me, after=after, limit=limit)
        return schemas.EventsOut(
            events=[schemas.EventOut(**_plain(event)) for event in found],
            next_cursor=found[-1].id if found else after,
        )

    @router.post("/events/acknowledge", response_model=schemas.AcknowledgeOut, tags=["citizen events"])
    def acknowledge(
        body: schemas.AcknowledgeIn, request: Request, db: Db, me: Client, key: IdempotencyKey = None
    ) -> JSONResponse:
        def work() -> tuple[int, Any]:
            return 200, schemas.AcknowledgeOut(
                acknowledged=municipal.acknowledge(db, me, body.up_to, utc_now())
            )

        return _idempotent(db, me, key, request, body, work)

    @router.get(
        "/attachments/{attachment_id}",
        tags=["citizen events"],
        responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}},
        response_class=Response,
    )
    def attachment(
        attachment_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,32}$")], db: Db, me: Client
    ) -> Response:
        row = municipal.attachment_here(db, me, attachment_id)
        content = AttachmentFiles(settings.attachments_dir).read(row.storage_key, row.sha256)
        if content is None:
            log.error("attachment %s is missing or does not match its checksum", row.id)
            return problem(
                409, "The file cannot be read", "It is damaged or missing; the portal's staff are told."
            )
        return Response(content, media_type=row.media_type, headers={"X-Content-SHA256": row.sha256})

    api.include_router(router)
    _add_problem_handlers(api)
    _add_docs(api)
    api.add_middleware(BodySizeLimit, limit=settings.api_max_body_bytes, refusal=_too_large)
    return api


def _too_large(limit: int) -> JSONResponse:
    return problem(413, "The request is too large", f"At most {limit} bytes.")


def _plain(event: municipal.CitizenEventView) -> dict[str, Any]:
    values = dict(event.__dict__)
    values["attachments"] = [schemas.AttachmentOut(**item.__dict__) for item in event.attachments]
    return values


def _thread_id(db: Session, thread_id: int) -> str:
    thread = db.get(MessageThread, thread_id)
    return thread.public_id if thread else ""


def _person_out(person: Person) -> schemas.PersonOut:
    return schemas.PersonOut(
        national_id=person.national_id,
        given_name=person.given_name,
        middle_name=person.middle_name,
        family_name=person.family_name,
        service_unit_id=person.service_unit_id,
        mobile=person.mobile,
        email=person.email,
    )


def _visit_out(db: Session, visit: HomeVisit) -> schemas.VisitOut:
    subject = db.get(Person, visit.subject_id)
    return schemas.VisitOut(
        service_unit_id=visit.service_unit_id,
        external_id=visit.external_id or "",
        national_id=subject.national_id if subject else "",
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        service_type=visit.service_type,
        staff_name=visit.staff_name,
        status=visit.status,
        version=visit.version,
        cancel_reason=visit.cancel_reason,
    )


def _idempotent(
    db: Session,
    me: ApiClient,
    key: str | None,
    request: Request,
    body: Any,
    work: Callable[[], tuple[int, Any]],
) -> JSONResponse:
    """Do `work` once per Idempotency-Key: the same request again gets the first answer, not a new change."""
    fingerprint = hashlib.sha256(
        json.dumps([request.method, request.url.path, jsonable_encoder(body)], sort_keys=True).encode()
    ).hexdigest()
    if key is not None:
        stored = db.exec(
            select(IdempotentResponse).where(
                IdempotentResponse.client_id == me.id, IdempotentResponse.key == key
            )
        ).first()
        if stored is not None:
            if stored.request_hash != fingerprint:
                raise ApiError(problem(422, "The Idempotency-Key was used for another request"))
            replay = JSONResponse(json.loads(stored.body), status_code=stored.status_code)
            replay.headers["Idempotent-Replayed"] = "true"
            return replay
    status, answer = work()
    encoded = jsonable_encoder(answer)
    if key is not None:
        db.add(
            IdempotentResponse(
                client_id=me.id or 0,
                key=key,
                request_hash=fingerprint,
                status_code=status,
                body=json.dumps(encoded),
            )
        )
        try:
            db.flush()
        except IntegrityError as error:
            # The same key at the same moment: the other request makes the change; this one changes nothing.
            raise ApiError(
                problem(409, "A request with this Idempotency-Key is being handled", "Try again.")
            ) from error
    return JSONResponse(encoded, status_code=status)


def _add_problem_handlers(api: FastAPI) -> None:
    @api.exception_handler(ApiError)
    async def api_error(_request: Request, error: ApiError) -> JSONResponse:
        return error.response

    @api.exception_handler(municipal.NotFound)
    async def not_found(_request: Request, error: municipal.NotFound) -> JSONResponse:
        return problem(
            404, "Not found", f"No such {error.args[0] if error.args else 'thing'} in your municipality."
        )

    @api.exception_handler(municipal.Conflict)
    async def conflict(_request: Request, error: municipal.Conflict) -> JSONResponse:
        return problem(409, "Not possible now", str(error))

    @api.exception_handler(municipal.Invalid)
    async def invalid(_request: Request, error: municipal.Invalid) -> JSONResponse:
        return problem(422, "The request breaks a rule", errors=error.fields)

    @api.exception_handler(RequestValidationError)
    async def malformed(_request: Request, error: RequestValidationError) -> JSONResponse:
        errors = {
            ".".join(str(part) for part in item.get("loc", ()) if part != "body") or "body": str(
                item.get("msg", "")
            )
            for item in error.errors()
        }
        return problem(422, "The request breaks a rule", errors=errors)

    @api.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed", 400: "Bad request"}
        return problem(error.status_code, titles.get(error.status_code, "Error"))

    @api.exception_handler(Exception)
    async def unexpected(_request: Request, error: Exception) -> JSONResponse:
        log.exception("the API failed unexpectedly")
        return problem(500, "Internal error", "Nothing was changed. Try again later.")


def _add_docs(api: FastAPI) -> None:
    """Interactive docs, with Swagger UI served from the package (nothing loaded from elsewhere)."""
    api.mount("/docs/assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @api.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"{PREFIX}/openapi.json",
            title="Integration API",
            swagger_js_url=f"{PREFIX}/docs/assets/swagger-ui-bundle.js",
            swagger_css_url=f"{PREFIX}/docs/assets/swagger-ui.css",
            swagger_favicon_url=f"{PREFIX}/docs/assets/favicon-32x32.png",
        )
