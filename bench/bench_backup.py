"""SQLite backup at the reference scale while another process writes (DESIGN §6, §7.4).

    python -m bench.bench_backup --database sqlite:////tmp/st2desk-bench/ref.sqlite3 \\
        [--rate 20] [--old-limit 180] [--restore]

Use a database seeded by ``python -m bench.seed`` (1,000,000 requests: about 2 GB).
A separate writer process commits ``--rate`` small transactions a second into a
scratch table (``bench_backup_noise``, dropped at the end) for the whole measurement.
Measured, one after the other, each into a fresh file in the database's folder:

* the old way: the online backup API in steps of 1,024 pages (Python's
  ``Connection.backup(pages=1024)``), given ``--old-limit`` seconds; it restarts from the
  first page whenever the writer commits between two steps;
* `st2desk.backup.backup`: ``VACUUM INTO`` a temporary file in one read transaction,
  then linked to its name;
* with ``--restore``: `st2desk.backup.restore` of that backup onto the live database
  (verification of integrity and audit chain, one-transaction swap) — the writer keeps
  going, and waits for the restore's write lock.

Nothing here is asserted in tests. The backups are deleted at the end.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from st2desk import backup  # noqa: E402

NOISE = "bench_backup_noise"


def _writer(path: str, rate: float, stop, commits, gap) -> None:  # type: ignore[no-untyped-def]
    # It waits as long as it takes for a lock (a workstation gives up after 30 s), so the
    # commits it makes during a restore show how long the restore held the write lock.
    conn = sqlite3.connect(path, timeout=3600, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    pause = 1.0 / rate
    while not stop.is_set():
        asked = time.monotonic()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"INSERT INTO {NOISE} (at, pad) VALUES (?, randomblob(200))", (time.time(),))
        conn.execute("COMMIT")
        with commits.get_lock():
            commits.value += 1
        with gap.get_lock():  # the longest a commit waited: how long a lock was held
            gap.value = max(gap.value, time.monotonic() - asked)
        time.sleep(pause)
    conn.close()


def old_way(source_path: Path, target: Path, limit: float) -> tuple[float, bool, int]:
    """(seconds, finished, restarts seen) of backup(pages=1024) under the writer."""
    start = time.monotonic()
    state = {"restarts": 0, "last_remaining": None}

    def progress(_status: int, remaining: int, total: int) -> None:
        last = state["last_remaining"]
        if last is not None and remaining > last:
            state["restarts"] += 1
        state["last_remaining"] = remaining
        if time.monotonic() - start > limit:
            raise TimeoutError

    src = sqlite3.connect(source_path, timeout=60)
    dst = sqlite3.connect(target)
    finished = True
    try:
        src.backup(dst, pages=1024, progress=progress)
    except TimeoutError:
        finished = False
    finally:
        dst.close()
        src.close()
    return time.monotonic() - start, finished, state["restarts"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="URL sqlite:///… of a seeded database")
    parser.add_argument("--rate", type=float, default=20.0, help="writer commits per second (20)")
    parser.add_argument("--old-limit", type=float, default=180.0,
                        help="seconds given to the old backup API (180)")
    parser.add_argument("--restore", action="store_true", help="also time a restore under load")
    parser.add_argument("--skip-old", action="store_true", help="do not time the old backup API")
    args = parser.parse_args()
    source = backup.sqlite_path(args.database)
    size_mb = source.stat().st_size / 1e6
    conn = sqlite3.connect(source, timeout=60)
    conn.execute(f"CREATE TABLE IF NOT EXISTS {NOISE} (id INTEGER PRIMARY KEY, at REAL, pad BLOB)")
    conn.commit()
    conn.close()
    stop = multiprocessing.Event()
    commits = multiprocessing.Value("i", 0)
    gap = multiprocessing.Value("d", 0.0)
    writer = multiprocessing.Process(target=_writer,
                                     args=(str(source), args.rate, stop, commits, gap))
    writer.start()
    folder = source.parent
    old_target = folder / "bench-backup-old.sqlite3"
    new_target = folder / "bench-backup-new.sqlite3"
    for p in (old_target, new_target):
        p.unlink(missing_ok=True)
    rows: list[str] = []
    try:
        time.sleep(1.0)
        if not args.skip_old:
            c0 = commits.value
            secs, finished, restarts = old_way(source, old_target, args.old_limit)
            old_target.unlink(missing_ok=True)
            rows.append(f"backup API, 1,024 pages a step  {secs:8.1f} s  "
                        f"{'finished' if finished else 'NOT finished (stopped at the limit)'}; "
                        f"{restarts} restarts; writer commits meanwhile: {commits.value - c0}")
        c0 = commits.value
        gap.value = 0.0
        start = time.monotonic()
        pages = backup.backup(args.database, new_target)
        secs = time.monotonic() - start
        rows.append(f"st2desk backup (VACUUM INTO)    {secs:8.1f} s  finished, {pages:,} pages "
                    f"({new_target.stat().st_size / 1e6:,.0f} MB); writer commits meanwhile: "
                    f"{commits.value - c0}, longest wait for a commit {gap.value:.2f} s")
        if args.restore:
            c0 = commits.value
            gap.value = 0.0
            start = time.monotonic()
            report = backup.restore(args.database, new_target, username="bench")
            secs = time.monotonic() - start
            rows.append(f"st2desk restore (verify + swap) {secs:8.1f} s  finished, "
                        f"{report.events:,} audit events verified; writer commits meanwhile: "
                        f"{commits.value - c0}, longest wait for a commit (the swap's write "
                        f"lock) {gap.value:.1f} s")
    finally:
        stop.set()
        writer.join()
        for p in (old_target, new_target):
            p.unlink(missing_ok=True)
        conn = sqlite3.connect(source, timeout=60)
        conn.execute(f"DROP TABLE IF EXISTS {NOISE}")
        conn.commit()
        conn.close()
    print(f"SQLite backup under a writer of {args.rate:g} commits/s; database {size_mb:,.0f} MB "
          f"({os.cpu_count()} cores)")
    for row in rows:
        print("  " + row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
