"""A full disk (DESIGN §7.4, issue 16): nothing half-written, Spanish messages, and the
next attempt after space is freed works in the same process."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from st2desk import signing
from st2desk.outputs import OutputError, write_atomic


@pytest.fixture
def full_disk(tmp_path):  # type: ignore[no-untyped-def]
    """A 512 KB tmpfs filled to the last byte; `free()` makes room again."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill the disk needs root")
    mount = tmp_path / "disco"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], check=True)
    try:
        yield _fill(mount)
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def _fill(mount: Path):  # type: ignore[no-untyped-def]
    filler = mount / "relleno"
    (mount / "keys").mkdir()  # folders made while there was room
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)

    class Disk:
        path = mount

        @staticmethod
        def free() -> None:
            filler.unlink()

        @staticmethod
        def names() -> list[str]:
            return sorted(p.name for p in mount.rglob("*"))

    return Disk


def test_first_signing_key_on_a_full_disk_leaves_nothing_and_works_once_freed(full_disk, monkeypatch):
    monkeypatch.setenv("ST2DESK_DATA_DIR", str(full_disk.path))
    signing._loaded.clear()
    before = full_disk.names()
    for _ in range(2):  # the second attempt must fail the same way, not with FileExistsError
        with pytest.raises(OutputError, match="No hay espacio libre"):
            signing.local_key()
        assert full_disk.names() == before
    full_disk.free()
    key = signing.local_key()
    assert key.path == full_disk.path / "keys" / "signing-ed25519.pem"
    assert oct(key.path.stat().st_mode & 0o777) == "0o600"
    assert signing.local_key().kid == key.kid
    assert sorted(p.name for p in key.path.parent.iterdir()) == ["signing-ed25519.pem"]


def test_export_on_a_full_disk_leaves_no_empty_file(full_disk):
    target = full_disk.path / "paquete.st2"
    with pytest.raises(OutputError, match="No hay espacio libre") as err:
        write_atomic(target, b"x" * 200_000)
    assert "No space" not in err.value.message
    assert not target.exists() and "paquete.st2" not in " ".join(full_disk.names())
    full_disk.free()
    write_atomic(target, b"x" * 200_000)
    assert target.stat().st_size == 200_000


def test_print_slip_on_a_full_disk_is_one_spanish_line(db, db_url, cast, full_disk, capsys,
                                                      cli_password):
    from st2desk import cli
    from st2desk.models import Request
    from tests import flows

    request_id, _ = flows.authorized(db, cast)
    with db.session() as s:
        number = s.get(Request, request_id).authorization.number
    target: Path = full_disk.path / "comprobante.pdf"
    code = cli.main(["--database", db_url, "print", "slip", number, "-o", str(target),
                     "--user", "admin1"])
    err = capsys.readouterr().err.strip()
    assert code != 0 and err.count("\n") == 0 and "No hay espacio libre" in err, err
    assert not target.exists()
