"""Every figure of DESIGN §1.7 against a small hand-built data set whose answers are known.

The same assertions run on SQLite and on PostgreSQL (ST2DESK_TEST_DATABASE_URL): the two
code paths (GROUPING SETS + percentile_disc, and SQLite's report facts) must agree.

The data set (times UTC; Mexico is UTC−6; report range 1–31 March 2026, snapshot at
2026-04-02 18:00 UTC = 2 April 12:00 in Mexico). Units: A = 09UMF20 and B = 09UMF23
(delegation 09, UMF), C = 14HGZ14 (delegation 14, HGZ). Services: TAC = IMG-TAC-CRA
(RADIO, imaging), COL = END-COLON (GASTRO, endoscopy), CEA = LAB-CEA (PATCLIN,
laboratory). SLA: urgent 72 h, ordinary 168 h.

  id   unit phys svc prio  submitted     first decision            work h  late  then
  r1   A    p1   TAC ord   03-02 16:00   approve 03-03 16:00         24
  r2   A    p1   TAC ord   03-03 16:00   reject  03-08 16:00         72          paused 48 h
                                                                                  (03-04→03-06);
                                                                                  appeal granted 03-20
  r3   A    p2   TAC urg   03-09 16:00   approve 03-10 04:00         12
  r4   A    p2   TAC urg   03-10 16:00   approve 03-14 16:00         96     yes
  r5   B    p3   COL ord   03-16 16:00   reject  03-26 16:00        240     yes  appeal denied 03-30
  r6   B    p3   COL ord   03-17 16:00   approve 03-18 04:00         12          repeat-window warning
  r7   C    p4   CEA ord   03-23 16:00   approve 03-25 16:00         48
  r8   C    p4   COL urg   03-25 16:00   approve 03-26 16:00         24          emergency performed
                                                                                  03-20: filed late
  r9   A    p1   TAC ord   03-30 16:00   pending (in review, due 04-06)
  r10  B    p3   COL ord   04-02 16:00   pending — submitted after the range: nowhere
  r11  A    p2   TAC urg   02-20 16:00   pending since February (due 02-23): overdue 914 h
  r12  C    p4   CEA ord   03-31 16:00   info requested 04-01 (before due 04-07): not overdue
  r13  A    p1   COL ord   03-05 16:00   info requested 03-13 17:00, after due 03-12 16:00:
                                         overdue, frozen at 25 h
  r14  A    p1   TAC ord   03-01 05:30   approve 03-01 06:30          1   (submitted 28 Feb in
                                         Mexico: not a March request; decided 1 Mar: a March decision)
  r15  A    p2   TAC ord   03-01 06:00   approve 04-01 06:00 (1 Apr in Mexico: not in range)
                                         (submitted 1 Mar 00:00 Mexico: in range, ISO week 9)
  r16  A    p2   TAC ord   04-01 05:59   pending (31 Mar 23:59 in Mexico: in range)
  r17  A    p1   TAC       draft         duplicate.pending block on 03-12
  r20  B    p3   COL ord   03-20 16:00   pending, due 03-27 16:00: overdue 146 h
  r21  C    p4   CEA ord   03-02 16:00   reject  03-09 03:00        155          (8 Mar 21:00 in
                                         Mexico: week 10, not 11); appeal pending (in_appeal)
  e1   A    p1   TAC urg   —             emergency performed 03-28, not filed (late at 2 Apr)
  e2   A    p2   TAC urg   —             emergency performed 03-31, not filed (within 72 h)
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from st2desk import clock
from st2desk.db import Database
from st2desk.errors import NotFound, PermissionDenied, ValidationError
from st2desk.models import (
    Appeal,
    Decision,
    DecisionKind,
    DuplicateHit,
    InformationRequest,
    Priority,
    Request,
    RequestStatus,
    ReviewFinding,
    Role,
    Service,
    Severity,
    Unit,
    User,
    UserRole,
)
from st2desk.reports.model import Dimension, ReportFilter, format_value, parse_dimensions
from st2desk.services import decisions, reports, requests
from tests import flows
from tests.cast import Cast

S = RequestStatus
MARCH = ReportFilter(date(2026, 3, 1), date(2026, 3, 31))
AS_OF = datetime(2026, 4, 2, 18, 0, tzinfo=UTC)
H = 3600.0


def at(day: str, hm: str = "16:00") -> datetime:
    """'03-02', '16:00' → 2026-03-02 16:00 UTC."""
    return datetime.fromisoformat(f"2026-{day}T{hm}:00+00:00")


class Builder:
    """Adds requests as the services leave them (same columns, decisions, pauses)."""

    def __init__(self, session, cast: Cast) -> None:  # type: ignore[no-untyped-def]
        self.s = session
        self.cast = cast
        self.n = 0
        self.unit = {code: session.scalar(select(Unit.id).where(Unit.code == code))
                     for code in ("09UMF20", "09UMF23", "14HGZ14")}
        self.service = {code: session.scalar(select(Service).where(Service.code == code))
                        for code in ("IMG-TAC-CRA", "END-COLON", "LAB-CEA")}

    def physician(self, name: str, unit_code: str) -> int:
        user = User(uuid=uuid.uuid4(), username=name, full_name=name.title(), password_hash="x",
                    unit_id=self.unit[unit_code], role_rows=[UserRole(role=Role.PHYSICIAN)])
        self.s.add(user)
        self.s.flush()
        return user.id

    def request(self, name: str, unit: str, physician: int, service: str, priority: str,
                submitted: datetime | None, *, status: RequestStatus,
                created: datetime | None = None, emergency: date | None = None) -> Request:
        self.n += 1
        svc = self.service[service]
        prio = Priority.URGENT if priority == "urg" or emergency else Priority.ORDINARY
        sla = timedelta(hours=72 if prio is Priority.URGENT else 168)
        created = created or submitted
        req = Request(uuid=uuid.uuid4(), folio=f"TEST-{name}", status=status, priority=prio,
                      patient_id=self.cast.patient_id, physician_id=physician,
                      requesting_unit_id=self.unit[unit],
                      performing_unit_id=self.cast.performing_unit_id, service_id=svc.id,
                      specialty_id=svc.specialty_id, diagnosis_code="G439",
                      justification="texto", is_emergency=emergency is not None,
                      performed_on=emergency, requested_on=(created - timedelta(hours=6)).date(),
                      created_at=created, updated_at=created, submitted_at=submitted,
                      due_at=submitted + sla if submitted else None)
        self.s.add(req)
        self.s.flush()
        return req

    def pause(self, req: Request, asked: datetime, answered: datetime | None) -> None:
        self.s.add(InformationRequest(uuid=uuid.uuid4(), request_id=req.id,
                                      asked_by_id=self.cast.specialist.user_id, asked_at=asked,
                                      question="¿Estudios previos?", answered_at=answered,
                                      answered_by_id=req.physician_id if answered else None,
                                      answer="Sí" if answered else None))
        if answered is None:
            req.clock_paused_at = asked
        else:
            req.due_at = req.due_at + (answered - asked)

    def decide(self, req: Request, kind: str, when: datetime) -> None:
        approve = kind == "approve"
        self.s.add(Decision(uuid=uuid.uuid4(), request_id=req.id,
                            kind=DecisionKind.APPROVE if approve else DecisionKind.REJECT,
                            on_appeal=False, decided_by_id=self.cast.specialist.user_id,
                            decided_at=when, reason_code=None if approve else "R01"))
        req.decided_at = when
        if not approve:
            req.rejected_at = when

    def appeal(self, req: Request, filed: datetime, decided: datetime | None = None,
               grant: bool | None = None) -> None:
        self.s.add(Appeal(uuid=uuid.uuid4(), request_id=req.id, filed_by_id=req.physician_id,
                          filed_at=filed, grounds="Motivos", decided_at=decided, upheld=grant,
                          decided_by_id=self.cast.appeals.user_id if decided else None))
        if decided is not None:
            self.s.add(Decision(uuid=uuid.uuid4(), request_id=req.id,
                                kind=DecisionKind.APPROVE if grant else DecisionKind.REJECT,
                                on_appeal=True, decided_by_id=self.cast.appeals.user_id,
                                decided_at=decided))
            req.decided_at = decided

    def finding(self, req: Request, code: str, when: datetime, severity: Severity) -> None:
        self.s.add(ReviewFinding(request_id=req.id, severity=severity, code=code,
                                 message=code, created_at=when))
        if code.startswith("duplicate."):  # as services.requests.run_submission keeps them
            self.s.add(DuplicateHit(request_id=req.id, code=code, severity=severity,
                                    found_at=when))


def build_dataset(db: Database, cast: Cast) -> None:
    with db.transaction() as s:
        b = Builder(s, cast)
        p1, p2 = cast.physician.user_id, cast.physician2.user_id
        p3, p4 = b.physician("medico.b", "09UMF23"), b.physician("medico.c", "14HGZ14")
        r1 = b.request("r1", "09UMF20", p1, "IMG-TAC-CRA", "ord", at("03-02"), status=S.AUTHORIZED)
        b.decide(r1, "approve", at("03-03"))
        r2 = b.request("r2", "09UMF20", p1, "IMG-TAC-CRA", "ord", at("03-03"), status=S.AUTHORIZED)
        b.pause(r2, at("03-04"), at("03-06"))
        b.decide(r2, "reject", at("03-08"))
        b.appeal(r2, at("03-10"), at("03-20"), grant=True)
        r3 = b.request("r3", "09UMF20", p2, "IMG-TAC-CRA", "urg", at("03-09"), status=S.USED)
        b.decide(r3, "approve", at("03-10", "04:00"))
        r4 = b.request("r4", "09UMF20", p2, "IMG-TAC-CRA", "urg", at("03-10"), status=S.AUTHORIZED)
        b.decide(r4, "approve", at("03-14"))
        r5 = b.request("r5", "09UMF23", p3, "END-COLON", "ord", at("03-16"),
                       status=S.REJECTED_FINAL)
        b.decide(r5, "reject", at("03-26"))
        b.appeal(r5, at("03-27"), at("03-30"), grant=False)
        r6 = b.request("r6", "09UMF23", p3, "END-COLON", "ord", at("03-17"), status=S.AUTHORIZED)
        b.decide(r6, "approve", at("03-18", "04:00"))
        b.finding(r6, "duplicate.repeat_window", at("03-17"), Severity.WARN)
        r7 = b.request("r7", "14HGZ14", p4, "LAB-CEA", "ord", at("03-23"), status=S.AUTHORIZED)
        b.decide(r7, "approve", at("03-25"))
        r8 = b.request("r8", "14HGZ14", p4, "END-COLON", "urg", at("03-25"), status=S.USED,
                       created=at("03-25", "15:00"), emergency=date(2026, 3, 20))
        b.decide(r8, "approve", at("03-26"))
        b.finding(r8, "emergency.late", at("03-25"), Severity.WARN)
        b.request("r9", "09UMF20", p1, "IMG-TAC-CRA", "ord", at("03-30"), status=S.IN_REVIEW)
        b.request("r10", "09UMF23", p3, "END-COLON", "ord", at("04-02"), status=S.IN_REVIEW)
        r11 = b.request("r11", "09UMF20", p2, "IMG-TAC-CRA", "urg", at("02-20"), status=S.IN_REVIEW)
        b.finding(r11, "duplicate.repeat_window", at("02-20"), Severity.WARN)
        r12 = b.request("r12", "14HGZ14", p4, "LAB-CEA", "ord", at("03-31"),
                        status=S.INFO_REQUESTED)
        b.pause(r12, at("04-01"), None)
        r13 = b.request("r13", "09UMF20", p1, "END-COLON", "ord", at("03-05"),
                        status=S.INFO_REQUESTED)
        b.pause(r13, at("03-13", "17:00"), None)
        r14 = b.request("r14", "09UMF20", p1, "IMG-TAC-CRA", "ord", at("03-01", "05:30"),
                        status=S.AUTHORIZED)
        b.decide(r14, "approve", at("03-01", "06:30"))
        r15 = b.request("r15", "09UMF20", p2, "IMG-TAC-CRA", "ord", at("03-01", "06:00"),
                        status=S.AUTHORIZED)
        b.decide(r15, "approve", at("04-01", "06:00"))
        b.request("r16", "09UMF20", p2, "IMG-TAC-CRA", "ord", at("04-01", "05:59"),
                  status=S.IN_REVIEW)
        r17 = b.request("r17", "09UMF20", p1, "IMG-TAC-CRA", "ord", None, status=S.DRAFT,
                        created=at("03-12"))
        b.finding(r17, "duplicate.pending", at("03-12"), Severity.BLOCK)
        b.request("r20", "09UMF23", p3, "END-COLON", "ord", at("03-20"), status=S.IN_REVIEW)
        r21 = b.request("r21", "14HGZ14", p4, "LAB-CEA", "ord", at("03-02"), status=S.IN_APPEAL)
        b.decide(r21, "reject", at("03-09", "03:00"))
        b.appeal(r21, at("03-10"))
        b.request("e1", "09UMF20", p1, "IMG-TAC-CRA", "urg", None, status=S.PERFORMED_EMERGENCY,
                  created=at("03-28", "17:00"), emergency=date(2026, 3, 28))
        b.request("e2", "09UMF20", p2, "IMG-TAC-CRA", "urg", None, status=S.PERFORMED_EMERGENCY,
                  created=at("03-31", "17:00"), emergency=date(2026, 3, 31))


def report(db: Database, cast: Cast, flt: ReportFilter = MARCH,
           by: str = "week,month,specialty,unit,delegation,category") -> reports.Report:
    with db.session() as s:
        return reports.build_report(s, cast.admin, flt, by, as_of=AS_OF)


@pytest.fixture
def march(db: Database, cast: Cast) -> reports.Report:
    build_dataset(db, cast)
    return report(db, cast)


# --------------------------------------------------------------------------- counts and rates


def test_summary_counts_rates_and_snapshot(march):
    s = march.summary
    # Submitted in March (Mexico days): r1-r9, r12, r13, r15, r16, r20, r21 — not r10 (April),
    # r11 (February), r14 (28 Feb 23:30 in Mexico) nor the draft or the unfiled emergencies.
    assert s["requests"] == 15
    assert s["urgent"] == 3  # r3, r4, r8
    # First decisions in March: r1 r2 r3 r4 r5 r6 r7 r8 r14 r21 (r15's is 1 April in Mexico).
    assert (s["decided"], s["approved"], s["rejected"]) == (10, 7, 3)
    assert s["approval_rate"] == pytest.approx(0.7)
    assert s["rejection_rate"] == pytest.approx(0.3)
    # Appeals resolved in March: r2 granted, r5 denied (r21's is still open).
    assert (s["appeals_decided"], s["approved_on_appeal"]) == (2, 1)
    assert s["approved_after_appeal_rate"] == pytest.approx(0.5)
    assert (s["decided_late"], s["late_rate"]) == (2, pytest.approx(0.2))  # r4, r5
    # Snapshot at 2 April: pending r9 r11 r12 r13 r16 r20 r21 (r10 was submitted after 31 March);
    # overdue r11, r13 (paused after its deadline), r20, and r21's appeal (filed 10 March,
    # ordinary: due 17 March).
    assert (s["pending"], s["overdue_pending"]) == (7, 4)
    assert (s["pending_first"], s["pending_appeals"], s["overdue_appeals"]) == (6, 1, 1)
    assert s["oldest_pending_days"] == pytest.approx(41 + 2 / 24)  # r11, since 20 Feb 16:00
    assert s["duplicates"] == 2  # r17 (pending duplicate), r6 (repeat window); r11's is February
    assert (s["emergencies"], s["emergencies_late"], s["emergencies_unfiled"]) == (1, 1, 2)
    assert s["flagged_physicians"] == 0  # three UMF peers: too few to compare


def test_time_to_decision_nearest_rank_with_paused_time_excluded(march):
    times = {row["priority"]: row for row in march.table("decision_times").dicts()}
    # Urgent: r3 12 h, r8 24 h, r4 96 h → mean 44, median rank ⌈3/2⌉=2 → 24, p90 rank 3 → 96.
    urgent = times["Urgente"]
    assert (urgent["n"], urgent["late"]) == (3, 1)
    assert urgent["mean_h"] == pytest.approx(44)
    assert (urgent["median_h"], urgent["p90_h"]) == (pytest.approx(24), pytest.approx(96))
    # Ordinary: r14 1, r6 12, r1 24, r7 48, r2 72 (120 h elapsed − 48 h paused), r21 155, r5 240
    # → mean 552/7, median rank 4 → 48, p90 rank ⌈6.3⌉=7 → 240.
    ordinary = times["Ordinaria"]
    assert (ordinary["n"], ordinary["late"]) == (7, 1)
    assert ordinary["mean_h"] == pytest.approx(552 / 7)
    assert (ordinary["median_h"], ordinary["p90_h"]) == (pytest.approx(48), pytest.approx(240))
    assert ordinary["sla_h"] == 168 and urgent["sla_h"] == 72
    s = march.summary
    assert (s["urgent_median_h"], s["ordinary_p90_h"]) == (pytest.approx(24), pytest.approx(240))


def test_by_specialty(march):
    t = march.table("by_specialty")
    radio, gastro, patclin = (t.find(specialty=c) for c in ("RADIO", "GASTRO", "PATCLIN"))
    # Submissions: RADIO r1 r2 r3 r4 r9 r15 r16; GASTRO r5 r6 r8 r13 r20; PATCLIN r7 r12 r21.
    assert (radio["requests"], gastro["requests"], patclin["requests"]) == (7, 5, 3)
    assert t.values("specialty") == ["RADIO", "GASTRO", "PATCLIN"]  # most requests first
    assert (radio["urgent"], gastro["urgent"], gastro["emergencies"]) == (2, 1, 1)
    assert (radio["decided"], radio["approved"], radio["rejected"]) == (5, 4, 1)
    assert radio["approval_rate"] == pytest.approx(0.8)
    assert (radio["appeals_decided"], radio["approved_on_appeal"]) == (1, 1)  # r2
    assert (gastro["appeals_decided"], gastro["approved_on_appeal"]) == (1, 0)  # r5
    assert gastro["approved_after_appeal_rate"] == 0
    assert patclin["approved_after_appeal_rate"] is None  # no appeal resolved
    assert (radio["duplicates"], gastro["duplicates"], patclin["duplicates"]) == (1, 1, 0)
    assert (radio["decided_late"], gastro["decided_late"], patclin["decided_late"]) == (1, 1, 0)
    # Nearest rank with an even count: GASTRO ordinary r6 12 h, r5 240 h → median is the
    # lower value (rank 1), not the 126 h an interpolation would give; p90 rank 2.
    assert (gastro["ordinary_median_h"], gastro["ordinary_p90_h"]) == (
        pytest.approx(12), pytest.approx(240))
    # RADIO urgent r3 12, r4 96 → 12 and 96; ordinary r14 1, r1 24, r2 72 → 24 and 72.
    assert (radio["urgent_median_h"], radio["urgent_p90_h"]) == (pytest.approx(12),
                                                                 pytest.approx(96))
    assert (radio["ordinary_median_h"], radio["ordinary_p90_h"]) == (pytest.approx(24),
                                                                     pytest.approx(72))
    assert radio["ordinary_mean_h"] == pytest.approx((1 + 24 + 72) / 3)
    # PATCLIN ordinary r7 48, r21 155; no urgent decisions at all.
    assert (patclin["ordinary_median_h"], patclin["ordinary_p90_h"]) == (
        pytest.approx(48), pytest.approx(155))
    assert (patclin["urgent_n"], patclin["urgent_median_h"]) == (0, None)
    assert radio["specialty_name"] == "Radiología e Imagen"


def test_by_week_in_mexico_time(march):
    t = march.table("by_week")
    # ISO weeks overlapping March: W09 (Mon 23 Feb, holds Sunday 1 March) … W14 (Mon 30 Mar).
    assert t.values("period") == ["2026-W09", "2026-W10", "2026-W11", "2026-W12", "2026-W13",
                                  "2026-W14"]
    assert t.values("period_start")[0] == date(2026, 2, 23)
    # W09: r15 (1 Mar 00:00); W10: r1 r2 r13 r21; W11: r3 r4; W12: r5 r6 r20; W13: r7 r8;
    # W14: r9 r12 r16 (r16 is 31 Mar 23:59 in Mexico).
    assert t.values("requests") == [1, 4, 2, 3, 2, 3]
    # Decisions by the day they were made: W09 r14; W10 r1 r2 and r21 (Sunday 8 March 21:00
    # in Mexico, although Monday 9 March in UTC); W11 r3 (9 Mar 22:00 in Mexico) r4;
    # W12 r6; W13 r5 r7 r8; W14 none.
    assert t.values("decided") == [1, 3, 2, 1, 3, 0]
    assert t.values("rejected") == [0, 2, 0, 0, 1, 0]
    assert t.values("appeals_decided") == [0, 0, 0, 1, 0, 1]  # r2 on 20 Mar, r5 on 30 Mar
    assert t.values("duplicates") == [0, 0, 1, 1, 0, 0]  # r17 12 Mar, r6 17 Mar
    assert t.find(period="2026-W14")["approval_rate"] is None


def test_by_month_unit_delegation_and_category(march):
    month = march.table("by_month")
    assert month.values("period") == ["2026-03"]
    assert (month.rows and month.find(period="2026-03")["requests"]) == 15
    unit = march.table("by_unit")
    assert [(r["unit"], r["requests"], r["decided"], r["delegation"]) for r in unit.dicts()] == [
        ("09UMF20", 8, 5, "09"), ("14HGZ14", 4, 3, "14"), ("09UMF23", 3, 2, "09")]
    deleg = march.table("by_delegation")
    assert [(r["delegation"], r["requests"], r["decided"]) for r in deleg.dicts()] == [
        ("09", 11, 7), ("14", 4, 3)]
    assert deleg.find(delegation="14")["delegation_name"] == "Jalisco"
    cat = march.table("by_category")
    assert [(r["category"], r["requests"]) for r in cat.dicts()] == [
        ("imaging", 7), ("endoscopy", 5), ("laboratory", 3)]
    assert cat.find(category="laboratory")["category_name"] == "Laboratorio especializado"


# --------------------------------------------------------------------------- snapshots


def test_backlog_by_specialty_oldest_first(march):
    t = march.table("backlog")
    assert t.values("specialty") == ["RADIO", "PATCLIN", "GASTRO"]  # oldest 20 Feb, 2 Mar, 5 Mar
    radio, patclin, gastro = t.dicts()
    assert (radio["pending"], radio["in_review"], radio["overdue"]) == (3, 3, 1)  # r9 r11 r16
    assert radio["oldest_submitted_at"] == at("02-20")
    assert radio["oldest_age_days"] == pytest.approx(41 + 2 / 24)
    # Ages at 2 Apr 18:00: r9 3 d 2 h, r11 41 d 2 h, r16 1 d 12 h 1 min.
    assert radio["mean_age_days"] == pytest.approx(
        (3 + 2 / 24 + 41 + 2 / 24 + 1 + 12 / 24 + 1 / 1440) / 3, abs=1e-4)
    assert (patclin["pending"], patclin["info_requested"], patclin["in_appeal"],
            patclin["overdue"]) == (2, 1, 1, 1)  # r12 paused before its deadline; r21's
    #                                         appeal, filed 10 March, was due 17 March
    assert (gastro["pending"], gastro["in_review"], gastro["info_requested"],
            gastro["overdue"]) == (2, 1, 1, 2)  # r20, r13


def test_overdue_list(march):
    t = march.table("overdue")
    # Most overdue first (not by deadline: r13's clock stopped 25 h after its deadline).
    # r21's appeal: filed 10 March 16:00, due 17 March 16:00, 16 days 2 h late at 2 April.
    assert t.values("folio") == ["TEST-r11", "TEST-r21", "TEST-r20", "TEST-r13"]
    assert t.values("hours_overdue") == [pytest.approx(914), pytest.approx(386),
                                         pytest.approx(146), pytest.approx(25)]
    assert t.find(folio="TEST-r21")["status"] == "En recurso de revisión"
    assert t.find(folio="TEST-r13")["status"] == "Información solicitada"
    assert t.find(folio="TEST-r11")["priority"] == "Urgente"


def test_duplicates_and_emergencies(march):
    dup = {r["code"]: r for r in march.table("duplicates").dicts()}
    assert (dup["duplicate.pending"]["findings"], dup["duplicate.pending"]["still_draft"]) == (1, 1)
    assert dup["duplicate.valid"]["findings"] == 0
    assert (dup["duplicate.repeat_window"]["requests"],
            dup["duplicate.repeat_window"]["still_draft"]) == (1, 0)
    em = march.table("emergencies")
    # r8: performed 20 Mar, filed 25 Mar (5 days: late), authorized and used.
    assert em.dicts() == [{"specialty": "GASTRO", "specialty_name": "Gastroenterología",
                           "filed": 1, "filed_late": 1, "authorized": 1, "rejected": 0,
                           "pending": 0, "cancelled": 0}]
    assert "sin presentar al corte: 2, de ellas 1 con más de 72 h" in em.note


# --------------------------------------------------------------------------- filters


@pytest.mark.parametrize(("flt", "requests", "decided", "backlog"), [
    # Delegation 14: r7 r8 r12 r21 submitted; r7 r8 r21 decided; PATCLIN backlog only.
    (ReportFilter(date(2026, 3, 1), date(2026, 3, 31), delegation="14"), 4, 3, ["PATCLIN"]),
    # Unit B: r5 r6 r20; decided r5 r6; GASTRO backlog r20 (r10 is April).
    (ReportFilter(date(2026, 3, 1), date(2026, 3, 31), unit="09umf23"), 3, 2, ["GASTRO"]),
    (ReportFilter(date(2026, 3, 1), date(2026, 3, 31), specialty="GASTRO"), 5, 3, ["GASTRO"]),
    (ReportFilter(date(2026, 3, 1), date(2026, 3, 31), category="laboratory"), 3, 2,
     ["PATCLIN"]),
    # One day, 1 March: r15 submitted (00:00 Mexico), r14 decided (00:30 Mexico).
    (ReportFilter(date(2026, 3, 1), date(2026, 3, 1)), 1, 1, ["RADIO"]),
    (ReportFilter(date(2026, 3, 1), date(2026, 3, 31), delegation="9", specialty="RADIO",
                  category="imaging"), 7, 5, ["RADIO"]),
])
def test_filters(db, cast, flt, requests, decided, backlog):
    build_dataset(db, cast)
    rep = report(db, cast, flt, "specialty")
    assert (rep.summary["requests"], rep.summary["decided"]) == (requests, decided)
    assert rep.table("backlog").values("specialty") == backlog


def test_unknown_filter_codes_and_bad_ranges(db, cast):
    with db.session() as s:
        for flt in (ReportFilter(date(2026, 3, 1), date(2026, 3, 2), delegation="99"),
                    ReportFilter(date(2026, 3, 1), date(2026, 3, 2), unit="NOEXISTE"),
                    ReportFilter(date(2026, 3, 1), date(2026, 3, 2), specialty="NOEXISTE")):
            with pytest.raises(NotFound):
                reports.build_report(s, cast.admin, flt)
        with pytest.raises(ValidationError, match="Categoría"):
            reports.build_report(s, cast.admin,
                                 ReportFilter(date(2026, 3, 1), date(2026, 3, 2), category="x"))
        with pytest.raises(ValidationError, match="Desglose desconocido «semanal»"):
            reports.build_report(s, cast.admin, MARCH, "month,semanal")
    with pytest.raises(ValidationError, match="anterior a la inicial"):
        ReportFilter(date(2026, 3, 2), date(2026, 3, 1))
    assert parse_dimensions(" Month , specialty,month") == (Dimension.MONTH, Dimension.SPECIALTY)


# --------------------------------------------------------------------------- physicians


def test_physicians_far_above_peers(db, cast):
    """UMF peers with 2, 3, 3, 4, 9 and 15 requests: median (rank ⌈6/2⌉ = 3) is 3, so the
    bar is 9 requests and at least 10: only the one with 15 (5 × the median) is flagged.
    Two HGZ physicians with 30 and 1: 30 ≥ 3 × 1, but two peers are too few to judge."""
    with db.transaction() as s:
        b = Builder(s, cast)
        counts = {("umf", "09UMF20"): [2, 3, 3, 4, 9, 15], ("hgz", "14HGZ14"): [30, 1]}
        for (kind, unit), ns in counts.items():
            for i, n in enumerate(ns):
                pid = b.physician(f"{kind}.{i}", unit)
                for j in range(n):
                    b.request(f"{kind}{i}-{j}", unit, pid, "IMG-TAC-CRA", "ord",
                              at("03-02") + timedelta(hours=j), status=S.IN_REVIEW)
    rep = report(db, cast, by="specialty")
    t = rep.table("physicians")
    assert t.dicts() == [{"physician": "umf.5", "physician_name": "Umf.5", "unit": "09UMF20",
                          "unit_kind": "UMF", "requests": 15, "per_week": pytest.approx(15 / (31 / 7)),
                          "peer_median": 3, "ratio": pytest.approx(5.0), "peers": 6}]
    assert "UMF 3 (6 médicos)" in t.note and "HGZ 1 (2 médicos)" in t.note
    assert rep.summary["flagged_physicians"] == 1


# --------------------------------------------------------------------------- through the services


def test_paused_time_and_appeals_through_the_services(db, cast):
    """The due_at-based pause arithmetic against the real workflow: submitted Monday 2 March
    10:00 (Mexico), asked for information 10 h later, answered 24 h after that, approved
    40 h after submission → 16 working hours. A second request is rejected after 5 h,
    appealed and granted: one first decision (a rejection) and one appeal granted."""
    t0 = at("03-02")
    with clock.frozen_at(t0):
        first = flows.in_review(db, cast)
    with clock.frozen_at(t0 + timedelta(hours=10)), db.transaction() as s:
        decisions.ask_information(s, cast.specialist, first, "¿Tiene estudios previos?")
    with clock.frozen_at(t0 + timedelta(hours=34)), db.transaction() as s:
        requests.answer_information(s, cast.physician, first, "Sí, se anexan al expediente.")
    with clock.frozen_at(t0 + timedelta(hours=40)), db.transaction() as s:
        decisions.approve(s, cast.specialist, first)
    with clock.frozen_at(t0 + timedelta(hours=41)):
        second = flows.in_review(db, cast, patient_id=cast.patient_female_id)
    with clock.frozen_at(t0 + timedelta(hours=46)), db.transaction() as s:
        decisions.reject(s, cast.specialist, second, "R01",
                         "La exploración descrita no justifica el estudio; complete la valoración.")
    with clock.frozen_at(t0 + timedelta(hours=50)), db.transaction() as s:
        decisions.file_appeal(s, cast.physician, second, "Se agregan hallazgos que lo justifican.")
    with clock.frozen_at(t0 + timedelta(days=3)), db.transaction() as s:
        decisions.decide_appeal(s, cast.appeals, second, grant=True,
                                text="Procede: la evolución justifica el estudio.")
    rep = report(db, cast, by="week")
    s = rep.summary
    assert (s["requests"], s["decided"], s["approved"], s["rejected"]) == (2, 2, 1, 1)
    assert (s["appeals_decided"], s["approved_on_appeal"]) == (1, 1)
    times = rep.table("decision_times").find(priority="Ordinaria")
    assert times["n"] == 2
    # Sorted: 5 h (the rejection), 16 h → median rank 1 = 5, p90 rank 2 = 16.
    assert (times["median_h"], times["p90_h"]) == (pytest.approx(5), pytest.approx(16))
    assert times["mean_h"] == pytest.approx(10.5)


def test_empty_range_has_rows_for_every_period_and_no_rates(db, cast):
    rep = report(db, cast, ReportFilter(date(2026, 1, 1), date(2026, 2, 28)), "month,specialty")
    assert rep.table("by_month").values("period") == ["2026-01", "2026-02"]
    assert rep.table("by_month").values("requests") == [0, 0]
    assert rep.table("by_specialty").rows == []
    s = rep.summary
    assert (s["requests"], s["decided"], s["approval_rate"], s["urgent_median_h"]) == (
        0, 0, None, None)


def test_a_report_leaves_the_cycle_collector_as_it_found_it(db, cast):
    """`generate` pauses Python's cycle collector while it works; a GUI that kept it off
    after a report (or after a refused one) would grow without bound."""
    import gc

    assert gc.isenabled()
    reports.generate(db, cast.admin, MARCH, "month")
    assert gc.isenabled()
    with pytest.raises(PermissionDenied):
        reports.generate(db, cast.physician, MARCH, "month")
    assert gc.isenabled()
    gc.disable()
    try:
        reports.generate(db, cast.admin, MARCH, "month")
        assert not gc.isenabled()  # left off by whoever turned it off
    finally:
        gc.enable()


def test_reports_need_the_admin_role(db, cast):
    with db.session() as s, pytest.raises(PermissionDenied, match="administrador"):
        reports.build_report(s, cast.physician, MARCH)
    with db.session() as s:
        options = reports.filter_options(s, cast.admin, delegation="09")
    assert {o.parent for o in options.units} == {"09"}
    assert any(o.code == "14" for o in options.delegations)
    assert [o.code for o in options.dimensions] == ["week", "month", "category", "specialty",
                                                   "unit", "delegation"]


def test_generate_uses_its_own_read_session(db, cast):
    build_dataset(db, cast)
    rep = reports.generate(db, cast.admin, MARCH, ["specialty"], as_of=AS_OF)
    assert rep.summary["requests"] == 15
    assert list(rep.tables) == ["summary", "decision_times", "by_specialty", "backlog", "overdue",
                                "physicians", "duplicates", "emergencies", "public_metrics"]
    assert rep.as_of == AS_OF and rep.scope[0] == ("Periodo", "01/03/2026 al 31/03/2026 (31 días)")


def test_a_reports_connections_read_one_snapshot(db, cast):
    """The queries of one report run on two connections; a request another workstation
    commits meanwhile is in neither, so the figures always add up."""
    flows.in_review(db, cast)
    count = select(func.count()).select_from(Request)
    with db.session() as s:
        before = s.scalar(count)
    with reports.report_session(db) as main, reports._helper_sessions(db, main, 1) as helpers:
        assert len(helpers) == 1
        flows.in_review(db, cast, patient_id=cast.patient_female_id)
        seen = [s.scalar(count) for s in (main, *helpers)]
    assert seen == [before, before]
    with db.session() as s:
        assert s.scalar(count) == before + 1


def test_format_value():
    assert format_value("int", 1234567) == "1,234,567"
    assert format_value("rate", 0.6667) == "66.7 %"
    assert format_value("hours", 12.04) == "12.0"
    assert format_value("date", date(2026, 3, 1)) == "01/03/2026"
    assert format_value("datetime", at("03-01", "05:30")) == "28/02/2026 23:30"
    assert format_value("rate", None) == "—"


def test_report_runs_on_a_database_object_that_just_upgraded(tmp_path):
    """st2desk init then a report on the same connection pool (the GUI after an upgrade)."""
    from st2desk.catalogs import load_reference_data
    from st2desk.db import Database
    from st2desk.reports.model import ReportFilter
    from st2desk.services import reports

    db = Database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    try:
        db.upgrade()
        with db.transaction() as s:
            load_reference_data(s)
        report = reports.generate(db, None, ReportFilter(date(2026, 1, 1), date(2026, 3, 31)), ())
        assert report.tables
    finally:
        db.dispose()
