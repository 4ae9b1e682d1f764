"""What the desk's fault guards cost (issue: faults at the desk), on PostgreSQL.

    python bench/bench_guards.py postgresql+psycopg://postgres:st2desk-ci@127.0.0.1:54329/postgres

* a statement on an interactive engine (client-side deadline armed and disarmed, server
  `statement_timeout`) against a plain engine;
* a write transaction that reads the server's clock (`SELECT now()`, the clock of
  record) against one that does not.

Medians of 5 rounds of 2,000 statements / 500 transactions, in microseconds each.
"""

from __future__ import annotations

import statistics
import sys
import time

from sqlalchemy import text

from st2desk.db import Database


def per_call(fn, count: int, rounds: int = 5) -> float:  # type: ignore[no-untyped-def]
    fn(50)  # warm-up
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn(count)
        samples.append((time.perf_counter() - started) / count * 1e6)
    return statistics.median(samples)


def main(url: str) -> None:
    plain, guarded = Database(url), Database(url, interactive=True)

    def statements(db: Database):  # type: ignore[no-untyped-def]
        def run(n: int) -> None:
            with db.session() as s:
                for _ in range(n):
                    s.execute(text("SELECT 1"))
        return run

    def transactions(clocked: bool):  # type: ignore[no-untyped-def]
        def run(n: int) -> None:
            for _ in range(n):
                if clocked:
                    with guarded.transaction() as s:
                        s.execute(text("SELECT 1"))
                else:
                    with guarded.session() as s, s.begin():
                        s.execute(text("SELECT 1"))
        return run

    a, b = per_call(statements(plain), 2000), per_call(statements(guarded), 2000)
    print(f"statement, plain engine        {a:8.1f} µs")
    print(f"statement, interactive engine  {b:8.1f} µs   (+{b - a:.1f} µs: deadline armed/disarmed)")
    c, d = per_call(transactions(False), 500), per_call(transactions(True), 500)
    print(f"write transaction, no clock    {c:8.1f} µs")
    print(f"write transaction, server clock{d:8.1f} µs   (+{d - c:.1f} µs: SELECT now())")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "postgresql+psycopg://postgres:st2desk-ci@127.0.0.1:54329/postgres")
