"""Filled fillable PDFs come back: origin pdf, reserved folio, same review, per-file report."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from st2desk.cli import main
from st2desk.models import Origin, Request, RequestStatus
from st2desk.pdf.st2_form import FormContent, render_fillable
from st2desk.services import paper
from tests.cast import REQUESTING_UNIT
from tests.paper_support import fill_pdf, paper_values


def print_fillable_blanks(db, tmp_path: Path, count: int) -> list[Path]:  # type: ignore[no-untyped-def]
    result = paper.print_blank(db, None, REQUESTING_UNIT, count, tmp_path / "llenables",
                               fillable=True)
    assert [p.name for p in result.files] == [f"{f}.pdf" for f in result.folios]
    return result.files


def filled_copy(db, cast, blank: Path, out: Path, **overrides: str) -> Path:  # type: ignore[no-untyped-def]
    """What the unit sends back: the blank fillable, filled in a PDF reader."""
    folio = blank.stem
    values = paper_values(db, cast, folio, **overrides)
    values.pop("folio")
    values["priority"] = "/" + values["priority"] if values["priority"] else ""
    values["sex"] = "/" + values["sex"]
    out.write_bytes(fill_pdf(blank.read_bytes(), values))
    return out


def test_blank_fillable_comes_back_as_a_normal_request(db, cast, tmp_path):
    [blank] = print_fillable_blanks(db, tmp_path, 1)
    sent_back = filled_copy(db, cast, blank, tmp_path / "llenado.pdf", second_last_name="Gómez")
    [outcome] = paper.import_pdf_files(db, cast.reception_elsewhere, [sent_back])
    assert outcome.accepted and outcome.submitted, outcome.summary()
    with db.session() as s:
        req = s.get(Request, outcome.request_id)
        assert (req.folio, req.origin, req.status) == (blank.stem, Origin.PDF, RequestStatus.IN_REVIEW)
        assert req.physician_id == cast.physician.user_id and req.patient_id == cast.patient_id
        assert req.service.code == "IMG-TAC-CRA"


def test_batch_reports_every_file_and_goes_on(db, cast, tmp_path):
    blanks = print_fillable_blanks(db, tmp_path, 3)
    good = filled_copy(db, cast, blanks[0], tmp_path / "1-bueno.pdf")
    duplicate = tmp_path / "2-repetido.pdf"
    duplicate.write_bytes(good.read_bytes())
    bad_data = filled_copy(db, cast, blanks[1], tmp_path / "3-datos.pdf", nss="12345678901",
                           service="NO-EXISTE", requested_on="")
    unreserved = tmp_path / "4-sin-reservar.pdf"
    unreserved.write_bytes(fill_pdf(render_fillable(FormContent(folio="09UMF20-2026-999999-Z")),
                                    {"nss": "x"}))
    not_pdf = tmp_path / "5-texto.pdf"
    not_pdf.write_text("esto no es un PDF")
    draft = filled_copy(db, cast, blanks[2], tmp_path / "6-borrador.pdf", service="IMG-RX-TOR")
    missing = tmp_path / "7-no-existe.pdf"
    files = [good, duplicate, bad_data, unreserved, not_pdf, draft, missing]
    outcomes = paper.import_pdf_files(db, None, files)
    assert [o.source for o in outcomes] == [f.name for f in files]
    assert [o.accepted for o in outcomes] == [True, False, False, False, False, True, False]
    # The same file twice: said plainly, not as a folio conflict.
    assert "ya se importó" in outcomes[1].summary() and "mismo contenido" in outcomes[1].summary()
    assert {p.field for p in outcomes[2].problems} >= {"nss", "service", "requested_on"}
    assert "no pertenece" in outcomes[3].summary() or "verificador" in outcomes[3].summary()
    assert "no es un PDF" in outcomes[4].summary()
    assert outcomes[5].status is RequestStatus.DRAFT and "BORRADOR" in outcomes[5].summary()
    assert "No existe el PDF" in outcomes[6].summary()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Request).where(
            Request.origin == Origin.PDF)) == 2


def test_importing_a_request_printed_as_fillable_is_refused_as_used(db, cast, tmp_path):
    from tests.flows import in_review

    request_id = in_review(db, cast)
    with db.session() as s:
        folio = s.get(Request, request_id).folio
    target = tmp_path / "solicitud.pdf"
    with db.transaction() as s:
        paper.print_request(s, None, folio, target, fillable=True)
    [outcome] = paper.import_pdf_files(db, None, [target])
    assert not outcome.accepted
    assert [p.field for p in outcome.problems] == ["folio"]
    assert "ya está usado" in outcome.summary()


def test_import_needs_reception_or_admin(db, cast, tmp_path):
    [blank] = print_fillable_blanks(db, tmp_path, 1)
    sent_back = filled_copy(db, cast, blank, tmp_path / "llenado.pdf")
    [outcome] = paper.import_pdf_files(db, cast.physician, [sent_back])
    assert not outcome.accepted and "rol" in outcome.summary()


def test_command_line_import_reports_each_file(db_url, db, cast, tmp_path, capsys, cli_password):
    [blank] = print_fillable_blanks(db, tmp_path, 1)
    good = filled_copy(db, cast, blank, tmp_path / "bueno.pdf")
    junk = tmp_path / "basura.pdf"
    junk.write_bytes(b"%PDF-1.4 nada")
    code = main(["--database", db_url, "import", "pdf", str(good), str(junk),
                 "--user", "recepcion.umf"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"bueno.pdf: folio {blank.stem} registrado y enviado a dictamen" in out
    assert "basura.pdf: RECHAZADO" in out
    assert "Importados 1 de 2 archivos" in out


@pytest.mark.parametrize("args", [["--user", "nadie"], ["--user", "medico1"]])
def test_command_line_import_checks_the_user(db_url, db, cast, tmp_path, capsys, args,
                                             cli_password):
    [blank] = print_fillable_blanks(db, tmp_path, 1)
    good = filled_copy(db, cast, blank, tmp_path / "bueno.pdf")
    code = main(["--database", db_url, "import", "pdf", str(good), *args])
    captured = capsys.readouterr()
    assert code != 0
    assert "contraseña incorrectos" in captured.err or "RECHAZADO" in captured.out


def test_a_database_error_on_one_file_does_not_stop_the_batch(db, cast, tmp_path, monkeypatch):
    """Another workstation registers a folio between the check and the insert (an
    IntegrityError), or the database fails on one file: that file says so, nothing of it
    is written, the batch goes on and progress counts every file."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    blanks = print_fillable_blanks(db, tmp_path, 3)
    files = [filled_copy(db, cast, blank, tmp_path / f"{i}.pdf", patient_id=patient)
             for i, (blank, patient) in enumerate(zip(
                 blanks, (cast.patient_id, cast.patient_female_id, cast.patient_child_id),
                 strict=True))]
    real = paper.import_fillable
    failures = {"0.pdf": IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed")),
                "1.pdf": OperationalError("INSERT", {}, Exception("disk I/O error"))}

    def flaky(session, actor, data, source="PDF"):  # type: ignore[no-untyped-def]
        outcome = real(session, actor, data, source)  # writes, then fails before commit
        if source in failures:
            raise failures[source]
        return outcome

    monkeypatch.setattr(paper, "import_fillable", flaky)
    seen: list[tuple[int, int]] = []
    outcomes = paper.import_pdf_files(db, None, files, progress=lambda d, t: seen.append((d, t)))
    assert [o.accepted for o in outcomes] == [False, False, True]
    assert "Otra estación registró este folio" in outcomes[0].summary()
    assert "No se pudo leer o escribir el archivo de la base de datos" in outcomes[1].summary()
    assert seen == [(1, 3), (2, 3), (3, 3)]
    with db.session() as s:
        assert s.scalars(select(Request.folio).where(Request.origin == Origin.PDF)).all() == [
            blanks[2].stem]


