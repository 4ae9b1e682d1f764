"""Administration ▸ Sync and Sync conflicts: export a bundle for a trusted site, import one
with its report record by record, and decide what a refused bundle reported."""
# ruff: noqa: F811 - the fixtures of tests/test_sync.py are imported by name

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from st2desk.models import SyncBundle
from st2desk.services import sync_conflicts
from tests.paper_support import installation
from tests.test_sync import (  # noqa: F401
    _kid,
    by_folio,
    export,
    folio_of,
    import_,
    offline,
    pair,
    submitted_request,
)
from tests.ui.admin_support import click, column, events, open_tab


@pytest.fixture
def dirs(tmp_path: Path) -> dict[str, Path]:
    """The GUI's installation is this test's data folder; the offline unit has its own."""
    return {"central": Path(os.environ["ST2DESK_DATA_DIR"]), "offline": tmp_path / "offline"}


def _bundle_from_unit(offline, dirs, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "de-la-unidad.st2sync"
    path.write_bytes(export(offline, dirs["offline"], to=dirs["central"]))
    return path


def _choose_open(monkeypatch, path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))


def _run(qtbot, tab, button, done) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, button)
    tab.ctx.ops.wait_for_jobs()
    qtbot.waitUntil(done, timeout=30000)


def test_export_goes_to_the_chosen_site_and_import_there_accepts_it(
        qtbot, db, offline, cast, dirs, make_ctx, monkeypatch, tmp_path):
    pair(db, offline, dirs)
    folio = folio_of(db, submitted_request(db, cast))
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "sync")
    assert tab.destination_combo.currentData() == "09UMF20"  # the unit's site, as --to takes it
    assert "09UMF20" in tab.destination_combo.currentText()
    # What the site signs for is said under the box, whole, not cut off inside it.
    assert tab.destination_scope.isVisibleTo(tab)
    assert tab.destination_scope.text().startswith("Firma por: ")
    assert "09UMF20" in tab.destination_scope.text()
    assert "Firma por" not in tab.destination_combo.currentText()
    target = tmp_path / "para-la-unidad.st2sync"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    _run(qtbot, tab, tab.export_button, lambda: tab.last_export is not None)
    assert "1 solicitud" in tab.summary_label.text() and str(target) in tab.summary_label.text()
    with db.session() as s:
        assert s.scalar(select(SyncBundle.direction)) == "export"
    report = import_(offline, dirs["offline"], target.read_bytes())  # the unit can open it
    assert not report.refused and report.inserted["request"] == 1
    assert by_folio(offline, folio) is not None


def test_import_shows_each_kind_of_record_accepted_and_then_already_here(
        qtbot, db, offline, cast, dirs, make_ctx, monkeypatch, tmp_path):
    pair(db, offline, dirs)
    folio = folio_of(offline, submitted_request(offline, cast))
    bundle = _bundle_from_unit(offline, dirs, tmp_path)
    _choose_open(monkeypatch, bundle)
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "sync")
    assert tab.report.objectName() == "adminSyncReport"
    _run(qtbot, tab, tab.import_button, lambda: tab.last_report is not None)
    assert by_folio(db, folio) is not None
    results = column(tab.report, 0)
    assert set(results) >= {"Aceptado"} and "1 solicitud" in column(tab.report, 1)
    assert "importado" in tab.summary_label.text() and not tab.conflicts_button.isVisible()
    tab.last_report = None
    _run(qtbot, tab, tab.import_button, lambda: tab.last_report is not None)  # the same file again
    assert column(tab.report, 0) == ["Ya estaba"]
    assert "ya se había importado" in tab.summary_label.text()


def test_a_refused_bundle_lists_each_conflict_by_folio_and_writes_nothing(
        qtbot, db, offline, cast, dirs, make_ctx, monkeypatch, tmp_path):
    pair(db, offline, dirs)
    central_request = submitted_request(db, cast)
    submitted_request(offline, cast, patient_id=cast.patient_child_id)  # the same folio there
    other = folio_of(offline, submitted_request(offline, cast, patient_id=cast.patient_female_id))
    clash = folio_of(db, central_request)
    bundle = _bundle_from_unit(offline, dirs, tmp_path)
    _choose_open(monkeypatch, bundle)
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "sync")
    _run(qtbot, tab, tab.import_button, lambda: tab.last_report is not None)
    assert "Conflicto" in column(tab.report, 0)
    row = column(tab.report, 0).index("Conflicto")
    assert column(tab.report, 1)[row] == clash and clash in column(tab.report, 2)[row]
    assert "Aceptado" not in column(tab.report, 0)  # nothing of a refused bundle went in
    assert "Válido, no escrito" in column(tab.report, 0)
    assert "RECHAZADO" in tab.summary_label.text() and tab.conflicts_button.isVisible()
    assert by_folio(db, other) is None  # all or nothing

    # The administrator decides it in the conflicts tab, then imports the bundle again.
    click(qtbot, tab.conflicts_button)
    conflicts = section.tabs.currentWidget()
    assert section.tabs.tabText(section.tabs.currentIndex()) == "Conflictos de sincronización"
    assert column(conflicts.table, 3) == [clash]
    assert not conflicts.keep_button.isEnabled()  # nothing chosen yet
    conflicts.table.selectRow(0)
    click(qtbot, conflicts.keep_button)
    dialog = conflicts.dialog
    qtbot.keyClicks(dialog.note_edit, "corto")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "10 a 500" in dialog.error_label.text()
    assert dialog.note_edit.toPlainText() == "corto"  # what was typed is kept
    qtbot.keyClicks(dialog.note_edit, ": el folio es de la central")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible() and conflicts.table.rowCount() == 0
    assert events(db, "sync_resolve")[-1].details["folio"] == clash
    click(qtbot, conflicts.closed_box)
    assert column(conflicts.table, 1) == ["se conserva la versión local"]

    section.tab("sync")
    tab.last_report = None
    _run(qtbot, tab, tab.import_button, lambda: tab.last_report is not None)
    assert not tab.last_report.refused
    assert by_folio(db, other) is not None and by_folio(db, clash).id == central_request


