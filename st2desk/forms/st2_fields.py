"""Field definitions of the ST2 request: names, labels, bounds (DESIGN §3).

The Qt form, the paper form and the PDF import all read these, so a limit changes in
one place. Labels are Spanish source strings; the UI passes them through Qt translation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    required: bool = True
    min_length: int = 0
    max_length: int | None = None


NSS = FieldSpec("nss", "NSS", max_length=11, min_length=11)
AGREGADO = FieldSpec("agregado", "Agregado médico", max_length=8, min_length=8)
CURP = FieldSpec("curp", "CURP", max_length=18, min_length=18)
SERVICE = FieldSpec("service", "Estudio o procedimiento")
DIAGNOSIS = FieldSpec("diagnosis", "Diagnóstico (CIE-10)", max_length=8)
JUSTIFICATION = FieldSpec("justification", "Justificación clínica", min_length=30, max_length=4000)
PERFORMING_UNIT = FieldSpec("performing_unit", "Unidad de destino")
PRIORITY = FieldSpec("priority", "Prioridad")
PERFORMED_ON = FieldSpec("performed_on", "Fecha en que se realizó (urgencia)", required=False)
PERFORMED_TIME = FieldSpec("performed_time", "Hora (hh:mm)", required=False,
                           max_length=5)

REJECTION_TEXT = FieldSpec("text", "Motivo detallado del rechazo", min_length=20, max_length=2000)
QUESTION = FieldSpec("question", "Información solicitada", min_length=10, max_length=2000)
ANSWER = FieldSpec("answer", "Respuesta", min_length=5, max_length=4000)
APPEAL_RESOLUTION = FieldSpec("text", "Fundamentos de la resolución del recurso", min_length=20,
                              max_length=2000)
APPEAL_GROUNDS = FieldSpec("grounds", "Fundamentos del recurso", min_length=30, max_length=4000)
CANCEL_REASON = FieldSpec("reason", "Motivo de la cancelación", min_length=5, max_length=400)
SCHEDULING_NOTE = FieldSpec("scheduling_note", "Nota de programación", required=False, max_length=400)

REQUEST_FIELDS = (NSS, AGREGADO, CURP, SERVICE, DIAGNOSIS, JUSTIFICATION, PERFORMING_UNIT, PRIORITY)


def length_problem(spec: FieldSpec, value: str | None) -> str | None:
    """The Spanish message for a text outside its bounds, or None when it fits."""
    text = (value or "").strip()
    if not text:
        return f"Falta «{spec.label}»." if spec.required else None
    if spec.min_length and len(text) < spec.min_length:
        return f"«{spec.label}» es demasiado breve: al menos {spec.min_length} caracteres."
    if spec.max_length is not None and len(text) > spec.max_length:
        return f"«{spec.label}» excede {spec.max_length} caracteres ({len(text)})."
    return None


def parse_hour(text: str | None) -> time | None:
    """An hour as written ("14:30", "9:05", "0930", "14.30", "14 h"); None when empty.

    Raises ValueError with the Spanish reason for anything else.
    """
    raw = (text or "").strip().lower().replace(".", ":").replace("h", "").strip()
    if not raw:
        return None
    if ":" in raw:
        hours, _, minutes = raw.partition(":")
    elif raw.isdigit() and len(raw) in (3, 4):
        hours, minutes = raw[:-2], raw[-2:]
    else:
        hours, minutes = raw, "00"
    hours, minutes = hours.strip(), minutes.strip() or "00"
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2):
        raise ValueError(f"«{text}» no es una hora: escríbala como hh:mm (p. ej. 14:30).")
    h, m = int(hours), int(minutes)
    if h > 23 or m > 59:
        raise ValueError(f"«{text}» no es una hora del día (00:00 a 23:59).")
    return time(h, m)
