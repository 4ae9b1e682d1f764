"""Every file st2desk reads from the user goes through here (DESIGN §7.4).

An input is checked before it is read: it must be a regular file (never a device such as
/dev/zero, a FIFO that blocks forever, or a folder) no larger than a limit that fits
what it holds, and the limit is in the message that refuses it. At most ``limit + 1``
bytes are ever read, so a file that grows while it is read cannot exhaust memory.
Operating-system failures become `InputError` with a Spanish message.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from st2desk.errors import ValidationError

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB

# Limits per kind of input (what it may reasonably hold, with room to spare).
KEY_FILE_LIMIT = 1 * MIB          # key lines of 100 bytes: thousands of keys
PDF_FORM_LIMIT = 20 * MIB         # one fillable ST2 form is ~60 KB
BUNDLE_LIMIT = 512 * MIB          # an offline unit's export
RESTORE_LIMIT = 256 * GIB         # a whole database (only checked, never read into memory)


class InputError(ValidationError):
    """An input file cannot be used: not a regular file, too large, or unreadable."""


def size_text(limit: int) -> str:
    """The limit in the unit people know: «1 MB», «20 MB», «256 GB»."""
    for unit, size in (("GB", GIB), ("MB", MIB), ("KB", KIB)):
        if limit >= size:
            value = limit / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{limit} bytes"


def read_error_message(exc: OSError, path: Path | str, what: str) -> str:
    """A Spanish sentence for an operating-system failure reading `path`."""
    where = f"{what} {path}"
    code = exc.errno
    if code == errno.ENOENT:
        return f"No existe {where}."
    if code in (errno.EACCES, errno.EPERM):
        return f"No tiene permiso para leer {where}."
    if code == errno.EISDIR:
        return f"{where} es una carpeta; indique un archivo."
    if code == errno.ENOTDIR:
        return f"La ruta de {where} pasa por algo que no es una carpeta."
    if code == errno.ENAMETOOLONG:
        return f"El nombre de {where} es demasiado largo."
    if code == errno.EIO:
        return f"El disco falló al leer {where} (error de entrada/salida)."
    return f"No se pudo leer {where} (error del sistema {code or 'desconocido'})."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def check_input(path: Path | str, limit: int, what: str) -> int:
    """The size of `path` if it is a regular file of at most `limit` bytes; InputError if not.

    `what` names the file for the message, e.g. «el archivo de llaves»."""
    try:
        st = os.stat(Path(path).expanduser())
    except OSError as exc:
        raise InputError(read_error_message(exc, path, what)) from None
    return _check_stat(st, path, limit, what)


def _check_stat(st: os.stat_result, path: Path | str, limit: int, what: str) -> int:
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{_cap(what)} {path} es una carpeta; indique un archivo.")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{_cap(what)} {path} no es un archivo común (es un dispositivo, "
                         "una tubería u otro objeto especial); indique un archivo.")
    if st.st_size > limit:
        raise InputError(f"{_cap(what)} {path} pesa {size_text(st.st_size)}; el máximo es "
                         f"{size_text(limit)}.")
    return st.st_size


def read_bounded(path: Path | str, limit: int, what: str) -> bytes:
    """The content of `path`, refusing non-regular files and files over `limit` bytes.

    The file is opened without following into a blocking FIFO (O_NONBLOCK) and checked on
    the open descriptor, so what is read is what was checked."""
    target = Path(path).expanduser()
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        raise InputError(read_error_message(exc, path, what)) from None
    try:
        _check_stat(os.fstat(fd), path, limit, what)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 * MIB, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise InputError(f"{_cap(what)} {path} pesa más de {size_text(limit)}, "
                                 "el máximo.")
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(read_error_message(exc, path, what)) from None
    finally:
        os.close(fd)
