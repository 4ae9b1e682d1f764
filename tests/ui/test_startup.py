"""Start-up while the database cannot be reached: a window says so and connects by itself."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy.engine import make_url

from st2desk.db import Database
from st2desk.errors import StorageUnavailable
from st2desk.ui import app as app_module
from st2desk.ui.startup import WaitForDatabaseDialog
from tests.conftest import PG_URL
from tests.faults import TcpProxy


@pytest.mark.skipif(not PG_URL, reason="a server to wait for exists only on PostgreSQL")
def test_waits_for_the_server_and_connects_when_it_is_back(qtbot, db_url):
    url = make_url(db_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.down()
    db = Database(proxy.url_for(db_url), interactive=True)
    try:
        with pytest.raises(StorageUnavailable) as caught:
            app_module._startup_problem(db)
        dialog = WaitForDatabaseDialog(db, caught.value.message, retry_ms=200)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.message.text().startswith("Sin conexión con el servidor")
        qtbot.waitUntil(lambda: dialog.attempts >= 2, timeout=10000)
        assert dialog.result() != QDialog.DialogCode.Accepted and dialog.isVisible()
        proxy.up()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10000)
        assert app_module._startup_problem(db) is None
    finally:
        proxy.close()
        db.dispose()
