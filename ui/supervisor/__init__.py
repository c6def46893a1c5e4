"""Supervisor mode: the live team board, force state / sign out, broadcasts and shift metrics. Main thread only."""
