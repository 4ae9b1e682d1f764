"""What starting the GUI loads (DESIGN §6 cold start): nothing heavy before the first window.

A fresh interpreter (the test process has imported everything already) does what
bench/bench_startup.py times — import the application, open the database, build and show
the main window — for a user of each role, whose first sections differ.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Each is imported on first use (printing, charts, exports, signing, Alembic at `init`).
HEAVY = ("reportlab", "matplotlib", "numpy", "PIL", "pypdf", "segno", "openpyxl",
         "cryptography", "faker", "alembic", "pypdfium2")

CHILD = r"""
import gc, json, sys
from st2desk.ui.app import make_application
report = {"gc_enabled_after_import": gc.isenabled(), "order": list(sys.modules)}
from sqlalchemy import select
from st2desk.db import Database
from st2desk.models import User
from st2desk.services.common import Actor
from st2desk.ui.context import UiContext
from st2desk.ui.main_window import MainWindow
from st2desk.ui.operations import Operations

app = make_application([])
db = Database(sys.argv[1])
report["windows"] = {}
for username in sys.argv[2:]:
    with db.session() as s:
        actor = Actor.from_user(s.scalar(select(User).where(User.username == username)))
    ops = Operations(db, poll_ms=0)
    window = MainWindow(UiContext(db=db, actor=actor, ops=ops))
    window.show()
    app.processEvents()
    report["windows"][username] = {
        "first_section": window.sections[0].key,
        "modules": sorted({name.split(".")[0] for name in sys.modules}),
    }
    ops.close()
print(json.dumps(report))
"""


def start_windows(db_url: str, usernames: list[str], tmp_path) -> dict:  # type: ignore[no-untyped-def]
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}  # no real QSettings
    done = subprocess.run([sys.executable, "-c", CHILD, db_url, *usernames], capture_output=True,
                          text=True, timeout=180, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_first_window_of_every_role_loads_no_heavy_module(db_url, cast, tmp_path):
    users = [cast.specialist, cast.appeals, cast.physician, cast.reception, cast.admin]
    report = start_windows(db_url, [u.username for u in users], tmp_path)
    sections = {name: w["first_section"] for name, w in report["windows"].items()}
    assert sorted(sections.values()) == sorted(
        ["inbox", "appeals", "new_request", "authorizations", "reports"]), sections
    for username, window in report["windows"].items():
        loaded = sorted(set(window["modules"]) & set(HEAVY))
        assert loaded == [], f"{username}'s first window ({window['first_section']}) imported {loaded}"


def test_application_import_loads_the_non_qt_half_first_and_resumes_the_collector(
        db_url, cast, tmp_path):
    report = start_windows(db_url, [cast.specialist.username], tmp_path)
    # st2desk.ui.app pauses the cyclic collector during its imports; it must not stay off.
    assert report["gc_enabled_after_import"] is True
    # Modules imported after PySide6 have their source read by its __feature__ import hook:
    # the big non-Qt ones are imported before it (sys.modules keeps the import order).
    order = report["order"]
    for name in ("sqlalchemy.orm", "st2desk.models", "st2desk.db", "st2desk.services.workflow"):
        assert order.index(name) < order.index("PySide6"), f"{name} imported after PySide6"
