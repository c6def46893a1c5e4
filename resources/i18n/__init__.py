"""Qt Linguist translations: <area>_<lang>.ts sources and the compiled .qm files (build_scripts/i18n.py)."""
