"""Administration ▸ Audit: verify the chain with progress and a plain-language result; browse
and filter events a page at a time, as fast at a million events as at the first."""

from __future__ import annotations

import time
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QLabel
from sqlalchemy import func, select, text

from st2desk.models import AuditEvent, Request
from st2desk.services import audit_admin
from st2desk.services.audit_admin import EventFilter
from tests.flows import in_review
from tests.ui.admin_support import click, column, events, open_tab


def test_verification_reports_progress_and_an_intact_log_in_plain_words(qtbot, db, cast, make_ctx,
                                                                         monkeypatch):
    monkeypatch.setattr(audit_admin, "VERIFY_BATCH", 3)
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "audit")
    seen: list[tuple[int, int]] = []
    real = tab.ctx.ops.background

    def watched(fn, **kwargs):  # type: ignore[no-untyped-def]
        return real(lambda progress, cancelled: fn(
            lambda d, t: (seen.append((d, t)), progress(d, t)), cancelled), **kwargs)

    monkeypatch.setattr(tab.ctx.ops, "background", watched)
    click(qtbot, tab.verify_button)
    tab.ctx.ops.wait_for_jobs()
    qtbot.waitUntil(lambda: tab.last_report is not None, timeout=20000)
    assert tab.last_report.ok
    assert "íntegra" in tab.result_label.text()
    assert len(seen) > 2 and seen[-1][0] == seen[-1][1] and seen[0][0] < seen[-1][0]
    assert events(db, "audit_verify")[-1].details["ok"] is True
    assert column(tab.table, 3)[0] == "Bitácora de auditoría verificada"  # the new event


def test_a_tampered_event_is_named_with_what_to_do(qtbot, db, cast, make_ctx):
    with db.transaction() as s:  # someone with the server's keys edits a row behind the app
        if not db.is_sqlite:
            s.execute(text("SET LOCAL session_replication_role = replica"))  # past any trigger
        s.execute(text("UPDATE audit_log SET username = 'otro' WHERE seq = 3"))
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "audit")
    click(qtbot, tab.verify_button)
    tab.ctx.ops.wait_for_jobs()
    qtbot.waitUntil(lambda: tab.last_report is not None, timeout=20000)
    assert not tab.last_report.ok
    message = tab.result_label.text()
    assert "alterada" in message and "evento 3" in message and "respaldo" in message


def test_filters_by_user_action_folio_and_date(qtbot, db, cast, make_ctx):
    with db.session() as s:
        folio = s.get(Request, in_review(db, cast)).folio
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "audit")
    assert tab.table.objectName() == "adminAuditTable"
    qtbot.keyClicks(tab.user_edit, "medico1")
    click(qtbot, tab.filter_button)
    assert set(column(tab.table, 2)) == {"medico1"}
    tab.user_edit.clear()
    tab.folio_edit.setText(folio)
    click(qtbot, tab.filter_button)
    assert tab.table.rowCount() >= 1 and all(r.startswith("request ") for r in column(tab.table, 4))
    tab.folio_edit.clear()
    tab.action_combo.setCurrentIndex(tab.action_combo.findData("user_add"))
    assert tab.action_combo.currentText() == "Usuario creado"
    click(qtbot, tab.filter_button)
    assert set(column(tab.table, 3)) == {"Usuario creado"}
    tab.since_edit.setDate(QDate(2001, 1, 1))
    tab.until_edit.setDate(QDate(2001, 12, 31))
    click(qtbot, tab.filter_button)
    assert tab.table.rowCount() == 0


