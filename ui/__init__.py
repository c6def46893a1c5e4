"""AgentDesk user interface (PySide6 widgets). The composition root is ``ui/main.py``."""
