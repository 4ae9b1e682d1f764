"""Temporary folders holding patient data do not outlive their process (DESIGN §7.4)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from st2desk import tempfiles

CHILD = textwrap.dedent("""
    import sys, time
    from st2desk import tempfiles
    folder = tempfiles.private_dir("comprobantes")
    (folder / "comprobante.pdf").write_bytes(b"%PDF NSS 12345678903")
    print(folder, flush=True)
    time.sleep(60)
""")


def _child(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    proc = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True,
                            env={"TMPDIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert proc.stdout is not None
    folder = Path(proc.stdout.readline().strip())
    assert folder.is_dir() and folder.parent == tmp_path
    return proc, folder


def test_sigterm_removes_the_folders(tmp_path):
    proc, folder = _child(tmp_path)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == -signal.SIGTERM
    assert not folder.exists()


def test_a_killed_process_leaves_folders_that_the_next_start_removes(tmp_path):
    proc, folder = _child(tmp_path)
    live_proc, live_folder = _child(tmp_path)
    try:
        proc.kill()
        proc.wait(10)
        assert folder.exists()  # SIGKILL cannot be caught…
        assert tempfiles.remove_stale(tmp_path) == 1  # …so the next start removes it
        assert not folder.exists()
        assert live_folder.exists()  # another running st2desk's folder stays
    finally:
        live_proc.kill()
        live_proc.wait(10)
