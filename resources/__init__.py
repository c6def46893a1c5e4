"""Static resources: icons, styles, translations, sounds. Loaded through importlib.resources."""
