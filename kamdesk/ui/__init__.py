"""PySide6 widgets, models and dialogs: the only package (with kamdesk.app) that imports Qt."""