def test_an_untrusted_bundle_is_refused_in_spanish_and_changes_nothing(
        qtbot, db, offline, cast, dirs, make_ctx, messages, monkeypatch, tmp_path):
    from tests.test_sync import trust, unit_site

    unit_site(offline, dirs["offline"])
    trust(db, dirs["central"], offline, dirs["offline"])  # the unit knows central, not the reverse
    submitted_request(offline, cast)
    bundle = _bundle_from_unit(offline, dirs, tmp_path)
    _choose_open(monkeypatch, bundle)
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "sync")
    assert not tab.export_button.isEnabled()  # no trusted site to send to
    assert "Sitios y llaves" in tab.destination_combo.currentText()
    click(qtbot, tab.import_button)
    tab.ctx.ops.wait_for_jobs()
    qtbot.waitUntil(lambda: bool(messages.texts()), timeout=30000)
    assert "no confía" in messages.texts()[-1]
    assert tab.last_report is None and tab.report.rowCount() == 0
    with db.session() as s:
        assert s.scalar(select(SyncBundle.id)) is None


def test_dismissing_a_conflict_keeps_the_bundle_refused(qtbot, db, offline, cast, dirs, make_ctx,
                                                        tmp_path):
    pair(db, offline, dirs)
    submitted_request(db, cast)
    submitted_request(offline, cast, patient_id=cast.patient_child_id)
    bundle = export(offline, dirs["offline"], to=dirs["central"])
    with installation(dirs["central"]):
        assert import_(db, dirs["central"], bundle).refused
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "conflicts")
    assert tab.count_label.text() == "1 por decidir"
    tab.table.selectRow(0)
    assert tab.dismiss_button.isEnabled(), (tab.current(), tab.table.currentRow())
    click(qtbot, tab.dismiss_button)
    qtbot.keyClicks(tab.dialog.note_edit, "La unidad manda un paquete corregido")
    click(qtbot, tab.dialog.ok_button)
    assert tab.table.rowCount() == 0 and tab.count_label.text() == "0 por decidir"
    with db.session() as s:
        assert [r.status for r in sync_conflicts.list_conflicts(s, cast.admin,
                                                               include_closed=True)] == ["dismissed"]
    assert import_(db, dirs["central"], bundle).refused


def test_cancelling_the_import_imports_nothing(qtbot, db, offline, cast, dirs, make_ctx, messages,
                                               monkeypatch, tmp_path):
    pair(db, offline, dirs)
    folio = folio_of(offline, submitted_request(offline, cast))
    _choose_open(monkeypatch, _bundle_from_unit(offline, dirs, tmp_path))
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "sync")
    real = tab.ctx.ops.background
    monkeypatch.setattr(tab.ctx.ops, "background", lambda fn, **kw: real(
        lambda progress, cancelled: fn(progress, lambda: True), **kw))  # Cancel pressed
    click(qtbot, tab.import_button)
    tab.ctx.ops.wait_for_jobs()
    qtbot.waitUntil(lambda: bool(messages.texts()), timeout=30000)
    assert "cancelada" in messages.texts()[-1]
    assert tab.last_report is None and by_folio(db, folio) is None


def test_a_key_trusted_in_sites_and_keys_is_offered_as_a_destination(
        qtbot, db, offline, cast, dirs, make_ctx, monkeypatch, tmp_path):
    from st2desk.services import slips
    from tests.test_sync import unit_site

    unit_site(offline, dirs["offline"])
    with installation(dirs["offline"]), offline.transaction() as s:
        key_file = tmp_path / "llave-umf20.txt"
        key_file.write_text(slips.export_public_keys(s), encoding="utf-8")
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "sync")
    assert not tab.export_button.isEnabled()
    _choose_open(monkeypatch, key_file)
    keys = section.tab("keys")
    click(qtbot, keys.trust_button)
    click(qtbot, keys.dialog.ok_button)
    section.tab("sync")
    assert tab.destination_combo.currentData() == "09UMF20" and tab.export_button.isEnabled()
