"""Every use case against every role: only the roles of DESIGN §1.1 get through (services layer)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from st2desk import clock
from st2desk.errors import PermissionDenied
from st2desk.models import Role, Sex
from st2desk.services import authorizations, decisions, patients, requests, users
from tests import flows

ROLES = {
    Role.PHYSICIAN: "physician",
    Role.SPECIALIST: "specialist",
    Role.APPEALS: "appeals",
    Role.RECEPTION: "reception",
    Role.ADMIN: "admin",
}
TEXT = "Texto suficientemente largo y específico para la acción solicitada."


def _appealed(db, cast) -> int:  # type: ignore[no-untyped-def]
    request_id = flows.rejected(db, cast)
    with db.transaction() as s:
        decisions.file_appeal(s, cast.physician, request_id, TEXT)
    return request_id


def _info_requested(db, cast) -> int:  # type: ignore[no-untyped-def]
    request_id = flows.in_review(db, cast)
    with db.transaction() as s:
        decisions.ask_information(s, cast.specialist, request_id, "¿Tiene estudios previos?")
    return request_id


# action -> (roles allowed, set-up returning an id, the call)
CASES = {
    "create_draft": ({Role.PHYSICIAN}, lambda db, c: 0,
                     lambda s, a, c, i: requests.create_draft(s, a, flows.request_data(c))),
    "file_emergency": ({Role.PHYSICIAN}, lambda db, c: 0, lambda s, a, c, i: requests.file_emergency(
        s, a, flows.request_data(c, performed_on=clock.today() - timedelta(days=1)))),
    "update_draft": ({Role.PHYSICIAN}, flows.draft,
                     lambda s, a, c, i: requests.update_draft(s, a, i, requests.RequestData())),
    "submit": ({Role.PHYSICIAN}, flows.draft, lambda s, a, c, i: requests.submit(s, a, i)),
    "cancel": ({Role.PHYSICIAN}, flows.draft, lambda s, a, c, i: requests.cancel(s, a, i, TEXT)),
    "answer_information": ({Role.PHYSICIAN}, _info_requested,
                           lambda s, a, c, i: requests.answer_information(s, a, i, TEXT)),
    "revise": ({Role.PHYSICIAN}, flows.rejected, lambda s, a, c, i: requests.revise(s, a, i)),
    "file_appeal": ({Role.PHYSICIAN}, flows.rejected,
                    lambda s, a, c, i: decisions.file_appeal(s, a, i, TEXT)),
    "ask_information": ({Role.SPECIALIST}, flows.in_review,
                        lambda s, a, c, i: decisions.ask_information(s, a, i, TEXT)),
    "approve": ({Role.SPECIALIST}, flows.in_review, lambda s, a, c, i: decisions.approve(s, a, i)),
    "reject": ({Role.SPECIALIST}, flows.in_review,
               lambda s, a, c, i: decisions.reject(s, a, i, "R01", TEXT)),
    "decide_appeal": ({Role.APPEALS}, _appealed,
                      lambda s, a, c, i: decisions.decide_appeal(s, a, i, grant=True, text=TEXT)),
    "record_use": ({Role.RECEPTION}, lambda db, c: flows.authorized(db, c)[1],
                   lambda s, a, c, i: authorizations.record_use(s, a, i)),
    "cancel_authorization": ({Role.ADMIN}, lambda db, c: flows.authorized(db, c)[1],
                             lambda s, a, c, i: authorizations.cancel_authorization(s, a, i, TEXT)),
    "expire_due": ({Role.ADMIN}, lambda db, c: 0, lambda s, a, c, i: authorizations.expire_due(s, a)),
    "add_user": ({Role.ADMIN}, lambda db, c: 0, lambda s, a, c, i: users.add_user(
        s, a, username="nuevo.usuario", full_name="Nuevo", password="clave-larga-1",
        unit_code="09UMF20", roles=[Role.RECEPTION])),
    "register_patient": ({Role.PHYSICIAN, Role.RECEPTION, Role.ADMIN}, lambda db, c: 0,
                         lambda s, a, c, i: patients.register_patient(s, a, _patient())),
}


def _patient() -> patients.PatientData:
    from st2desk.identifiers import make_curp, make_nss

    return patients.PatientData(
        nss=make_nss(4, 15, 1990, 77), agregado="1F1990OR", first_name="Ana", last_name="Soto",
        birth_date=date(1990, 1, 2), sex=Sex.FEMALE,
        curp=make_curp("SOXA", date(1990, 1, 2), Sex.FEMALE, "DF", "TNN"))


@pytest.mark.parametrize("action", list(CASES))
@pytest.mark.parametrize("role", list(ROLES))
def test_role_matrix(db, cast, action, role):
    allowed, setup, call = CASES[action]
    target = setup(db, cast)
    actor = getattr(cast, ROLES[role])
    if role in allowed:
        with db.transaction() as s:
            call(s, actor, cast, target)
    else:
        with pytest.raises(PermissionDenied), db.transaction() as s:
            call(s, actor, cast, target)
