"""Screenshots of each main window from demo data, for README (docs/screenshots/*.png).

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py [--out docs/screenshots]

Builds a fresh SQLite demo database in a temporary folder (st2desk demo), opens the main
window as each role's demo user at 1280×800 in Spanish, and saves what it shows.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from sqlalchemy import select  # noqa: E402

from st2desk.catalogs import load_reference_data  # noqa: E402
from st2desk.db import Database  # noqa: E402
from st2desk.demo import generate  # noqa: E402
from st2desk.models import Authorization, AuthorizationStatus, Request, RequestStatus, User  # noqa: E402
from st2desk.services.common import Actor  # noqa: E402
from st2desk.ui.app import make_application  # noqa: E402
from st2desk.ui.context import UiContext  # noqa: E402
from st2desk.ui.main_window import MainWindow  # noqa: E402
from st2desk.ui.operations import Operations  # noqa: E402

SIZE = (1280, 800)


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
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

    window = window_for(db, "medico.umf20")
    form = window.show_section("new_request")
    if draft is not None:
        form.load_request(draft.id, force=True)
    shoot(app, window, out / "request_form.png")
    window.show_section("my_requests")
    shoot(app, window, out / "my_requests.png")
    window.close()

    window = window_for(db, "dictaminador.hgz24.radio")
    window.show_section("inbox")
    shoot(app, window, out / "inbox.png")
    window.close()

    window = window_for(db, "jefe.hgz24")
    window.show_section("appeals")
    shoot(app, window, out / "appeals.png")
    window.close()

    window = window_for(db, "recepcion.hgz24")
    viewer = window.show_section("authorizations")
    if valid is not None:
        viewer.search_edit.setText(valid.number)
        viewer.search()
    shoot(app, window, out / "authorization_viewer.png")
    window.close()

    window = window_for(db, "admin.umf20")
    reports = window.show_section("reports")
    reports.set_period("year")
    reports.generate()
    window.ctx.ops.wait_for_jobs()
    settle(app, 60)
    shoot(app, window, out / "reports.png")
    reports.show_tab("charts")
    settle(app, 60)
    shoot(app, window, out / "reports_charts.png")
    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
