"""Printing st2desk's PDFs straight to a printer (QtPrintSupport), with preview.

The PDF that ReportLab made (slip, ST2 forms) is the one source of truth: its pages are
rasterized by PDFium (pypdfium2, which also draws AcroForm fields, unlike QtPdf — DESIGN
§5) at up to 300 dpi and painted on a `QPrinter` at their true size. Nothing goes through
an external viewer.

- The workstation remembers its printer and the slip's paper in QSettings (per
  workstation, CONVENTIONS 12): the print dialog appears the first time, then one
  keystroke prints; "Imprimir…" asks again.
- The slip prints on half-letter paper (Statement, 5½×8½ in, landscape) or two slips per
  letter sheet with a dashed cut line, as the workstation prefers.
- Every failure (no printer, printer gone, spooler refused, cancelled) is a `PrintFailed`
  whose Spanish message says what to do; nothing is recorded as printed unless the job
  was handed over to the printer.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QMarginsF, QPointF, QRectF, QSettings, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter, QPen
from PySide6.QtWidgets import QDialog, QWidget

from st2desk.errors import St2Error
from st2desk.ui.screen_fit import fit_to_screen

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

SETTING_PRINTER = "printing/printer"
SETTING_OUTPUT_FILE = "printing/output_file"
SETTING_SLIP_LAYOUT = "printing/slip_layout"
SETTING_FORMS_PRINTER = "printing/forms_printer"
SETTING_FORMS_OUTPUT_FILE = "printing/forms_output_file"

MAX_DPI = 300  # enough for 0.4 mm bars and 7 pt text; a letter page is ~25 MB at 300 dpi

_pdfium_lock = threading.Lock()


def _qps():  # type: ignore[no-untyped-def]
    """QtPrintSupport, loaded on first print (~50 ms less at start-up for reception)."""
    from PySide6 import QtPrintSupport

    return QtPrintSupport  # PDFium is not thread-safe: one document at a time


class SlipLayout(enum.StrEnum):
    HALF_LETTER = "half_letter"
    TWO_PER_LETTER = "two_per_letter"


class PrintFailed(St2Error):
    """The job did not reach the printer; the message says what to do."""


class PrintCancelled(PrintFailed):
    """The person cancelled the job."""


# --------------------------------------------------------------------------- settings


def slip_layout() -> SlipLayout:
    value = QSettings().value(SETTING_SLIP_LAYOUT, SlipLayout.HALF_LETTER.value)
    try:
        return SlipLayout(value)
    except ValueError:
        return SlipLayout.HALF_LETTER


def set_slip_layout(layout: SlipLayout) -> None:
    QSettings().setValue(SETTING_SLIP_LAYOUT, layout.value)


@dataclass(frozen=True)
class Purpose:
    """What is printed: decides the paper and where the printer choice is remembered."""

    printer_key: str
    file_key: str
    page_size: QPageSize
    orientation: QPageLayout.Orientation
    per_sheet: int = 1


def slip_purpose(layout: SlipLayout | None = None) -> Purpose:
    layout = layout or slip_layout()
    if layout is SlipLayout.TWO_PER_LETTER:
        return Purpose(SETTING_PRINTER, SETTING_OUTPUT_FILE, QPageSize(QPageSize.PageSizeId.Letter),
                       QPageLayout.Orientation.Portrait, per_sheet=2)
    return Purpose(SETTING_PRINTER, SETTING_OUTPUT_FILE, QPageSize(QPageSize.PageSizeId.Statement),
                   QPageLayout.Orientation.Landscape)


def forms_purpose() -> Purpose:
    return Purpose(SETTING_FORMS_PRINTER, SETTING_FORMS_OUTPUT_FILE,
                   QPageSize(QPageSize.PageSizeId.Letter), QPageLayout.Orientation.Portrait)


def _apply_paper(printer: QPrinter, purpose: Purpose) -> None:
    printer.setFullPage(True)  # the documents carry their own margins
    printer.setPageLayout(QPageLayout(purpose.page_size, purpose.orientation, QMarginsF(0, 0, 0, 0)))


def remembered_printer(purpose: Purpose) -> QPrinter | None:
    """The workstation's printer for `purpose`, or None when none is remembered or it is gone."""
    settings = QSettings()
    name = str(settings.value(purpose.printer_key, "") or "")
    output_file = str(settings.value(purpose.file_key, "") or "")
    if not name and not output_file:
        return None
    printer = _qps().QPrinter(_qps().QPrinter.PrinterMode.HighResolution)
    if output_file:
        printer.setOutputFormat(_qps().QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(output_file)
    else:
        if _qps().QPrinterInfo.printerInfo(name).isNull():
            return None
        printer.setPrinterName(name)
    _apply_paper(printer, purpose)
    return printer


def remember_printer(printer: QPrinter, purpose: Purpose) -> None:
    settings = QSettings()
    if printer.outputFormat() == _qps().QPrinter.OutputFormat.PdfFormat:
        settings.setValue(purpose.printer_key, "")
        settings.setValue(purpose.file_key, printer.outputFileName())
    else:
        settings.setValue(purpose.printer_key, printer.printerName())
        settings.setValue(purpose.file_key, "")


def forget_printer(purpose: Purpose) -> None:
    settings = QSettings()
    settings.remove(purpose.printer_key)
    settings.remove(purpose.file_key)


def printer_label(printer: QPrinter) -> str:
    if printer.outputFormat() == _qps().QPrinter.OutputFormat.PdfFormat:
        return printer.outputFileName()
    return printer.printerName()


def choose_printer(parent: QWidget | None, purpose: Purpose, *,
                   previous: QPrinter | None = None) -> QPrinter | None:
    """The print dialog; the chosen printer is remembered. None when the person cancels."""
    printer = previous or _qps().QPrinter(_qps().QPrinter.PrinterMode.HighResolution)
    _apply_paper(printer, purpose)
    dialog = _qps().QPrintDialog(printer, parent)
    dialog.setWindowTitle(QCoreApplication.translate("Printing", "Print"))
    dialog.setOption(_qps().QPrintDialog.PrintDialogOption.PrintToFile, True)
    dialog.setOption(_qps().QPrintDialog.PrintDialogOption.PrintPageRange, False)
    dialog.setOption(_qps().QPrintDialog.PrintDialogOption.PrintSelection, False)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    _apply_paper(printer, purpose)  # the paper is the document's, whatever was chosen
    remember_printer(printer, purpose)
    return printer


def printer_for(parent: QWidget | None, purpose: Purpose, *, ask: bool = False) -> QPrinter | None:
    """The remembered printer, or the print dialog the first time (or when asked)."""
    if not ask:
        printer = remembered_printer(purpose)
        if printer is not None:
            return printer
    return choose_printer(parent, purpose)


# --------------------------------------------------------------------------- rendering


def page_images(data: bytes, dpi: float = MAX_DPI, *, crisp: bool = True,
                grayscale: bool = True) -> Iterator[QImage]:
    """The pages of a PDF as images at `dpi`, form fields drawn (PDFium).

    Grayscale by default: clinics print on monochrome lasers, and PDFium renders a gray
    page about four times faster (one byte a pixel instead of four). Printed end to end
    (ReportLab, PDFium, QPrinter), a letter page at 300 dpi takes about 0.3 s here.
    """
    import pypdfium2 as pdfium

    with _pdfium_lock:
        pdf = pdfium.PdfDocument(data)
        try:
            pdf.init_forms()
            for index in range(len(pdf)):
                page = pdf[index]
                bitmap = page.render(scale=dpi / 72, may_draw_forms=True, rev_byteorder=True,
                                     prefer_bgrx=True, grayscale=grayscale, no_smoothpath=crisp,
                                     optimize_mode="print" if crisp else None)
                fmt = (QImage.Format.Format_Grayscale8 if bitmap.n_channels == 1
                       else QImage.Format.Format_RGBX8888)
                image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, fmt).copy()
                bitmap.close()
                page.close()
                yield image
        finally:
            pdf.close()


