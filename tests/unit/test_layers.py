"""The layering rules that import-linter cannot express: the hub imports only app.protocol from the client,
and Qt widgets/GUI stay in ui/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.unit


def _imports(package: str) -> list[tuple[Path, str]]:
    found = []
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((path, node.module))
    return found


def test_hub_shares_only_the_protocol_module() -> None:
    bad = [
        (str(p.relative_to(ROOT)), m)
        for p, m in _imports("server")
        if m.split(".")[0] in {"app", "ui", "sip", "vpn_check"} and m not in {"app.protocol", "app.version"}
    ]
    assert bad == []


@pytest.mark.parametrize("package", ["sip", "vpn_check", "server"])
def test_no_qt_outside_ui_and_app(package: str) -> None:
    bad = [(str(p.relative_to(ROOT)), m) for p, m in _imports(package) if m.startswith(("PySide6", "shiboken6"))]
    assert bad == []


def test_no_widgets_in_app() -> None:
    bad = [
        (str(p.relative_to(ROOT)), m)
        for p, m in _imports("app")
        if m.startswith(("PySide6.QtWidgets", "PySide6.QtGui"))
    ]
    assert bad == []


def test_pjsua2_stays_in_sip() -> None:
    bad = [
        (str(p.relative_to(ROOT)), m)
        for pkg in ("app", "ui", "vpn_check", "server")
        for p, m in _imports(pkg)
        if m.split(".")[0] == "pjsua2"
    ]
    assert bad == []
