"""Read-only detail of one request: the request, the automated findings, the exchanges,
the decisions and appeals, the attached files (a link opens one), and the patient's
earlier requests.

`RequestDetailPane` is reusable by any window that shows a request (inbox, appeals,
my requests, reception): hand it a `RequestDetail` from `services.inbox.request_detail`,
or let `load(ctx, request_id)` fetch it through the operations helper. The module also
holds the small formatters (dates dd/mm/yyyy in the clinics' time zone, the
service-level clock, status and priority names) that the item models share.
"""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal, Slot
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from st2desk import clock, timezones
from st2desk.errors import St2Error
from st2desk.models import DecisionKind, Priority, RequestStatus, Severity, Sex
from st2desk.services import inbox as inbox_service
from st2desk.services.attachments import human_size
from st2desk.services.inbox import RequestDetail
from st2desk.services.lookup import dotted_cie10
from st2desk.services.review import age_on
from st2desk.ui.attachment_opener import attachment_id_of, attachment_url, open_attachment
from st2desk.ui.context import UiContext

# --------------------------------------------------------------------------- formatters


def status_labels() -> dict[RequestStatus, str]:
    """Status names in the interface language (build once per model, not per cell)."""
    S = RequestStatus
    return {
        S.DRAFT: QCoreApplication.translate("RequestFormat", "Draft"),
        S.PERFORMED_EMERGENCY: QCoreApplication.translate(
            "RequestFormat", "Emergency performed (to be filed)"),
        S.IN_REVIEW: QCoreApplication.translate("RequestFormat", "In review"),
        S.INFO_REQUESTED: QCoreApplication.translate("RequestFormat", "Information requested"),
        S.AUTHORIZED: QCoreApplication.translate("RequestFormat", "Authorized"),
        S.REJECTED: QCoreApplication.translate("RequestFormat", "Rejected"),
        S.IN_APPEAL: QCoreApplication.translate("RequestFormat", "In appeal"),
        S.REJECTED_FINAL: QCoreApplication.translate("RequestFormat", "Finally rejected"),
        S.USED: QCoreApplication.translate("RequestFormat", "Used"),
        S.EXPIRED: QCoreApplication.translate("RequestFormat", "Expired"),
        S.CANCELLED: QCoreApplication.translate("RequestFormat", "Cancelled"),
    }


def priority_labels() -> dict[Priority, str]:
    return {
        Priority.URGENT: QCoreApplication.translate("RequestFormat", "Urgent"),
        Priority.ORDINARY: QCoreApplication.translate("RequestFormat", "Ordinary"),
    }


