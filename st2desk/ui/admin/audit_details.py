"""An audit event in words: the action's name and each detail as a labelled, readable field
(lists joined, yes/no, nested values as «field: value»), never raw JSON. Unknown actions
and fields are shown by their code, so nothing recorded is hidden."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication


def action_labels() -> dict[str, str]:
    return {
        "login": QCoreApplication.translate("AuditDetails", "Signed in"),
        "login_failed": QCoreApplication.translate("AuditDetails", "Failed sign-in"),
        "login_locked": QCoreApplication.translate("AuditDetails", "Account locked after failed sign-ins"),
        "password_changed": QCoreApplication.translate("AuditDetails", "Changed their own password"),
        "user_add": QCoreApplication.translate("AuditDetails", "User created"),
        "user_update": QCoreApplication.translate("AuditDetails", "User changed"),
        "user_activate": QCoreApplication.translate("AuditDetails", "User activated"),
        "user_deactivate": QCoreApplication.translate("AuditDetails", "User deactivated"),
        "user_unlock": QCoreApplication.translate("AuditDetails", "User unlocked"),
        "user_password_reset": QCoreApplication.translate("AuditDetails", "Password reset"),
        "site_user_activate": QCoreApplication.translate("AuditDetails", "User activated at this site"),
        "create": QCoreApplication.translate("AuditDetails", "Request created"),
        "edit": QCoreApplication.translate("AuditDetails", "Request edited"),
        "submit": QCoreApplication.translate("AuditDetails", "Request submitted"),
        "submit_blocked": QCoreApplication.translate("AuditDetails", "Submission blocked by the review"),
        "file_emergency": QCoreApplication.translate("AuditDetails", "Emergency filed"),
        "answer_info": QCoreApplication.translate("AuditDetails", "Information given"),
        "cancel": QCoreApplication.translate("AuditDetails", "Request cancelled"),
        "revise": QCoreApplication.translate("AuditDetails", "Revision of a rejected request"),
        "ask_info": QCoreApplication.translate("AuditDetails", "Information requested"),
        "approve": QCoreApplication.translate("AuditDetails", "Approved"),
        "reject": QCoreApplication.translate("AuditDetails", "Rejected"),
        "appeal": QCoreApplication.translate("AuditDetails", "Appeal filed"),
        "decide_appeal": QCoreApplication.translate("AuditDetails", "Appeal decided"),
        "record_use": QCoreApplication.translate("AuditDetails", "Use recorded"),
        "cancel_authorization": QCoreApplication.translate("AuditDetails", "Authorization cancelled"),
        "expire": QCoreApplication.translate("AuditDetails", "Authorization expired"),
        "print_slip": QCoreApplication.translate("AuditDetails", "Slip printed"),
        "print_request": QCoreApplication.translate("AuditDetails", "Request form printed"),
        "attach": QCoreApplication.translate("AuditDetails", "File attached"),
        "detach": QCoreApplication.translate("AuditDetails", "Attachment removed"),
        "patient_add": QCoreApplication.translate("AuditDetails", "Patient registered"),
        "patient_update": QCoreApplication.translate("AuditDetails", "Patient changed"),
        "capture_paper": QCoreApplication.translate("AuditDetails", "Paper form captured"),
        "import_pdf": QCoreApplication.translate("AuditDetails", "Fillable PDF imported"),
        "reserve_folios": QCoreApplication.translate("AuditDetails", "Folio block reserved"),
        "reprint_folios": QCoreApplication.translate("AuditDetails", "Folio block reprinted"),
        "catalog_add": QCoreApplication.translate("AuditDetails", "Catalog entry added"),
        "catalog_update": QCoreApplication.translate("AuditDetails", "Catalog entry changed"),
        "catalog_reload": QCoreApplication.translate("AuditDetails", "Reference data reloaded"),
        "audit_verify": QCoreApplication.translate("AuditDetails", "Audit log verified"),
        "restore": QCoreApplication.translate("AuditDetails", "Database restored"),
        "restore_counters": QCoreApplication.translate("AuditDetails", "Counters moved forward"),
        "sync_export": QCoreApplication.translate("AuditDetails", "Sync bundle exported"),
        "sync_import": QCoreApplication.translate("AuditDetails", "Sync bundle imported"),
        "sync_refused": QCoreApplication.translate("AuditDetails", "Sync bundle refused"),
        "sync_resolve": QCoreApplication.translate("AuditDetails", "Sync conflict decided"),
        "trust_keys": QCoreApplication.translate("AuditDetails", "Another site's key trusted"),
        "revoke_key": QCoreApplication.translate("AuditDetails", "Key revoked"),
        "export_key": QCoreApplication.translate("AuditDetails", "This site's key exported"),
        "site_label": QCoreApplication.translate("AuditDetails", "Site named"),
        "version": QCoreApplication.translate("AuditDetails", "Database version"),
        "append": QCoreApplication.translate("AuditDetails", "Appended"),
    }


def field_labels() -> dict[str, str]:
    return {
        "reason": QCoreApplication.translate("AuditDetails", "Reason"),
        "username": QCoreApplication.translate("AuditDetails", "User"),
        "roles": QCoreApplication.translate("AuditDetails", "Roles"),
        "unit": QCoreApplication.translate("AuditDetails", "Unit"),
        "units": QCoreApplication.translate("AuditDetails", "Units"),
        "number": QCoreApplication.translate("AuditDetails", "Authorization number"),
        "numbers": QCoreApplication.translate("AuditDetails", "Numbers"),
        "folio": QCoreApplication.translate("AuditDetails", "Folio"),
        "origin": QCoreApplication.translate("AuditDetails", "Origin"),
        "findings": QCoreApplication.translate("AuditDetails", "Blocking findings"),
        "warnings": QCoreApplication.translate("AuditDetails", "Warnings"),
        "performed_on": QCoreApplication.translate("AuditDetails", "Performed on"),
        "revision_of": QCoreApplication.translate("AuditDetails", "Revision of"),
        "changes": QCoreApplication.translate("AuditDetails", "Changes"),
        "counts": QCoreApplication.translate("AuditDetails", "Records"),
        "count": QCoreApplication.translate("AuditDetails", "How many"),
        "sequence": QCoreApplication.translate("AuditDetails", "Bundle no."),
        "since": QCoreApplication.translate("AuditDetails", "From event"),
        "until": QCoreApplication.translate("AuditDetails", "To event"),
        "key": QCoreApplication.translate("AuditDetails", "Key"),
        "site": QCoreApplication.translate("AuditDetails", "Site"),
        "conflicts": QCoreApplication.translate("AuditDetails", "Conflicts"),
        "refused": QCoreApplication.translate("AuditDetails", "Refused records"),
        "inserted": QCoreApplication.translate("AuditDetails", "New"),
        "updated": QCoreApplication.translate("AuditDetails", "Updated"),
        "unchanged": QCoreApplication.translate("AuditDetails", "Already here"),
        "skipped": QCoreApplication.translate("AuditDetails", "Skipped"),
        "decision": QCoreApplication.translate("AuditDetails", "Decision"),
        "bundle": QCoreApplication.translate("AuditDetails", "Bundle"),
        "label": QCoreApplication.translate("AuditDetails", "Label"),
        "labels": QCoreApplication.translate("AuditDetails", "Labels"),
        "fingerprint": QCoreApplication.translate("AuditDetails", "Fingerprint"),
        "name": QCoreApplication.translate("AuditDetails", "Name"),
        "events": QCoreApplication.translate("AuditDetails", "Events"),
        "ok": QCoreApplication.translate("AuditDetails", "Intact"),
        "first_broken_seq": QCoreApplication.translate("AuditDetails", "First broken event"),
        "added": QCoreApplication.translate("AuditDetails", "Added"),
        "granted": QCoreApplication.translate("AuditDetails", "Granted"),
        "first": QCoreApplication.translate("AuditDetails", "First folio"),
        "last": QCoreApplication.translate("AuditDetails", "Last folio"),
        "year": QCoreApplication.translate("AuditDetails", "Year"),
        "file": QCoreApplication.translate("AuditDetails", "File"),
        "fillable": QCoreApplication.translate("AuditDetails", "Fillable"),
        "attachment": QCoreApplication.translate("AuditDetails", "Attachment"),
        "status": QCoreApplication.translate("AuditDetails", "Status"),
        "source": QCoreApplication.translate("AuditDetails", "Source"),
        "backup_events": QCoreApplication.translate("AuditDetails", "Events in the backup"),
        "counters_moved": QCoreApplication.translate("AuditDetails", "Counters moved"),
        "full_name": QCoreApplication.translate("AuditDetails", "Full name"),
        "specialty": QCoreApplication.translate("AuditDetails", "Specialty"),
        "professional_license": QCoreApplication.translate("AuditDetails", "Cédula"),
        "matricula": QCoreApplication.translate("AuditDetails", "Matrícula"),
    }


def coded_values() -> dict[str, str]:
    """A request's or authorization's status and a request's origin, in words."""
    from st2desk.ui.request_detail import status_labels

    values = {status.value: label for status, label in status_labels().items()}
    values.update({
        "valid": QCoreApplication.translate("AuditDetails", "Valid"),
        "app": QCoreApplication.translate("AuditDetails", "typed in the application"),
        "paper": QCoreApplication.translate("AuditDetails", "paper form"),
        "pdf": QCoreApplication.translate("AuditDetails", "fillable PDF"),
        "sync": QCoreApplication.translate("AuditDetails", "another site (sync)"),
    })
    return values


