"""Missing test prerequisites: a skip on a developer's machine, a failure in CI (where bootstrap installs them all)."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(reason: str) -> NoReturn:
    """Skip locally; fail under ``CI`` so a missing component can never pass silently."""
    if os.environ.get("CI"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)
