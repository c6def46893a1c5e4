"""Pure rules of the installers: bundle trimming, pruning, version mapping, MSI source generation."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from build_scripts import deb, msi
from build_scripts.bundle_filter import keep_binary, keep_data, prune_unreachable

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
        ("PySide6/Qt/lib/libQt6Qml.so.6", False),
        ("PySide6/Qt/lib/libQt6WebEngineCore.so.6", False),
        ("PySide6/Qt/lib/libQt6Pdf.so.6", False),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
        ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6\\Qt\\plugins\\platforms\\qwindows.dll", True),
        ("PySide6\\QtQuick.pyd", False),
    ],
)
def test_keep_binary(dest: str, kept: bool) -> None:
    assert keep_binary(dest) is kept


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
        ("PySide6/Qt/translations/qt_en.qm", True),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/Qt/translations/assistant_zh_CN.qm", False),
        ("PySide6/Qt/qml/QtQuick/Controls/qmldir", False),
        ("resources/i18n/support_zh_CN.qm", True),
    ],
)
def test_keep_data(dest: str, kept: bool) -> None:
    assert keep_data(dest) is kept


def test_prune_drops_libraries_only_dropped_plugins_needed() -> None:
    needed = {
        "/src/QtWidgets.so": ["libQt6Widgets.so.6"],
        "/src/libQt6Widgets.so.6": ["libfontconfig.so.1"],
        "/src/libfontconfig.so.1": ["libexpat.so.1"],
        "/src/libexpat.so.1": [],
        "/src/libgtk-3.so.0": ["libatk-1.0.so.0"],
        "/src/libatk-1.0.so.0": [],
        "/src/libportaudio.so.2": [],
    }
    binaries = [
        ("PySide6/QtWidgets.so", "/src/QtWidgets.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "/src/libQt6Widgets.so.6", "BINARY"),
        ("libfontconfig.so.1", "/src/libfontconfig.so.1", "BINARY"),
        ("libexpat.so.1", "/src/libexpat.so.1", "BINARY"),
        ("libgtk-3.so.0", "/src/libgtk-3.so.0", "BINARY"),
        ("libatk-1.0.so.0", "/src/libatk-1.0.so.0", "BINARY"),
        ("libportaudio.so.2", "/src/libportaudio.so.2", "BINARY"),  # loaded by ctypes: kept though unreferenced
    ]
    kept = [dest for dest, _src, _kind in prune_unreachable(binaries, lambda src: needed[src])]
    assert kept == [
        "PySide6/QtWidgets.so",
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "libfontconfig.so.1",
        "libexpat.so.1",
        "libportaudio.so.2",
    ]


@pytest.mark.parametrize(
    ("version", "revision", "expected"),
    [("0.1.0", "1", "0.1.0-1"), ("0.2.0rc1", "3", "0.2.0~rc1-3"), ("1.0.0b2", "1", "1.0.0~b2-1")],
)
def test_debian_version(version: str, revision: str, expected: str) -> None:
    assert deb.debian_version(version, revision) == expected


@pytest.mark.parametrize(("version", "expected"), [("0.1.0", "0.1.0"), ("0.2.0rc1", "0.2.0"), ("2.1", "2.1.0")])
def test_msi_version(version: str, expected: str) -> None:
    assert msi.msi_version(version) == expected


def test_wxs_ids_and_guids_are_stable_and_unique(tmp_path: Path) -> None:
    bundle = tmp_path / "agentdesk"
    (bundle / "_internal" / "PySide6").mkdir(parents=True)
    (bundle / "agentdesk.exe").write_bytes(b"MZ")
    (bundle / "_internal" / "python311.dll").write_bytes(b"MZ")
    (bundle / "_internal" / "PySide6" / "Qt6Core.dll").write_bytes(b"MZ")
    first_root, second_root = msi.generate_wxs(bundle).getroot(), msi.generate_wxs(bundle).getroot()
    assert first_root is not None
    assert second_root is not None
    first, second = ET.tostring(first_root), ET.tostring(second_root)
    assert first == second  # component GUIDs must not change between builds of the same layout
    root = ET.fromstring(first)
    ns = {"w": msi.WIX_NS}
    components = root.findall(".//w:Component", ns)
    guids = [c.get("Guid") for c in components]
    assert len(set(guids)) == len(guids)
    sources = sorted(f.get("Source") or "" for f in root.findall(".//w:File", ns))
    assert sources == ["bundle/_internal/PySide6/Qt6Core.dll", "bundle/_internal/python311.dll", "bundle/agentdesk.exe"]
    package = root.find(".//w:Package", ns)
    assert package is not None
    assert package.get("InstallScope") == "perMachine"