def action_label(action: str) -> str:
    return action_labels().get(action, action)


def value_text(value: Any, labels: dict[str, str] | None = None) -> str:
    """A detail's value in words."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return (
            QCoreApplication.translate("AuditDetails", "yes")
            if value
            else QCoreApplication.translate("AuditDetails", "no")
        )
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v, labels) for v in value)
    if isinstance(value, dict):
        labels = labels if labels is not None else field_labels()
        return "; ".join(f"{labels.get(str(k), str(k))}: {value_text(v, labels)}" for k, v in value.items())
    return str(value)


def _change(value: Any, labels: dict[str, str]) -> str:
    """«field: before → after» for each changed field ({field: [before, after]})."""
    if not isinstance(value, dict):
        return value_text(value, labels)
    parts = []
    for key, pair in value.items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            text = f"{value_text(pair[0], labels)} → {value_text(pair[1], labels)}"
        else:
            text = value_text(pair, labels)
        parts.append(f"{labels.get(str(key), str(key))}: {text}")
    return "; ".join(parts)


def fields(details: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) of each detail, in the order they were recorded."""
    from st2desk.models import Role
    from st2desk.services.common import ROLE_LABELS

    labels = field_labels()
    out = []
    for key, value in details.items():
        if key == "changes":
            text = _change(value, labels)
        elif key in ("status", "origin") and isinstance(value, str):
            text = coded_values().get(value, value)
        elif key == "roles" and isinstance(value, list):
            text = ", ".join(
                ROLE_LABELS.get(Role(v), v) if v in Role._value2member_map_ else str(v) for v in value
            )
        else:
            text = value_text(value, labels)
        out.append((labels.get(key, key), text))
    return out


def summary(details: dict[str, Any]) -> str:
    """One line for the table's Details column."""
    return " · ".join(f"{label}: {text}" for label, text in fields(details))
