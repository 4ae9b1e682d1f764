"""How many PostgreSQL connections st2desk's workstations hold, and what they cost the server.

    python bench/connections.py --postgres postgresql+psycopg://postgres:PW@127.0.0.1:54336/postgres \\
        [--workstations 200]

On a fresh database (``st2_connections`` on that server, dropped and created again) seeded
small with `bench.seed`, it signs people in the way the GUI does (their own login roles,
an interactive `Database`, the notification listener of `st2desk.notify` on its own thread)
and counts their backends in ``pg_stat_activity``:

1. one workstation of each role through a day's steps: signed in, listening, a run of
   reads, three reads at once (the window plus two background jobs), a report (two
   connections on one snapshot), idle again;
2. ``--workstations`` workstations signed in and listening at once, each as its own person:
   how many got in, the server's refusal for the others, whether each listener hears one
   NOTIFY;
3. what they cost: the time to sign in (a new connection with SCRAM), each backend's private
   memory (RssAnon in /proc: the server must be on this machine), and the server's and this
   client's CPU while everyone just listens for 10 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from bench import workstations as ws  # noqa: E402
from bench.seed import seed  # noqa: E402
from st2desk.db import Database  # noqa: E402
from st2desk.models import Request, RequestStatus, Specialty, Unit  # noqa: E402

DATABASE = "st2_connections"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def roles_setup(db: Database) -> list[ws.PersonSpec]:
    """A physician, a specialist with pending work, a receptionist and an administrator."""
    with db.session() as s:
        lane = s.execute(
            select(Unit.code, Specialty.code).join(Request, Request.performing_unit_id == Unit.id)
            .join(Specialty, Specialty.id == Request.specialty_id)
            .where(Request.status == RequestStatus.IN_REVIEW)
            .group_by(Unit.code, Specialty.code).order_by(text("count(*) DESC")).limit(1)).one()
        umf = s.scalar(select(Unit.code).where(Unit.kind == "UMF").order_by(Unit.id).limit(1))
    return [ws.PersonSpec("conn.medico", "physician", umf),
            ws.PersonSpec("conn.dictaminador", "specialist", lane[0], lane[1]),
            ws.PersonSpec("conn.recepcion", "reception", lane[0]),
            ws.PersonSpec("conn.admin", "admin", umf)]


def day_steps(url: str, admin_db: Database, person: ws.PersonSpec) -> list[tuple[str, int]]:
    from st2desk.reports.model import ReportFilter
    from st2desk.services import inbox, lookup, reception
    from st2desk.services import reports as rp

    def count() -> int:
        time.sleep(0.2)  # pg_stat_activity is a snapshot of shared memory: let it settle
        return ws.connections_by_user(admin_db, [person.username])[person.username]

    def read() -> None:
        with station.db.session() as s:
            if person.role == "physician":
                lookup.list_my_requests(s, station.actor)
            elif person.role == "specialist":
                inbox.inbox_page(s, station.actor)
            elif person.role == "reception":
                try:
                    reception.find(s, station.actor, "12345678901")
                except Exception:  # noqa: BLE001 - not found is fine: the query ran
                    pass
            else:
                s.execute(text("SELECT count(*) FROM units")).scalar()
            time.sleep(0.3)  # held while the others run: three sessions at once

    steps = []
    station = ws.Workstation(url, person.username).sign_in(listen=False)
    steps.append(("signed in", count()))
    station.listener = threading.Thread(target=station._listen, daemon=True)
    station.listener.start()
    deadline = time.time() + 5
    while count() < 2 and time.time() < deadline:
        pass
    steps.append(("+ listener", count()))
    for _ in range(20):
        read()
    steps.append(("20 reads, one after another", count()))
    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    steps.append(("3 reads at once", count()))
    if person.role == "admin":
        today = date.today()
        rp.generate(station.db, station.actor, ReportFilter(today - timedelta(days=30), today))
        steps.append(("a report (2 connections, one snapshot)", count()))
    time.sleep(2)
    steps.append(("idle 2 s", count()))
    station.close()
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, metavar="URL",
                        help="a superuser's URL of the server (database st2_connections is "
                             "dropped and created on it)")
    parser.add_argument("--workstations", type=int, default=200)
    args = parser.parse_args(argv)

    url = ws.recreate_database(args.postgres, DATABASE)
    admin_db = Database(url)
    say("seeding a small database (bench.seed)…")
    seed(admin_db, requests=3_000, patients=1_000, users=60, units=200)
    people = roles_setup(admin_db)
    crowd = [ws.PersonSpec(f"conn.ws{i:03d}", "physician", people[0].unit_code)
             for i in range(args.workstations)]
    say(f"creating {len(people) + len(crowd)} people with their login roles…")
    ws.create_people(admin_db, people + crowd)
    station_url = ws.base_url(url)
    with admin_db.engine.connect() as conn:
        max_conn = int(conn.exec_driver_sql("SHOW max_connections").scalar_one())
        reserved = int(conn.exec_driver_sql("SHOW superuser_reserved_connections").scalar_one())
        version = conn.exec_driver_sql("SHOW server_version").scalar_one()

    print(f"PostgreSQL {version}: max_connections = {max_conn}, "
          f"superuser_reserved_connections = {reserved}")
    import psycopg
    from sqlalchemy import make_url

    target = make_url(url)
    connect_ms = []
    for _ in range(20):
        t = time.perf_counter()
        psycopg.connect(host=target.host, port=target.port, dbname=target.database,
                        user=crowd[0].username, password=ws.PASSWORD).close()
        connect_ms.append((time.perf_counter() - t) * 1000)
    print(f"  a new connection alone (psycopg.connect, SCRAM-SHA-256, then close): median "
          f"{statistics.median(connect_ms):.1f} ms of 20")
    print("\n1. Server connections held by one workstation (pg_stat_activity, per login role)")
    for person in people:
        steps = day_steps(station_url, admin_db, person)
        print(f"  {person.role:<10} " + "; ".join(f"{label}: {n}" for label, n in steps))

    print(f"\n2. {args.workstations} workstations signed in and listening, each its own person")
    stations: list[ws.Workstation] = []
    failures: list[str] = []
    sign_in_ms: list[float] = []
    lock = threading.Lock()

    def start(person: ws.PersonSpec) -> None:
        t = time.perf_counter()
        try:
            station = ws.Workstation(station_url, person.username).sign_in(listen=True)
        except Exception as exc:  # noqa: BLE001 - counted and shown
            with lock:
                failures.append(f"{type(exc).__name__}: {str(getattr(exc, 'orig', exc) or exc)[:140]}")
            return
        with lock:
            sign_in_ms.append((time.perf_counter() - t) * 1000)
            stations.append(station)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(start, crowd))
    time.sleep(3)  # listeners connect on their own threads
    per_user = ws.connections_by_user(admin_db, [p.username for p in crowd])
    holding = sum(per_user.values())
    listening = sum(1 for n in per_user.values() if n >= 2)
    total = ws.client_backends(admin_db)
    print(f"  signed in: {len(stations)} of {args.workstations}; refused: {len(failures)}"
          + (f" (first: {failures[0]})" if failures else ""))
    print(f"  their backends: {holding} ({listening} workstations with work + listener "
          f"connections); client backends on the server: {total} of max_connections {max_conn}")
    if sign_in_ms:
        print(f"  sign-in (new connection, SCRAM, the user's row): median "
              f"{statistics.median(sign_in_ms):.1f} ms, max {max(sign_in_ms):.1f} ms "
              "(8 at a time)")
    before = {id(s): s.notifications for s in stations}
    with admin_db.engine.connect() as conn:
        conn.exec_driver_sql("NOTIFY st2desk_changes, 'bench'")
        conn.commit()
    time.sleep(2.5)
    heard = sum(1 for s in stations if s.notifications > before[id(s)])
    print(f"  one NOTIFY heard by {heard} of {len(stations)} listeners within 2.5 s")

    print("\n3. What they cost")
    pids = ws.backend_pids(admin_db, [p.username for p in crowd])
    rss = [kb for kb in (ws.rss_anon_kb(pid) for pid in pids) if kb is not None]
    if rss:
        print(f"  private memory per backend (RssAnon): median {statistics.median(rss) / 1024:.1f} "
              f"MiB, max {max(rss) / 1024:.1f} MiB; {len(rss)} backends: "
              f"{sum(rss) / 1024:.0f} MiB in all")
    cpu = ws.ServerCpu(admin_db)
    import resource

    client0 = resource.getrusage(resource.RUSAGE_SELF)
    cpu.start()
    time.sleep(10)
    server_s, wall = cpu.stop()
    client1 = resource.getrusage(resource.RUSAGE_SELF)
    client_s = (client1.ru_utime - client0.ru_utime) + (client1.ru_stime - client0.ru_stime)
    print(f"  {len(stations)} listeners idle for {wall:.0f} s (each runs SELECT 1 every second): "
          f"server CPU {server_s / wall * 100:.1f} % of one core, this client "
          f"{client_s / wall * 100:.1f} %")
    for station in stations:
        station._stop.set()
    for station in stations:
        station.close()
    admin_db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
