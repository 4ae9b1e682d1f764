"""The request's state machine (DESIGN §1.2): which action is allowed from which state."""

from __future__ import annotations

from datetime import timedelta

from st2desk.errors import InvalidTransition
from st2desk.models import Priority, Request, RequestStatus

S = RequestStatus

STATUS_LABELS = {
    S.DRAFT: "Borrador",
    S.PERFORMED_EMERGENCY: "Urgencia realizada (por presentar)",
    S.IN_REVIEW: "En revisión",
    S.INFO_REQUESTED: "Información solicitada",
    S.AUTHORIZED: "Autorizada",
    S.REJECTED: "Rechazada",
    S.IN_APPEAL: "En recurso de revisión",
    S.REJECTED_FINAL: "Rechazo definitivo",
    S.USED: "Utilizada",
    S.EXPIRED: "Vencida",
    S.CANCELLED: "Cancelada",
}

# action -> (states it may start from, Spanish verb phrase for messages)
ALLOWED: dict[str, tuple[frozenset[RequestStatus], str]] = {
    "edit": (frozenset({S.DRAFT, S.PERFORMED_EMERGENCY}), "modificar"),
    "submit": (frozenset({S.DRAFT, S.PERFORMED_EMERGENCY}), "enviar"),
    "cancel": (
        frozenset({S.DRAFT, S.PERFORMED_EMERGENCY, S.IN_REVIEW, S.INFO_REQUESTED}),
        "cancelar",
    ),
    "ask_info": (frozenset({S.IN_REVIEW}), "pedir información sobre"),
    "answer_info": (frozenset({S.INFO_REQUESTED}), "responder"),
    "approve": (frozenset({S.IN_REVIEW}), "aprobar"),
    "reject": (frozenset({S.IN_REVIEW}), "rechazar"),
    "appeal": (frozenset({S.REJECTED}), "interponer un recurso de revisión contra"),
    "decide_appeal": (frozenset({S.IN_APPEAL}), "resolver el recurso de"),
    "revise": (frozenset({S.REJECTED, S.REJECTED_FINAL}), "revisar y volver a presentar"),
    "attach": (frozenset({S.DRAFT, S.PERFORMED_EMERGENCY, S.INFO_REQUESTED}), "adjuntar archivos a"),
    "record_use": (frozenset({S.AUTHORIZED}), "registrar el uso de"),
    "expire": (frozenset({S.AUTHORIZED}), "dar por vencida"),
    "cancel_authorization": (frozenset({S.AUTHORIZED}), "cancelar la autorización de"),
}

SERVICE_LEVEL = {Priority.URGENT: timedelta(hours=72), Priority.ORDINARY: timedelta(days=7)}
APPEAL_WINDOW = timedelta(days=15)
EMERGENCY_FILING_WINDOW = timedelta(hours=72)
PENDING_STATES = frozenset({S.IN_REVIEW, S.INFO_REQUESTED, S.IN_APPEAL})


def ensure_allowed(request: Request, action: str) -> None:
    states, verb = ALLOWED[action]
    if request.status not in states:
        raise InvalidTransition(
            f"No se puede {verb} la solicitud {request.folio} porque está en estado "
            f"«{STATUS_LABELS[request.status]}»."
        )
