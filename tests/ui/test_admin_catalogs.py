"""Administration ▸ Catalogs: units, services and rejection reasons changed from the window
(each change audited), and the shipped catalogs reloaded only after seeing what changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from st2desk.errors import PermissionDenied
from st2desk.models import RejectionReason, Service, Sex, Unit
from st2desk.services import catalogs_admin
from tests.ui.admin_support import click, events, open_tab, tick


def test_editing_a_unit_saves_its_address_telephone_and_zone(qtbot, db, cast, make_ctx):
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "catalogs")
    assert tab.tabs.objectName() == "adminCatalogTabs"
    page = tab.units
    page.select("09HGZ24")
    click(qtbot, page.edit_button)
    dialog = page.dialog
    assert dialog.code_edit.isReadOnly()
    dialog.address_edit.clear()
    qtbot.keyClicks(dialog.address_edit, "Calzada Vallejo 1000, CDMX")
    dialog.phone_edit.clear()
    qtbot.keyClicks(dialog.phone_edit, "letras")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "teléfono" in dialog.error_label.text()
    dialog.phone_edit.setText("55 5587 0000")
    dialog.zone_combo.setCurrentText("America/Cancun")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    with db.session() as s:
        unit = s.scalar(select(Unit).where(Unit.code == "09HGZ24"))
        assert (unit.address, unit.phone, unit.time_zone) == (
            "Calzada Vallejo 1000, CDMX", "55 5587 0000", "America/Cancun")
    changes = events(db, "catalog_update")[-1].details["changes"]
    assert changes["time_zone"] == ["America/Mexico_City", "America/Cancun"]
    assert page.current().code == "09HGZ24"


def test_a_new_service_with_sex_and_age_limits(qtbot, db, cast, make_ctx):
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "catalogs")
    tab.tabs.setCurrentWidget(tab.services)
    page = tab.services
    click(qtbot, page.new_button)
    dialog = page.dialog
    qtbot.keyClicks(dialog.code_edit, "IMG-DEN-OSE")
    qtbot.keyClicks(dialog.name_edit, "Densitometria osea")
    dialog.specialty_combo.setCurrentIndex(dialog.specialty_combo.findData("RADIO"))
    dialog.sex_combo.setCurrentIndex(dialog.sex_combo.findData("F"))
    dialog.min_age_spin.setValue(65)
    dialog.max_age_spin.setValue(40)
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "mayor que la máxima" in dialog.error_label.text()
    dialog.max_age_spin.setValue(dialog.max_age_spin.minimum())  # "—": no upper limit
    dialog.repeat_spin.setValue(365)
    tick(qtbot, dialog.basic_box)
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    with db.session() as s:
        made = s.scalar(select(Service).where(Service.code == "IMG-DEN-OSE"))
        assert (made.sex, made.min_age, made.max_age, made.repeat_window_days,
                made.in_basic_catalog) == (Sex.FEMALE, 65, None, 365, True)
    assert events(db, "catalog_add")[-1].entity_id == "IMG-DEN-OSE"


def test_a_rejection_reason_is_deactivated_not_deleted(qtbot, db, cast, make_ctx):
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "catalogs")
    page = tab.reasons
    page.select("R01")
    click(qtbot, page.edit_button)
    dialog = page.dialog
    tick(qtbot, dialog.active_box)
    click(qtbot, dialog.ok_button)
    with db.session() as s:
        assert s.scalar(select(RejectionReason.active).where(RejectionReason.code == "R01")) is False
    assert events(db, "catalog_update")[-1].details["changes"] == {"active": [True, False]}


def test_reloading_the_shipped_catalogs_shows_the_changes_first(qtbot, db, cast, make_ctx):
    with db.transaction() as s:
        s.scalar(select(Unit).where(Unit.code == "09HGZ24")).phone = "55 1234 5678"
        s.scalar(select(RejectionReason).where(RejectionReason.code == "R01")).description = "Otro"
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "catalogs")
    click(qtbot, tab.reload_button)
    qtbot.waitUntil(lambda: tab.preview is not None and tab.preview.isVisible(), timeout=20000)
    texts = [tab.preview.list.item(i).text() for i in range(tab.preview.list.count())]
    assert len(texts) == 2 and any("09HGZ24" in t and "55 1234 5678" in t for t in texts)
    with db.session() as s:  # nothing changed by the preview
        assert s.scalar(select(Unit.phone).where(Unit.code == "09HGZ24")) == "55 1234 5678"
    tab.preview.reject()
    click(qtbot, tab.reload_button)
    qtbot.waitUntil(lambda: tab.preview.isVisible(), timeout=20000)
    click(qtbot, tab.preview.apply_button)
    with db.session() as s:
        assert s.scalar(select(Unit.phone).where(Unit.code == "09HGZ24")) is None
        assert s.scalar(select(RejectionReason.description).where(
            RejectionReason.code == "R01")) != "Otro"
    assert events(db, "catalog_reload")[-1].details["updated"] == 2


def test_catalog_changes_need_the_admin_role(db, cast):
    with db.transaction() as s, pytest.raises(PermissionDenied):
        catalogs_admin.save_reason(s, cast.specialist, code="R99", description="x")
