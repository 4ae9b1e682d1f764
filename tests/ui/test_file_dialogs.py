"""File dialogs open in the person's Documents, then where they last took a file from."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

from tests.ui.test_request_form import nss_of, open_form, type_text


def test_attach_opens_in_documents_then_in_the_last_folder(qtbot, make_ctx, cast, db, messages,
                                                           monkeypatch, tmp_path):
    studies = tmp_path / "estudios"
    studies.mkdir()
    pdf = studies / "previo.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    opened_in: list[str] = []

    def fake_dialog(parent, title, folder, filters):  # type: ignore[no-untyped-def]
        opened_in.append(folder)
        return str(pdf), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_dialog))
    form = open_form(qtbot, make_ctx, cast.physician)
    type_text(qtbot, nss_of(db, cast.patient_id))
    form.attach_file()
    form.attach_file()
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert opened_in[0] == (documents or str(Path.home())) and opened_in[0] != ""
    assert opened_in[1] == str(studies)
