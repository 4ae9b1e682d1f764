"""Open a request's attached file (a prior study, a referral) in the system's viewer.

The content is read through `services.attachments.get_attachment_content`, which checks
that the user may see it, and written to a folder of this session that only this user
can read (removed when the application ends), under the file's own name so the viewer
shows it. Qt has no PDF or image viewer in PySide6-Essentials; the desktop's is better
anyway for zooming and printing a study.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from st2desk import tempfiles
from st2desk.errors import St2Error
from st2desk.outputs import os_error_message, write_atomic
from st2desk.services import attachments as attachment_service
from st2desk.ui.context import UiContext
from st2desk.ui.operations import show_error

URL_SCHEME = "attachment"  # links in detail views: attachment:<id>

_folder: Path | None = None


def attachment_url(attachment_id: int) -> str:
    return f"{URL_SCHEME}:{attachment_id}"


def attachment_id_of(url: QUrl) -> int | None:
    """The attachment a link names, or None for any other link."""
    if url.scheme() != URL_SCHEME:
        return None
    try:
        return int(url.path())
    except ValueError:
        return None


def _session_folder() -> Path:
    """A private folder for this run (0700), removed at exit and on SIGTERM (tempfiles)."""
    global _folder
    if _folder is None:
        _folder = tempfiles.private_dir("adjuntos")
    return _folder


def open_attachment(parent: QWidget, ctx: UiContext, attachment_id: int) -> Path | None:
    """Fetch, save and open one attachment; the saved path, or None when refused."""
    try:
        file = ctx.ops.read(lambda s: attachment_service.get_attachment_content(
            s, ctx.actor, attachment_id))
    except St2Error as exc:
        show_error(parent, exc.message)
        return None
    # One subfolder per attachment: two files may share a name.
    target = _session_folder() / str(attachment_id) / Path(file.filename).name
    try:
        target.parent.mkdir(exist_ok=True)
        write_atomic(target, file.content)
    except OSError as exc:
        show_error(parent, os_error_message(exc, target))
        return None
    except St2Error as exc:  # OutputError: disk full, folder gone
        show_error(parent, exc.message)
        return None
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
        show_error(parent, QCoreApplication.translate(
            "AttachmentOpener", "There is no application on this computer to open %1. "
            "The file was saved in %2.").replace("%1", file.filename).replace("%2", str(target)))
    return target
