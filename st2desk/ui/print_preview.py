"""Saving PDF documents made by st2desk (slips, forms, reports) where the user chooses.

Printing itself is `st2desk.ui.printing` (QtPrintSupport, in the application); this module
keeps "Guardar PDF…": the file is written atomically and privately through
`st2desk.outputs`, and an operating-system failure is said in Spanish.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from st2desk.outputs import OutputError, write_atomic
from st2desk.ui.file_dialogs import remember_folder, start_folder
from st2desk.ui.operations import show_error


def safe_file_name(name: str) -> str:
    cleaned = re.sub(r"[^0-9A-Za-z._-]+", "_", name).strip("._") or "documento"
    return cleaned if cleaned.lower().endswith(".pdf") else cleaned + ".pdf"


def save_pdf(data: bytes, name: str, parent: QWidget | None) -> Path | None:
    """Ask where to save `data`; return the path written, or None if cancelled or failed."""
    suggested = str(Path(start_folder("pdf")) / safe_file_name(name))
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, QCoreApplication.translate("PrintPreview", "Save PDF"), suggested,
        QCoreApplication.translate("PrintPreview", "PDF documents (*.pdf)"))
    if not chosen:
        return None
    remember_folder("pdf", chosen)
    path = Path(chosen)
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    try:
        return write_atomic(path, data)
    except OutputError as exc:
        show_error(parent, exc.message)
        return None
