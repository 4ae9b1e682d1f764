"""Outputs go only to regular files or new names, atomically, readable only by the owner."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from st2desk.outputs import OutputError, check_target, write_atomic


def test_writes_new_file_private(tmp_path: Path) -> None:
    target = write_atomic(tmp_path / "a.pdf", b"%PDF-1.4")
    assert target.read_bytes() == b"%PDF-1.4"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_refuses_folder_device_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="carpeta"):
        check_target(tmp_path)
    with pytest.raises(OutputError, match="no es un archivo común"):
        check_target("/dev/null")
    with pytest.raises(OutputError, match="no existe"):
        check_target(tmp_path / "nope" / "a.pdf")


def test_failure_while_writing_keeps_previous_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_bytes(b"old")

    def boom(fh) -> None:  # type: ignore[no-untyped-def]
        fh.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="No hay espacio libre"):
        write_atomic(target, boom)
    assert target.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["report.csv"]


def test_a_new_name_in_a_folder_that_refuses_files_is_refused_before_writing() -> None:
    # root passes os.access everywhere; /proc/self accepts no new file even for root.
    with pytest.raises(OutputError, match="no se pueden crear archivos"):
        check_target("/proc/self/x.pdf")


def test_folder_target_is_created_private_or_refused(tmp_path: Path) -> None:
    from st2desk.outputs import check_folder_target

    made = check_folder_target(tmp_path / "llenables")
    assert made.is_dir() and stat.S_IMODE(made.stat().st_mode) == 0o700
    assert list(made.iterdir()) == []  # the probe left nothing
    (tmp_path / "archivo.pdf").write_bytes(b"x")
    with pytest.raises(OutputError, match="no es una carpeta"):
        check_folder_target(tmp_path / "archivo.pdf")
    with pytest.raises(OutputError):
        check_folder_target("/proc/self/x")
    assert not Path("/proc/self/x").exists()
