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
from st2desk.pdf.text import BOLD, FONT, draw_fitted, ellipsize, wrap

HALF_LETTER = (396.0, 612.0)
PAGE_W, PAGE_H = landscape(HALF_LETTER)
MARGIN = 24
QR_SIZE = 170
# Any fixed mask yields a standard symbol; choosing the "best" one costs ~10 ms here.
QR_MASK = 4
GRAY = Color(0.35, 0.35, 0.35)
BAR = Color(0.22, 0.27, 0.24)


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
    scheduling_note: str = ""
    status_label: str = ""  # shown when the slip is reprinted for a non-valid authorization


def _d(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _field(c: Canvas, label: str, value: str, x: float, y: float, w: float, *,
           bold: bool = False, lines: int = 1, size: float = 9.5) -> float:
    """Label over value; returns the y below the block."""
    c.setFillColor(GRAY)
    c.setFont(FONT, 6.5)
    c.drawString(x, y, label.upper())
    c.setFillColor(black)
    height = size * 1.18 * lines
    draw_fitted(c, value, x, y - 2 - height, w, height, font=BOLD if bold else FONT,
                max_size=size, min_size=6.5, valign="top")
    return y - 2 - height - 9


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

    y = top - 34
    c.setFillColor(GRAY)
    c.setFont(FONT, 6.5)
    c.drawString(MARGIN, y, "NÚMERO DE AUTORIZACIÓN")
    c.setFillColor(black)
    c.setFont(BOLD, 24)
    c.drawString(MARGIN, y - 24, s.number)
    draw_code128(c, s.number, MARGIN - 1, y - 68, height=36, max_width=left_w)
    y -= 82

    col = (left_w - 10) / 2
    patient = f"{s.patient_name}"
    y1 = _field(c, "Paciente", patient, MARGIN, y, left_w, bold=True, size=10.5)
    y2 = _field(c, "NSS y agregado médico", f"{s.nss}   {s.agregado}", MARGIN, y1, col)
    _field(c, "Folio de la solicitud", s.folio, MARGIN + col + 10, y1, col)
    y3 = _field(c, "Servicio autorizado", f"{s.service_code} — {s.service_name}", MARGIN, y2,
                left_w, lines=2)
    y4 = _field(c, "Unidad de destino (donde se realiza)",
                f"{s.performing_unit_code} — {s.performing_unit_name}", MARGIN, y3, left_w, lines=2)
    validity = f"del {_d(s.valid_from)} al {_d(s.valid_until)}"
    y5 = _field(c, "Vigencia", validity, MARGIN, y4, col, bold=True, size=11)
    issuer = s.specialist_name + (f" (céd. {s.specialist_license})" if s.specialist_license else "")
    y6 = _field(c, "Autorizó (médico especialista)", issuer, MARGIN + col + 10, y4, col, lines=2,
                size=8.5)
    y5 = min(y5, y6)

    # QR with the signed payload, and what it is.
    modules = draw_qr(c, s.payload, qr_x, qr_y, QR_SIZE, mask=QR_MASK)
    c.setFont(FONT, 6.5)
    c.setFillColor(GRAY)
    c.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 2, f"Código firmado · llave {s.key_id}")
    c.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 10, "verificable sin conexión: st2desk verify")
    c.setFillColor(black)
    del modules

    yq = qr_y - 24
    if s.issued_on:
        c.setFont(FONT, 7.5)
        c.drawString(qr_x + 8, yq, f"Emitida el {_d(s.issued_on)}")
        yq -= 10
    if s.requesting_unit:
        c.setFont(FONT, 7.5)
        c.drawString(qr_x + 8, yq, ellipsize(f"Unidad solicitante: {s.requesting_unit}", FONT, 7.5,
                                             QR_SIZE - 16))
        yq -= 10
    flags = []
    if s.retroactive:
        flags.append("AUTORIZACIÓN RETROACTIVA (urgencia)")
    if s.status_label:
        flags.append(f"ESTADO: {s.status_label.upper()}")
    c.setFont(BOLD, 7.5)
    for flag in flags:
        c.drawString(qr_x + 8, yq, ellipsize(flag, BOLD, 7.5, QR_SIZE - 16))
        yq -= 10

    y = min(y5, yq) - 2
    if s.scheduling_note:
        y = _field(c, "Nota de programación", s.scheduling_note, MARGIN, y,
                   PAGE_W - 2 * MARGIN, lines=2, size=8.5)

    # Instructions for the patient, in a box at the bottom.
    items = [
        f"1. Acuda a la unidad de destino con este comprobante, una identificación oficial y su "
        f"documento con NSS, a más tardar el {_d(s.valid_until)}.",
        "2. La autorización sirve una sola vez y solo para el servicio indicado.",
        "3. Si no puede acudir, avise a su Unidad de Medicina Familiar; vencida la vigencia, su "
        "médico debe elaborar una nueva solicitud.",
        "4. Este comprobante es gratuito: nadie puede cobrarle por él ni por el servicio.",
    ]
    inner_w = PAGE_W - 2 * MARGIN - 12
    lines = [line for item in items for line in wrap(item, FONT, 7.5, inner_w)]
    leading = 9.2
    box_h = min(y - MARGIN, 20 + leading * len(lines))
    available = int((box_h - 16) // leading)
    c.setLineWidth(0.6)
    c.rect(MARGIN, MARGIN, PAGE_W - 2 * MARGIN, box_h)
    c.setFont(BOLD, 7.5)
    c.drawString(MARGIN + 6, MARGIN + box_h - 11, "INDICACIONES PARA EL PACIENTE")
    c.setFont(FONT, 7.5)
    for i, line in enumerate(lines[:available]):
        c.drawString(MARGIN + 6, MARGIN + box_h - 22 - i * leading, line)


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
