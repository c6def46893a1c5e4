"""Interface language: loads the Qt Linguist translations and switches them at run time, without a restart.

Responsibility: install one ``QTranslator`` per ``resources/i18n/<area>_<lang>.qm`` (every UI area ships one) plus Qt's
own ``qtbase_<lang>.qm`` (standard buttons, context menus). Switching removes the old translators and installs the
new ones; Qt then sends ``QEvent.LanguageChange`` to every widget, and each widget's ``changeEvent`` calls its
``retranslate_ui()``. Widgets that build text elsewhere listen to :attr:`Translations.language_changed`.
Main thread only.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QObject, QTranslator, Signal

from app.config import Language
from ui.resources import resource_dir

log = logging.getLogger(__name__)
SUPPORTED = (Language.ZH_CN, Language.EN)


def resolve_language(language: Language, system_locale: str | None = None) -> Language:
    """The concrete language for a setting: ``system`` follows the OS locale (English locales → en, else zh_CN)."""
    if language is not Language.SYSTEM:
        return language
    name = system_locale if system_locale is not None else QLocale.system().name()
    return Language.EN if name.startswith("en") else Language.ZH_CN


class Translations(QObject):
    """Owns the installed translators.

    Signals:
        language_changed(str): the new language code (``"zh_CN"``/``"en"``) after a switch.
    """

    language_changed = Signal(str)

    def __init__(self, app: QCoreApplication, i18n_dir: Path | None = None, qt_dir: Path | None = None) -> None:
        super().__init__(app)
        self._app = app
        self._dir = i18n_dir or resource_dir("i18n")
        self._qt_dir = qt_dir or Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
        self._installed: list[QTranslator] = []
        self._language: Language | None = None

    @property
    def language(self) -> Language | None:
        """The language in effect (never ``SYSTEM``), or ``None`` before :meth:`set_language`."""
        return self._language

    def files_for(self, language: Language) -> list[Path]:
        """The .qm files that make up ``language``: Qt's base translation first, then every area's file."""
        files = []
        qtbase = self._qt_dir / f"qtbase_{language.value}.qm"
        if qtbase.is_file():
            files.append(qtbase)
        files += sorted(self._dir.glob(f"*_{language.value}.qm"))
        return files

    def clear(self) -> None:
        """Remove every translator this object installed (shutdown, tests); widgets fall back to the source text."""
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed.clear()
        self._language = None

    def set_language(self, language: Language) -> Language:
        """Switch to ``language`` (``SYSTEM`` is resolved first); returns the language in effect."""
        resolved = resolve_language(language)
        if resolved is self._language:
            return resolved
        self.clear()
        for path in self.files_for(resolved):
            translator = QTranslator(self)
            if translator.load(str(path)):
                self._app.installTranslator(translator)
                self._installed.append(translator)
            else:
                log.warning("i18n: cannot load %s", path)
        QLocale.setDefault(QLocale(resolved.value))
        # installTranslator() posts LanguageChange events; deliver them now so every widget is retranslated by the
        # time language_changed is emitted (listeners and tests see a consistent UI).
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        self._language = resolved
        log.info("i18n: language %s (%d translation files)", resolved.value, len(self._installed))
        self.language_changed.emit(resolved.value)
        return resolved
