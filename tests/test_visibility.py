"""Reads are scoped by role and unit everywhere (DESIGN §7.1), not only in the inbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from st2desk.errors import NotFound, ValidationError
from st2desk.models import Authorization, Patient, Request, Role
from st2desk.services import reception
from tests import flows
from tests.cast import OTHER_UNIT
from tests.test_inbox_queries import make_user


def test_reception_finds_only_its_units_authorizations(db, cast):
    request_id, auth_id = flows.authorized(db, cast)
    stranger = make_user(db, "recepcion.27", OTHER_UNIT, [Role.RECEPTION])
    with db.session() as s:
        number = s.get(Authorization, auth_id).number
        folio = s.get(Request, request_id).folio
        nss = s.scalar(select(Patient.nss).where(Patient.id == cast.patient_id))
        for entry in (number, folio, nss):
            # The units that work the request find it…
            for desk in (cast.reception, cast.reception_elsewhere):
                assert [c.id for c in reception.find(s, desk, entry).cards] == [auth_id]
            # …another unit's reception learns nothing about it.
            with pytest.raises(NotFound, match="su unidad") as refused:
                reception.find(s, stranger, entry)
            assert "Autorizada" not in refused.value.message
        with pytest.raises(NotFound):
            reception.card(s, stranger, auth_id)
        assert reception.card(s, cast.reception, auth_id).id == auth_id


def test_patient_lookup_shows_only_patients_this_unit_may_see(db, cast):
    """A physician of another unit typing an NSS learns nothing about its patients; giving the
    same identity refers to the patient without reading or changing the record, and a
    different identity under that NSS is refused."""
    from st2desk.services import lookup, patients

    stranger = make_user(db, "medico.27", OTHER_UNIT, [Role.PHYSICIAN])
    with db.session() as s:
        patient = s.get(Patient, cast.patient_id)
        nss = patient.nss
        same = patients.PatientData(nss=patient.nss, agregado=patient.agregado, curp=patient.curp,
                                    first_name=patient.first_name, last_name=patient.last_name,
                                    second_last_name=patient.second_last_name,
                                    birth_date=patient.birth_date, sex=patient.sex)
        assert [p.id for p in lookup.patients_by_nss(s, cast.physician, nss)] != []
        assert lookup.patients_by_nss(s, stranger, nss) == []
    with db.transaction() as s:
        assert patients.register_patient(s, stranger, same).id == cast.patient_id
    other = patients.PatientData(**{**same.__dict__, "first_name": "OTRO"})
    with pytest.raises(ValidationError, match="ya están registrados en otra unidad"), \
            db.transaction() as s:
        patients.register_patient(s, stranger, other)
    with db.session() as s:
        assert s.get(Patient, cast.patient_id).first_name == same.first_name


def test_printing_a_request_or_a_slip_is_scoped_like_reading_it(db, cast, tmp_path_factory):
    """`print request` and `print slip` must not hand another unit's patient data to
    anyone who can type a folio or a number."""
    from st2desk.services import paper, slips

    tmp_path = tmp_path_factory.mktemp("impresiones")
    request_id, auth_id = flows.authorized(db, cast)
    stranger_desk = make_user(db, "recepcion.27", OTHER_UNIT, [Role.RECEPTION])
    stranger_doctor = make_user(db, "medico.27", OTHER_UNIT, [Role.PHYSICIAN])
    with db.session() as s:
        folio = s.get(Request, request_id).folio
        number = s.get(Authorization, auth_id).number
    for outsider in (stranger_desk, stranger_doctor):
        with pytest.raises(NotFound, match="en su unidad"), db.transaction() as s:
            paper.print_request(s, outsider, folio, tmp_path / "solicitud.pdf")
    with pytest.raises(NotFound, match="en su unidad"), db.transaction() as s:
        slips.print_slip(s, stranger_desk, number, tmp_path / "comprobante.pdf")
    with pytest.raises(NotFound, match="en su unidad"), db.session() as s:
        slips.slip_pdf(s, stranger_desk, number)
    assert list(tmp_path.iterdir()) == []
    with db.transaction() as s:  # the units that work the request print it
        assert paper.print_request(s, cast.reception, folio, tmp_path / "solicitud.pdf") >= 1
        slips.print_slip(s, cast.reception, number, tmp_path / "comprobante.pdf")


def test_paper_capture_elsewhere_refers_to_a_patient_without_reading_the_record(db, cast):
    """Reception of a unit that never saw the patient captures a paper form with that
    patient's NSS: a different name is refused without showing the registered one, and the
    same identity files the request for that patient without a second record."""
    from sqlalchemy import func

    from st2desk.forms.paper import PaperForm
    from st2desk.services import folios, paper
    from tests.paper_support import paper_values

    desk = make_user(db, "recepcion.27", OTHER_UNIT, [Role.RECEPTION])
    make_user(db, "medico.27", OTHER_UNIT, [Role.PHYSICIAN])
    with db.transaction() as s:
        first, second = folios.reserve_block(s, cast.admin, OTHER_UNIT, 2).folios()

    def form(folio: str, **overrides: str) -> PaperForm:
        values = paper_values(db, cast, folio, physician="medico.27",
                              physician_name="Medico 27", **overrides)
        return PaperForm(**{k: v for k, v in values.items() if k != "emergency"})

    def counts() -> tuple[int, int]:
        with db.session() as s:
            return (s.scalar(select(func.count()).select_from(Request)),
                    s.scalar(select(func.count()).select_from(Patient)))

    with db.session() as s:
        record = s.get(Patient, cast.patient_id)
        kept = (record.first_name, record.last_name, record.second_last_name, record.birth_date)
    before = counts()
    for wrong in (dict(first_name="Juana"), dict(second_last_name="Otro")):
        with pytest.raises(paper.PaperRejected) as refused, db.transaction() as s:
            paper.capture_paper(s, desk, form(first, **wrong))
        [problem] = refused.value.problems
        assert problem.field == "nss"
        assert "registrados en otra unidad con otros datos" in problem.message
        for secret in (*kept[:3], f"{kept[3]:%d/%m/%Y}"):
            assert secret.upper() not in problem.message.upper()
        assert counts() == before
    with db.transaction() as s:
        outcome = paper.capture_paper(s, desk, form(second))
    assert outcome.accepted, outcome.summary()
    with db.session() as s:
        assert s.get(Request, outcome.request_id).patient_id == cast.patient_id
        record = s.get(Patient, cast.patient_id)
        assert (record.first_name, record.last_name, record.second_last_name,
                record.birth_date) == kept
    assert counts() == (before[0] + 1, before[1])
