"""Short paths through the services that many tests need (each in its own transaction)."""

from __future__ import annotations

from datetime import date

from st2desk.db import Database
from st2desk.models import Priority, Request, RequestStatus
from st2desk.services import decisions, requests
from st2desk.services.requests import RequestData
from tests.cast import DIAGNOSIS, Cast

JUSTIFICATION = (
    "Cefalea de tres meses de evolución, progresiva, con vómito matutino y papiledema "
    "bilateral en la exploración; se requiere descartar proceso expansivo intracraneal."
)


def request_data(cast: Cast, **overrides: object) -> RequestData:
    values: dict[str, object] = dict(
        patient_id=cast.patient_id,
        service_id=cast.service_id,
        diagnosis_code=DIAGNOSIS,
        justification=JUSTIFICATION,
        performing_unit_id=cast.performing_unit_id,
        priority=Priority.ORDINARY,
    )
    values.update(overrides)
    return RequestData(**values)  # type: ignore[arg-type]


def draft(db: Database, cast: Cast, **overrides: object) -> int:
    with db.transaction() as s:
        return requests.create_draft(s, cast.physician, request_data(cast, **overrides)).id


def in_review(db: Database, cast: Cast, **overrides: object) -> int:
    request_id = draft(db, cast, **overrides)
    with db.transaction() as s:
        result = requests.submit(s, cast.physician, request_id)
        assert result.submitted, [f.message for f in result.findings]
    return request_id


def rejected(db: Database, cast: Cast, **overrides: object) -> int:
    request_id = in_review(db, cast, **overrides)
    with db.transaction() as s:
        decisions.reject(s, cast.specialist, request_id, "R01",
                         "La exploración descrita no justifica el estudio; complete la valoración.")
    return request_id


def authorized(db: Database, cast: Cast, **overrides: object) -> tuple[int, int]:
    request_id = in_review(db, cast, **overrides)
    with db.transaction() as s:
        auth = decisions.approve(s, cast.specialist, request_id)
        return request_id, auth.id


def emergency(db: Database, cast: Cast, performed_on: date, **overrides: object) -> int:
    with db.transaction() as s:
        return requests.file_emergency(
            s, cast.physician, request_data(cast, performed_on=performed_on, **overrides)).id


def status(db: Database, request_id: int) -> RequestStatus:
    with db.session() as s:
        return s.get(Request, request_id).status  # type: ignore[union-attr]
