"""Screenshots of each main window from demo data, for README (docs/screenshots/*.png).

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py [--out docs/screenshots] [--only NAME …]
                                                          [--size 1920x1080]

Builds a fresh SQLite demo database in a temporary folder (st2desk demo), opens the main
window as each role's demo user in Spanish at --size (README: 1920×1080 in
docs/screenshots, 1024×600 in docs/screenshots/1024x600), and saves what it shows.
`--only paper_capture` (for example) makes only the named pictures.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from sqlalchemy import select  # noqa: E402

from st2desk import clock  # noqa: E402
from st2desk.catalogs import load_reference_data  # noqa: E402
from st2desk.db import Database  # noqa: E402
from st2desk.demo import generate  # noqa: E402
from st2desk.models import (  # noqa: E402
    Authorization,
    AuthorizationStatus,
    Patient,
    Request,
    RequestStatus,
    Unit,
    User,
)
from st2desk.services.common import Actor  # noqa: E402
from st2desk.services.folios import reserve_block  # noqa: E402
from st2desk.ui.app import make_application  # noqa: E402
from st2desk.ui.context import UiContext  # noqa: E402
from st2desk.ui.main_window import MainWindow  # noqa: E402
from st2desk.ui.operations import Operations  # noqa: E402

SIZE = [1920, 1080]  # set by --size
NAMES = ("request_form", "my_requests", "inbox", "appeals", "authorization_viewer", "paper_capture",
         "reports", "reports_charts", "admin_users", "admin_user_dialog", "admin_catalogs",
         "admin_folios", "admin_audit")
NAMES += ("admin_keys", "admin_sync", "admin_sync_conflicts", "admin_password")
ADMIN_NAMES = {n for n in NAMES if n.startswith("admin_")}


def settle(app: QApplication, rounds: int = 20) -> None:
    for _ in range(rounds):
        app.processEvents()


def window_for(db: Database, username: str) -> MainWindow:
    with db.session() as s:
        actor = Actor.from_user(s.scalar(select(User).where(User.username == username)))
    window = MainWindow(UiContext(db=db, actor=actor, ops=Operations(db, poll_ms=0)))
    window.resize(*SIZE)
    window.show()
    return window


def shoot(app: QApplication, window: QWidget, path: Path) -> None:
    settle(app)
    window.grab().save(str(path))
    print(f"  {path}")


def paper_capture(app: QApplication, db: Database, path: Path) -> None:
    """Reception of a unit copying paper forms: one just captured, the next one being typed."""
    from st2desk.ui.paper_capture import PaperCapture

    with clock.frozen_at(clock.now() - timedelta(days=30)), db.transaction() as s:
        folios = reserve_block(s, None, "09UMF20", 50).folios()  # printed a month ago
    with db.session() as s:
        unit_id = s.scalar(select(Unit.id).where(Unit.code == "09UMF20"))
        patients = s.scalars(select(Patient).where(Patient.unit_id == unit_id, Patient.curp.is_not(None))
                             .order_by(Patient.id).limit(2)).all()
        physician = s.scalar(select(User.full_name).where(User.username == "medico.umf20"))
    written = clock.today() - timedelta(days=2)

    def values(folio: str, patient: Patient, service: str) -> dict[str, object]:
        return dict(
            folio=folio, last_name=patient.last_name.title(),
            second_last_name=(patient.second_last_name or "").title(),
            first_name=patient.first_name.title(), nss=patient.nss, agregado=patient.agregado,
            curp=patient.curp or "", birth_date=f"{patient.birth_date:%d/%m/%Y}", sex=patient.sex.value,
            service=service, diagnosis="M23.2", performing_unit="09HGZ24", priority="ordinary",
            requested_on=f"{written:%d/%m/%Y}", physician_name=physician, physician="medico.umf20",
            justification=("Gonalgia derecha de cuatro meses de evolución tras torsión, con bloqueo "
                           "articular y derrame recurrente; McMurray positivo. Sin mejoría con "
                           "fisioterapia; se sospecha lesión meniscal que requiere confirmación."))

    window = window_for(db, "recepcion.umf20")
    if any(section.key == "paper_capture" for section in window.sections):
        view, target = window.show_section("paper_capture"), window
    else:  # not offered by the main window yet: the view alone, at the window's size
        window.close()
        with db.session() as s:
            actor = Actor.from_user(s.scalar(select(User).where(User.username == "recepcion.umf20")))
        view = PaperCapture(UiContext(db=db, actor=actor, ops=Operations(db, poll_ms=0)))
        view.resize(*SIZE)
        view.show()
        target = view
    view.clear_form()
    for name, value in values(folios[0], patients[0], "IMG-RM-ROD").items():
        view.inputs[name].set_value(value)
    view.capture()
    view.ctx.ops.wait_for_jobs()
    settle(app, 40)
    typed = values(folios[1], patients[-1], "IMG-RM-ROD")
    for name in ("folio", "last_name", "second_last_name", "first_name", "nss", "agregado", "curp",
                 "birth_date", "sex", "service"):
        view.inputs[name].set_value(typed[name])
    view.check_fields()
    view.focus_field("diagnosis")
    shoot(app, target, path)
    view.clear_form()  # the typed form is not kept on this computer
    target.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--only", nargs="+", choices=NAMES, default=list(NAMES),
                        help="make only these pictures")
    parser.add_argument("--size", default="1920x1080", help="window size, WIDTHxHEIGHT")
    args = parser.parse_args()
    SIZE[:] = [int(v) for v in args.size.lower().split("x")]
    wanted = set(args.only)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="st2shots-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(workdir))
    app = make_application([])
    db = Database(f"sqlite:///{workdir / 'demo.sqlite3'}")
    db.upgrade()
    with db.transaction() as s:
        load_reference_data(s)
    print("demo data…")
    generate(db, requests=args.requests, seed=2026)

    with db.session() as s:
        draft = s.scalar(select(Request).join(User, Request.physician_id == User.id)
                         .where(User.username == "medico.umf20",
                                Request.status == RequestStatus.DRAFT).limit(1))
        valid = s.scalar(select(Authorization).where(
            Authorization.status == AuthorizationStatus.VALID,
            Authorization.performing_unit_id == select(User.unit_id).where(
                User.username == "recepcion.hgz24").scalar_subquery()).limit(1))

    if wanted & {"request_form", "my_requests"}:
        window = window_for(db, "medico.umf20")
        form = window.show_section("new_request")
        if draft is not None:
            form.load_request(draft.id, force=True)
        if "request_form" in wanted:
            shoot(app, window, out / "request_form.png")
        if "my_requests" in wanted:
            window.show_section("my_requests")
            shoot(app, window, out / "my_requests.png")
        window.close()

    if "inbox" in wanted:
        window = window_for(db, "dictaminador.hgz24.radio")
        window.show_section("inbox")
        shoot(app, window, out / "inbox.png")
        window.close()

    if "appeals" in wanted:
        window = window_for(db, "jefe.hgz24")
        window.show_section("appeals")
        shoot(app, window, out / "appeals.png")
        window.close()

    if "authorization_viewer" in wanted:
        window = window_for(db, "recepcion.hgz24")
        viewer = window.show_section("authorizations")
        if valid is not None:
            viewer.search_edit.setText(valid.number)
            viewer.search()
        shoot(app, window, out / "authorization_viewer.png")
        window.close()

    if "paper_capture" in wanted:
        paper_capture(app, db, out / "paper_capture.png")

    if wanted & {"reports", "reports_charts"}:
        window = window_for(db, "admin.umf20")
        reports = window.show_section("reports")
        reports.set_period("year")
        reports.generate()
        window.ctx.ops.wait_for_jobs()
        settle(app, 60)
        if "reports" in wanted:
            shoot(app, window, out / "reports.png")
        if "reports_charts" in wanted:
            reports.show_tab("charts")
            settle(app, 60)
            shoot(app, window, out / "reports_charts.png")
        window.close()

    admin_shots = wanted & ADMIN_NAMES
    if admin_shots:
        administration(app, db, out, admin_shots, workdir)
    db.dispose()
    return 0


def offline_unit(db: Database, workdir: Path) -> Path:
    """A unit working offline (a copy of this database with its own key) that this site and
    it trust each other, and the bundle it sent: one of its requests has the folio of one
    filed here meanwhile (a conflict). This site's key lives in workdir, never the user's data folder."""
    import sqlite3

    from st2desk import signing
    from st2desk.models import Priority, Service
    from st2desk.services import requests, slips, sync
    from st2desk.services.requests import RequestData

    def new_draft(database: Database, patient_index: int) -> None:
        """A draft of the unit's physician: it takes the unit's next folio."""
        with database.transaction() as s:
            unit_id = s.scalar(select(Unit.id).where(Unit.code == "09UMF20"))
            patient = s.scalars(select(Patient.id).where(Patient.unit_id == unit_id)
                                .order_by(Patient.id)).all()[patient_index]
            physician = Actor.from_user(s.scalar(select(User).where(User.username == "medico.umf20")))
            requests.create_draft(s, physician, RequestData(
                patient_id=patient, service_id=s.scalar(select(Service.id).where(
                    Service.code == "IMG-RM-ROD")), diagnosis_code="M23.2",
                justification="Gonalgia derecha con bloqueo articular; se sospecha lesión meniscal.",
                performing_unit_id=s.scalar(select(Unit.id).where(Unit.code == "09HGZ24")),
                priority=Priority.ORDINARY))

    central, unit = workdir / "central", workdir / "unit"
    os.environ["ST2DESK_DATA_DIR"] = str(central)
    unit_path = workdir / "unit.sqlite3"
    with sqlite3.connect(db.engine.url.database) as source, sqlite3.connect(unit_path) as copy:
        source.backup(copy)
    unit_db = Database(f"sqlite:///{unit_path}")
    os.environ["ST2DESK_DATA_DIR"] = str(unit)
    with unit_db.transaction() as s:
        signing.set_site_label(s, "09UMF20", "UMF 20 (sin red)", ("09UMF20",))
        signing.ensure_local_key_registered(s)
        unit_keys = slips.export_public_keys(s)
    os.environ["ST2DESK_DATA_DIR"] = str(central)
    with db.transaction() as s:
        slips.trust_keys(s, None, unit_keys)
        central_keys = slips.export_public_keys(s)
        central_kid = signing.local_key().kid
    new_draft(db, 0)  # here and at the unit, the same next folio: a conflict
    os.environ["ST2DESK_DATA_DIR"] = str(unit)
    with unit_db.transaction() as s:
        slips.trust_keys(s, None, central_keys, units=("*",))
        sync.export_bundle(s, None, to=central_kid)  # what it sent before (nothing new since)
    new_draft(unit_db, 1)
    new_draft(unit_db, 2)
    with unit_db.transaction() as s:
        data, _summary = sync.export_bundle(s, None, to=central_kid)
    unit_db.dispose()
    os.environ["ST2DESK_DATA_DIR"] = str(central)
    bundle = workdir / "paquete-umf20.st2sync"
    bundle.write_bytes(data)
    return bundle


def administration(app: QApplication, db: Database, out: Path, wanted: set[str],
                   workdir: Path) -> None:
    """The Administration section of a unit's administrator."""
    from st2desk.services import folios

    bundle = offline_unit(db, workdir) if wanted & {"admin_keys", "admin_sync",
                                                    "admin_sync_conflicts"} else None
    with db.transaction() as s:  # two blocks of paper folios, one of them partly captured
        for unit, count in (("09UMF20", 50), ("09HGZ24", 100)):
            folios.reserve_block(s, None, unit, count)
    window = window_for(db, "admin.umf20")
    section = window.show_section("admin")
    if wanted & {"admin_users", "admin_user_dialog"}:
        users = section.tab("users")
        users.select_user("medico.umf20")
        if "admin_users" in wanted:
            shoot(app, window, out / "admin_users.png")
        if "admin_user_dialog" in wanted:
            users.edit_user()
            settle(app)
            users.dialog.adjustSize()
            shoot(app, users.dialog, out / "admin_user_dialog.png")
            users.dialog.reject()
    if "admin_catalogs" in wanted:
        catalogs = section.tab("catalogs")
        catalogs.tabs.setCurrentWidget(catalogs.services)
        shoot(app, window, out / "admin_catalogs.png")
    if "admin_folios" in wanted:
        section.tab("folios")
        shoot(app, window, out / "admin_folios.png")
    if "admin_audit" in wanted:
        audit_tab = section.tab("audit")
        audit_tab.verify()
        window.ctx.ops.wait_for_jobs()
        settle(app, 60)
        audit_tab.table.selectRow(1)  # the folio block reserved just before
        shoot(app, window, out / "admin_audit.png")
    if "admin_keys" in wanted:
        keys = section.tab("keys")
        keys.select_key(keys.rows[-1].kid)
        shoot(app, window, out / "admin_keys.png")
    if bundle is not None and wanted & {"admin_sync", "admin_sync_conflicts"}:
        from st2desk.services import sync

        sync_tab = section.tab("sync")
        with db.transaction() as s:  # what Importar un paquete… runs in the background
            report = sync.import_bundle(s, window.ctx.actor, bundle.read_bytes())
        sync_tab.show_report(report, str(bundle))
        if "admin_sync" in wanted:
            shoot(app, window, out / "admin_sync.png")
        if "admin_sync_conflicts" in wanted:
            conflicts = section.tab("conflicts")
            conflicts.reload()
            conflicts.table.selectRow(0)
            shoot(app, window, out / "admin_sync_conflicts.png")
    if "admin_password" in wanted:
        window.change_password()
        settle(app)
        shoot(app, window._password_dialog, out / "admin_password.png")
        window._password_dialog.reject()
    window.close()


if __name__ == "__main__":
    raise SystemExit(main())
