"""Printing through QtPrintSupport: a QPrinter writing a PDF file stands in for the printer.

The printed file is read back with tools st2desk did not write (pypdf for page sizes,
poppler to render, zxing-cpp to decode the codes).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog

from st2desk.ui import printing
from tests.paper_support import decode, needs_pdftoppm, render_pages
from tests.test_pdf_slip import NUMBER, make_slip

LETTER = (612.0, 792.0)
HALF_LETTER_LANDSCAPE = (612.0, 396.0)


def slip_pdf(**overrides: object) -> bytes:
    from st2desk.pdf.slip import render_slip

    content, _ = make_slip(**overrides)
    return render_slip(content)


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def page_sizes(path: Path) -> list[tuple[float, float]]:
    return [(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
            for p in PdfReader(str(path)).pages]


class FakeDialog:
    """QPrintDialog.exec patched: the person picks 'print to file' at `path` (or cancels)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
        self.calls = 0
        self.answer = QDialog.DialogCode.Accepted
        outer = self

        def exec_(dialog: QPrintDialog) -> int:
            outer.calls += 1
            printer = dialog.printer()
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(path))
            return outer.answer

        monkeypatch.setattr(QPrintDialog, "exec", exec_)


@needs_pdftoppm
def test_a_slip_prints_on_half_letter_at_true_size_and_its_codes_decode(tmp_path):
    out = tmp_path / "printed.pdf"
    purpose = printing.slip_purpose(printing.SlipLayout.HALF_LETTER)
    printer = pdf_printer(out)
    printing._apply_paper(printer, purpose)
    assert printing.print_documents(printer, [slip_pdf()], per_sheet=purpose.per_sheet) == 1
    assert page_sizes(out) == [HALF_LETTER_LANDSCAPE]
    png = render_pages(out, tmp_path / "png", dpi=150)[0]
    found = decode(png)
    assert [t for f, t in found if "128" in f] == [NUMBER]
    assert [t for f, t in found if "QR" in f][0].startswith(f"ST2|1|{NUMBER}|")


@needs_pdftoppm
def test_two_slips_share_a_letter_sheet_with_a_cut_line(tmp_path):
    out = tmp_path / "printed.pdf"
    purpose = printing.slip_purpose(printing.SlipLayout.TWO_PER_LETTER)
    printer = pdf_printer(out)
    printing._apply_paper(printer, purpose)
    documents = [slip_pdf(), slip_pdf(patient_name="ANA LÓPEZ"), slip_pdf(patient_name="TERCERA")]
    assert printing.print_documents(printer, documents, per_sheet=2) == 3
    assert page_sizes(out) == [LETTER, LETTER]
    first = render_pages(out, tmp_path / "png", dpi=150)[0]
    codes = [t for f, t in decode(first) if "128" in f]
    assert codes == [NUMBER, NUMBER]
    # The cut line runs across the middle of the sheet.
    from PIL import Image

    with Image.open(first) as image:
        gray = image.convert("L")
        middle = gray.height // 2
        dark = max(sum(1 for x in range(gray.width) if gray.getpixel((x, y)) < 200)
                   for y in range(middle - 3, middle + 4))
        assert dark > gray.width * 0.4


def test_the_dialog_comes_once_then_the_remembered_printer_prints(tmp_path, monkeypatch):
    out = tmp_path / "queue.pdf"
    dialog = FakeDialog(monkeypatch, out)
    purpose = printing.slip_purpose()
    first = printing.printer_for(None, purpose)
    assert dialog.calls == 1 and first is not None
    again = printing.printer_for(None, purpose)
    assert dialog.calls == 1 and again is not None
    assert again.outputFileName() == str(out)
    assert QSettings().value(printing.SETTING_OUTPUT_FILE) == str(out)
    # "Imprimir…" always asks.
    printing.printer_for(None, purpose, ask=True)
    assert dialog.calls == 2


def test_a_printer_that_is_gone_brings_the_dialog_back(tmp_path, monkeypatch):
    QSettings().setValue(printing.SETTING_PRINTER, "Impresora-que-ya-no-existe")
    dialog = FakeDialog(monkeypatch, tmp_path / "x.pdf")
    dialog.answer = QDialog.DialogCode.Rejected
    assert printing.printer_for(None, printing.slip_purpose()) is None
    assert dialog.calls == 1


def test_a_printer_that_cannot_start_says_what_to_do_in_spanish(tmp_path):
    printer = pdf_printer(tmp_path / "no-such-folder" / "x.pdf")
    with pytest.raises(printing.PrintFailed) as failure:
        printing.print_documents(printer, [slip_pdf()])
    assert "No se pudo escribir el archivo" in failure.value.message
    assert "Imprimir…" in failure.value.message


def test_cancel_stops_the_batch_and_says_how_far_it_got(tmp_path):
    printer = pdf_printer(tmp_path / "x.pdf")
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)

    with pytest.raises(printing.PrintCancelled) as failure:
        printing.print_documents(printer, [slip_pdf()] * 4, total=4, progress=progress,
                                 cancelled=lambda: len(seen) >= 2)
    assert seen == [1, 2]
    assert "2 de 4" in failure.value.message
