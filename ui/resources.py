"""Paths of packaged resources (icons, style sheets, translations) through ``importlib.resources``.

Works the same from a source checkout, an installed wheel and a frozen (PyInstaller) build, after qutebrowser's
``utils/resources.py``. Any thread.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_dir(*parts: str) -> Path:
    """A directory inside the ``resources`` package (``resource_dir("i18n")``)."""
    return Path(str(resources.files("resources").joinpath(*parts)))


def resource_path(*parts: str) -> Path:
    """A file inside the ``resources`` package (``resource_path("icons", "agentdesk.svg")``)."""
    return Path(str(resources.files("resources").joinpath(*parts)))


def read_text(*parts: str) -> str:
    return resources.files("resources").joinpath(*parts).read_text(encoding="utf-8")
