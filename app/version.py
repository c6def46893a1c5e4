"""The application's version: one place, read by pyproject, the About dialog, the bundle and the hub handshake."""

__version__ = "0.1.0"
