"""Build tooling: translations, the PyInstaller bundle, the .deb and the MSI (run ``python build_scripts/build.py``)."""
