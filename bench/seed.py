"""Bulk seeding at the reference scale of DESIGN §6 (1,000,000 requests, 300,000
patients, 2,000 users, 1,500 units), for every benchmark in ``bench/``.

Not the ORM row by row: rows are generated as plain tuples and written in large batches
inside one transaction — ``executemany`` on SQLite (with the seeding connection's
journal and sync relaxed and the big tables' secondary indexes dropped and rebuilt
afterwards), ``COPY … FROM STDIN`` on PostgreSQL (psycopg 3 ``cursor.copy``).

The data follow the workflow of DESIGN §1.2 so every screen and report has something
real to show: requests spread over ``years`` before ``anchor`` (the benchmarks freeze
`st2desk.clock` there), drafts, cancellations, pending requests (recent ones plus a
thin tail of stuck old ones), information requests that paused the clock (``due_at``
extended by the pause, as `services.requests.answer_information` does), first decisions
(urgent ~30 h, ordinary ~3.5 days of working time, some late), appeals, authorizations
(valid, used, expired), emergencies (some filed late), review findings (duplicates,
late emergencies, eligibility) and a few physicians who request far more than peers.

    from bench.seed import seed
    info = seed(Database(url), requests=1_000_000)    # or a smaller scale for a smoke run
    with clock.frozen_at(info.anchor): ...

Command line: ``python -m bench.seed --database URL [--requests N] …``.
The seeding parameters are kept in the ``settings`` table (key ``bench.seed``) so a
benchmark can reuse an already seeded file (`seeded_info`).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from st2desk import numbering
from st2desk.catalogs import load_reference_data
from st2desk.db import Database
from st2desk.errors import ValidationError
from st2desk.identifiers import make_curp, make_nss
from st2desk.models import (
    Base,
    Delegation,
    RejectionReason,
    Service,
    Setting,
    Sex,
    Unit,
)
from st2desk.passwords import hash_password
from st2desk.reports import pg_facts
from st2desk.services.review import justification_fingerprint
from st2desk.services.workflow import SERVICE_LEVEL
from st2desk.timezones import DEFAULT_ZONE, DELEGATION_ZONES

SETTING_KEY = "bench.seed"
BENCH_PASSWORD = "bench-st2-2026"
DEFAULT_ANCHOR = datetime(2026, 10, 30, 18, 0, tzinfo=UTC)  # a Friday, noon in Mexico
MX_OFFSET = timedelta(hours=6)
BATCH = 50_000

# Tables whose secondary indexes are dropped during the load and rebuilt after it.
BIG_TABLES = ("patients", "requests", "decisions", "information_requests", "appeals",
              "authorizations", "review_findings")

URGENT_SLA = SERVICE_LEVEL[next(p for p in SERVICE_LEVEL if p.value == "urgent")]
ORDINARY_SLA = SERVICE_LEVEL[next(p for p in SERVICE_LEVEL if p.value == "ordinary")]

_EPOCH = datetime(1970, 1, 1)

JUSTIFICATIONS = [
    "Dolor lumbar de seis semanas sin mejoría con tratamiento conservador, con irradiación a "
    "miembro pélvico derecho y parestesias; se requiere descartar compresión radicular.",
    "Cefalea de tres meses de evolución, progresiva, con vómito matutino y papiledema "
    "bilateral en la exploración; se requiere descartar proceso expansivo intracraneal.",
    "Nódulo tiroideo palpable de 2 cm, de consistencia firme, con crecimiento en los últimos "
    "seis meses; se solicita estudio para caracterizarlo antes de decidir la conducta.",
    "Sangrado de tubo digestivo alto con anemia microcítica y descenso de hemoglobina; se "
    "requiere el estudio para localizar la lesión y definir el tratamiento.",
    "Gonartrosis grado IV con limitación funcional grave que no responde a analgésicos ni a "
    "rehabilitación de seis meses; candidato a tratamiento quirúrgico.",
    "Masa mamaria de 3 cm con retracción de piel y adenopatía axilar ipsilateral; se requiere "
    "confirmar el diagnóstico y estadificar para iniciar tratamiento oncológico.",
    "Disnea progresiva con desaturación al esfuerzo y estertores basales; radiografía no "
    "concluyente, se requiere el estudio para descartar enfermedad intersticial.",
    "Trastorno depresivo con ideación persistente pese a tratamiento de primer nivel; se "
    "solicita valoración psicológica especializada para plan terapéutico.",
]
FIRST_NAMES = ["JUAN", "MARÍA", "JOSÉ", "GUADALUPE", "LUIS", "ANA", "CARLOS", "ROSA",
               "MIGUEL", "LAURA", "JORGE", "PATRICIA", "PEDRO", "ELENA", "RAÚL", "SOFÍA"]
LAST_NAMES = ["HERNÁNDEZ", "GARCÍA", "MARTÍNEZ", "LÓPEZ", "GONZÁLEZ", "PÉREZ", "RODRÍGUEZ",
              "SÁNCHEZ", "RAMÍREZ", "CRUZ", "FLORES", "GÓMEZ", "MORALES", "VÁZQUEZ", "JIMÉNEZ",
              "REYES", "DÍAZ", "TORRES", "GUTIÉRREZ", "RUIZ"]
CIE10 = ["M545", "G439", "E041", "K922", "M171", "N63", "J849", "F329", "R51", "I10"]


@dataclass
class SeedInfo:
    """What was seeded; kept as JSON in the settings table."""

    requests: int
    patients: int
    users: int
    units: int
    anchor: datetime
    start: datetime
    admin_username: str
    seconds: float
    backend: str

    def to_json(self) -> str:
        data = asdict(self)
        data["anchor"] = self.anchor.isoformat()
        data["start"] = self.start.isoformat()
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> SeedInfo:
        data = json.loads(text)
        data["anchor"] = datetime.fromisoformat(data["anchor"])
        data["start"] = datetime.fromisoformat(data["start"])
        return cls(**data)


def seeded_info(db: Database) -> SeedInfo | None:
    """The parameters of an earlier `seed` on this database, or None."""
    from sqlalchemy import inspect

    if not inspect(db.engine).has_table("settings"):
        return None
    with db.session() as s:
        row = s.get(Setting, SETTING_KEY)
        return SeedInfo.from_json(row.value) if row else None


# --------------------------------------------------------------------------- writers


class _Writer:
    """Bulk writer for one backend: begin, (drop indexes), write tables, finish."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.raw = db.engine.raw_connection()
        self.conn = self.raw.driver_connection
        self.dropped: list[str] = []

    def write(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.raw.close()


class _SQLiteWriter(_Writer):
    def begin(self) -> None:
        c = self.conn
        c.execute("PRAGMA journal_mode=MEMORY")
        c.execute("PRAGMA synchronous=OFF")
        c.execute("PRAGMA cache_size=-400000")
        c.execute("PRAGMA temp_store=MEMORY")
        c.execute("PRAGMA foreign_keys=OFF")
        c.execute("BEGIN")
        for table in BIG_TABLES:
            for name, sql in c.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=? "
                    "AND sql IS NOT NULL", (table,)).fetchall():
                self.dropped.append(sql)
                c.execute(f'DROP INDEX "{name}"')

    def write(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        marks = ",".join("?" * len(columns))
        self.conn.executemany(
            f'INSERT INTO {table} ({",".join(columns)}) VALUES ({marks})', rows)

    def finish(self, progress: Callable[[str], None]) -> None:
        c = self.conn
        for sql in self.dropped:
            progress(f"índice: {sql.split(' ON ')[0].split()[-1]}")
            c.execute(sql)
        c.execute("COMMIT")
        c.execute("ANALYZE")
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA synchronous=NORMAL")
        c.execute("PRAGMA foreign_keys=ON")

    # SQLite stores what SQLAlchemy's types bind: text datetimes, 32-hex UUIDs, 0/1.
    @staticmethod
    def dt(value: datetime | None) -> str | None:
        return None if value is None else value.isoformat(" ", "microseconds")

    @staticmethod
    def d(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    @staticmethod
    def u(value: uuid.UUID) -> str:
        return value.hex

    @staticmethod
    def b(value: bool) -> int:
        return 1 if value else 0


class _PostgresWriter(_Writer):
    def begin(self) -> None:
        cur = self.conn.cursor()
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '512MB'")
        # Generated rows skip the per-row triggers (the second wall's guards and trail,
        # foreign keys), as SQLite's writer skips its foreign keys; only a superuser may.
        cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        self.skipped_triggers = bool(cur.fetchone()[0])
        if self.skipped_triggers:
            cur.execute("SET session_replication_role = replica")
        for table in BIG_TABLES:
            cur.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                (table,))
            for name, sql in cur.fetchall():
                self.dropped.append(sql)
                cur.execute(f'DROP INDEX "{name}"')

    def write(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        with self.conn.cursor() as cur:
            with cur.copy(f'COPY {table} ({",".join(columns)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)

    def finish(self, progress: Callable[[str], None]) -> None:
        cur = self.conn.cursor()
        for sql in self.dropped:
            progress(f"índice: {sql.split(' ON ')[0].split()[-1]}")
            cur.execute(sql)
        for table in ("units", "users", "patients", "requests", "decisions",
                      "information_requests", "appeals", "authorizations", "review_findings"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"COALESCE((SELECT max(id) FROM {table}), 1))")
        if self.skipped_triggers:  # the report facts' triggers too: computed all at once
            progress("hechos de los reportes")
            for sql in pg_facts.refill_statements():
                cur.execute(sql)
        self.conn.commit()
        self.conn.autocommit = True
        progress("VACUUM ANALYZE")
        cur.execute("VACUUM ANALYZE")
        self.conn.autocommit = False

    dt = staticmethod(lambda v: v)
    d = staticmethod(lambda v: v)
    u = staticmethod(lambda v: v)
    b = staticmethod(lambda v: bool(v))


def _columns(table: str) -> list[str]:
    return [c.name for c in Base.metadata.tables[table].columns]


# --------------------------------------------------------------------------- the seeder


def _ts(seconds: float) -> datetime:
    """Naive UTC datetime from epoch seconds (whole seconds)."""
    return _EPOCH + timedelta(seconds=int(seconds))


def _mx_date(value: datetime) -> date:
    return (value - MX_OFFSET).date()


def seed(db: Database, requests: int = 1_000_000, patients: int = 300_000, users: int = 2_000,
         units: int = 1_500, *, anchor: datetime = DEFAULT_ANCHOR, years: float = 2.0,
         rng_seed: int = 2026,
         progress: Callable[[str], None] | None = None) -> SeedInfo:
    """Seed an empty (or schema-only) database at the given scale; returns what it made.

    ``units`` is the total wanted: the ~127 reference units plus synthetic ones (codes
    ``{delegación}{tipo}S{nnn}``, e.g. ``09UMFS001``). Refuses a database that already
    holds requests.
    """
    say = progress or (lambda _m: None)
    started = time.perf_counter()
    rng = random.Random(rng_seed)
    anchor_n = anchor.astimezone(UTC).replace(tzinfo=None)
    start_n = anchor_n - timedelta(days=365.25 * years)

    db.upgrade()
    with db.transaction() as s:
        load_reference_data(s)
    with db.session() as s:
        if s.execute(select(Base.metadata.tables["requests"].c.id).limit(1)).first():
            raise RuntimeError("la base ya tiene solicitudes; use una base vacía para sembrar")
        delegations = {d.id: d.code for d in s.scalars(select(Delegation))}
        unit_rows = [(u.id, u.code, u.kind.value, u.delegation_id)
                     for u in s.scalars(select(Unit).order_by(Unit.id))]
        services = [(v.id, v.specialty_id, v.validity_days, v.repeat_window_days)
                    for v in s.scalars(select(Service).where(Service.in_basic_catalog.is_(False),
                                                             Service.active.is_(True)))]
        reasons = [r.code for r in s.scalars(select(RejectionReason))]

    db.engine.dispose()  # the seeding connection must be the only one (journal mode, DDL)
    writer: _Writer = _SQLiteWriter(db) if db.is_sqlite else _PostgresWriter(db)
    W = writer
    try:
        writer.begin()  # type: ignore[attr-defined]

        # ---- units
        say("unidades")
        kinds = (["UMF"] * 80) + (["HGZ"] * 15) + (["HGR"] * 4) + ["UMAE"]
        levels = {"UMF": 1, "HGZ": 2, "HGR": 2, "UMAE": 3}
        next_id = max(u[0] for u in unit_rows) + 1
        counters: dict[tuple[str, str], int] = {}
        deleg_ids = sorted(delegations)
        new_units = []
        existing_codes = {u[1] for u in unit_rows}
        while len(unit_rows) + len(new_units) < units:
            dele = rng.choice(deleg_ids)
            kind = rng.choice(kinds)
            key = (delegations[dele], kind)
            counters[key] = counters.get(key, 0) + 1
            code = f"{delegations[dele]}{kind}S{counters[key]:03d}"
            if code in existing_codes:
                continue
            existing_codes.add(code)
            name = f"{kind} sintética {counters[key]} (delegación {delegations[dele]})"
            new_units.append((next_id, code, name, kind, levels[kind], dele, W.b(True),
                              DELEGATION_ZONES.get(delegations[dele], DEFAULT_ZONE)))
            next_id += 1
        W.write("units", ["id", "code", "name", "kind", "level", "delegation_id", "active",
                          "time_zone"], new_units)
        all_units = unit_rows + [(u[0], u[1], u[3], u[5]) for u in new_units]
        unit_code = {u[0]: u[1] for u in all_units}
        requesting_units = [u for u in all_units if u[2] == "UMF"] or all_units
        performing_by_deleg: dict[int, list[int]] = {}
        for u in all_units:
            if u[2] != "UMF":
                performing_by_deleg.setdefault(u[3], []).append(u[0])
        performing_any = [u[0] for u in all_units if u[2] != "UMF"]
        unit_deleg = {u[0]: u[3] for u in all_units}

        # ---- users: admin, physicians (requesting units), specialists, appeals, reception
        say("usuarios")
        pw = hash_password(BENCH_PASSWORD)
        now_n = anchor_n - timedelta(days=365.25 * years + 30)
        specialties = sorted({v[1] for v in services})
        user_rows, role_rows = [], []
        n_phys = max(1, int(users * 0.60))
        n_spec = max(1, int(users * 0.25))
        n_appeals = max(1, int(users * 0.05))
        n_recep = max(1, users - 1 - n_phys - n_spec - n_appeals)
        physicians: list[tuple[int, int]] = []  # (user id, unit id)
        specialists: list[int] = []
        appeals_users: list[int] = []
        uid = 0

        def add_user(unit_id: int, roles: list[str], specialty: int | None) -> int:
            nonlocal uid
            uid += 1
            username = f"bench.u{uid:05d}" if uid > 1 else "bench.admin"
            user_rows.append((uid, W.u(uuid.UUID(int=rng.getrandbits(128), version=4)),
                              username, f"Usuario de prueba {uid}", pw, unit_id, specialty,
                              None, W.b(True), 0, None, W.dt(now_n)))
            role_rows.extend((uid, r) for r in roles)
            return uid

        add_user(requesting_units[0][0], ["admin"], None)
        for i in range(n_phys):
            unit = requesting_units[i % len(requesting_units)] if i < len(requesting_units) \
                else rng.choice(requesting_units)
            physicians.append((add_user(unit[0], ["physician"], None), unit[0]))
        for _ in range(n_spec):
            specialists.append(add_user(rng.choice(performing_any), ["specialist"],
                                        rng.choice(specialties)))
        for _ in range(n_appeals):
            appeals_users.append(add_user(rng.choice(performing_any), ["appeals"], None))
        for _ in range(n_recep):
            add_user(rng.choice(performing_any), ["reception"], None)
        W.write("users", ["id", "uuid", "username", "full_name", "password_hash", "unit_id",
                          "specialty_id", "professional_license", "active", "failed_logins",
                          "locked_until", "created_at"], user_rows)
        W.write("user_roles", ["user_id", "role"], role_rows)

        # ---- patients
        say("pacientes")
        patient_cols = ["id", "uuid", "nss", "agregado", "curp", "first_name", "last_name",
                        "second_last_name", "birth_date", "sex", "unit_id", "eligible_until",
                        "created_at"]
        states = ["DF", "MC", "JC", "NL", "PL", "VZ", "GT", "CH"]
        consonants = ["RRN", "RPR", "LMN", "NTR", "SGL", "MRT", "CRS", "DZN"]
        rows = []
        for pid in range(1, patients + 1):
            birth = date(1935 + rng.randrange(85), rng.randrange(1, 13), rng.randrange(1, 29))
            sex = "M" if rng.random() < 0.48 else "F"
            nss = make_nss((pid // 10_000) % 100, 1990 + pid % 30, birth.year, pid % 10_000)
            first, last, second = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES),
                                   rng.choice(LAST_NAMES))
            prefix = f"{last[0]}A{second[0]}{first[0]}"
            try:
                curp = make_curp(prefix, birth, Sex(sex), rng.choice(states),
                                 rng.choice(consonants))
            except ValidationError:  # an "inconvenient word": RENAPO puts an X in second place
                curp = make_curp(prefix[0] + "X" + prefix[2:], birth, Sex(sex), "DF", "RRN")
            rows.append((pid, W.u(uuid.UUID(int=rng.getrandbits(128), version=4)), nss,
                         f"1{sex}{birth.year}OR", curp, first, last, second, W.d(birth), sex,
                         rng.choice(requesting_units)[0],
                         W.d(date(2027 + rng.randrange(3), 12, 31) if rng.random() > 0.02
                             else date(2025, 1, 31)),
                         W.dt(now_n)))
            if len(rows) >= BATCH:
                W.write("patients", patient_cols, rows)
                rows = []
        W.write("patients", patient_cols, rows)

        # ---- requests and everything that hangs from them
        info = _seed_requests(
            W, rng, requests, patients, start_n, anchor_n, physicians, specialists,
            appeals_users, services, reasons, unit_code, performing_by_deleg, performing_any,
            unit_deleg, say)

        # ---- what the services keep beside the request: every duplicate found (the
        # seed's findings are each request's only attempt) and when a request was withdrawn
        say("duplicados y cancelaciones")
        W.conn.execute("INSERT INTO duplicate_hits (request_id, code, severity, found_at) "
                       "SELECT request_id, code, severity, created_at FROM review_findings "
                       "WHERE code LIKE 'duplicate.%'")
        W.conn.execute("UPDATE requests SET cancelled_at = updated_at "
                       "WHERE status = 'cancelled' AND decided_at IS NULL")

        # ---- number sequences consistent with what was handed out
        seq_rows = [(unit, year, kind, last) for (unit, year, kind), last in info.items()]
        W.write("number_sequences", ["unit_id", "year", "kind", "last_value"], seq_rows)

        elapsed = time.perf_counter() - started
        result = SeedInfo(requests=requests, patients=patients, users=users,
                          units=len(all_units), anchor=anchor.astimezone(UTC),
                          start=start_n.replace(tzinfo=UTC), admin_username="bench.admin",
                          seconds=round(elapsed, 1), backend=db.engine.dialect.name)
        W.write("settings", ["key", "value"], [(SETTING_KEY, result.to_json())])
        say("índices y estadísticas")
        writer.finish(say)  # type: ignore[attr-defined]
        result.seconds = round(time.perf_counter() - started, 1)
    except BaseException:
        try:
            writer.conn.rollback()
        except Exception:  # noqa: BLE001
            pass
        raise
    finally:
        writer.close()
    with db.transaction() as s:
        s.get(Setting, SETTING_KEY).value = result.to_json()  # type: ignore[union-attr]
    return result


def _seed_requests(W: _Writer, rng: random.Random, n: int, n_patients: int, start: datetime,
                   anchor: datetime, physicians: list[tuple[int, int]], specialists: list[int],
                   appeals_users: list[int], services: list[tuple[int, int, int, int | None]],
                   reasons: list[str], unit_code: dict[int, str],
                   performing_by_deleg: dict[int, list[int]], performing_any: list[int],
                   unit_deleg: dict[int, int],
                   say: Callable[[str], None]) -> dict[tuple[int, int, str], int]:
    """Generate `n` requests in time order; returns the last sequence per (unit, year, kind)."""
    req_cols = ["id", "uuid", "folio", "status", "origin", "priority", "patient_id",
                "physician_id", "requesting_unit_id", "performing_unit_id", "service_id",
                "specialty_id", "diagnosis_code", "justification", "justification_hash",
                "is_emergency", "performed_on", "requested_on", "created_at", "updated_at",
                "submitted_at", "due_at", "decided_at", "clock_paused_at", "rejected_at",
                "revision_of_id", "version"]
    dec_cols = ["id", "uuid", "request_id", "kind", "on_appeal", "decided_by_id", "decided_at",
                "reason_code", "text"]
    info_cols = ["id", "uuid", "request_id", "asked_by_id", "asked_at", "question",
                 "answered_by_id", "answered_at", "answer"]
    appeal_cols = ["id", "uuid", "request_id", "filed_by_id", "filed_at", "grounds",
                   "decided_by_id", "decided_at", "upheld"]
    auth_cols = ["id", "uuid", "number", "request_id", "status", "valid_from", "valid_until",
                 "performing_unit_id", "scheduling_note", "retroactive", "issued_by_id",
                 "issued_at", "used_at", "used_recorded_by_id", "signature", "version"]
    find_cols = ["id", "request_id", "severity", "code", "message", "field", "related_folio",
                 "created_at"]

    hashes = [justification_fingerprint(t) for t in JUSTIFICATIONS]
    # Physicians' activity: log-normal spread plus ~1 % who request about five times more.
    weights = [rng.lognormvariate(0, 0.35) * (5.0 if rng.random() < 0.01 else 1.0)
               for _ in physicians]
    cum_phys = list(itertools.accumulate(weights))
    svc_weights = [rng.uniform(0.2, 3.0) for _ in services]
    cum_svc = list(itertools.accumulate(svc_weights))
    approve_p = {sp: rng.uniform(0.65, 0.92) for sp in {v[1] for v in services}}
    seqs: dict[tuple[int, int, str], int] = {}
    span = (anchor - start).total_seconds()
    t0 = (start - _EPOCH).total_seconds()
    anchor_s = (anchor - _EPOCH).total_seconds()
    anchor_day = _mx_date(anchor)
    urgent_sla, ordinary_sla = URGENT_SLA.total_seconds(), ORDINARY_SLA.total_seconds()
    dt, d, u, b = W.dt, W.d, W.u, W.b

    def new_uuid() -> object:
        return u(uuid.UUID(int=rng.getrandbits(128), version=4))

    req, dec, inf, app, auth, fnd = [], [], [], [], [], []
    ids = {"dec": 0, "inf": 0, "app": 0, "auth": 0, "fnd": 0}

    def flush() -> None:
        W.write("requests", req_cols, req)
        W.write("decisions", dec_cols, dec)
        W.write("information_requests", info_cols, inf)
        W.write("appeals", appeal_cols, app)
        W.write("authorizations", auth_cols, auth)
        W.write("review_findings", find_cols, fnd)
        for buf in (req, dec, inf, app, auth, fnd):
            buf.clear()

    def finding(rid: int, sev: str, code: str, msg: str, field: str, related: str | None,
                at: datetime) -> None:
        ids["fnd"] += 1
        fnd.append((ids["fnd"], rid, sev, code, msg, field, related, dt(at)))

    recent_folios: list[str] = []
    report_every = max(1, n // 20)
    for rid in range(1, n + 1):
        if rid % report_every == 0:
            say(f"solicitudes {rid:,}/{n:,}")
        created_s = t0 + span * (rid - 1 + rng.random()) / n
        created = _ts(created_s)
        phys, req_unit = physicians[bisect.bisect(cum_phys, rng.random() * cum_phys[-1])]
        svc_id, spec_id, validity, repeat = services[
            bisect.bisect(cum_svc, rng.random() * cum_svc[-1])]
        perf_choices = performing_by_deleg.get(unit_deleg[req_unit]) or performing_any
        perf_unit = rng.choice(perf_choices)
        patient = rng.randrange(1, n_patients + 1)
        jx = rng.randrange(len(JUSTIFICATIONS))
        created_day = _mx_date(created)
        year = created_day.year
        key = (req_unit, year, "folio")
        seqs[key] = seqs.get(key, 0) + 1
        folio = numbering.format_folio(unit_code[req_unit], year, seqs[key])
        roll = rng.random()
        emergency = roll < 0.02
        urgent = emergency or roll < 0.20
        sla = urgent_sla if urgent else ordinary_sla
        performed_on = None
        if emergency:
            late_filing = rng.random() < 0.12
            performed_on = created_day - timedelta(days=rng.randint(4, 9) if late_filing
                                                   else rng.randint(0, 2))
        status = "draft"
        submitted = due = decided = paused = rejected_at = None
        updated = created
        age = anchor_s - created_s
        fate = rng.random()
        if fate < 0.015:
            status = "performed_emergency" if emergency else "draft"
            if not emergency and rng.random() < 0.5 and recent_folios:
                finding(rid, "block", "duplicate.pending",
                        "El paciente ya tiene una solicitud en trámite para este servicio.",
                        "service", rng.choice(recent_folios), created)
        elif fate < 0.025 and not emergency:
            status = "cancelled"
            submitted = _ts(created_s + rng.randint(60, 3600))
            due = _ts(created_s + sla)
        else:
            sub_s = created_s + rng.randint(60, 4 * 3600)
            if sub_s > anchor_s:
                sub_s = anchor_s - 1
            submitted = _ts(sub_s)
            due_s = sub_s + sla
            # Working time to the first decision (clock running).
            median = 30 * 3600 if urgent else 3.5 * 86400
            work = rng.lognormvariate(0, 0.55) * median
            stuck = rng.random() < 0.0005
            pause_s = 0.0
            status = "in_review"
            if rng.random() < 0.08:  # an information request pauses the clock
                ask_s = sub_s + work * rng.uniform(0.1, 0.7)
                pause_s = rng.uniform(0.3, 5.0) * 86400
                ids["inf"] += 1
                if ask_s + pause_s < anchor_s:
                    inf.append((ids["inf"], new_uuid(), rid, rng.choice(specialists),
                                dt(_ts(ask_s)), "Anexe el estudio previo y la evolución.",
                                phys, dt(_ts(ask_s + pause_s)),
                                "Se anexa la información solicitada."))
                    due_s += int(ask_s + pause_s) - int(ask_s)
                elif ask_s < anchor_s:
                    inf.append((ids["inf"], new_uuid(), rid, rng.choice(specialists),
                                dt(_ts(ask_s)), "Anexe el estudio previo y la evolución.",
                                None, None, None))
                    status = "info_requested"
                    paused = _ts(ask_s)
                else:
                    ids["inf"] -= 1
                    pause_s = 0.0
            due = _ts(due_s)
            dec_s = sub_s + work + pause_s
            if status == "in_review" and not stuck and dec_s < anchor_s:
                decided = _ts(dec_s)
                specialist = rng.choice(specialists)
                ids["dec"] += 1
                if rng.random() < approve_p[spec_id]:
                    dec.append((ids["dec"], new_uuid(), rid, "approve", b(False), specialist,
                                dt(decided), None, ""))
                    status = _authorize(rng, auth, ids, new_uuid, rid, perf_unit, unit_code,
                                        seqs, specialist, decided, validity, emergency,
                                        performed_on, anchor_s, anchor_day, dt, d, b)
                else:
                    rejected_at = decided
                    dec.append((ids["dec"], new_uuid(), rid, "reject", b(False), specialist,
                                dt(decided), rng.choice(reasons),
                                "La justificación no sustenta el estudio solicitado."))
                    status = "rejected"
                    if rng.random() < 0.30:
                        filed_s = dec_s + rng.uniform(0.5, 10) * 86400
                        if filed_s < anchor_s:
                            status = "in_appeal"
                            ids["app"] += 1
                            app_id = ids["app"]
                            res_s = filed_s + rng.uniform(1, 20) * 86400
                            appeal = [app_id, new_uuid(), rid, phys, dt(_ts(filed_s)),
                                      "Se aportan elementos clínicos adicionales.", None, None,
                                      None]
                            if res_s < anchor_s:
                                head = rng.choice(appeals_users)
                                grant = rng.random() < 0.40
                                decided = _ts(res_s)
                                ids["dec"] += 1
                                dec.append((ids["dec"], new_uuid(), rid,
                                            "approve" if grant else "reject", b(True), head,
                                            dt(decided), None if grant else rng.choice(reasons),
                                            "Resolución del recurso de revisión."))
                                appeal[6:9] = [head, dt(decided), b(grant)]
                                if grant:
                                    status = _authorize(rng, auth, ids, new_uuid, rid, perf_unit,
                                                        unit_code, seqs, head, decided, validity,
                                                        emergency, performed_on, anchor_s,
                                                        anchor_day, dt, d, b)
                                else:
                                    status = "rejected_final"
                            app.append(tuple(appeal))
                updated = decided
            elif age > 0 and status == "in_review" and stuck:
                pass  # a request nobody has decided: the old tail of the backlog
            # Findings that travel with a submitted request.
            f = rng.random()
            if f < 0.03 and recent_folios and repeat:
                finding(rid, "warn", "duplicate.repeat_window",
                        f"El paciente recibió este servicio hace menos de {repeat} días.",
                        "service", rng.choice(recent_folios), submitted)
            elif f < 0.05:
                finding(rid, "warn", "eligibility.expired",
                        "La vigencia de derechos del paciente terminó.", "nss", None, submitted)
            if emergency and performed_on is not None and \
                    (_mx_date(submitted) - performed_on).days > 3:
                finding(rid, "warn", "emergency.late",
                        "La urgencia se presenta después de 72 horas de realizada.",
                        "performed_on", None, submitted)
        if rid % 97 == 0:
            recent_folios.append(folio)
            if len(recent_folios) > 200:
                recent_folios.pop(0)
        req.append((rid, new_uuid(), folio, status, "app", "urgent" if urgent else "ordinary",
                    patient, phys, req_unit, perf_unit, svc_id, spec_id,
                    CIE10[rid % len(CIE10)], JUSTIFICATIONS[jx], hashes[jx], b(emergency),
                    d(performed_on), d(created_day), dt(created), dt(updated), dt(submitted),
                    dt(due), dt(decided), dt(paused), dt(rejected_at), None, 1))
        if len(req) >= BATCH:
            flush()
    flush()
    return seqs


def _authorize(rng: random.Random, auth: list, ids: dict, new_uuid: Callable[[], object],
               rid: int, perf_unit: int, unit_code: dict[int, str],
               seqs: dict[tuple[int, int, str], int], issuer: int, decided: datetime,
               validity: int, emergency: bool, performed_on: date | None, anchor_s: float,
               anchor_day: date, dt: Callable, d: Callable, b: Callable) -> str:
    """Append an authorization for `rid`; returns the request's resulting status."""
    day = _mx_date(decided)
    key = (perf_unit, day.year, "authorization")
    seqs[key] = seqs.get(key, 0) + 1
    number = numbering.format_authorization(unit_code[perf_unit], day.year, seqs[key])
    start = performed_on if emergency and performed_on else day
    until = max(start, day) + timedelta(days=validity)
    used_at = None
    if emergency:
        status, req_status = "used", "used"
        used_at = decided
    else:
        use_s = (decided - _EPOCH).total_seconds() + rng.uniform(1, validity * 0.8) * 86400
        if rng.random() < 0.75 and use_s < anchor_s:
            status, req_status, used_at = "used", "used", _ts(use_s)
        elif until < anchor_day:
            status, req_status = "expired", "expired"
        else:
            status, req_status = "valid", "authorized"
    ids["auth"] += 1
    auth.append((ids["auth"], new_uuid(), number, rid, status, d(start), d(until), perf_unit,
                 None, b(emergency), issuer, dt(decided), dt(used_at), None, None, 1))
    return req_status


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Siembra masiva a la escala de referencia.")
    parser.add_argument("--database", required=True, help="URL de SQLAlchemy")
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--patients", type=int, default=300_000)
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--units", type=int, default=1_500)
    parser.add_argument("--years", type=float, default=2.0)
    args = parser.parse_args(list(argv) if argv is not None else None)
    db = Database(args.database)
    t = time.perf_counter()
    info = seed(db, args.requests, args.patients, args.users, args.units, years=args.years,
                progress=lambda m: print(f"[{time.perf_counter() - t:7.1f} s] {m}",
                                         file=sys.stderr, flush=True))
    db.dispose()
    print(info.to_json())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
