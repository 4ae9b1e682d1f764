"""Text that fits its box: wrapping, shrinking within limits, and continuation."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
ELLIPSIS = "…"
ACCENT_EM = 0.95  # top of Á, Ñ above the baseline, in em
BLOCK_EM = ACCENT_EM + 0.2


def _split_word(word: str, font: str, size: float, width: float) -> list[str]:
    """A word wider than the line is cut at character boundaries."""
    pieces, current = [], ""
    for ch in word:
        if current and stringWidth(current + ch, font, size) > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of `text` no wider than `width`; paragraph breaks are kept."""
    lines: list[str] = []
    space = stringWidth(" ", font, size)
    for paragraph in (text or "").replace("\r\n", "\n").split("\n"):
        words = paragraph.split()
        if not words:
            lines.append("")
            continue
        current, current_width = "", 0.0
        for word in words:
            w = stringWidth(word, font, size)
            if w > width:
                if current:
                    lines.append(current)
                pieces = _split_word(word, font, size, width)
                lines.extend(pieces[:-1])
                current, current_width = pieces[-1], stringWidth(pieces[-1], font, size)
                continue
            if current and current_width + space + w > width:
                lines.append(current)
                current, current_width = word, w
            else:
                current_width = current_width + space + w if current else w
                current = f"{current} {word}" if current else word
        lines.append(current)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def ellipsize(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


@dataclass(frozen=True)
class Fitted:
    size: float
    leading: float
    lines: list[str]
    truncated: bool


def fit(text: str, width: float, height: float, *, font: str = FONT, max_size: float = 10,
        min_size: float = 6.5, leading: float = 1.18) -> Fitted:
    """The largest size (down to `min_size`) at which the wrapped text fits the box.

    When even `min_size` does not fit, the lines that fit are kept and the last one ends
    with an ellipsis (`truncated`): never drawn outside the box.
    """
    size = max_size
    while True:
        lines = wrap(text, font, size, width)
        step = size * leading
        # From the top of the first line's accents (~0.95 em above its baseline) to the
        # last line's descenders (~0.2 em below): (n - 1) steps + 1.15 em.
        capacity = max(1, int((height - BLOCK_EM * size) // step) + 1)
        if len(lines) <= capacity:
            return Fitted(size, step, lines, False)
        if size <= min_size:
            kept = lines[:capacity]
            kept[-1] = ellipsize(kept[-1] + " " + ELLIPSIS, font, size, width)
            return Fitted(size, step, kept, True)
        size = max(min_size, size - 0.5)


def draw_fitted(canvas: Canvas, text: str, x: float, y: float, width: float, height: float, *,
                font: str = FONT, max_size: float = 10, min_size: float = 6.5,
                valign: str = "bottom") -> Fitted:
    """Draw `text` inside the box whose lower-left corner is (x, y)."""
    fitted = fit(text, width, height, font=font, max_size=max_size, min_size=min_size)
    if len(fitted.lines) == 1 and valign == "bottom":
        # One line sits on the bottom of a form box, where handwriting would go.
        top = y + max(2.0, fitted.size * 0.25)
    else:
        top = y + height - fitted.size * ACCENT_EM
    canvas.setFont(font, fitted.size)
    for i, line in enumerate(fitted.lines):
        canvas.drawString(x, top - i * fitted.leading, line)
    return fitted


def paginate(text: str, font: str, size: float, width: float, first_lines: int,
             other_lines: int, marker: str) -> list[list[str]]:
    """Split wrapped text into a first box of `first_lines` and continuation boxes.

    When the text continues, the first box's last line is replaced by `marker`.
    """
    lines = wrap(text, font, size, width)
    if len(lines) <= first_lines:
        return [lines]
    pages = [lines[: first_lines - 1] + [marker]]
    rest = lines[first_lines - 1:]
    while rest:
        pages.append(rest[:other_lines])
        rest = rest[other_lines:]
    return pages
