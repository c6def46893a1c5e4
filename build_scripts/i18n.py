"""Translations: extract strings from ui/ into Qt Linguist .ts files and compile them to .qm.

One pair of .ts files (zh_CN and en) per *area* of the UI, so that work on different panels never edits the same
file: ``ui/<area>/`` is an area, and modules directly in ``ui/`` form the area ``shell``.

    python build_scripts/i18n.py update     # pyside6-lupdate: add new strings, keep translations
    python build_scripts/i18n.py compile    # pyside6-lrelease: .ts -> .qm (bootstrap runs this)
    python build_scripts/i18n.py check      # every message of every .ts is translated (exit 1 if not)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "ui"
I18N = ROOT / "resources" / "i18n"
LANGUAGES = ("zh_CN", "en")


def _tool(name: str) -> str:
    exe = Path(sys.executable).parent / name
    found = str(exe) if exe.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: run build_scripts/bootstrap.sh")
    return found


def areas() -> dict[str, list[Path]]:
    """Map each area to its Python sources."""
    result: dict[str, list[Path]] = {}
    for path in sorted(UI.rglob("*.py")):
        rel = path.relative_to(UI)
        area = rel.parts[0] if len(rel.parts) > 1 else "shell"
        result.setdefault(area, []).append(path)
    return result


def update() -> None:
    I18N.mkdir(parents=True, exist_ok=True)
    for area, sources in areas().items():
        for lang in LANGUAGES:
            ts = I18N / f"{area}_{lang}.ts"
            subprocess.run(
                [
                    _tool("pyside6-lupdate"),
                    "-no-obsolete",
                    "-locations",
                    "none",
                    "-target-language",
                    lang,
                    *map(str, sources),
                    "-ts",
                    str(ts),
                ],
                check=True,
                capture_output=True,
            )
            print(f"updated {ts.relative_to(ROOT)}")


def compile_all(quiet: bool) -> None:
    for ts in sorted(I18N.glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
        if not quiet:
            print(f"compiled {qm.relative_to(ROOT)}")


def untranslated(ts: Path) -> list[str]:
    """Source texts in ``ts`` whose translation is missing or unfinished."""
    missing = []
    for message in ET.parse(ts).getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete"):
            missing.append(source)
            continue
        forms = translation.findall("numerusform")
        if (forms and not all((f.text or "").strip() for f in forms)) or (
            not forms and not (translation.text or "").strip()
        ):
            missing.append(source)
    return missing


def check() -> int:
    bad = 0
    for ts in sorted(I18N.glob("*.ts")):
        for source in untranslated(ts):
            print(f"{ts.relative_to(ROOT)}: untranslated: {source!r}")
            bad += 1
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("update", "compile", "check"))
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    if args.command == "update":
        update()
    elif args.command == "compile":
        compile_all(args.quiet)
    else:
        return check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
