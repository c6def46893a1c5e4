"""The audio settings page (devices, priority list, tests, level meter)."""
