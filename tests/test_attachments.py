"""Files attached to a request: who, when, which types, how large, and the audit trail."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from st2desk.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from st2desk.models import Attachment, AuditEvent, Role
from st2desk.services import attachments, decisions, requests
from tests import flows
from tests.cast import OTHER_UNIT

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def test_pdf_is_stored_with_hash_and_audited_without_the_file_name(db, cast):
    request_id = flows.draft(db, cast)
    with db.transaction() as s:
        info = attachments.add_attachment(s, cast.physician, request_id,
                                          "C:\\Users\\medico\\PEREZ GOMEZ JUAN.pdf", PDF)
    assert info.filename == "PEREZ GOMEZ JUAN.pdf"
    assert info.media_type == "application/pdf" and info.size == len(PDF)
    with db.session() as s:
        stored = s.scalar(select(Attachment))
        event = s.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
        assert stored.content == PDF
        assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert event.action == "attach" and event.details["sha256"] == stored.sha256
    assert "PEREZ" not in str(event.details)


@pytest.mark.parametrize(("content", "media_type"), [(PNG, "image/png"), (JPEG, "image/jpeg")])
def test_images_are_recognised_by_their_bytes(db, cast, content, media_type):
    request_id = flows.draft(db, cast)
    with db.transaction() as s:
        info = attachments.add_attachment(s, cast.physician, request_id, "estudio", content)
    assert info.media_type == media_type


def test_type_is_judged_by_content_not_by_name(db, cast):
    request_id = flows.draft(db, cast)
    with db.transaction() as s, pytest.raises(ValidationError, match="PDF, PNG o JPEG"):
        attachments.add_attachment(s, cast.physician, request_id, "nota.pdf", b"MZ\x90\x00 not a pdf")


def test_size_limit_and_empty_and_duplicate_files(db, cast):
    request_id = flows.draft(db, cast)
    big = PDF + b"0" * attachments.MAX_BYTES
    with db.transaction() as s, pytest.raises(ValidationError, match="máximo es 10 MB"):
        attachments.add_attachment(s, cast.physician, request_id, "grande.pdf", big)
    with db.transaction() as s, pytest.raises(ValidationError, match="vacío"):
        attachments.add_attachment(s, cast.physician, request_id, "vacio.pdf", b"")
    with db.transaction() as s:
        attachments.add_attachment(s, cast.physician, request_id, "a.pdf", PDF)
    with db.transaction() as s, pytest.raises(ValidationError, match="ya está adjunto"):
        attachments.add_attachment(s, cast.physician, request_id, "b.pdf", PDF)


def test_only_the_requesting_physician_attaches(db, cast):
    request_id = flows.draft(db, cast)
    with db.transaction() as s, pytest.raises(PermissionDenied):
        attachments.add_attachment(s, cast.physician2, request_id, "a.pdf", PDF)
    with db.transaction() as s, pytest.raises(PermissionDenied):
        attachments.add_attachment(s, cast.specialist, request_id, "a.pdf", PDF)


def test_attaching_follows_the_workflow(db, cast):
    request_id = flows.in_review(db, cast)
    with db.transaction() as s, pytest.raises(InvalidTransition, match="En revisión"):
        attachments.add_attachment(s, cast.physician, request_id, "a.pdf", PDF)
    with db.transaction() as s:
        decisions.ask_information(s, cast.specialist, request_id, "Envíe el reporte previo.")
    with db.transaction() as s:
        attachments.add_attachment(s, cast.physician, request_id, "reporte.pdf", PDF)
    with db.session() as s:
        listed = attachments.list_attachments(s, cast.specialist, request_id)
        assert [a.filename for a in listed] == ["reporte.pdf"]
        content = attachments.get_attachment_content(s, cast.specialist, listed[0].id)
        assert content.content == PDF
        with pytest.raises(PermissionDenied):
            attachments.list_attachments(s, cast.reception, request_id)
        with pytest.raises(PermissionDenied):
            attachments.list_attachments(s, cast.physician2, request_id)


def test_removing_a_file_from_a_draft(db, cast):
    request_id = flows.draft(db, cast)
    with db.transaction() as s:
        info = attachments.add_attachment(s, cast.physician, request_id, "a.pdf", PDF)
    with db.transaction() as s, pytest.raises(PermissionDenied):
        attachments.remove_attachment(s, cast.physician2, info.id)
    with db.transaction() as s:
        attachments.remove_attachment(s, cast.physician, info.id)
    with db.session() as s:
        assert s.scalar(select(Attachment.id)) is None
        assert s.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1)) == "detach"


def test_files_are_read_only_where_the_request_is_visible(db, cast):
    """Attachment ids are sequential: trying them must not open another unit's files."""
    from tests.test_inbox_queries import make_user

    request_id = flows.draft(db, cast)
    with db.transaction() as s:
        info = attachments.add_attachment(s, cast.physician, request_id, "nota.pdf", PDF)
    other_unit_chief = make_user(db, "jefe.27", OTHER_UNIT, [Role.SPECIALIST, Role.APPEALS], "RADIO")
    with db.session() as s:
        # A draft is its requesting unit's: the performing unit's reviewers do not see it yet.
        for outsider in (cast.specialist, cast.appeals, other_unit_chief):
            with pytest.raises(NotFound):
                attachments.get_attachment_content(s, outsider, info.id)
    with db.transaction() as s:
        requests.submit(s, cast.physician, request_id)
    with db.session() as s:
        assert attachments.get_attachment_content(s, cast.specialist, info.id).content == PDF
        for outsider in (other_unit_chief, cast.other_specialist):
            with pytest.raises(NotFound):
                attachments.get_attachment_content(s, outsider, info.id)
