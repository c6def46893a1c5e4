"""Build the PyInstaller onedir bundle and check that it is trimmed and complete.

    python build_scripts/build.py bundle            # -> out/dist/agentdesk/

The bundle directory holds the ``agentdesk`` executable (``agentdesk.exe`` on Windows) and ``_internal/``. PyInstaller
cannot cross-compile: a Windows bundle is built by running the same command on Windows (the MSI step on Linux then
packages that directory).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from build_scripts.bundle_filter import keep_binary, keep_data

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build_scripts" / "agentdesk.spec"
DEFAULT_OUT = ROOT / "out"


class BundleError(RuntimeError):
    """The bundle could not be built or does not meet its rules."""


def executable_name() -> str:
    return "agentdesk.exe" if sys.platform == "win32" else "agentdesk"


def build_bundle(out: Path = DEFAULT_OUT, python: str = sys.executable) -> Path:
    """Compile translations, run PyInstaller on the spec and verify the result; returns the bundle directory."""
    subprocess.run([python, str(ROOT / "build_scripts" / "i18n.py"), "compile", "--quiet"], check=True, cwd=ROOT)
    dist, work = out / "dist", out / "build"
    subprocess.run(
        [
            python,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(SPEC),
        ],
        check=True,
        cwd=ROOT,
    )
    bundle = dist / "agentdesk"
    if sys.platform.startswith("linux"):
        strip_debug_info(bundle)
    problems = verify_bundle(bundle)
    if problems:
        raise BundleError("the bundle breaks its rules:\n  " + "\n  ".join(problems))
    return bundle


def strip_debug_info(bundle: Path) -> list[Path]:
    """Remove DWARF debug sections from the ELF files that carry them (e.g. a pyenv-built libpython: 22 MB → 4 MB).

    Only ``--strip-debug``, and only where ``.debug_info`` exists: PyInstaller's whole-file ``strip`` corrupts the
    patchelf-ed libraries of manylinux wheels (numpy, pjsua2: "ELF load command address/offset not page-aligned").
    """
    stripped = []
    for path in sorted(bundle.rglob("*.so*")):
        if not path.is_file() or path.is_symlink():
            continue
        sections = subprocess.run(["readelf", "-S", "-W", str(path)], capture_output=True, text=True, check=False)
        if ".debug_info" in sections.stdout:
            subprocess.run(["strip", "--strip-debug", str(path)], check=True)
            stripped.append(path)
    return stripped


def bundle_files(bundle: Path) -> list[str]:
    return sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())


def verify_bundle(bundle: Path) -> list[str]:
    """What is wrong with a built bundle: missing essentials or anything the trim rules exclude."""
    problems = []
    if not (bundle / executable_name()).is_file():
        problems.append(f"no {executable_name()} in {bundle}")
    files = bundle_files(bundle)
    for rel in files:
        inner = rel.removeprefix("_internal/")
        if not (keep_binary(inner) and keep_data(inner)):
            problems.append(f"excluded file present: {rel}")
    for needed in ("resources/icons/agentdesk.svg", "resources/i18n/support_zh_CN.qm"):
        if f"_internal/{needed}" not in files:
            problems.append(f"missing resource: {needed}")
    return problems
