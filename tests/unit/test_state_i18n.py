"""The state and supervisor areas are translated: the zh_CN catalogue loads and names the states as a Chinese
contact center does."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QCoreApplication, QTranslator

from app.protocol import AgentState, ReasonCategory
from ui.state.names import StateNames

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def zh_cn(qtbot: QtBot, tmp_path: Path) -> Iterator[None]:
    del qtbot  # the QApplication
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    translators = []
    for area in ("state", "supervisor"):
        qm = tmp_path / f"{area}_zh_CN.qm"
        subprocess.run(
            [str(lrelease), "-silent", str(ROOT / "resources" / "i18n" / f"{area}_zh_CN.ts"), "-qm", str(qm)],
            check=True,
        )
        translator = QTranslator()
        assert translator.load(str(qm))
        QCoreApplication.installTranslator(translator)
        translators.append(translator)
    yield
    for translator in translators:
        QCoreApplication.removeTranslator(translator)


@pytest.mark.usefixtures("zh_cn")
def test_state_names_in_chinese() -> None:
    names = StateNames()
    assert names.state(AgentState.READY) == "示闲"
    assert names.state(AgentState.NOT_READY) == "示忙"
    assert names.state(AgentState.NOT_READY, ReasonCategory.BREAK) == "小休"
    assert names.state(AgentState.WRAP_UP) == "话后整理"
    assert names.state(AgentState.SIGNED_OUT) == "签出"
