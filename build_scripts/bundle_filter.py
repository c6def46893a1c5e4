"""What the PyInstaller bundle leaves out (used by ``agentdesk.spec``, the build script and the bundle tests).

Paths are the bundle-relative destination names PyInstaller uses (``PySide6/Qt/plugins/...``), with ``/`` separators
on every OS. Keeping the rules in one importable module lets the tests assert the built bundle obeys them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable

# Top-level modules of the runtime dependencies in pyproject.toml ([project] dependencies), bundled explicitly.
RUNTIME_MODULES = [
    "PySide6.QtCore",
    "PySide6.QtGui",
    "PySide6.QtWidgets",
    "PySide6.QtNetwork",
    "PySide6.QtSvg",
    "pjsua2",
    "keyring",
    "requests",
    "websockets",
    "platformdirs",
    "psutil",
    "truststore",
    "cryptography",
    "sounddevice",
    "numpy",
    *(["pulsectl"] if sys.platform.startswith("linux") else []),
]

# Python modules never needed by the desktop client.
EXCLUDED_MODULES = (
    # The hub and its stack ship separately (agentdesk-hub), never inside the agent's client.
    "server",
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "psycopg_binary",
    "jieba",
    "argon2",
    "pydantic",
    "app.demo",
    # Development tools.
    "pytest",
    "pytestqt",
    "mypy",
    "ruff",
    "importlinter",
    "grimp",
    "tests",
    "build_scripts",
    "tkinter",
    "unittest",
    "pydoc",
    # Qt modules the client does not use (their hooks would pull in QML, Quick, PDF, ...).
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickControls2",
    "PySide6.QtQuickWidgets",
    "PySide6.QtQuickTest",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel",
    "PySide6.QtWebSockets",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtVirtualKeyboard",
    "PySide6.QtDesigner",
    "PySide6.QtUiTools",
    "PySide6.QtHelp",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtPrintSupport",
    "PySide6.QtXml",
    "PySide6.QtConcurrent",
    "PySide6.scripts",
)

# Shared libraries and plugins dropped from the bundle even when a hook collects them.
_DROP_BINARY = re.compile(
    r"""(
        Qt6?(Qml|Quick|Labs|Lottie|WebEngine|Pdf|VirtualKeyboard|Designer|Help|Test|UiTools|Sql|Wayland|WlShell
             |EglFS|OpenGLWidgets|PrintSupport|Concurrent)
      | /qml/
      | plugins/(platforms/lib?q(eglfs|linuxfb|minimalegl|vnc|vkkhrdisplay|wayland|direct2d)
               |platforminputcontexts/lib?qtvirtualkeyboard
               |platformthemes/lib?qgtk3
               |imageformats/lib?qpdf
               |wayland-|egldeviceintegrations|qmltooling|qmllint|designer|sqldrivers|printsupport
               |generic/|networkinformation/)
    )""",
    re.VERBOSE | re.IGNORECASE,
)

# Qt's translations: keep only what a zh_CN/en client loads (qtbase and the qt_ umbrella catalogue).
_QT_TRANSLATION = re.compile(r"PySide6/Qt/translations/(?P<file>[^/]+)\.qm$")
_KEPT_QT_TRANSLATIONS = re.compile(r"^(qt|qtbase)_(zh_CN|en)$")


def _norm(dest: str) -> str:
    return dest.replace("\\", "/")


def keep_binary(dest: str) -> bool:
    return not _DROP_BINARY.search(_norm(dest))


def keep_data(dest: str) -> bool:
    path = _norm(dest)
    match = _QT_TRANSLATION.search(path)
    if match:
        return bool(_KEPT_QT_TRANSLATIONS.match(match["file"]))
    return not (_DROP_BINARY.search(path) or "/qml/" in f"/{path}")


# Loaded with ctypes/dlopen by Python packages (no DT_NEEDED points at them): never pruned.
DLOPENED_LIBRARIES = re.compile(r"^lib(portaudio|pulse|pulse-simple|asound|jack)\b")


def prune_unreachable(
    binaries: list[tuple[str, str, str]], needed: Callable[[str], Iterable[str]]
) -> list[tuple[str, str, str]]:
    """Drop top-level shared libraries that nothing kept still needs.

    PyInstaller collects the dependencies of every binary during analysis, *before* the spec can filter plugins out,
    so dropping e.g. Qt's GTK platform theme leaves GTK, ATK, Pango and Cairo behind. Roots are everything that is not
    a bare library in the bundle's top directory (extension modules, Qt libraries and plugins, wheel-vendored ``.libs``)
    plus Python itself and the ctypes-loaded libraries; ``needed(source_path)`` returns the DT_NEEDED sonames.
    """

    def is_candidate(dest: str) -> bool:
        name = _norm(dest)
        return "/" not in name and name.startswith("lib") and ".so" in name and not name.startswith("libpython")

    by_name = {_norm(dest): (dest, src, kind) for dest, src, kind in binaries}
    roots = [src for dest, src, _kind in binaries if not is_candidate(dest) or DLOPENED_LIBRARIES.match(_norm(dest))]
    reached: set[str] = set()
    queue = list(roots)
    seen_src: set[str] = set()
    while queue:
        src = queue.pop()
        if src in seen_src:
            continue
        seen_src.add(src)
        for soname in needed(src):
            if soname in by_name and soname not in reached:
                reached.add(soname)
                queue.append(by_name[soname][1])
    return [
        (dest, src, kind)
        for dest, src, kind in binaries
        if not is_candidate(dest) or _norm(dest) in reached or DLOPENED_LIBRARIES.match(_norm(dest))
    ]
