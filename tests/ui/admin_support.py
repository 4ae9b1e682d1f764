"""Helpers of the Administration tests: the section as an administrator opens it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from sqlalchemy import select

from st2desk.models import AuditEvent
from st2desk.ui.admin import AdminSection


def open_tab(qtbot, make_ctx, actor, key: str):  # type: ignore[no-untyped-def]
    """(section, tab): keep the section referenced while the test runs."""
    section = AdminSection(make_ctx(actor))
    qtbot.addWidget(section)
    section.resize(1100, 700)
    section.show()
    return section, section.tab(key)


def click(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def tick(qtbot, box) -> None:  # type: ignore[no-untyped-def]
    """Click a check box on its indicator, as a person does."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def events(db, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.seq)))


def column(table, index: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [table.item(r, index).text() for r in range(table.rowCount())]
