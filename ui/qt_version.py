"""Refuse to start on a Qt/PySide6 version AgentDesk does not support (after Anki's ``aqt/qt/__init__.py``).

Imports only the ``PySide6`` package (no Qt module), so the check is quick and runs before any window exists.
PySide6 6.12.0 on CPython 3.11 aborts after ~800 ``Signal.emit()`` calls (``FIELD_NOTES.md``); earlier than 6.11.3
is untested. Main thread, at start-up.
"""

from __future__ import annotations

MINIMUM = (6, 11, 3)
BELOW = (6, 12, 0)  # first unsupported version


def unsupported_qt_message(version: tuple[int, ...] | None = None) -> str | None:
    """``None`` if the running PySide6 is supported, else a one-line explanation (English and Chinese)."""
    if version is None:
        import PySide6

        version = tuple(int(part) for part in PySide6.__version_info__[:3])
    if MINIMUM <= version[:3] < BELOW:
        return None
    found = ".".join(map(str, version[:3]))
    wanted = f">= {'.'.join(map(str, MINIMUM))}, < {'.'.join(map(str, BELOW))}"
    return (
        f"AgentDesk needs PySide6 {wanted} but found {found}; reinstall with the project's constraints.txt. "
        f"AgentDesk 需要 PySide6 {wanted}，当前为 {found}，请按 constraints.txt 重新安装。"
    )
