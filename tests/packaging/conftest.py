"""Fixtures for the installer tests: the PyInstaller bundle is built once per session and shared by every test.

Building the bundle costs ~40 s of CPU (more on a loaded machine); each .deb another ~15 s. Set
``AGENTDESK_TEST_BUNDLE=/path/to/dist/agentdesk`` to reuse a bundle built by ``build_scripts/build.py bundle`` while
iterating on the packaging tests (CI leaves it unset and builds from the checked-out code).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from build_scripts import bundle as bundle_step
from build_scripts import deb as deb_step

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def packaging_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("packaging")


@pytest.fixture(scope="session")
def bundle_dir(packaging_out: Path) -> Path:
    """The onedir bundle of this checkout (built once per test session)."""
    prebuilt = os.environ.get("AGENTDESK_TEST_BUNDLE")
    if prebuilt:
        return Path(prebuilt).resolve()
    return bundle_step.build_bundle(packaging_out / "bundle", python=sys.executable)


@pytest.fixture(scope="session")
def deb_packages(bundle_dir: Path, packaging_out: Path) -> tuple[Path, Path]:
    """Two builds of the .deb from the same bundle: revision 1, and revision 2 as the upgrade."""
    out = packaging_out / "debs"
    out.mkdir()
    depends, _owners = deb_step.compute_depends(bundle_dir)
    first = deb_step.build_deb(bundle_dir, out, revision="1", depends=depends, compression="none")
    second = deb_step.build_deb(bundle_dir, out, revision="2", depends=depends, compression="none")
    return first, second


def run_bundle(
    executable: Path, *args: str, env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run an installed/bundled ``agentdesk`` with a clean, headless environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    base.update({"QT_QPA_PLATFORM": "offscreen", "DBUS_SESSION_BUS_ADDRESS": "disabled:"})
    base.update(env or {})
    return subprocess.run(
        [str(executable), *args], capture_output=True, text=True, timeout=timeout, env=base, check=False
    )