def test_a_rejected_file_lists_one_problem_a_line():
    from st2desk.services.paper import PaperOutcome, PaperProblem

    outcome = PaperOutcome("x.pdf", problems=[PaperProblem("nss", "El NSS no es válido."),
                                              PaperProblem("service", "Falta el estudio.")])
    assert outcome.summary() == ("x.pdf: RECHAZADO — 2 problemas:\n    · NSS: El NSS no es válido."
                                 "\n    · Estudio o procedimiento: Falta el estudio.")
    assert ".;" not in outcome.summary()


def test_a_form_printed_to_pdf_or_flattened_says_so_in_plain_words():
    from st2desk.pdf.fillable_reader import NotAForm, read_fillable
    from st2desk.pdf.st2_form import render_form_bytes

    printed = render_form_bytes(FormContent(folio="09UMF20-2026-000101-0", unit_code="09UMF20"))
    with pytest.raises(NotAForm) as refused:
        read_fillable(printed)
    assert "se imprimió a PDF o se «aplanó»" in refused.value.message
    assert "Captura de papel" in refused.value.message


def test_the_fillable_copy_of_a_paper_draft_corrected_at_the_unit_replaces_the_draft(db, cast,
                                                                                     tmp_path):
    [blank] = print_fillable_blanks(db, tmp_path, 1)
    first = filled_copy(db, cast, blank, tmp_path / "1.pdf", service="IMG-RX-TOR")  # basic catalog
    [draft] = paper.import_pdf_files(db, cast.reception_elsewhere, [first])
    assert draft.status is RequestStatus.DRAFT
    # The unit prints the draft's fillable copy, corrects the service and sends it back.
    copy = tmp_path / "borrador.pdf"
    with db.transaction() as s:
        paper.print_request(s, cast.reception_elsewhere, draft.folio, copy, fillable=True)
    corrected = tmp_path / "2.pdf"
    corrected.write_bytes(fill_pdf(copy.read_bytes(), {"service": "IMG-TAC-CRA"}))
    [outcome] = paper.import_pdf_files(db, cast.reception_elsewhere, [corrected])
    assert outcome.accepted and outcome.submitted, outcome.summary()
    assert outcome.request_id == draft.request_id and outcome.folio == draft.folio
    assert any("reemplazó el borrador" in note for note in outcome.notes)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Request)
                        .where(Request.folio == draft.folio)) == 1
        assert s.get(Request, draft.request_id).service.code == "IMG-TAC-CRA"
    # A request past its draft is never replaced.
    [again] = paper.import_pdf_files(db, cast.reception_elsewhere, [corrected])
    assert not again.accepted and "ya se importó" in again.summary()
