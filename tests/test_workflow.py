"""Every transition of DESIGN §1.2 through the services, and the forbidden ones."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from st2desk import audit, clock
from st2desk.errors import (
    ConcurrencyConflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from st2desk.models import (
    Appeal,
    AuditEvent,
    Authorization,
    AuthorizationStatus,
    Decision,
    InformationRequest,
    Request,
    RequestStatus,
)
from st2desk.numbering import parse_number
from st2desk.services import authorizations, decisions, requests
from tests import flows
from tests.persons import as_owner

S = RequestStatus
REASON_TEXT = "No se documentan estudios previos de primer nivel que orienten el diagnóstico."


def audit_actions(db, request_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        uuid = str(s.get(Request, request_id).uuid)
        return list(s.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == uuid)
                              .order_by(AuditEvent.seq)))


def test_draft_gets_a_folio_of_the_physicians_unit(db, cast):
    request_id = flows.draft(db, cast)
    with db.session() as s:
        req = s.get(Request, request_id)
        assert req.status is S.DRAFT
        assert req.requesting_unit_id == cast.requesting_unit_id
        parsed = parse_number(req.folio)
        assert parsed.unit_code == "09UMF20" and not parsed.is_authorization
    assert audit_actions(db, request_id) == ["create"]


def test_full_path_submit_approve_use(db, cast):
    request_id = flows.in_review(db, cast)
    with db.session() as s:
        req = s.get(Request, request_id)
        assert req.submitted_at is not None
        assert req.due_at - req.submitted_at == timedelta(days=7)
    with db.transaction() as s:
        auth = decisions.approve(s, cast.specialist, request_id, scheduling_note="Turno matutino")
        auth_id, number = auth.id, auth.number
    assert parse_number(number).is_authorization
    with db.session() as s:
        auth = s.get(Authorization, auth_id)
        assert auth.status is AuthorizationStatus.VALID
        assert (auth.valid_until - auth.valid_from).days == 30  # IMG-TAC-CRA validity
        assert s.get(Request, request_id).status is S.AUTHORIZED
    with db.transaction() as s:
        authorizations.record_use(s, cast.reception, auth_id)
    assert flows.status(db, request_id) is S.USED
    assert audit_actions(db, request_id) == ["create", "submit", "approve"]


def test_urgent_clock_is_72_hours(db, cast):
    request_id = flows.in_review(db, cast, priority="urgent")
    with db.session() as s:
        req = s.get(Request, request_id)
        assert req.due_at - req.submitted_at == timedelta(hours=72)


def test_blocking_findings_keep_a_draft_and_are_stored(db, cast):
    request_id = flows.draft(db, cast, service_id=cast.basic_service_id)
    with db.transaction() as s:
        result = requests.submit(s, cast.physician, request_id)
    assert not result.submitted
    assert [f.code for f in result.blocking] == ["service.basic_catalog"]
    with db.session() as s:
        req = s.get(Request, request_id)
        assert req.status is S.DRAFT
        assert [f.code for f in req.findings] == ["service.basic_catalog"]


def test_ask_info_pauses_the_clock_and_answer_resumes_it(db, cast):
    start = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    with clock.frozen_at(start):
        request_id = flows.in_review(db, cast)
    with clock.frozen_at(start + timedelta(days=1)), db.transaction() as s:
        decisions.ask_information(s, cast.specialist, request_id,
                                  "¿Tiene tomografía previa o resultados de fondo de ojo?")
    assert flows.status(db, request_id) is S.INFO_REQUESTED
    with clock.frozen_at(start + timedelta(days=4)), db.transaction() as s:
        requests.answer_information(s, cast.physician, request_id,
                                    "Sin tomografía previa; fondo de ojo con papiledema.")
    with db.session() as s:
        req = s.get(Request, request_id)
        assert req.status is S.IN_REVIEW
        assert req.due_at == start + timedelta(days=7) + timedelta(days=3)  # 3 paused days
        info = s.scalar(select(InformationRequest).where(InformationRequest.request_id == request_id))
        assert info.answer.startswith("Sin tomografía")


def test_reject_needs_catalog_reason_and_specific_text(db, cast):
    request_id = flows.in_review(db, cast)
    with pytest.raises(ValidationError, match="motivo de rechazo"), db.transaction() as s:
        decisions.reject(s, cast.specialist, request_id, "X99", REASON_TEXT)
    with pytest.raises(ValidationError, match="demasiado breve"), db.transaction() as s:
        decisions.reject(s, cast.specialist, request_id, "R01", "no")
    assert flows.status(db, request_id) is S.IN_REVIEW
    with db.transaction() as s:
        decisions.reject(s, cast.specialist, request_id, "r01", REASON_TEXT)
    with db.session() as s:
        decision = s.scalar(select(Decision).where(Decision.request_id == request_id))
        assert (decision.reason_code, decision.text) == ("R01", REASON_TEXT)
    assert flows.status(db, request_id) is S.REJECTED


def test_appeal_granted_by_a_different_reviewer_authorizes(db, cast):
    request_id = flows.rejected(db, cast)
    with db.transaction() as s:
        decisions.file_appeal(s, cast.physician, request_id,
                              "El paciente presenta papiledema documentado y deterioro neurológico.")
    assert flows.status(db, request_id) is S.IN_APPEAL
    with db.transaction() as s:
        decisions.decide_appeal(s, cast.appeals, request_id, grant=True,
                                text="Procede: la exploración documentada justifica la tomografía.")
    with db.session() as s:
        req = s.get(Request, request_id)
        assert req.status is S.AUTHORIZED
        assert req.authorization is not None
        appeal = s.scalar(select(Appeal).where(Appeal.request_id == request_id))
        assert appeal.upheld is True and appeal.decided_by_id == cast.appeals.user_id


def test_appeal_denied_is_final(db, cast):
    request_id = flows.rejected(db, cast)
    with db.transaction() as s:
        decisions.file_appeal(s, cast.physician, request_id,
                              "Solicito reconsideración por persistencia de los síntomas referidos.")
    with db.transaction() as s:
        decisions.decide_appeal(s, cast.appeals, request_id, grant=False, reason_code="R01",
                                text="Se confirma: faltan estudios de primer nivel documentados.")
    assert flows.status(db, request_id) is S.REJECTED_FINAL
    with pytest.raises(InvalidTransition, match="Rechazo definitivo"), db.transaction() as s:
        decisions.file_appeal(s, cast.physician, request_id, "Otra vez " * 5)


def test_first_decider_cannot_decide_the_appeal(db, cast):
    request_id = flows.in_review(db, cast)
    with db.transaction() as s:
        decisions.reject(s, cast.chief, request_id, "R01", REASON_TEXT)
    with db.transaction() as s:
        decisions.file_appeal(s, cast.physician, request_id,
                              "El paciente presenta papiledema documentado y deterioro neurológico.")
    with pytest.raises(PermissionDenied, match="primer dictamen"), db.transaction() as s:
        decisions.decide_appeal(s, cast.chief, request_id, grant=True, text="Procede la revisión " * 2)
    assert flows.status(db, request_id) is S.IN_APPEAL


def test_appeal_after_15_days_is_refused(db, cast):
    start = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)
    with clock.frozen_at(start):
        request_id = flows.rejected(db, cast)
    with clock.frozen_at(start + timedelta(days=16)), pytest.raises(InvalidTransition, match="15 días"):
        with db.transaction() as s:
            decisions.file_appeal(s, cast.physician, request_id, "Fundamentos extensos " * 3)
    assert flows.status(db, request_id) is S.REJECTED


def test_revise_copies_into_a_new_linked_draft(db, cast):
    old_id = flows.rejected(db, cast)
    with db.transaction() as s:
        new = requests.revise(s, cast.physician, old_id)
        new_id, new_folio = new.id, new.folio
    with db.session() as s:
        old, new = s.get(Request, old_id), s.get(Request, new_id)
        assert new.status is S.DRAFT and new.revision_of_id == old_id
        assert new_folio != old.folio
        assert (new.service_id, new.justification) == (old.service_id, old.justification)
        assert old.status is S.REJECTED


def test_cancel_before_decision_only(db, cast):
    request_id = flows.in_review(db, cast)
    with db.transaction() as s:
        requests.cancel(s, cast.physician, request_id, "El paciente fue referido a otra unidad")
    assert flows.status(db, request_id) is S.CANCELLED
    request_id, _ = flows.authorized(db, cast, patient_id=cast.patient_female_id)
    with pytest.raises(InvalidTransition, match="Autorizada"), db.transaction() as s:
        requests.cancel(s, cast.physician, request_id, "Ya no se necesita")


def test_emergency_is_authorized_retroactively(db, cast):
    performed = clock.today() - timedelta(days=1)
    request_id = flows.emergency(db, cast, performed)
    assert flows.status(db, request_id) is S.PERFORMED_EMERGENCY
    with db.transaction() as s:
        result = requests.submit(s, cast.physician, request_id)
        assert result.submitted
    with db.transaction() as s:
        auth = decisions.approve(s, cast.specialist, request_id)
        assert auth.retroactive and auth.valid_from == performed


def test_emergency_in_the_future_is_refused(db, cast):
    with pytest.raises(ValidationError, match="futuro"):
        flows.emergency(db, cast, clock.today() + timedelta(days=2))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Request)) == 0


def test_expire_marks_authorizations_past_validity(db, cast):
    start = datetime(2026, 1, 10, 15, 0, tzinfo=UTC)
    with clock.frozen_at(start):
        request_id, auth_id = flows.authorized(db, cast)
    with clock.frozen_at(start + timedelta(days=40)):
        with pytest.raises(InvalidTransition, match="venció"), db.transaction() as s:
            authorizations.record_use(s, cast.reception, auth_id)
        with db.transaction() as s:
            assert authorizations.expire_due(s) == 1
        with db.transaction() as s:
            assert authorizations.expire_due(s) == 0
    assert flows.status(db, request_id) is S.EXPIRED


def test_admin_cancels_an_authorization(db, cast):
    request_id, auth_id = flows.authorized(db, cast)
    with pytest.raises(PermissionDenied), db.transaction() as s:
        authorizations.cancel_authorization(s, cast.reception, auth_id, "Error de captura")
    with db.transaction() as s:
        authorizations.cancel_authorization(s, cast.admin, auth_id, "Error de captura")
    assert flows.status(db, request_id) is S.CANCELLED
    with pytest.raises(InvalidTransition), db.transaction() as s:
        authorizations.record_use(s, cast.reception, auth_id)


def test_a_refused_use_names_the_authorization_not_the_request(db, cast):
    """Issue 13 (7): a second use, or a use of a cancelled or expired authorization, is
    refused by naming the authorization and what happened to it."""
    used_at = datetime(2026, 3, 2, 17, 5, tzinfo=UTC)
    # History built by the owner: the clock is set back, the database server's is not.
    with clock.frozen_at(used_at), as_owner():
        _, used = flows.authorized(db, cast)
        with db.transaction() as s:
            authorizations.record_use(s, cast.reception, used)
    _, cancelled = flows.authorized(db, cast, patient_id=cast.patient_female_id,
                                    service_id=cast.female_service_id)
    with db.transaction() as s:
        authorizations.cancel_authorization(s, cast.admin, cancelled, "Error de captura")
        numbers = {i: s.get(Authorization, i).number for i in (used, cancelled)}
    expected = {used: f"La autorización {numbers[used]} ya se utilizó el 02/03/2026 11:05; "
                      "no se registra otra vez.",
                cancelled: f"La autorización {numbers[cancelled]} fue cancelada; no puede usarse."}
    for auth_id, message in expected.items():
        with pytest.raises(InvalidTransition) as refused, db.transaction() as s:
            authorizations.record_use(s, cast.reception, auth_id)
        assert refused.value.message == message
        assert "solicitud" not in refused.value.message


# --------------------------------------------------------------------------- forbidden


ACTIONS = {
    "edit": lambda s, c, rid: requests.update_draft(s, c.physician, rid, flows.request_data(c)),
    "submit": lambda s, c, rid: requests.submit(s, c.physician, rid),
    "cancel": lambda s, c, rid: requests.cancel(s, c.physician, rid, "Motivo suficiente"),
    "ask_info": lambda s, c, rid: decisions.ask_information(
        s, c.specialist, rid, "¿Cuenta con estudios previos?"),
    "answer_info": lambda s, c, rid: requests.answer_information(s, c.physician, rid, "Respuesta"),
    "approve": lambda s, c, rid: decisions.approve(s, c.specialist, rid),
    "reject": lambda s, c, rid: decisions.reject(s, c.specialist, rid, "R01", REASON_TEXT),
    "appeal": lambda s, c, rid: decisions.file_appeal(s, c.physician, rid, "Fundamentos " * 4),
    "decide_appeal": lambda s, c, rid: decisions.decide_appeal(
        s, c.appeals, rid, grant=True, text="Procede por las razones expuestas."),
    "revise": lambda s, c, rid: requests.revise(s, c.physician, rid),
}
REVIEWERS_ACTIONS = {"ask_info", "approve", "reject", "decide_appeal"}
ALLOWED_FROM = {
    S.DRAFT: {"edit", "submit", "cancel"},
    S.IN_REVIEW: {"cancel", "ask_info", "approve", "reject"},
    S.REJECTED: {"appeal", "revise"},
    S.AUTHORIZED: set(),
}


def _make(db, cast, state: RequestStatus) -> int:  # type: ignore[no-untyped-def]
    if state is S.DRAFT:
        return flows.draft(db, cast)
    if state is S.IN_REVIEW:
        return flows.in_review(db, cast)
    if state is S.REJECTED:
        return flows.rejected(db, cast)
    return flows.authorized(db, cast)[0]


@pytest.mark.parametrize("state", list(ALLOWED_FROM))
def test_actions_not_allowed_from_a_state_change_nothing(db, cast, state):
    request_id = _make(db, cast, state)
    for action, run in ACTIONS.items():
        if action in ALLOWED_FROM[state]:
            continue
        with db.session() as s:
            before = (s.get(Request, request_id).version, s.scalar(select(func.max(AuditEvent.seq))))
        # A draft is not yet the performing unit's: its specialists and appeals head are
        # told it does not exist, as they would be by the database (DESIGN §7.1).
        hidden = state is S.DRAFT and action in REVIEWERS_ACTIONS
        with pytest.raises(NotFound if hidden else InvalidTransition), db.transaction() as s:
            run(s, cast, request_id)
        with db.session() as s:
            after = (s.get(Request, request_id).version, s.scalar(select(func.max(AuditEvent.seq))))
        assert before == after, action


@pytest.mark.parametrize(
    ("actor", "action", "message"),
    [
        ("reception", "approve", "médico dictaminador"),
        ("physician2", "submit", "Solo el médico"),
        ("admin", "reject", "médico dictaminador"),
    ],
)
def test_wrong_role_or_person_is_refused(db, cast, actor, action, message):
    request_id = flows.in_review(db, cast) if action != "submit" else flows.draft(db, cast)
    status_before = flows.status(db, request_id)
    acting = getattr(cast, actor)
    runners = {
        "approve": lambda s: decisions.approve(s, acting, request_id),
        "reject": lambda s: decisions.reject(s, acting, request_id, "R01", REASON_TEXT),
        "submit": lambda s: requests.submit(s, acting, request_id),
    }
    with pytest.raises(PermissionDenied, match=message), db.transaction() as s:
        runners[action](s)
    assert flows.status(db, request_id) is status_before


def test_specialist_never_decides_own_request(db, cast):
    with db.transaction() as s:
        req = requests.create_draft(s, cast.dual, flows.request_data(cast))
        request_id = req.id
    with db.transaction() as s:
        assert requests.submit(s, cast.dual, request_id).submitted
    with pytest.raises(PermissionDenied, match="usted la elaboró"), db.transaction() as s:
        decisions.approve(s, cast.dual, request_id)


def test_specialist_of_another_unit_or_specialty_is_told_the_request_does_not_exist(db, cast):
    # Outside their lane a request is not theirs to read: "not found", no folio named
    # (DESIGN §7.1), the answer PostgreSQL's row security gives too.
    elsewhere = flows.in_review(db, cast, performing_unit_id=cast.other_unit_id)
    here = flows.in_review(db, cast, patient_id=cast.patient_female_id)
    for actor, request_id in ((cast.specialist, elsewhere), (cast.other_specialist, here)):
        with pytest.raises(NotFound) as refused, db.transaction() as s:
            decisions.approve(s, actor, request_id)
        with db.session() as s:
            assert s.get(Request, request_id).folio not in str(refused.value)
        assert flows.status(db, request_id) is S.IN_REVIEW


def test_reception_records_use_only_at_the_performing_unit(db, cast):
    _request_id, auth_id = flows.authorized(db, cast)
    with pytest.raises(PermissionDenied, match="otra unidad"), db.transaction() as s:
        authorizations.record_use(s, cast.reception_elsewhere, auth_id)
    with db.transaction() as s:
        authorizations.record_use(s, cast.reception, auth_id)
    with pytest.raises(InvalidTransition), db.transaction() as s:
        authorizations.record_use(s, cast.reception, auth_id)


def test_missing_request_is_not_found(db, cast):
    with pytest.raises(NotFound), db.transaction() as s:
        decisions.approve(s, cast.specialist, 999_999)


# --------------------------------------------------------------------------- concurrency


def test_stale_version_is_refused_with_reload_message(db, cast):
    request_id = flows.in_review(db, cast)
    with db.session() as s:
        seen_version = s.get(Request, request_id).version
    with db.transaction() as s:
        decisions.ask_information(s, cast.specialist2, request_id, "¿Tiene estudios previos?")
    with pytest.raises(ConcurrencyConflict, match="Recargue"), db.transaction() as s:
        decisions.approve(s, cast.specialist, request_id, expected_version=seen_version)
    assert flows.status(db, request_id) is S.INFO_REQUESTED


def test_two_specialists_approving_at_once_one_wins(db, cast):
    """Two workstations decide the same request at the same moment: exactly one wins."""
    request_id = flows.in_review(db, cast)
    with db.session() as s:
        version = s.get(Request, request_id).version
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def decide(name: str, actor, run) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            with db.transaction() as s:
                run(s, actor)
            outcomes[name] = "ok"
        except (ConcurrencyConflict, InvalidTransition) as exc:
            outcomes[name] = exc

    threads = [
        threading.Thread(target=decide, args=("approve", cast.specialist, lambda s, a: decisions.approve(
            s, a, request_id, expected_version=version))),
        threading.Thread(target=decide, args=("reject", cast.specialist2, lambda s, a: decisions.reject(
            s, a, request_id, "R01", REASON_TEXT, expected_version=version))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(v == "ok" for v in outcomes.values()) == [False, True], outcomes
    loser = next(v for v in outcomes.values() if v != "ok")
    assert "Recargue" in str(loser) or "estado" in str(loser)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Decision)) == 1
        expected = S.AUTHORIZED if outcomes["approve"] == "ok" else S.REJECTED
        assert s.get(Request, request_id).status is expected
        assert audit.verify(s).ok


def test_a_rejected_request_is_revised_once(db, cast):
    old_id = flows.rejected(db, cast)
    with db.transaction() as s:
        first = requests.revise(s, cast.physician, old_id)
        first_id = first.id
    with pytest.raises(InvalidTransition, match="ya tiene una revisión"), db.transaction() as s:
        requests.revise(s, cast.physician, old_id)
    with db.transaction() as s:
        requests.cancel(s, cast.physician, first_id, "Datos equivocados")
    with db.transaction() as s:
        assert requests.revise(s, cast.physician, old_id).revision_of_id == old_id


def test_appeal_is_decided_at_the_performing_unit(db, cast):
    request_id = flows.rejected(db, cast)
    with db.transaction() as s:
        decisions.file_appeal(s, cast.physician, request_id,
                              "El paciente presenta papiledema documentado y deterioro neurológico.")
    with db.transaction() as s:
        from st2desk.models import Role
        from st2desk.services.users import add_user
        from tests.cast import OTHER_UNIT, PASSWORD

        user = add_user(s, None, username="jefe.otro", full_name="Jefe Otro", password=PASSWORD,
                        unit_code=OTHER_UNIT, roles=[Role.APPEALS])
        from st2desk.services.common import Actor

        other_head = Actor.from_user(user)
    with pytest.raises(NotFound), db.transaction() as s:
        decisions.decide_appeal(s, other_head, request_id, grant=True,
                                text="Procede por las razones expuestas en el recurso.")
    assert flows.status(db, request_id) is S.IN_APPEAL
