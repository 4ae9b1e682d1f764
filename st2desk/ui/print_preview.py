"""Showing, printing and saving PDF documents made by st2desk (slips, forms, reports).

QtPdf (needed to preview a PDF or to print it through QPrinter) ships in PySide6-Addons,
not in PySide6-Essentials, which is all st2desk depends on (DESIGN §5). So a PDF is written
to a private temporary folder and opened in the workstation's PDF viewer, which previews and
prints it; "Save PDF…" keeps a copy where the user chooses. The temporary folder is only
readable by the user and is removed when st2desk quits.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from st2desk.ui.operations import show_error

_temp_dir: Path | None = None


def _private_dir() -> Path:
    global _temp_dir
    if _temp_dir is None or not _temp_dir.exists():
        _temp_dir = Path(tempfile.mkdtemp(prefix="st2desk-"))
        atexit.register(shutil.rmtree, _temp_dir, True)
    return _temp_dir


def safe_file_name(name: str) -> str:
    cleaned = re.sub(r"[^0-9A-Za-z._-]+", "_", name).strip("._") or "documento"
    return cleaned if cleaned.lower().endswith(".pdf") else cleaned + ".pdf"


def open_pdf(data: bytes, name: str, parent: QWidget | None) -> Path | None:
    """Open `data` in the system PDF viewer (to look at and print); return the file written."""
    path = _private_dir() / safe_file_name(name)
    path.write_bytes(data)
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        message = QCoreApplication.translate(
            "PrintPreview", "No PDF viewer could be opened on this workstation. Use “Save PDF…” "
            "and print the file from another program.\n%1")
        show_error(parent, message.replace("%1", str(path)))
        return None
    return path


def save_pdf(data: bytes, name: str, parent: QWidget | None) -> Path | None:
    """Ask where to save `data`; return the path written, or None if the user cancelled."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    suggested = str(Path(folder or Path.home()) / safe_file_name(name))
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, QCoreApplication.translate("PrintPreview", "Save PDF"), suggested,
        QCoreApplication.translate("PrintPreview", "PDF documents (*.pdf)"))
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    try:
        path.write_bytes(data)
    except OSError as exc:
        show_error(parent, QCoreApplication.translate(
            "PrintPreview", "The file could not be saved: %1").replace("%1", exc.strerror or str(exc)))
        return None
    return path
