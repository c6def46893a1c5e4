"""Build the native audio bridge (``sip/audio/_pulsebridge*.so``, C on libpulse) in place, for Linux.

    python build_scripts/build_native.py          # build when the source changed since the last build
    python build_scripts/build_native.py --force  # always

``build_scripts/bootstrap.sh`` runs it (so ``./test.sh`` and ``./demo.sh`` from a fresh clone have it), and the
PyInstaller spec picks the module up like any other extension. It needs a C compiler and libpulse's headers
(Debian ``build-essential libpulse-dev``, in ``build_scripts/debian-packages.txt``). Without the module the app
uses the pure-Python bridge (PortAudio callbacks through ``sounddevice``), as on Windows and macOS; see
``docs/audio.md`` ("Native path").
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "sip" / "audio" / "csrc" / "pulsebridge.c"
MODULE = "sip.audio._pulsebridge"


def target() -> Path:
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    return ROOT / "sip" / "audio" / f"_pulsebridge{suffix}"


def build(force: bool = False) -> Path | None:
    """Compile the extension next to its package; returns its path (None when not built on this platform)."""
    if not sys.platform.startswith("linux"):
        print("native audio bridge: Linux only for now; the pure-Python bridge is used", file=sys.stderr)
        return None
    out = target()
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    stamp = ROOT / "build" / "native" / f"{out.name}.sha256"
    if not force and out.exists() and stamp.exists() and stamp.read_text().strip() == digest:
        return out
    from setuptools import Distribution, Extension  # type: ignore[import-untyped]

    ext = Extension(
        MODULE,
        [str(SOURCE.relative_to(ROOT))],
        libraries=["pulse"],
        extra_compile_args=["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-Wno-missing-field-initializers"],
    )
    dist = Distribution({"name": "agentdesk-native", "ext_modules": [ext], "script_name": "build_native.py"})
    dist.src_root = str(ROOT)
    cmd = dist.get_command_obj("build_ext")
    cmd.build_temp = str(ROOT / "build" / "native" / "temp")
    cmd.build_lib = str(ROOT / "build" / "native" / "lib")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        dist.run_command("build_ext")
    finally:
        os.chdir(cwd)
    built = Path(cmd.get_ext_fullpath(MODULE))
    if not built.is_absolute():
        built = ROOT / built
    # A new file renamed over the old one: a process that has the old module loaded keeps its own copy
    # (overwriting the file in place would change the code under a running test or app).
    staging = out.with_name(out.name + ".new")
    shutil.copy2(built, staging)
    os.replace(staging, out)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest + "\n")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    path = build(args.force)
    if path is not None:
        print(f"native audio bridge: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