def test_an_events_details_read_as_labelled_fields_in_spanish_not_json(qtbot, db, cast, make_ctx):
    from st2desk.services import users as users_service

    with db.transaction() as s:
        row = users_service.list_users(s, cast.admin, search="medico2")[0]
        users_service.update_user(s, cast.admin, row.id, full_name="Dra. Nueva Nombre",
                                  unit_code=row.unit_code, roles=row.roles,
                                  professional_license=None, matricula=None)
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "audit")
    assert "Elija un evento" in tab.detail_box.findChildren(QLabel)[0].text()
    tab.table.selectRow(0)  # the newest: the change just made
    labels = [w.text() for w in tab.detail_box.findChildren(QLabel)]
    shown = "\n".join(labels)
    assert "Usuario modificado (user_update)" in labels
    assert "Cambios:" in labels and "Nombre completo:" in shown
    assert any("→ Dra. Nueva Nombre" in text for text in labels)
    assert "{" not in shown and '"' not in shown
    details = column(tab.table, 5)[0]
    assert "Cambios: Nombre completo: Medico2 → Dra. Nueva Nombre" in details and "{" not in details


def test_older_events_page_by_sequence(qtbot, db, cast, make_ctx, monkeypatch):
    import st2desk.ui.admin.audit as module

    monkeypatch.setattr(module, "PAGE", 4)
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "audit")
    first = [int(x) for x in column(tab.table, 0)]
    assert len(first) == 4 and first == sorted(first, reverse=True)
    click(qtbot, tab.more_button)
    both = [int(x) for x in column(tab.table, 0)]
    assert both[:4] == first and len(both) == 8 and both == sorted(both, reverse=True)
    with db.session() as s:
        total = s.scalar(select(func.count()).select_from(AuditEvent))
    while tab.more_button.isEnabled():
        click(qtbot, tab.more_button)
    assert [int(x) for x in column(tab.table, 0)] == list(range(total, 0, -1))


def _add_events(db, count: int) -> int:  # type: ignore[no-untyped-def]
    """`count` synthetic events after the last one (browsing does not check hashes)."""
    with db.session() as s:
        base = s.scalar(select(func.max(AuditEvent.seq))) or 0
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) "
                "INSERT INTO audit_log (seq, at, user_id, username, action, entity, entity_id, "
                "details, prev_hash, hash) SELECT ? + x, strftime('%Y-%m-%d %H:%M:%S.000000', "
                "'2030-01-01', '+' || (x * 3 / 10) || ' seconds'), NULL, 'persona' || (x % 1000), "
                "CASE x % 3 WHEN 0 THEN 'submit' WHEN 1 THEN 'login' ELSE 'decide' END, "
                "'request', 'r' || x, '{}', '', '' FROM c", (count, base))
        else:
            conn.execute(text(
                "INSERT INTO audit_log (seq, at, user_id, username, action, entity, entity_id, "
                "details, prev_hash, hash) SELECT :base + x, timestamp '2030-01-01' + "
                "(x * 3 / 10) * interval '1 second', NULL, 'persona' || (x % 1000), "
                "CASE x % 3 WHEN 0 THEN 'submit' WHEN 1 THEN 'login' ELSE 'decide' END, "
                "'request', 'r' || x, '{}', '', '' FROM generate_series(1, :n) AS x"),
                {"base": base, "n": count})
            conn.execute(text("ANALYZE audit_log"))
    return base


def test_pages_stay_fast_at_a_million_events(db, cast):
    base = _add_events(db, 1_000_000)
    filters = [EventFilter(), EventFilter(username="persona7"), EventFilter(action="decide"),
               EventFilter(since=date(2030, 1, 2), until=date(2030, 1, 2)),
               EventFilter(username="persona7", action="login", since=date(2030, 1, 1))]
    with db.session() as s:
        for flt in filters:
            started = time.perf_counter()
            page = audit_admin.list_events(s, cast.admin, flt)
            later = audit_admin.list_events(s, cast.admin, flt, before_seq=page[-1].seq)
            deepest = audit_admin.list_events(s, cast.admin, flt, before_seq=base + 500_000)
            elapsed = time.perf_counter() - started
            assert len(page) == audit_admin.PAGE_SIZE and later[0].seq < page[-1].seq, flt
            assert deepest and deepest[0].seq < base + 500_000, flt
            assert elapsed < 1.5, (flt, elapsed)
