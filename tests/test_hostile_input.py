"""Hostile input: any text given to a validator yields a value or a Spanish ValidationError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from st2desk import identifiers, numbering
from st2desk.errors import St2Error, ValidationError
from st2desk.forms import st2_fields as F
from st2desk.models import AuditEvent, Request
from st2desk.services.common import clean_text
from tests import flows

texts = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="0123456789 -", max_size=20),
    st.sampled_from(["'; DROP TABLE requests; --", "\x00\x01", "ñ" * 5000, "\u202e1234", "１２３"]),
)


def _spanish(exc: ValidationError) -> bool:
    return bool(exc.message) and (exc.message[0].isupper() or exc.message[0] in "«¿¡")


@given(texts)
def test_nss_validator(value):
    try:
        nss = identifiers.validate_nss(value)
    except ValidationError as exc:
        assert _spanish(exc)
    else:
        assert len(nss) == 11 and nss.isascii() and nss.isdigit()


@given(texts)
def test_curp_validator(value):
    try:
        curp = identifiers.validate_curp(value)
    except ValidationError as exc:
        assert _spanish(exc)
    else:
        assert len(curp) == 18


@given(texts)
def test_agregado_parser(value):
    try:
        identifiers.parse_agregado(value)
    except ValidationError as exc:
        assert _spanish(exc)


@given(texts)
def test_number_parser(value):
    try:
        parsed = numbering.parse_number(value)
    except ValidationError as exc:
        assert _spanish(exc)
    else:
        formatted = (numbering.format_authorization if parsed.is_authorization
                     else numbering.format_folio)(parsed.unit_code, parsed.year, parsed.sequence)
        assert formatted == numbering.normalize(value)


@given(st.text(max_size=5000))
def test_clean_text(value):
    try:
        text = clean_text(F.JUSTIFICATION, value)
    except ValidationError as exc:
        assert exc.field == "justification"
    else:
        assert 30 <= len(text) <= 4000 and text == text.strip()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(justification=st.text(max_size=300), diagnosis=texts)
def test_hostile_draft_is_saved_intact_or_refused_without_trace(db, cast, justification, diagnosis):
    with db.session() as s:
        before = (s.scalar(select(func.count()).select_from(Request)),
                  s.scalar(select(func.max(AuditEvent.seq))))
    try:
        request_id = flows.draft(db, cast, justification=justification, diagnosis_code=diagnosis)
    except St2Error:
        with db.session() as s:
            after = (s.scalar(select(func.count()).select_from(Request)),
                     s.scalar(select(func.max(AuditEvent.seq))))
        assert after == before
    else:
        with db.session() as s:
            assert s.get(Request, request_id).justification == clean_text(
                F.FieldSpec("j", "j", required=False, max_length=4000), justification)
