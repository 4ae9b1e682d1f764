"""Load test: N simulated workstations, each signed in as its own person, doing a clinic's day
through st2desk's services against one PostgreSQL server; then the highest rate it holds.

    python bench/load_test.py --postgres postgresql+psycopg://postgres:PW@127.0.0.1:54336/postgres
        [--database st2_load] [--requests 100000] [--workstations 200] [--seconds 30]
        [--rate 20] [--steps 5] [--processes 2]

The database (``--database`` on that server) is seeded with `bench.seed` at ``--requests``
(scaled patients and users) unless it already is; the people are made with
`services.users.add_user` (their PostgreSQL login roles included) the first time. Each
workstation signs in like the GUI (`services.users.login` on an interactive `Database`,
the `st2desk.notify` listener on its own thread: two server connections) and then works:

* physicians (40 %): My requests (first page), a patient by NSS, a new request saved and
  submitted (two transactions, as the form does);
* specialists (30 %), two per (hospital, specialty) lane with pending work: inbox first
  page, search by folio, a decision (approve or reject one of the page's requests; another
  specialist of the lane deciding it first is counted as a conflict, not an error);
* receptionists (25 %) of the lanes' hospitals: look-up by authorization number, the slip
  (print_slip: look-up, sign, draw, audit), the use recorded;
* administrators (the rest): a month's report, now and then (a tenth of the others' rate).

Operations arrive at random (Poisson) at ``--rate`` operations per second over all
workstations — the clinic's rate, by default 20/s: every workstation busy, one action every
10 s. Each step lasts ``--seconds``; the next steps double the rate until the p99 of a
decision or of an inbox page is twice the first step's (or the server falls behind or
fails), ``--refine`` more steps halve the gap between the last rate held and the first
not held, and the highest rate held is printed as a figure. Latencies are from the
start of each call to its end (a workstation that falls behind starts late: the step's
achieved rate says so). Workstations run as threads (one connection each) in
``--processes`` processes; the client's own CPU is printed beside the server's, since
both share this machine.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import statistics
import sys
import threading
import time
import traceback
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from bench import workstations as ws  # noqa: E402
from bench.run_all import scaled  # noqa: E402
from bench.seed import seed, seeded_info  # noqa: E402
from st2desk.db import Database  # noqa: E402
from st2desk.models import (  # noqa: E402
    Authorization,
    AuthorizationStatus,
    Patient,
    Request,
    RequestStatus,
    Service,
    Specialty,
    Unit,
    User,
)

TARGETS_MS = {"decision": 100.0, "inbox page": 50.0}
ADMIN_SLOWDOWN = 10.0  # administrators act ten times less often (a report now and then)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the clinic


def plan_people(db: Database, count: int) -> tuple[list[ws.PersonSpec], dict]:
    """Who works where, chosen from the seeded data so everyone has work."""
    n_spec = max(2, round(count * 0.30) // 2 * 2)
    n_phys = max(1, round(count * 0.40))
    n_recep = max(1, round(count * 0.25))
    n_admin = max(1, count - n_spec - n_phys - n_recep)
    n_phys = count - n_spec - n_recep - n_admin
    with db.session() as s:
        lanes = s.execute(
            select(Unit.code, Unit.id, Specialty.code, Specialty.id)
            .join(Request, Request.performing_unit_id == Unit.id)
            .join(Specialty, Specialty.id == Request.specialty_id)
            .where(Request.status == RequestStatus.IN_REVIEW)
            .group_by(Unit.code, Unit.id, Specialty.code, Specialty.id)
            .order_by(text("count(*) DESC")).limit(n_spec // 2)).all()
        umfs = s.execute(
            select(Unit.code, Unit.id).join(Patient, Patient.unit_id == Unit.id)
            .where(Unit.kind == "UMF").group_by(Unit.code, Unit.id)
            .order_by(text("count(*) DESC")).limit(n_phys)).all()
    people: list[ws.PersonSpec] = []
    for i in range(n_spec):
        lane = lanes[(i // 2) % len(lanes)]
        people.append(ws.PersonSpec(f"lt.dictaminador{i:03d}", "specialist", lane[0], lane[2]))
    hospitals = list(dict.fromkeys(lane[0] for lane in lanes))
    for i in range(n_recep):
        people.append(ws.PersonSpec(f"lt.recepcion{i:03d}", "reception",
                                    hospitals[i % len(hospitals)]))
    for i in range(n_phys):
        people.append(ws.PersonSpec(f"lt.medico{i:03d}", "physician", umfs[i % len(umfs)][0]))
    for i in range(n_admin):
        people.append(ws.PersonSpec(f"lt.admin{i:03d}", "admin", umfs[0][0]))
    world = {"lanes": [(unit_id, spec_id) for _u, unit_id, _s, spec_id in lanes]}
    return people, world


def ensure_people(db: Database, people: list[ws.PersonSpec]) -> None:
    with db.session() as s:
        have = set(s.scalars(select(User.username).where(
            User.username.in_([p.username for p in people]))))
    missing = [p for p in people if p.username not in have]
    if missing:
        say(f"creating {len(missing)} people with their login roles (services.users.add_user)…")
        ws.create_people(db, missing)
    # People made by an earlier run with another plan keep their unit: work from what is.
    with db.session() as s:
        found = {u.username: u for u in s.scalars(select(User).where(
            User.username.in_([p.username for p in people])))}
        for p in people:
            user = found[p.username]
            p.unit_code = user.unit.code
            p.specialty_code = user.specialty.code if user.specialty_id else None


def work_material(db: Database, people: list[ws.PersonSpec], world: dict) -> dict:
    """What the workstations pick from: patients per physician unit, services per lane,
    valid authorization numbers per receptionist (split, so two never record the same use)."""
    today = date.today()
    material: dict = {"patients": {}, "services": {}, "numbers": {}}
    with db.session() as s:
        unit_id = {u.code: u.id for u in s.scalars(select(Unit))}
        for p in people:
            if p.role == "physician" and p.unit_code not in material["patients"]:
                material["patients"][p.unit_code] = list(s.scalars(
                    select(Patient.id).where(Patient.unit_id == unit_id[p.unit_code])
                    .order_by(Patient.id).limit(400)))
        for _unit, spec in world["lanes"]:
            material["services"][spec] = list(s.scalars(select(Service.id).where(
                Service.specialty_id == spec, Service.in_basic_catalog.is_(False),
                Service.active.is_(True), Service.sex.is_(None), Service.min_age.is_(None),
                Service.max_age.is_(None))))
        receptionists: dict[str, list[str]] = defaultdict(list)
        for p in people:
            if p.role == "reception":
                receptionists[p.unit_code].append(p.username)
        for code, names in receptionists.items():
            numbers = list(s.scalars(select(Authorization.number).where(
                Authorization.performing_unit_id == unit_id[code],
                Authorization.status == AuthorizationStatus.VALID,
                Authorization.valid_from <= today, Authorization.valid_until >= today)
                .order_by(Authorization.id.desc()).limit(400 * len(names))))
            for i, name in enumerate(names):
                material["numbers"][name] = numbers[i::len(names)]
        material["nss"] = list(s.scalars(select(Patient.nss).order_by(Patient.id).limit(200)))
    material["lanes"] = world["lanes"]
    return material


# --------------------------------------------------------------------------- one workstation

JUSTIFICATION = ("Dolor persistente de {n} semanas sin mejoría con tratamiento de primer nivel; "
                 "se requiere el estudio para precisar el diagnóstico y definir la conducta.")


class Station:
    def __init__(self, url: str, person: ws.PersonSpec, material: dict, listen: bool,
                 rng: random.Random) -> None:
        self.person = person
        self.rng = rng
        self.material = material
        self.ws = ws.Workstation(url, person.username).sign_in(listen=listen)
        self.actor = self.ws.actor
        self.db = self.ws.db
        self.last_page: list = []
        self.op = ""  # the operation under way (named in the outcome when it fails)
        self.numbers = list(material["numbers"].get(person.username, []))
        self.spec_lanes = [lane for lane in material["lanes"]]

    # Each returns the operation's label; exceptions are classified by the caller.
    def act(self) -> str:
        role = self.person.role
        r = self.rng.random()
        if role == "physician":
            if r < 0.40:
                return self.my_requests()
            if r < 0.65:
                return self.patient_by_nss()
            return self.new_request()
        if role == "specialist":
            if r < 0.50 or not self.last_page:
                return self.inbox_page()
            if r < 0.70:
                return self.search()
            return self.decide()
        if role == "reception":
            if r < 0.40 or not self.numbers:
                return self.lookup()
            if r < 0.70:
                return self.slip()
            return self.record_use()
        return self.report()

    def my_requests(self) -> str:
        self.op = "my requests page"
        from st2desk.services import lookup

        with self.db.session() as s:
            lookup.list_my_requests(s, self.actor)
        return "my requests page"

    def patient_by_nss(self) -> str:
        self.op = "patient by NSS"
        from st2desk.services import lookup

        patients = self.material["patients"].get(self.person.unit_code) or [1]
        with self.db.session() as s:
            nss = s.scalar(select(Patient.nss).where(Patient.id == self.rng.choice(patients)))
            if nss:
                lookup.patients_by_nss(s, self.actor, nss)
        return "patient by NSS"

    def new_request(self) -> str:
        self.op = "new request + submission"
        from st2desk.models import Priority
        from st2desk.services import requests
        from st2desk.services.requests import RequestData

        unit, spec = self.rng.choice(self.material["lanes"])
        services = self.material["services"].get(spec)
        patients = self.material["patients"].get(self.person.unit_code)
        if not services or not patients:
            return self.my_requests()
        data = RequestData(patient_id=self.rng.choice(patients), service_id=self.rng.choice(services),
                           diagnosis_code="G43.9", performing_unit_id=unit,
                           justification=JUSTIFICATION.format(n=self.rng.randrange(2, 60)),
                           priority=Priority.ORDINARY)
        with self.db.transaction() as s:
            request_id = requests.create_draft(s, self.actor, data).id
        with self.db.transaction() as s:
            result = requests.submit(s, self.actor, request_id)
        return "new request + submission" if result.submitted else "new request (blocked)"

    def inbox_page(self) -> str:
        self.op = "inbox page"
        from st2desk.services import inbox

        with self.db.session() as s:
            self.last_page = inbox.inbox_page(s, self.actor)
        return "inbox page"

    def search(self) -> str:
        self.op = "search by folio"
        from st2desk.services import inbox

        row = self.rng.choice(self.last_page)
        with self.db.session() as s:
            inbox.search_inbox(s, self.actor, row.folio)
        return "search by folio"

    def decide(self) -> str:
        self.op = "decision"
        from st2desk.services import decisions

        row = self.last_page.pop(self.rng.randrange(len(self.last_page)))
        if row.status is not RequestStatus.IN_REVIEW:
            return self.inbox_page()
        with self.db.transaction() as s:
            if self.rng.random() < 0.75:
                decisions.approve(s, self.actor, row.id, expected_version=row.version)
            else:
                decisions.reject(s, self.actor, row.id, "R01",
                                 "La exploración descrita no justifica el estudio; complete la "
                                 "valoración.", expected_version=row.version)
        return "decision"

    def lookup(self) -> str:
        self.op = "look-up by number"
        from st2desk.errors import NotFound
        from st2desk.services import reception

        with self.db.session() as s:
            # Without numbers of its own (a small seed), reception looks a patient up by NSS.
            number = (self.rng.choice(self.numbers) if self.numbers else
                      self.rng.choice(self.material["nss"]))
            try:
                reception.find(s, self.actor, number)
            except NotFound:
                pass
        return "look-up by number"

    def slip(self) -> str:
        self.op = "slip"
        from st2desk.services.slips import print_slip

        with self.db.transaction() as s:
            print_slip(s, self.actor, self.rng.choice(self.numbers))
        return "slip"

    def record_use(self) -> str:
        self.op = "use recorded"
        from st2desk.services import authorizations, reception

        number = self.numbers.pop()
        with self.db.transaction() as s:
            card = reception.find(s, self.actor, number).cards[0]
            authorizations.record_use(s, self.actor, card.id, expected_version=card.version)
        return "use recorded"

    def report(self) -> str:
        self.op = "report (a month)"
        from st2desk.reports.model import ReportFilter
        from st2desk.services import reports as rp

        today = date.today()
        rp.generate(self.db, self.actor, ReportFilter(today - timedelta(days=30), today))
        return "report (a month)"


def _classify(exc: BaseException) -> str:
    from st2desk.errors import ConcurrencyConflict, St2Error, StorageUnavailable

    if isinstance(exc, ConcurrencyConflict):
        return "conflict"
    if isinstance(exc, StorageUnavailable):
        return f"error: {exc.kind}"
    if isinstance(exc, St2Error):
        return f"refused: {type(exc).__name__}"
    return f"error: {type(exc).__name__}"


def run_station(station: Station, rate_per_ws: float, seconds: float, start_at: float,
                samples: list, first_error: list) -> None:
    """One workstation's step: operations at random (Poisson) times until the step ends."""
    rng = station.rng
    rate = rate_per_ws / (ADMIN_SLOWDOWN if station.person.role == "admin" else 1.0)
    due = start_at + rng.expovariate(rate)
    end = start_at + seconds
    while due < end:
        pause = due - time.time()
        if pause > 0:
            time.sleep(pause)
        t = time.perf_counter()
        try:
            label = station.act()
            outcome = "ok"
        except Exception as exc:  # noqa: BLE001 - counted per kind
            label, outcome = station.op, _classify(exc)
            kind = f"{label}: {outcome}"
            if len(first_error) < 6 and not any(e.startswith(kind) for e in first_error):
                message = "".join(traceback.format_exception_only(exc)).strip()[-240:]
                first_error.append(f"{kind} — {message}")
        samples.append((label, (time.perf_counter() - t) * 1000, outcome))
        due += rng.expovariate(rate)


