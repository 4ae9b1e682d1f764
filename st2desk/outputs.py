"""Every file st2desk writes goes through here (DESIGN §7.4, §7.1).

- The target is checked before any side effect: it must be a regular file or a new name
  in an existing folder (never a device, a folder or a FIFO), so a command can refuse
  before it reserves folios or signs anything.
- The content is written to a hidden temporary file in the same folder, flushed to disk
  and renamed over the target, so a full disk, a crash or a closed window leaves either
  the previous file or the new one, never a partial or empty file under the target's name.
- Files are created 0600 (patient data); nothing else can read them.
- Operating-system failures become `OutputError` with a Spanish message that says what
  happened and what to do, never the system's English reason.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from st2desk.errors import St2Error

FILE_MODE = 0o600


class OutputError(St2Error):
    """A file could not be written; nothing was left under the target's name."""


def os_error_message(exc: OSError, path: Path | str) -> str:
    """A Spanish sentence for an operating-system failure on `path`: what and what to do."""
    where = str(path)
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return (f"No hay espacio libre en el disco para escribir {where}. Libere espacio "
                "(o elija otra carpeta) y vuelva a intentarlo; no se guardó nada a medias.")
    if code in (errno.EACCES, errno.EPERM):
        return (f"No tiene permiso para escribir {where}. Elija una carpeta propia, "
                "por ejemplo Documentos.")
    if code == errno.EROFS:
        return f"La carpeta de {where} es de solo lectura. Elija otra carpeta."
    if code == errno.ENOENT:
        return f"La carpeta de {where} no existe. Elija una carpeta existente."
    if code == errno.EISDIR:
        return f"{where} es una carpeta; escriba el nombre de un archivo."
    if code == errno.ENAMETOOLONG:
        return f"El nombre {where} es demasiado largo. Elija uno más corto."
    if code == errno.EIO:
        return (f"El disco falló al escribir {where} (error de entrada/salida). Revise el "
                "disco o la memoria USB y vuelva a intentarlo.")
    return (f"No se pudo escribir {where} (error del sistema {code or 'desconocido'}). "
            "Revise la carpeta y vuelva a intentarlo.")


def check_target(path: Path | str) -> Path:
    """The target as a Path, if it is a regular file or a new name in an existing folder.

    Call it before any side effect (reserving folios, signing, recording a print)."""
    target = Path(path).expanduser()
    try:
        st = os.stat(target)
    except FileNotFoundError:
        parent = target.parent if str(target.parent) else Path(".")
        if not parent.is_dir():
            raise OutputError(f"La carpeta {parent} no existe. Elija una carpeta existente.") from None
        _probe_folder(parent, target)
        return target
    except OSError as exc:
        raise OutputError(os_error_message(exc, target)) from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{target} es una carpeta; escriba el nombre de un archivo.")
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(f"{target} no es un archivo común (es un dispositivo, una tubería u "
                          "otro objeto especial); escriba el nombre de un archivo.")
    _probe_folder(target.parent if str(target.parent) else Path("."), target)
    return target


def _probe_folder(folder: Path, target: Path) -> None:
    """Create and remove a temporary file in `folder`: the write must be able to happen there.

    `os.access` is not enough: root passes it everywhere, and pseudo file systems (/proc,
    /sys) or a read-only mount refuse only the creation itself."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".st2desk-", suffix=".probe", dir=folder)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise OutputError(f"No tiene permiso para escribir en la carpeta {folder}. "
                              "Elija una carpeta propia, por ejemplo Documentos.") from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EINVAL, errno.EOPNOTSUPP):
            raise OutputError(f"En la carpeta {folder} no se pueden crear archivos (es una "
                              "carpeta especial del sistema). Elija una carpeta común.") from None
        raise OutputError(os_error_message(exc, target)) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def check_folder_target(path: Path | str) -> Path:
    """The target as a Path, if it is a folder where files can be written, or a new name
    in an existing folder (then it is created, 0700). For outputs of one file per item."""
    target = Path(path).expanduser()
    try:
        st = os.stat(target)
    except FileNotFoundError:
        check_target(target)  # the parent exists and accepts new names
        try:
            target.mkdir(mode=0o700)
        except FileExistsError:
            pass
        except OSError as exc:
            raise OutputError(os_error_message(exc, target)) from None
        return check_folder_target(target)
    except OSError as exc:
        raise OutputError(os_error_message(exc, target)) from None
    if not stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{target} no es una carpeta; escriba el nombre de una carpeta "
                          "(se crea si no existe).")
    _probe_folder(target, target)
    return target


@contextlib.contextmanager
def atomic_writer(path: Path | str, mode: int = FILE_MODE) -> Iterator[BinaryIO]:
    """Yield a binary file; on normal exit it replaces `path`, on any error nothing changes."""
    target = check_target(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:60]}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(os_error_message(exc, target)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(os_error_message(exc, target)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: Path | str, data: bytes | Callable[[BinaryIO], None],
                 mode: int = FILE_MODE) -> Path:
    """Write `data` (bytes, or a function that writes to the file) to `path` atomically."""
    target = check_target(path)
    with atomic_writer(target, mode) as fh:
        if callable(data):
            data(fh)
        else:
            fh.write(data)
    return target