def _dpi_for(printer: QPrinter) -> float:
    return float(min(MAX_DPI, max(96, printer.resolution())))


def _draw_cut_line(painter: QPainter, sheet: QRectF) -> None:
    y = sheet.top() + sheet.height() / 2
    pen = QPen(QColor(90, 90, 90))
    pen.setWidthF(max(1.0, sheet.width() / 1224))  # 0.5 pt
    pen.setStyle(Qt.PenStyle.DashLine)
    painter.save()
    painter.setPen(pen)
    painter.drawLine(QPointF(sheet.left(), y), QPointF(sheet.right(), y))
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(8, int(sheet.width() / 95)))
    painter.setFont(font)
    label = QCoreApplication.translate("Printing", "✂ cut here")
    metrics = painter.fontMetrics()
    width = metrics.horizontalAdvance(label) + 12
    box = QRectF(sheet.left() + sheet.width() * 0.04, y - metrics.height() / 2, width, metrics.height())
    painter.fillRect(box, QColor(255, 255, 255))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
    painter.restore()


def _fit(image: QImage, slot: QRectF) -> QRectF:
    """`slot` shrunk to the image's aspect ratio, centred (true size when the paper matches)."""
    ratio = image.width() / image.height()
    width, height = slot.width(), slot.width() / ratio
    if height > slot.height():
        height, width = slot.height(), slot.height() * ratio
    return QRectF(slot.left() + (slot.width() - width) / 2, slot.top() + (slot.height() - height) / 2,
                  width, height)


