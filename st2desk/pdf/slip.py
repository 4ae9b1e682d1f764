"""The authorization slip (DESIGN §1.5): half-letter, landscape, printed by reception.

Large number, Code128 of the number (for the performing unit's barcode scanner), and a
QR code with the signed payload (`st2desk.signing`) that a unit can check offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import landscape
from reportlab.pdfgen.canvas import Canvas

from st2desk.pdf.codes import binary_streams, draw_code128, draw_qr
from st2desk.pdf.text import BOLD, FONT, draw_fitted, ellipsize, fit, wrap

HALF_LETTER = (396.0, 612.0)
PAGE_W, PAGE_H = landscape(HALF_LETTER)
MARGIN = 24
QR_SIZE = 144
# Any fixed mask yields a standard symbol; choosing the "best" one costs ~10 ms here.
QR_MASK = 4
GRAY = Color(0.35, 0.35, 0.35)
BAR = Color(0.22, 0.27, 0.24)
INVALID = Color(0.70, 0.10, 0.10)
LABEL_SIZE = 7.0
MIN_SIZE = 7.5  # the smallest size a value is drawn at; longer text wraps onto more lines


@dataclass(frozen=True)
class SlipContent:
    number: str
    folio: str
    payload: str  # signed text for the QR code
    key_id: str
    patient_name: str
    nss: str
    agregado: str
    service_code: str
    service_name: str
    performing_unit_code: str
    performing_unit_name: str
    valid_from: date
    valid_until: date
    specialist_name: str
    specialist_license: str = ""
    issued_on: date | None = None
    requesting_unit: str = ""
    retroactive: bool = False
    emergency_performed: str = ""  # "dd/mm/aaaa hh:mm" of the emergency (retroactive ones)
    scheduling_note: str = ""
    status_label: str = ""  # shown when the slip is reprinted for a non-valid authorization
    performing_unit_address: str = ""
    performing_unit_phone: str = ""
    requesting_physician: str = ""
    requesting_physician_license: str = ""
    reprinted_on: date | None = None  # a slip of it was printed before: REIMPRESIÓN
    performed_on: date | None = None  # retroactive (emergency): the service was already given
    unsigned_reason: str = ""  # valid, but no code this installation may sign


def _d(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _label(c: Canvas, text: str, x: float, y: float) -> None:
    c.setFillColor(GRAY)
    c.setFont(FONT, LABEL_SIZE)
    c.drawString(x, y, text.upper())
    c.setFillColor(black)


def _field(c: Canvas, label: str, value: str, x: float, y: float, w: float, *,
           bold: bool = False, lines: int = 1, size: float = 9.5) -> float:
    """Label over value; returns the y below the block."""
    _label(c, label, x, y)
    height = size * 1.18 * lines
    draw_fitted(c, value, x, y - 2 - height, w, height, font=BOLD if bold else FONT,
                max_size=size, min_size=min(size, MIN_SIZE), valign="top")
    return y - 2 - height - 8


def _with_license(name: str, license_: str) -> str:
    return name + (f" (céd. prof. {license_})" if license_ else "")


USE_BOX_H = 64


def _use_box(c: Canvas, x: float, y: float, w: float, h: float) -> None:
    """Where the performing unit records by hand that the service was given."""
    c.setLineWidth(0.8)
    c.rect(x, y, w, h)
    c.setFont(BOLD, 7.5)
    c.drawString(x + 5, y + h - 10, "PARA LA UNIDAD DE DESTINO")
    _label(c, "Fecha de atención (día/mes/año)", x + 5, y + h - 20)
    # Writing lines about 4.5 mm a digit: dd / mm / aaaa.
    digit = 12.5
    line_y = y + h - 37
    c.setLineWidth(0.6)
    cx = x + 6
    for i, digits in enumerate((2, 2, 4)):
        c.line(cx, line_y, cx + digits * digit, line_y)
        cx += digits * digit
        if i < 2:
            c.setFont(FONT, 11)
            c.drawString(cx + 1.5, line_y + 1, "/")
            cx += 8
    sign_y = y + 13
    c.line(x + 5, sign_y, x + w - 5, sign_y)
    c.setFillColor(GRAY)
    c.setFont(FONT, 6.5)
    c.drawString(x + 5, sign_y - 8, "Nombre, matrícula, firma y sello")
    c.setFillColor(black)


def draw_slip(c: Canvas, s: SlipContent) -> None:
    top = PAGE_H - MARGIN
    right = PAGE_W - MARGIN
    # Header band
    c.setFillColor(BAR)
    c.rect(MARGIN, top - 20, PAGE_W - 2 * MARGIN, 20, stroke=0, fill=1)
    c.setFillColor(white)
    c.setFont(BOLD, 9.5)
    c.drawString(MARGIN + 6, top - 14, "INSTITUTO MEXICANO DEL SEGURO SOCIAL")
    c.setFont(FONT, 8.5)
    c.drawRightString(right - 6, top - 14, "Comprobante de autorización de servicio médico · ST2")
    c.setFillColor(black)

    qr_x, qr_y = right - QR_SIZE + 8, top - 26 - QR_SIZE + 8  # quiet zone may touch the band
    left_w = qr_x - MARGIN - 10
    col_x = qr_x + 8  # the right column's text, aligned with the QR symbol
    col_w = right - col_x

    y = top - 34
    _label(c, "Número de autorización", MARGIN, y)
    c.setFont(BOLD, 24)
    c.drawString(MARGIN, y - 24, s.number)
    draw_code128(c, s.number, MARGIN - 1, y - 66, height=34, max_width=left_w)
    y -= 80

    col = (left_w - 10) / 2
    y1 = _field(c, "Paciente", s.patient_name, MARGIN, y, left_w, bold=True, size=10.5)
    _field(c, "NSS y agregado médico", f"{s.nss}   {s.agregado}", MARGIN, y1, col)
    y2 = _field(c, "Folio de la solicitud", s.folio, MARGIN + col + 10, y1, col)
    y3 = _field(c, "Servicio autorizado", f"{s.service_code} — {s.service_name}", MARGIN, y2,
                left_w, lines=2)
    unit = f"{s.performing_unit_code} — {s.performing_unit_name}"
    y4 = _field(c, "Unidad de destino (donde se realiza)", unit, MARGIN, y3, left_w, bold=True)
    contact = " · ".join(part for part in (s.performing_unit_address,
                                           f"Tel. {s.performing_unit_phone}"
                                           if s.performing_unit_phone else "") if part)
    if contact:
        box_top = y4 + 7
        fitted = fit(contact, left_w, 2 * 8.5 * 1.18, max_size=8.5, min_size=MIN_SIZE)
        height = fitted.size * 1.18 * len(fitted.lines) + 1
        draw_fitted(c, contact, MARGIN, box_top - height, left_w, height, max_size=fitted.size,
                    min_size=fitted.size, valign="top")
        y4 = box_top - height - 8
    y5 = _field(c, "Vigencia", f"del {_d(s.valid_from)} al {_d(s.valid_until)}", MARGIN, y4,
                left_w, bold=True, size=11)
    # The bottom band: instructions for the patient (with the scheduling note first) on the
    # left, the performing unit's box on the right; as tall as its text, never above y5.
    if s.status_label:  # cancelled, used or expired: SIN VALIDEZ, no instructions to attend
        items = [
            f"1. ESTE COMPROBANTE NO TIENE VALIDEZ: la autorización está {s.status_label}. No "
            "sirve para recibir ningún servicio.",
            "2. Se imprime solo como constancia; si necesita el servicio, su médico debe "
            "elaborar una nueva solicitud.",
        ]
    elif s.retroactive:
        when = f" el {_d(s.performed_on)}" if s.performed_on else ""
        items = [
            f"1. El servicio ya se le realizó como urgencia{when}; esta autorización lo cubre de "
            "forma retroactiva. No necesita acudir de nuevo por él.",
            "2. Conserve este comprobante con su expediente como constancia de la autorización.",
            "3. Este comprobante es gratuito: nadie puede cobrarle por él ni por el servicio.",
        ]
    else:
        items = [
            f"1. Acuda a la unidad de destino con este comprobante, una identificación oficial y su "
            f"documento con NSS, a más tardar el {_d(s.valid_until)}.",
            "2. La autorización sirve una sola vez y solo para el servicio indicado.",
            "3. Si no puede acudir, avise a su Unidad de Medicina Familiar; vencida la vigencia, su "
            "médico debe elaborar una nueva solicitud.",
            "4. Este comprobante es gratuito: nadie puede cobrarle por él ni por el servicio.",
        ]
    leading = 8.8
    lines = [line for item in items for line in wrap(item, FONT, 7.5, left_w - 12)]
    note = (wrap("Nota de la unidad de destino: " + s.scheduling_note, BOLD, 7.5, left_w - 12)
            if s.scheduling_note else [])
    room = int((y5 + 2 - MARGIN - 17 - leading * len(lines)) // leading)
    if len(note) > max(1, room):
        note = note[:max(1, room)]
        note[-1] = ellipsize(note[-1] + " …", BOLD, 7.5, left_w - 12)
    band_h = max(USE_BOX_H, 17 + leading * (len(lines) + len(note)))
    c.setLineWidth(0.6)
    c.rect(MARGIN, MARGIN, left_w, band_h)
    c.setFont(BOLD, 7.5)
    c.drawString(MARGIN + 6, MARGIN + band_h - 10, "INDICACIONES PARA EL PACIENTE")
    for i, line in enumerate(note + lines):
        c.setFont(BOLD if i < len(note) else FONT, 7.5)
        c.drawString(MARGIN + 6, MARGIN + band_h - 20 - i * leading, line)
    _use_box(c, qr_x, MARGIN, right - qr_x, band_h)
    band_top = MARGIN + band_h + 6

    # QR with the signed payload, and what it is; none for a slip without validity.
    if s.payload:
        draw_qr(c, s.payload, qr_x, qr_y, QR_SIZE, mask=QR_MASK)
        c.setFont(FONT, 6.5)
        c.setFillColor(GRAY)
        c.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 1, f"Código firmado · llave {s.key_id}")
        c.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 9, "verificable sin conexión: st2desk verify")
        c.setFillColor(black)
    else:
        box = QR_SIZE - 16
        bx, by = qr_x + 8, qr_y + 8
        c.setStrokeColor(INVALID if s.status_label else GRAY)
        c.setLineWidth(2)
        c.rect(bx, by, box, box)
        c.setStrokeColor(black)
        if s.status_label:
            c.setFillColor(INVALID)
            c.setFont(BOLD, 15)
            c.drawCentredString(bx + box / 2, by + box / 2 + 4, "SIN VALIDEZ")
            c.setFont(BOLD, 9)
            c.drawCentredString(bx + box / 2, by + box / 2 - 12, s.status_label.upper())
            c.setFillColor(black)
        lines = wrap(s.unsigned_reason or "Sin código firmado: no es válida para recibir el servicio.",
                     FONT, 6.5, box - 8)
        c.setFont(FONT, 6.5)
        for i, line in enumerate(lines[:4]):
            c.drawCentredString(bx + box / 2, by + 24 - i * 8, line)

    yq = qr_y - 22
    flags = []
    if s.status_label:
        flags.append(f"SIN VALIDEZ — {s.status_label.upper()}")
    if s.reprinted_on:
        flags.append(f"REIMPRESIÓN — impresa el {_d(s.reprinted_on)}")
    if s.retroactive:
        flags.append("RETROACTIVA (urgencia ya realizada)")
        if s.emergency_performed:
            flags.append(f"Realizada el {s.emergency_performed}")
    c.setFont(BOLD, 8)
    for flag in flags:
        for line in wrap(flag, BOLD, 8, col_w)[:2]:
            c.setFillColor(INVALID if flag.startswith("SIN VALIDEZ") else black)
            c.drawString(col_x, yq, ellipsize(line, BOLD, 8, col_w))
            yq -= 10
    c.setFillColor(black)
    yq -= 2 if flags else 0
    issuer = _with_license(s.specialist_name, s.specialist_license)
    if s.issued_on:
        issuer += f", el {_d(s.issued_on)}"
    yq = _field(c, "Autorizó (médico especialista)", issuer, col_x, yq, col_w, lines=2, size=8)
    requested = ", ".join(part for part in (
        s.requesting_unit, _with_license(s.requesting_physician, s.requesting_physician_license))
        if part)
    if requested:
        height = max(10.0, yq - 2 - band_top)
        _label(c, "Solicitó (unidad y médico)", col_x, yq)
        draw_fitted(c, requested, col_x, yq - 2 - height, col_w, height, max_size=8,
                    min_size=MIN_SIZE, valign="top")


def render_slip(content: SlipContent, target: str | Path | BinaryIO | None = None) -> bytes:
    """The slip as PDF bytes (also written to `target` when given)."""
    buffer = BytesIO()
    with binary_streams():
        c = Canvas(buffer, pagesize=(PAGE_W, PAGE_H), pageCompression=1, initialFontName=FONT)
        c.setTitle(f"Autorización {content.number}")
        c.setSubject("st2desk:slip/1")
        c.setCreator("st2desk")
        draw_slip(c, content)
        c.showPage()
        c.save()
    data = buffer.getvalue()
    if isinstance(target, (str, Path)):
        from st2desk.outputs import write_atomic

        write_atomic(target, data)
    elif target is not None:
        target.write(data)
    return data
