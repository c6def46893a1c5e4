"""The Qt half of ``agentdesk --self-test``: platform plugins, every ``ui`` module, the translations.

Runs headless: the self-test forces Qt's ``offscreen`` platform so it works over SSH, in CI and from a deployment
tool's detection script, and checks separately that the real windowing plugin for this OS is installed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app import selftest
from app.selftest import Check, CheckCaveatError

REAL_PLATFORM_PLUGIN = {"linux": "libqxcb.so", "win32": "qwindows.dll", "darwin": "libqcocoa.dylib"}
LANGUAGES = ("zh_CN", "en")


def ensure_app() -> None:
    """A headless QApplication for the checks (created once; the self-test never shows a window)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        QApplication([sys.argv[0] if sys.argv else "agentdesk", "-platform", "offscreen"])


def check_qt() -> str:
    import PySide6
    from PySide6.QtCore import QLibraryInfo, qVersion

    ensure_app()
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    wanted = REAL_PLATFORM_PLUGIN.get(sys.platform)
    if wanted and not (plugins / wanted).exists():
        raise RuntimeError(f"the windowing plugin {wanted} is missing from {plugins}")
    return f"Qt {qVersion()}, PySide6 {PySide6.__version__}, platform plugin {wanted or 'n/a'} present"


def check_ui_imports() -> str:
    ensure_app()
    return selftest.check_imports(("ui",), third_party=())


def check_translations() -> str:
    """Every area's compiled .qm for zh_CN and en loads, plus Qt's own zh_CN strings (standard dialogs)."""
    import importlib.resources

    from PySide6.QtCore import QLibraryInfo, QTranslator

    ensure_app()
    i18n = importlib.resources.files("resources").joinpath("i18n")
    loaded: dict[str, int] = {}
    for entry in i18n.iterdir() if i18n.is_dir() else []:
        if not entry.name.endswith(".qm"):
            continue
        lang = next((lang for lang in LANGUAGES if entry.name.endswith(f"_{lang}.qm")), None)
        if lang is None:
            continue
        with importlib.resources.as_file(entry) as path:
            translator = QTranslator()
            if not translator.load(str(path)):
                raise RuntimeError(f"cannot load {entry.name}")
        loaded[lang] = loaded.get(lang, 0) + 1
    missing = [lang for lang in LANGUAGES if not loaded.get(lang)]
    if missing:
        raise RuntimeError("no compiled translations for " + ", ".join(missing))
    qtbase = QTranslator()
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not qtbase.load("qtbase_zh_CN", qt_dir):
        raise CheckCaveatError(f"Qt's own zh_CN translation (qtbase_zh_CN.qm) is missing from {qt_dir}")
    return ", ".join(f"{n} {lang} file(s)" for lang, n in loaded.items()) + ", qtbase_zh_CN"


def all_checks() -> list[tuple[str, Check]]:
    return [
        *selftest.core_checks(),
        ("qt", check_qt),
        ("ui", check_ui_imports),
        ("translations", check_translations),
    ]


def run(as_json: bool = False) -> int:
    results = selftest.run_checks(all_checks())
    print(selftest.format_json(results) if as_json else selftest.format_report(results), flush=True)
    return selftest.exit_code(results)
