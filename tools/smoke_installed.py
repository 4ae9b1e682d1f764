"""Smoke test of an installed st2desk (run by .ci/run with a clean virtual environment).

Initialises a database, creates a user, and opens the main window offscreen in Spanish:
proves the wheel carries its migrations, reference data and translations.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    import st2desk
    from st2desk.cli import main as cli

    here = Path(tempfile.mkdtemp(prefix="st2smoke-"))
    assert "site-packages" in st2desk.__file__, st2desk.__file__
    url = f"sqlite:///{here / 'smoke.sqlite3'}"
    assert cli(["--database", url, "init"]) == 0
    import io

    # The owner names the first administrator; the administrator (password first, then the
    # new one, on standard input) creates the receptionist.
    sys.stdin = io.StringIO("clave-del-admin-1\n")
    assert cli(["--database", url, "user", "add", "admin.humo", "--name", "Admin Humo",
                "--unit", "09HGZ24", "--role", "admin"]) == 0
    sys.stdin = io.StringIO("clave-del-admin-1\nclave-de-humo-1\n")
    assert cli(["--database", url, "user", "add", "humo", "--name", "Humo", "--unit", "09HGZ24",
                "--role", "reception", "--user", "admin.humo"]) == 0

    from st2desk.db import Database
    from st2desk.services.users import login
    from st2desk.ui.app import make_application
    from st2desk.ui.context import UiContext
    from st2desk.ui.main_window import MainWindow
    from st2desk.ui.operations import Operations

    app = make_application([])
    db = Database(url)
    actor = login(db, "humo", "clave-de-humo-1")
    window = MainWindow(UiContext(db=db, actor=actor, ops=Operations(db, poll_ms=0)))
    window.show()
    app.processEvents()
    title = window.windowTitle()
    assert title == "Autorizaciones ST2", title  # translated from the shipped .qm
    print(f"installed st2desk {st2desk.__version__} from {Path(st2desk.__file__).parent}: ok ({title})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
