"""What a screen reader and a low-vision reader need (issue 13, item 13).

- `describes(note, field)`: the label under a field that shows its problem; whatever
  `patient_lookup.set_reason` writes there becomes the field's accessible description, so
  a screen reader reads the field and then its error.
- `name_from_labels(root)`: a field whose label sits in another widget (Qt finds a buddy
  label only among the field's siblings) gets the label's text as its accessible name.
- `readable_palette(app)`: placeholder text dark enough to read (WCAG AA, 4.5:1 on white).
- `contrast(a, b)`: the WCAG contrast ratio of two colours.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QLabel, QWidget

PLACEHOLDER_COLOR = "#6b6b6b"  # 5.3:1 on white, 4.6:1 on the window grey

_described: dict[int, QWidget] = {}


def describes(note: QLabel, field: QWidget) -> None:
    """The problems shown in `note` are read as `field`'s description."""
    _described[id(note)] = field
    key = id(note)
    note.destroyed.connect(lambda *_args: _described.pop(key, None))


def described_field(note: QLabel) -> QWidget | None:
    return _described.get(id(note))


def strip_label(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip().rstrip(":").strip()


def name_from_labels(root: QWidget) -> None:
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and not buddy.accessibleName() and label.text():
            buddy.setAccessibleName(strip_label(label.text()))


def _luminance(color: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(color.red()) + 0.7152 * channel(color.green()) + 0.0722 * channel(color.blue())


def contrast(a: QColor | str, b: QColor | str) -> float:
    la, lb = sorted((_luminance(QColor(a)), _luminance(QColor(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_palette(app: QGuiApplication) -> None:
    palette = app.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(PLACEHOLDER_COLOR))
    app.setPalette(palette)
