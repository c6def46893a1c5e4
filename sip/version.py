"""The pjproject (pjsip) version, for the About dialog and diagnostics, without touching the SIP endpoint.

Qt-free; any thread. Deliberately does not construct a ``pjsua2.Endpoint``: a second Endpoint aborts the process
(PJ_EEXISTS), and the softphone owns the only one.
"""

from __future__ import annotations

import re
from importlib import metadata

_DISTRIBUTION = "pjsua2-python"


def pjsip_version() -> str | None:
    """The pjproject version the bundled ``pjsua2`` was built from (e.g. ``"2.15.1"``), or ``None`` if absent.

    The wheel's version is pjproject's plus a packaging suffix (``2.15.1.post1``). Frozen builds without package
    metadata fall back to the module's own ``_version`` (which loads the extension, ~60 ms).
    """
    try:
        version = metadata.version(_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        try:
            from pjsua2 import _version  # lazily: loads the SWIG extension
        except ImportError:
            return None
        version = str(getattr(_version, "__version__", ""))
        if not version:
            return None
    return re.sub(r"\.post\d+$", "", version)
