"""Files attached to a request: clinical notes, earlier studies (PDF, PNG or JPEG).

The requesting physician attaches files to their own request while the state allows it
(workflow action ``attach``: draft, emergency to be filed, information requested). The
type is decided by the file's first bytes, never by its name; the size is at most 10 MB;
the SHA-256 of the content is stored. The audit event names the attachment by its UUID,
type, size and hash — not by the file name, which may carry the patient's name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from st2desk import audit, clock
from st2desk.errors import NotFound, PermissionDenied, ValidationError
from st2desk.models import Attachment, Request, Role
from st2desk.services.common import Actor, check_version, require_role
from st2desk.services.lookup import AttachmentInfo, attachment_infos
from st2desk.services.visibility import active_user, readable_request
from st2desk.services.workflow import ensure_allowed

MAX_BYTES = 10 * 1024 * 1024
MAX_FILENAME = 200

# (media type, magic bytes at offset 0)
_SIGNATURES = (
    ("application/pdf", b"%PDF-"),
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
)
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
# Who besides the requesting physician may read a request's files.
_READERS = (Role.SPECIALIST, Role.APPEALS, Role.ADMIN)


def human_size(size: int) -> str:
    """A file size as people read it: 820 KB, 3.4 MB."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def sniff_media_type(content: bytes) -> str | None:
    """The media type the content's magic bytes announce, if it is one we accept."""
    for media_type, magic in _SIGNATURES:
        if content.startswith(magic):
            return media_type
    return None


def clean_filename(name: str, media_type: str) -> str:
    """The base name only, printable, at most 200 characters, with a fitting extension."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base)
                   if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if not base:
        base = "adjunto" + EXTENSIONS[media_type]
    if len(base) > MAX_FILENAME:
        stem, dot, ext = base.rpartition(".")
        ext = dot + ext if dot and len(ext) <= 5 else ""
        base = base[: MAX_FILENAME - len(ext)] + ext
    return base


def _own_request(session: Session, actor: Actor, request_id: int, doing: str) -> Request:
    require_role(session, actor, Role.PHYSICIAN, doing)
    req: Request = readable_request(session, actor.user_id, request_id)
    if req.physician_id != actor.user_id:
        raise PermissionDenied(f"Solo el médico que elaboró la solicitud {req.folio} puede {doing}.")
    return req


def add_attachment(session: Session, actor: Actor, request_id: int, filename: str,
                   content: bytes, *, expected_version: int | None = None) -> AttachmentInfo:
    """Attach a PDF, PNG or JPEG file of at most 10 MB to the actor's own request."""
    req = _own_request(session, actor, request_id, "adjuntar archivos")
    check_version(req, expected_version)
    ensure_allowed(req, "attach")
    if not isinstance(content, bytes | bytearray) or not content:
        raise ValidationError("El archivo está vacío.", field="attachment")
    if len(content) > MAX_BYTES:
        raise ValidationError(
            f"El archivo pesa {len(content) / 1024 / 1024:.1f} MB; el máximo es "
            f"{MAX_BYTES // 1024 // 1024} MB.", field="attachment")
    media_type = sniff_media_type(bytes(content[:16]))
    if media_type is None:
        raise ValidationError(
            "Solo se pueden adjuntar archivos PDF, PNG o JPEG; el contenido de este archivo "
            "no corresponde a ninguno de ellos.", field="attachment")
    digest = hashlib.sha256(content).hexdigest()
    if session.scalar(select(Attachment.id).where(Attachment.request_id == req.id,
                                                  Attachment.sha256 == digest)):
        raise ValidationError("Ese archivo ya está adjunto a la solicitud.", field="attachment")
    attachment = Attachment(uuid=uuid.uuid4(), request_id=req.id,
                            filename=clean_filename(filename, media_type), media_type=media_type,
                            size=len(content), sha256=digest, content=bytes(content),
                            added_by_id=actor.user_id, added_at=clock.now())
    session.add(attachment)
    audit.record(session, user_id=actor.user_id, username=actor.username, action="attach",
                 entity="request", entity_id=req.uuid,
                 details={"folio": req.folio, "attachment": str(attachment.uuid),
                          "media_type": media_type, "size": len(content), "sha256": digest})
    return AttachmentInfo(attachment.id, attachment.filename, media_type, len(content), digest,
                          attachment.added_at)


def remove_attachment(session: Session, actor: Actor, attachment_id: int) -> None:
    """Take a file off the actor's own request while the state still allows attaching."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("El archivo adjunto ya no existe.")
    req = _own_request(session, actor, attachment.request_id, "quitar archivos adjuntos")
    ensure_allowed(req, "attach")
    details = {"folio": req.folio, "attachment": str(attachment.uuid), "sha256": attachment.sha256}
    session.delete(attachment)
    audit.record(session, user_id=actor.user_id, username=actor.username, action="detach",
                 entity="request", entity_id=req.uuid, details=details)


def _readable_request(session: Session, actor: Actor, request_id: int) -> Request:
    req = readable_request(session, actor.user_id, request_id)
    if req.physician_id == actor.user_id:
        return req
    if not active_user(session, actor.user_id).roles & set(_READERS):
        raise PermissionDenied(f"Su rol no permite ver los archivos adjuntos de la solicitud {req.folio}.")
    return req


def list_attachments(session: Session, actor: Actor, request_id: int) -> list[AttachmentInfo]:
    """The request's files (without their content), oldest first."""
    req = _readable_request(session, actor, request_id)
    return list(attachment_infos(session, req.id))


@dataclass(frozen=True)
class AttachmentContent:
    filename: str
    media_type: str
    content: bytes


def get_attachment_content(session: Session, actor: Actor, attachment_id: int) -> AttachmentContent:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("El archivo adjunto ya no existe.")
    _readable_request(session, actor, attachment.request_id)
    return AttachmentContent(attachment.filename, attachment.media_type, attachment.content)
