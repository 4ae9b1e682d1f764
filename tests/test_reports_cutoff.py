"""Known answers for the report fixes of issue 15 (points 1–5), on SQLite and PostgreSQL.

Built on the March data set of test_reports.py (its docstring has the table of requests).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from st2desk import clock, timezones
from st2desk.db import Database
from st2desk.models import Request, RequestStatus, Unit
from st2desk.reports.model import ReportFilter
from st2desk.services import reports, requests
from tests import flows
from tests.cast import Cast
from tests.test_reports import AS_OF, MARCH, Builder, at, build_dataset

S = RequestStatus


def _report(db: Database, cast: Cast, flt: ReportFilter, by: str = "specialty",
            as_of: datetime | None = None) -> reports.Report:
    with db.session() as s:
        return reports.build_report(s, cast.admin, flt, by, as_of=as_of)


# --------------------------------------------------------------------------- 1. emergencies


def test_an_emergency_under_appeal_is_pending_not_also_rejected(db: Database, cast: Cast) -> None:
    with db.transaction() as s:
        b = Builder(s, cast)
        p1 = cast.physician.user_id
        ok = b.request("e-ok", "09UMF20", p1, "IMG-TAC-CRA", "urg", at("03-05"),
                       status=S.AUTHORIZED, emergency=date(2026, 3, 4))
        b.decide(ok, "approve", at("03-06"))
        appealed = b.request("e-app", "09UMF20", p1, "IMG-TAC-CRA", "urg", at("03-10"),
                             status=S.IN_APPEAL, emergency=date(2026, 3, 9))
        b.decide(appealed, "reject", at("03-11"))
        b.appeal(appealed, at("03-12"))
    row = _report(db, cast, MARCH, as_of=AS_OF).table("emergencies").find(specialty="RADIO")
    # Filed 2 = 1 authorized + 0 rejected + 1 pending (under appeal) + 0 cancelled.
    assert (row["filed"], row["authorized"], row["rejected"], row["pending"],
            row["cancelled"]) == (2, 1, 0, 1, 0)
    # On 11 March at 20:00 (after the rejection, before the appeal) it was a rejection.
    row = _report(db, cast, MARCH, as_of=at("03-11", "20:00")).table("emergencies").find(
        specialty="RADIO")
    assert (row["authorized"], row["rejected"], row["pending"]) == (1, 1, 0)


# --------------------------------------------------------------------------- 2. duplicates


def test_a_duplicate_blocked_then_fixed_and_resubmitted_is_counted(db: Database,
                                                                   cast: Cast) -> None:
    first = flows.in_review(db, cast)
    second = flows.draft(db, cast)
    with db.transaction() as s:
        blocked = requests.submit(s, cast.physician, second)
    assert [f.code for f in blocked.blocking] == ["duplicate.pending"]
    with db.transaction() as s:  # the earlier one is withdrawn: the duplicate is fixed
        requests.cancel(s, cast.physician, first, "Se duplicó por error de captura.")
    with db.transaction() as s:
        assert requests.submit(s, cast.physician, second).submitted
    with db.session() as s:  # the request's findings no longer show it
        req = s.get(Request, second)
        assert not [f for f in req.findings if f.code == "duplicate.pending"]
    today = clock.today()
    rep = _report(db, cast, ReportFilter(today, today))
    dup = rep.table("duplicates").find(code="duplicate.pending")
    assert (dup["findings"], dup["requests"], dup["still_draft"]) == (1, 1, 0)
    assert rep.summary["duplicates"] == 1
    # The withdrawn one is shown as cancelled (and still counted as submitted).
    assert (rep.summary["requests"], rep.summary["cancelled"]) == (2, 1)


# --------------------------------------------------------------------------- 3. the cut-off


def test_pending_and_overdue_at_a_past_cut_off(db: Database, cast: Cast) -> None:
    build_dataset(db, cast)
    first_half = ReportFilter(date(2026, 3, 1), date(2026, 3, 15))
    rep = _report(db, cast, first_half)  # no as_of: the end of 15 March (now is later)
    cut = datetime(2026, 3, 16, 6, 0, tzinfo=UTC)  # 16 March 00:00 in Mexico City
    assert rep.as_of == cut
    s = rep.summary
    # At that moment: r11 (since February), r13 (paused), r15 (decided 1 April) waited for a
    # first decision; r2 and r21 had appeals filed and not decided. Today r2 and r15 are
    # authorized: a snapshot of the present status would miss them.
    assert (s["pending"], s["pending_first"], s["pending_appeals"]) == (5, 3, 2)
    assert (s["overdue_pending"], s["overdue_appeals"]) == (3, 0)
    overdue = rep.table("overdue")
    # r11 urgent due 23 Feb 16:00 → 494 h; r15 due 8 Mar 06:00 → 192 h; r13 frozen at 25 h.
    assert overdue.values("folio") == ["TEST-r11", "TEST-r15", "TEST-r13"]
    assert overdue.values("hours_overdue") == [pytest.approx(494), pytest.approx(192),
                                               pytest.approx(25)]
    assert overdue.values("status") == ["En revisión", "En revisión", "Información solicitada"]
    backlog = {r["specialty"]: r for r in rep.table("backlog").dicts()}
    assert (backlog["RADIO"]["in_review"], backlog["RADIO"]["in_appeal"]) == (2, 1)  # r11 r15, r2
    assert (backlog["GASTRO"]["info_requested"], backlog["PATCLIN"]["in_appeal"]) == (1, 1)


def test_a_period_still_to_come_is_cut_off_now(db: Database, cast: Cast) -> None:
    build_dataset(db, cast)
    with clock.frozen_at(AS_OF):
        rep = _report(db, cast, ReportFilter(date(2026, 4, 1), date(2026, 6, 30)))
    assert rep.as_of == AS_OF
    # Pending now: r9 r10 r11 r12 r13 r16 r20 and r21's appeal — not a figure of the future.
    assert (rep.summary["pending"], rep.summary["overdue_pending"]) == (8, 4)


# --------------------------------------------------------------------------- 4. overdue list


def test_the_overdue_list_keeps_the_most_overdue(db: Database, cast: Cast,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    build_dataset(db, cast)
    monkeypatch.setattr(reports, "OVERDUE_LIST_LIMIT", 2)
    t = _report(db, cast, MARCH, as_of=AS_OF).table("overdue")
    assert t.values("folio") == ["TEST-r11", "TEST-r21"]  # 914 h, then the appeal's 386 h
    assert "Se muestran 2 de 4." in t.note


# --------------------------------------------------------------------------- 5. time zones


def _zoned_requests(db: Database, cast: Cast) -> None:
    with db.transaction() as s:
        b = Builder(s, cast)
        for code in ("02UMF27", "26UMF2"):
            b.unit[code] = s.scalar(select(Unit.id).where(Unit.code == code))
        tj = b.physician("medico.tijuana", "02UMF27")
        hm = b.physician("medico.hermosillo", "26UMF2")
        # 1 April 06:30 UTC is 31 March 23:30 in Tijuana (UTC−7 in summer time): March.
        # Decided 1 April 06:45 UTC: also 31 March there.
        late = b.request("tj", "02UMF27", tj, "IMG-TAC-CRA", "ord",
                         datetime(2026, 4, 1, 6, 30, tzinfo=UTC), status=S.AUTHORIZED)
        b.decide(late, "approve", datetime(2026, 4, 1, 6, 45, tzinfo=UTC))
        # 1 March 06:30 UTC is 28 February 23:30 in Hermosillo (UTC−7): not March, though it
        # is 1 March 00:30 in Mexico City.
        b.request("hm", "26UMF2", hm, "IMG-TAC-CRA", "ord",
                  datetime(2026, 3, 1, 6, 30, tzinfo=UTC), status=S.IN_REVIEW)
        s.add(Request(uuid=uuid.uuid4(), folio="TEST-x", status=S.DRAFT,
                      physician_id=tj, requesting_unit_id=b.unit["02UMF27"],
                      requested_on=date(2026, 3, 1), justification="", is_emergency=False))


def test_each_unit_counts_days_in_its_own_zone(db: Database, cast: Cast) -> None:
    _zoned_requests(db, cast)
    rep = _report(db, cast, MARCH, "unit,month,week", as_of=AS_OF)
    units = {r["unit"]: r for r in rep.table("by_unit").dicts()}
    assert (units["02UMF27"]["requests"], units["02UMF27"]["decided"]) == (1, 1)
    assert "26UMF2" not in units
    months = rep.table("by_month").dicts()
    assert [(m["period"], m["requests"], m["decided"]) for m in months] == [("2026-03", 1, 1)]
    weeks = {w["period"]: w for w in rep.table("by_week").dicts()}
    assert (weeks["2026-W14"]["requests"], weeks["2026-W14"]["decided"]) == (1, 1)  # Mon 30 Mar
    feb = _report(db, cast, ReportFilter(date(2026, 2, 1), date(2026, 2, 28)), "unit",
                  as_of=AS_OF)
    assert feb.table("by_unit").find(unit="26UMF2")["requests"] == 1
    april = _report(db, cast, ReportFilter(date(2026, 4, 1), date(2026, 4, 30)), "unit",
                    as_of=AS_OF)
    assert april.table("by_unit").find(unit="02UMF27") is None


def test_units_have_their_states_zone() -> None:
    class _U:
        time_zone = "America/Tijuana"

    assert timezones.unit_zone(_U()).key == "America/Tijuana"
    assert timezones.unit_zone(object()).key == "America/Mexico_City"
    summer = datetime(2026, 7, 1, 6, 30, tzinfo=UTC)
    assert timezones.local_day(summer, "America/Tijuana") == date(2026, 6, 30)
    assert timezones.local_day(summer, "America/Cancun") == date(2026, 7, 1)
    tijuana = [r for r in timezones.all_offset_rows() if r[0] == "America/Tijuana"]
    assert (datetime(2026, 3, 8, 10, 0), -420) in [(t, m) for _, t, m in tijuana]


def test_reference_units_carry_their_zone(db: Database) -> None:
    with db.session() as s:
        zones = dict(s.execute(select(Unit.code, Unit.time_zone)).all())
    assert zones["02UMF27"] == "America/Tijuana"
    assert zones["26UMF2"] == "America/Hermosillo"
    assert zones["09UMF20"] == "America/Mexico_City"


# --------------------------------------------------------------------------- 6. rates


def test_first_decision_and_final_outcome_rates(db: Database, cast: Cast) -> None:
    build_dataset(db, cast)
    s = _report(db, cast, MARCH, as_of=AS_OF).summary
    # 10 first decisions in March, 7 approved; r2's rejection was granted on appeal on
    # 20 March (r5's was denied, r21's is pending): finally 8 of 10.
    assert (s["decided"], s["approved"], s["granted_later"]) == (10, 7, 1)
    assert s["approval_rate"] == pytest.approx(0.7)
    assert s["final_approval_rate"] == pytest.approx(0.8)
    # Before the appeal was decided, the final outcome was the first decision.
    early = _report(db, cast, ReportFilter(date(2026, 3, 1), date(2026, 3, 15)),
                    as_of=at("03-19")).summary
    assert early["final_approval_rate"] == early["approval_rate"]


# --------------------------------------------------------------------------- public metrics


def test_public_metrics_standard_expedited_and_emergencies_apart(db: Database,
                                                                 cast: Cast) -> None:
    build_dataset(db, cast)
    with db.transaction() as s:  # approved after its deadline was extended by a pause
        b = Builder(s, cast)
        ext = b.request("ext", "09UMF20", cast.physician.user_id, "LAB-CEA", "ord",
                        at("03-02"), status=S.AUTHORIZED)
        b.pause(ext, at("03-03"), at("03-05"))
        b.decide(ext, "approve", at("03-06"))
    t = _report(db, cast, MARCH, as_of=AS_OF).table("public_metrics")
    standard, expedited, emergency = t.dicts()
    # Standard: r1 r2 r5 r6 r7 r14 r21 ext. Approved r1 r6 r7 r14 ext; r2 granted on appeal.
    assert (standard["decided"], standard["approved"], standard["denied"]) == (8, 5, 3)
    assert standard["approved_rate"] == pytest.approx(5 / 8)
    assert standard["denied_rate"] == pytest.approx(3 / 8)
    assert (standard["approved_after_appeal"], standard["extended_approved"]) == (1, 1)
    assert standard["final_approved_rate"] == pytest.approx(6 / 8)
    # Elapsed h: 1 12 24 48 96 120 155 240 (sum 696); working h: 1 12 24 48 48 72 155 240.
    assert standard["mean_elapsed_h"] == pytest.approx(87)
    assert standard["median_elapsed_h"] == pytest.approx(48)  # nearest rank 4 of 8
    assert standard["mean_working_h"] == pytest.approx(75)
    assert standard["median_working_h"] == pytest.approx(48)
    # Expedited: r3 12 h, r4 96 h — r8, an emergency filed after the service, is apart.
    assert (expedited["decided"], expedited["approved"]) == (2, 2)
    assert (expedited["mean_elapsed_h"], expedited["median_elapsed_h"]) == (
        pytest.approx(54), pytest.approx(12))
    assert (emergency["decided"], emergency["approved"], emergency["median_working_h"]) == (
        1, 1, pytest.approx(24))
