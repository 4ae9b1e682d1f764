"""Input files are bounded and must be regular files before a byte is read (DESIGN §7.4)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from st2desk.inputs import MIB, InputError, check_input, read_bounded


def test_reads_a_regular_file_within_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "llaves.txt"
    path.write_bytes(b"x" * 1000)
    assert read_bounded(path, 1000, "el archivo de llaves") == b"x" * 1000
    assert check_input(path, 1000, "el archivo de llaves") == 1000


def test_a_file_over_the_limit_is_refused_with_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "enorme.txt"
    with open(path, "wb") as fh:
        fh.truncate(MIB + 1)  # sparse: nothing is really written
    with pytest.raises(InputError, match=r"el máximo es 1 MB"):
        read_bounded(path, MIB, "el archivo de llaves")
    with pytest.raises(InputError, match=r"el máximo es 1 MB"):
        check_input(path, MIB, "el archivo de llaves")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_without_reading(device: str) -> None:
    with pytest.raises(InputError, match="no es un archivo común"):
        read_bounded(device, MIB, "el archivo de llaves")


def test_a_fifo_is_refused_instead_of_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "tuberia"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="no es un archivo común"):
        read_bounded(fifo, MIB, "el PDF")


def test_folders_and_missing_files_are_named_in_spanish(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="es una carpeta"):
        read_bounded(tmp_path, MIB, "el paquete")
    with pytest.raises(InputError, match="No existe el paquete"):
        read_bounded(tmp_path / "nada.st2", MIB, "el paquete")
