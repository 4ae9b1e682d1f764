"""Screenshots of each main window from demo data, for README (docs/screenshots/*.png).

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py [--out docs/screenshots] [--only NAME …]

Builds a fresh SQLite demo database in a temporary folder (st2desk demo), opens the main
window as each role's demo user at 1280×800 in Spanish, and saves what it shows.
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

SIZE = (1280, 800)
NAMES = ("request_form", "my_requests", "inbox", "appeals", "authorization_viewer", "paper_capture",
         "reports", "reports_charts", "admin_users", "admin_user_dialog", "admin_catalogs",
         "admin_folios", "admin_audit")


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
    args = parser.parse_args()
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

    admin_shots = wanted & {"admin_users", "admin_user_dialog", "admin_catalogs", "admin_folios",
                            "admin_audit"}
    if admin_shots:
        administration(app, db, out, admin_shots)
    db.dispose()
    return 0


def administration(app: QApplication, db: Database, out: Path, wanted: set[str]) -> None:
    """The Administration section of a unit's administrator."""
    from st2desk.services import folios

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
        shoot(app, window, out / "admin_audit.png")
    window.close()


if __name__ == "__main__":
    raise SystemExit(main())
