"""The knowledge pane: search as you type (Chinese and English), article viewer, suggestions, favourites. Main thread."""
