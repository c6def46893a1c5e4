"""Paths of packaged resources (icons, style sheets, translations) through ``importlib.resources``.

Works the same from a source checkout, an installed wheel and a frozen (PyInstaller) build, after qutebrowser's
``utils/resources.py``. Any thread.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def _traversable(*parts: str) -> Traversable:
    # One joinpath() per part: in a PyInstaller bundle on Python 3.11, files() returns a MultiplexedPath whose
    # joinpath() takes a single argument (several only from 3.12); a source checkout returns a Path and hides this.
    node = resources.files("resources")
    for part in parts:
        node = node.joinpath(part)
    return node


def resource_dir(*parts: str) -> Path:
    """A directory inside the ``resources`` package (``resource_dir("i18n")``)."""
    return Path(str(_traversable(*parts)))


def resource_path(*parts: str) -> Path:
    """A file inside the ``resources`` package (``resource_path("icons", "agentdesk.svg")``)."""
    return Path(str(_traversable(*parts)))


def read_text(*parts: str) -> str:
    return _traversable(*parts).read_text(encoding="utf-8")
