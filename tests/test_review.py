"""Each automated-review check of DESIGN §1.3, through `submit` as the physician meets it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from st2desk import clock
from st2desk.identifiers import make_curp, make_nss
from st2desk.models import Patient, Request, RequestStatus, Service, Severity, Sex
from st2desk.services import requests
from tests import flows
from tests.persons import as_owner


def submit(db, cast, request_id, actor=None):  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        return requests.submit(s, actor or cast.physician, request_id)


def codes(result, severity: Severity | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for f in result.findings if severity is None or f.severity is severity]


def add_patient(db, **values) -> int:  # type: ignore[no-untyped-def]
    """Insert a patient directly, as legacy or imported data may arrive (bypassing the registry)."""
    base = dict(nss=make_nss(2, 10, 1975, 4321), agregado="1F1975OR",
                curp=make_curp("RAGL", date(1975, 7, 1), Sex.FEMALE, "JC", "MRS"),
                first_name="LAURA", last_name="RAMÍREZ", birth_date=date(1975, 7, 1),
                sex=Sex.FEMALE, eligible_until=date(2099, 1, 1))
    base.update(values)
    with db.transaction() as s:
        patient = Patient(**base)
        s.add(patient)
        s.flush()
        return patient.id


def test_clean_request_has_no_findings(db, cast):
    result = submit(db, cast, flows.draft(db, cast))
    assert result.submitted and result.findings == []


def test_missing_fields_block_and_name_the_field(db, cast):
    with db.transaction() as s:
        request_id = requests.create_draft(s, cast.physician, requests.RequestData()).id
    result = submit(db, cast, request_id)
    assert not result.submitted
    fields = {f.field for f in result.blocking}
    assert {"nss", "service", "diagnosis", "performing_unit", "justification"} <= fields


def test_short_justification_blocks_at_submission(db, cast):
    result = submit(db, cast, flows.draft(db, cast, justification="Cefalea."))
    assert not result.submitted
    assert any("demasiado breve" in f.message for f in result.blocking if f.field == "justification")


def test_overlong_justification_is_refused_when_saved(db, cast):
    from st2desk.errors import ValidationError

    with pytest.raises(ValidationError, match="excede 4000"):
        flows.draft(db, cast, justification="x" * 4001)


def test_justification_with_control_characters_is_refused_when_typed(db, cast):
    from st2desk.errors import ValidationError

    with pytest.raises(ValidationError, match="caracteres de control"):
        flows.draft(db, cast, justification="Dolor\x00 abdominal " * 3)


def test_invalid_nss_blocks(db, cast):
    bad = make_nss(2, 10, 1975, 4321)
    bad = bad[:-1] + str((int(bad[-1]) + 1) % 10)  # wrong Luhn digit
    pid = add_patient(db, nss=bad)
    result = submit(db, cast, flows.draft(db, cast, patient_id=pid, service_id=cast.service_id))
    assert "identity.nss" in codes(result, Severity.BLOCK)
    assert any("dígito verificador del NSS" in f.message for f in result.blocking)


def test_invalid_curp_blocks(db, cast):
    curp = make_curp("RAGL", date(1975, 7, 1), Sex.FEMALE, "JC", "MRS")
    pid = add_patient(db, curp=curp[:-1] + str((int(curp[-1]) + 1) % 10))
    result = submit(db, cast, flows.draft(db, cast, patient_id=pid))
    assert "identity.curp" in codes(result, Severity.BLOCK)


def test_curp_inconsistent_with_birth_date_and_sex_blocks(db, cast):
    curp = make_curp("RAGL", date(1976, 7, 1), Sex.MALE, "JC", "MRS")
    pid = add_patient(db, curp=curp)
    result = submit(db, cast, flows.draft(db, cast, patient_id=pid))
    messages = [f.message for f in result.blocking if f.field == "curp"]
    assert any("fecha de nacimiento de la CURP" in m for m in messages)
    assert any("sexo de la CURP" in m for m in messages)


def test_nss_birth_year_must_match_for_the_titular(db, cast):
    pid = add_patient(db, nss=make_nss(2, 10, 1974, 4321))  # NSS says 74, patient born 1975
    result = submit(db, cast, flows.draft(db, cast, patient_id=pid))
    assert any("año de nacimiento que contiene el NSS" in f.message for f in result.blocking)


def test_nss_birth_year_is_not_checked_for_beneficiaries(db, cast):
    # María is agregado 2 under her husband's NSS (born 1980); she was born in 1983.
    result = submit(db, cast, flows.draft(db, cast, patient_id=cast.patient_female_id))
    assert result.submitted, codes(result)


def test_agregado_inconsistent_blocks(db, cast):
    pid = add_patient(db, agregado="1M1975OR")
    result = submit(db, cast, flows.draft(db, cast, patient_id=pid))
    assert any("sexo del agregado" in f.message for f in result.blocking)


def test_basic_catalog_service_needs_no_st2(db, cast):
    result = submit(db, cast, flows.draft(db, cast, service_id=cast.basic_service_id))
    assert codes(result, Severity.BLOCK) == ["service.basic_catalog"]
    assert "no requiere ST2" in result.blocking[0].message


def test_inactive_service_blocks(db, cast):
    with db.transaction() as s:
        s.get(Service, cast.service_id).active = False
    result = submit(db, cast, flows.draft(db, cast))
    assert "service.inactive" in codes(result, Severity.BLOCK)


def test_service_sex_restriction(db, cast):
    result = submit(db, cast, flows.draft(db, cast, service_id=cast.female_service_id))
    assert "service.sex" in codes(result, Severity.BLOCK)
    ok = submit(db, cast, flows.draft(db, cast, service_id=cast.female_service_id,
                                      patient_id=cast.patient_female_id, diagnosis_code="N63"))
    assert ok.submitted, codes(ok)


def test_service_age_restriction(db, cast):
    # Diagnostic mammography from 30 years: a girl of 8 is refused (sex passes).
    pid = add_patient(db, nss=make_nss(2, 10, 1975, 4321), agregado="3F2018OR",
                      curp=make_curp("RALA", date(2018, 1, 5), Sex.FEMALE, "JC", "MRS"),
                      birth_date=date(2018, 1, 5))
    result = submit(db, cast, flows.draft(db, cast, service_id=cast.female_service_id,
                                          patient_id=pid, diagnosis_code="N63"))
    assert any(f.code == "service.age" and "al menos 30" in f.message for f in result.blocking)


def test_unknown_diagnosis_blocks(db, cast):
    result = submit(db, cast, flows.draft(db, cast, diagnosis_code="Z99.99"))
    assert "diagnosis.unknown" in codes(result, Severity.BLOCK)


def test_diagnosis_accepts_dotted_or_compact_code(db, cast):
    result = submit(db, cast, flows.draft(db, cast, diagnosis_code="g439"))
    assert result.submitted


def test_pending_request_for_same_service_blocks(db, cast):
    first = flows.in_review(db, cast)
    result = submit(db, cast, flows.draft(db, cast))
    assert codes(result, Severity.BLOCK) == ["duplicate.pending"]
    with db.session() as s:
        assert result.blocking[0].related_folio == s.get(Request, first).folio


def test_valid_authorization_for_same_service_blocks(db, cast):
    flows.authorized(db, cast)
    result = submit(db, cast, flows.draft(db, cast))
    assert codes(result, Severity.BLOCK) == ["duplicate.valid"]


def test_same_service_within_repeat_window_warns_with_earlier_folio(db, cast):
    start = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
    # History is built by the owner: the clock is set back, the database server's is not,
    # and it refuses a use recorded on an authorization that expired by its own calendar.
    with clock.frozen_at(start), as_owner():
        request_id, auth_id = flows.authorized(db, cast)
        from st2desk.services.authorizations import record_use

        with db.transaction() as s:
            record_use(s, cast.reception, auth_id)
    # 40 days later: inside the 90-day window of IMG-TAC-CRA
    with clock.frozen_at(start + timedelta(days=40)):
        result = submit(db, cast, flows.draft(db, cast))
    assert result.submitted
    assert codes(result) == ["duplicate.repeat_window"]
    with db.session() as s:
        assert result.findings[0].related_folio == s.get(Request, request_id).folio
    # 120 days later: outside the window, no warning (the 40-day request is cancelled first)
    with db.transaction() as s:
        requests.cancel(s, cast.physician, result.request.id, "Se duplicó por error")
    with clock.frozen_at(start + timedelta(days=120)):
        later = submit(db, cast, flows.draft(db, cast))
    assert later.submitted and later.findings == []


def test_expired_eligibility_warns(db, cast):
    pid = add_patient(db, eligible_until=date(2020, 1, 31))
    result = submit(db, cast, flows.draft(db, cast, patient_id=pid))
    assert result.submitted
    assert codes(result, Severity.WARN) == ["eligibility.expired"]
    assert "31/01/2020" in result.findings[0].message


def test_emergency_filed_after_72_hours_warns(db, cast):
    request_id = flows.emergency(db, cast, clock.today() - timedelta(days=5))
    result = submit(db, cast, request_id)
    assert result.submitted
    assert codes(result, Severity.WARN) == ["emergency.late"]


def test_emergency_within_72_hours_is_clean(db, cast):
    result = submit(db, cast, flows.emergency(db, cast, clock.today() - timedelta(days=2)))
    assert result.submitted and result.findings == []


def test_emergency_performed_date_in_future_blocks_at_submission(db, cast):
    request_id = flows.emergency(db, cast, clock.today())
    with db.transaction() as s:
        s.get(Request, request_id).performed_on = clock.today() + timedelta(days=3)
    result = submit(db, cast, request_id)
    assert codes(result, Severity.BLOCK) == ["emergency.future"]
    assert flows.status(db, request_id) is RequestStatus.PERFORMED_EMERGENCY


def test_same_justification_for_many_patients_warns(db, cast):
    patients = [
        add_patient(db, nss=make_nss(3, 12, 1960 + i, 1000 + i), agregado=f"1F{1960 + i}OR",
                    curp=make_curp("SOTA", date(1960 + i, 4, 2), Sex.FEMALE, "NL", "TRN"),
                    birth_date=date(1960 + i, 4, 2))
        for i in range(4)
    ]
    results = [submit(db, cast, flows.draft(db, cast, patient_id=p)) for p in patients]
    assert [("justification.reused" in codes(r)) for r in results] == [False, False, False, True]
    # Spacing and case do not hide a copy.
    other = add_patient(db, nss=make_nss(3, 12, 1990, 2000), agregado="1F1990OR",
                        curp=make_curp("SOTB", date(1990, 4, 2), Sex.FEMALE, "NL", "TRN"),
                        birth_date=date(1990, 4, 2))
    result = submit(db, cast, flows.draft(db, cast, patient_id=other,
                                          justification="  " + flows.JUSTIFICATION.upper()))
    assert "justification.reused" in codes(result, Severity.WARN)


def test_findings_are_replaced_on_resubmission(db, cast):
    request_id = flows.draft(db, cast, diagnosis_code="Z99.99")
    assert not submit(db, cast, request_id).submitted
    with db.transaction() as s:
        requests.update_draft(s, cast.physician, request_id,
                              requests.RequestData(diagnosis_code="G43.9"))
    assert submit(db, cast, request_id).submitted
    with db.session() as s:
        assert s.scalars(select(Request.id).where(Request.id == request_id)).one()
        assert s.get(Request, request_id).findings == []


def test_two_simultaneous_submissions_of_one_patient_and_service_pass_once(db, cast, monkeypatch):
    """Two physicians submit the same patient and service at the same moment: the duplicate
    check must see the other one (a lock, not read-then-write), on both databases."""
    import threading
    import time

    from st2desk.services import requests as requests_service

    first = flows.draft(db, cast)
    second = flows.draft(db, cast)
    real = requests_service.run_review

    def slow_review(session, req):  # type: ignore[no-untyped-def]
        findings = real(session, req)
        time.sleep(0.5)  # widen the window between the check and the commit
        return findings

    monkeypatch.setattr(requests_service, "run_review", slow_review)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def submit(request_id: int) -> None:
        try:
            start.wait()
            with db.transaction() as s:
                requests_service.submit(s, cast.physician, request_id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(rid,)) for rid in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    statuses = sorted(flows.status(db, rid).value for rid in (first, second))
    assert statuses == ["draft", "in_review"]


def test_same_curp_under_a_second_nss_is_a_finding(db, cast):
    with db.session() as s:
        first = s.get(Patient, cast.patient_id)
        curp, birth, sex = first.curp, first.birth_date, first.sex
        first_nss = first.nss
    earlier = flows.draft(db, cast)
    assert "identity.curp_other_nss" not in codes(submit(db, cast, earlier))  # its own CURP
    with db.session() as s:
        earlier_folio = s.get(Request, earlier).folio
    other = add_patient(db, nss=make_nss(3, 11, birth.year, 777), agregado=f"1{sex.value}{birth.year}OR",
                        curp=curp, birth_date=birth, sex=sex, first_name="OTRO")
    result = submit(db, cast, flows.draft(db, cast, patient_id=other,
                                          service_id=cast.service_id))
    [finding] = [f for f in result.findings if f.code == "identity.curp_other_nss"]
    assert finding.severity is Severity.WARN and finding.field == "curp"
    assert first_nss in finding.message and finding.related_folio == earlier_folio
    # From now on the conflict shows on the first patient's requests too.
    assert "identity.curp_other_nss" in codes(submit(db, cast, flows.draft(
        db, cast, service_id=cast.service_id)))


def test_same_curp_at_a_unit_that_never_saw_the_patient_names_no_nss(db, cast):
    """The specialist is still warned of a CURP registered under another NSS at a unit
    the requesting one never worked with, but the warning names neither that NSS nor a
    folio of it (DESIGN §7.1): on PostgreSQL row security hides the record and the server
    answers only yes or no."""
    with db.session() as s:
        first = s.get(Patient, cast.patient_id)
        curp, birth, sex = first.curp, first.birth_date, first.sex
    elsewhere_nss = make_nss(3, 11, birth.year, 779)
    add_patient(db, nss=elsewhere_nss, agregado=f"1{sex.value}{birth.year}OR", curp=curp,
                birth_date=birth, sex=sex, first_name="AJENO", unit_id=cast.other_unit_id)
    result = submit(db, cast, flows.draft(db, cast))
    [finding] = [f for f in result.findings if f.code == "identity.curp_other_nss"]
    assert finding.severity is Severity.WARN and "en otra unidad" in finding.message
    assert finding.related_folio is None
    assert all(elsewhere_nss not in f.message for f in result.findings)


def test_same_curp_under_two_nss_on_imported_forms_is_a_finding(db, cast, tmp_path):
    from st2desk.services import paper
    from tests.test_paper_import import filled_copy, print_fillable_blanks

    with db.session() as s:
        p = s.get(Patient, cast.patient_id)
        other_nss, birth = make_nss(3, 11, p.birth_date.year, 778), p.birth_date
    blanks = print_fillable_blanks(db, tmp_path, 2)
    one = filled_copy(db, cast, blanks[0], tmp_path / "1.pdf")
    two = filled_copy(db, cast, blanks[1], tmp_path / "2.pdf", nss=other_nss,
                      first_name="Otro", birth_date=f"{birth:%d/%m/%Y}")
    outcomes = paper.import_pdf_files(db, cast.reception_elsewhere, [one, two])
    assert all(o.accepted for o in outcomes), [o.summary() for o in outcomes]
    assert "identity.curp_other_nss" not in [f.code for f in outcomes[0].findings]
    assert "identity.curp_other_nss" in [f.code for f in outcomes[1].findings]