def fmt_date(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def fmt_datetime(value: datetime | None, zone: str | None = None) -> str:
    """Day first, on the wall clock of `zone`, the zone of the unit that owns the record
    (its requesting unit: issue 13, item 1); without `zone`, the signed-in unit's. When the
    signed-in unit's clock reads otherwise, the zone is named: "… (Tijuana time)"."""
    if not value:
        return ""
    if zone is None:
        return f"{clock.local(value):%d/%m/%Y %H:%M}"
    text = f"{clock.local_in(value, zone):%d/%m/%Y %H:%M}"
    return text if clock.is_local(zone, value) else zone_note(text, zone)


def zone_note(text: str, zone: str | None) -> str:
    """`text` followed by the place whose clock it reads, e.g. "02/12/2026 23:30 (Tijuana time)"."""
    return QCoreApplication.translate("RequestFormat", "%1 (%2 time)").replace(
        "%1", text).replace("%2", timezones.place(zone))


def fmt_owner_date(value: datetime | None, zone: str | None) -> str:
    """The calendar day of `value` in the owning unit's `zone` (no note: a column's cell)."""
    return fmt_date(clock.date_in(value, zone)) if value else ""


def fmt_duration(delta: timedelta) -> str:
    """A positive span as days and hours (or hours and minutes under a day)."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return QCoreApplication.translate("RequestFormat", "%1 d %2 h").replace(
            "%1", str(days)).replace("%2", str(hours))
    return QCoreApplication.translate("RequestFormat", "%1 h %2 min").replace(
        "%1", str(hours)).replace("%2", str(mins))


def clock_text(status: RequestStatus, due_at: datetime | None, paused_at: datetime | None,
               now: datetime) -> str:
    """The service-level clock: time left, overdue, or paused while information is asked."""
    if due_at is None:
        return ""
    if status is RequestStatus.INFO_REQUESTED or paused_at is not None:
        left = due_at - (paused_at or now)
        if left.total_seconds() <= 0:
            return QCoreApplication.translate("RequestFormat", "paused (overdue)")
        return QCoreApplication.translate("RequestFormat", "paused (%1 left)").replace(
            "%1", fmt_duration(left))
    left = due_at - now
    if left.total_seconds() < 0:
        return QCoreApplication.translate("RequestFormat", "overdue by %1").replace(
            "%1", fmt_duration(-left))
    return fmt_duration(left)


# --------------------------------------------------------------------------- the pane


def _e(text: object) -> str:
    return html.escape(str(text or ""))


def _multiline(text: str | None) -> str:
    return _e(text).replace("\n", "<br>")


class RequestDetailPane(QWidget):
    """Shows one request read-only; the text is selectable and reachable with the keyboard."""

    sig_loaded = Signal(object)
    """A detail was shown (the `RequestDetail`, or None when cleared)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requestDetail")
        self.detail: RequestDetail | None = None
        self.notice = QLabel()
        self.notice.setObjectName("detailNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "QLabel { background: #fff4ce; color: #5c4400; border: 1px solid #e0c96b;"
            " border-radius: 3px; padding: 4px 6px; }")
        self.notice.hide()
        self.browser = QTextBrowser()
        self.browser.setObjectName("requestDetailText")
        self.browser.setOpenLinks(False)
        self.browser.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction
                                             | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.browser.setAccessibleName(self.tr("Request detail"))
        self.browser.anchorClicked.connect(self._link_clicked)
        self.ctx: UiContext | None = None
        self.browser.document().setDefaultStyleSheet(
            "h2 { margin: 0 0 2px 0; } h3 { margin: 10px 0 2px 0; color: #1f4e79; }"
            " td.k { color: #555; padding-right: 8px; white-space: nowrap; }"
            " th { text-align: left; color: #555; padding-right: 8px; }"
            " td { padding-right: 8px; } .warn { color: #8a5a00; } .block { color: #b00020; }"
            " .overdue { color: #b00020; font-weight: bold; } .muted { color: #666; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.notice)
        layout.addWidget(self.browser, 1)
        self.setFocusProxy(self.browser)
        self.clear()

    def tr(self, text: str, disambiguation: str | None = None, n: int = -1) -> str:  # type: ignore[override]
        """Translations of this class keep their context when a window subclasses the pane."""
        return QCoreApplication.translate("RequestDetailPane", text, disambiguation, n)

    # ------------------------------------------------------------------ API

    def clear(self, message: str | None = None) -> None:
        self.detail = None
        self.set_notice("")
        text = message if message is not None else self.tr("Select a request to see its detail.")
        self.browser.setHtml(f"<p class='muted'>{_e(text)}</p>")
        self.sig_loaded.emit(None)

    def set_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def load(self, ctx: UiContext, request_id: int) -> RequestDetail | None:
        """Fetch and show a request; a domain error is shown in the pane, not raised."""
        self.ctx = ctx
        try:
            detail = ctx.ops.read(lambda s: inbox_service.request_detail(s, ctx.actor, request_id))
        except St2Error as exc:
            self.clear(exc.message)
            return None
        self.set_detail(detail)
        return detail

    def set_detail(self, detail: RequestDetail | None, now: datetime | None = None) -> None:
        if detail is None:
            self.clear()
            return
        keep_scroll = self.detail is not None and self.detail.id == detail.id
        position = self.browser.verticalScrollBar().value()
        self.detail = detail
        self.browser.setHtml(self.render_html(detail, now or clock.now()))
        if keep_scroll:
            self.browser.verticalScrollBar().setValue(position)
        self.sig_loaded.emit(detail)

    def text(self) -> str:
        """The pane's plain text (tests, copying)."""
        return self.browser.toPlainText()

    @Slot(QUrl)
    def _link_clicked(self, url: QUrl) -> None:
        """An attached file's link (click, or Tab to it and Enter) opens the file."""
        attachment_id = attachment_id_of(url)
        if attachment_id is not None and self.ctx is not None:
            open_attachment(self, self.ctx, attachment_id)

    # ------------------------------------------------------------------ rendering

    def render_html(self, d: RequestDetail, now: datetime) -> str:
        statuses = status_labels()
        priorities = priority_labels()
        parts: list[str] = []

        def h3(text: str) -> None:
            parts.append("<h3>" + _e(text) + "</h3>")

        def muted(text: str) -> None:
            parts.append("<p class='muted'>" + _e(text) + "</p>")

        def table(rows: list[tuple[str, str]]) -> None:
            body = "".join(f"<tr><td class='k'>{_e(k)}</td><td>{v}</td></tr>" for k, v in rows if v)
            parts.append(f"<table cellspacing='0' cellpadding='1'>{body}</table>")

        pending = d.status in (RequestStatus.IN_REVIEW, RequestStatus.INFO_REQUESTED)
        clock_line = clock_text(d.status, d.due_at, d.clock_paused_at, now) if pending else ""
        overdue = d.status is RequestStatus.IN_REVIEW and d.due_at is not None and d.due_at < now
        head = ["<b>" + _e(statuses[d.status]) + "</b>", _e(priorities[d.priority])]
        if d.is_emergency:
            emergency = self.tr("emergency performed on %1").replace("%1", fmt_date(d.performed_on))
            if d.performed_time is not None:
                emergency = self.tr("emergency performed on %1 at %2").replace(
                    "%1", fmt_date(d.performed_on)).replace("%2", f"{d.performed_time:%H:%M}")
            head.append(_e(emergency))
        if clock_line:
            label = self.tr("Service-level clock:")
            css = "overdue" if overdue else ""
            head.append(f"<span class='{css}'>{_e(label)} {_e(clock_line)}</span>")
        parts.append(f"<h2>{_e(d.folio)}</h2><p>{' · '.join(head)}</p>")

        sex = ""
        if d.sex is Sex.MALE:
            sex = self.tr("male")
        elif d.sex is Sex.FEMALE:
            sex = self.tr("female")
        birth = ""
        if d.birth_date:
            birth = self.tr("%1 (%2 years)").replace("%1", fmt_date(d.birth_date)).replace(
                "%2", str(age_on(d.birth_date, d.requested_on)))
        eligibility = ""
        if d.eligible_until:
            eligibility = _e(fmt_date(d.eligible_until))
            if d.eligible_until < d.requested_on:
                expired = self.tr("expired")
                eligibility = f"<span class='warn'>{eligibility} — {_e(expired)}</span>"
        h3(self.tr("Patient"))
        table([
            (self.tr("Name"), _e(d.patient_name)),
            (self.tr("NSS"), _e(f"{d.nss}  {d.agregado}".strip())),
            (self.tr("CURP"), _e(d.curp)),
            (self.tr("Birth date"), _e(birth)),
            (self.tr("Sex"), _e(sex)),
            (self.tr("Eligible until"), eligibility),
        ])

        h3(self.tr("Requested service"))
        code = dotted_cie10(d.diagnosis_code) if d.diagnosis_code else ""  # as written: M23.2
        diagnosis = f"{code} — {d.diagnosis_description}" if d.diagnosis_description else code
        physician = d.physician_name + (f" ({d.physician_license})" if d.physician_license else "")
        table([
            (self.tr("Service"), _e(f"{d.service_code} — {d.service_name}")),
            (self.tr("Specialty"), _e(d.specialty_name)),
            (self.tr("Diagnosis (ICD-10)"), _e(diagnosis)),
            (self.tr("Requesting unit"), _e(d.requesting_unit)),
            (self.tr("Physician"), _e(physician)),
            (self.tr("Performing unit"), _e(d.performing_unit)),
            (self.tr("Requested on"), _e(fmt_date(d.requested_on))),
            (self.tr("Submitted"), _e(fmt_datetime(d.submitted_at, d.time_zone))),
            (self.tr("Due"), _e(fmt_datetime(d.due_at, d.time_zone))),
            (self.tr("Revision of"), _e(d.revision_of_folio)),
            (self.tr("Authorization"), _e(d.authorization_number)),
        ])
        h3(self.tr("Clinical justification"))
        parts.append("<p>" + _multiline(d.justification) + "</p>")

        if d.attachments:
            h3(self.tr("Attached files (%1)").replace("%1", str(len(d.attachments))))
            items = [f"<li><a href='{attachment_url(a.id)}'>{_e(a.filename)}</a>"
                     f" <span class='muted'>· {_e(human_size(a.size))}</span></li>"
                     for a in d.attachments]
            parts.append("<ul>" + "".join(items) + "</ul>")

        h3(self.tr("Automated review (warnings: %1)").replace("%1", str(len(d.warnings))))
        if d.findings:
            items = []
            for f in d.findings:
                css = "block" if f.severity is Severity.BLOCK else "warn"
                mark = "⛔" if f.severity is Severity.BLOCK else "⚠"
                items.append(f"<li class='{css}'>{mark} {_e(f.message)}</li>")
            parts.append("<ul>" + "".join(items) + "</ul>")
        else:
            muted(self.tr("No findings: the automated review passed."))

        if d.information:
            h3(self.tr("Information requested"))
            for i in d.information:
                asked = self.tr("%1 asked on %2:").replace("%1", i.asked_by_name).replace(
                    "%2", fmt_datetime(i.asked_at, d.time_zone))
                parts.append(f"<p><b>{_e(asked)}</b> {_multiline(i.question)}</p>")
                if i.answer:
                    answered = self.tr("Answer (%1):").replace("%1", fmt_datetime(i.answered_at, d.time_zone))
                    parts.append(f"<p><b>{_e(answered)}</b> {_multiline(i.answer)}</p>")
                else:
                    muted(self.tr("Not answered yet."))

        if d.decisions:
            h3(self.tr("Decisions"))
            reason_label = self.tr("Reason:")
            for dec in d.decisions:
                if dec.kind is DecisionKind.APPROVE:
                    what = self.tr("Approved on appeal") if dec.on_appeal else self.tr("Approved")
                else:
                    what = self.tr("Appeal denied") if dec.on_appeal else self.tr("Rejected")
                by = self.tr("%1 by %2 on %3").replace("%1", what).replace(
                    "%2", dec.decided_by_name).replace("%3", fmt_datetime(dec.decided_at, d.time_zone))
                reason = (f"<br>{_e(reason_label)} <b>{_e(dec.reason_code)}</b> — {_e(dec.reason)}"
                          if dec.reason_code else "")
                text = f"<br>{_multiline(dec.text)}" if dec.text else ""
                parts.append(f"<p><b>{_e(by)}</b>{reason}{text}</p>")

        if d.appeals:
            h3(self.tr("Appeal (recurso de revisión)"))
            for a in d.appeals:
                filed = self.tr("Filed by %1 on %2. Grounds:").replace(
                    "%1", a.filed_by_name).replace("%2", fmt_datetime(a.filed_at, d.time_zone))
                parts.append(f"<p><b>{_e(filed)}</b><br>{_multiline(a.grounds)}</p>")

        h3(self.tr("Earlier requests of the patient (%1)").replace("%1", str(len(d.history))))
        if d.history:
            items = []
            for h in d.history:
                line = " · ".join(_e(x) for x in (fmt_date(h.requested_on), statuses[h.status],
                                                  h.authorization_number) if x)
                where = " · ".join(_e(x) for x in (h.service_code, h.service_name,
                                                   h.performing_unit_code) if x)
                items.append(f"<li><b>{_e(h.folio)}</b> · {line}<br>"
                             f"<span class='muted'>{where}</span></li>")
            parts.append("<ul>" + "".join(items) + "</ul>")
        else:
            muted(self.tr("None."))
        return "".join(parts)
