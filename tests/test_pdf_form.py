"""The paper ST2 read back with pypdf, poppler and zxing-cpp (tools st2desk did not write)."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from st2desk import numbering
from st2desk.forms import paper as P
from st2desk.pdf import st2_form
from st2desk.pdf.fillable_reader import NotAForm, read_fillable
from st2desk.pdf.st2_form import (
    CONTINUES,
    DecisionContent,
    FormContent,
    PrintCancelled,
    iter_blank,
    render_fillable,
    render_form_bytes,
    render_forms,
)
from st2desk.pdf.text import fit, wrap
from tests.paper_support import fill_pdf, needs_pdftoppm, page_texts, qr_texts, render_pages

FOLIOS = [numbering.format_folio("09UMF20", 2026, s) for s in (101, 102, 103)]
WORDS = ("cefalea holocraneana de tres meses de evolución, progresiva, sin respuesta a "
         "analgésicos; vómito matutino y papiledema bilateral; antecedente de migraña en la niñez")


def long_justification(n: int) -> str:
    # Numbered sentences, so order and completeness can be checked after extraction.
    return " ".join(f"[{i:03d}] Paciente con {WORDS}." for i in range(n))


def filled(**overrides: object) -> FormContent:
    values: dict[str, object] = dict(
        folio=FOLIOS[0], unit_code="09UMF20", unit_name="UMF No. 20 Coyoacán",
        last_name="MUÑOZ", second_last_name="ÑANDÚ", first_name="JOSÉ MARÍA",
        nss="01058012345", agregado="1M1980OR", curp="PEGJ800517HDFRRN09",
        birth_date=date(1980, 5, 17), sex="M", service_code="IMG-TAC-CRA",
        service_name="Tomografía computada de cráneo simple y contrastada",
        diagnosis_code="G43.9", diagnosis_description="Migraña, no especificada",
        performing_unit_code="09HGZ24", performing_unit_name="HGZ No. 24 Insurgentes",
        priority="urgent", requested_on=date(2026, 11, 20), justification=long_justification(3),
        physician_name="Dra. Ana Ruiz Peña", physician_ref="dra.ruiz",
        decision=DecisionContent("approve", date(2026, 11, 21), "A09HGZ24-2026-000001-Q",
                                 date(2027, 2, 19), "", "Procede.", "Dr. Luis Téllez", "1234567"))
    values.update(overrides)
    return FormContent(**values)  # type: ignore[arg-type]


def test_blank_batch_one_page_per_folio_with_text_and_metadata():
    out = BytesIO()
    pages = render_forms(iter_blank(FOLIOS, "09UMF20", "UMF No. 20 Coyoacán"), out, total=3)
    reader = PdfReader(BytesIO(out.getvalue()))
    assert pages == len(reader.pages) == 3
    assert reader.metadata.subject == P.FORM_ID
    for folio, page in zip(FOLIOS, reader.pages, strict=True):
        text = page.extract_text()
        assert folio in text
        assert "Hoja 1 de 1" in text
        assert "FORMATO ST2" in text and "UMF No. 20 Coyoacán" in text
        for label in ("Primer apellido", "CURP", "Justificación".upper(), "Firma del médico solicitante",
                      "Delegación (OOAD)", "Matrícula", "Cédula profesional",
                      "FOLIO ÚNICO — no fotocopie este formato",
                      "RECEPCIÓN DEL FORMATO", "Fecha de recepción", "Hora (hh:mm)",
                      "Hojas anexas (número)", "Sello de recepción"):
            assert label in text, label
        # The dictamen is given in st2desk: a blank form has no place to handwrite one.
        assert "DICTAMEN" not in text and "Autorizado" not in text and "no lo copie" not in text


@needs_pdftoppm
def test_blank_forms_qr_codes_decode_to_their_folios(tmp_path):
    out = BytesIO()
    render_forms(iter_blank(FOLIOS, "09UMF20", "UMF No. 20"), out, total=3)
    pngs = render_pages(out.getvalue(), tmp_path, dpi=150)
    assert [qr_texts(png) for png in pngs] == [[f] for f in FOLIOS]


def test_accents_and_enye_come_back_from_text_extraction():
    text = page_texts(render_form_bytes(filled()))[0]
    for word in ("MUÑOZ", "ÑANDÚ", "JOSÉ MARÍA", "Tomografía computada de cráneo", "Coyoacán",
                 "Dra. Ana Ruiz Peña", "Migraña", "Dr. Luis Téllez", "evolución"):
        assert word in text, word
    assert "A09HGZ24-2026-000001-Q" in text


def test_long_justification_continues_on_further_pages_in_order_and_complete():
    content = filled(justification=long_justification(60))  # about 10,000 characters
    data = render_form_bytes(content)
    texts = page_texts(data)
    assert len(texts) >= 2
    assert CONTINUES in texts[0]
    assert f"Hoja 2 de {len(texts)}" in texts[1]
    # A continuation sheet that comes loose still says whose it is.
    assert all("Paciente: MUÑOZ ÑANDÚ JOSÉ MARÍA · NSS 01058012345 1M1980OR" in t for t in texts[1:])
    assert all(FOLIOS[0] in t for t in texts)
    numbers = [int(n) for t in texts for n in re.findall(r"\[(\d{3})\]", t)]
    assert numbers == list(range(60))  # every sentence once, in order, nothing cut off
    joined = " ".join(" ".join(t.split()) for t in texts)
    assert " ".join(f"Paciente con {WORDS}.".split()) in joined


def test_justification_text_stays_inside_its_box():
    """Every glyph run of the justification is drawn within the box on each page."""
    content = filled(justification=long_justification(40))
    reader = PdfReader(BytesIO(render_form_bytes(content)))
    boxes = [st2_form.JUST_BOX, *([st2_form.LAYOUT.cont_box] * (len(reader.pages) - 1))]
    for page, box in zip(reader.pages, boxes, strict=True):
        runs: list[tuple[float, float, str]] = []

        def visit(text, cm, tm, font, size, runs=runs):  # type: ignore[no-untyped-def]
            if ("[" in text or "Paciente" in text) and "Paciente:" not in text:
                runs.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text))

        page.extract_text(visitor_text=visit)
        assert runs
        for x, y, text in runs:
            assert box.x <= x <= box.x + box.w, text
            assert box.y <= y <= box.top, (y, box.y, box.top, text)


def test_fit_never_exceeds_the_box_and_marks_truncation():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    long = "Tomografía computada multicorte de tórax, abdomen y pelvis con contraste " * 8
    result = fit(long, 200, 24, max_size=10, min_size=6.5)
    assert result.truncated and result.lines[-1].endswith("…")
    assert (len(result.lines) - 1) * result.leading + 1.15 * result.size <= 24
    assert all(stringWidth(line, "Helvetica", result.size) <= 200 for line in result.lines)
    # An unbreakable word is cut, not left overflowing.
    assert all(stringWidth(line, "Helvetica", 9) <= 50
               for line in wrap("X" * 80 + " fin", "Helvetica", 9, 50))


def test_fillable_has_the_shared_fields_and_the_folio_read_only():
    data = render_fillable(FormContent(folio=FOLIOS[1], unit_code="09UMF20", unit_name="UMF 20"))
    fields = PdfReader(BytesIO(data)).get_fields()
    assert set(fields) == ({f.name for f in P.PAPER_FIELDS} | {P.FOLIO.name}
                           | {f.name for f in P.READER_ONLY_FIELDS} | {"physician_signature"})
    assert fields["folio"]["/V"] == FOLIOS[1]
    assert int(fields["folio"].get("/Ff", 0)) & 1  # read-only
    assert fields["justification"]["/FT"] == "/Tx"
    assert int(fields["justification"].get("/Ff", 0)) & (1 << 12)  # multi-line
    assert set(fields["priority"]["/_States_"]) >= {"/ordinary", "/urgent"}


def test_prefilled_fillable_round_trips_through_the_reader():
    content = filled(justification="Dolor abdominal con ñ y acentos: según la exploración.")
    form = read_fillable(render_fillable(content))
    assert form.folio == FOLIOS[0]
    assert (form.last_name, form.second_last_name, form.first_name) == ("MUÑOZ", "ÑANDÚ", "JOSÉ MARÍA")
    assert (form.nss, form.agregado, form.sex, form.priority) == ("01058012345", "1M1980OR", "M", "urgent")
    # Codes travel with their names (the import reads the code, the first word).
    assert form.service == "IMG-TAC-CRA - Tomografía computada de cráneo simple y contrastada"
    assert form.performing_unit == "09HGZ24 - HGZ No. 24 Insurgentes"
    assert form.birth_date == "17/05/1980" and form.requested_on == "20/11/2026"
    assert form.justification == content.justification
    assert form.emergency is False


def test_a_reader_fills_the_blank_fillable_and_the_values_come_back():
    blank = render_fillable(FormContent(folio=FOLIOS[2], unit_code="09UMF20"))
    data = fill_pdf(blank, {"last_name": "Núñez", "first_name": "Begoña", "sex": "/F",
                            "priority": "/urgent", "emergency": "/Yes", "performed_on": "19/11/2026",
                            "justification": "Línea uno\nLínea dos con ñ"})
    form = read_fillable(data)
    assert (form.folio, form.last_name, form.first_name) == (FOLIOS[2], "Núñez", "Begoña")
    assert (form.sex, form.priority, form.emergency) == ("F", "urgent", True)
    assert form.justification == "Línea uno\nLínea dos con ñ"


@pytest.mark.parametrize("data", [b"not a pdf", b"%PDF-1.4\n%garbage\n", None])
def test_reader_refuses_what_is_not_our_fillable_form(data):
    if data is None:  # a real PDF, but the printable (not fillable) form
        data = render_form_bytes(filled())
    with pytest.raises(NotAForm):
        read_fillable(data)


def test_progress_and_cancel(tmp_path):
    seen = []
    render_forms(iter_blank(FOLIOS, "09UMF20", ""), tmp_path / "ok.pdf", total=3,
                 progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    target = tmp_path / "cancelled.pdf"
    with pytest.raises(PrintCancelled):
        render_forms(iter_blank(FOLIOS, "09UMF20", ""), target, total=3,
                     cancel=lambda: len(seen) >= 4, progress=lambda d, t: seen.append((d, t)))
    assert not target.exists() and not list(tmp_path.glob("*.part"))


@needs_pdftoppm
def test_rendered_prefilled_page_keeps_codes_readable(tmp_path):
    """The filled page renders; its QR still decodes with values drawn around it."""
    pngs = render_pages(render_form_bytes(filled(justification=long_justification(30))), tmp_path)
    assert len(pngs) >= 2
    assert qr_texts(pngs[0]) == [FOLIOS[0]]
    assert qr_texts(pngs[1]) == [FOLIOS[0]]


_TEXT = st.text(alphabet=st.characters(codec="cp1252", exclude_categories=("Cc", "Cs")),
                max_size=400)


@settings(max_examples=60, deadline=None)
@given(text=_TEXT, width=st.floats(min_value=20, max_value=500),
       height=st.floats(min_value=8, max_value=200))
def test_fit_property_lines_are_never_wider_or_more_than_the_box(text, width, height):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    result = fit(text, width, height, max_size=10, min_size=6.5)
    assert all(stringWidth(line, "Helvetica", result.size) <= width + 1e-6 for line in result.lines)
    # From the accents of the first line to the descenders of the last, inside the box.
    assert len(result.lines) == 1 or \
        (len(result.lines) - 1) * result.leading + 1.15 * result.size <= height + 1e-6
    if not result.truncated:  # nothing lost: the same words, in order
        assert " ".join(" ".join(result.lines).split()).replace(" ", "") == \
            "".join(text.split())


def test_handwriting_cells_are_five_millimetres():
    mm = 72 / 25.4
    assert st2_form.CELL >= 5 * mm - 0.1
    assert st2_form.CHECK >= 3.8 * mm and st2_form.ROW_H - st2_form.LABEL_SIZE - 5 >= 7 * mm
    assert st2_form.LABEL_SIZE >= 7
    for name, cells in st2_form.COMB.items():
        box = st2_form.LAYOUT.boxes[name]
        assert box.w - 6 >= cells * st2_form.CELL - 0.01, name


def test_a_printed_rejection_names_the_reason_and_the_physician_by_cedula(db, cast):
    from st2desk.models import Request, User
    from st2desk.services import decisions
    from st2desk.services.paper import print_request
    from tests import flows

    request_id = flows.in_review(db, cast)
    with db.transaction() as s:
        decisions.reject(s, cast.specialist, request_id, "R01",
                         "No describe la exploración neurológica ni la evolución del dolor.")
        req = s.get(Request, request_id)
        s.get(User, req.physician_id).professional_license = "8765432"
        folio = req.folio
    out = BytesIO()
    with db.transaction() as s:
        print_request(s, cast.admin, folio, out)
    text = " ".join(page_texts(out.getvalue())[0].split())
    assert "R01 Justificación clínica insuficiente — No describe la exploración" in text
    assert "8765432" in text and "DICTAMEN DEL MÉDICO ESPECIALISTA" in text
    assert "RECEPCIÓN DEL FORMATO" not in text
    with db.session() as s:
        delegation = s.get(Request, request_id).requesting_unit.delegation.name
    assert delegation in text


def test_fillable_check_marks_have_their_font_nothing_optional_is_required_and_names_fit():
    data = render_fillable(filled(first_name="MARÍA DE LOS ÁNGELES GUADALUPE"))
    reader = PdfReader(BytesIO(data))
    acroform = reader.trailer["/Root"]["/AcroForm"]
    fonts = acroform["/DR"]["/Font"]
    assert fonts["/ZaDb"]["/BaseFont"] == "/ZapfDingbats"  # poppler draws sex and priority marks
    fields = reader.get_fields()
    assert all(not int(f.get("/Ff", 0)) & 2 for f in fields.values())  # no field is "Required"
    widgets = {a.get_object().get("/T"): a.get_object() for a in reader.pages[0]["/Annots"]}
    for name in (P.FIRST_NAME.name, F_JUSTIFICATION, P.PHYSICIAN_NAME.name):
        assert " 0 Tf" in widgets[name]["/DA"], name  # the reader shrinks long text to fit
    # A decided request's fillable copy shows the dictamen, not an empty reception section.
    text = page_texts(data)[0]
    assert "DICTAMEN DEL MÉDICO ESPECIALISTA" in text and "A09HGZ24-2026-000001-Q" in text
    assert "RECEPCIÓN DEL FORMATO" in page_texts(render_fillable(filled(decision=None)))[0]


F_JUSTIFICATION = "justification"


def test_a_printed_information_request_carries_the_question_who_asked_and_when(db, cast):
    from st2desk.models import Request
    from st2desk.services import decisions
    from st2desk.services.paper import print_request
    from tests import flows

    request_id = flows.in_review(db, cast)
    with db.transaction() as s:
        decisions.ask_information(s, cast.specialist, request_id,
                                  "¿Tiene radiografía previa de columna?")
        folio = s.get(Request, request_id).folio
    out = BytesIO()
    with db.transaction() as s:
        print_request(s, cast.admin, folio, out)
    text = " ".join(page_texts(out.getvalue())[0].split())
    assert "Pregunta: ¿Tiene radiografía previa de columna?" in text
    with db.session() as s:
        from st2desk.models import User
        asker = s.get(User, cast.specialist.user_id).full_name
    assert asker in text