def child(url: str, people: list[ws.PersonSpec], material: dict, listen: bool, seed_: int,
          commands: mp.Queue, results: mp.Queue) -> None:
    """A process of workstations: sign everyone in, then run each step it is sent."""
    import logging

    logging.disable(logging.WARNING)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    stations: list[Station] = []
    lock = threading.Lock()

    def sign_in(i: int, person: ws.PersonSpec) -> None:
        station = Station(url, person, material, listen, random.Random(seed_ * 1000 + i))
        with lock:
            stations.append(station)

    threads = [threading.Thread(target=sign_in, args=(i, p)) for i, p in enumerate(people)]
    errors = []
    for i in range(0, len(threads), 8):
        batch = threads[i:i + 8]
        for t in batch:
            t.start()
        for t in batch:
            t.join()
    if len(stations) != len(people):
        errors.append(f"{len(people) - len(stations)} workstations could not sign in")
    results.put(("ready", len(stations), errors))
    while True:
        command = commands.get()
        if command is None:
            break
        rate_per_ws, seconds, start_at = command
        samples: list[tuple[str, float, str]] = []
        first_error: list[str] = []

        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        workers = [threading.Thread(target=run_station, args=(
            s, rate_per_ws, seconds, start_at, samples, first_error)) for s in stations]
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        results.put(("step", samples, cpu, first_error))
    for station in stations:
        station.ws.close()


