"""The paper ST2 form, letter size: blank with its reserved folio, pre-filled, or fillable.

One layout serves all three. Its boxes are named after the fields of
`st2desk.forms.paper` (the list the Qt capture screen and the PDF import also use), so
a fillable field, a printed value and an imported value always mean the same thing.

Speed: the frame (boxes, labels, rules) is drawn once per document as a PDF form
XObject and placed on every page; a page then adds only its folio, its QR code and its
values. 1,000 blank forms take a few seconds (DESIGN §6: under 12 s).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import letter
from reportlab.pdfbase.acroform import PDFFromString
from reportlab.pdfgen.canvas import Canvas

from st2desk.errors import St2Error
from st2desk.forms import paper as P
from st2desk.forms import st2_fields as F
from st2desk.pdf.codes import binary_streams, draw_qr
from st2desk.pdf.text import BOLD, FONT, draw_fitted, ellipsize, paginate

PAGE_W, PAGE_H = letter
MARGIN = 30
X0, X1 = MARGIN, PAGE_W - MARGIN
CONTENT_W = X1 - X0
LABEL_SIZE = 7
VALUE_SIZE = 10
JUSTIFICATION_SIZE = 9
JUSTIFICATION_LEADING = 11.5
GRAY = Color(0.35, 0.35, 0.35)
GUIDE = Color(0.6, 0.6, 0.6)  # writing guides that survive a laser printer and a photocopy
BAR = Color(0.22, 0.27, 0.24)  # IMSS dark green-gray
FRAME_BLANK = "st2frame_blank"  # guides for handwriting: comb cells, date blanks, rules
FRAME_FILLED = "st2frame_filled"  # comb cells only
FRAME_FILLABLE = "st2frame_fillable"  # boxes only; the fields draw themselves
FRAME_FILLABLE_DECIDED = "st2frame_fillable_decided"  # the same, with the dictamen section
CONTINUATION_FRAME = "st2cont"
CONTINUES = "(continúa en la hoja siguiente)"

ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]


class PrintCancelled(St2Error):
    """The person printing cancelled the batch; no file was written."""


# --------------------------------------------------------------------------- content


@dataclass(frozen=True)
class DecisionContent:
    outcome: str  # "approve", "reject" or "info"
    decided_on: date | None = None
    authorization_number: str = ""
    valid_until: date | None = None
    reason: str = ""
    text: str = ""
    specialist_name: str = ""
    specialist_license: str = ""


@dataclass(frozen=True)
class FormContent:
    """Everything one paper ST2 shows. A blank form has only the folio and the unit."""

    folio: str
    unit_code: str = ""
    unit_name: str = ""
    last_name: str = ""
    second_last_name: str = ""
    first_name: str = ""
    nss: str = ""
    agregado: str = ""
    curp: str = ""
    birth_date: date | None = None
    sex: str = ""  # "M" or "F"
    service_code: str = ""
    service_name: str = ""
    diagnosis_code: str = ""
    diagnosis_description: str = ""
    performing_unit_code: str = ""
    performing_unit_name: str = ""
    priority: str = ""  # "ordinary" or "urgent"
    requested_on: date | None = None
    is_emergency: bool = False
    performed_on: date | None = None
    justification: str = ""
    physician_name: str = ""
    physician_ref: str = ""  # professional licence (cédula), or the user name without one
    physician_matricula: str = ""  # IMSS staff number, printed in its box (not a form field)
    delegation_name: str = ""
    status_label: str = ""
    decision: DecisionContent | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_blank(self) -> bool:
        return not (self.nss or self.last_name or self.service_code or self.justification)


def _d(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _joined(code: str, name: str) -> str:
    return f"{code} — {name}" if code and name else code or name


def _field_joined(code: str, name: str) -> str:
    # A field value is PDFDocEncoded by ReportLab, which has no em dash.
    return f"{code} - {name}" if code and name else code or name


def field_values(content: FormContent) -> dict[str, str]:
    """The value of each fillable field (names from `st2desk.forms.paper`)."""
    return {
        P.LAST_NAME.name: content.last_name,
        P.SECOND_LAST_NAME.name: content.second_last_name,
        P.FIRST_NAME.name: content.first_name,
        F.NSS.name: content.nss,
        F.AGREGADO.name: content.agregado,
        F.CURP.name: content.curp,
        P.BIRTH_DATE.name: _d(content.birth_date),
        P.SEX.name: content.sex,
        # The import reads the first word (the code); the name is for the person reading.
        F.SERVICE.name: _field_joined(content.service_code, content.service_name),
        F.DIAGNOSIS.name: content.diagnosis_code,
        P.DIAGNOSIS_DESCRIPTION.name: content.diagnosis_description,
        F.PERFORMING_UNIT.name: _field_joined(content.performing_unit_code,
                                              content.performing_unit_name),
        F.PRIORITY.name: content.priority,
        P.REQUESTED_ON.name: _d(content.requested_on),
        P.EMERGENCY.name: "1" if content.is_emergency else "",
        F.PERFORMED_ON.name: _d(content.performed_on),
        F.JUSTIFICATION.name: content.justification,
        P.PHYSICIAN_NAME.name: content.physician_name,
        P.PHYSICIAN.name: content.physician_ref,
    }


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Box:
    name: str  # a paper field name, or a display-only name
    label: str
    x: float
    y: float  # bottom
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    def value_area(self) -> tuple[float, float, float, float]:
        """(x, y, w, h) below the label where a value or a fillable field goes."""
        return self.x + 3, self.y + 2.5, self.w - 6, self.h - LABEL_SIZE - 5


@dataclass(frozen=True)
class Section:
    title: str
    y: float  # bottom of the bar


@dataclass(frozen=True)
class Layout:
    boxes: dict[str, Box]
    sections: list[Section]
    choice_marks: dict[str, list[tuple[str, str, float, float]]]  # name -> (value, label, x, y)
    cont_box: Box
    decision_boxes: dict[str, Box]  # section 5 of a pre-filled form
    decision_section: Section
    reception_boxes: dict[str, Box]  # section 5 of a blank or fillable form
    reception_section: Section


CHECK = 11  # side of a check square (about 4 mm)
SECTION_H = 13
GAP = 4
ROW_H = 32  # 8 mm of writing under the label
SIGN_H = 40
CELL = 14.2  # one handwritten character (5 mm)
DATE_CELLS = (2, 2, 4)  # DD / MM / AAAA
DATE_SLASH = 7
HEADER_TOP = PAGE_H - MARGIN
UNIT_BOX_TOP = HEADER_TOP - 72
FOOTER_TOP = MARGIN + 22


def _build_layout() -> Layout:
    boxes: dict[str, Box] = {}
    sections: list[Section] = []
    marks: dict[str, list[tuple[str, str, float, float]]] = {}
    y = UNIT_BOX_TOP

    def row(height: float, *cells: tuple[str, str, float]) -> None:
        nonlocal y
        x = X0
        total = sum(c[2] for c in cells)
        for name, label, width in cells:
            w = width * CONTENT_W / total
            boxes[name] = Box(name, label, x, y - height, w, height)
            x += w
        y -= height

    def section(title: str) -> None:
        nonlocal y
        y -= GAP
        sections.append(Section(title, y - SECTION_H))
        y -= SECTION_H

    row(26, ("unit", "Unidad médica solicitante (clave y nombre)", 400),
        ("delegation", "Delegación (OOAD)", 152))
    section("1. DATOS DEL PACIENTE")
    row(ROW_H, (P.LAST_NAME.name, P.LAST_NAME.label, 1),
        (P.SECOND_LAST_NAME.name, P.SECOND_LAST_NAME.label, 1),
        (P.FIRST_NAME.name, P.FIRST_NAME.label, 1))
    row(ROW_H, (F.NSS.name, f"{F.NSS.label} (11 dígitos)", 11 * CELL + 6),
        (F.AGREGADO.name, F.AGREGADO.label, 8 * CELL + 6),
        (F.CURP.name, f"{F.CURP.label} (18 caracteres)", CONTENT_W - 19 * CELL - 12))
    row(ROW_H, (P.BIRTH_DATE.name, f"{P.BIRTH_DATE.label} ({P.DATE_FORMAT_LABEL})", 276),
        (P.SEX.name, P.SEX.label, 276))
    section("2. SERVICIO SOLICITADO")
    row(ROW_H, (F.SERVICE.name, f"{F.SERVICE.label} (clave del catálogo y nombre)", 400),
        (F.PRIORITY.name, F.PRIORITY.label, 152))
    row(ROW_H, (F.DIAGNOSIS.name, "Diagnóstico CIE-10 (clave)", 110),
        (P.DIAGNOSIS_DESCRIPTION.name, P.DIAGNOSIS_DESCRIPTION.label, 290),
        (P.REQUESTED_ON.name, f"{P.REQUESTED_ON.label} ({P.DATE_FORMAT_LABEL})", 152))
    row(ROW_H, (F.PERFORMING_UNIT.name, f"{F.PERFORMING_UNIT.label} (clave y nombre)", 360),
        (F.PERFORMED_ON.name, "Urgencia ya realizada: marque y anote la fecha", 192))
    section("3. JUSTIFICACIÓN CLÍNICA (cuadro clínico, hallazgos y motivo del estudio)")
    # The justification takes what the other sections leave.
    below = GAP + SECTION_H + SIGN_H + GAP + SECTION_H + ROW_H + 30 + SIGN_H
    just_h = y - FOOTER_TOP - below
    row(just_h, (F.JUSTIFICATION.name, "", 1))
    section("4. MÉDICO SOLICITANTE")
    row(SIGN_H, (P.PHYSICIAN_NAME.name, P.PHYSICIAN_NAME.label, 200),
        ("physician_matricula", "Matrícula", 90),
        (P.PHYSICIAN.name, P.PHYSICIAN.label, 120),
        ("physician_signature", "Firma del médico solicitante", 142))
    section5_top = y
    section("5. DICTAMEN DEL MÉDICO ESPECIALISTA (registrado en st2desk)")
    row(ROW_H, ("outcome", "Dictamen", 236), ("authorization_number", "Número de autorización", 150),
        ("decided_on", "Fecha del dictamen", 83), ("valid_until", "Vigente hasta", 83))
    row(30, ("decision_text", "Motivo del rechazo u observaciones del especialista", 1))
    row(SIGN_H, ("specialist_name", "Nombre del médico especialista", 230),
        ("specialist_license", "Cédula profesional", 150),
        ("specialist_signature", "Firma del médico especialista", 172))
    decision_names = ("outcome", "authorization_number", "decided_on", "valid_until",
                      "decision_text", "specialist_name", "specialist_license",
                      "specialist_signature")
    decision = {name: boxes.pop(name) for name in decision_names}
    decision_section = sections.pop()
    # A blank form's section 5 is for reception: the dictamen is given in st2desk, never
    # handwritten on the paper.
    y = section5_top
    section("5. RECEPCIÓN DEL FORMATO (lo llena quien lo recibe)")
    row(ROW_H + 4, ("received_on", f"Fecha de recepción ({P.DATE_FORMAT_LABEL})", 150),
        ("received_at", "Hora (hh:mm)", 80), ("attached_sheets", "Hojas anexas (número)", 90),
        ("receiver", "Nombre y firma de quien recibe", 232))
    row(ROW_H + 30 + SIGN_H - ROW_H - 4, ("reception_stamp", "Sello de recepción", 200),
        ("reception_note", "", 352))
    reception_names = ("received_on", "received_at", "attached_sheets", "receiver",
                       "reception_stamp", "reception_note")
    reception = {name: boxes.pop(name) for name in reception_names}
    reception_section = sections.pop()

    def place_marks(name: str, choices: tuple[tuple[str, str], ...], widths: list[float]) -> None:
        box = boxes[name]
        x = box.x + 5
        out = []
        for (value, label), width in zip(choices, widths, strict=True):
            out.append((value, label, x, box.y + 5))
            x += width
        marks[name] = out

    place_marks(P.SEX.name, P.SEX_CHOICES, [70, 70])
    place_marks(F.PRIORITY.name, P.PRIORITY_CHOICES, [62, 80])
    boxes.update(decision)  # marks are placed on the decision's boxes, then set aside again
    place_marks("outcome", (("approve", "Autorizado"), ("reject", "No autorizado"),
                            ("info", "Se pide información")), [60, 74, 90])
    for name in decision:
        boxes.pop(name)
    # The emergency check sits in the date box, before the date.
    perf = boxes[F.PERFORMED_ON.name]
    marks[P.EMERGENCY.name] = [("1", "Sí", perf.x + 5, perf.y + 5)]

    cont_top = UNIT_BOX_TOP - GAP - SECTION_H - 22  # patient's name and NSS above the box
    cont_box = Box("continuation", "", X0, FOOTER_TOP + GAP, CONTENT_W, cont_top - FOOTER_TOP - GAP)
    return Layout(boxes, sections, marks, cont_box, decision, decision_section, reception,
                  reception_section)


LAYOUT = _build_layout()
JUST_BOX = LAYOUT.boxes[F.JUSTIFICATION.name]
JUST_TEXT_W = JUST_BOX.w - 10
FIRST_PAGE_LINES = int((JUST_BOX.h - 8) // JUSTIFICATION_LEADING)
CONT_PAGE_LINES = int((LAYOUT.cont_box.h - 8) // JUSTIFICATION_LEADING)
EMERGENCY_DATE_OFFSET = 36  # the date field starts after the "Sí" check
COMB = {pf.name: pf.comb for pf in P.PAPER_FIELDS if pf.comb}


# --------------------------------------------------------------------------- the frame


def _draw_header_text(c: Canvas) -> None:
    c.setFillColor(black)
    c.setFont(BOLD, 11)
    c.drawString(X0, HEADER_TOP - 11, "INSTITUTO MEXICANO DEL SEGURO SOCIAL")
    c.setFont(FONT, 7.5)
    c.drawString(X0, HEADER_TOP - 21, "Dirección de Prestaciones Médicas")
    c.setFont(BOLD, 10.5)
    c.drawString(X0, HEADER_TOP - 37, "SOLICITUD DE SERVICIO MÉDICO NO INCLUIDO")
    c.drawString(X0, HEADER_TOP - 49, "EN EL CATÁLOGO BÁSICO — FORMATO ST2")
    c.setFont(FONT, 7)
    c.setFillColor(GRAY)
    c.drawString(X0, HEADER_TOP - 60, "Llene con letra de molde y tinta negra; marque las "
                                      "casillas con X. No tache ni use corrector.")


def _folio_box(c: Canvas) -> None:
    c.setStrokeColor(black)
    c.setLineWidth(1.2)
    c.rect(FOLIO_BOX[0], FOLIO_BOX[1], FOLIO_BOX[2], FOLIO_BOX[3])
    c.setFillColor(GRAY)
    c.setFont(FONT, LABEL_SIZE)
    c.drawString(FOLIO_BOX[0] + 4, FOLIO_BOX[1] + FOLIO_BOX[3] - 9,
                 "FOLIO ÚNICO — no fotocopie este formato")
    c.setFillColor(black)


QR_SIZE = 70
QR_X, QR_Y = X1 - QR_SIZE + 4, HEADER_TOP - QR_SIZE + 4  # the quiet zone may reach the margin
FOLIO_BOX = (X1 - QR_SIZE - 186, HEADER_TOP - 46, 182, 44)


def _draw_checkbox(c: Canvas, x: float, y: float, label: str) -> None:
    c.rect(x, y, CHECK, CHECK)
    if label:
        c.setFont(FONT, 8.5)
        c.drawString(x + CHECK + 3, y + 2.5, label)


def _draw_date_cells(c: Canvas, x: float, y: float) -> None:
    """Cells for DD / MM / AAAA, one handwritten digit each."""
    c.setStrokeColor(GRAY)
    c.setLineWidth(0.5)
    for group, digits in enumerate(DATE_CELLS):
        c.line(x, y, x + digits * CELL, y)
        for i in range(digits + 1):
            c.line(x + i * CELL, y, x + i * CELL, y + 9)
        x += digits * CELL
        if group < len(DATE_CELLS) - 1:
            c.setFillColor(GRAY)
            c.setFont(FONT, 11)
            c.drawCentredString(x + DATE_SLASH / 2, y + 1, "/")
            x += DATE_SLASH
    c.setStrokeColor(black)
    c.setFillColor(black)


def _draw_box(c: Canvas, box: Box) -> None:
    c.setLineWidth(0.6)
    c.rect(box.x, box.y, box.w, box.h)
    if box.label:
        c.setFillColor(GRAY)
        c.setFont(FONT, LABEL_SIZE)
        c.drawString(box.x + 3, box.top - LABEL_SIZE - 1.5,
                     ellipsize(box.label, FONT, LABEL_SIZE, box.w - 6))
        c.setFillColor(black)


def _draw_section(c: Canvas, section: Section) -> None:
    c.setFillColor(BAR)
    c.rect(X0, section.y, CONTENT_W, SECTION_H, stroke=0, fill=1)
    c.setFillColor(white)
    c.setFont(BOLD, 8)
    c.drawString(X0 + 4, section.y + 3.6, section.title)
    c.setFillColor(black)


def _draw_frame(c: Canvas, fillable: bool, guides: bool, decided: bool = False) -> None:
    """The frame of a page; `guides` (a blank form) adds cells and rules for handwriting.

    Section 5 is for reception on a blank or fillable form; a pre-filled form, or the
    fillable copy of a request already decided, shows the dictamen there instead."""
    _draw_header_text(c)
    _folio_box(c)
    c.setLineWidth(0.6)
    reception = (guides or fillable) and not decided
    for section in [*LAYOUT.sections,
                    LAYOUT.reception_section if reception else LAYOUT.decision_section]:
        _draw_section(c, section)
    c.setStrokeColor(black)
    c.setFillColor(black)
    for box in LAYOUT.boxes.values():
        _draw_box(c, box)
        comb = COMB.get(box.name)
        if comb and not fillable:
            _draw_comb(c, box, comb)
    for box in (LAYOUT.reception_boxes if reception else LAYOUT.decision_boxes).values():
        _draw_box(c, box)
    if reception:
        note = LAYOUT.reception_boxes["reception_note"]
        c.setFont(FONT, 7.5)
        c.setFillColor(GRAY)
        lines = [
            "El plazo del dictamen corre desde la captura en st2desk; anote aquí cuándo",
            "se recibió el formato y cuántas hojas anexas trae (continuación de la",
            "justificación, estudios); cada hoja anexa lleva el folio y el nombre del paciente.",
            "El dictamen lo emite el especialista en st2desk: no lo escriba en este formato.",
        ]
        for i, line in enumerate(lines):
            c.drawString(note.x + 5, note.top - 11 - i * 9.5, line)
        c.setFillColor(black)
    if guides:  # cells and ruled lines for handwriting
        c.setStrokeColor(GUIDE)
        c.setLineWidth(0.5)
        y = JUST_BOX.top - 6 - 20
        while y > JUST_BOX.y + 6:
            c.line(JUST_BOX.x + 5, y, JUST_BOX.x + JUST_BOX.w - 5, y)
            y -= 20
        c.setStrokeColor(black)
        perf = LAYOUT.boxes[F.PERFORMED_ON.name]
        _draw_date_cells(c, perf.x + EMERGENCY_DATE_OFFSET, perf.y + 4)
        for name in (P.BIRTH_DATE.name, P.REQUESTED_ON.name):
            b = LAYOUT.boxes[name]
            _draw_date_cells(c, b.x + 6, b.y + 4)
        _draw_date_cells(c, LAYOUT.reception_boxes["received_on"].x + 6,
                         LAYOUT.reception_boxes["received_on"].y + 4)
        c.setFillColor(black)
    c.setLineWidth(0.6)
    for name, choices in LAYOUT.choice_marks.items():
        if name == "outcome" and reception:
            continue
        for _value, label, x, y in choices:
            if fillable and name != "outcome":
                c.setFont(FONT, 8.5)
                c.drawString(x + CHECK + 3, y + 2.5, label)
            else:
                _draw_checkbox(c, x, y, label)
    c.setFont(FONT, 7)
    c.setFillColor(GRAY)
    notes = [
        "Entregue el formato en recepción o envíe el PDF llenado; se revisa como cualquier "
        "solicitud (NSS, CURP, catálogo).",
        "Fechas en formato DD/MM/AAAA. El dictamen se emite en 72 h (urgente) o 7 días naturales "
        "(ordinaria).",
    ]
    for i, note in enumerate(notes):
        c.drawString(X0, FOOTER_TOP - 9 - i * 8, ellipsize(note, FONT, 7, CONTENT_W - 150))
    c.setFillColor(black)


def _draw_comb(c: Canvas, box: Box, cells: int) -> None:
    x, y, w, _h = box.value_area()
    cell = min(CELL, w / cells)
    c.setStrokeColor(GRAY)
    c.setLineWidth(0.4)
    for i in range(1, cells):
        cx = x + i * cell
        c.line(cx, y, cx, y + 9)
    c.line(x, y, x + cell * cells, y)
    c.setStrokeColor(black)


def _draw_continuation_frame(c: Canvas) -> None:
    _draw_header_text(c)
    _folio_box(c)
    section_y = UNIT_BOX_TOP - GAP - SECTION_H
    c.setFillColor(BAR)
    c.rect(X0, section_y, CONTENT_W, SECTION_H, stroke=0, fill=1)
    c.setFillColor(white)
    c.setFont(BOLD, 8)
    c.drawString(X0 + 4, section_y + 3.6, "3. JUSTIFICACIÓN CLÍNICA (continuación)")
    c.setFillColor(black)
    box = LAYOUT.cont_box
    c.setLineWidth(0.6)
    c.rect(box.x, box.y, box.w, box.h)


# --------------------------------------------------------------------------- one form


def _draw_folio(c: Canvas, content: FormContent, page: int, pages: int) -> None:
    x, y, w, _h = FOLIO_BOX
    c.setFont(BOLD, 14)
    c.drawCentredString(x + w / 2, y + 12, content.folio)
    draw_qr(c, content.folio, QR_X, QR_Y, QR_SIZE)
    c.setFont(FONT, 7)
    c.drawRightString(X1, FOOTER_TOP - 9, f"Folio {content.folio} · Hoja {page} de {pages}")


def _draw_value(c: Canvas, name: str, text: str, *, font: str = FONT, size: float = VALUE_SIZE) -> None:
    if not text:
        return
    box = LAYOUT.boxes.get(name) or LAYOUT.decision_boxes[name]
    x, y, w, h = box.value_area()
    comb = COMB.get(name)
    if comb and len(text) <= comb:
        cell = min(CELL, w / comb)
        c.setFont(font, size)
        for i, ch in enumerate(text):
            c.drawCentredString(x + (i + 0.5) * cell, y + 2, ch)
        return
    draw_fitted(c, text, x, y, w, h, font=font, max_size=size, min_size=7)


def _mark(c: Canvas, name: str, value: str) -> None:
    for v, _label, x, y in LAYOUT.choice_marks.get(name, []):
        if v == value:
            c.setLineWidth(1.2)
            c.line(x + 1.5, y + 1.5, x + CHECK - 1.5, y + CHECK - 1.5)
            c.line(x + 1.5, y + CHECK - 1.5, x + CHECK - 1.5, y + 1.5)
            c.setLineWidth(0.6)


def _draw_values(c: Canvas, content: FormContent, justification_lines: list[str]) -> None:
    unit = _joined(content.unit_code, content.unit_name)
    _draw_value(c, "unit", unit, font=BOLD)
    _draw_value(c, "delegation", content.delegation_name)
    _draw_value(c, P.LAST_NAME.name, content.last_name)
    _draw_value(c, P.SECOND_LAST_NAME.name, content.second_last_name)
    _draw_value(c, P.FIRST_NAME.name, content.first_name)
    _draw_value(c, P.BIRTH_DATE.name, _d(content.birth_date))
    _draw_value(c, F.NSS.name, content.nss)
    _draw_value(c, F.AGREGADO.name, content.agregado)
    _draw_value(c, F.CURP.name, content.curp)
    _mark(c, P.SEX.name, content.sex)
    _draw_value(c, F.SERVICE.name, _joined(content.service_code, content.service_name))
    _mark(c, F.PRIORITY.name, content.priority)
    _draw_value(c, F.DIAGNOSIS.name, content.diagnosis_code)
    _draw_value(c, "diagnosis_description", content.diagnosis_description)
    _draw_value(c, P.REQUESTED_ON.name, _d(content.requested_on))
    _draw_value(c, F.PERFORMING_UNIT.name,
                _joined(content.performing_unit_code, content.performing_unit_name))
    if content.is_emergency:
        _mark(c, P.EMERGENCY.name, "1")
        if content.performed_on:
            box = LAYOUT.boxes[F.PERFORMED_ON.name]
            c.setFont(FONT, VALUE_SIZE)
            c.drawString(box.x + EMERGENCY_DATE_OFFSET, box.y + 5, _d(content.performed_on))
    c.setFont(FONT, JUSTIFICATION_SIZE)
    top = JUST_BOX.top - 4 - JUSTIFICATION_SIZE
    for i, line in enumerate(justification_lines):
        c.drawString(JUST_BOX.x + 5, top - i * JUSTIFICATION_LEADING, line)
    _draw_value(c, P.PHYSICIAN_NAME.name, content.physician_name)
    _draw_value(c, P.PHYSICIAN.name, content.physician_ref)
    _draw_value(c, "physician_matricula", content.physician_matricula)
    _draw_decision(c, content)


def _draw_decision(c: Canvas, content: FormContent) -> None:
    decision = content.decision
    if decision is not None:
        _mark(c, "outcome", decision.outcome)
        _draw_value(c, "authorization_number", decision.authorization_number, font=BOLD)
        _draw_value(c, "decided_on", _d(decision.decided_on))
        _draw_value(c, "valid_until", _d(decision.valid_until))
        text = " — ".join(t for t in (decision.reason, decision.text) if t)
        _draw_value(c, "decision_text", text, size=9)
        _draw_value(c, "specialist_name", decision.specialist_name)
        _draw_value(c, "specialist_license", decision.specialist_license)
    if content.status_label:
        c.setFont(FONT, 7)
        c.setFillColor(GRAY)
        c.drawRightString(FOLIO_BOX[0] + FOLIO_BOX[2], FOLIO_BOX[1] - 9,
                          f"Estado al imprimir: {content.status_label}")
        c.setFillColor(black)


def _add_fields(c: Canvas, content: FormContent) -> None:
    form = c.acroForm
    # Ask readers to draw the fields themselves: ReportLab's own appearance of a multi-line
    # field is a single line, and a long pre-filled justification would run off the box.
    form.extras["NeedAppearances"] = b"true"
    values = field_values(content)
    common = dict(borderWidth=0, fillColor=None, textColor=black, forceBorder=False)
    for pf in P.PAPER_FIELDS:
        name = pf.name
        if pf.kind is P.Kind.CHOICE:
            for value, _label, x, y in LAYOUT.choice_marks[name]:
                # Optional choices: not "Required" (the import says what is missing).
                form.radio(name=name, value=value, selected=values[name] == value, x=x, y=y,
                           fieldFlags="noToggleToOff radio",
                           size=CHECK, buttonStyle="cross", shape="square", borderWidth=0.6,
                           borderColor=black, fillColor=white, textColor=black, forceBorder=True,
                           tooltip=pf.label)
            continue
        if pf.kind is P.Kind.CHECK:
            _v, _l, x, y = LAYOUT.choice_marks[name][0]
            form.checkbox(name=name, checked=bool(values[name]), x=x, y=y, size=CHECK,
                          fieldFlags="", buttonStyle="cross", shape="square", borderWidth=0.6,
                          borderColor=black,
                          fillColor=white, textColor=black, forceBorder=True, tooltip=pf.label)
            continue
        box = LAYOUT.boxes[name]
        x, y, w, h = box.value_area()
        if name == F.PERFORMED_ON.name:
            x, w = box.x + EMERGENCY_DATE_OFFSET, box.w - EMERGENCY_DATE_OFFSET - 3
        if pf.kind is P.Kind.MULTILINE:
            x, y, w, h = box.x + 3, box.y + 3, box.w - 6, box.h - 6
            # Size 0: the reader shrinks the text to fit, so all 4,000 characters show.
            form.textfield(name=name, value=values[name], x=x, y=y, width=w, height=h,
                           fontName=FONT, fontSize=0, fieldFlags="multiline",
                           maxlen=F.JUSTIFICATION.max_length, tooltip=pf.label, **common)
            continue
        maxlen = pf.comb or pf.spec.max_length
        # Short codes and dates at a fixed size; names and descriptions shrink to fit (size 0)
        # so «MARÍA DE LOS ÁNGELES GUADALUPE» is not cut.
        fixed = pf.comb or pf.kind is P.Kind.DATE or name == F.DIAGNOSIS.name
        form.textfield(name=name, value=values[name], x=x, y=y, width=w, height=h, fontName=FONT,
                       fontSize=VALUE_SIZE if fixed else 0, maxlen=maxlen, tooltip=pf.label,
                       **common)
    for pf in P.READER_ONLY_FIELDS:
        x, y, w, h = LAYOUT.boxes[pf.name].value_area()
        form.textfield(name=pf.name, value=values.get(pf.name, ""), x=x, y=y, width=w, height=h,
                       fontName=FONT, fontSize=0, maxlen=pf.spec.max_length, tooltip=pf.label,
                       **common)
    # ReportLab lists each resource font under its own /Font key (readers keep one) and omits
    # ZapfDingbats, which poppler (Evince, Okular, CUPS) needs to draw the check marks.
    zadb = form.getRefStr(PDFFromString(
        "<< /BaseFont /ZapfDingbats /Subtype /Type1 /Name /ZaDb /Type /Font >>"))
    fonts = " ".join(f"/{name} {ref}" for name, ref in sorted(form.fonts.items()))
    form.extras["DR"] = PDFFromString(
        f"<< /Encoding << /RLAFencoding {form.encRefStr} >> /Font << {fonts} /ZaDb {zadb} >> >>")
    # The folio travels in a read-only field so the import finds it in any reader's output.
    x, y, w, _h = FOLIO_BOX
    form.textfield(name=P.FOLIO.name, value=content.folio, x=x + 4, y=y + 4, width=w - 8,
                   height=16, fieldFlags="readOnly", annotationFlags="hidden", borderWidth=0,
                   fillColor=None, textColor=black, fontSize=10, forceBorder=False,
                   maxlen=32, tooltip="Folio")


def _pages_of(content: FormContent) -> list[list[str]]:
    return paginate(content.justification, FONT, JUSTIFICATION_SIZE, JUST_TEXT_W,
                    FIRST_PAGE_LINES, CONT_PAGE_LINES, CONTINUES)


def _draw_continuation(c: Canvas, content: FormContent, lines: list[str], page: int,
                       pages: int) -> None:
    c.doForm(CONTINUATION_FRAME)
    _draw_folio(c, content, page, pages)
    who = " ".join(p for p in (content.last_name, content.second_last_name, content.first_name) if p)
    nss = f"NSS {content.nss} {content.agregado}".strip() if content.nss else ""
    c.setFont(BOLD, 9)
    c.drawString(X0, LAYOUT.cont_box.top + 8,
                 ellipsize(" · ".join(p for p in (f"Paciente: {who}" if who else "", nss) if p),
                           BOLD, 9, CONTENT_W))
    c.setFont(FONT, JUSTIFICATION_SIZE)
    box = LAYOUT.cont_box
    top = box.top - 4 - JUSTIFICATION_SIZE
    for i, line in enumerate(lines):
        c.drawString(box.x + 5, top - i * JUSTIFICATION_LEADING, line)


# --------------------------------------------------------------------------- documents


def _new_canvas(target: BinaryIO | str, title: str, fillable: bool) -> Canvas:
    c = Canvas(target, pagesize=letter, pageCompression=1, initialFontName=FONT)
    c.setTitle(title)
    c.setSubject(P.FORM_ID)
    c.setCreator("st2desk")
    c.setAuthor("IMSS — st2desk")
    frames = ([(FRAME_FILLABLE, True, False, False), (FRAME_FILLABLE_DECIDED, True, False, True)]
              if fillable else [(FRAME_BLANK, False, True, False), (FRAME_FILLED, False, False, True)])
    for name, is_fillable, guides, decided in frames:
        c.beginForm(name)
        _draw_frame(c, is_fillable, guides, decided)
        c.endForm()
    c.beginForm(CONTINUATION_FRAME)
    _draw_continuation_frame(c)
    c.endForm()
    return c


def _render(c: Canvas, contents: Iterable[FormContent], fillable: bool, total: int,
            progress: ProgressFn | None, cancel: CancelFn | None) -> int:
    pages_written = 0
    if fillable:
        # Each AcroForm field name must be unique in a file: one fillable form per file.
        contents = list(contents)
        if len(contents) != 1:
            raise ValueError("a fillable PDF holds exactly one form")
    for done, content in enumerate(contents, 1):
        if cancel is not None and cancel():
            raise PrintCancelled("Impresión cancelada; no se generó el archivo.")
        chunks = _pages_of(content)
        pages = len(chunks)
        if fillable:
            c.doForm(FRAME_FILLABLE_DECIDED if content.decision else FRAME_FILLABLE)
        else:
            c.doForm(FRAME_BLANK if content.is_blank else FRAME_FILLED)
        _draw_folio(c, content, 1, pages if not fillable else 1)
        if fillable:
            _draw_value(c, "unit", _joined(content.unit_code, content.unit_name), font=BOLD)
            _draw_value(c, "delegation", content.delegation_name)
            _draw_decision(c, content)
            _draw_value(c, "physician_matricula", content.physician_matricula)
            _add_fields(c, content)
            c.showPage()
            pages_written += 1
        else:
            _draw_values(c, content, chunks[0])
            c.showPage()
            pages_written += 1
            for number, lines in enumerate(chunks[1:], 2):
                _draw_continuation(c, content, lines, number, pages)
                c.showPage()
                pages_written += 1
        if progress is not None:
            progress(done, total)
    return pages_written


def render_forms(contents: Iterable[FormContent], target: str | Path | BinaryIO, *,
                 total: int | None = None, title: str = "Formatos ST2",
                 progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> int:
    """Write printable ST2 forms (blank or pre-filled) to `target`; returns the page count.

    Forms whose justification does not fit the first page continue on further pages.
    `progress(done, total)` is called after each form; `cancel()` returning true stops
    the batch with `PrintCancelled` before anything is written to a path.
    """
    items = contents if total is not None else list(contents)
    count = total if total is not None else len(items)  # type: ignore[arg-type]
    buffer = BytesIO()
    with binary_streams():
        c = _new_canvas(buffer, title, fillable=False)
        pages = _render(c, items, False, count, progress, cancel)
        c.save()
    _write(target, buffer.getvalue())
    return pages


def render_fillable(content: FormContent, target: str | Path | BinaryIO | None = None) -> bytes:
    """One fillable ST2 (AcroForm), blank or pre-filled, for a unit without the application.

    Returns the PDF bytes (and writes them to `target` when given).
    """
    buffer = BytesIO()
    with binary_streams():
        c = _new_canvas(buffer, f"Formato ST2 {content.folio} (llenable)", fillable=True)
        _render(c, [content], True, 1, None, None)
        c.save()
    data = buffer.getvalue()
    if target is not None:
        _write(target, data)
    return data


def render_form_bytes(content: FormContent) -> bytes:
    buffer = BytesIO()
    render_forms([content], buffer, title=f"Formato ST2 {content.folio}")
    return buffer.getvalue()


def _write(target: str | Path | BinaryIO, data: bytes) -> None:
    if isinstance(target, (str, Path)):
        from st2desk.outputs import write_atomic

        write_atomic(target, data)
    else:
        target.write(data)


def iter_blank(folios: Iterable[str], unit_code: str, unit_name: str,
               delegation_name: str = "") -> Iterator[FormContent]:
    for folio in folios:
        yield FormContent(folio=folio, unit_code=unit_code, unit_name=unit_name,
                          delegation_name=delegation_name)
