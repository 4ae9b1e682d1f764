"""Cold start to an interactive main window (DESIGN §6 target: under 0.8 s).

    python bench/bench_startup.py [--database URL] [--user USER] [--runs 5]

Each run is a fresh Python process (offscreen Qt) that imports the application, opens the
database, builds the main window of USER with its first section, shows it and processes
events; it prints the time from interpreter start to that point. Without --database a
small seeded SQLite file is made first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import os, sys, time
t0 = float(sys.argv[3])
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from st2desk.ui.app import make_application
from st2desk.db import Database
from sqlalchemy import select
from st2desk.models import User
from st2desk.services.common import Actor
from st2desk.ui.context import UiContext
from st2desk.ui.main_window import MainWindow
from st2desk.ui.operations import Operations
app = make_application([])
db = Database(sys.argv[1])
with db.session() as s:
    actor = Actor.from_user(s.scalar(select(User).where(User.username == sys.argv[2])))
window = MainWindow(UiContext(db=db, actor=actor, ops=Operations(db)))
window.show()
app.processEvents()
print(f"{time.time() - t0:.4f}")
# Own peak (VmHWM): after vfork+exec, ru_maxrss may still include the parent's peak.
print(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")))
"""


def seeded_database() -> tuple[str, str]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from st2desk.db import Database
    from tests.cast import build_cast

    path = Path(tempfile.mkdtemp()) / "startup.sqlite3"
    db = Database(f"sqlite:///{path}")
    build_cast(db)
    db.dispose()
    return f"sqlite:///{path}", "dictaminador1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database")
    parser.add_argument("--user", default="dictaminador1")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url, user = (args.database, args.user) if args.database else seeded_database()
    times, rss = [], []
    for _ in range(args.runs + 1):  # the first run warms the OS file cache
        start = time.time()
        out = subprocess.run([sys.executable, "-c", CHILD, url, user, str(start)],
                             capture_output=True, text=True, env={**os.environ}, check=True).stdout
        seconds, maxrss = out.split()
        times.append(float(seconds))
        rss.append(int(maxrss) / 1024)
    times, rss = times[1:], rss[1:]
    print(f"cold start to main window ({user}): median {statistics.median(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms   target < 800 ms")
    print(f"peak memory at that point: {max(rss):.0f} MB   target < 300 MB (with the inbox open)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
