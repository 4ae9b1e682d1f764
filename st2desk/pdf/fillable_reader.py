"""Read the values of a filled fillable ST2 (pypdf) into a `PaperForm`, as written."""

from __future__ import annotations

import logging
from io import BytesIO

from st2desk.errors import St2Error
from st2desk.forms import paper as P


class NotAForm(St2Error):
    """The file is not a readable PDF, or not a fillable ST2 of st2desk."""


def _text(value: object) -> str:
    from pypdf.generic import NameObject

    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if isinstance(value, NameObject):  # a button's state: /urgent, /M, /Yes, /Off
        name = str(value)[1:]
        return "" if name == "Off" else name
    return str(value).strip()


def _looks_like_our_form(reader) -> bool:  # type: ignore[no-untyped-def]
    """Our form without its fields: our metadata, or the form's title on the first page."""
    try:
        if (reader.metadata or {}).get("/Subject") == P.FORM_ID:
            return True
        return "FORMATO ST2" in (reader.pages[0].extract_text() or "") if reader.pages else False
    except Exception:  # noqa: BLE001 - a damaged page is simply not recognised
        return False


def read_fillable(data: bytes) -> P.PaperForm:
    """The form's values; NotAForm when the file is not one of our fillable forms."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data[:1024].lstrip().startswith(b"%PDF"):
        raise NotAForm("El archivo no es un PDF.")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed files are reported below
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise NotAForm("El PDF está protegido con contraseña; guárdelo sin protección.")
        fields = reader.get_fields() or {}
    except NotAForm:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise NotAForm("El PDF está dañado o incompleto y no se puede leer. Pida que lo envíen de "
                       "nuevo.") from None
    if P.FOLIO.name not in fields:
        if _looks_like_our_form(reader):
            raise NotAForm(
                "Este PDF es un formato ST2 cuyos campos ya no existen: se imprimió a PDF o se "
                "«aplanó» al guardarlo, y sus datos no se pueden leer. Pida a la unidad que guarde "
                "el formato llenable con «Guardar» (no con «Imprimir a PDF»), o capture el formato "
                "impreso en Captura de papel.")
        raise NotAForm("El PDF no es un formato ST2 llenable de st2desk (no tiene el campo de folio).")
    values = {name: _text(f.get("/V")) for name, f in fields.items()}
    form = P.PaperForm(folio=values.get(P.FOLIO.name, ""))
    for pf in P.PAPER_FIELDS:
        raw = values.get(pf.name, "")
        if pf.kind in (P.Kind.CHOICE, P.Kind.CHECK):
            # Some writers store a button's state as text ("/urgent") instead of a name.
            raw = raw[1:] if raw.startswith("/") else raw
            raw = "" if raw == "Off" else raw
        if pf.kind is P.Kind.CHECK:
            setattr(form, pf.name, raw not in ("", "0", "No", "Off", "false"))
        else:
            setattr(form, pf.name, raw)
    return form
