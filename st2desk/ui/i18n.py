"""Translations: Spanish (es_MX) by default, English on request (settings)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from st2desk.resources import resources_dir

DEFAULT_LANGUAGE = "es_MX"
LANGUAGES = {"es_MX": "Español (México)", "en": "English"}
SETTING = "ui/language"

_installed: list[QTranslator] = []


def qm_path(language: str = DEFAULT_LANGUAGE) -> str:
    return str(resources_dir() / "i18n" / f"st2desk_{language}.qm")


def current_language() -> str:
    from st2desk.ui import preferences  # the person's, once someone has signed in

    value = preferences.value(SETTING, DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def install(app: QCoreApplication, language: str | None = None) -> str:
    """Load st2desk's and Qt's own translations for `language`; return the one in use."""
    language = language or current_language()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(QLocale(language if language != "en" else "en_US"))
    if language == "en":
        return language  # source strings are English
    ours = QTranslator(app)
    if not ours.load(qm_path(language)):
        raise FileNotFoundError(qm_path(language))
    qt = QTranslator(app)
    qt.load("qtbase_es", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    for translator in (ours, qt):
        app.installTranslator(translator)
        _installed.append(translator)
    return language
