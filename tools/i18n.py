"""Keep the Qt Linguist translations of st2desk/ui in step with the code.

    python tools/i18n.py update [MODULE]  # extract strings of every (or one) st2desk/ui
                                  # module into resources/i18n/es_MX/<module>.ts (keeps translations)
    python tools/i18n.py build    # compile them into resources/i18n/st2desk_es_MX.qm
    python tools/i18n.py check    # list strings still without a Spanish translation
    python tools/i18n.py set FILE.ts TRANSLATIONS.json   # fill translations from a JSON
                                  # object {"English source": "traducción", ...}

One .ts per UI module so windows can be translated independently; lrelease merges them
into one .qm. Translate with Qt Linguist (pyside6-linguist) or by editing the .ts.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "st2desk" / "ui"
TS_DIR = ROOT / "resources" / "i18n" / "es_MX"
QM = ROOT / "resources" / "i18n" / "st2desk_es_MX.qm"
BIN = Path(sys.executable).parent


def ui_modules() -> list[Path]:
    """Every module of st2desk/ui and of its subpackages (e.g. ui/admin/)."""
    return sorted(p for p in UI.rglob("*.py") if p != UI / "__init__.py")


def ts_name(module: Path) -> str:
    """ui/inbox.py → inbox; ui/admin/users.py → admin_users; ui/admin/__init__.py → admin."""
    parts = list(module.relative_to(UI).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return "_".join(parts)


def ts_for(module: Path, ts_dir: Path = TS_DIR) -> Path:
    return ts_dir / f"{ts_name(module)}.ts"


def update(ts_dir: Path = TS_DIR, only: str | None = None) -> None:
    ts_dir.mkdir(parents=True, exist_ok=True)
    for module in ui_modules():
        if only and ts_name(module) != only:
            continue
        subprocess.run([str(BIN / "pyside6-lupdate"), "-silent", "-no-obsolete", "-locations", "none",
                        "-target-language", "es_MX", str(module), "-ts", str(ts_for(module, ts_dir))],
                       check=True)
        ts = ts_for(module, ts_dir)
        if not ts.exists():
            continue
        if not list(ET.parse(ts).getroot().iter("message")):
            ts.unlink()  # a module without visible strings needs no file


def build(qm: Path = QM, ts_dir: Path = TS_DIR) -> None:
    files = sorted(str(p) for p in ts_dir.glob("*.ts"))
    subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", *files, "-qm", str(qm)], check=True)


def unfinished(ts_dir: Path = TS_DIR) -> list[tuple[str, str, str]]:
    """(file, context, source) of every message with no finished translation."""
    missing = []
    for ts in sorted(ts_dir.glob("*.ts")):
        for context in ET.parse(ts).getroot().iter("context"):
            name = context.findtext("name") or ""
            for message in context.iter("message"):
                translation = message.find("translation")
                if translation is None or translation.get("type") in ("unfinished", "vanished") \
                        or not (translation.text or "").strip():
                    if translation is not None and translation.get("type") in ("obsolete", "vanished"):
                        continue
                    missing.append((ts.name, name, message.findtext("source") or ""))
    return missing


def set_translations(ts: Path, translations: dict[str, str]) -> int:
    """Write the given translations into `ts`; return how many messages were filled."""
    tree = ET.parse(ts)
    filled = 0
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        if source in translations:
            translation = message.find("translation")
            if translation is None:
                translation = ET.SubElement(message, "translation")
            translation.text = translations[source]
            translation.attrib.pop("type", None)
            filled += 1
    ET.indent(tree, space="    ")
    with ts.open("wb") as fh:
        fh.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(fh, encoding="utf-8", xml_declaration=False)
    return filled


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "set":
        import json

        ts = Path(argv[2])
        count = set_translations(ts, json.loads(Path(argv[3]).read_text(encoding="utf-8")))
        print(f"{ts.name}: {count} translations set")
        return 0
    if command == "update":
        update(only=argv[2] if len(argv) > 2 else None)
    elif command == "build":
        build()
    missing = unfinished()
    for file, context, source in missing:
        print(f"{file}: {context}: {source!r}")
    if command == "check":
        return 1 if missing else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