class SheetPainter:
    """Paints page images on a printer, one or two per sheet, checking each step."""

    def __init__(self, printer: QPrinter, per_sheet: int = 1) -> None:
        self.printer = printer
        self.per_sheet = per_sheet
        self.painter = QPainter()
        self.pages = 0  # pages placed
        self.sheets = 0

    def __enter__(self) -> SheetPainter:
        if not self.painter.begin(self.printer):
            raise PrintFailed(start_failure_message(self.printer))
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        if exc_type is not None:
            self.printer.abort()
            self.painter.end()
            return
        if not self.painter.end() or self.printer.printerState() == _qps().QPrinter.PrinterState.Error:
            raise PrintFailed(spooler_failure_message(self.printer))

    def dpi(self) -> float:
        return _dpi_for(self.printer)

    def add(self, image: QImage) -> None:
        slot_index = self.pages % self.per_sheet
        if slot_index == 0 and self.pages:
            if not self.printer.newPage():
                raise PrintFailed(spooler_failure_message(self.printer))
        sheet = QRectF(self.printer.pageLayout().fullRectPixels(self.printer.resolution()))
        sheet.moveTo(0, 0)
        if self.per_sheet == 1:
            slot = sheet
        else:
            height = sheet.height() / self.per_sheet
            slot = QRectF(sheet.left(), sheet.top() + slot_index * height, sheet.width(), height)
        if slot_index == 0:
            self.sheets += 1
        self.painter.drawImage(_fit(image, slot), image)
        if self.per_sheet > 1:
            _draw_cut_line(self.painter, sheet)  # over the images' white edges
        self.pages += 1
        if self.printer.printerState() == _qps().QPrinter.PrinterState.Error:
            raise PrintFailed(spooler_failure_message(self.printer))


def print_documents(printer: QPrinter, documents: Iterable[bytes], *, per_sheet: int = 1,
                    total: int = 0, progress: Callable[[int, int], None] | None = None,
                    cancelled: Callable[[], bool] | None = None) -> int:
    """Print every page of each PDF in `documents`; returns the documents printed.

    `progress(done, total)` after each document; `cancelled()` stops the job (the printer
    aborts what was spooled) with `PrintCancelled`.
    """
    done = 0
    with SheetPainter(printer, per_sheet) as sheets:
        for data in documents:
            if cancelled is not None and cancelled():
                raise PrintCancelled(cancelled_message(done, total))
            for image in page_images(data, sheets.dpi()):
                sheets.add(image)
            done += 1
            if progress is not None:
                progress(done, total)
        if cancelled is not None and cancelled():
            raise PrintCancelled(cancelled_message(done, total))
    return done


# --------------------------------------------------------------------------- messages


def start_failure_message(printer: QPrinter) -> str:
    if printer.outputFormat() == _qps().QPrinter.OutputFormat.PdfFormat:
        return QCoreApplication.translate(
            "Printing",
            "The file “%1” could not be written. Check that the folder exists and that you "
            "may write in it, or choose another printer with “Print…” (Ctrl+Shift+P)."
        ).replace("%1", printer.outputFileName())
    if not _qps().QPrinterInfo.availablePrinterNames():
        return QCoreApplication.translate(
            "Printing",
            "No printer is installed on this workstation. Ask for one to be installed, or "
            "use “Save PDF…” and print the file from another computer.")
    return QCoreApplication.translate(
        "Printing",
        "The printer “%1” could not start the job. Check that it is on, connected and has "
        "paper, or choose another printer with “Print…” (Ctrl+Shift+P)."
    ).replace("%1", printer.printerName())


def spooler_failure_message(printer: QPrinter) -> str:
    return QCoreApplication.translate(
        "Printing", "The printer “%1” reported an error and the job may be incomplete. Check the "
        "printer (paper, toner, jam) and the print queue, then print again."
    ).replace("%1", printer_label(printer))


def cancelled_message(done: int, total: int) -> str:
    if total:
        return QCoreApplication.translate(
            "Printing", "Printing cancelled after %1 of %2 documents. Collect what came out of the "
            "printer and print the rest again.").replace("%1", str(done)).replace("%2", str(total))
    return QCoreApplication.translate("Printing", "Printing cancelled.")


# --------------------------------------------------------------------------- preview


def preview(parent: QWidget | None, documents: Sequence[bytes], purpose: Purpose,
            on_printed: Callable[[QPrinter], None]) -> None:
    """Qt's print preview of `documents` at their true size; its print button prints them.

    `on_printed(printer)` is called only when the job was handed over to a printer.
    """
    printer = remembered_printer(purpose) or _qps().QPrinter(_qps().QPrinter.PrinterMode.HighResolution)
    _apply_paper(printer, purpose)
    dialog = _qps().QPrintPreviewDialog(printer, parent)
    dialog.setObjectName("printPreviewDialog")
    dialog.setWindowTitle(QCoreApplication.translate("Printing", "Print preview"))
    fit_to_screen(dialog, 900, 760)  # a 1,024×600 screen shows the whole preview window
    errors: list[str] = []

    def paint(target: QPrinter) -> None:
        errors.clear()
        try:
            print_documents(target, documents, per_sheet=purpose.per_sheet)
        except PrintFailed as exc:
            errors.append(exc.message)

    dialog.paintRequested.connect(paint)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    if not accepted:
        return
    if errors:
        raise PrintFailed(errors[0])
    remember_printer(printer, purpose)
    on_printed(printer)
