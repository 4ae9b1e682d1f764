"""The authorization slip: text, Code128 and the signed QR code, decoded by zxing-cpp."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from st2desk import numbering, signing
from st2desk.pdf.slip import PAGE_H, PAGE_W, SlipContent, render_slip
from tests.paper_support import decode, needs_pdftoppm, render_pages

NUMBER = numbering.format_authorization("09HGZ24", 2026, 123)
NSS = "01058012345"
FOLIO = numbering.format_folio("09UMF20", 2026, 1)


def make_slip(**overrides: object) -> tuple[SlipContent, signing.SlipPayload]:
    key = signing.local_key()
    payload = signing.sign_slip(key, number=NUMBER, folio=FOLIO,
                                service="IMG-TAC-CRA", unit="09HGZ24", valid_from=date(2026, 11, 20),
                                valid_until=date(2027, 2, 18), nss=NSS)
    values: dict[str, object] = dict(
        number=NUMBER, folio=FOLIO, payload=payload.text(), key_id=key.kid,
        patient_name="JOSÉ MARÍA MUÑOZ ÑANDÚ", nss=NSS, agregado="1M1980OR",
        service_code="IMG-TAC-CRA", service_name="Tomografía computada de cráneo simple y contrastada",
        performing_unit_code="09HGZ24", performing_unit_name="HGZ No. 24 Insurgentes",
        valid_from=date(2026, 11, 20), valid_until=date(2027, 2, 18),
        specialist_name="Dr. Luis Téllez Ordóñez", specialist_license="1234567",
        issued_on=date(2026, 11, 20), requesting_unit="09UMF20 — UMF No. 20")
    values.update(overrides)
    return SlipContent(**values), payload  # type: ignore[arg-type]


def test_slip_is_half_letter_with_everything_the_patient_needs():
    content, _ = make_slip(retroactive=True, scheduling_note="Presentarse en ayuno de 6 horas.")
    reader = PdfReader(BytesIO(render_slip(content)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((PAGE_W, PAGE_H))
    assert sorted((PAGE_W, PAGE_H)) == [396, 612]  # 5.5 × 8.5 in
    text = reader.pages[0].extract_text()
    for expected in (NUMBER, "JOSÉ MARÍA MUÑOZ ÑANDÚ", NSS, "1M1980OR", "IMG-TAC-CRA",
                     "Tomografía computada de cráneo", "09HGZ24", "HGZ No. 24 Insurgentes",
                     "del 20/11/2026 al 18/02/2027", "Dr. Luis Téllez Ordóñez",
                     "INDICACIONES PARA EL PACIENTE", "ya se le realizó", "RETROACTIVA",
                     "ayuno de 6 horas"):
        assert expected in text, expected


@needs_pdftoppm
def test_codes_on_the_rendered_slip_decode_and_the_qr_verifies(tmp_path):
    content, payload = make_slip()
    png = render_pages(render_slip(content), tmp_path, dpi=150)[0]
    found = dict(decode(png))
    barcode = [t for f, t in decode(png) if "128" in f]
    qr = [t for f, t in decode(png) if "QR" in f]
    assert barcode == [NUMBER], found
    assert qr == [payload.text()]
    key = signing.local_key()
    entry = signing.PublicKeyEntry(key.kid, key.public_raw, "sitio=H24 unidades=09HGZ24")
    verified = signing.verify_payload(qr[0], {key.kid: entry})
    assert verified.number == NUMBER and verified.nss_matches(NSS)
    assert NSS not in qr[0]  # the code carries a salted hash of the NSS, never the NSS


def test_payload_is_compact_and_tamper_evident():
    _, payload = make_slip()
    text = payload.text()
    assert len(text) < 230 and text.startswith("ST2|1|")
    key = signing.local_key()
    keys = {key.kid: signing.PublicKeyEntry(key.kid, key.public_raw, "sitio=H24 unidades=09HGZ24")}
    altered = text.replace("20270218", "20280218")
    with pytest.raises(signing.SignatureError):
        signing.verify_payload(altered, keys)
    with pytest.raises(signing.SignatureError):
        signing.verify_payload(text, {})  # unknown key
    with pytest.raises(signing.PayloadMalformed):
        signing.verify_payload("https://example.org/qr", keys)


def test_private_key_file_is_private(tmp_path):
    key = signing.local_key()
    assert key.path.stat().st_mode & 0o777 == 0o600
    assert signing.local_key().kid == key.kid  # made once, then reused
    line = key.key_line("prueba")
    [entry] = signing.parse_key_file(line)
    assert entry.kid == key.kid and entry.public_raw == key.public_raw
    forged = line.replace(key.kid, "0" * 12)
    with pytest.raises(signing.ValidationError):
        signing.parse_key_file(forged)


def _sizes_of(pdf: bytes, needle: str) -> list[float]:
    """Font sizes at which the text containing `needle` is drawn (pypdf's visitor)."""
    sizes: list[float] = []

    def visit(text, cm, tm, font_dict, font_size):  # type: ignore[no-untyped-def]
        if needle in text:
            sizes.append(font_size * tm[0])

    PdfReader(BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return sizes


LONG_NOTE = ("Presentarse a las 7:00 en ayuno de 8 horas, con estudios previos, radiografías y su "
             "carnet. Traer acompañante mayor de edad; la cita puede reprogramarse llamando.")


def test_the_slip_says_where_to_go_who_asked_and_keeps_room_for_the_performing_unit():
    content, _ = make_slip(
        requesting_unit="09UMF20 — UMF No. 20 Vallejo",
        performing_unit_address="Av. Insurgentes Sur 1234, Col. Del Valle, Ciudad de México",
        performing_unit_phone="55 5555 0000",
        requesting_physician="Dra. Guadalupe Fernández Castro", requesting_physician_license="7654321",
        scheduling_note=LONG_NOTE)
    pdf = render_slip(content)
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    compact = " ".join(text.split())
    for expected in ("09UMF20 — UMF No. 20 Vallejo",  # never cut to «UMF No. 2…»
                     "Av. Insurgentes Sur 1234", "Tel. 55 5555 0000",
                     "Dra. Guadalupe Fernández Castro (céd. prof. 7654321)",
                     "PARA LA UNIDAD DE DESTINO", "Fecha de atención".upper(),
                     "Nombre, matrícula, firma y sello", "reprogramarse llamando."):
        assert expected in compact, expected
    assert "…" not in compact
    # A long note wraps; it is never drawn smaller than 7.5 pt.
    assert min(_sizes_of(pdf, "ayuno")) >= 7.5


def test_the_service_fills_the_slip_from_the_records_and_audits_only_what_went_out(db, cast):
    from sqlalchemy import select

    from st2desk.models import AuditEvent, Authorization, Unit
    from st2desk.services import slips
    from tests import flows

    _, auth_id = flows.authorized(db, cast)
    with db.transaction() as s:
        unit = s.get(Unit, cast.performing_unit_id)
        unit.address, unit.phone = "Calle Uno 1, Col. Centro", "55 1234 5678"
        number = s.get(Authorization, auth_id).number

    def prints() -> int:
        with db.session() as s:
            return len(s.scalars(select(AuditEvent).where(AuditEvent.action == "print_slip")).all())

    with db.transaction() as s:
        pdf = slips.slip_pdf(s, cast.reception, number)
    text = " ".join(PdfReader(BytesIO(pdf)).pages[0].extract_text().split())
    assert "Calle Uno 1, Col. Centro · Tel. 55 1234 5678" in text
    with db.session() as s:
        physician = s.get(Authorization, auth_id).request.physician.full_name
    assert physician in text
    assert prints() == 0
    with db.transaction() as s:
        slips.record_slip_output(s, cast.reception, number, how="printer", printer="Recepción-1")
    assert prints() == 1
