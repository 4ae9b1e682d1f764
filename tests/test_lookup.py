"""Read-only queries behind the physician's windows (services.lookup)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from st2desk import clock
from st2desk.errors import PermissionDenied, ValidationError
from st2desk.models import Patient, Request, RequestStatus, Unit, UnitKind
from st2desk.services import decisions, lookup
from st2desk.services.lookup import ClockKind, RequestGroup
from tests import flows
from tests.cast import BASIC_SERVICE, SERVICE


def test_services_by_words_ignore_accents_and_tell_whether_st2_is_needed(db, cast):
    with db.session() as s:
        found = lookup.search_services(s, "tomografia craneo")
        torax = lookup.search_services(s, "TORAX")
    assert [o.code for o in found] == [SERVICE]
    assert found[0].needs_st2 and found[0].specialty
    by_code = {o.code: o for o in torax}
    assert not by_code[BASIC_SERVICE].needs_st2  # shown, flagged as basic catalog
    assert by_code["IMG-TAC-TOR"].needs_st2
    # Those needing an ST2 come before the basic catalog ones.
    assert [o.needs_st2 for o in torax] == sorted((o.needs_st2 for o in torax), reverse=True)


def test_services_by_code_prefix_and_exact_code(db, cast):
    with db.session() as s:
        found = lookup.search_services(s, "img-tac")
        exact = lookup.service_by_code(s, " img-tac-cra ")
        none = lookup.service_by_code(s, "IMG-NO-EXISTE")
        browse = lookup.search_services(s, "", limit=5)
    assert [o.code for o in found] == ["IMG-TAC-ABD", "IMG-TAC-CRA", "IMG-TAC-TOR"]
    assert exact is not None and exact.id == cast.service_id
    assert none is None
    assert len(browse) == 5 and all(o.needs_st2 for o in browse)


def test_diagnoses_by_code_with_or_without_dot_and_by_words(db, cast):
    with db.session() as s:
        by_code = lookup.search_diagnoses(s, "k80.2")
        prefix = lookup.search_diagnoses(s, "K80")
        words = lookup.search_diagnoses(s, "migrana aura")
        exact = lookup.get_diagnosis(s, "g439")
        unknown = lookup.get_diagnosis(s, "Z99.99")
    assert [d.dotted for d in by_code] == ["K80.2"]
    assert len(prefix) > 1 and all(d.code.startswith("K80") for d in prefix)
    assert {d.dotted for d in words} == {"G43.0", "G43.1"}
    assert exact is not None and exact.dotted == "G43.9" and "igraña" in exact.description
    assert unknown is None


def test_like_wildcards_typed_by_the_user_match_literally(db, cast):
    with db.session() as s:
        assert lookup.search_services(s, "%") == []
        assert lookup.search_diagnoses(s, "_") == []


def test_performing_units_are_hospitals_of_my_delegation_first(db, cast):
    with db.session() as s:
        units = lookup.list_performing_units(s, cast.physician)
        with_umf = lookup.list_performing_units(s, cast.physician, include_id=cast.requesting_unit_id)
        hospitals = s.scalar(select(Unit).where(Unit.id == cast.performing_unit_id))
    assert all(u.level >= 2 and u.kind is not UnitKind.UMF for u in units)
    assert hospitals.id in {u.id for u in units}
    mine = [u.in_my_delegation for u in units]
    assert mine == sorted(mine, reverse=True) and mine[0] and not mine[-1]
    assert cast.requesting_unit_id not in {u.id for u in units}
    assert cast.requesting_unit_id in {u.id for u in with_umf}


def test_last_performing_unit_is_the_latest_one_used(db, cast):
    with db.session() as s:
        assert lookup.last_performing_unit(s, cast.physician) is None
    flows.draft(db, cast, performing_unit_id=cast.performing_unit_id)
    flows.draft(db, cast, performing_unit_id=cast.other_unit_id)
    with db.session() as s:
        assert lookup.last_performing_unit(s, cast.physician) == cast.other_unit_id
        assert lookup.last_performing_unit(s, cast.physician2) is None


def test_patients_by_nss_for_physicians_with_reasons(db, cast):
    with db.session() as s:
        nss = s.get(Patient, cast.patient_id).nss
        found = lookup.patients_by_nss(s, cast.physician, f"{nss[:4]} {nss[4:]}")
        assert [p.agregado for p in found] == ["1M1980OR", "2F1983OR", "3M2018OR"]
        assert found[1].full_name == "MARÍA LÓPEZ MUÑOZ"
        with pytest.raises(ValidationError, match="dígito verificador"):
            lookup.patients_by_nss(s, cast.physician, nss[:10] + str((int(nss[10]) + 1) % 10))
        with pytest.raises(PermissionDenied):
            lookup.patients_by_nss(s, cast.reception, nss)


def test_my_requests_are_only_mine_newest_first_in_keyset_pages(db, cast):
    mine = [flows.draft(db, cast) for _ in range(5)]
    with db.transaction() as s:
        from st2desk.services import requests

        requests.create_draft(s, cast.physician2, flows.request_data(cast))
    pages, before = [], None
    with db.session() as s:
        while True:
            page = lookup.list_my_requests(s, cast.physician, before_id=before, limit=2)
            if not page:
                break
            pages.append([r.id for r in page])
            before = page[-1].id
    assert pages == [mine[4:2:-1], mine[2:0:-1], mine[0:1]]
    with db.session() as s:
        with pytest.raises(PermissionDenied):
            lookup.list_my_requests(s, cast.specialist)


def test_my_requests_by_group_and_search(db, cast):
    draft = flows.draft(db, cast, patient_id=cast.patient_female_id,
                        service_id=cast.female_service_id)
    review = flows.in_review(db, cast)
    rejected = flows.rejected(db, cast, service_id=cast.female_service_id,
                              patient_id=cast.patient_female_id)
    with db.session() as s:
        def ids(**kw):  # type: ignore[no-untyped-def]
            return [r.id for r in lookup.list_my_requests(s, cast.physician, **kw)]

        assert ids(group=RequestGroup.ATTENTION) == [rejected, draft]
        assert ids(group=RequestGroup.IN_PROGRESS) == [review]
        assert ids(group=RequestGroup.CLOSED) == []
        assert ids(search="maria lopez") == [rejected, draft]
        assert ids(search="lopez mastografia", group=RequestGroup.ATTENTION) == [rejected, draft]
        folio = s.get(Request, review).folio
        assert ids(search=folio[-8:].lower()) == [review]
        assert ids(search="tomografia", before_id=review) == []
        counts = lookup.count_my_requests(s, cast.physician)
        row = lookup.list_my_requests(s, cast.physician, search=folio)[0]
    assert counts[RequestGroup.ALL] == 3 and counts[RequestGroup.ATTENTION] == 2
    assert counts[RequestGroup.IN_PROGRESS] == 1 and counts[RequestGroup.AUTHORIZED] == 0
    assert row.status_label == "En revisión" and row.patient_name == "JUAN PÉREZ GÓMEZ"
    assert row.clock().kind is ClockKind.ON_TIME


def test_detail_shows_decisions_questions_and_allowed_actions(db, cast):
    rejected = flows.rejected(db, cast)
    asked = flows.in_review(db, cast, service_id=cast.female_service_id,
                            patient_id=cast.patient_female_id)
    with db.transaction() as s:
        decisions.ask_information(s, cast.specialist, asked, "¿Cuenta con mastografía previa?")
    with db.session() as s:
        detail = lookup.get_my_request(s, cast.physician, rejected)
        waiting = lookup.get_my_request(s, cast.physician, asked)
        with pytest.raises(PermissionDenied):
            lookup.get_my_request(s, cast.physician2, rejected)
    assert detail.status is RequestStatus.REJECTED
    assert detail.actions == frozenset({"appeal", "revise"})
    assert detail.decisions[0].reason_code == "R01"
    assert detail.decisions[0].reason == "Justificación clínica insuficiente"
    assert detail.decisions[0].decided_by == "Dictaminador1"
    assert detail.appeal_deadline == detail.rejected_at + timedelta(days=15)
    assert waiting.actions == frozenset({"answer_info", "attach", "cancel"})
    assert waiting.pending_question is not None
    assert waiting.pending_question.question == "¿Cuenta con mastografía previa?"
    assert waiting.clock().kind is ClockKind.PAUSED
    assert waiting.diagnosis is not None and waiting.diagnosis.dotted == "G43.9"


def test_appeal_is_no_longer_offered_after_15_days(db, cast):
    rejected = flows.rejected(db, cast)
    with clock.frozen_at(clock.now() + timedelta(days=16)), db.session() as s:
        detail = lookup.get_my_request(s, cast.physician, rejected)
    assert detail.actions == frozenset({"revise"})


def test_clock_states(db, cast):
    now = clock.now()
    due = now + timedelta(hours=5)
    assert lookup.clock_state(RequestStatus.IN_REVIEW, due, None, now).kind is ClockKind.ON_TIME
    late = lookup.clock_state(RequestStatus.IN_REVIEW, now - timedelta(hours=2), None, now)
    assert late.kind is ClockKind.OVERDUE and late.remaining == -timedelta(hours=2)
    paused = lookup.clock_state(RequestStatus.INFO_REQUESTED, due, now - timedelta(hours=1), now)
    assert paused.kind is ClockKind.PAUSED and paused.remaining == timedelta(hours=6)
    assert lookup.clock_state(RequestStatus.AUTHORIZED, due, None, now).kind is ClockKind.NONE
    assert lookup.clock_state(RequestStatus.DRAFT, None, None, now).kind is ClockKind.NONE
