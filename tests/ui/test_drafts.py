"""Local autosave: says when it could not save (disk full) and retries until it can."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from st2desk.ui.drafts import Autosaver, LocalDraftStore


def test_unwritable_folder_is_reported_and_retried(qtbot, tmp_path: Path):
    blocker = tmp_path / "drafts"
    blocker.write_text("not a folder")  # the drafts folder cannot be made
    store = LocalDraftStore("medico1", 7, folder=blocker)
    saver = Autosaver(store, lambda: {"nss": "12345678903"}, interval_ms=10, retry_ms=100)
    with qtbot.waitSignal(saver.sig_state_changed, timeout=2000):
        saver.changed()
    assert saver.failure is not None and saver.pending
    blocker.unlink()  # space freed / folder fixed
    with qtbot.waitSignal(saver.sig_state_changed, timeout=3000):
        pass
    assert saver.failure is None and not saver.pending
    assert store.load() == {"nss": "12345678903"}


@pytest.fixture
def full_disk():  # type: ignore[no-untyped-def]
    """A tiny tmpfs, filled up (needs root, as in CI)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    mount_point = Path(f"/tmp/st2desk-full-{uuid.uuid4().hex[:8]}")
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)],
                          capture_output=True)
    if done.returncode:
        mount_point.rmdir()
        pytest.skip(f"tmpfs mount refused here: {done.stderr.decode(errors='replace').strip()}")
    (mount_point / "drafts").mkdir()
    filler = mount_point / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    yield mount_point, filler
    subprocess.run(["umount", str(mount_point)], check=False)
    mount_point.rmdir()


def test_disk_full_autosave_says_so_in_spanish_and_saves_once_space_is_freed(qtbot, full_disk):
    mount_point, filler = full_disk
    store = LocalDraftStore("medico1", 7, folder=mount_point / "drafts")
    saver = Autosaver(store, lambda: {"justification": "x" * 20000}, interval_ms=10, retry_ms=100)
    with qtbot.waitSignal(saver.sig_state_changed, timeout=2000):
        saver.changed()
    assert saver.failure is not None and saver.failure.startswith("No hay espacio libre en el disco")
    assert [p.name for p in (mount_point / "drafts").iterdir()] == []  # no partial file left
    filler.unlink()
    with qtbot.waitSignal(saver.sig_state_changed, timeout=3000):
        pass
    assert saver.failure is None
    assert store.load() == {"justification": "x" * 20000}
