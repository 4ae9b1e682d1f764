"""The specialist deciding a request, and its physician, open its attached files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices

from st2desk.services import attachments, requests
from st2desk.ui.attachment_opener import attachment_url
from st2desk.ui.request_detail import RequestDetailPane
from tests import flows
from tests.ui.test_inbox import open_inbox
from tests.ui.test_my_requests import open_view

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """What the desktop was asked to open (the local files)."""
    urls: list[Path] = []

    def open_url(url: QUrl) -> bool:
        urls.append(Path(url.toLocalFile()))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    return urls


def submitted_with_a_study(db, cast) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    request_id = flows.draft(db, cast)
    with db.transaction() as s:
        info = attachments.add_attachment(s, cast.physician, request_id, "TAC previa.pdf", PDF)
    with db.transaction() as s:
        assert requests.submit(s, cast.physician, request_id).submitted
    return request_id, info.id


def test_specialist_opens_the_attached_study_from_the_inbox_with_the_keyboard(
        qtbot, db, cast, make_ctx, opened):
    request_id, _attachment_id = submitted_with_a_study(db, cast)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    qtbot.waitUntil(lambda: inbox.detail.detail is not None
                    and inbox.detail.detail.id == request_id, timeout=3000)
    pane: RequestDetailPane = inbox.detail
    assert "Archivos adjuntos (1)" in pane.text() and "TAC previa.pdf" in pane.text()
    # Into the detail, Tab to the link (the only one in the text) and Enter.
    pane.browser.setFocus()
    qtbot.keyClick(pane.browser, Qt.Key.Key_Tab)
    qtbot.keyClick(pane.browser, Qt.Key.Key_Return)
    assert len(opened) == 1
    assert opened[0].name == "TAC previa.pdf" and opened[0].read_bytes() == PDF
    assert opened[0].parent.parent.stat().st_mode & 0o077 == 0  # only this user can read it


def test_physician_opens_the_file_from_my_requests(qtbot, db, cast, make_ctx, opened):
    request_id, attachment_id = submitted_with_a_study(db, cast)
    view = open_view(qtbot, make_ctx, cast.physician)
    view.select_request(request_id)
    qtbot.waitUntil(lambda: "TAC previa.pdf" in view.detail_browser.toPlainText(), timeout=3000)
    view.detail_browser.anchorClicked.emit(QUrl(attachment_url(attachment_id)))
    assert [p.read_bytes() for p in opened] == [PDF]


def test_a_user_who_may_not_see_the_file_gets_a_message_and_nothing_is_written(
        qtbot, db, cast, make_ctx, opened, messages):
    _request_id, attachment_id = submitted_with_a_study(db, cast)
    view = open_view(qtbot, make_ctx, cast.physician2)  # another physician's request
    view.detail_browser.anchorClicked.emit(QUrl(attachment_url(attachment_id)))
    assert opened == []
    assert messages.shown and "adjunto" in messages.shown[-1][1]
