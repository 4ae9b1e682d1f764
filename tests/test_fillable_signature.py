"""Issue 11: the fillable ST2 has a signature field where the physician signs."""

from __future__ import annotations

import io

from pypdf import PdfReader

from st2desk.pdf.st2_form import LAYOUT, SIGNATURE_FIELD, FormContent, render_fillable


def test_the_fillable_form_carries_a_signature_field_in_the_physicians_box():
    data = render_fillable(FormContent(folio="09UMF20-2026-000101-0", unit_code="09UMF20"))
    reader = PdfReader(io.BytesIO(data))
    fields = reader.get_fields()
    assert fields[SIGNATURE_FIELD]["/FT"] == "/Sig"
    assert reader.trailer["/Root"]["/AcroForm"]["/SigFlags"] == 1
    widgets = [a.get_object() for a in reader.pages[0]["/Annots"]]
    sig = next(w for w in widgets if w.get("/T") == SIGNATURE_FIELD)
    x0, y0, x1, y1 = (float(v) for v in sig["/Rect"])
    box = LAYOUT.boxes[SIGNATURE_FIELD]
    assert box.x <= x0 < x1 <= box.x + box.w and box.y <= y0 < y1 <= box.y + box.h
    # Every other field is still there and fillable.
    assert {"nss", "curp", "justification", "performed_time", "folio"} <= set(fields)
