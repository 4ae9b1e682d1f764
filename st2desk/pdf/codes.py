"""QR codes and Code128 barcodes drawn straight onto a ReportLab canvas.

The QR code is drawn as one filled path in module units (one ``re`` operator per run of
dark modules in a row) under a single transform: ~1 ms a code, against ~20 ms for
ReportLab's own QR widget (DESIGN §5). segno chooses the best mask unless `mask` is
given; the slip fixes it because the choice costs ~10 ms for its version-10 code, and
every mask gives a standard, decodable symbol.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import segno
from reportlab import rl_config
from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE = 4  # modules of white that a reader needs around a QR code


@contextlib.contextmanager
def binary_streams() -> Iterator[None]:
    """Compress page streams without the ASCII85 armour.

    ReportLab's ASCII85 encoder is pure Python here (no C accelerator) and takes ~4 ms
    per slip; PDF has been 8-bit clean for decades. The setting is global in ReportLab,
    so it is restored afterwards; a document drawn meanwhile by another thread is valid
    either way.
    """
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def qr_matrix(text: str, *, error: str = "m", mask: int | None = None) -> tuple[tuple[int, ...], ...]:
    qr = segno.make(text, error=error, micro=False, mask=mask, boost_error=False)
    return tuple(tuple(row) for row in qr.matrix)


_RUN = re.compile(b"[^\x00]+")


def qr_path_operators(matrix: tuple[tuple[int, ...], ...]) -> str:
    """PDF path operators for the dark modules, one rectangle per horizontal run."""
    ops = [f"{m.start()} {r} {m.end() - m.start()} 1 re"
           for r, row in enumerate(matrix) for m in _RUN.finditer(bytes(row))]
    ops.append("f")
    return "\n".join(ops)


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float, *,
            error: str = "m", mask: int | None = None) -> int:
    """Draw the QR code of `text` in the square (x, y, size) — quiet zone included.

    Returns the symbol's width in modules (without the quiet zone).
    """
    matrix = qr_matrix(text, error=error, mask=mask)
    modules = len(matrix)
    unit = size / (modules + 2 * QUIET_ZONE)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    # Row 0 at the top: flip y, then step in whole modules.
    canvas.transform(unit, 0, 0, -unit, x + QUIET_ZONE * unit, y + size - QUIET_ZONE * unit)
    canvas.addLiteral(qr_path_operators(matrix))
    canvas.restoreState()
    return modules


def draw_code128(canvas: Canvas, text: str, x: float, y: float, *, height: float,
                 max_width: float, bar_width: float = 1.1) -> float:
    """Draw a Code128 barcode of `text` (no human-readable line); returns its width.

    The bar width shrinks so the symbol, quiet zones included, fits in `max_width`.
    """
    code = Code128(text, barHeight=height, barWidth=bar_width, humanReadable=False, quiet=1)
    if code.width > max_width:
        code = Code128(text, barHeight=height, barWidth=bar_width * max_width / code.width,
                       humanReadable=False, quiet=1)
    code.drawOn(canvas, x, y)
    return float(code.width)