# --------------------------------------------------------------------------- the parent


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def print_step(rate: float, seconds: float, samples: list, client_cpu: float, server_cpu: float,
               wall: float, connections: int) -> dict[str, float]:
    by_op: dict[str, list[float]] = defaultdict(list)
    outcomes = Counter()
    for label, ms, outcome in samples:
        outcomes[outcome if outcome == "ok" else f"{label}: {outcome}"] += 1
        if outcome == "ok":
            by_op[label].append(ms)
    done = len(samples)
    print(f"\nstep at {rate:.1f} operations/s offered for {seconds:g} s: {done:,} done "
          f"({done / wall:.1f}/s achieved)")
    print(f"  {'operation':<26} {'count':>7} {'p50 ms':>9} {'p99 ms':>9}  target")
    p99s = {}
    for op in sorted(by_op, key=lambda o: -len(by_op[o])):
        values = by_op[op]
        target = TARGETS_MS.get(op)
        p99 = pct(values, 0.99)
        p99s[op] = p99
        verdict = "" if target is None else f"p99 < {target:g} ms {'ok' if p99 < target else 'MISS'}"
        print(f"  {op:<26} {len(values):>7,} {statistics.median(values):>9.1f} {p99:>9.1f}  {verdict}")
    not_ok = {k: v for k, v in outcomes.items() if k != "ok"}
    errors = sum(v for k, v in not_ok.items() if ": error" in k)
    print(f"  errors: {errors}; other outcomes: "
          + (", ".join(f"{k} {v}" for k, v in sorted(not_ok.items())) or "none"))
    print(f"  server connections (pg_stat_activity, client backends, max during the step): "
          f"{connections}")
    print(f"  CPU: server {server_cpu / wall:.2f} cores, this client {client_cpu / wall:.2f} "
          f"cores ({client_cpu / max(done, 1) * 1000:.1f} ms of client CPU per operation); "
          f"machine load average {os.getloadavg()[0]:.2f}")
    p99s["_achieved"] = done / wall
    p99s["_errors"] = errors
    return p99s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, metavar="URL",
                        help="a superuser's URL of the server (seeds and makes the people)")
    parser.add_argument("--database", default="st2_load")
    parser.add_argument("--requests", type=int, default=100_000,
                        help="seed size when the database is not seeded yet")
    parser.add_argument("--workstations", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each step")
    parser.add_argument("--rate", type=float, default=20.0,
                        help="the clinic's rate: operations per second over all workstations")
    parser.add_argument("--steps", type=int, default=5,
                        help="steps at most (each doubles the rate); 1: the clinic's rate only")
    parser.add_argument("--refine", type=int, default=2,
                        help="steps that halve the gap between the last rate held and the "
                             "first not held")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--no-listen", action="store_true",
                        help="workstations without their notification listener")
    args = parser.parse_args(argv)

    admin_url = ws.with_database(args.postgres, args.database)
    root = Database(ws.with_database(args.postgres, "postgres"))
    with root.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                        {"n": args.database}).first() is None:
            conn.exec_driver_sql(f'CREATE DATABASE "{args.database}"')
        version = conn.exec_driver_sql("SHOW server_version").scalar_one()
        max_conn = conn.exec_driver_sql("SHOW max_connections").scalar_one()
        shared = conn.exec_driver_sql("SHOW shared_buffers").scalar_one()
    root.dispose()
    db = Database(admin_url)
    info = seeded_info(db)
    if info is None:
        sizes = scaled(args.requests)
        say(f"seeding {sizes['requests']:,} requests (bench.seed)…")
        info = seed(db, **sizes)
    else:
        db.upgrade()
    people, world = plan_people(db, args.workstations)
    ensure_people(db, people)
    material = work_material(db, people, world)
    with db.session() as s:
        pending = s.scalar(select(text("count(*)")).select_from(Request).where(
            Request.status == RequestStatus.IN_REVIEW))
    roles = Counter(p.role for p in people)
    print("st2desk load test (issue 17)")
    print(f"server: PostgreSQL {version}, max_connections {max_conn}, shared_buffers {shared}; "
          f"database {args.database}: {info.requests:,} seeded requests, {pending:,} in review")
    print(f"workstations: {len(people)} ({', '.join(f'{n} {r}' for r, n in roles.items())}), "
          f"each its own login role{'' if args.no_listen else ' with its listener'}; "
          f"{args.processes} client processes; {os.cpu_count()} CPUs; load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())} before")
    sys.stdout.flush()

    station_url = ws.base_url(admin_url)
    context = mp.get_context("spawn")  # children start clean: no inherited connections
    commands = [context.Queue() for _ in range(args.processes)]
    results = context.Queue()
    chunks = [people[i::args.processes] for i in range(args.processes)]
    procs = [context.Process(target=child, args=(station_url, chunk, material, not args.no_listen, i,
                                            commands[i], results), daemon=True)
             for i, chunk in enumerate(chunks)]
    t = time.perf_counter()
    for p in procs:
        p.start()
    ready = 0
    for _ in procs:
        kind, count, errors = results.get()
        ready += count
        for e in errors:
            print(f"  {e}")
    say(f"{ready} workstations signed in in {time.perf_counter() - t:.1f} s")
    time.sleep(2)
    print(f"signed in: {ready} of {len(people)}; server connections now: "
          f"{ws.client_backends(db)}")

    # A warm-up at the clinic's rate, not counted: first prints sign and store, caches fill.
    start_at = time.time() + 1.0
    for q in commands:
        q.put((args.rate / len(people), min(10.0, args.seconds), start_at))
    for _ in procs:
        results.get()
    print(f"warm-up: {min(10.0, args.seconds):g} s at {args.rate:g}/s (not counted)")

    def offered(rate: float) -> float:  # administrators act ten times less often
        per_ws = rate / len(people)
        return sum(per_ws / (ADMIN_SLOWDOWN if p.role == "admin" else 1.0) for p in people)

    held_rate = None
    baseline: dict[str, float] = {}
    rate = args.rate
    cpu = ws.ServerCpu(db)
    try:
        failed_rate = None
        for step in range(args.steps + args.refine):
            if step >= args.steps and (held_rate is None or failed_rate is None):
                break  # nothing to refine: the first step failed, or none did
            start_at = time.time() + 1.0
            for q in commands:
                q.put((rate / len(people), args.seconds, start_at))
            peak = 0
            cpu.start()
            while time.time() < start_at + args.seconds:
                peak = max(peak, ws.client_backends(db))
                time.sleep(1)
            samples: list = []
            client_cpu = 0.0
            first_errors: list[str] = []
            for _ in procs:
                _kind, part, part_cpu, part_errors = results.get()
                samples += part
                client_cpu += part_cpu
                first_errors += part_errors
            server_cpu, _wall = cpu.stop()
            wall = args.seconds
            p99s = print_step(offered(rate), args.seconds, samples, client_cpu, server_cpu, wall, peak)
            for e in sorted(set(first_errors))[:6]:
                print(f"  first of its kind: {e}")
            sys.stdout.flush()
            if step == 0:
                baseline = p99s
            doubled = [op for op in TARGETS_MS if op in baseline and op in p99s
                       and p99s[op] > 2 * baseline[op]]
            expected = offered(rate) * args.seconds  # arrivals are random: allow 3 sigma
            behind = p99s["_achieved"] * args.seconds < expected - 3 * expected ** 0.5
            failing = p99s["_errors"] > 0.01 * max(1, len(samples))
            if doubled or behind or failing:
                why = (f"p99 of {', '.join(doubled)} more than doubled" if doubled else
                       "fewer operations done than arrived (3 standard deviations)" if behind else
                       "more than 1 % errors")
                print(f"\nnot held: at {offered(rate):.1f}/s {why}")
                failed_rate = rate
                if held_rate is None:
                    break
            else:
                held_rate = rate
            if failed_rate is None:
                rate *= 2  # search upwards, doubling
            else:
                rate = (held_rate + failed_rate) / 2  # then halve the gap  # type: ignore[operator]
        pids = ws.backend_pids(db, [p.username for p in people])
        rss = [kb for kb in (ws.rss_anon_kb(pid) for pid in pids) if kb is not None]
        if rss:
            print(f"\nserver memory after the steps: private memory per backend (RssAnon) "
                  f"median {statistics.median(rss) / 1024:.1f} MiB, max {max(rss) / 1024:.1f} MiB; "
                  f"{len(rss)} backends of the workstations: {sum(rss) / 1024:.0f} MiB")
    finally:
        for q in commands:
            q.put(None)
        for p in procs:
            p.join(timeout=30)
        db.dispose()
    if held_rate is not None:
        upper = (f"; not held at {offered(failed_rate):.1f}/s" if failed_rate is not None
                 else "; no step failed: the server holds more")
        print(f"\nhighest rate held before p99 doubled: {offered(held_rate):.1f} operations/s "
              f"({held_rate / len(people):.2f}/s per workstation{upper})")
    else:
        print("\nthe first step already failed its own criteria")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
